package dev.adjoint.processor;

import dev.adjoint.processor.differentiate.TangentSweep;
import dev.adjoint.processor.emit.ForwardModeWriter;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.MethodIr;
import java.util.Collection;
import java.util.Map;
import java.util.function.Predicate;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;

/**
 * Whether a called method with records or an object (a flattened call: its companion's flat members stand in
 * for it) has the flat tangent member {@link TangentSweep#flatJvpName} that a caller's {@code mJvp} goes
 * through: decided as its companion's writer decides ({@link ForwardModeWriter#hasFlatJvp}) for a method read
 * in this round, read off the class for a companion compiled earlier.
 */
final class FlatTangents {
  private FlatTangents() {}

  /**
   * @param methods the methods read in this round (flat IR)
   * @param decided the decisions so far, shared with mHvp's (keys here start with {@code jvp:}); a recursive
   *     call asks again while its method is decided and is told no
   * @param ask the whole question, for the callees of the callee
   */
  static boolean has(Callee.DifferentiableMethod callee, Collection<MethodIr> methods, Map<String, Boolean> decided,
      Predicate<Callee.DifferentiableMethod> ask, ProcessingEnvironment env) {
    String key = "jvp:" + callee.companion() + "#" + callee.name();
    Boolean known = decided.get(key);
    if (known != null) {
      return known;
    }
    for (MethodIr m : methods) {
      String companion = m.packageName().isEmpty() ? m.companionSimpleName()
          : m.packageName() + "." + m.companionSimpleName();
      if (companion.equals(callee.companion()) && m.name().equals(callee.name())) {
        decided.put(key, false);
        boolean has = ForwardModeWriter.hasFlatJvp(m, ask);
        decided.put(key, has);
        return has;
      }
    }
    TypeElement companion = env.getElementUtils().getTypeElement(callee.companion());
    String member = TangentSweep.flatJvpName(callee.name());
    return companion != null && ElementFilter.methodsIn(companion.getEnclosedElements()).stream()
        .anyMatch(m -> m.getSimpleName().contentEquals(member));
  }
}
