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
 * Helpers that are not {@code @Differentiable} and whose source is not in the compilation (plain helpers in
 * it are differentiated, see {@code read.HelperCalls}) are constants of the derivative, and their
 * {@code double} arguments are accepted when read: a {@code double} computed from non-differentiable values
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
    check(method, m -> true);
  }

  /**
   * Also refuses a nested gradient ({@code FGrad.fGradient(args).x()} with arguments that depend on the
   * inputs) whose method has no {@code mHvp} ({@code hasHvp} false), the derivative it is differentiated
   * through.
   */
  public static void check(dev.adjoint.processor.ir.MethodIr method,
      java.util.function.Predicate<Callee.DifferentiableMethod> hasHvp) {
    dev.adjoint.processor.analyze.StructuredBody body = dev.adjoint.processor.analyze.StructuredBody.of(method);
    check(body.body(), Activity.of(method, body), hasHvp);
  }

  private static void check(Stmt s, Activity activity, java.util.function.Predicate<Callee.DifferentiableMethod> hasHvp) {
    if (s instanceof Stmt.Block b) {
      b.statements().forEach(t -> check(t, activity, hasHvp));
    } else if (s instanceof Stmt.Declare d) {
      check(d.init(), d.origin(), activity, hasHvp);
    } else if (s instanceof Stmt.Assign a) {
      check(a.target(), a.origin(), activity, hasHvp);
      check(a.value(), a.origin(), activity, hasHvp);
    } else if (s instanceof Stmt.Accumulate a) {
      check(a.target(), a.origin(), activity, hasHvp);
      check(a.value(), a.origin(), activity, hasHvp);
    } else if (s instanceof Stmt.Effect e) {
      check(e.call(), e.origin(), activity, hasHvp);
    } else if (s instanceof Stmt.If i) {
      check(i.condition(), i.origin(), activity, hasHvp);
      check(i.then(), activity, hasHvp);
      check(i.otherwise(), activity, hasHvp);
    } else if (s instanceof Stmt.While w) {
      check(w.condition(), w.origin(), activity, hasHvp);
      check(w.body(), activity, hasHvp);
    } else if (s instanceof Stmt.DoWhile w) {
      check(w.body(), activity, hasHvp);
      check(w.condition(), w.origin(), activity, hasHvp);
    } else if (s instanceof Stmt.For f) {
      f.init().forEach(t -> check(t, activity, hasHvp));
      check(f.condition(), f.origin(), activity, hasHvp);
      f.update().forEach(t -> check(t, activity, hasHvp));
      check(f.body(), activity, hasHvp);
    } else if (s instanceof Stmt.Return r) {
      check(r.value(), r.origin(), activity, hasHvp);
    }
  }

  private static void check(Expr e, Origin origin, Activity activity,
      java.util.function.Predicate<Callee.DifferentiableMethod> hasHvp) {
    if (e == null) {
      return;
    }
    ExprWalk.visit(e, x -> {
      if (x instanceof Expr.Call c && c.callee() instanceof Callee.GradientOf g && !hasHvp.test(g.method())
          && c.args().stream().anyMatch(activity::isActive)) {
        Callee.DifferentiableMethod m = g.method();
        String companion = m.companion().substring(m.companion().lastIndexOf('.') + 1);
        throw new Refusal(origin, "the nested gradient " + companion + "." + m.name() + "Gradient(...) is"
            + " differentiated through " + m.name() + "Hvp, which " + companion + " does not have (its class"
            + " Javadoc says why; for example '" + m.name() + "' calls a @Differentiable method with double[][]"
            + " parameters): write the"
            + " derivative you need as its own @Differentiable method");
      }
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
          // Plain helpers with a body in the compilation are differentiated (read.HelperCalls): this one has
          // none to read (native).
          throw new Refusal(origin, "'" + owner + "." + helper.name() + "' is not @Differentiable, and this passes"
              + " it a value that depends on the differentiable inputs, and it has no body Adjoint can read: wrap it"
              + " in a @Differentiable method with a @DerivativeOf derivative, or pass it values that do not depend"
              + " on the inputs");
        }
      }
    });
  }
}
