package dev.adjoint.processor.differentiate;

import static dev.adjoint.processor.differentiate.DerivativeRules.neg;

import dev.adjoint.processor.analyze.Activity;
import dev.adjoint.processor.analyze.StructuredBody;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.TapeKind;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Reverse mode by source transformation, store-all with a to-be-recorded analysis (as Tapenade and Clad
 * do). Every statement of the structured body gets a forward part (the statement, preceded by a save of
 * the value it overwrites when the reverse sweep will need it) and a reverse part (the restore, then the
 * adjoint statements from {@link DerivativeRules}). Branches record the side taken and loops their trip
 * count (in locals outside loops, on the int tape inside them); the reverse sweep replays them backwards.
 * Partials are evaluated on the restored state, so they see exactly the values the forward statement saw.
 *
 * <p>What is stored is decided per assignment from where the reverse sweep reads each variable (a first
 * pass records the reads): only values a later-undone statement would otherwise see too new. Integer
 * increments are undone exactly instead of stored, and leading loop-body locals that depend only on inputs
 * and the counter are recomputed ({@link RecomputePlan}).
 */
public final class ReverseSweep {
  final MethodIr method;
  final StructuredBody body;
  private final Activity activity;
  /** Variables assigned more than once (statically) or inside a loop: saving candidates. */
  final Set<String> reassigned;
  /** Arrays whose elements are written: each write overwrites a value the reverse sweep may read. */
  final Set<String> elementWritten;
  /** How many assignments each variable has in the whole body. */
  final Map<String, Integer> assignmentCounts;
  /** Loop-body locals recomputed at the start of each reverse iteration instead of saved. */
  final Set<String> recomputed = new HashSet<>();
  /** Where the reverse sweep reads what, and which saved values those reads need ({@link ToBeRecorded}). */
  final ToBeRecorded recorded;
  /** The branches that set a flag the reverse sweep derives ({@link DerivedFlags}), and the flag each sets. */
  Map<Stmt, String> flagSetters = Map.of();
  /** The derived flags met so far, and what the reverse sweep reads for each: a condition or a branch record. */
  final Map<String, Expr> derivedFlags = new HashMap<>();
  boolean firstPass;
  /** In the final pass: before each assignment, the values variables hold there ({@link HeldValues}). */
  private Map<Stmt, Map<Expr, Expr>> held = Map.of();
  /** For recomputed loop-body statements: the temporaries their recomputation bound, by subexpression. */
  final Map<Stmt, Map<Expr, Expr>> prefixValues = new java.util.IdentityHashMap<>();
  /** The counters of the counted loops around the statement being differentiated ({@link ReplayedConditions}). */
  final List<String> countersAround = new ArrayList<>();
  /** How many loops enclose the statement being differentiated. */
  int loopDepth;
  /** Branch decisions and trip counts outside every loop: they happen once, so a local holds them. */
  final List<Expr.Var> onceRecords = new ArrayList<>();
  /** Reverse statements that undo {@code i = i ± c} exactly ({@code i = i ∓ c}); not reads of the sweep. */
  final Set<Stmt> inverses = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
  /** Candidates whose old values the reverse sweep really reads: saved and restored. */
  Set<String> saved;
  final Set<TapeKind> tapes = EnumSet.noneOf(TapeKind.class);
  final List<Expr.Var> counters = new ArrayList<>();
  private int temps;
  boolean consumesRecording;
  /** Calls to other differentiated methods: their tapes are kept, not rerun ({@link CallBoundary}). */
  private final CallBoundary calls;
  /** The adjoint statements of expressions ({@link ExpressionAdjoints}). */
  final ExpressionAdjoints expressions;
  /** The branches and loops ({@link ReverseControlFlow}). */
  private final ReverseControlFlow control = new ReverseControlFlow(this);
  /** The counted form of the loop about to be differentiated, from the statement before it ({@link ReverseLoops}). */
  ReverseLoops.Counted loopStart;
  /** Whether loops outside all others are checkpointed once their recording passes a run-time budget. */
  boolean checkpoint;
  /** The body sweeps of loops outside all others, for {@link FusedLoops}. */
  final Map<Stmt, FusedLoops.Candidate> fusion = FusedLoops.candidates();

  private ReverseSweep(MethodIr method, StructuredBody body, Activity activity,
      Predicate<Callee.DifferentiableMethod> recomputed, Predicate<Callee.DifferentiableMethod> atResult) {
    this.calls = new CallBoundary(recomputed, atResult);
    this.expressions = new ExpressionAdjoints(activity, calls, this::temp);
    this.method = method;
    this.body = body;
    this.activity = activity;
    Map<String, Integer> counts = new LinkedHashMap<>();
    // A parameter holds a value before any assignment: that counts as its first.
    for (MethodIr.Parameter p : method.parameters()) {
      counts.put(p.name(), 1);
    }
    Set<String> inLoop = new HashSet<>();
    Set<String> elements = new HashSet<>();
    ToBeRecorded.countAssignments(body.body(), counts, inLoop, elements, false);
    Set<String> multiple = new HashSet<>(inLoop);
    counts.forEach((name, n) -> {
      if (n > 1) {
        multiple.add(name);
      }
    });
    this.reassigned = Collections.unmodifiableSet(multiple);
    this.assignmentCounts = Collections.unmodifiableMap(counts);
    this.elementWritten = Collections.unmodifiableSet(elements);
    this.recorded = new ToBeRecorded(method, body, reassigned, elementWritten, this.recomputed, this.inverses);
  }

  /**
   * Differentiates {@code method} in reverse mode, keeping every callee's tape, long loops checkpointed at
   * run time ({@link Checkpointing}).
   */
  public static AdjointProgram differentiate(MethodIr method) {
    return differentiate(method, m -> false, true);
  }

  /** Differentiates {@code method} in reverse mode; {@code checkpoint} false keeps every loop store-all. */
  public static AdjointProgram differentiate(MethodIr method, boolean checkpoint) {
    return differentiate(method, m -> false, checkpoint);
  }

  /**
   * Differentiates {@code method} in reverse mode; calls of the callees {@code recomputed} accepts are
   * recomputed in the reverse sweep ({@link Recomputable}), every other callee's tape is kept; {@code
   * checkpoint} false keeps every loop store-all.
   */
  public static AdjointProgram differentiate(MethodIr method, Predicate<Callee.DifferentiableMethod> recomputed,
      boolean checkpoint) {
    return differentiate(method, recomputed, m -> false, checkpoint);
  }

  /**
   * The same, where the reverse sweep of a recomputed call whose result a variable holds calls the callee's
   * {@code m$atResult} for the callees {@code atResult} accepts ({@link Recomputable#derivativeAtResult}).
   */
  public static AdjointProgram differentiate(MethodIr method, Predicate<Callee.DifferentiableMethod> recomputed,
      Predicate<Callee.DifferentiableMethod> atResult, boolean checkpoint) {
    StructuredBody body = StructuredBody.of(method);
    Activity activity = Activity.of(method, body);
    ReverseSweep sweep = new ReverseSweep(method, body, activity, recomputed, atResult);
    sweep.checkpoint = checkpoint;
    sweep.flagSetters = DerivedFlags.setters(method, body.body(), sweep);
    // Pass 1: save every candidate, then keep only those the reverse sweep reads (to-be-recorded).
    Set<String> candidates = new HashSet<>(sweep.reassigned);
    candidates.addAll(sweep.elementWritten);
    sweep.saved = candidates;
    sweep.firstPass = true;
    sweep.statement(body.body());
    sweep.firstPass = false;
    sweep.saved = sweep.recorded.toBeRecorded();
    sweep.held = HeldValues.before(body.body(), (v, at) -> sweep.mirrored(v, at, false));
    // Pass 2: the real sweeps, with the smaller save set (control records vanish where nothing is undone).
    sweep.tapes.clear();
    sweep.counters.clear();
    sweep.onceRecords.clear();
    sweep.derivedFlags.clear();
    sweep.prefixValues.clear();
    sweep.inverses.clear();
    sweep.temps = 0;
    sweep.consumesRecording = false;
    sweep.calls.reset();
    // The top level statement by statement, so that a loop's sweeps may be fused (FusedLoops).
    List<List<Stmt>> forwards = new ArrayList<>();
    List<List<Stmt>> reverses = new ArrayList<>();
    Parts parts = sweep.block(body.body(), forwards, reverses);
    List<AdjointProgram.Adjoint> adjoints = new ArrayList<>();
    for (MethodIr.Parameter p : method.parameters()) {
      // A @NoGrad parameter reassigned from varied values carries them: it needs an adjoint, as a local
      // would, though it gets no gradient component.
      if (!p.differentiable() && activity.isVaried(p.name())) {
        adjoints.add(new AdjointProgram.Adjoint(p.variable(), adjointOf(p.variable())));
      }
    }
    for (Expr.Var local : body.locals()) {
      if (activity.isVaried(local.name())) {
        adjoints.add(new AdjointProgram.Adjoint(local, adjointOf(local)));
      }
    }
    // Fused sweeps declare the adjoints before the forward sweep, where a local array has no value yet: a local
    // array's adjoint is made right after the array is assigned, where it qualifies (LateArrayAdjoints).
    Set<String> lateArrays = new HashSet<>();
    boolean fusible = method.returnType() == Type.DOUBLE;
    for (AdjointProgram.Adjoint a : adjoints) {
      if (a.primal().type() != Type.DOUBLE) {
        fusible &= a.primal().type() instanceof Type.DoubleArray && body.locals().contains(a.primal());
        lateArrays.add(a.primal().name());
      }
    }
    FusedLoops.Fused fused = fusible
        ? FusedLoops.plan(body.body().statements(), forwards, reverses, sweep.fusion, method, lateArrays) : null;
    if (sweep.calls.registers()) {
      // callees' reverses return double adjoints in the registers of this method's double tape
      sweep.tapes.add(TapeKind.DOUBLES);
    }
    List<Expr.Var> locals = new ArrayList<>(body.locals());
    locals.addAll(sweep.onceRecords);
    locals.addAll(sweep.calls.states());
    locals.add(body.result());
    // after the reverse sweep the emitter reads the parameters' adjoints, nothing else
    Set<String> read = new HashSet<>();
    method.parameters().forEach(p -> read.add(AdjointProgram.adjointName(p.name())));
    return new AdjointProgram(method, locals, body.result(), sweep.counters, Stmt.Block.of(parts.forward),
        adjoints, Stmt.Block.of(DeadResets.pruned(parts.reverse, read)), sweep.tapes, sweep.consumesRecording,
        fused);
  }

  /** The forward and reverse parts of one statement. */
  record Parts(List<Stmt> forward, List<Stmt> reverse) {}

  /** {@code s}, which follows {@code previous} in its block (a loop's start may be assigned there). */
  Parts statement(Stmt previous, Stmt s) {
    if (s instanceof Stmt.While w) {
      loopStart = ReverseLoops.of(previous, w, reassigned);
    }
    return statement(s);
  }

  /** A block, with the forward and reverse part of each of its statements added to {@code forwards}, {@code reverses}. */
  private Parts block(Stmt.Block b, List<List<Stmt>> forwards, List<List<Stmt>> reverses) {
    List<Stmt> forward = new ArrayList<>();
    List<Stmt> reverse = new ArrayList<>();
    Stmt previous = null;
    for (Stmt x : b.statements()) {
      Parts p = statement(previous, x);
      forwards.add(p.forward);
      reverses.add(p.reverse);
      forward.addAll(p.forward);
      reverse.addAll(0, p.reverse);
      previous = x;
    }
    return new Parts(forward, reverse);
  }

  Parts statement(Stmt s) {
    if (s instanceof Stmt.Block b) {
      return block(b, new ArrayList<>(), new ArrayList<>());
    }
    if (s instanceof Stmt.Assign a) {
      return assignment(a);
    }
    if (s instanceof Stmt.Forward f) {
      // A throw or a print: the forward pass runs it, the reverse sweep never again.
      return new Parts(List.of(f), List.of());
    }
    if (s instanceof Stmt.If i) {
      return control.branch(i);
    }
    if (s instanceof Stmt.While w) {
      return control.loop(w);
    }
    throw new IllegalStateException("unexpected statement after lowering: " + s);
  }

  /**
   * The primal values already bound for {@code a} (by its recomputation) and those variables hold before it
   * ({@link HeldValues}), as a fresh memo.
   */
  private Map<Expr, Expr> knownValues(Stmt.Assign a) {
    Map<Expr, Expr> known = new HashMap<>(held.getOrDefault(a, Map.of()));
    known.putAll(prefixValues.getOrDefault(a, Map.of()));
    return known;
  }

  /**
   * The adjoint statements {@code propagate} builds for {@code a} from the values {@code known}; in a loop, with
   * the costly {@code Math} results they read kept on the tape ({@link KeptValues}): computed before the forward
   * statement at {@code forward[at]}, which reads them, and popped first by its {@code reverse}.
   */
  private List<Stmt> propagation(Stmt.Assign a, boolean restored, int at, List<Stmt> forward, List<Stmt> reverse,
      Map<Expr, Expr> known, Function<Map<Expr, Expr>, List<Stmt>> propagate) {
    if (firstPass || loopDepth == 0 || a.target().type() != Type.DOUBLE || calls.containsCallSite(a.value())
        || !(a.target() instanceof Expr.Var || restored) || forward.get(at) != a) {
      return propagate.apply(known);
    }
    KeptValues.Plan plan = KeptValues.of(a.value(), known, this::temp, propagate, a.origin());
    if (plan == null) {
      return propagate.apply(known);
    }
    tapes.add(TapeKind.DOUBLES);
    forward.set(at, new Stmt.Assign(a.target(), plan.value(), a.origin()));
    forward.addAll(at, plan.before());
    reverse.addAll(0, plan.pops());
    return plan.propagation();
  }

  /** Whether the forward sweep saves the value {@code a} overwrites (for its restore or exact undo). */
  private boolean saves(Stmt.Assign a) {
    Expr target = a.target();
    Expr.Var root = ExprWalk.root(target);
    return root != null && saved.contains(root.name())
        && (target instanceof Expr.Index ? elementWritten.contains(root.name()) : reassigned.contains(root.name()))
        && !(target instanceof Expr.Var && recomputed.contains(root.name()))
        && (firstPass || recorded.readBeforeOrAround(root.name(), recorded.position(a)));
  }

  /**
   * Whether, in the final pass, the reverse sweep gives the variable {@code v} the value the forward sweep gave it
   * before assignment {@code at} (or, with {@code after}, right after it) where it undoes {@code at} (before
   * {@code at}'s restore, for {@code after}): every assignment of {@code v} that can run between that point and
   * the end is restored or undone exactly ({@link HeldValues}); not for recomputed loop locals.
   */
  private boolean mirrored(String v, Stmt.Assign at, boolean after) {
    if (firstPass || recomputed.contains(v)) {
      return false;
    }
    for (Stmt.Assign q : recorded.assignmentsOf(v)) {
      boolean undone = q.target() instanceof Expr.Var x && (Inverses.of(x, q.value()) != null || saves(q));
      if (!undone && !recorded.strictlyBefore(q, at) && !(after && q == at && !recorded.inLoop(at))) {
        return false;
      }
    }
    return true;
  }

  private Parts assignment(Stmt.Assign a) {
    List<Stmt> forward = new ArrayList<>();
    List<Stmt> reverse = new ArrayList<>();
    Expr target = a.target();
    Expr.Var root = ExprWalk.root(target);
    boolean save = saves(a);
    Expr inverse = target instanceof Expr.Var v ? Inverses.of(v, a.value()) : null;
    if (save && inverse != null) {
      // i = i + c is undone exactly by i = i - c: nothing to store.
      Stmt undo = new Stmt.Assign(target, inverse, a.origin());
      inverses.add(undo);
      reverse.add(undo);
    } else if (save) {
      TapeKind tape = tapeFor(target.type());
      tapes.add(tape);
      forward.add(new Stmt.Save(tape, target, a.origin()));
      reverse.add(new Stmt.Restore(tape, keptSlot(target, root, forward, reverse, a.origin()), a.origin()));
      if (target instanceof Expr.Index || target.type() instanceof Type.DoubleArray) {
        consumesRecording = true;
      }
    }
    int at = forward.size();
    forward.add(a);
    boolean opened = root != null && activity.isVaried(root.name());
    if (opened) {
      calls.open(a, loopDepth > 0);
    }
    if (root != null && activity.isVaried(root.name())) {
      if (target.type() == Type.DOUBLE || target.type() == Type.TENSOR) {
        Expr adjoint = adjointOf(target);
        Expr zero = target.type() == Type.TENSOR ? new Expr.Literal("null", Type.TENSOR)
            : DerivativeRules.literal("0.0");
        if (target.type() == Type.DOUBLE && target instanceof Expr.Var v && a.value() instanceof Expr.Binary b
            && (b.op() == Expr.BinaryOp.ADD || b.op() == Expr.BinaryOp.SUB) && b.left().equals(v)
            && !ExprWalk.variables(b.right()).contains(v.name())) {
          // s = s ± e: the adjoint of the old s is the adjoint of the new one; only e receives.
          Expr g = b.op() == Expr.BinaryOp.ADD ? adjoint : neg(adjoint);
          reverse.addAll(propagation(a, save && inverse == null, at, forward, reverse, knownValues(a),
              known -> expressions.propagate(b.right(), g, known, a.origin())));
        } else if (activity.isActive(a.value())) {
          Expr.Var g = temp("_g", target.type());
          reverse.add(new Stmt.Declare(g, adjoint, a.origin()));
          reverse.add(new Stmt.Assign(adjoint, zero, a.origin()));
          Map<Expr, Expr> known = knownValues(a);
          // v = e for a mirrored v: before its restore, v holds e's value, which the partials may read
          Expr.Var result = target instanceof Expr.Var v && target.type() == Type.DOUBLE && !firstPass
              && (HeldValues.capturable(a.value()) || a.value() instanceof Expr.Call c && calls.recomputes(c))
              && mirrored(v.name(), a, true) ? temp("_r", Type.DOUBLE) : null;
          if (result != null) {
            known.put(a.value(), result);
          }
          List<Stmt> propagation = propagation(a, save && inverse == null, at, forward, reverse, known,
              memo -> expressions.propagate(a.value(), g, memo, a.origin()));
          if (result != null && HeldValues.reads(propagation, result)) {
            reverse.add(0, new Stmt.Declare(result, target, a.origin()));
          }
          if (target.type() == Type.TENSOR) {
            // A null tensor adjoint is zero: nothing flows back.
            reverse.add(new Stmt.If(new Expr.Binary(Expr.BinaryOp.NE, g, zero, Type.BOOLEAN),
                Stmt.Block.of(propagation), Stmt.Block.of(List.of()), a.origin()));
          } else {
            reverse.addAll(propagation);
          }
        } else {
          reverse.add(new Stmt.Assign(adjoint, zero, a.origin()));
        }
      } else if (target.type() instanceof Type.DoubleArray) {
        arrayAssignment(target, a.value(), reverse, a.origin());
      }
    }
    if (opened) {
      List<Stmt> pops = calls.pops();
      if (!pops.isEmpty()) {
        // The tapes of this statement's calls (and its ?: records), pushed by the forward statement after
        // the save of its target (and the kept slot of a self-indexed write): popped first, before the
        // restore pops what was pushed earlier, since a ?: record and a kept slot share the int tape.
        tapes.addAll(calls.tapes());
        reverse.addAll(0, pops);
      }
      if (calls.keepsTapes()) {
        if (calls.recordsCalls()) {
          // the callees record onto this method's tapes (emit.SharedTapes): all of them are declared
          tapes.addAll(EnumSet.allOf(TapeKind.class));
        }
        forward.set(at, new Stmt.Assign(a.target(), calls.forward(a.value()), a.origin()));
        List<Stmt> labelled = new ArrayList<>();
        comment(labelled, a.origin(), calls.keptLabel());
        forward.addAll(at, labelled);
      }
      if (calls.writesArrays()) {
        // A callee's reverse may write saved values back into the array it returned, which this method holds.
        consumesRecording = true;
      }
    }
    if (firstPass) {
      recorded.recordReads(reverse, recorded.position(a));
      for (String v : calls.reads()) {
        recorded.readAt(v, recorded.position(a));
      }
    }
    if (opened) {
      calls.close();
    }
    if (reverse.isEmpty()) {
      return new Parts(forward, reverse);
    }
    List<Stmt> commented = new ArrayList<>();
    comment(commented, a.origin(), null);
    commented.addAll(reverse);
    return new Parts(forward, commented);
  }

  /**
   * The element a restore writes back: {@code target} itself, except that an index reading the array being
   * written ({@code a[(int) a[0]] = v}) may read another value once the write is done, so the forward sweep
   * keeps the index it used (in a local outside loops, on the int tape inside them) and the restore uses it.
   */
  private Expr keptSlot(Expr target, Expr.Var root, List<Stmt> forward, List<Stmt> reverse, Origin origin) {
    if (!(target instanceof Expr.Index)) {
      return target;
    }
    List<Stmt> pops = new ArrayList<>();
    Expr kept = keptSlot(target, root.name(), forward, pops, origin);
    Collections.reverse(pops);
    reverse.addAll(pops);
    return kept;
  }

  private Expr keptSlot(Expr e, String array, List<Stmt> forward, List<Stmt> pops, Origin origin) {
    if (!(e instanceof Expr.Index i)) {
      return e;
    }
    Expr outer = keptSlot(i.array(), array, forward, pops, origin);
    Expr index = i.index();
    if (ExprWalk.variables(index).contains(array)) {
      Expr.Var slot = temp("_slot", Type.INT);
      if (loopDepth == 0) {
        onceRecords.add(slot);
        forward.add(forward.size() - 1, new Stmt.Assign(slot, index, origin));
      } else {
        tapes.add(TapeKind.INTS);
        // After the save: an int[] element's save is on the int tape too, and the restore pops the slot first.
        forward.add(new Stmt.Push(TapeKind.INTS, index, origin));
        pops.add(new Stmt.Declare(slot, new Expr.Pop(TapeKind.INTS, Type.INT), origin));
      }
      index = slot;
    }
    return outer == i.array() && index == i.index() ? e : new Expr.Index(outer, index, i.type());
  }

  /**
   * The reverse of {@code array = value} (a variable or a matrix row) for a fresh array value: route its
   * adjoint to what built it, then start the adjoint of the array held before from zero.
   */
  private void arrayAssignment(Expr array, Expr value, List<Stmt> reverse, Origin origin) {
    Expr adjoint = adjointOf(array);
    // null where the value may read the array held before; else routing first, then reusing the adjoint's storage
    Stmt recycle = AdjointRecycling.after(array, value, adjoint, reassigned, method, origin);
    if (recycle == null && (array instanceof Expr.Index || reassigned.contains(((Expr.Var) array).name()))) {
      // The value may read the array this variable held before (a = g(a)): take the new array's adjoint
      // first, and let the old one start from zero, before routing.
      Expr.Var taken = temp("_g", array.type());
      reverse.add(new Stmt.Declare(taken, adjoint, origin));
      reverse.add(new Stmt.Assign(adjoint, new Expr.Call(new Callee.Static(ARRAY_ADJOINTS, "zerosLike"),
          List.of(array), array.type()), origin));
      adjoint = taken;
    }
    if (value instanceof Expr.ArrayInit init) {
      arrayInitializer(init, adjoint, reverse, origin);
    } else if (value instanceof Expr.Clone c && c.array() instanceof Expr.Call call && activity.isActive(call)) {
      // f(x).clone(): the copy's adjoint is the call's.
      expressions.pullback(call, adjoint, reverse, new HashMap<>(), origin);
    } else if (value instanceof Expr.Clone c && !c.whole() && activity.isActive(c.array())) {
      // Arrays.copyOfRange(a, from, to): the copy's adjoint goes back to a[from..], none past a's end.
      reverse.add(new Stmt.Effect(new Expr.Call(new Callee.Static(ARRAY_ADJOINTS, "addRangeInto"),
          List.of(adjointOf(c.array()), c.start(), adjoint), Type.INT), origin));
    } else if (value instanceof Expr.Clone c && activity.isActive(c.array())) {
      reverse.add(addInto(adjointOf(c.array()), adjoint, origin));
    } else if ((value instanceof Expr.Var || value instanceof Expr.Index) && activity.isActive(value)) {
      reverse.add(addInto(adjointOf(calls.primal(value)), adjoint, origin));
    } else if (value instanceof Expr.Call c && activity.isActive(c) && recycle != null && !calls.recomputes(c)) {
      // zeroed right after the callee's reverse: given up to it, which may use it as its result's adjoint
      expressions.pullback(c, AdjointRecycling.donated(adjoint), reverse, new HashMap<>(), origin);
      reverse.add(AdjointRecycling.forgetDonation(origin));
    } else if (value instanceof Expr.Call c && activity.isActive(c)) {
      expressions.pullback(c, adjoint, reverse, new HashMap<>(), origin);
    } else if (value instanceof Expr.Component c && c.target() instanceof Expr.Call call
        && call.callee() instanceof Callee.GradientOf gradient && activity.isActive(c)) {
      expressions.nestedGradient(c, call, gradient.method(), adjoint, reverse, new HashMap<>(), origin);
    }
    if (recycle != null) {
      reverse.add(recycle);
    }
  }

  private void arrayInitializer(Expr.ArrayInit init, Expr adjoint, List<Stmt> reverse, Origin origin) {
    for (int k = 0; k < init.elements().size(); k++) {
      Expr element = init.elements().get(k);
      Expr elementAdjoint = new Expr.Index(adjoint, Expr.Literal.ofInt(k), element.type());
      if (element instanceof Expr.ArrayInit row) {
        arrayInitializer(row, elementAdjoint, reverse, origin);
      } else if (activity.isActive(element) && element.type() == Type.DOUBLE) {
        expressions.propagate(element, elementAdjoint, reverse, new HashMap<>(), origin);
      }
    }
  }

  static final String ARRAY_ADJOINTS = "dev.adjoint.runtime.ArrayAdjoints";

  static Stmt addInto(Expr target, Expr source, Origin origin) {
    return new Stmt.Effect(new Expr.Call(new Callee.Static(ARRAY_ADJOINTS, "addInto"), List.of(target, source),
        Type.INT), origin);
  }

  // ------------------------------------------------------------ names

  private static TapeKind tapeFor(Type type) {
    if (type == Type.DOUBLE) {
      return TapeKind.DOUBLES;
    }
    if (type instanceof Type.Scalar) {
      return TapeKind.INTS;
    }
    return TapeKind.REFS;
  }

  /** The adjoint of a variable or element: {@code x} → {@code _d_x}, {@code a[i]} → {@code _d_a[i]}. */
  static Expr adjointOf(Expr e) {
    if (e instanceof Expr.Var v) {
      return adjointOf(v);
    }
    if (e instanceof Expr.Index i) {
      return new Expr.Index(adjointOf(i.array()), i.index(), i.type());
    }
    throw new IllegalStateException("no adjoint for " + e);
  }

  static Expr.Var adjointOf(Expr.Var v) {
    return new Expr.Var(AdjointProgram.adjointName(v.name()), v.type());
  }

  private Expr.Var temp(String prefix, Type type) {
    return new Expr.Var(prefix + "$" + (++temps), type);
  }

  static void comment(List<Stmt> out, Origin origin, String what) {
    if (origin.line() > 0) {
      out.add(new Stmt.Comment(origin.label() + (what == null ? "" : " (" + what + ")"), origin));
    }
  }
}
