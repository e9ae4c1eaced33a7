package dev.adjoint.processor.analyze;

import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Activity analysis: which variables vary with the differentiable parameters. Only those get adjoints;
 * everything else is a constant of the derivative. Flow-insensitive (a variable is varied if any
 * assignment to it is), which is exact enough for adjoints and never misses a dependency.
 */
public final class Activity {
  /**
   * Tensor methods whose result never carries a gradient, as in PyTorch ({@code requires_grad=False}):
   * {@code detach}, the comparisons (masks) and the indices of {@code argmax}/{@code argmin}.
   */
  private static final Set<String> CONSTANT_METHODS = Set.of("detach", "gt", "lt", "ge", "le", "eq", "argmax",
      "argmin");
  /** Static tensor functions whose result depends only on a shape: {@code zerosLike}, {@code onesLike}. */
  private static final Set<String> CONSTANT_FUNCTIONS = Set.of("zerosLike", "onesLike");

  private final Set<String> varied;

  private Activity(Set<String> varied) {
    this.varied = Set.copyOf(varied);
  }

  /** Computes the varied variables of {@code body}, starting from {@code method}'s differentiable parameters. */
  public static Activity of(MethodIr method, StructuredBody body) {
    Set<String> seeds = new HashSet<>();
    for (MethodIr.Parameter p : method.differentiableParameters()) {
      seeds.add(p.name());
    }
    return of(seeds, body.body());
  }

  /** The variables of {@code body} that vary with the variables {@code seeds}. */
  public static Activity of(Set<String> seeds, Stmt body) {
    Set<String> varied = new HashSet<>(seeds);
    List<Stmt.Assign> assignments = assignments(body);
    Activity current = new Activity(varied);
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Stmt.Assign a : assignments) {
        Expr.Var root = ExprWalk.root(a.target());
        if (root != null && root.type().differentiable() && !varied.contains(root.name())
            && current.isActive(a.value())) {
          varied.add(root.name());
          changed = true;
        }
      }
      current = new Activity(varied);
    }
    return current;
  }

  /** Whether variable {@code name} has an adjoint. */
  public boolean isVaried(String name) {
    return varied.contains(name);
  }

  /** The varied variables. */
  public Set<String> varied() {
    return varied;
  }

  /** Whether {@code e} is a differentiable value that depends on a varied variable. */
  public boolean isActive(Expr e) {
    if (!e.type().differentiable()) {
      return false;
    }
    if (e instanceof Expr.Var v) {
      return varied.contains(v.name());
    }
    if (e instanceof Expr.Index) {
      Expr.Var root = ExprWalk.root(e);
      return root != null && varied.contains(root.name());
    }
    if (e instanceof Expr.Call c) {
      if (c.callee() instanceof Callee.TensorMethod m && CONSTANT_METHODS.contains(m.name())
          || c.callee() instanceof Callee.TensorFunction f && CONSTANT_FUNCTIONS.contains(f.name())) {
        return false;
      }
      if (c.callee() instanceof Callee.MathFunction || c.callee() instanceof Callee.DifferentiableMethod
          || c.callee() instanceof Callee.Custom
          || c.callee() instanceof Callee.TensorMethod || c.callee() instanceof Callee.TensorFunction) {
        return c.args().stream().anyMatch(this::isActive);
      }
      return false;
    }
    if (e instanceof Expr.Conditional c) {
      return isActive(c.whenTrue()) || isActive(c.whenFalse());
    }
    if (e instanceof Expr.Component c && c.target() instanceof Expr.Call call
        && call.callee() instanceof Callee.GradientOf) {
      // A nested gradient varies with its arguments.
      return call.args().stream().anyMatch(this::isActive);
    }
    if (e instanceof Expr.Recorded r) {
      return isActive(r.call());
    }
    if (e instanceof Expr.Decided d) {
      return isActive(d.conditional());
    }
    if (e instanceof Expr.Unary || e instanceof Expr.Binary || e instanceof Expr.Cast
        || e instanceof Expr.ArrayInit || e instanceof Expr.Clone) {
      return ExprWalk.children(e).stream().anyMatch(this::isActive);
    }
    return false;
  }

  /** Every assignment in {@code block}, in any nesting. */
  public static List<Stmt.Assign> assignments(Stmt block) {
    List<Stmt.Assign> out = new java.util.ArrayList<>();
    collect(block, out);
    return out;
  }

  private static void collect(Stmt s, List<Stmt.Assign> out) {
    if (s instanceof Stmt.Assign a) {
      out.add(a);
    } else if (s instanceof Stmt.Block b) {
      b.statements().forEach(x -> collect(x, out));
    } else if (s instanceof Stmt.If i) {
      collect(i.then(), out);
      collect(i.otherwise(), out);
    } else if (s instanceof Stmt.While w) {
      collect(w.body(), out);
    } else if (s instanceof Stmt.DoWhile d) {
      collect(d.body(), out);
    } else if (s instanceof Stmt.For f) {
      f.init().forEach(x -> collect(x, out));
      f.update().forEach(x -> collect(x, out));
      collect(f.body(), out);
    } else if (s instanceof Stmt.CountDown c) {
      collect(c.body(), out);
    }
  }
}
