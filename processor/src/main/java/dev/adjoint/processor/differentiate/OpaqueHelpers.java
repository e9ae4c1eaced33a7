package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.analyze.Activity;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import java.util.List;

/**
 * Helpers that are not {@code @Differentiable} are constants of the derivative, and their {@code double}
 * arguments are accepted when read: a {@code double} computed from non-differentiable values
 * ({@code logGammaDistrib(0.5 * n, d)}) is no input of the derivative. Once activity is known, a helper whose
 * {@code double} result would depend on the inputs through an argument is refused on its line, never
 * silently given a zero derivative. (An {@code int}, {@code long} or {@code boolean} result has derivative
 * zero, as {@code Math.round}'s has: such a call stays a constant whatever its arguments.)
 */
public final class OpaqueHelpers {
  private OpaqueHelpers() {}

  /**
   * Refuses (a {@link Refusal}) the first helper call of {@code method}'s own body whose {@code double}
   * result depends on the inputs; run on the methods as read, not on generated programs (whose runtime calls
   * are constants by construction).
   */
  public static void check(dev.adjoint.processor.ir.MethodIr method) {
    dev.adjoint.processor.analyze.StructuredBody body = dev.adjoint.processor.analyze.StructuredBody.of(method);
    check(body.body(), Activity.of(method, body));
  }

  private static void check(Stmt s, Activity activity) {
    if (s instanceof Stmt.Block b) {
      b.statements().forEach(t -> check(t, activity));
    } else if (s instanceof Stmt.Declare d) {
      check(d.init(), d.origin(), activity);
    } else if (s instanceof Stmt.Assign a) {
      check(a.target(), a.origin(), activity);
      check(a.value(), a.origin(), activity);
    } else if (s instanceof Stmt.Accumulate a) {
      check(a.target(), a.origin(), activity);
      check(a.value(), a.origin(), activity);
    } else if (s instanceof Stmt.Effect e) {
      check(e.call(), e.origin(), activity);
    } else if (s instanceof Stmt.If i) {
      check(i.condition(), i.origin(), activity);
      check(i.then(), activity);
      check(i.otherwise(), activity);
    } else if (s instanceof Stmt.While w) {
      check(w.condition(), w.origin(), activity);
      check(w.body(), activity);
    } else if (s instanceof Stmt.DoWhile w) {
      check(w.body(), activity);
      check(w.condition(), w.origin(), activity);
    } else if (s instanceof Stmt.For f) {
      f.init().forEach(t -> check(t, activity));
      check(f.condition(), f.origin(), activity);
      f.update().forEach(t -> check(t, activity));
      check(f.body(), activity);
    } else if (s instanceof Stmt.Return r) {
      check(r.value(), r.origin(), activity);
    }
  }

  private static void check(Expr e, Origin origin, Activity activity) {
    if (e == null) {
      return;
    }
    ExprWalk.visit(e, x -> {
      if (x instanceof Expr.Call c && c.callee() instanceof Callee.Static helper && c.type() == Type.DOUBLE) {
        List<Expr> active = c.args().stream().filter(activity::isActive).toList();
        if (!active.isEmpty()) {
          String owner = helper.owner().substring(helper.owner().lastIndexOf('.') + 1);
          if (helper.owner().startsWith("java.") || helper.owner().startsWith("javax.")) {
            // A JDK method: its source is not here, so marking it is no way out.
            throw new Refusal(origin, "'" + owner + "." + helper.name() + "' is a library method with no derivative"
                + " in Adjoint, and this passes it a value that depends on the differentiable inputs: compute the"
                + " value with Math functions and loops in this method");
          }
          if (helper.library()) {
            // Compiled elsewhere: marking it is no way out either, a derivative supplied for it is.
            throw new Refusal(origin, "'" + owner + "." + helper.name() + "' is a library method with no derivative"
                + " in Adjoint, and this passes it a value that depends on the differentiable inputs: call it from a"
                + " @Differentiable method of your own with a @DerivativeOf derivative, or compute the value with"
                + " Math functions and loops");
          }
          throw new Refusal(origin, "'" + owner + "." + helper.name() + "' is not @Differentiable, and this passes"
              + " it a value that depends on the differentiable inputs, so Adjoint cannot differentiate through"
              + " it: mark it @Differentiable, or pass it values that do not depend on the inputs");
        }
      }
    });
  }
}
