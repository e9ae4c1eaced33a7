package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.TapeKind;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Running maxima and minima without a tape: a top-level counted loop whose body is only {@code a = Math.max(a,
 * e); i = i ± 1;} (or {@code Math.min}), where {@code e} is a variable or an array element (its adjoint is the
 * adjoint it receives, nothing multiplied by a primal value) and reads, but for the counter, only variables and
 * arrays the method never assigns again. The store-all reverse pushes {@code a} every iteration and sends the
 * adjoint down the chain of {@code max}es, iteration by iteration ({@code Partials.maxFirst} is 1, 0.5 at a tie,
 * 0 where {@code e} is larger or either is NaN); a person sends it to the element that was the maximum.
 *
 * <p>The forward sweep records instead the last iteration where {@code e > a} (strictly: {@code e} took over;
 * its counter and the {@code a} it replaced) and whether any iteration met a tie or a NaN. When none did and the
 * adjoint of {@code a} is finite, the store-all reverse multiplies that adjoint by 1 in every later iteration,
 * sends it to {@code e} with factor 1 and to {@code a} with factor 0 in that iteration, and sends zeros in all
 * earlier ones: so the reverse runs only that iteration's reverse body, with the counter and {@code a} it had (the
 * same values, the same adjoints, but the sign of components that are zero). Otherwise (a tie splits the adjoint,
 * a NaN or an infinite adjoint turns the zeros into NaN) the reverse replays the loop onto the tapes and reverses
 * it iteration by iteration, as the store-all sweep does. Either way {@code a} and the counter are left as that
 * sweep leaves them: at their values before the loop.
 */
final class RunningExtrema {
  private RunningExtrema() {}

  /** The loop's forward and reverse parts and the locals they keep between the sweeps. */
  record Plan(List<Stmt> forward, List<Stmt> reverse, List<Expr.Var> locals) {}

  /**
   * The plan for the top-level loop {@code w} (counted as {@code counted}) whose store-all body sweeps are
   * {@code forward} and {@code reverse}, or null. {@code inverses}: the counter updates' inverses;
   * {@code reassigned}, {@code elementWritten}: variables assigned more than once or in a loop, arrays whose
   * elements are written; {@code tag} distinguishes the locals of this loop.
   */
  static Plan plan(Stmt.While w, ReverseLoops.Counted counted, List<Stmt> forward, List<Stmt> reverse,
      Set<Stmt> inverses, Set<String> reassigned, Set<String> elementWritten, String tag) {
    List<Stmt> body = withoutComments(w.body().statements());
    Expr.Var counter = counted.counter();
    if (body.size() != 2 || !(body.get(0) instanceof Stmt.Assign step) || !(step.target() instanceof Expr.Var a)
        || a.type() != Type.DOUBLE || !(step.value() instanceof Expr.Call call)
        || !(call.callee() instanceof Callee.MathFunction f) || !(f.name().equals("max") || f.name().equals("min"))
        || call.args().size() != 2 || !call.args().get(0).equals(a) || !updates(body.get(1), counter)) {
      return null;
    }
    boolean max = f.name().equals("max");
    Expr e = call.args().get(1);
    if (e.type() != Type.DOUBLE || !(e instanceof Expr.Var || e instanceof Expr.Index) || !pure(e)
        || !pure(w.condition())) {
      return null;
    }
    for (Expr x : List.of(e, w.condition())) {
      for (String v : ExprWalk.variables(x)) {
        if (v.equals(a.name()) || !v.equals(counter.name()) && (reassigned.contains(v) || elementWritten.contains(v))) {
          return null;
        }
      }
    }
    // The reverse body: the counter's inverse first (when the counter is kept), the restore of a, then adjoints.
    List<Stmt> rest = withoutComments(reverse);
    if (!rest.isEmpty() && inverses.contains(rest.get(0)) && rest.get(0) instanceof Stmt.Assign inv
        && inv.target().equals(counter)) {
      rest = rest.subList(1, rest.size());
    }
    List<Stmt> single = new ArrayList<>();
    boolean[] ok = {true};
    int restores = 0;
    for (Stmt s : rest) {
      if (s instanceof Stmt.Restore r) {
        ok[0] &= r.target().equals(a);
        restores++;
        continue;
      }
      if (s instanceof Stmt.Assign x) {
        ok[0] &= x.target() instanceof Expr.Var v && (v.name().equals(AdjointProgram.adjointName(a.name()))
            || v.name().contains("$") && !v.name().startsWith("_d_"));
      } else if (s instanceof Stmt.Accumulate x) {
        Expr.Var root = ExprWalk.root(x.target());
        ok[0] &= root != null && root.name().startsWith("_d_");
      } else {
        ok[0] &= s instanceof Stmt.Declare;
      }
      for (Expr x : FusedLoops.expressions(s)) {
        ExprWalk.visit(x, y -> ok[0] &= !(y instanceof Expr.Pop || y instanceof Expr.Recorded
            || y instanceof Expr.Decided || y instanceof Expr.Call c && !(c.callee() instanceof Callee.MathFunction
            || c.callee() instanceof Callee.Static st && st.owner().endsWith(".Partials"))));
      }
      single.add(s);
    }
    if (!ok[0] || restores != 1) {
      return null;
    }
    Origin origin = w.origin();
    Expr.Var from = new Expr.Var("_from$" + tag, Type.INT);
    Expr.Var before = new Expr.Var("_before$" + tag, Type.DOUBLE);
    Expr.Var switched = new Expr.Var("_switched$" + tag, Type.INT);
    Expr.Var at = new Expr.Var("_at$" + tag, Type.INT);
    Expr.Var replaced = new Expr.Var("_replaced$" + tag, Type.DOUBLE);
    Expr.Var tie = new Expr.Var("_tie$" + tag, Type.INT);
    Expr.Var value = new Expr.Var("_e$" + tag, Type.DOUBLE);
    Expr.Var adjoint = new Expr.Var(AdjointProgram.adjointName(a.name()), Type.DOUBLE);
    Expr.BinaryOp beats = max ? Expr.BinaryOp.GT : Expr.BinaryOp.LT;

    List<Stmt> fwd = new ArrayList<>();
    fwd.add(new Stmt.Comment(origin.label() + " (a running " + (max ? "maximum" : "minimum")
        + ": only the iteration that last took over is recorded)", origin));
    fwd.add(new Stmt.Assign(from, counter, origin));
    fwd.add(new Stmt.Assign(before, a, origin));
    fwd.add(new Stmt.Assign(switched, Expr.Literal.ofInt(0), origin));
    fwd.add(new Stmt.Assign(tie, Expr.Literal.ofInt(0), origin));
    List<Stmt> iteration = new ArrayList<>();
    iteration.add(new Stmt.Declare(value, e, origin));
    Stmt.Block takesOver = Stmt.Block.of(List.of(new Stmt.Assign(switched, Expr.Literal.ofInt(1), origin),
        new Stmt.Assign(at, counter, origin), new Stmt.Assign(replaced, a, origin)));
    Stmt.Block tied = Stmt.Block.of(List.of(new Stmt.If(new Expr.Unary(Expr.UnaryOp.NOT,
        new Expr.Binary(beats, a, value, Type.BOOLEAN), Type.BOOLEAN),
        Stmt.Block.of(List.of(new Stmt.Assign(tie, Expr.Literal.ofInt(1), origin))), Stmt.Block.of(List.of()),
        origin)));
    iteration.add(new Stmt.If(new Expr.Binary(beats, value, a, Type.BOOLEAN), takesOver, tied, origin));
    iteration.add(new Stmt.Assign(a, new Expr.Call(f, List.of(a, value), Type.DOUBLE), origin));
    iteration.add(body.get(1));
    fwd.add(new Stmt.While(w.condition(), Stmt.Block.of(iteration), origin));

    // Reverse: the one iteration, or the replayed store-all loop.
    List<Stmt> one = new ArrayList<>();
    one.add(new Stmt.Assign(counter, at, origin));
    one.add(new Stmt.Assign(a, replaced, origin));
    one.addAll(single);
    Set<TapeKind> tapes = EnumSet.noneOf(TapeKind.class);
    FusedLoops.collectTapes(forward, tapes);
    FusedLoops.collectTapes(reverse, tapes);
    List<Stmt> replay = replayedLoop("a tie, a NaN or an infinite adjoint", a, before, counter, from, tapes, tag,
        w.condition(), forward, reverse, origin);
    // finite: x - x is 0 for every finite x, NaN for infinities and NaN
    Expr finite = new Expr.Binary(Expr.BinaryOp.EQ, new Expr.Binary(Expr.BinaryOp.SUB, adjoint, adjoint,
        Type.DOUBLE), Expr.Literal.of(0.0), Type.BOOLEAN);
    Expr noTie = new Expr.Binary(Expr.BinaryOp.EQ, tie, Expr.Literal.ofInt(0), Type.BOOLEAN);
    List<Stmt> rev = new ArrayList<>();
    rev.add(new Stmt.Comment(origin.label() + " (a running " + (max ? "maximum" : "minimum")
        + ": the adjoint goes to the iteration that last took over)", origin));
    rev.add(new Stmt.If(new Expr.Binary(Expr.BinaryOp.AND, noTie, finite, Type.BOOLEAN),
        Stmt.Block.of(List.of(new Stmt.If(new Expr.Binary(Expr.BinaryOp.NE, switched, Expr.Literal.ofInt(0),
            Type.BOOLEAN), Stmt.Block.of(one), Stmt.Block.of(List.of()), origin))),
        Stmt.Block.of(replay), origin));
    rev.add(new Stmt.Assign(a, before, origin));
    rev.add(new Stmt.Assign(counter, from, origin));
    return new Plan(fwd, rev, List.of(from, before, switched, at, replaced, tie));
  }

  /**
   * The fallback both running-extremum forms share: {@code a} and the counter back to their values before the loop,
   * the loop's forward replayed onto the tapes while counting its trips, then its store-all reverse once per trip.
   */
  static List<Stmt> replayedLoop(String why, Expr.Var a, Expr before, Expr.Var counter, Expr from,
      Set<TapeKind> tapes, String tag, Expr condition, List<Stmt> forward, List<Stmt> reverse, Origin origin) {
    List<Stmt> replay = new ArrayList<>();
    replay.add(new Stmt.Comment(why + ": the loop replayed onto the tapes and reversed iteration by iteration",
        origin));
    replay.add(new Stmt.Assign(a, before, origin));
    replay.add(new Stmt.Assign(counter, from, origin));
    for (TapeKind t : tapes) {
      replay.add(FusedLoops.tapeCall(t, "beginReplay", origin));
    }
    Expr.Var trips = new Expr.Var("_n$" + tag, Type.INT);
    replay.add(new Stmt.Declare(trips, Expr.Literal.ofInt(0), origin));
    List<Stmt> replayBody = new ArrayList<>(forward);
    replayBody.add(new Stmt.Assign(trips, new Expr.Binary(Expr.BinaryOp.ADD, trips, Expr.Literal.ofInt(1),
        Type.INT), origin));
    replay.add(new Stmt.While(condition, Stmt.Block.of(replayBody), origin));
    for (TapeKind t : tapes) {
      replay.add(FusedLoops.tapeCall(t, "rewind", origin));
    }
    replay.add(new Stmt.CountDown("_iteration$" + tag, trips, Stmt.Block.of(reverse), origin));
    for (TapeKind t : tapes) {
      replay.add(FusedLoops.tapeCall(t, "endReplay", origin));
    }
    return replay;
  }

  /** Whether {@code s} is {@code counter = counter ± 1} (perhaps in a block of its own). */
  static boolean updates(Stmt s, Expr.Var counter) {
    if (s instanceof Stmt.Block b && b.statements().size() == 1) {
      s = b.statements().get(0);
    }
    return s instanceof Stmt.Assign u && u.target().equals(counter) && u.value() instanceof Expr.Binary b
        && b.left().equals(counter) && b.right() instanceof Expr.Literal l && l.text().equals("1")
        && (b.op() == Expr.BinaryOp.ADD || b.op() == Expr.BinaryOp.SUB);
  }

  /** Whether {@code e} only reads: variables, literals, elements, lengths, arithmetic and comparisons. */
  private static boolean pure(Expr e) {
    boolean[] ok = {true};
    ExprWalk.visit(e, x -> ok[0] &= x instanceof Expr.Var || x instanceof Expr.Literal || x instanceof Expr.Index
        || x instanceof Expr.Length || x instanceof Expr.Binary || x instanceof Expr.Unary
        || x instanceof Expr.Cast);
    return ok[0];
  }

  private static List<Stmt> withoutComments(List<Stmt> statements) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt s : statements) {
      if (!(s instanceof Stmt.Comment)) {
        out.add(s);
      }
    }
    return out;
  }
}
