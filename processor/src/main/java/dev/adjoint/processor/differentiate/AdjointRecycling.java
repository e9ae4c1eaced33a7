package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.analyze.StructuredBody;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.TapeKind;
import dev.adjoint.processor.ir.Type;
import java.util.List;
import java.util.Set;

/**
 * The reverse of {@code a = value} for a {@code double[]} local reassigned with a fresh array (a call's result in
 * a loop, {@code k1 = f(x, y)}; {@code tmp = new double[n]}): the adjoint of the array held before starts from zero.
 * Instead of a new zero array per reverse of the statement, the reverse routes the new array's adjoint first and
 * then reuses that adjoint array's storage, zeroed, when it has the old array's length
 * ({@code _d_a = ArrayAdjoints.zeroedLike(_d_a, a)}): one fill instead of one allocation per iteration.
 *
 * <p>Sound only when nothing else holds the adjoint array once the routing has read it: the local's adjoint is
 * always an array the reverse sweep made itself ({@code zerosLike}/{@code zeroedLike}); the routing only reads it
 * (a callee's reverse takes it as its upstream and returns); and {@code value} does not read {@code a}
 * ({@code a = g(a)} routes into the old array's adjoint, which must already be a distinct zero array). Parameters
 * (whose adjoint may be the caller's {@code into$} array) and the result variable (whose adjoint may be the user's
 * upstream) are left to the allocating form, and so are matrices (rows could be shared).
 */
final class AdjointRecycling {
  private AdjointRecycling() {}

  /** The statement that makes {@code adjoint} the zero adjoint of the old array after routing, or null. */
  static Stmt after(Expr array, Expr value, Expr adjoint, Set<String> reassigned, MethodIr method, Origin origin) {
    if (!(array instanceof Expr.Var v) || !v.type().equals(Type.VECTOR) || !reassigned.contains(v.name())
        || v.name().equals(StructuredBody.RESULT) || ExprWalk.variables(value).contains(v.name())) {
      return null;
    }
    for (MethodIr.Parameter p : method.parameters()) {
      if (p.name().equals(v.name())) {
        return null;
      }
    }
    return new Stmt.Assign(adjoint, new Expr.Call(new Callee.Static(ReverseSweep.ARRAY_ADJOINTS, "zeroedLike"),
        List.of(adjoint, array), array.type()), origin);
  }

  /**
   * {@code _doubles.donate(adjoint)}: the upstream of the callee's reverse for {@code a = f(...)} when {@link
   * #after} recycles {@code a}'s adjoint. The routing is then the callee's reverse alone and nothing reads the
   * adjoint before it is zeroed, so the callee may use this array as its result's adjoint instead of copying it
   * (emit.DonatedUpstream; the callee checks at run time that it is no target it accumulates into).
   */
  static Expr donated(Expr adjoint) {
    return new Expr.Call(new Callee.TapeMember("donate"), List.of(doubles(), adjoint), adjoint.type());
  }

  /** {@code _doubles.donate(null)} after the call: no later callee sees the mark (one that did not take it). */
  static Stmt forgetDonation(Origin origin) {
    return new Stmt.Effect(new Expr.Call(new Callee.TapeMember("donate"), List.of(doubles(),
        new Expr.Literal("null", Type.VECTOR)), Type.VECTOR), origin);
  }

  private static Expr doubles() {
    return new Expr.Var(TapeKind.DOUBLES.variable, new Type.Named(TapeKind.DOUBLES.runtimeClass));
  }
}
