package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.StmtWalk;
import dev.adjoint.processor.ir.TapeKind;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * A counted loop's record in an array indexed by its counter instead of on the tape, as a person keeps the
 * {@code exp} values of a softmax for its reverse pass. It applies to a counted loop outside all others ({@link
 * ReverseLoops}; where its reverse does not run over the counter, an Euler integration's, the array is indexed by
 * the iteration's number instead, {@code _trips$1} forward and the reverse's count down), whose trip count follows
 * from its condition before it runs
 * ({@code i < B}, {@code i + c < B}, {@code i <= B} counting up, {@code i > B}, {@code i >= B} counting down, with
 * {@code B} an int expression of literals, lengths and variables the loop does not assign), and whose iterations
 * each push the same number {@code k} of doubles and nothing else: every push a statement of the body itself (no
 * branch or inner loop records), every value the reverse body reads back bound whole by one of its own
 * statements (after it has undone the counter's update, where it runs over the counter). Then
 *
 * <pre>{@code
 * _saved$1 = IndexedRecords.allocate((long) B - (long) (i + c), k);  // null past the budget
 * if (_saved$1 != null) { while (cond) { ...; _saved$1[(i - start) * k + j] = v; ...; i = i + 1; } }
 * else { the checkpointed loop (Checkpointing) }
 * ...
 * if (_saved$1 != null) { while (i > start) { i = i - 1; ...; double t = _saved$1[(i - start) * k + j]; ... } }
 * else { the checkpointed reversal }
 * }</pre>
 *
 * The j-th push of an iteration goes to slot {@code j}; the reverse body reads its values in the opposite order,
 * so its m-th read takes slot {@code k - 1 - m}. The array is one of the sweep's end-state locals, so the
 * one-call sweep, the tape's {@code reverse$} and the split-mode call boundary all read it like the counter.
 */
final class IndexedRecording {
  static final String RUNTIME_CLASS = "dev.adjoint.runtime.IndexedRecords";

  /** The record array, the forward and reverse parts (with the checkpointed ones as their fallbacks). */
  record Plan(Expr.Var saved, List<Stmt> forward, List<Stmt> reverse) {}

  private IndexedRecording() {}

  /**
   * The indexed form of {@code loop}, falling back on {@code checkpointed}, or null when it does not apply.
   *
   * @param recordingBody the loop body's recording forward part (ending with the counter's update)
   * @param reverseBody the reverse part of one iteration (starting with the counter's inverse update)
   * @param id the loop's number, for the names of its locals
   */
  static Plan plan(ReverseLoops.Counted counted, Stmt.While loop, List<Stmt> recordingBody, List<Stmt> reverseBody,
      Checkpointing.Plan checkpointed, Expr.Var trips, boolean overCounter) {
    String id = trips.name().substring(trips.name().indexOf('$') + 1);
    Expr length = tripsBefore(counted, loop);
    if (length == null) {
      return null;
    }
    int pushes = 0;
    for (Stmt s : recordingBody) {
      Expr pushed = pushed(s);
      if (pushed != null) {
        if (records(pushed)) {
          return null;
        }
        pushes++;
      } else if (touchesTapes(s)) {
        return null;
      }
    }
    int pops = 0;
    boolean undone = false;
    for (Stmt s : reverseBody) {
      Expr popped = boundWhole(s);
      if (popped != null) {
        if (overCounter && !undone) {
          return null;
        }
        pops++;
      } else if (touchesTapes(s)) {
        return null;
      }
      undone |= !(s instanceof Stmt.Comment);
    }
    if (pushes == 0 || pops != pushes) {
      return null;
    }
    Origin origin = loop.origin();
    Expr.Var saved = new Expr.Var("_saved$" + id, Type.VECTOR);
    Expr notNull = new Expr.Binary(Expr.BinaryOp.NE, saved, new Expr.Literal("null", Type.VECTOR), Type.BOOLEAN);

    List<Stmt> forwardBody = new ArrayList<>();
    int slot = 0;
    for (Stmt s : recordingBody) {
      Expr pushed = pushed(s);
      if (pushed != null) {
        forwardBody.add(new Stmt.Assign(element(saved, counted, overCounter ? null : trips, pushes, slot++),
            pushed, s.origin()));
      } else {
        forwardBody.add(s);
      }
    }
    Expr.Var iteration = new Expr.Var("_iteration$" + id, Type.INT);
    if (!overCounter) {
      // the iteration number indexes the array: the trip count, counted as the checkpointed loop counts it
      forwardBody.add(new Stmt.Assign(trips, new Expr.Binary(Expr.BinaryOp.ADD, trips, Expr.Literal.ofInt(1),
          Type.INT), origin));
    }
    List<Expr> allocateArgs = List.of(length, Expr.Literal.ofInt(pushes));
    List<Stmt> indexedForward = new ArrayList<>();
    indexedForward.add(new Stmt.Assign(checkpointed.checkpoints(),
        new Expr.Literal("null", checkpointed.checkpoints().type()), origin));
    indexedForward.add(new Stmt.Assign(trips, Expr.Literal.ofInt(0), origin));
    indexedForward.add(new Stmt.While(loop.condition(), Stmt.Block.of(forwardBody), origin));
    List<Stmt> forward = List.of(
        new Stmt.Comment("the loop's record in an array indexed by its counter (IndexedRecords), checkpointed"
            + " instead where it would pass the budget", origin),
        new Stmt.Assign(saved, new Expr.Call(new Callee.Static(RUNTIME_CLASS, "allocate"), allocateArgs,
            Type.VECTOR), origin),
        new Stmt.If(notNull, Stmt.Block.of(indexedForward), Stmt.Block.of(checkpointed.forward()), origin));

    List<Stmt> reverseIteration = new ArrayList<>();
    int read = 0;
    for (Stmt s : reverseBody) {
      if (boundWhole(s) != null) {
        Expr value = element(saved, counted, overCounter ? null : iteration, pushes, pushes - 1 - read++);
        reverseIteration.add(s instanceof Stmt.Declare d ? new Stmt.Declare(d.variable(), value, d.origin())
            : new Stmt.Assign(s instanceof Stmt.Restore r ? r.target() : ((Stmt.Assign) s).target(), value,
                s.origin()));
      } else {
        reverseIteration.add(s);
      }
    }
    List<Stmt> indexedReverse = new ArrayList<>();
    if (overCounter) {
      ReverseSweep.comment(indexedReverse, origin, "loop, iterations in reverse order over its counter, the record"
          + " read from its array");
      indexedReverse.add(ReverseLoops.reverse(counted, reverseIteration, origin));
    } else {
      ReverseSweep.comment(indexedReverse, origin, "loop, iterations in reverse order, the record read from its"
          + " array by the iteration's number");
      indexedReverse.add(new Stmt.CountDown(iteration.name(), trips, Stmt.Block.of(reverseIteration), origin));
    }
    List<Stmt> reverse = List.of(
        new Stmt.If(notNull, Stmt.Block.of(indexedReverse), Stmt.Block.of(checkpointed.reverse()), origin));
    return new Plan(saved, forward, reverse);
  }

  /**
   * The loop's trip count as a {@code long} where it starts (the counter holds its start value), or null when
   * its condition is not of a known form or its bound may change in the loop.
   */
  private static Expr tripsBefore(ReverseLoops.Counted c, Stmt.While loop) {
    if (!(loop.condition() instanceof Expr.Binary cmp)) {
      return null;
    }
    Expr.BinaryOp op = cmp.op();
    boolean up = c.step() > 0;
    boolean strict;
    if (up && (op == Expr.BinaryOp.LT || op == Expr.BinaryOp.LE)) {
      strict = op == Expr.BinaryOp.LT;
    } else if (!up && (op == Expr.BinaryOp.GT || op == Expr.BinaryOp.GE)) {
      strict = op == Expr.BinaryOp.GT;
    } else {
      return null;
    }
    Expr left = cmp.left();
    Expr bound = cmp.right();
    boolean counterOnly = left.equals(c.counter());
    boolean offset = up && left instanceof Expr.Binary b && b.op() == Expr.BinaryOp.ADD
        && b.left().equals(c.counter()) && b.right() instanceof Expr.Literal l && l.type() == Type.INT
        && l.text().matches("\\d{1,6}");
    if (!(counterOnly || offset) || left.type() != Type.INT || !fixedIn(bound, loop.body(), c.counter())) {
      return null;
    }
    // The left side evaluated in int, as the condition's first test does; the difference in long.
    Expr first = new Expr.Cast(Type.LONG, left);
    Expr end = new Expr.Cast(Type.LONG, bound);
    Expr trips = up ? new Expr.Binary(Expr.BinaryOp.SUB, end, first, Type.LONG)
        : new Expr.Binary(Expr.BinaryOp.SUB, first, end, Type.LONG);
    return strict ? trips : new Expr.Binary(Expr.BinaryOp.ADD, trips, new Expr.Literal("1L", Type.LONG), Type.LONG);
  }

  /** Whether {@code e} is an int expression of literals, lengths and variables that {@code body} never assigns. */
  private static boolean fixedIn(Expr e, Stmt.Block body, Expr.Var counter) {
    if (e.type() != Type.INT) {
      return false;
    }
    boolean[] ok = {true};
    ExprWalk.visit(e, x -> {
      if (x instanceof Expr.Var v) {
        ok[0] &= !v.equals(counter) && !assigns(body, v.name());
      } else if (x instanceof Expr.Binary b) {
        ok[0] &= b.op() == Expr.BinaryOp.ADD || b.op() == Expr.BinaryOp.SUB || b.op() == Expr.BinaryOp.MUL;
      } else if (x instanceof Expr.Unary u) {
        ok[0] &= u.op() == Expr.UnaryOp.NEG;
      } else {
        ok[0] &= x instanceof Expr.Literal || x instanceof Expr.Length;
      }
    });
    return ok[0];
  }

  /** Whether a statement in {@code s} (nested ones included) assigns {@code name} or may assign anything unseen. */
  private static boolean assigns(Stmt s, String name) {
    boolean[] found = {false};
    StmtWalk.statements(s, x -> {
      if (x instanceof Stmt.Assign a) {
        Expr.Var root = ExprWalk.root(a.target());
        found[0] |= root == null || root.name().equals(name) && a.target() instanceof Expr.Var;
      } else if (x instanceof Stmt.Declare d) {
        found[0] |= d.variable().name().equals(name);
      } else if (x instanceof Stmt.Restore r) {
        Expr.Var root = ExprWalk.root(r.target());
        found[0] |= root == null || root.name().equals(name);
      }
    });
    return found[0];
  }

  /**
   * {@code saved[(i - start) * k + slot]} ({@code start - i} counting down), folded where start is 0 or k is 1;
   * with a {@code number} (the forward's trip count, the reverse's count from it down to 1), {@code saved[t * k +
   * slot]} for the iteration {@code t} it numbers.
   */
  private static Expr element(Expr.Var saved, ReverseLoops.Counted c, Expr.Var number, int k, int slot) {
    boolean zero = c.start() instanceof Expr.Literal l && l.text().equals("0");
    Expr t = number != null
        ? number.name().startsWith("_iteration$") ? new Expr.Binary(Expr.BinaryOp.SUB, number, Expr.Literal.ofInt(1),
            Type.INT) : number
        : c.step() > 0
        ? zero ? c.counter() : new Expr.Binary(Expr.BinaryOp.SUB, c.counter(), c.start(), Type.INT)
        : new Expr.Binary(Expr.BinaryOp.SUB, c.start(), c.counter(), Type.INT);
    Expr index = k == 1 ? t : new Expr.Binary(Expr.BinaryOp.MUL, t, Expr.Literal.ofInt(k), Type.INT);
    if (slot != 0) {
      index = new Expr.Binary(Expr.BinaryOp.ADD, index, Expr.Literal.ofInt(slot), Type.INT);
    }
    return new Expr.Index(saved, index, Type.DOUBLE);
  }

  /** The double a statement of the recording body pushes ({@code push(v)}, a saved variable), or null. */
  private static Expr pushed(Stmt s) {
    if (s instanceof Stmt.Push p && p.tape() == TapeKind.DOUBLES) {
      return p.value();
    }
    if (s instanceof Stmt.Save v && v.tape() == TapeKind.DOUBLES && v.target() instanceof Expr.Var
        && v.target().type() == Type.DOUBLE) {
      return v.target();
    }
    return null;
  }

  /**
   * The double pop a statement of the reverse body binds whole ({@code double t = pop();}, {@code t = pop();}, a
   * restored variable), or null.
   */
  private static Expr boundWhole(Stmt s) {
    if (s instanceof Stmt.Declare d && d.init() instanceof Expr.Pop p && p.tape() == TapeKind.DOUBLES) {
      return p;
    }
    if (s instanceof Stmt.Assign a && a.target() instanceof Expr.Var && a.value() instanceof Expr.Pop p
        && p.tape() == TapeKind.DOUBLES) {
      return p;
    }
    if (s instanceof Stmt.Restore r && r.tape() == TapeKind.DOUBLES && r.target() instanceof Expr.Var
        && r.target().type() == Type.DOUBLE) {
      return new Expr.Pop(TapeKind.DOUBLES, Type.DOUBLE);
    }
    return null;
  }

  /** Whether {@code e} records onto a tape itself (a recorded call, a pushed decision). */
  private static boolean records(Expr e) {
    boolean[] found = {false};
    ExprWalk.visit(e, x -> found[0] |= x instanceof Expr.Recorded || x instanceof Expr.Decided d && d.pushed()
        || x instanceof Expr.Pop);
    return found[0];
  }

  /**
   * Whether {@code s} or a statement nested in it touches a tape (pushes, saves, records, pops) or is of a kind
   * this plan does not know (a jump, for one).
   */
  private static boolean touchesTapes(Stmt s) {
    boolean[] found = {false};
    StmtWalk.statements(s, x -> {
      found[0] |= !(x instanceof Stmt.Comment || x instanceof Stmt.Assign || x instanceof Stmt.Declare
          || x instanceof Stmt.Accumulate || x instanceof Stmt.If || x instanceof Stmt.While
          || x instanceof Stmt.CountDown || x instanceof Stmt.Block || x instanceof Stmt.Forward
          || x instanceof Stmt.Effect);
      StmtWalk.evaluated(x, e -> found[0] |= records(e));
      if (x instanceof Stmt.Forward f) {
        f.holes().forEach(e -> found[0] |= records(e));
      }
    });
    return found[0];
  }
}
