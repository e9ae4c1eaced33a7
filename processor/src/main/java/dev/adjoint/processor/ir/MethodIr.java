package dev.adjoint.processor.ir;

import java.util.List;

/**
 * One {@code @Differentiable} method as read from source: where it lives, its parameters, its result type,
 * its body, and whether it is public (its companion members are public exactly when it is).
 */
public record MethodIr(
    String packageName,
    String ownerCanonicalName,
    String companionSimpleName,
    String name,
    List<Parameter> parameters,
    Type returnType,
    Stmt.Block body,
    boolean isPublic,
    Origin origin) {
  public MethodIr {
    parameters = List.copyOf(parameters);
  }

  /**
   * A parameter; it is differentiable when its type is and it is not marked {@code @NoGrad}
   * ({@code int}, {@code long}, {@code boolean} and {@code int[]} never are).
   */
  public record Parameter(String name, Type type, boolean noGrad) {
    public Parameter(String name, Type type) {
      this(name, type, false);
    }

    public boolean differentiable() {
      return type.differentiable() && !noGrad;
    }

    public Expr.Var variable() {
      return new Expr.Var(name, type);
    }

    /**
     * The name in the source, which the gradient record's component keeps. Generated code may rename a
     * parameter to {@code name$} so that it does not shadow a name the companion reaches
     * ({@code emit.GeneratedNames}); source names never contain {@code $}.
     */
    public String sourceName() {
      return name.endsWith("$") ? name.substring(0, name.length() - 1) : name;
    }
  }

  /** {@code name} with a capital first letter ({@code rosenbrock} → {@code Rosenbrock}). */
  public String capitalized() {
    return Character.toUpperCase(name.charAt(0)) + name.substring(1);
  }

  /** The differentiable parameters, in declaration order. */
  public List<Parameter> differentiableParameters() {
    return parameters.stream().filter(Parameter::differentiable).toList();
  }
}
