package dev.adjoint.processor;

import dev.adjoint.processor.emit.GeneratedNames;
import dev.adjoint.processor.read.CustomDerivatives;
import dev.adjoint.processor.read.ModelTypes;
import java.util.Optional;
import java.util.Set;
import javax.annotation.processing.Messager;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeKind;
import javax.tools.Diagnostic;

/**
 * The declaration-level rules {@link AdjointProcessor} checks before reading a body: a {@code @Differentiable}
 * method's signature and class, and the target of each {@code @DerivativeOf}. Each broken rule is a compile error
 * on the declaration.
 */
final class SignatureRules {
  private SignatureRules() {}

  /** Each {@code @DerivativeOf("m")} names a {@code @Differentiable} method {@code m} of its class. */
  static void checkDerivativeTargets(Set<? extends Element> annotated, Messager messager) {
    for (Element e : annotated) {
      if (e.getKind() != ElementKind.METHOD) {
        continue;
      }
      String target = CustomDerivatives.target((ExecutableElement) e).orElse("");
      boolean found = javax.lang.model.util.ElementFilter.methodsIn(e.getEnclosingElement().getEnclosedElements())
          .stream().anyMatch(m -> m.getSimpleName().contentEquals(target) && ModelTypes.isDifferentiable(m));
      if (!found) {
        error(messager, e, "@DerivativeOf(\"" + target + "\") names no @Differentiable method of "
            + e.getEnclosingElement().getSimpleName() + ": annotate '" + target + "' with @Differentiable, in"
            + " the same class as its derivative");
      }
    }
  }

  /** The method-level rules: static, concrete, not private, a differentiable result, a differentiable parameter. */
  static boolean check(TypeElement owner, ExecutableElement method, Messager messager) {
    String name = method.getSimpleName().toString();
    boolean ok = true;
    if (method.getModifiers().contains(Modifier.ABSTRACT) || method.getModifiers().contains(Modifier.NATIVE)) {
      error(messager, method, "@Differentiable method '" + name + "' must have a body");
      return false;
    }
    if (method.getModifiers().contains(Modifier.PRIVATE)) {
      error(messager, method, "@Differentiable method '" + name + "' must not be private: its companion "
          + ModelTypes.companionSimpleName(owner) + " calls it; make it package-private or public");
      ok = false;
    }
    if (!method.getTypeParameters().isEmpty()) {
      error(messager, method, "@Differentiable method '" + name + "' must not be generic");
      ok = false;
    }
    if (owner.getNestingKind() == NestingKind.LOCAL || owner.getNestingKind() == NestingKind.ANONYMOUS) {
      error(messager, method, "@Differentiable methods must be in a top-level or static nested class");
      return false;
    }
    if (owner.getNestingKind() == NestingKind.MEMBER && !owner.getModifiers().contains(Modifier.STATIC)
        && owner.getKind() == ElementKind.CLASS) {
      error(messager, method, "@Differentiable methods of an inner class are not supported: make the class static");
      ok = false;
    }
    if (owner.getModifiers().contains(Modifier.PRIVATE)) {
      error(messager, method, "@Differentiable methods must not be in a private class: the companion could not call them");
      ok = false;
    }
    Optional<dev.adjoint.processor.ir.Type> result = ModelTypes.of(method.getReturnType());
    // A record result is checked with the method's shape (read.RecordShapes), on the method.
    boolean recordResult = dev.adjoint.processor.read.RecordShapes.recordType(method.getReturnType()) != null;
    if ((result.isEmpty() || !result.get().differentiable()) && !recordResult) {
      error(messager, method, "@Differentiable method '" + name + "' returns "
          + (method.getReturnType().getKind() == TypeKind.VOID ? "nothing" : method.getReturnType().toString())
          + ": its result must be double, double[], double[][] or Tensor, or a record of double and double[]"
          + " components");
      ok = false;
    }
    for (Element p : method.getParameters()) {
      String parameter = p.getSimpleName().toString();
      if (ModelTypes.isDifferentiableParameter(p) && GeneratedNames.ILLEGAL_COMPONENTS.contains(parameter)) {
        error(messager, p, "a differentiable parameter cannot be named '" + parameter + "': the gradient record "
            + Character.toUpperCase(name.charAt(0)) + name.substring(1) + "Gradient has a component named like"
            + " each differentiable parameter, and a record component cannot be named '" + parameter
            + "' (JLS 8.10.1); rename the parameter");
        ok = false;
      }
    }
    boolean anyDifferentiable = method.getParameters().stream().anyMatch(ModelTypes::isDifferentiableParameter)
        || dev.adjoint.processor.read.RecordShapes.anyDifferentiable(method);
    if (!anyDifferentiable) {
      error(messager, method, "@Differentiable method '" + name + "' has no differentiable parameter: at least one must be"
          + " double, double[], double[][] or Tensor (or a record with such a component), and not @NoGrad");
      ok = false;
    }
    return ok;
  }

  private static void error(Messager messager, Element element, String message) {
    messager.printMessage(Diagnostic.Kind.ERROR, message, element);
  }
}
