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
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Running minima and maxima of a computed value (k-means' nearest centroid): a counted loop whose body is
 * {@code S; a = Math.min(a, e); i = i ± 1;} (or {@code max}) where the statements {@code S} compute {@code e}, a
 * local: {@code e = 0; ... e += x*y; ...}. As {@link RunningExtrema} does for an element, the forward sweep
 * records only the iteration where {@code e} last took over ({@code e < a} strictly), and the reverse reverses
 * that iteration alone (its forward replayed onto the tapes, then its store-all reverse); a tie, a NaN or an
 * infinite {@code e} anywhere, or an infinite adjoint of {@code a}, replay and reverse the whole loop as the
 * store-all sweep does.
 *
 * <p>Why the other iterations may be skipped: there the store-all reverse receives zero adjoints (the one of
 * {@code e} is {@code g · 0}, that of {@code a} passes by factor 1 or is 0 before the take-over) and multiplies
 * them by partials; zero times a partial is zero when the partial is finite. So {@code S} is held to shapes whose
 * partials are finite whenever {@code e} is finite, which the forward checks: {@code S} assigns only {@code double}
 * and {@code int} locals that nothing outside the loop reads or writes, every one before it reads it in the
 * iteration; {@code e} first gets a literal at the top of {@code S}, then only {@code e = e ± X} where {@code X} is
 * a sum of terms that are a value or a product of two values (a variable, an element, a literal, an {@code int});
 * every other {@code double} local gets a linear expression (sums, differences, negations, products with a
 * literal), whose partials are constants. Each value in such an {@code X} is then finite when {@code e} is (an
 * infinity or a NaN in {@code +}, {@code -}, {@code *} makes the result infinite or NaN, and {@code e} keeps it),
 * so the partials {@code x} and {@code y} of {@code x*y} are. Values outside the loop that {@code S} reads are
 * arrays never written and variables never reassigned, or the enclosing loops' variables that the store-all
 * reverse of this loop reads too (so they hold their forward values there). The skipped iterations' zeros are
 * those of the store-all sweep but for the sign of zero components.
 *
 * <p>Inside another loop the recorded locals go onto the tapes after the loop and come back before its reverse.
 */
final class ComputedExtrema {
  private ComputedExtrema() {}

  /** The plan: forward and reverse parts, the locals they keep, the tapes the recorded locals use. */
  record Plan(List<Stmt> forward, List<Stmt> reverse, List<Expr.Var> locals, Set<TapeKind> tapes) {}

  /**
   * The plan for the loop {@code w} (counted as {@code counted}) whose store-all body sweeps are {@code forward}
   * and {@code reverse}, or null. {@code methodBody}: the whole method, to check that nothing outside the loop
   * reads what {@code S} assigns; {@code nested}: whether the loop is inside another (its records go onto the
   * tapes); {@code reassigned}, {@code elementWritten} as in {@link RunningExtrema#plan}.
   */
  static Plan plan(Stmt.While w, ReverseLoops.Counted counted, List<Stmt> forward, List<Stmt> reverse,
      Stmt.Block methodBody, List<String> parameters, boolean nested, Set<String> reassigned,
      Set<String> elementWritten, String tag) {
    List<Stmt> body = flat(w.body().statements());
    Expr.Var counter = counted.counter();
    int n = body.size();
    if (n < 3 || !(body.get(n - 2) instanceof Stmt.Assign step) || !(step.target() instanceof Expr.Var a)
        || a.type() != Type.DOUBLE || !(step.value() instanceof Expr.Call call)
        || !(call.callee() instanceof Callee.MathFunction f) || !(f.name().equals("max") || f.name().equals("min"))
        || call.args().size() != 2 || !call.args().get(0).equals(a) || !(call.args().get(1) instanceof Expr.Var e)
        || e.type() != Type.DOUBLE || e.equals(a) || !RunningExtrema.updates(body.get(n - 1), counter)) {
      return null;
    }
    List<Stmt> s = body.subList(0, n - 2);
    Set<String> assigned = new HashSet<>();
    if (!assignedLocals(s, assigned) || !assigned.contains(e.name()) || assigned.contains(a.name())
        || assigned.contains(counter.name())) {
      return null;
    }
    for (String p : parameters) {
      if (assigned.contains(p)) {
        return null;
      }
    }
    if (usedOutside(methodBody.statements(), w, assigned)) {
      return null;
    }
    // Forward and reverse of one iteration must be self-contained: no trip counts, no calls' records.
    boolean[] ok = {true};
    List<Stmt> both = new ArrayList<>(forward);
    both.addAll(reverse);
    FusedLoops.walk(both, x -> {
      ok[0] &= !(x instanceof Stmt.CountDown || x instanceof Stmt.Effect || x instanceof Stmt.Forward);
      for (Expr y : FusedLoops.expressions(x)) {
        ExprWalk.visit(y, z -> ok[0] &= !(z instanceof Expr.Recorded || z instanceof Expr.Decided
            || z instanceof Expr.Var v && v.name().startsWith("_trips$")));
      }
    });
    if (!ok[0]) {
      return null;
    }
    Set<String> reverseReads = new HashSet<>();
    FusedLoops.walk(reverse, x -> FusedLoops.expressions(x).forEach(y -> reverseReads.addAll(ExprWalk.variables(y))));
    Shapes shapes = new Shapes(e, a, counter, assigned, reassigned, elementWritten, reverseReads);
    if (!shapes.outsideOk(w.condition()) || !shapes.pure(w.condition())
        || !shapes.statements(s, new HashSet<>(), true)) {
      return null;
    }
    return build(w, counted, forward, reverse, s, body.get(n - 1), a, e, f, nested, tag);
  }

  private static Plan build(Stmt.While w, ReverseLoops.Counted counted, List<Stmt> forward, List<Stmt> reverse,
      List<Stmt> s, Stmt update, Expr.Var a, Expr.Var e, Callee.MathFunction f, boolean nested, String tag) {
    boolean max = f.name().equals("max");
    Expr.Var counter = counted.counter();
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
    String kind = max ? "maximum" : "minimum";

    List<Stmt> fwd = new ArrayList<>();
    fwd.add(new Stmt.Comment(origin.label() + " (a running " + kind + " of a computed value: only the iteration"
        + " that last took over is recorded)", origin));
    fwd.add(new Stmt.Assign(from, counter, origin));
    fwd.add(new Stmt.Assign(before, a, origin));
    fwd.add(new Stmt.Assign(switched, Expr.Literal.ofInt(0), origin));
    fwd.add(new Stmt.Assign(tie, Expr.Literal.ofInt(0), origin));
    fwd.add(new Stmt.Assign(at, counter, origin));
    fwd.add(new Stmt.Assign(replaced, a, origin));
    List<Stmt> iteration = new ArrayList<>(s);
    iteration.add(new Stmt.Declare(value, e, origin));
    Stmt.Block takesOver = Stmt.Block.of(List.of(new Stmt.Assign(switched, Expr.Literal.ofInt(1), origin),
        new Stmt.Assign(at, counter, origin), new Stmt.Assign(replaced, a, origin)));
    Stmt.Block setTie = Stmt.Block.of(List.of(new Stmt.Assign(tie, Expr.Literal.ofInt(1), origin)));
    Stmt.Block tied = Stmt.Block.of(List.of(new Stmt.If(new Expr.Unary(Expr.UnaryOp.NOT,
        new Expr.Binary(beats, a, value, Type.BOOLEAN), Type.BOOLEAN), setTie, Stmt.Block.of(List.of()), origin)));
    iteration.add(new Stmt.If(new Expr.Binary(beats, value, a, Type.BOOLEAN), takesOver, tied, origin));
    // an infinite e (or NaN): the skipped iterations' partials need not be finite
    iteration.add(new Stmt.If(new Expr.Binary(Expr.BinaryOp.NE, new Expr.Binary(Expr.BinaryOp.SUB, value, value,
        Type.DOUBLE), Expr.Literal.of(0.0), Type.BOOLEAN), setTie, Stmt.Block.of(List.of()), origin));
    iteration.add(new Stmt.Assign(a, new Expr.Call(f, List.of(a, value), Type.DOUBLE), origin));
    iteration.add(update);
    fwd.add(new Stmt.While(w.condition(), Stmt.Block.of(iteration), origin));
    List<Expr.Var> ints = List.of(from, switched, at, tie);
    List<Expr.Var> doubles = List.of(before, replaced);
    Set<TapeKind> recordTapes = EnumSet.noneOf(TapeKind.class);
    List<Stmt> rev = new ArrayList<>();
    rev.add(new Stmt.Comment(origin.label() + " (a running " + kind + " of a computed value: the iteration that"
        + " last took over, reversed alone)", origin));
    if (nested) {
      recordTapes.add(TapeKind.INTS);
      recordTapes.add(TapeKind.DOUBLES);
      for (Expr.Var v : ints) {
        fwd.add(new Stmt.Push(TapeKind.INTS, v, origin));
      }
      for (Expr.Var v : doubles) {
        fwd.add(new Stmt.Push(TapeKind.DOUBLES, v, origin));
      }
      for (int k = doubles.size() - 1; k >= 0; k--) {
        rev.add(new Stmt.Assign(doubles.get(k), new Expr.Pop(TapeKind.DOUBLES, Type.DOUBLE), origin));
      }
      for (int k = ints.size() - 1; k >= 0; k--) {
        rev.add(new Stmt.Assign(ints.get(k), new Expr.Pop(TapeKind.INTS, Type.INT), origin));
      }
    }
    Set<TapeKind> tapes = EnumSet.noneOf(TapeKind.class);
    FusedLoops.collectTapes(forward, tapes);
    FusedLoops.collectTapes(reverse, tapes);
    // The one iteration: its forward replayed onto the tapes, then its store-all reverse.
    List<Stmt> one = new ArrayList<>();
    one.add(new Stmt.Assign(counter, at, origin));
    one.add(new Stmt.Assign(a, replaced, origin));
    replayed(one, tapes, forward, List.copyOf(reverse), origin);
    List<Stmt> replay = RunningExtrema.replayedLoop("a tie, a NaN, an infinity or an infinite adjoint", a, before,
        counter, from, tapes, tag, w.condition(), forward, reverse, origin);
    Expr finite = new Expr.Binary(Expr.BinaryOp.EQ, new Expr.Binary(Expr.BinaryOp.SUB, adjoint, adjoint,
        Type.DOUBLE), Expr.Literal.of(0.0), Type.BOOLEAN);
    Expr noTie = new Expr.Binary(Expr.BinaryOp.EQ, tie, Expr.Literal.ofInt(0), Type.BOOLEAN);
    rev.add(new Stmt.If(new Expr.Binary(Expr.BinaryOp.AND, noTie, finite, Type.BOOLEAN),
        Stmt.Block.of(List.of(new Stmt.If(new Expr.Binary(Expr.BinaryOp.NE, switched, Expr.Literal.ofInt(0),
            Type.BOOLEAN), Stmt.Block.of(one), Stmt.Block.of(List.of()), origin))),
        Stmt.Block.of(replay), origin));
    rev.add(new Stmt.Assign(a, before, origin));
    rev.add(new Stmt.Assign(counter, from, origin));
    List<Expr.Var> locals = new ArrayList<>(ints);
    locals.addAll(doubles);
    return new Plan(fwd, rev, locals, recordTapes);
  }

  /** Appends to {@code out} one iteration's {@code forward} replayed onto the tapes and its {@code reverse}. */
  private static void replayed(List<Stmt> out, Set<TapeKind> tapes, List<Stmt> forward, List<Stmt> reverse,
      Origin origin) {
    for (TapeKind t : tapes) {
      out.add(FusedLoops.tapeCall(t, "beginReplay", origin));
    }
    out.addAll(forward);
    for (TapeKind t : tapes) {
      out.add(FusedLoops.tapeCall(t, "rewind", origin));
    }
    out.addAll(reverse);
    for (TapeKind t : tapes) {
      out.add(FusedLoops.tapeCall(t, "endReplay", origin));
    }
  }

  /** {@code statements} without comments, blocks opened. */
  private static List<Stmt> flat(List<Stmt> statements) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt s : statements) {
      if (s instanceof Stmt.Block b) {
        out.addAll(flat(b.statements()));
      } else if (!(s instanceof Stmt.Comment)) {
        out.add(s);
      }
    }
    return out;
  }

  /** Adds the locals {@code statements} assign; false if they hold anything but such assignments and loops. */
  private static boolean assignedLocals(List<Stmt> statements, Set<String> into) {
    for (Stmt s : flat(statements)) {
      if (s instanceof Stmt.Assign x && x.target() instanceof Expr.Var v
          && (v.type() == Type.DOUBLE || v.type() == Type.INT)) {
        into.add(v.name());
      } else if (s instanceof Stmt.While l) {
        if (!assignedLocals(l.body().statements(), into)) {
          return false;
        }
      } else {
        return false;
      }
    }
    return true;
  }

  /** Whether a statement outside {@code loop} reads or assigns one of {@code names}. */
  private static boolean usedOutside(List<Stmt> statements, Stmt loop, Set<String> names) {
    for (Stmt s : statements) {
      if (s == loop) {
        continue;
      }
      Expr.Var root = s instanceof Stmt.Assign x ? ExprWalk.root(x.target()) : null;
      if (root != null && names.contains(root.name())) {
        return true;
      }
      for (Expr x : FusedLoops.expressions(s)) {
        for (String v : ExprWalk.variables(x)) {
          if (names.contains(v)) {
            return true;
          }
        }
      }
      if (s instanceof Stmt.Block b && usedOutside(b.statements(), loop, names)
          || s instanceof Stmt.If i && (usedOutside(List.of(i.then()), loop, names)
              || usedOutside(List.of(i.otherwise()), loop, names))
          || s instanceof Stmt.While l && usedOutside(l.body().statements(), loop, names)) {
        return true;
      }
      if (!(s instanceof Stmt.Block || s instanceof Stmt.If || s instanceof Stmt.While || s instanceof Stmt.Assign
          || s instanceof Stmt.Comment || s instanceof Stmt.Return || s instanceof Stmt.Forward
          || s instanceof Stmt.Effect || s instanceof Stmt.Declare || s instanceof Stmt.Break
          || s instanceof Stmt.Continue)) {
        // a statement kind whose parts this walk does not see: assume it uses them
        return true;
      }
    }
    return false;
  }

  /** The shape rules on {@code S}. */
  private record Shapes(Expr.Var e, Expr.Var a, Expr.Var counter, Set<String> assigned, Set<String> reassigned,
      Set<String> elementWritten, Set<String> reverseReads) {

    /** Whether {@code statements} keep the rules, with {@code defined} the locals of S assigned before them. */
    boolean statements(List<Stmt> statements, Set<String> defined, boolean top) {
      for (Stmt s : flat(statements)) {
        if (s instanceof Stmt.While l) {
          if (!reads(l.condition(), defined) || !pure(l.condition())
              || !statements(l.body().statements(), new HashSet<>(defined), false)) {
            return false;
          }
          continue;
        }
        Stmt.Assign x = (Stmt.Assign) s;
        Expr.Var v = (Expr.Var) x.target();
        Expr value = x.value();
        if (!reads(value, defined)) {
          return false;
        }
        if (v.equals(e)) {
          if (!defined.contains(e.name())) {
            if (!top || !(value instanceof Expr.Literal l) || !finiteLiteral(l)) {
              return false;
            }
          } else if (!(value instanceof Expr.Binary b && (b.op() == Expr.BinaryOp.ADD
              || b.op() == Expr.BinaryOp.SUB) && b.left().equals(e) && !ExprWalk.variables(b.right())
              .contains(e.name()) && sumOfProducts(b.right()))) {
            return false;
          }
        } else if (v.type() == Type.DOUBLE ? !linear(value) : !pure(value)) {
          return false;
        }
        defined.add(v.name());
      }
      return true;
    }

    /** Whether every variable {@code x} reads is defined in S before it, or a value from outside kept fixed. */
    boolean reads(Expr x, Set<String> defined) {
      for (String v : ExprWalk.variables(x)) {
        if (assigned.contains(v) ? !defined.contains(v) : !outside(v)) {
          return false;
        }
      }
      return true;
    }

    boolean outsideOk(Expr x) {
      for (String v : ExprWalk.variables(x)) {
        if (assigned.contains(v) || !outside(v)) {
          return false;
        }
      }
      return true;
    }

    /** A value from outside S: the counter, or fixed while the loop's forward and reverse run. */
    private boolean outside(String v) {
      return v.equals(counter.name()) || !v.equals(a.name()) && !elementWritten.contains(v)
          && (!reassigned.contains(v) || reverseReads.contains(v));
    }

    /** Only reads: variables, literals, elements, lengths, arithmetic, comparisons and casts. */
    boolean pure(Expr x) {
      boolean[] ok = {true};
      ExprWalk.visit(x, y -> ok[0] &= y instanceof Expr.Var || y instanceof Expr.Literal || y instanceof Expr.Index
          || y instanceof Expr.Length || y instanceof Expr.Binary || y instanceof Expr.Unary
          || y instanceof Expr.Cast);
      return ok[0];
    }

    /** Constant partials: sums, differences and negations of values, products with a literal. */
    boolean linear(Expr x) {
      if (x.type() != Type.DOUBLE) {
        return false;
      }
      if (x instanceof Expr.Binary b && (b.op() == Expr.BinaryOp.ADD || b.op() == Expr.BinaryOp.SUB)) {
        return linear(b.left()) && linear(b.right());
      }
      if (x instanceof Expr.Binary b && b.op() == Expr.BinaryOp.MUL) {
        return b.left() instanceof Expr.Literal l && finiteLiteral(l) && linear(b.right())
            || b.right() instanceof Expr.Literal r && finiteLiteral(r) && linear(b.left());
      }
      if (x instanceof Expr.Unary u && u.op() == Expr.UnaryOp.NEG) {
        return linear(u.operand());
      }
      return value(x);
    }

    /** Sums, differences and negations of values and of products of two values. */
    boolean sumOfProducts(Expr x) {
      if (x.type() != Type.DOUBLE) {
        return false;
      }
      if (x instanceof Expr.Binary b && (b.op() == Expr.BinaryOp.ADD || b.op() == Expr.BinaryOp.SUB)) {
        return sumOfProducts(b.left()) && sumOfProducts(b.right());
      }
      if (x instanceof Expr.Unary u && u.op() == Expr.UnaryOp.NEG) {
        return sumOfProducts(u.operand());
      }
      if (x instanceof Expr.Binary b && b.op() == Expr.BinaryOp.MUL) {
        return value(b.left()) && value(b.right());
      }
      return value(x);
    }

    /** A double variable, element, finite literal or converted {@code int}. */
    private boolean value(Expr x) {
      return x.type() == Type.DOUBLE && (x instanceof Expr.Var || x instanceof Expr.Index && pure(x)
          || x instanceof Expr.Literal l && finiteLiteral(l)
          || x instanceof Expr.Cast c && c.operand().type() == Type.INT && pure(c.operand()));
    }

    private static boolean finiteLiteral(Expr.Literal l) {
      try {
        return Double.isFinite(Double.parseDouble(l.text()));
      } catch (NumberFormatException ex) {
        return false;
      }
    }
  }
}
