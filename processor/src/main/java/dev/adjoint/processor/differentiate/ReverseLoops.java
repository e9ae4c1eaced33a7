package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import java.util.List;
import java.util.Set;

/**
 * Counted reverse loops: a loop the reverse sweep replays over its own counter instead of a recorded trip
 * count, as a person writes the adjoint ({@code for (i = last; i >= first; i--)}).
 *
 * <p>A lowered loop {@code i = start; while (cond) { ...; i = i ± 1; }} is counted when {@code i} is an
 * {@code int} that the body assigns only in that last, unguarded update (so every iteration that ran moved
 * {@code i} by one, and a {@code break} or {@code return}, which guards the update, rules it out), and
 * {@code start} is an {@code int} expression of literals, of variables and array lengths whose variables are
 * assigned once, or are not assigned in the loop and read by its reverse body (an outer counter, {@code j = i
 * + 1}): it has the same value when the reverse sweep reaches the loop. The trip count is then
 * {@code |i_end - start|}. The reverse sweep already holds {@code i}'s end value there when its body reads
 * {@code i} (the to-be-recorded analysis restores it, and the body's first reverse statement undoes the update,
 * {@code i = i ∓ 1}), so the reverse loop is {@code while (i > start) { i = i - 1; ... }} (or
 * {@code i < start} counting down): no trip counter in the forward sweep, nothing on the int tape, and a loop
 * over its induction variable whose range checks the JIT can eliminate.
 */
final class ReverseLoops {
  private ReverseLoops() {}

  /**
   * A counted loop: its counter, its start value, its step (+1 or -1), and the variables of the start that are
   * assigned elsewhere (not in the loop): the reverse body must read them, so that they are exact there.
   */
  record Counted(Expr.Var counter, Expr start, int step, Set<String> mustRead) {}

  /**
   * The counted form of {@code loop} when {@code previous} (the statement before it in its block) assigns its
   * start, else null. {@code reassigned}: variables assigned more than once or in a loop.
   */
  static Counted of(Stmt previous, Stmt.While loop, Set<String> reassigned) {
    if (!(previous instanceof Stmt.Assign init) || !(init.target() instanceof Expr.Var counter)
        || counter.type() != Type.INT || loop.body().statements().isEmpty()) {
      return null;
    }
    Stmt last = loop.body().statements().get(loop.body().statements().size() - 1);
    if (last instanceof Stmt.Block b && b.statements().size() == 1) {
      last = b.statements().get(0);
    }
    int step = step(last, counter);
    Set<String> mustRead = new java.util.HashSet<>();
    if (step == 0 || assignments(loop.body(), counter.name()) != 1
        || !stable(init.value(), counter, v -> reassigned.contains(v) ? assignments(loop.body(), v) == 0
            && mustRead.add(v) : true)) {
      return null;
    }
    return new Counted(counter, init.value(), step, mustRead);
  }

  /** +1 or -1 when {@code s} is {@code counter = counter ± 1}, else 0. */
  private static int step(Stmt s, Expr.Var counter) {
    if (s instanceof Stmt.Assign a && a.target().equals(counter) && a.value() instanceof Expr.Binary b
        && b.left().equals(counter) && b.right() instanceof Expr.Literal l && l.text().equals("1")
        && (b.op() == Expr.BinaryOp.ADD || b.op() == Expr.BinaryOp.SUB)) {
      return b.op() == Expr.BinaryOp.ADD ? 1 : -1;
    }
    return 0;
  }

  /** How many assignments of {@code name} (as a whole variable) {@code s} holds. */
  private static int assignments(Stmt s, String name) {
    if (s instanceof Stmt.Assign a) {
      return a.target() instanceof Expr.Var v && v.name().equals(name) ? 1 : 0;
    }
    if (s instanceof Stmt.Block b) {
      return b.statements().stream().mapToInt(x -> assignments(x, name)).sum();
    }
    if (s instanceof Stmt.If i) {
      return assignments(i.then(), name) + assignments(i.otherwise(), name);
    }
    if (s instanceof Stmt.While w) {
      return assignments(w.body(), name);
    }
    // Anything else in a lowered body (a print, a throw) assigns nothing; be safe with what is unknown.
    return s instanceof Stmt.Forward || s instanceof Stmt.Comment ? 0 : 2;
  }

  /**
   * Whether {@code e} is an int expression of literals, lengths and variables that {@code stays} accepts
   * (assigned once, or not in the loop and then read by its reverse body).
   */
  private static boolean stable(Expr e, Expr.Var counter, java.util.function.Predicate<String> stays) {
    if (e instanceof Expr.Literal) {
      return e.type() == Type.INT;
    }
    if (e instanceof Expr.Var v) {
      return v.type() == Type.INT && !v.equals(counter) && stays.test(v.name());
    }
    if (e instanceof Expr.Length l) {
      return l.array() instanceof Expr.Var a && !a.equals(counter) && stays.test(a.name());
    }
    if (e instanceof Expr.Binary b && e.type() == Type.INT && (b.op() == Expr.BinaryOp.ADD
        || b.op() == Expr.BinaryOp.SUB || b.op() == Expr.BinaryOp.MUL)) {
      return stable(b.left(), counter, stays) && stable(b.right(), counter, stays);
    }
    if (e instanceof Expr.Unary u && e.type() == Type.INT && u.op() == Expr.UnaryOp.NEG) {
      return stable(u.operand(), counter, stays);
    }
    return false;
  }

  /**
   * Whether the reverse body {@code reverse} undoes the update first ({@code i = i ∓ 1}, one of
   * {@code inverses}) and {@code reads} (its reads, inverses excluded) hold the counter: then the reverse sweep
   * keeps the counter exact, and the loop may run over it.
   */
  static boolean replayable(Counted c, List<Stmt> reverse, Set<Stmt> inverses, Set<String> reads) {
    Stmt first = reverse.stream().filter(s -> !(s instanceof Stmt.Comment)).findFirst().orElse(null);
    return first != null && inverses.contains(first) && first instanceof Stmt.Assign a && a.target().equals(c.counter())
        && reads.contains(c.counter().name()) && reads.containsAll(c.mustRead());
  }

  /**
   * The trip count in closed form where the reverse sweep starts the loop ({@link #replayable}: the counter holds
   * its end value there): {@code i - start} (or {@code start - i} counting down).
   */
  static Expr trips(Counted c) {
    return c.step() > 0 ? new Expr.Binary(Expr.BinaryOp.SUB, c.counter(), c.start(), Type.INT)
        : new Expr.Binary(Expr.BinaryOp.SUB, c.start(), c.counter(), Type.INT);
  }

  /** {@code while (i > start) { reverse }} (or {@code i < start} for a loop counting down). */
  static Stmt.While reverse(Counted c, List<Stmt> reverse, Origin origin) {
    Expr.BinaryOp op = c.step() > 0 ? Expr.BinaryOp.GT : Expr.BinaryOp.LT;
    return new Stmt.While(new Expr.Binary(op, c.counter(), c.start(), Type.BOOLEAN), Stmt.Block.of(reverse), origin);
  }
}
