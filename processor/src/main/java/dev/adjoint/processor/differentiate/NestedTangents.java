package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The tangent of a nested gradient {@code FGrad.mGradient(a).p()} ({@link TangentSweep}, for {@code mJvp}):
 * component {@code p} of the callee's Hessian-vector product along the arguments' tangents,
 * {@code FGrad.mHvp(a, ȧ).p()} (the derivative of {@code ∇m} along {@code ȧ} is {@code H ȧ}), with zero
 * directions for arguments that do not vary:
 *
 * <pre>{@code
 * var _ng$1 = FGrad.mGradient(x, y);
 * var _nh$2 = FGrad.mHvp(x, y, t$x, ArrayAdjoints.zerosLike(y));
 * // value: _ng$1.p(), tangent: _nh$2.p()
 * }</pre>
 *
 * The calling method then has no {@code mHvp} of its own (that would take third derivatives).
 */
final class NestedTangents {
  private NestedTangents() {}

  /**
   * Appends the two calls to {@code out} and returns the value and the tangent of the component.
   *
   * @param primals the call's arguments, bound to leaves
   * @param tangents their tangents, null where an argument does not vary
   * @param temp makes a fresh local from a name prefix and a type
   */
  static Expr[] of(Expr.Component component, Callee.DifferentiableMethod m, List<Expr> primals,
      List<Expr> tangents, List<Stmt> out, Origin origin, BiFunction<String, Type, Expr.Var> temp) {
    List<Expr> directions = new ArrayList<>();
    for (int k = 0; k < primals.size(); k++) {
      if (m.gradientComponents().get(k) == null) {
        continue;
      }
      Type type = m.parameterTypes().get(k);
      directions.add(tangents.get(k) != null ? tangents.get(k) : type == Type.DOUBLE ? DerivativeRules.literal("0.0")
          : new Expr.Call(new Callee.Static(ReverseSweep.ARRAY_ADJOINTS, "zerosLike"), List.of(primals.get(k)),
              type));
    }
    Type record = new Type.Named(m.companion() + "." + m.capitalized() + "Gradient");
    Expr.Var gradient = temp.apply("_ng", record);
    out.add(new Stmt.Declare(gradient, new Expr.Call(new Callee.GradientOf(m), primals, record), origin));
    List<Expr> args = new ArrayList<>(primals);
    args.addAll(directions);
    Expr.Var hvp = temp.apply("_nh", record);
    out.add(new Stmt.Declare(hvp, new Expr.Call(new Callee.Static(m.companion(), m.member() + "Hvp"), args, record),
        origin));
    return new Expr[] {new Expr.Component(gradient, component.name(), component.type()),
        new Expr.Component(hvp, component.name(), component.type())};
  }
}
