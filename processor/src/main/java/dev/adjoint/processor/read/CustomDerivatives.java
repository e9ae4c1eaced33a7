package dev.adjoint.processor.read;

import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.util.ElementFilter;

/**
 * {@code @DerivativeOf("m")} methods (design §7 "Custom derivatives"): which method supplies {@code m}'s
 * derivative, whether its signature is the one the companion calls, and {@code m}'s body as the companion
 * sees it: one call of {@code m} itself, whose reverse calls the derivative.
 */
public final class CustomDerivatives {
  public static final String DERIVATIVE_OF = "dev.adjoint.DerivativeOf";

  private CustomDerivatives() {}

  /** The value of {@code m}'s {@code @DerivativeOf}, or empty when it has none. */
  public static Optional<String> target(ExecutableElement m) {
    for (AnnotationMirror a : m.getAnnotationMirrors()) {
      if (((TypeElement) a.getAnnotationType().asElement()).getQualifiedName().contentEquals(DERIVATIVE_OF)) {
        for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e : a.getElementValues().entrySet()) {
          if (e.getKey().getSimpleName().contentEquals("value") && e.getValue().getValue() instanceof String s) {
            return Optional.of(s);
          }
        }
        return Optional.of("");
      }
    }
    return Optional.empty();
  }

  /** The methods of {@code owner} annotated {@code @DerivativeOf(name)}. */
  public static List<ExecutableElement> of(TypeElement owner, String name) {
    List<ExecutableElement> out = new ArrayList<>();
    for (ExecutableElement m : ElementFilter.methodsIn(owner.getEnclosedElements())) {
      if (target(m).filter(name::equals).isPresent()) {
        out.add(m);
      }
    }
    return out;
  }

  /** What is wrong with {@code d} as the derivative of {@code m} (the first problem), or empty. */
  public static Optional<String> check(ExecutableElement m, ExecutableElement d) {
    String name = m.getSimpleName().toString();
    String dname = d.getSimpleName().toString();
    if (m.getReturnType().getKind() != TypeKind.DOUBLE || !m.getParameters().stream().allMatch(p -> {
      TypeKind k = p.asType().getKind();
      return k == TypeKind.DOUBLE || k == TypeKind.INT || k == TypeKind.LONG || k == TypeKind.BOOLEAN;
    })) {
      return Optional.of("@DerivativeOf(\"" + name + "\") is supported for methods of double, int, long and"
          + " boolean parameters with a double result; '" + name + "' is " + signature(m) + ": pass the values"
          + " one by one, or remove @DerivativeOf so that Adjoint differentiates the body");
    }
    List<String> expected = new ArrayList<>();
    for (VariableElement p : m.getParameters()) {
      expected.add(p.asType() + " " + p.getSimpleName());
    }
    expected.add("double upstream");
    String wanted = "(" + String.join(", ", expected) + ")";
    if (!d.getModifiers().contains(Modifier.STATIC)) {
      return Optional.of("@DerivativeOf method '" + dname + "' must be static");
    }
    if (d.getModifiers().contains(Modifier.PRIVATE)) {
      return Optional.of("@DerivativeOf method '" + dname + "' must not be private: the companion calls it; make"
          + " it package-private or public");
    }
    if (!d.getTypeParameters().isEmpty()) {
      return Optional.of("@DerivativeOf method '" + dname + "' must not be generic");
    }
    boolean sameParameters = d.getParameters().size() == m.getParameters().size() + 1
        && d.getParameters().get(m.getParameters().size()).asType().getKind() == TypeKind.DOUBLE;
    for (int i = 0; sameParameters && i < m.getParameters().size(); i++) {
      sameParameters = d.getParameters().get(i).asType().getKind() == m.getParameters().get(i).asType().getKind();
    }
    if (!sameParameters) {
      return Optional.of("@DerivativeOf method '" + dname + "' must take the parameters of '" + name + "' followed"
          + " by the upstream adjoint: " + wanted);
    }
    List<String> differentiable = new ArrayList<>();
    for (VariableElement p : m.getParameters()) {
      if (ModelTypes.isDifferentiableParameter(p)) {
        differentiable.add(p.getSimpleName().toString());
      }
    }
    boolean array = differentiable.size() > 1;
    boolean returns = array
        ? d.getReturnType().getKind() == TypeKind.ARRAY && d.getReturnType().toString().equals("double[]")
        : d.getReturnType().getKind() == TypeKind.DOUBLE;
    if (!returns) {
      return Optional.of("@DerivativeOf method '" + dname + "' must return " + (array
          ? "double[]: upstream times the partial derivative with respect to each of " + differentiable
              + ", in that order"
          : "double: upstream times the derivative of '" + name + "' with respect to '" + differentiable.get(0)
              + "'") + ", not " + d.getReturnType());
    }
    return Optional.empty();
  }

  /** {@code m}'s body for the companion: {@code return Owner.m(params)}, its reverse {@code d}. */
  static Stmt.Block body(ExecutableElement m, ExecutableElement d, List<MethodIr.Parameter> parameters,
      Origin origin) {
    List<Boolean> differentiable = new ArrayList<>();
    List<Expr> args = new ArrayList<>();
    for (MethodIr.Parameter p : parameters) {
      differentiable.add(p.differentiable());
      args.add(p.variable());
    }
    String owner = ((TypeElement) m.getEnclosingElement()).getQualifiedName().toString();
    Callee callee = new Callee.Custom(owner, m.getSimpleName().toString(), d.getSimpleName().toString(),
        differentiable);
    return new Stmt.Block(List.of(new Stmt.Return(new Expr.Call(callee, args, Type.DOUBLE), origin)), origin);
  }

  private static String signature(ExecutableElement m) {
    List<String> types = new ArrayList<>();
    for (VariableElement p : m.getParameters()) {
      types.add(p.asType().toString());
    }
    return m.getReturnType() + " " + m.getSimpleName() + "(" + String.join(", ", types) + ")";
  }
}
