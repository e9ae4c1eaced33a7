package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;

/**
 * Tiny pure scalar callees, which callers recompute instead of keeping a tape (design.md §7: recomputation
 * when it is O(1) per call).
 *
 * <p>A call to {@code sigmoid(x)} in a loop would otherwise allocate a tape object per call and push it on
 * the caller's call tape. When the callee takes only scalars, returns a {@code double} and its body is short
 * straight-line code over {@code Math} functions (no loop, no call of another differentiated method, no array,
 * no field, no output), its result is a pure O(1) function of its arguments: the caller's forward sweep calls
 * the original method, and its reverse sweep calls the callee's {@code m$pullback(args..., upstream)} on the
 * arguments' values on the restored state, which reruns the callee's forward and reverse sweep without any
 * tape (checked: the callee's program uses none). The gradient record it returns does not escape the caller,
 * so the JIT scalar-replaces it: such a call allocates nothing.
 *
 * <p>Callers compiled later see the same decision as the presence of {@code m$pullback} in the companion.
 */
public final class Recomputable {
  /** The most expression nodes a recomputed body may hold: recomputing it must stay cheap. */
  static final int MAX_NODES = 80;

  private Recomputable() {}

  /** The companion member a recomputing caller calls: {@code m$pullback}. */
  public static String pullbackName(String method) {
    return method + "$pullback";
  }

  /** The companion member of a recomputed callee's derivative in its result: {@code m$atResult(result, upstream)}. */
  public static String atResultName(String method) {
    return method + "$atResult";
  }

  /**
   * For a candidate of one {@code double} parameter {@code x} whose body is {@code return f(x);} with {@code f}'s
   * derivative a function of its value alone ({@link DerivativeRules#derivativeFromResult}: {@code exp},
   * {@code tanh}, {@code sqrt}, the logistic {@code 1 / (1 + Math.exp(-x))}, ...): that derivative, in the
   * variable {@code result}; else null. Its companion then has {@code m$atResult(result, upstream)}, returning
   * {@code upstream · f'(x)}: a caller whose reverse sweep holds the call's result (in the variable the call was
   * assigned to) calls it instead of {@code m$pullback}, which would compute {@code f} again.
   */
  public static Expr derivativeAtResult(MethodIr method) {
    if (!candidate(method) || method.parameters().size() != 1 || method.parameters().get(0).type() != Type.DOUBLE
) {
      return null;
    }
    Expr value = null;
    for (Stmt s : method.body().statements()) {
      if (s instanceof Stmt.Return r && value == null) {
        value = r.value();
      } else if (!(s instanceof Stmt.Comment)) {
        return null;
      }
    }
    return value == null ? null : DerivativeRules.derivativeFromResult(value, method.parameters().get(0).variable(),
        new Expr.Var("result", Type.DOUBLE));
  }

  /** Whether callers recompute {@code program}'s method in their reverse sweep (its companion has {@code m$pullback}). */
  public static boolean of(AdjointProgram program) {
    return candidate(program.method()) && program.tapes().isEmpty() && !program.consumesRecording();
  }

  /**
   * Whether {@code method}'s shape allows recomputation (scalar parameters, a {@code double} result, a short
   * straight-line body of pure scalar expressions); {@link #of} also requires that its sweeps use no tape.
   */
  public static boolean candidate(MethodIr method) {
    if (method.returnType() != Type.DOUBLE) {
      return false;
    }
    for (MethodIr.Parameter p : method.parameters()) {
      if (!(p.type() instanceof Type.Scalar)) {
        return false;
      }
    }
    int[] nodes = {0};
    return straight(method.body(), nodes) && nodes[0] <= MAX_NODES;
  }

  private static boolean straight(Stmt s, int[] nodes) {
    if (s instanceof Stmt.Block b) {
      for (Stmt x : b.statements()) {
        if (!straight(x, nodes)) {
          return false;
        }
      }
      return true;
    }
    if (s instanceof Stmt.Declare d) {
      return d.variable().type() instanceof Type.Scalar && (d.init() == null || pure(d.init(), nodes));
    }
    if (s instanceof Stmt.Assign a) {
      return a.target() instanceof Expr.Var && a.target().type() instanceof Type.Scalar && pure(a.value(), nodes);
    }
    if (s instanceof Stmt.If i) {
      return pure(i.condition(), nodes) && straight(i.then(), nodes) && straight(i.otherwise(), nodes);
    }
    if (s instanceof Stmt.Return r) {
      return r.value() != null && pure(r.value(), nodes);
    }
    return s instanceof Stmt.Comment;
  }

  /** Scalars only: literals, variables, operators, casts, {@code ?:} and {@code Math} functions. */
  private static boolean pure(Expr e, int[] nodes) {
    nodes[0]++;
    if (!(e.type() instanceof Type.Scalar)) {
      return false;
    }
    boolean allowed = e instanceof Expr.Literal || e instanceof Expr.Var || e instanceof Expr.Unary
        || e instanceof Expr.Binary || e instanceof Expr.Cast || e instanceof Expr.Conditional
        || e instanceof Expr.Call c && c.callee() instanceof Callee.MathFunction;
    if (!allowed) {
      return false;
    }
    for (Expr child : ExprWalk.children(e)) {
      if (!pure(child, nodes)) {
        return false;
      }
    }
    return true;
  }
}
