package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.TapeKind;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fused sweeps for a one-call {@code mVjp}: a top-level counted loop whose iterations' adjoints do not depend on
 * later iterations runs the reverse of each iteration right after its forward, as a person writes the gradient of
 * a sum of per-element terms (Rosenbrock, least squares): nothing of the loop is stored across iterations.
 *
 * <p>The analysis is explicit and conservative; a method it does not accept keeps the separate sweeps. For the
 * top-level loop {@code i = start; while (cond) { B; i = i ± 1; }} (counted, {@link ReverseLoops}, with a start of
 * literals, lengths and variables assigned once) it requires:
 *
 * <ul>
 *   <li>every variable {@code B} assigns, but the counter, is either an <em>accumulator</em> {@code s}, assigned
 *       only by top-level statements {@code s = s ± e} of {@code B} ({@code e} not reading {@code s}) and read
 *       nowhere else in the loop, or <em>iteration-local</em>: written before it is read on every path through
 *       {@code B} ({@link IterationLocals}), and met nowhere outside the loop (or an {@code int} other loops reuse,
 *       {@link SharedInts}); no array element is written but those of scratch arrays each iteration writes before
 *       it reads them ({@link IterationLocalArrays}), no differentiated method called but as {@link FusedCalls}
 *       allows, and the condition reads only the counter and what {@code B} does not assign. So an iteration reads
 *       nothing an earlier one computed but the counter, and accumulators only add.
 *   <li>the reverse body restores only iteration-local variables, writes scalar adjoints only by accumulation
 *       unless they belong to iteration-local variables, reads no scalar adjoint it writes but those, and touches
 *       adjoint arrays only by {@code _d_a[k] += ...}: each iteration's reverse reads the same adjoints in either
 *       order, so the iterations' reverses commute. It pushes and saves (iteration-local variables) only inside
 *       replayed stretches that leave the tapes as they found them ({@link ReplayedStretches}: the one-iteration
 *       reverse of a {@link ComputedExtrema} loop and its replay of the whole inner loop, which read only this
 *       iteration's records and values).
 *   <li>the reverse of everything after the loop (which the reverse sweep runs before the loop's) has no tape
 *       operation, no branch or loop, writes only scalar adjoints, reads no variable assigned from the loop on, and
 *       cannot throw (no array element, no integer division, no call but {@code Math}'s on doubles, no length but
 *       those the loop condition reads right after): it can run before the loop (the adjoint seed of the
 *       accumulators, {@code _d_sum = upstream / 2}). The forward statements after the loop push nothing.
 * </ul>
 *
 * <p>When the reverse of what follows the loop does not qualify, the part of it that gives the loop's adjoints
 * may run before the loop and the rest after it ({@link SeedSlices}); else ({@code return Math.log(s) + a}) {@link
 * DeferredSeeds} may still fuse the loop for a unit adjoint and scale afterwards. The reverse body starts with the
 * inverse of the counter's step, or never reads the counter. Of the loops that qualify, the most deeply nested is
 * fused (the last of those). In the fused iteration the values
 * the reverse of its last statement binds first are computed once ({@link SharedValues}).
 *
 * <p>The fused forward sweep is then the statements before the loop, the hoisted reverse of those after it,
 * {@code while (cond) { B; reverse of B; i = i ± 1; }} (tapes the iteration uses are replayed: its pushes are
 * popped by its own reverse and dropped, {@code beginReplay}/{@code endReplay}), and the statements after the
 * loop; the reverse sweep is the counter put back to {@code start} (where the separate reverse loop leaves it)
 * and the reverse of the statements before the loop. The adjoints are declared before the forward sweep (a local
 * array's right after its one assignment before the loop, {@link LateArrayAdjoints}; else no fusion). If the
 * forward sweep throws, the partly written adjoints are the call's own and never returned: nothing observable
 * changes.
 */
public final class FusedLoops {
  private FusedLoops() {}

  /** A top-level loop's body sweeps, recorded by {@link ReverseSweep} before any checkpointing choice. */
  record Candidate(ReverseLoops.Counted counted, List<Stmt> forward, List<Stmt> reverse) {}

  /**
   * Fused sweeps: {@code forward} runs after the adjoints are declared and seeded, {@code reverse} after it.
   *
   * @param forward the forward sweep with the fused loop in it
   * @param reverse the rest of the reverse sweep
   * @param loop where the fused loop is in the source
   * @param lateArrays the local arrays whose adjoints {@code forward} makes right after their assignment ({@link
   *     LateArrayAdjoints}): declared null before it
   */
  public record Fused(Stmt.Block forward, Stmt.Block reverse, Origin loop, Set<String> lateArrays) {}

  static final String ADJOINT = "_d_";

  /**
   * The fused sweeps of a body whose top-level statements are {@code statements}, with per statement its
   * forward part {@code forwards.get(k)} and reverse part {@code reverses.get(k)}; null when no loop qualifies.
   */
  static Fused plan(List<Stmt> statements, List<List<Stmt>> forwards, List<List<Stmt>> reverses,
      Map<Stmt, Candidate> candidates, MethodIr method, Set<String> lateArrays) {
    // differentiable double[] parameters the body never reassigns: their adjoints are the call's own arrays
    Set<String> arrays = new HashSet<>();
    for (MethodIr.Parameter p : method.parameters()) {
      if (p.differentiable() && p.type() instanceof Type.DoubleArray d && d.rank() == 1) {
        arrays.add(p.name());
      }
    }
    walk(statements, s -> {
      if (s instanceof Stmt.Assign a && a.target() instanceof Expr.Var v) {
        arrays.remove(v.name());
      }
    });
    // of the loops that qualify, the most deeply nested (the most work per iteration), the last of those
    Fused best = null;
    int bestDepth = -1;
    for (int k = statements.size() - 1; k >= 1; k--) {
      if (statements.get(k) instanceof Stmt.While w && candidates.get(w) != null && depth(w) > bestDepth) {
        Fused f = LateArrayAdjoints.qualify(statements, k, lateArrays)
            ? fuse(statements, forwards, reverses, k, w, candidates.get(w), arrays, lateArrays, method) : null;
        if (f != null) {
          best = f;
          bestDepth = depth(w);
        }
      }
    }
    return best;
  }

  /** How deeply loops nest in {@code s}, {@code s} included. */
  private static int depth(Stmt s) {
    int inner = 0;
    if (s instanceof Stmt.Block b) {
      for (Stmt t : b.statements()) {
        inner = Math.max(inner, depth(t));
      }
      return inner;
    } else if (s instanceof Stmt.If i) {
      return Math.max(depth(i.then()), depth(i.otherwise()));
    } else if (s instanceof Stmt.While l) {
      return 1 + depth(l.body());
    }
    return 0;
  }

  private static Fused fuse(List<Stmt> statements, List<List<Stmt>> forwards, List<List<Stmt>> reverses, int k,
      Stmt.While w, Candidate c, Set<String> arrays, Set<String> lateArrays, MethodIr method) {
    ReverseLoops.Counted counted = c.counted();
    Expr.Var counter = counted.counter();
    List<Stmt> body = w.body().statements();
    if (!counted.mustRead().isEmpty() || c.forward().isEmpty() || body.isEmpty()) {
      return null;
    }
    Stmt update = c.forward().get(c.forward().size() - 1);
    if (!(update instanceof Stmt.Assign u) || !u.target().equals(counter) || !isStep(u.value(), counter)) {
      return null;
    }
    int inverseAt = firstNonComment(c.reverse());
    if (inverseAt < 0 || !(c.reverse().get(inverseAt) instanceof Stmt.Assign inv) || !inv.target().equals(counter)
        || !isStep(inv.value(), counter)) {
      // no inverse of the step when the reverse never reads the counter: then it must not write it either
      if (IterationLocals.meets(c.reverse(), counter.name())) {
        return null;
      }
      inverseAt = -1;
    }
    // What the loop assigns, and how: element writes only into scratch arrays (IterationLocalArrays).
    Set<String> scratch = IterationLocalArrays.of(statements, k, method);
    Set<String> assigned = new HashSet<>();
    boolean[] ok = {true};
    walk(body, s -> {
      if (s instanceof Stmt.Assign a) {
        if (!(a.target() instanceof Expr.Var v)) {
          ok[0] &= scratch != null;
        } else {
          assigned.add(v.name());
        }
      } else if (!(s instanceof Stmt.Block || s instanceof Stmt.If || s instanceof Stmt.While
          || s instanceof Stmt.Comment)) {
        ok[0] = false;
      }
      for (Expr e : expressions(s)) {
        ExprWalk.visit(e, x -> ok[0] &= !(x instanceof Expr.Call call && !(call.callee() instanceof Callee.MathFunction
            || call.callee() instanceof Callee.Static st && st.library() || FusedCalls.forwardCall(call))));
      }
    });
    if (!ok[0]) {
      return null;
    }
    Set<String> outside = new HashSet<>();
    for (int j = 0; j < statements.size(); j++) {
      if (j != k) {
        walk(List.of(statements.get(j)), s -> {
          expressions(s).forEach(e -> outside.addAll(ExprWalk.variables(e)));
          if (s instanceof Stmt.Assign a && ExprWalk.root(a.target()) != null) {
            outside.add(ExprWalk.root(a.target()).name());
          }
        });
      }
    }
    Set<String> local = new HashSet<>();
    Set<String> accumulators = new HashSet<>();
    Set<String> shared = new java.util.TreeSet<>();
    List<String> conditionReads = ExprWalk.variables(w.condition());
    for (String v : assigned) {
      if (v.equals(counter.name())) {
        continue;
      }
      if (conditionReads.contains(v)) {
        return null;
      }
      if (accumulator(body, v)) {
        accumulators.add(v);
      } else if (IterationLocals.iterationLocal(body, v) && !outside.contains(v)) {
        local.add(v);
      } else if (IterationLocals.iterationLocal(body, v) && SharedInts.qualifies(statements, k, v)) {
        local.add(v);
        shared.add(v);
      } else {
        return null;
      }
    }
    if (!CommutingReverses.reverseCommutes(IterationLocalArrays.withoutElementResets(c.reverse().subList(inverseAt + 1,
        c.reverse().size()), scratch == null ? Set.of() : scratch), IterationLocalArrays.with(local, scratch))) {
      return null;
    }
    // The reverse of what follows the loop runs first in the reverse sweep: hoisted before the loop.
    Set<String> laterAssigned = new HashSet<>(assigned);
    for (int j = k + 1; j < statements.size(); j++) {
      walk(List.of(statements.get(j)), s -> {
        if (s instanceof Stmt.Assign a && ExprWalk.root(a.target()) != null) {
          laterAssigned.add(ExprWalk.root(a.target()).name());
        }
      });
    }
    laterAssigned.add(counter.name());
    List<Stmt> hoisted = new ArrayList<>();
    boolean pushedAfter = false;
    for (int j = statements.size() - 1; j > k; j--) {
      hoisted.addAll(reverses.get(j));
      pushedAfter |= pushes(forwards.get(j));
    }
    // Lengths the loop condition reads anyway, right after the hoisted statements: reading them cannot throw first.
    Set<String> measured = new HashSet<>();
    boolean[] plain = {true};
    ExprWalk.visit(w.condition(), x -> {
      plain[0] &= !(x instanceof Expr.Conditional || x instanceof Expr.Decided
          || x instanceof Expr.Binary b && (b.op() == Expr.BinaryOp.AND || b.op() == Expr.BinaryOp.OR));
      if (x instanceof Expr.Length l && l.array() instanceof Expr.Var a) {
        measured.add(a.name());
      }
    });
    if (!plain[0]) {
      measured.clear();
    }
    List<Stmt> reverseBody = withoutRecomputation(c.reverse().subList(inverseAt + 1, c.reverse().size()), body);
    DeferredSeeds.Plan deferred = null;
    SeedSlices.Plan sliced = null;
    if (pushedAfter || !hoistable(hoisted, laterAssigned, measured)) {
      // the part that computes the loop's adjoints hoisted, the rest after the loop (SeedSlices); else
      sliced = SeedSlices.plan(hoisted, reverseBody, local, laterAssigned, measured);
    }
    if (sliced == null && (pushedAfter || !hoistable(hoisted, laterAssigned, measured))) {
      // not known before the loop: run it for a unit adjoint and scale afterwards, if that is exact
      deferred = DeferredSeeds.plan(reverseBody, local, accumulators, counted, w.condition(), arrays, hoisted,
          w.origin());
      if (deferred == null) {
        return null;
      }
    }
    // The fused loop: forward of the iteration, its reverse, then the update.
    List<Stmt> forwardPart = new ArrayList<>(c.forward().subList(0, c.forward().size() - 1));
    List<Stmt> reversePart = new ArrayList<>(reverseBody);
    FusedRestores.drop(forwardPart, reversePart, local);
    ScratchRestores.drop(forwardPart, reversePart, scratch, statements, k, method);
    KeptValues.fused(forwardPart, reversePart);
    SharedValues.share(forwardPart, reversePart);
    Set<TapeKind> tapes = EnumSet.noneOf(TapeKind.class);
    collectTapes(forwardPart, tapes);
    collectTapes(reversePart, tapes);
    FusedCalls.tapesPassed(forwardPart, tapes);
    Origin origin = w.origin();
    List<Stmt> iteration = new ArrayList<>();
    for (TapeKind t : tapes) {
      iteration.add(tapeCall(t, "beginReplay", origin));
    }
    iteration.addAll(forwardPart);
    for (TapeKind t : tapes) {
      iteration.add(tapeCall(t, "rewind", origin));
    }
    iteration.addAll(reversePart);
    for (TapeKind t : tapes) {
      iteration.add(tapeCall(t, "endReplay", origin));
    }
    iteration.add(update);
    List<Stmt> forward = new ArrayList<>();
    for (int j = 0; j < k; j++) {
      forward.addAll(forwards.get(j));
      forward.addAll(LateArrayAdjoints.after(statements.get(j), lateArrays));
    }
    if (deferred != null) {
      forward.addAll(deferred.before());
    } else if (sliced != null) {
      forward.add(new Stmt.Comment("the part of the reverse of what follows the loop that gives the loop's"
          + " adjoints, which needs nothing the loop computes", origin));
      forward.addAll(sliced.before());
    } else if (!hoisted.isEmpty()) {
      forward.add(new Stmt.Comment("the reverse of what follows the loop, which needs nothing the loop computes:"
          + " the loop's adjoints are known before it runs", origin));
      forward.addAll(hoisted);
    }
    forward.addAll(SharedInts.keep(shared, origin));
    forward.add(new Stmt.Comment(origin.label() + " (loop, each iteration's reverse right after it: no"
        + " iteration's adjoints depend on a later one)", origin));
    forward.add(new Stmt.While(w.condition(), Stmt.Block.of(iteration), origin));
    if (deferred != null) {
      forward.addAll(deferred.after());
    }
    for (int j = k + 1; j < statements.size(); j++) {
      forward.addAll(forwards.get(j));
    }
    List<Stmt> reverse = new ArrayList<>();
    if (sliced != null) {
      reverse.add(new Stmt.Comment(origin.label() + " (the rest of the reverse of what follows it)", origin));
      reverse.addAll(sliced.rest());
    }
    if (deferred != null) {
      // what follows the loop, reversed in place, then the loop's sums scaled by the adjoint it gave
      reverse.addAll(hoisted);
      reverse.addAll(deferred.scale());
    }
    // the separate reverse loop would leave the counter at its start
    reverse.add(new Stmt.Comment(origin.label() + " (its counter back at its start)", origin));
    reverse.add(new Stmt.Assign(counter, counted.start(), origin));
    reverse.addAll(SharedInts.putBack(shared, origin));
    for (int j = k - 1; j >= 0; j--) {
      reverse.addAll(reverses.get(j));
    }
    return new Fused(Stmt.Block.of(forward), Stmt.Block.of(reverse), origin, Set.copyOf(lateArrays));
  }

  /**
   * {@code reverse} without the recomputation of iteration-local values the iteration has just computed: a
   * top-level {@code v = e} equal to the loop body's only assignment of {@code v} (with its comment). The
   * iteration's forward part assigned exactly that, from values nothing has changed since (the recomputation
   * reads only what the iteration does not change, {@link RecomputePlan}).
   */
  private static List<Stmt> withoutRecomputation(List<Stmt> reverse, List<Stmt> body) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt s : reverse) {
      if (s instanceof Stmt.Assign a && a.target() instanceof Expr.Var v && body.contains(a)
          && assignments(body, v.name()) == 1) {
        if (!out.isEmpty() && out.get(out.size() - 1) instanceof Stmt.Comment) {
          out.remove(out.size() - 1);
        }
        continue;
      }
      out.add(s);
    }
    return out;
  }

  private static int assignments(List<Stmt> body, String name) {
    int[] n = {0};
    walk(body, s -> n[0] += s instanceof Stmt.Assign a && a.target() instanceof Expr.Var v && v.name().equals(name)
        ? 1 : 0);
    return n[0];
  }

  private static boolean isStep(Expr value, Expr.Var counter) {
    return value instanceof Expr.Binary b && b.left().equals(counter) && b.right() instanceof Expr.Literal l
        && l.text().equals("1") && (b.op() == Expr.BinaryOp.ADD || b.op() == Expr.BinaryOp.SUB);
  }

  private static int firstNonComment(List<Stmt> statements) {
    for (int j = 0; j < statements.size(); j++) {
      if (!(statements.get(j) instanceof Stmt.Comment)) {
        return j;
      }
    }
    return -1;
  }

  /** {@code v} is assigned only by {@code v = v ± e} in {@code body}, {@code e} not reading it, and read nowhere else. */
  private static boolean accumulator(List<Stmt> body, String v) {
    boolean[] ok = {true};
    int[] updates = {0};
    walk(body, x -> {
      if (x instanceof Stmt.Assign a && a.target() instanceof Expr.Var t && t.name().equals(v)) {
        if (a.value() instanceof Expr.Binary b && (b.op() == Expr.BinaryOp.ADD || b.op() == Expr.BinaryOp.SUB)
            && b.left().equals(t) && t.type() == Type.DOUBLE && !ExprWalk.variables(b.right()).contains(v)) {
          updates[0]++;
        } else {
          ok[0] = false;
        }
      } else {
        for (Expr e : expressions(x)) {
          ok[0] &= !ExprWalk.variables(e).contains(v);
        }
      }
    });
    return ok[0] && updates[0] > 0;
  }

  /**
   * Whether {@code reverse} (of what follows the loop) may run before it: writes of scalar adjoints and
   * declarations, of expressions that cannot throw ({@link #readsOnly}) over adjoints, literals, its own
   * temporaries and variables not in {@code later}: run earlier, it computes the same and throws nothing the
   * original would not have thrown first.
   */
  static boolean hoistable(List<Stmt> reverse, Set<String> later, Set<String> measured) {
    Set<String> temps = new HashSet<>();
    for (Stmt s : reverse) {
      Expr value;
      if (s instanceof Stmt.Comment) {
        continue;
      } else if (s instanceof Stmt.Declare d && d.init() != null) {
        temps.add(d.variable().name());
        value = d.init();
      } else if (s instanceof Stmt.Assign a && a.target() instanceof Expr.Var v && v.name().startsWith(ADJOINT)) {
        value = a.value();
      } else if (s instanceof Stmt.Accumulate a && a.target() instanceof Expr.Var v && v.name().startsWith(ADJOINT)) {
        // (an element of an adjoint array may be out of range: it would throw before the loop instead of after)
        value = a.value();
      } else {
        return false;
      }
      if (!readsOnly(value, temps, later, measured)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code e} reads only adjoints, {@code temps} and variables not in {@code later}, and cannot throw:
   * arithmetic (no integer division), casts, {@code ?:}, {@code Math} functions of doubles, and the lengths of
   * the arrays in {@code measured} (which the loop condition reads right after, throwing the same).
   */
  private static boolean readsOnly(Expr e, Set<String> temps, Set<String> later, Set<String> measured) {
    boolean[] ok = {true};
    ExprWalk.visit(e, x -> ok[0] &= x instanceof Expr.Literal || x instanceof Expr.Var || x instanceof Expr.Unary
        || x instanceof Expr.Cast || x instanceof Expr.Conditional
        || x instanceof Expr.Binary b && !((b.op() == Expr.BinaryOp.DIV || b.op() == Expr.BinaryOp.REM)
            && b.type() != Type.DOUBLE)
        || x instanceof Expr.Call call && call.callee() instanceof Callee.MathFunction && call.type() == Type.DOUBLE
        || x instanceof Expr.Length l && l.array() instanceof Expr.Var a && measured.contains(a.name()));
    for (String v : ExprWalk.variables(e)) {
      ok[0] &= v.startsWith(ADJOINT) || temps.contains(v) || !later.contains(v);
    }
    return ok[0];
  }

  private static boolean pushes(List<Stmt> forward) {
    boolean[] any = {false};
    walk(forward, s -> any[0] |= s instanceof Stmt.Push || s instanceof Stmt.Save);
    return any[0];
  }

  static void collectTapes(List<Stmt> statements, Set<TapeKind> into) {
    walk(statements, s -> {
      if (s instanceof Stmt.Push p) {
        into.add(p.tape());
      } else if (s instanceof Stmt.Save p) {
        into.add(p.tape());
      } else if (s instanceof Stmt.Restore r) {
        into.add(r.tape());
      }
      for (Expr e : expressions(s)) {
        ExprWalk.visit(e, x -> {
          if (x instanceof Expr.Pop p) {
            into.add(p.tape());
          }
        });
      }
    });
  }

  static Stmt tapeCall(TapeKind t, String name, Origin origin) {
    return new Stmt.Effect(new Expr.Call(new Callee.TapeMember(name),
        List.of(new Expr.Var(t.variable, Type.INT)), Type.INT), origin);
  }

  /** Every statement of {@code statements}, nested ones included, in order. */
  static void walk(List<Stmt> statements, java.util.function.Consumer<Stmt> visitor) {
    for (Stmt s : statements) {
      visitor.accept(s);
      if (s instanceof Stmt.Block b) {
        walk(b.statements(), visitor);
      } else if (s instanceof Stmt.If i) {
        walk(i.then().statements(), visitor);
        walk(i.otherwise().statements(), visitor);
      } else if (s instanceof Stmt.While l) {
        walk(l.body().statements(), visitor);
      } else if (s instanceof Stmt.CountDown l) {
        walk(l.body().statements(), visitor);
      }
    }
  }

  /** The expressions {@code s} itself evaluates (not those of nested statements). */
  static List<Expr> expressions(Stmt s) {
    List<Expr> out = new ArrayList<>();
    if (s instanceof Stmt.Assign a) {
      out.add(a.target() instanceof Expr.Index i ? i.index() : a.target() instanceof Expr.Var ? null : a.target());
      out.add(a.value());
    } else if (s instanceof Stmt.Accumulate a) {
      out.add(a.value());
    } else if (s instanceof Stmt.Declare d) {
      out.add(d.init());
    } else if (s instanceof Stmt.If i) {
      out.add(i.condition());
    } else if (s instanceof Stmt.While w) {
      out.add(w.condition());
    } else if (s instanceof Stmt.Forward f) {
      out.addAll(f.holes());
    } else if (s instanceof Stmt.Effect e) {
      out.add(e.call());
    } else if (s instanceof Stmt.Push p) {
      out.add(p.value());
    } else if (s instanceof Stmt.CountDown c) {
      out.add(c.start());
    }
    out.removeIf(java.util.Objects::isNull);
    return out;
  }

  static Map<Stmt, Candidate> candidates() {
    return new IdentityHashMap<>();
  }
}
