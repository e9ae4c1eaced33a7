package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The forward sweep of a one-call {@code mVjp} without the work nobody reads: a top-level forward loop that
 * only produces values the rest of the forward sweep and the reverse sweep never read, and its counter's end
 * value, is replaced by that end value in closed form; top-level assignments of unread variables go too
 * (the result, which {@code mVjp} does not return), with a comment that labelled only such an assignment.
 * Rosenbrock's {@code mGradient} then runs one loop, as a person writes it. The same pruning drops {@code
 * mHvp}'s unread stores and the dead stores of a fused sweep's remaining reverse sweep.
 *
 * <p>Liveness is the classic backward analysis over the structured sweep: a variable is live after a statement
 * when some path reads it before writing it (a loop may run zero times, an {@code if} writes what both
 * branches write). A loop is removed only when it cannot have an effect but its values and cannot throw:
 * {@code i = s; while (i + c < B) { ...; i = i + 1; }} with {@code s} and {@code c} small non-negative int
 * literals, {@code B} not assigned in the loop, {@code i} assigned only by that last update; a body of
 * assignments to scalar variables and {@code if}s over arithmetic, casts and {@code java.lang.Math} functions
 * (none that throws), no integer division, and array elements {@code a[i + k]} only of the array {@code B}
 * measures ({@code B = a.length}) with {@code -s <= k <= c}, so in range on every iteration. The end value is
 * {@code s + c < B ? B - c : s} ({@code Math.max(s, B - c)} when {@code B} is a length), exact in int arithmetic; it still evaluates {@code B}, so a null array
 * throws where the loop's condition would have.
 */
public final class ForwardPruning {
  private ForwardPruning() {}

  /** Loop starts and offsets up to this bound cannot overflow an int when added. */
  private static final int SMALL = 1 << 20;

  /**
   * {@code forward} without its dead top-level loops and assignments; {@code after} runs after it (the reverse
   * sweep) and {@code liveOut} are the variables read after both (the result when it is checked).
   */
  public static List<Stmt> prune(List<Stmt> forward, List<Stmt> after, Set<String> liveOut) {
    if (!Liveness.known(forward) || !Liveness.known(after)) {
      return forward;
    }
    Set<String> live = new HashSet<>(liveOut);
    live = Liveness.exposed(after, live);
    List<Stmt> kept = new ArrayList<>();
    boolean removedNext = false;
    for (int k = forward.size() - 1; k >= 0; k--) {
      Stmt s = forward.get(k);
      Stmt previous = previous(forward, k);
      Stmt replaced = s;
      if (s instanceof Stmt.Comment && removedNext && (kept.isEmpty() || kept.get(0) instanceof Stmt.Comment)) {
        // it labelled only the statement removed after it
        replaced = null;
      } else if (s instanceof Stmt.Assign a && a.target() instanceof Expr.Var v && !live.contains(v.name())
          && safe(a.value(), new Range(null, null, 0, 0, lengthsEvaluated(forward, k)))) {
        replaced = null;
      } else if (s instanceof Stmt.While w && previous instanceof Stmt.Assign init) {
        replaced = deadLoop(init, w, live);
        if (replaced == null) {
          replaced = s;
        }
      }
      removedNext = replaced == null && !(s instanceof Stmt.Comment);
      if (replaced instanceof Stmt.Block b && b != s) {
        kept.addAll(0, b.statements());
        live = Liveness.exposed(b.statements(), live);
      } else if (replaced != null) {
        kept.add(0, replaced);
        live = Liveness.exposed(List.of(replaced), live);
      }
    }
    return kept;
  }

  /**
   * Whether every array variable whose length {@code forward.get(k)} reads has had its length read before, by a
   * top-level loop condition or assignment without short-circuits, and is not assigned since: then reading it
   * again cannot throw (this is what lets {@code return sum / a.length;} go).
   */
  private static boolean lengthsEvaluated(List<Stmt> forward, int k) {
    if (!(forward.get(k) instanceof Stmt.Assign target)) {
      return false;
    }
    Set<String> needed = new HashSet<>();
    ExprWalk.visit(target.value(), e -> {
      if (e instanceof Expr.Length l && l.array() instanceof Expr.Var v) {
        needed.add(v.name());
      }
    });
    Set<String> evaluated = new HashSet<>();
    for (int j = 0; j < k; j++) {
      Stmt s = forward.get(j);
      Set<String> written = new HashSet<>();
      if (!Liveness.known(List.of(s)) || !assignsOnlyVars(s, written)) {
        return false;
      }
      evaluated.removeAll(written);
      Expr read = s instanceof Stmt.While w ? w.condition() : s instanceof Stmt.Assign a ? a.value() : null;
      if (read != null && unconditional(read)) {
        ExprWalk.visit(read, e -> {
          if (e instanceof Expr.Length l && l.array() instanceof Expr.Var v && !written.contains(v.name())) {
            evaluated.add(v.name());
          }
        });
      }
    }
    return evaluated.containsAll(needed);
  }

  /** Whether all of {@code e} is evaluated whenever it is (no {@code ?:}, {@code &&} or {@code ||}). */
  private static boolean unconditional(Expr e) {
    boolean[] ok = {true};
    ExprWalk.visit(e, x -> ok[0] &= !(x instanceof Expr.Conditional || x instanceof Expr.Decided
        || x instanceof Expr.Binary b && (b.op() == Expr.BinaryOp.AND || b.op() == Expr.BinaryOp.OR)));
    return ok[0];
  }

  /** Adds the whole variables {@code s} assigns to {@code into}; false if a form is unknown. */
  private static boolean assignsOnlyVars(Stmt s, Set<String> into) {
    if (s instanceof Stmt.Assign a && a.target() instanceof Expr.Var v) {
      into.add(v.name());
    } else if (s instanceof Stmt.Restore r && r.target() instanceof Expr.Var v) {
      into.add(v.name());
    } else if (s instanceof Stmt.Declare d) {
      into.add(d.variable().name());
    } else if (s instanceof Stmt.Block b) {
      return b.statements().stream().allMatch(x -> assignsOnlyVars(x, into));
    } else if (s instanceof Stmt.If i) {
      return assignsOnlyVars(i.then(), into) && assignsOnlyVars(i.otherwise(), into);
    } else if (s instanceof Stmt.While w) {
      return assignsOnlyVars(w.body(), into);
    } else if (s instanceof Stmt.CountDown c) {
      return assignsOnlyVars(c.body(), into);
    }
    // element writes, accumulations and effects assign no whole variable (an array variable keeps its object)
    return true;
  }

  /** The statement before index {@code k}, comments skipped, or null. */
  private static Stmt previous(List<Stmt> statements, int k) {
    for (int j = k - 1; j >= 0; j--) {
      if (!(statements.get(j) instanceof Stmt.Comment)) {
        return statements.get(j);
      }
    }
    return null;
  }

  /** {@code i = end} in place of {@code loop} when the loop is dead but for its counter, else null. */
  private static Stmt deadLoop(Stmt.Assign init, Stmt.While loop, Set<String> live) {
    if (!(init.target() instanceof Expr.Var counter) || counter.type() != Type.INT
        || !(init.value() instanceof Expr.Literal startLiteral)) {
      return null;
    }
    int start = smallInt(startLiteral);
    List<Stmt> body = loop.body().statements();
    if (start < 0 || body.isEmpty() || !isIncrement(body.get(body.size() - 1), counter)
        || !(loop.condition() instanceof Expr.Binary cond) || cond.op() != Expr.BinaryOp.LT) {
      return null;
    }
    // i + c < B, or i < B
    int offset;
    if (cond.left().equals(counter)) {
      offset = 0;
    } else if (cond.left() instanceof Expr.Binary sum && sum.op() == Expr.BinaryOp.ADD
        && sum.left().equals(counter) && sum.right() instanceof Expr.Literal c && smallInt(c) >= 0) {
      offset = smallInt(c);
    } else {
      return null;
    }
    Expr bound = cond.right();
    Set<String> assigned = new HashSet<>();
    for (Stmt s : body.subList(0, body.size() - 1)) {
      if (!assignsScalars(s, assigned)) {
        return null;
      }
    }
    if (assigned.contains(counter.name()) || !safe(bound, new Range(counter, null, 0, 0, true))
        || ExprWalk.variables(bound).stream().anyMatch(assigned::contains)) {
      return null;
    }
    Range range = bound instanceof Expr.Length l && l.array() instanceof Expr.Var a
        ? new Range(counter, a, start, offset, false) : new Range(counter, null, start, offset, false);
    for (Stmt s : body.subList(0, body.size() - 1)) {
      if (!safeStatement(s, range)) {
        return null;
      }
    }
    for (String v : assigned) {
      if (live.contains(v)) {
        return null;
      }
    }
    Expr end;
    Expr.Literal s = new Expr.Literal(Integer.toString(start), Type.INT);
    Expr.Literal c = new Expr.Literal(Integer.toString(offset), Type.INT);
    if (offset == 0 || bound instanceof Expr.Length) {
      // B - c cannot wrap (c is 0, or B >= 0), and exceeds s exactly when the loop runs
      end = new Expr.Call(new Callee.MathFunction("max"),
          List.of(s, offset == 0 ? bound : new Expr.Binary(Expr.BinaryOp.SUB, bound, c, Type.INT)), Type.INT);
    } else {
      end = new Expr.Conditional(
          new Expr.Binary(Expr.BinaryOp.LT, new Expr.Literal(Integer.toString(start + offset), Type.INT), bound,
              Type.BOOLEAN),
          new Expr.Binary(Expr.BinaryOp.SUB, bound, c, Type.INT), s, Type.INT);
    }
    return new Stmt.Block(List.of(
        new Stmt.Comment(loop.origin().label() + " (forward loop skipped: nothing reads its values; the"
            + " counter's end value in closed form)", loop.origin()),
        new Stmt.Assign(counter, end, loop.origin())), loop.origin());
  }

  /** The counter of a counted loop and the array its condition bounds (null if none). */
  private record Range(Expr.Var counter, Expr.Var array, int start, int offset, boolean lengths) {}

  private static int smallInt(Expr.Literal l) {
    if (l.type() != Type.INT) {
      return -1;
    }
    try {
      int v = Integer.parseInt(l.text());
      return v >= 0 && v <= SMALL ? v : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static boolean isIncrement(Stmt s, Expr.Var counter) {
    return s instanceof Stmt.Assign a && a.target().equals(counter) && a.value() instanceof Expr.Binary b
        && b.op() == Expr.BinaryOp.ADD && b.left().equals(counter) && b.right() instanceof Expr.Literal l
        && l.text().equals("1");
  }

  /** Adds the scalar variables {@code s} assigns to {@code into}; false if it writes anything else. */
  private static boolean assignsScalars(Stmt s, Set<String> into) {
    if (s instanceof Stmt.Assign a && a.target() instanceof Expr.Var v && v.type() instanceof Type.Scalar) {
      into.add(v.name());
      return true;
    }
    if (s instanceof Stmt.If i) {
      return i.then().statements().stream().allMatch(x -> assignsScalars(x, into))
          && i.otherwise().statements().stream().allMatch(x -> assignsScalars(x, into));
    }
    if (s instanceof Stmt.Block b) {
      return b.statements().stream().allMatch(x -> assignsScalars(x, into));
    }
    return s instanceof Stmt.Comment;
  }

  private static boolean safeStatement(Stmt s, Range range) {
    if (s instanceof Stmt.Assign a) {
      return safe(a.value(), range);
    }
    if (s instanceof Stmt.If i) {
      return safe(i.condition(), range)
          && i.then().statements().stream().allMatch(x -> safeStatement(x, range))
          && i.otherwise().statements().stream().allMatch(x -> safeStatement(x, range));
    }
    if (s instanceof Stmt.Block b) {
      return b.statements().stream().allMatch(x -> safeStatement(x, range));
    }
    return s instanceof Stmt.Comment;
  }

  /**
   * Whether evaluating {@code e} has no effect and cannot throw; array elements only {@code a[i + k]} in
   * {@code range}.
   */
  static boolean safe(Expr e, Range range) {
    if (e instanceof Expr.Literal || e instanceof Expr.Var) {
      return true;
    }
    if (e instanceof Expr.Unary u) {
      return safe(u.operand(), range);
    }
    if (e instanceof Expr.Binary b) {
      boolean integral = b.type() == Type.INT || b.type() == Type.LONG;
      return !(integral && (b.op() == Expr.BinaryOp.DIV || b.op() == Expr.BinaryOp.REM))
          && safe(b.left(), range) && safe(b.right(), range);
    }
    if (e instanceof Expr.Conditional c) {
      return safe(c.condition(), range) && safe(c.whenTrue(), range) && safe(c.whenFalse(), range);
    }
    if (e instanceof Expr.Cast c) {
      return (c.type() == Type.DOUBLE || c.type() == Type.INT || c.type() == Type.LONG)
          && safe(c.operand(), range);
    }
    if (e instanceof Expr.Length l) {
      // a null array throws here: only in the loop's bound, which the end value still evaluates
      return range != null && range.lengths() && l.array() instanceof Expr.Var;
    }
    if (e instanceof Expr.Call c && c.callee() instanceof Callee.MathFunction f && f.owner().equals("java.lang.Math")
        && !f.name().endsWith("Exact") && !f.name().startsWith("floor") && !f.name().equals("ceilDiv")
        && !f.name().startsWith("ceilMod") && !f.name().startsWith("ceilDiv") && !f.name().equals("random")) {
      return c.args().stream().allMatch(x -> safe(x, range));
    }
    if (e instanceof Expr.Index i && range != null && range.array() != null && i.array().equals(range.array())) {
      Expr idx = i.index();
      int k;
      if (idx.equals(range.counter())) {
        k = 0;
      } else if (idx instanceof Expr.Binary b && b.left().equals(range.counter()) && b.right() instanceof Expr.Literal l
          && smallInt(l) >= 0 && (b.op() == Expr.BinaryOp.ADD || b.op() == Expr.BinaryOp.SUB)) {
        k = b.op() == Expr.BinaryOp.ADD ? smallInt(l) : -smallInt(l);
      } else {
        return false;
      }
      return k >= -range.start() && k <= range.offset();
    }
    return false;
  }
}
