package dev.adjoint.processor.read;

import dev.adjoint.processor.ir.Type;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/** Maps {@code javax.lang.model} types and classes to the IR's types and to companion names. */
public final class ModelTypes {
  /** The annotation's canonical name; matched by name so the processor needs no runtime dependency. */
  public static final String DIFFERENTIABLE = "dev.adjoint.Differentiable";

  private ModelTypes() {}

  /** The IR type of {@code mirror}, or empty when it is outside the supported subset. */
  public static Optional<Type> of(TypeMirror mirror) {
    switch (mirror.getKind()) {
      case DOUBLE:
        return Optional.of(Type.DOUBLE);
      case INT:
        return Optional.of(Type.INT);
      case LONG:
        return Optional.of(Type.LONG);
      case BOOLEAN:
        return Optional.of(Type.BOOLEAN);
      case ARRAY:
        TypeMirror component = ((ArrayType) mirror).getComponentType();
        if (component.getKind() == TypeKind.DOUBLE) {
          return Optional.of(Type.VECTOR);
        }
        if (component.getKind() == TypeKind.INT) {
          return Optional.of(Type.INT_VECTOR);
        }
        if (component.getKind() == TypeKind.BOOLEAN) {
          return Optional.of(Type.BOOLEAN_VECTOR);
        }
        if (component.getKind() == TypeKind.ARRAY
            && ((ArrayType) component).getComponentType().getKind() == TypeKind.DOUBLE) {
          return Optional.of(Type.MATRIX);
        }
        return Optional.empty();
      case DECLARED:
        Element element = ((javax.lang.model.type.DeclaredType) mirror).asElement();
        if (element instanceof TypeElement t && t.getQualifiedName().contentEquals(Type.TensorType.CLASS)) {
          return Optional.of(Type.TENSOR);
        }
        return Optional.empty();
      default:
        return Optional.empty();
    }
  }

  /** The canonical name of the companion of {@code type}: {@code pkg.Outer_InnerGrad}. */
  public static String companionName(TypeElement type) {
    return packageOf(type).isEmpty()
        ? companionSimpleName(type)
        : packageOf(type) + "." + companionSimpleName(type);
  }

  /** The simple name of the companion of {@code type}: {@code Outer_InnerGrad}. */
  public static String companionSimpleName(TypeElement type) {
    Deque<String> names = new ArrayDeque<>();
    Element e = type;
    while (e != null && (e.getKind().isClass() || e.getKind().isInterface() || e.getKind() == ElementKind.ENUM
        || e.getKind() == ElementKind.RECORD)) {
      names.addFirst(e.getSimpleName().toString());
      e = e.getEnclosingElement();
    }
    return String.join("_", names) + "Grad";
  }

  /** The package name of {@code type}, empty for the unnamed package. */
  public static String packageOf(Element type) {
    Element e = type;
    while (e != null && !(e instanceof PackageElement)) {
      e = e.getEnclosingElement();
    }
    return e == null ? "" : ((PackageElement) e).getQualifiedName().toString();
  }

  /** The annotation that exempts a parameter from differentiation. */
  public static final String NO_GRAD = "dev.adjoint.NoGrad";

  /** Whether parameter {@code element} carries {@code @NoGrad}. */
  public static boolean isNoGrad(Element element) {
    return element.getAnnotationMirrors().stream()
        .anyMatch(a -> ((TypeElement) a.getAnnotationType().asElement()).getQualifiedName().contentEquals(NO_GRAD));
  }

  /** Whether parameter {@code element} is differentiated: a differentiable type and no {@code @NoGrad}. */
  public static boolean isDifferentiableParameter(Element element) {
    return of(element.asType()).map(Type::differentiable).orElse(false) && !isNoGrad(element);
  }

  /** Whether {@code element} carries {@code @Differentiable}. */
  public static boolean isDifferentiable(Element element) {
    return element.getAnnotationMirrors().stream()
        .anyMatch(a -> ((TypeElement) a.getAnnotationType().asElement())
            .getQualifiedName().contentEquals(DIFFERENTIABLE));
  }
}
