package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * Hessian-vector products, reverse over forward: the reverse mode differentiates the tangent program
 * ({@link TangentSweep#asMethod}) with respect to the primal arguments, which gives {@code ∇(∇f · v) = H v}
 * in one forward and one reverse sweep. The reverse mode treats runtime calls as constants, which is exact
 * for the piecewise constant partials ({@code Partials.abs}, {@code maxFirst}, ...), so the smooth ones
 * ({@code powBase}, {@code powExponent}, {@code atan2First}, {@code atan2Second}, {@code hypotFirst}) are
 * first written out as IR here, with the same definitions as {@code dev.adjoint.runtime.Partials}.
 */
public final class SecondOrder {
  private SecondOrder() {}

  /** The program of {@code mHvp}, or (program null) why there is none. */
  public record HvpProgram(AdjointProgram program, String whyNot) {}

  /**
   * The reverse program of the tangent program, or the reason there is none: only {@code double} results
   * without calls to other {@code @Differentiable} methods (their {@code mJvp} has no reverse rule).
   */
  public static HvpProgram hvpProgram(TangentSweep.TangentProgram program) {
    return hvpProgram(program, m -> false);
  }

  /**
   * The same, where calls of the methods {@code hasHvp} accepts (a {@code double} result and {@code double},
   * {@code double[]} or {@code double[][]} differentiable parameters) are differentiated through their
   * gradients and {@code mHvp}s.
   */
  public static HvpProgram hvpProgram(TangentSweep.TangentProgram program,
      java.util.function.Predicate<Callee.DifferentiableMethod> hasHvp) {
    if (program.method().returnType() != Type.DOUBLE) {
      return new HvpProgram(null, "the result is not a double");
    }
    if (program.callsMethods()) {
      try {
        TangentSweep.TangentProgram throughGradients = TangentSweep.differentiate(program.method(), hasHvp);
        if (!throughGradients.callsMethods()) {
          program = throughGradients;
        }
      } catch (TangentSweep.NoForwardMode | Refusal | IllegalStateException e) {
        // keep the program and its reason below
      }
    }
    if (program.callsMethods()) {
      return new HvpProgram(null, "it calls a method without mHvp (one with a double[], double[][] or record"
          + " result, or that takes a record or is an instance method, compiled earlier without the tangent member"
          + " m$tan, which is generated only when a method of the same compilation calls it: recompile the"
          + " callee's class together with this one; or one with neither mHvp nor m$tan itself),"
          + " whose mJvp has no reverse rule, a method with a @DerivativeOf derivative (the derivative supplied is"
          + " first-order: its own derivative is unknown), or another method's generated gradient (a nested"
          + " gradient: its mHvp would take third derivatives)");
    }
    try {
      // Without the primal values only the discarded primal result read (DeadStores).
      return new HvpProgram(ReverseSweep.differentiate(DeadStores.pruned(expand(TangentSweep.asMethod(program)))),
          null);
    } catch (Refusal e) {
      return new HvpProgram(null, e.getMessage());
    } catch (IllegalStateException e) {
      // A construct the reverse mode cannot take in a tangent program: no mHvp, and the reverse mode and
      // mJvp of the method are unaffected. The companion's Javadoc carries the reason.
      return new HvpProgram(null, "the reverse mode cannot differentiate its tangent program (" + e.getMessage()
          + ")");
    }
  }

  /** {@code m} without comments and primal-result assignments, with the smooth partials written out as IR. */
  static dev.adjoint.processor.ir.MethodIr expand(dev.adjoint.processor.ir.MethodIr m) {
    return new dev.adjoint.processor.ir.MethodIr(m.packageName(), m.ownerCanonicalName(), m.companionSimpleName(),
        m.name(), m.parameters(), m.returnType(), (Stmt.Block) statement(m.body()), m.isPublic(), m.origin());
  }

  private static Stmt statement(Stmt s) {
    if (s instanceof Stmt.Block b) {
      List<Stmt> out = new ArrayList<>();
      for (Stmt x : b.statements()) {
        // Comments go; so do the assignments of the primal result, which nothing reads here (the tangent
        // program's result is the tangent, assigned to the same variable by the final return).
        boolean primalResult = x instanceof Stmt.Assign a && a.target() instanceof Expr.Var v
            && v.name().equals(dev.adjoint.processor.analyze.StructuredBody.RESULT);
        if (!(x instanceof Stmt.Comment) && !primalResult) {
          out.add(statement(x));
        }
      }
      return new Stmt.Block(out, b.origin());
    }
    if (s instanceof Stmt.Declare d) {
      return new Stmt.Declare(d.variable(), d.init() == null ? null : expr(d.init()), d.origin());
    }
    if (s instanceof Stmt.Assign a) {
      return new Stmt.Assign(a.target(), expr(a.value()), a.origin());
    }
    if (s instanceof Stmt.If i) {
      return new Stmt.If(i.condition(), (Stmt.Block) statement(i.then()), (Stmt.Block) statement(i.otherwise()),
          i.origin());
    }
    if (s instanceof Stmt.While w) {
      return new Stmt.While(w.condition(), (Stmt.Block) statement(w.body()), w.origin());
    }
    if (s instanceof Stmt.Return r) {
      return new Stmt.Return(expr(r.value()), r.origin());
    }
    return s;
  }

  private static Expr expr(Expr e) {
    if (e instanceof Expr.Unary u) {
      return new Expr.Unary(u.op(), expr(u.operand()), u.type());
    }
    if (e instanceof Expr.Binary b) {
      return new Expr.Binary(b.op(), expr(b.left()), expr(b.right()), b.type());
    }
    if (e instanceof Expr.Conditional c) {
      return new Expr.Conditional(c.condition(), expr(c.whenTrue()), expr(c.whenFalse()), c.type());
    }
    if (e instanceof Expr.Cast c) {
      return new Expr.Cast(c.type(), expr(c.operand()));
    }
    if (e instanceof Expr.ArrayInit a) {
      return new Expr.ArrayInit(a.type(), a.elements().stream().map(SecondOrder::expr).toList());
    }
    if (e instanceof Expr.Call c) {
      List<Expr> args = c.args().stream().map(SecondOrder::expr).toList();
      if (c.callee() instanceof Callee.Static s && s.owner().equals(DerivativeRules.PARTIALS)) {
        Expr smooth = smooth(s.name(), args);
        if (smooth != null) {
          return smooth;
        }
      }
      return new Expr.Call(c.callee(), args, c.type());
    }
    return e;
  }

  /** The IR of a smooth partial of {@code Partials}, or null for the piecewise constant ones. */
  private static Expr smooth(String name, List<Expr> a) {
    Expr zero = DerivativeRules.literal("0.0");
    switch (name) {
      case "powBase":
        // y == 0 ? (x == 0 ? 0 : y / x) : y * x^(y-1). At y == 0 the partial is 0 (also at x == 0, where
        // x^(y-1) is infinite), but its derivatives are not: y / x is 0 with d/dy = 1/x = x^(y-1) and d/dx = 0,
        // as y x^(y-1)'s; a constant 0 there lost the mixed second derivative of pow in mHvp.
        return new Expr.Conditional(eq(a.get(1), zero), new Expr.Conditional(eq(a.get(0), zero), zero,
            DerivativeRules.div(a.get(1), a.get(0)), Type.DOUBLE), DerivativeRules.mul(a.get(1),
            math("pow", a.get(0), DerivativeRules.sub(a.get(1), DerivativeRules.one()))), Type.DOUBLE);
      case "powExponent":
        // x == 0 && y >= 0 ? 0 : result * log(x)
        return new Expr.Conditional(new Expr.Binary(Expr.BinaryOp.AND, eq(a.get(0), zero),
            new Expr.Binary(Expr.BinaryOp.GE, a.get(1), zero, Type.BOOLEAN), Type.BOOLEAN), zero,
            DerivativeRules.mul(a.get(2), math("log", a.get(0))), Type.DOUBLE);
      case "atan2First":
        return DerivativeRules.div(a.get(1), squares(a.get(0), a.get(1)));
      case "atan2Second":
        return DerivativeRules.neg(DerivativeRules.div(a.get(0), squares(a.get(0), a.get(1))));
      case "hypotFirst":
        return new Expr.Conditional(eq(a.get(1), zero), zero, DerivativeRules.div(a.get(0), a.get(1)), Type.DOUBLE);
      default:
        return null;
    }
  }

  private static Expr squares(Expr y, Expr x) {
    return DerivativeRules.add(DerivativeRules.mul(x, x), DerivativeRules.mul(y, y));
  }

  private static Expr eq(Expr a, Expr b) {
    return new Expr.Binary(Expr.BinaryOp.EQ, a, b, Type.BOOLEAN);
  }

  private static Expr math(String name, Expr... args) {
    return new Expr.Call(new Callee.MathFunction(name), List.of(args), Type.DOUBLE);
  }
}
