package dev.adjoint.processor;

import dev.adjoint.processor.differentiate.AdjointProgram;
import dev.adjoint.processor.differentiate.TangentCalls;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.StmtWalk;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;

/**
 * Which methods get the tangent member {@code m$tan} ({@link TangentCalls}) that second-order programs call:
 * a method or plain helper that calls itself (directly or through other methods and helpers of its class), and a
 * method or helper with a {@code double[]} or {@code double[][]} result or that takes records or is an instance
 * method which a method of the round calls, when {@code m$tan} has a reverse program. Decided once per round for this round's
 * methods, read off the companion for classes compiled earlier. The decision of a method assumes its own
 * {@code m$tan} (its recursive calls go through it); when it turns out to have none, every decision taken under
 * that assumption is forgotten and taken again.
 */
final class RecursiveTangents {
  private final Map<String, AdjointProgram> programs = new HashMap<>();
  private Map<String, MethodIr> methods = Map.of();
  private HelperSpecialisations helpers;
  private Map<String, Boolean> decided = new HashMap<>();
  private Predicate<Callee.DifferentiableMethod> has = m -> false;
  private UnaryOperator<MethodIr> rename = UnaryOperator.identity();
  /**
   * The methods taking records or instance methods, or with a {@code double[]} or {@code double[][]} result, that
   * this round's methods
   * call, by {@code companion#member}.
   */
  private Set<String> calledFlat;

  /**
   * A new round.
   *
   * @param methods this round's methods by {@code owner#name} (general calls; flat IR for records and objects)
   * @param helpers this round's helper specialisations
   * @param decided the decisions of the round (mHvp's and these, keyed {@code tan:...}), which a failed
   *     assumption rolls back
   * @param has the whole question of mHvp and tangent members, for a method's own calls
   * @param rename a method as its companion writer sees it (generated names renamed away)
   */
  void newRound(Map<String, MethodIr> methods, HelperSpecialisations helpers, Map<String, Boolean> decided,
      Predicate<Callee.DifferentiableMethod> has, UnaryOperator<MethodIr> rename) {
    programs.clear();
    this.methods = methods;
    this.helpers = helpers;
    this.decided = decided;
    this.has = has;
    this.rename = rename;
    this.calledFlat = null;
  }

  /** Whether the companion of {@code tangent}, a {@link TangentCalls#member}, has it. */
  boolean hasMember(Callee.DifferentiableMethod tangent, ProcessingEnvironment env) {
    String member = tangent.member().substring(0, tangent.member().length() - TangentCalls.SUFFIX.length());
    MethodIr method = !member.equals(tangent.name()) ? helpers.specialisation(tangent.companion(), member)
        : tangent.flattened() ? flatMethod(tangent.companion(), member)
        : methods.get(tangent.owner() + "#" + tangent.name());
    return method == null ? member.equals(tangent.name()) && compiled(tangent, env)
        : has(tangent.companion(), member, method);
  }

  /**
   * The reverse programs of the tangent members of {@code programs}, the programs of {@code companion} ({@code
   * helperMembers} are helpers' specialisations, {@code shaped} take records or are instance methods).
   */
  List<AdjointProgram> of(String companion, List<AdjointProgram> programs, Set<String> helperMembers,
      Set<String> shaped) {
    List<AdjointProgram> out = new ArrayList<>();
    for (AdjointProgram p : programs) {
      String member = p.method().name();
      MethodIr m = helperMembers.contains(member) ? helpers.specialisation(companion, member)
          : shaped.contains(member) ? flatMethod(companion, member)
          : methods.get(p.method().ownerCanonicalName() + "#" + member);
      if (m != null && has(companion, member, m)) {
        out.add(this.programs.get(key(companion, member)));
      }
    }
    return out;
  }

  private static String key(String companion, String member) {
    return "tan:" + companion + "#" + member;
  }

  /** Whether {@code method}, the member {@code member} of {@code companion}, has {@code m$tan}. */
  private boolean has(String companion, String member, MethodIr method) {
    String key = key(companion, member);
    Boolean known = decided.get(key);
    if (known != null) {
      return known;
    }
    if (!recursive(companion, member, method) && !calledFlat().contains(companion + "#" + member)) {
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

  /**
   * Whether {@code method}, the member {@code member} of {@code companion}, calls itself: directly, or through
   * other methods and helpers of its companion read in this round (mutual recursion, f calls g calls f).
   */
  private boolean recursive(String companion, String member, MethodIr method) {
    if (TangentCalls.selfRecursive(method)) {
      return true;
    }
    Set<String> seen = new HashSet<>();
    List<MethodIr> work = new ArrayList<>(List.of(method));
    while (!work.isEmpty()) {
      MethodIr m = work.remove(work.size() - 1);
      for (Callee.DifferentiableMethod callee : callees(m)) {
        if (!callee.companion().equals(companion)) {
          continue;
        }
        if (callee.member().equals(member)) {
          return true;
        }
        MethodIr next = !callee.member().equals(callee.name()) ? helpers.specialisation(companion, callee.member())
            : callee.flattened() ? flatMethod(companion, callee.member())
            : methods.get(callee.owner() + "#" + callee.name());
        if (next != null && seen.add(callee.member())) {
          work.add(next);
        }
      }
    }
    return false;
  }

  /** The {@code @Differentiable} methods and helpers that {@code method} calls. */
  private static List<Callee.DifferentiableMethod> callees(MethodIr method) {
    List<Callee.DifferentiableMethod> out = new ArrayList<>();
    StmtWalk.statements(method.body(), s -> StmtWalk.evaluated(s, e -> ExprWalk.visit(e, x -> {
      if (x instanceof Expr.Call c && c.callee() instanceof Callee.DifferentiableMethod d) {
        out.add(d);
      }
    })));
    return out;
  }

  /** The flat IR of this round's method {@code member} of {@code companion} (records or an object), or null. */
  private MethodIr flatMethod(String companion, String member) {
    for (MethodIr m : methods.values()) {
      if (TangentCalls.companion(m).equals(companion) && m.name().equals(member)) {
        return m;
      }
    }
    return null;
  }

  private Set<String> calledFlat() {
    if (calledFlat == null) {
      calledFlat = calledFlat(methods.values());
    }
    return calledFlat;
  }

  /**
   * The callees taking records or instance methods, or with a {@code double[]} or {@code double[][]} result, that
   * {@code methods} call,
   * by {@code companion#member}: in their bodies and in the bodies of the helper specialisations they reach.
   */
  private Set<String> calledFlat(Collection<MethodIr> methods) {
    Set<String> out = new HashSet<>();
    Set<String> seen = new HashSet<>();
    List<MethodIr> work = new ArrayList<>(methods);
    while (!work.isEmpty()) {
      for (Callee.DifferentiableMethod d : callees(work.remove(work.size() - 1))) {
        if (d.flattened() || d.returnType() == dev.adjoint.processor.ir.Type.VECTOR
            || d.returnType() == dev.adjoint.processor.ir.Type.MATRIX) {
          out.add(d.companion() + "#" + d.member());
        }
        MethodIr helper = d.member().equals(d.name()) ? null : helpers.specialisation(d.companion(), d.member());
        if (helper != null && seen.add(d.companion() + "#" + d.member())) {
          work.add(helper);
        }
      }
    }
    return out;
  }

  /** Whether the companion of {@code tangent} (a tangent member), compiled earlier, has it. */
  private static boolean compiled(Callee.DifferentiableMethod tangent, ProcessingEnvironment env) {
    TypeElement companion = env.getElementUtils().getTypeElement(tangent.companion());
    String record = tangent.member() + "$record";
    return companion != null && ElementFilter.methodsIn(companion.getEnclosedElements()).stream()
        .anyMatch(m -> m.getSimpleName().contentEquals(record));
  }
}
