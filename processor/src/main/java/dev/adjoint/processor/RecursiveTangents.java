package dev.adjoint.processor;

import dev.adjoint.processor.differentiate.AdjointProgram;
import dev.adjoint.processor.differentiate.TangentCalls;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.MethodIr;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;

/**
 * Which recursive methods get the tangent member {@code m$tan} ({@link TangentCalls}) that second-order
 * programs call: decided once per round for this round's methods, read off the companion for classes
 * compiled earlier. The decision of a method assumes its own {@code m$tan} (its recursive calls go through
 * it); when it turns out to have none, every decision taken under that assumption is forgotten and taken
 * again.
 */
final class RecursiveTangents {
  private final Map<String, AdjointProgram> programs = new HashMap<>();

  /** A new round: nothing decided. */
  void clear() {
    programs.clear();
  }

  /** The reverse program of {@code m$tan} of {@code companion#member}, once {@link #has} said yes; else null. */
  AdjointProgram program(String companion, String member) {
    return programs.get("tan:" + companion + "#" + member);
  }

  /**
   * Whether {@code method}, the member {@code member} of {@code companion} (a {@code @Differentiable} method of
   * this round or a plain helper's specialisation; null when there is none), has {@code m$tan}; its program is
   * then kept for {@link #program}.
   *
   * @param decided the decisions of the round (mHvp's and these, keyed {@code tan:...}), which a failed
   *     assumption rolls back
   * @param has the whole question of mHvp and tangent members, for the method's own calls
   * @param rename the method as its companion writer sees it (generated names renamed away)
   */
  boolean has(String companion, String member, MethodIr method, Map<String, Boolean> decided,
      Predicate<Callee.DifferentiableMethod> has, UnaryOperator<MethodIr> rename) {
    String key = "tan:" + companion + "#" + member;
    Boolean known = decided.get(key);
    if (known != null) {
      return known;
    }
    if (method == null || !TangentCalls.selfRecursive(method)) {
      decided.put(key, false);
      return false;
    }
    Set<String> before = new HashSet<>(decided.keySet());
    decided.put(key, true); // its own recursive calls go through m$tan
    AdjointProgram program = TangentCalls.program(rename.apply(method), has);
    if (program == null) {
      decided.keySet().retainAll(before);
      programs.keySet().retainAll(before);
      decided.put(key, false);
      return false;
    }
    programs.put(key, program);
    return true;
  }

  /** Whether the companion of {@code callee} (a tangent member), compiled earlier, has it. */
  static boolean compiled(Callee.DifferentiableMethod callee, ProcessingEnvironment env) {
    TypeElement companion = env.getElementUtils().getTypeElement(callee.companion());
    String record = callee.member() + "$record";
    return companion != null && ElementFilter.methodsIn(companion.getEnclosedElements()).stream()
        .anyMatch(m -> m.getSimpleName().contentEquals(record));
  }
}
