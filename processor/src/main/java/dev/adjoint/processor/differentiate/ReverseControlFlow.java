package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.differentiate.ReverseSweep.Parts;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.TapeKind;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The branches and loops of {@link ReverseSweep}: how a branch's side and a loop's trip count are recorded (or
 * replayed, or run over the loop's counter) and replayed backwards, and which loop plans ({@link RunningExtrema},
 * {@link ComputedExtrema}, {@link Checkpointing}, {@link FusedLoops}) take a loop over. Split from the
 * statement-by-statement reverse of assignments, which stays in {@link ReverseSweep}; it works on that sweep's
 * state (its records, tapes and loop nesting), so it holds the sweep.
 */
final class ReverseControlFlow {
  private final ReverseSweep sweep;

  ReverseControlFlow(ReverseSweep sweep) {
    this.sweep = sweep;
  }

  /** The forward and reverse parts of a branch. */
  Parts branch(Stmt.If i) {
    Parts then = sweep.statement(i.then());
    Parts otherwise = sweep.statement(i.otherwise());
    if (then.reverse().isEmpty() && otherwise.reverse().isEmpty()) {
      return new Parts(List.of(new Stmt.If(i.condition(), Stmt.Block.of(then.forward()),
          Stmt.Block.of(otherwise.forward()), i.origin())), List.of());
    }
    Integer position = sweep.recorded.branchPosition(i);
    if (position != null && ReplayedConditions.replayable(i, sweep.countersAround, sweep.reassigned,
        sweep.recorded::assignedAt, position)) {
      // The condition reads only values the reverse sweep holds unchanged there: evaluated again, not recorded;
      // an early-return flag it reads as the condition that set it (DerivedFlags), which needs no end state.
      Expr again = DerivedFlags.substitute(i.condition(), sweep.derivedFlags);
      String flag = sweep.flagSetters.get(i);
      if (flag != null) {
        sweep.derivedFlags.put(flag, again);
      }
      if (sweep.firstPass) {
        ExprWalk.variables(again).forEach(v -> sweep.recorded.readAt(v, position));
      }
      List<Stmt> reverse = new ArrayList<>();
      ReverseSweep.comment(reverse, i.origin(), "branch evaluated again");
      reverse.add(new Stmt.If(again, Stmt.Block.of(then.reverse()), Stmt.Block.of(otherwise.reverse()),
          i.origin()));
      return new Parts(List.of(new Stmt.If(i.condition(), Stmt.Block.of(then.forward()),
          Stmt.Block.of(otherwise.forward()), i.origin())), reverse);
    }
    if (sweep.loopDepth == 0) {
      // Outside loops a branch is taken at most once: a boolean local records which.
      Expr.Var taken = new Expr.Var("_branch$" + (sweep.onceRecords.size() + 1), Type.BOOLEAN);
      sweep.onceRecords.add(taken);
      String flag = sweep.flagSetters.get(i);
      if (flag != null) {
        sweep.derivedFlags.put(flag, taken);
      }
      List<Stmt> reverse = new ArrayList<>();
      ReverseSweep.comment(reverse, i.origin(), "branch taken");
      reverse.add(new Stmt.If(taken, Stmt.Block.of(then.reverse()), Stmt.Block.of(otherwise.reverse()), i.origin()));
      return new Parts(List.of(new Stmt.Assign(taken, i.condition(), i.origin()),
          new Stmt.If(taken, Stmt.Block.of(then.forward()), Stmt.Block.of(otherwise.forward()), i.origin())),
          reverse);
    }
    sweep.tapes.add(TapeKind.INTS);
    List<Stmt> thenForward = new ArrayList<>(then.forward());
    thenForward.add(new Stmt.Push(TapeKind.INTS, Expr.Literal.ofInt(1), i.origin()));
    List<Stmt> otherwiseForward = new ArrayList<>(otherwise.forward());
    otherwiseForward.add(new Stmt.Push(TapeKind.INTS, Expr.Literal.ofInt(0), i.origin()));
    Stmt forward = new Stmt.If(i.condition(), Stmt.Block.of(thenForward), Stmt.Block.of(otherwiseForward),
        i.origin());
    Expr taken = new Expr.Binary(Expr.BinaryOp.NE, new Expr.Pop(TapeKind.INTS, Type.INT), Expr.Literal.ofInt(0),
        Type.BOOLEAN);
    List<Stmt> reverse = new ArrayList<>();
    ReverseSweep.comment(reverse, i.origin(), "branch taken");
    reverse.add(new Stmt.If(taken, Stmt.Block.of(then.reverse()), Stmt.Block.of(otherwise.reverse()), i.origin()));
    return new Parts(List.of(forward), reverse);
  }

  /** The forward and reverse parts of a loop. */
  Parts loop(Stmt.While w) {
    ReverseLoops.Counted counted = sweep.loopStart;
    sweep.loopStart = null;
    int countersBefore = sweep.counters.size();
    sweep.loopDepth++;
    if (counted != null) {
      sweep.countersAround.add(counted.counter().name());
    }
    Parts loopBody;
    try {
      loopBody = loopBody(w.body().statements());
    } finally {
      sweep.loopDepth--;
      if (counted != null) {
        sweep.countersAround.remove(sweep.countersAround.size() - 1);
      }
    }
    if (loopBody.reverse().isEmpty()) {
      return new Parts(List.of(new Stmt.While(w.condition(), Stmt.Block.of(loopBody.forward()), w.origin())),
          List.of());
    }
    Expr.Var trips = new Expr.Var("_trips$" + (sweep.counters.size() + sweep.onceRecords.size() + 1), Type.INT);
    if (sweep.loopDepth == 0 && counted != null && !sweep.firstPass) {
      RunningExtrema.Plan extremum = RunningExtrema.plan(w, counted, loopBody.forward(), loopBody.reverse(),
          sweep.inverses, sweep.reassigned, sweep.elementWritten, trips.name().substring("_trips$".length()));
      if (extremum != null) {
        sweep.onceRecords.addAll(extremum.locals());
        return new Parts(extremum.forward(), extremum.reverse());
      }
      sweep.fusion.put(w, new FusedLoops.Candidate(counted, loopBody.forward(), loopBody.reverse()));
    }
    if (counted != null && !sweep.firstPass) {
      ComputedExtrema.Plan computed = ComputedExtrema.plan(w, counted, loopBody.forward(), loopBody.reverse(),
          sweep.body.body(), sweep.method.parameters().stream().map(MethodIr.Parameter::name).toList(),
          sweep.loopDepth > 0, sweep.reassigned, sweep.elementWritten, trips.name().substring("_trips$".length()));
      if (computed != null) {
        sweep.fusion.remove(w);
        sweep.onceRecords.addAll(computed.locals());
        sweep.tapes.addAll(computed.tapes());
        return new Parts(computed.forward(), computed.reverse());
      }
    }
    boolean overCounter = false;
    if (counted != null) {
      Set<String> reads = new HashSet<>();
      sweep.recorded.collectReads(loopBody.reverse(), reads, new ArrayList<>());
      overCounter = ReverseLoops.replayable(counted, loopBody.reverse(), sweep.inverses, reads);
    }
    if (sweep.loopDepth == 0 && sweep.checkpoint) {
      // Checkpointing first: a long counted loop (an Euler integration) must not keep a tape of every step.
      Checkpointing.Plan plan = Checkpointing.plan(sweep.body.body(), hoisted(), w, loopBody.forward(),
          loopBody.reverse(), trips, overCounter ? ReverseLoops.trips(counted) : null);
      if (plan != null) {
        sweep.onceRecords.add(trips);
        // The reverse sweep replays the body: its inner loops' counters live in the whole method.
        List<Expr.Var> inner = sweep.counters.subList(countersBefore, sweep.counters.size());
        sweep.onceRecords.addAll(inner);
        inner.clear();
        sweep.onceRecords.add(plan.checkpoints());
        sweep.consumesRecording |= plan.copiesArrays();
        IndexedRecording.Plan indexed = counted != null ? IndexedRecording.plan(counted, w, loopBody.forward(),
            loopBody.reverse(), plan, trips, overCounter) : null;
        if (indexed != null) {
          sweep.onceRecords.add(indexed.saved());
          return new Parts(indexed.forward(), indexed.reverse());
        }
        return new Parts(plan.forward(), plan.reverse());
      }
    }
    if (overCounter) {
      // A counted loop: the reverse runs over the counter itself, no trip count recorded.
      List<Stmt> reverse = new ArrayList<>();
      ReverseSweep.comment(reverse, w.origin(), "loop, iterations in reverse order over its counter");
      reverse.add(ReverseLoops.reverse(counted, loopBody.reverse(), w.origin()));
      return new Parts(List.of(new Stmt.While(w.condition(), Stmt.Block.of(loopBody.forward()), w.origin())),
          reverse);
    }
    if (sweep.loopDepth == 0) {
      // Outside other loops a loop runs once: its trip count stays in a local, not on the tape.
      sweep.onceRecords.add(trips);
    } else {
      sweep.tapes.add(TapeKind.INTS);
      sweep.counters.add(trips);
    }
    List<Stmt> forwardBody = new ArrayList<>(loopBody.forward());
    forwardBody.add(new Stmt.Assign(trips,
        new Expr.Binary(Expr.BinaryOp.ADD, trips, Expr.Literal.ofInt(1), Type.INT), w.origin()));
    List<Stmt> forward = new ArrayList<>(List.of(
        new Stmt.Assign(trips, Expr.Literal.ofInt(0), w.origin()),
        new Stmt.While(w.condition(), Stmt.Block.of(forwardBody), w.origin())));
    if (sweep.loopDepth > 0) {
      forward.add(new Stmt.Push(TapeKind.INTS, trips, w.origin()));
    }
    List<Stmt> reverse = new ArrayList<>();
    ReverseSweep.comment(reverse, w.origin(), "loop, iterations in reverse order");
    reverse.add(new Stmt.CountDown(trips.name().replace("_trips$", "_iteration$"),
        sweep.loopDepth == 0 ? trips : new Expr.Pop(TapeKind.INTS, Type.INT), Stmt.Block.of(loopBody.reverse()),
        w.origin()));
    return new Parts(forward, reverse);
  }

  /** Names of the parameters and hoisted locals. */
  private Set<String> hoisted() {
    Set<String> names = new HashSet<>();
    sweep.method.parameters().forEach(p -> names.add(p.name()));
    sweep.body.locals().forEach(v -> names.add(v.name()));
    return names;
  }

  /**
   * A loop body. Its leading assignments of locals that depend only on values the iteration does not
   * change (inputs, constants, the loop counter) are recomputed at the start of each reverse iteration
   * instead of saved, as a person writing the adjoint would; the rest is store-all.
   */
  private Parts loopBody(List<Stmt> body) {
    RecomputePlan plan = RecomputePlan.of(body, sweep.assignmentCounts);
    sweep.recomputed.addAll(plan.variables());
    // The recomputation binds its subexpressions to temporaries that the statement's own adjoint reuses.
    List<Stmt> recompute = new ArrayList<>();
    for (int j = 0; j < plan.prefix(); j++) {
      Stmt.Assign a = (Stmt.Assign) body.get(j);
      Expr.Var v = (Expr.Var) a.target();
      if (sweep.saved.contains(v.name())) {
        ReverseSweep.comment(recompute, a.origin(), "recomputed, not stored");
        Map<Expr, Expr> memo = new HashMap<>();
        recompute.add(new Stmt.Assign(v, bindCalls(a.value(), recompute, memo), a.origin()));
        sweep.prefixValues.put(a, memo);
        if (sweep.firstPass) {
          sweep.recorded.recordReads(List.of(a), sweep.recorded.position(a));
        }
      }
    }
    List<Parts> parts = new ArrayList<>();
    Stmt previous = null;
    for (Stmt x : body) {
      parts.add(sweep.statement(previous, x));
      previous = x;
    }
    List<Stmt> forward = new ArrayList<>();
    for (Parts p : parts) {
      forward.addAll(p.forward());
    }
    List<Stmt> reverse = new ArrayList<>();
    int last = body.size() - 1;
    if (plan.afterLast()) {
      reverse.addAll(parts.get(last).reverse());
    }
    reverse.addAll(recompute);
    for (int k = plan.afterLast() ? last - 1 : last; k >= 0; k--) {
      reverse.addAll(parts.get(k).reverse());
    }
    return new Parts(forward, reverse);
  }

  /**
   * {@code e} with its {@code Math} calls bound to temporaries (recorded in {@code values}): the expensive
   * values a statement's adjoint needs again, computed once.
   */
  private Expr bindCalls(Expr e, List<Stmt> out, Map<Expr, Expr> values) {
    if (e instanceof Expr.Call c && c.type() == Type.DOUBLE && c.callee() instanceof Callee.MathFunction) {
      return sweep.expressions.value(c, out, values);
    }
    if (e instanceof Expr.Binary b) {
      return new Expr.Binary(b.op(), bindCalls(b.left(), out, values), bindCalls(b.right(), out, values), b.type());
    }
    if (e instanceof Expr.Unary u) {
      return new Expr.Unary(u.op(), bindCalls(u.operand(), out, values), u.type());
    }
    return e;
  }
}
