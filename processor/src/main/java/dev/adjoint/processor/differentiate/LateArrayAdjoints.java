package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The adjoints of local arrays in fused sweeps ({@link FusedLoops}). Fused sweeps declare the adjoints before the
 * forward sweep, where a local array has no value yet; the separate sweeps make {@code _d_a = zerosLike(a)} at
 * the start of the reverse sweep, from the array the forward sweep left in {@code a}. A local array qualifies
 * when its adjoint can be made, with the same shape, right after the array is assigned instead:
 *
 * <ul>
 *   <li>{@code a} is assigned exactly once in the whole body, by a top-level statement {@code a = e} before the
 *       fused loop: from there to the end of the forward sweep {@code a} holds that same array, and everything that
 *       touches {@code _d_a} in the fused sweeps (the loop's reverse inside the forward sweep, the reverse sweep of
 *       what precedes the loop) runs after that statement; the hoisted reverse of what follows the loop writes only
 *       scalar adjoints;
 *   <li>for a {@code double[][]}, no statement of the body writes a row of any matrix ({@code m[i] = ...}) and
 *       {@code a} is passed to no call but {@code Math}'s: its rows keep their lengths, so {@code zerosLike(a)}
 *       right after the assignment has the shape {@code zerosLike(a)} at the end of the forward sweep has. (A
 *       {@code double[]} keeps its length anyway.)
 * </ul>
 *
 * The adjoint is then declared null and assigned {@code zerosLike(a)} right after {@code a = e} in the fused
 * forward sweep: zero where the separate sweeps' is zero, of the same shape, before anything reads it.
 */
final class LateArrayAdjoints {
  private LateArrayAdjoints() {}

  /**
   * Whether every array in {@code arrays} (local arrays with adjoints) qualifies for a fused loop at top-level
   * index {@code loop} of {@code statements}.
   */
  static boolean qualify(List<Stmt> statements, int loop, Set<String> arrays) {
    for (String a : arrays) {
      int at = -1;
      for (int j = 0; j < statements.size(); j++) {
        if (statements.get(j) instanceof Stmt.Assign s && s.target() instanceof Expr.Var v && v.name().equals(a)) {
          at = j;
        }
      }
      if (at < 0 || at >= loop || assignments(statements, a) != 1) {
        return false;
      }
      Type.DoubleArray type = (Type.DoubleArray) ((Expr.Var) ((Stmt.Assign) statements.get(at)).target()).type();
      if (type.rank() > 1 && (rowWritten(statements) || passed(statements, a))) {
        return false;
      }
    }
    return true;
  }

  /** The statements that make the adjoints of {@code arrays} assigned by top-level {@code statement}, after it. */
  static List<Stmt> after(Stmt statement, Set<String> arrays) {
    List<Stmt> out = new ArrayList<>();
    if (statement instanceof Stmt.Assign s && s.target() instanceof Expr.Var v && arrays.contains(v.name())) {
      out.add(new Stmt.Assign(ReverseSweep.adjointOf(v), new Expr.Call(new Callee.Static(ReverseSweep.ARRAY_ADJOINTS,
          "zerosLike"), List.of(v), v.type()), s.origin()));
    }
    return out;
  }

  private static int assignments(List<Stmt> statements, String a) {
    int[] n = {0};
    FusedLoops.walk(statements, s -> {
      if (s instanceof Stmt.Assign x && x.target() instanceof Expr.Var v && v.name().equals(a)) {
        n[0]++;
      }
    });
    return n[0];
  }

  private static boolean rowWritten(List<Stmt> statements) {
    boolean[] found = {false};
    FusedLoops.walk(statements, s -> found[0] |= s instanceof Stmt.Assign x && x.target() instanceof Expr.Index
        && x.target().type() instanceof Type.DoubleArray);
    return found[0];
  }

  private static boolean passed(List<Stmt> statements, String a) {
    boolean[] found = {false};
    FusedLoops.walk(statements, s -> FusedLoops.expressions(s).forEach(e -> ExprWalk.visit(e, x -> {
      if (x instanceof Expr.Call c && !(c.callee() instanceof Callee.MathFunction)) {
        for (Expr arg : c.args()) {
          found[0] |= ExprWalk.variables(arg).contains(a);
        }
      }
    })));
    return found[0];
  }
}
