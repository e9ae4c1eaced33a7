package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * The to-be-recorded rule for element writes into a fresh array, per statement ({@link ToBeRecorded}): the values
 * an element write overwrites in an array that {@code v = new double[n]} (or an array initializer, or a clone)
 * created earlier in the same iteration are read by the reverse sweep only by what runs between that allocation
 * and the write. Once the reverse sweep has undone the write it next undoes the statements before it, down to
 * the allocation, whose restore points {@code v} back at the older array; nothing else can reach the fresh one
 * (the alias policy refuses writes into arrays a view may share, and the rule gives up on any other alias). So
 * where nothing in between reads {@code v} (nor any loop around the write inside the allocation's iteration),
 * the overwritten values are dead and neither saved nor restored: ode's {@code tmp = new double[n]} filled in a
 * loop, where the zeros it overwrites were pushed and popped for nothing.
 */
final class FreshArrayWrites {
  private FreshArrayWrites() {}

  /**
   * Whether the reverse sweep reads the value the element write at {@code position} overwrites in {@code v};
   * null when the rule does not apply (the caller's general answer holds).
   */
  static Boolean readAfterUndo(ToBeRecorded recorded, String v, int position) {
    Stmt.Assign write = recorded.assignmentAt(position);
    if (write == null || !(write.target() instanceof Expr.Index) || recorded.opaque()
        || recorded.readsOf(v).contains(0)) {
      // a read at position 0 may stand for a statement the numbering did not see
      return null;
    }
    Integer allocation = null;
    for (int a : recorded.assignedAt(v)) {
      if (a >= 0 && a < position && recorded.assignmentAt(a).target() instanceof Expr.Var) {
        allocation = a;
      }
    }
    if (allocation == null || !fresh(recorded.assignmentAt(allocation).value()) || aliased(recorded, v)) {
      return null;
    }
    int x = allocation;
    int[] scope = innermostLoop(recorded, x);
    if (!recorded.unconditionalIn(scope).contains(x)
        || scope != null && !(scope[0] <= position && position <= scope[1])) {
      return null;
    }
    // v holds the fresh array from x to the write in every iteration: no other assignment of the whole of v in
    // the allocation's loop (outside loops: none between, nor in a loop around the write)
    for (int a : recorded.assignedAt(v)) {
      if (a == x || !(a < 0 || recorded.assignmentAt(a).target() instanceof Expr.Var)) {
        continue;
      }
      boolean inScope = scope == null ? a > x && (a <= position || inLoopAround(recorded, a, position, x))
          : scope[0] <= a && a <= scope[1];
      if (inScope) {
        return null;
      }
    }
    // the reverse sweep points v back at the older array where it undoes the allocation: its restore, or
    // nothing to point back at (the only assignment of a local, outside loops)
    boolean only = scope == null && recorded.assignedAt(v).stream()
        .filter(a -> a < 0 || recorded.assignmentAt(a).target() instanceof Expr.Var).count() == 1;
    if (!only && !(recorded.restorable(v) && recorded.readBeforeOrAround(v, x))) {
      return null;
    }
    // the write's own reverse names v for its adjoint; it reads the overwritten value only where the write does
    boolean readsItself = ExprWalk.variables(write.value()).contains(v);
    for (Expr t = write.target(); t instanceof Expr.Index i; t = i.array()) {
      readsItself |= ExprWalk.variables(i.index()).contains(v);
    }
    for (int p : recorded.readsOf(v)) {
      if (x < p && p < position || p == position && readsItself
          || p > position && inLoopAround(recorded, p, position, x)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code p} and {@code position} share a loop that does not hold the allocation {@code x}. */
  private static boolean inLoopAround(ToBeRecorded recorded, int p, int position, int x) {
    for (int[] loop : recorded.loops()) {
      if (loop[0] <= position && position <= loop[1] && loop[0] <= p && p <= loop[1]
          && !(loop[0] <= x && x <= loop[1])) {
        return true;
      }
    }
    return false;
  }

  /** The innermost loop around position {@code x}, or null outside loops. */
  private static int[] innermostLoop(ToBeRecorded recorded, int x) {
    int[] innermost = null;
    for (int[] loop : recorded.loops()) {
      if (loop[0] <= x && x <= loop[1] && (innermost == null || loop[1] - loop[0] < innermost[1] - innermost[0])) {
        innermost = loop;
      }
    }
    return innermost;
  }

  /** Whether {@code value} is an array no other variable holds: a new array, an initializer or a clone. */
  private static boolean fresh(Expr value) {
    return value instanceof Expr.NewArray || value instanceof Expr.ArrayInit || value instanceof Expr.Clone;
  }

  /**
   * Whether some other array variable or element may be given {@code v}'s array itself ({@code u = v},
   * {@code u = c ? v : w}, {@code rows[k] = v}): then the rule gives up.
   */
  private static boolean aliased(ToBeRecorded recorded, String v) {
    for (Stmt.Assign a : recorded.assignments()) {
      Expr.Var root = ExprWalk.root(a.target());
      boolean array = a.target().type() instanceof Type.DoubleArray;
      if (root != null && !root.name().equals(v) && array && sharesArray(a.value(), v)) {
        return true;
      }
      if (array && root != null && root.name().equals(v) && a.target() instanceof Expr.Index) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code e} may evaluate to the array {@code v} holds (not merely read its elements or length). */
  private static boolean sharesArray(Expr e, String v) {
    List<Expr> candidates = new ArrayList<>();
    candidates.add(e);
    while (!candidates.isEmpty()) {
      Expr c = candidates.remove(candidates.size() - 1);
      if (c instanceof Expr.Var var && var.name().equals(v)) {
        return true;
      }
      if (c instanceof Expr.Conditional k) {
        candidates.add(k.whenTrue());
        candidates.add(k.whenFalse());
      } else if (c instanceof Expr.Cast k) {
        candidates.add(k.operand());
      } else if (c instanceof Expr.ArrayInit k) {
        candidates.addAll(k.elements());
      }
    }
    return false;
  }
}
