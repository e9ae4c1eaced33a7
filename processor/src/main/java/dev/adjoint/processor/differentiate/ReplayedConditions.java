package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Branch conditions the reverse sweep evaluates again instead of recording the side taken, as a person writing
 * the adjoint does ({@code if ((removed & 1 << j) == 0)} in a loop over {@code j}: no flag per iteration on the
 * int tape, no boolean per call in a recursion's tape).
 *
 * <p>The reverse of a branch runs after the reverse of everything that followed it and before the reverse of
 * its own sides, so the condition gives the forward's answer again when every value it reads is the same at
 * both moments. That holds for a condition made of literals, operators and casts over scalar variables each
 * of which is
 * <ul>
 *   <li>never reassigned and assigned only before the branch in program order (a parameter the method does not
 *       assign, a local assigned once before it): it holds one value from there to the end, and the reverse
 *       sweep has it (a parameter is given again, a local is in the end state); or
 *   <li>the counter of a counted loop around the branch ({@link ReverseLoops}): assigned only by the loop's
 *       last, unguarded {@code i = i ± 1}, which the reverse sweep undoes first in each iteration, so at the
 *       branch it holds the iteration's value. The condition's read of it is reported to the to-be-recorded
 *       analysis like any reverse read, which keeps the counter exact (by the inverse, nothing stored).
 * </ul>
 * A condition reading an array element, a field, a call, a variable a side of the branch or a later
 * statement of the loop assigns, or a reassigned parameter keeps its recorded flag.
 */
final class ReplayedConditions {
  private ReplayedConditions() {}

  /**
   * Whether {@code branch}'s condition may be evaluated again in the reverse sweep.
   *
   * @param counters the counters of the counted loops around the branch
   * @param reassigned variables assigned more than once or in a loop
   * @param assignedAt where each variable is assigned (program-order positions; -1 for a parameter's value)
   * @param position the program-order position of the branch's first assignment
   */
  static boolean replayable(Stmt.If branch, Collection<String> counters, Set<String> reassigned,
      java.util.function.Function<String, List<Integer>> assignedAt, int position) {
    boolean[] ok = {true};
    ExprWalk.visit(branch.condition(), x -> {
      if (x instanceof Expr.Var v) {
        ok[0] &= v.type() instanceof Type.Scalar && (counters.contains(v.name())
            || !reassigned.contains(v.name()) && assignedAt.apply(v.name()).stream().allMatch(p -> p < position));
      } else {
        ok[0] &= x instanceof Expr.Literal || x instanceof Expr.Unary || x instanceof Expr.Binary
            || x instanceof Expr.Cast || x instanceof Expr.Conditional;
      }
    });
    return ok[0];
  }
}
