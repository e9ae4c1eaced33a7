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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Run-time checkpointing of a loop outside all other loops (binomial checkpointing, see the runtime's
 * {@code Checkpoints} and {@code BinomialSchedule}). The loop's sweeps are wrapped, with no annotation in the source:
 *
 * <pre>{@code
 * _checkpoints$1 = null;                            // made only once the recording passes the budget
 * long _limit$1 = Checkpoints.limit(_doubles, _ints, null, null);
 * while (condition) {
 *   if (_checkpoints$1 == null) { _checkpoints$1 = Checkpoints.past(_limit$1, _trips$1, _doubles, _ints, null, null); }
 *   if (_checkpoints$1 == null) { recording body; _trips$1++; }
 *   else { if (_checkpoints$1.snapshotDue(_trips$1)) { _checkpoints$1.put(x); ... } original body; _trips$1++; }
 * }
 * ...
 * int _pass$1 = 0;                                  // static forms: null checkpoints reverse every iteration at once
 * while (Checkpoints.next(_checkpoints$1, _pass$1, _trips$1)) {  // the binomial schedule's actions
 *   if (restoring()) { x = getDouble(); ... }
 *   original body advancing() times; if (taking()) { put(x); ... }
 *   recording body replaying() times; reverse body reversing() times; reversed(); _pass$1++;
 * }
 * }</pre>
 *
 * Until the recording passes the budget this is store-all with one extra test per iteration. A loop whose
 * iterations record nothing (its reverse needs no stored values) is left as it is. The state a
 * snapshot keeps is every variable the loop writes and every variable it reads that a later statement
 * writes, arrays with their elements; replays run no {@code throw} or print again. A loop is left
 * store-all when replaying it could differ from the first run (a call to a helper that may have effects or
 * state) or its state holds a type the snapshots do not know (tensors).
 */
final class Checkpointing {
  static final String RUNTIME_CLASS = "dev.adjoint.runtime.Checkpoints";
  private static final Type CHECKPOINTS = new Type.Named(RUNTIME_CLASS);
  /** Classes whose static methods called in a loop are deterministic and have no effect on other state. */
  private static final Set<String> PURE_OWNERS = Set.of("java.lang.Math", "java.lang.StrictMath", "java.lang.Double",
      "java.lang.Integer", "java.lang.Long", "java.lang.Boolean", "java.util.Arrays", "java.lang.System");

  /** The wrapped sweeps of one loop, and the variable holding its checkpoints (a hoisted local). */
  record Plan(List<Stmt> forward, List<Stmt> reverse, Expr.Var checkpoints, boolean copiesArrays) {}

  private Checkpointing() {}

  /**
   * The checkpointed sweeps of {@code loop}, or null when it stays store-all.
   *
   * @param methodBody the structured body the loop belongs to (to find what later statements write)
   * @param hoisted names of the parameters and hoisted locals (only they live across iterations)
   * @param recordingBody the loop body's recording forward part, without the trip count's increment
   * @param reverseBody the reverse part of one iteration
   * @param trips the loop's trip counter (a local outside all loops)
   * @param closedTrips the trip count in closed form where the reverse sweep starts the loop (a counted loop's
   *     {@code i - start}, {@link ReverseLoops}), or null: then the reverse sweep reads {@code trips}
   */
  static Plan plan(Stmt.Block methodBody, Set<String> hoisted, Stmt.While loop, List<Stmt> recordingBody,
      List<Stmt> reverseBody, Expr.Var trips, Expr closedTrips) {
    if (tapesOf(recordingBody).isEmpty()) {
      return null; // nothing recorded per iteration: nothing to save memory on
    }
    Map<String, Expr.Var> written = new LinkedHashMap<>();
    Map<String, Expr.Var> read = new LinkedHashMap<>();
    boolean[] replayable = {true};
    scan(loop, written, read, replayable);
    if (!replayable[0]) {
      return null;
    }
    Map<String, Expr.Var> writtenLater = new LinkedHashMap<>();
    writtenAfter(methodBody, loop, writtenLater, new boolean[] {false});
    Map<String, Expr.Var> state = new LinkedHashMap<>();
    written.forEach((name, v) -> {
      if (hoisted.contains(name)) {
        state.put(name, v);
      }
    });
    read.forEach((name, v) -> {
      if (hoisted.contains(name) && writtenLater.containsKey(name)) {
        state.putIfAbsent(name, v);
      }
    });
    boolean arrays = false;
    for (Expr.Var v : state.values()) {
      if (getter(v.type()) == null) {
        return null;
      }
      arrays |= !(v.type() instanceof Type.Scalar);
    }
    String id = trips.name().substring(trips.name().indexOf('$') + 1);
    Expr.Var cp = new Expr.Var("_checkpoints$" + id, CHECKPOINTS);
    Origin origin = loop.origin();
    return new Plan(forward(loop, recordingBody, trips, cp, state.values(), origin),
        reverse(loop, recordingBody, reverseBody, trips, closedTrips, cp, state.values(), id, origin), cp, arrays);
  }

  private static List<Stmt> forward(Stmt.While loop, List<Stmt> recordingBody, Expr.Var trips, Expr.Var cp,
      Iterable<Expr.Var> state, Origin origin) {
    Set<TapeKind> tapes = tapesOf(recordingBody);
    List<Expr> tapeArgs = new ArrayList<>();
    for (TapeKind t : List.of(TapeKind.DOUBLES, TapeKind.INTS, TapeKind.REFS)) {
      Type type = new Type.Named(t.runtimeClass);
      tapeArgs.add(tapes.contains(t) ? new Expr.Var(t.variable, type) : new Expr.Literal("null", type));
    }
    Stmt increment = new Stmt.Assign(trips, new Expr.Binary(Expr.BinaryOp.ADD, trips, Expr.Literal.ofInt(1), Type.INT),
        origin);
    List<Stmt> recording = new ArrayList<>(recordingBody);
    recording.add(increment);
    List<Stmt> snapshot = new ArrayList<>();
    for (Expr.Var v : state) {
      snapshot.add(new Stmt.Effect(member(cp, "put", Type.BOOLEAN, v), origin));
    }
    List<Stmt> plain = new ArrayList<>();
    plain.add(new Stmt.If(member(cp, "snapshotDue", Type.BOOLEAN, trips), Stmt.Block.of(snapshot),
        Stmt.Block.of(List.of()), origin));
    plain.addAll(loop.body().statements());
    plain.add(increment);
    // No Checkpoints object until the recording passes the budget: a loop within it allocates nothing for it
    // (recursion starts one loop per call).
    Expr.Var limit = new Expr.Var("_limit$" + trips.name().substring(trips.name().indexOf('$') + 1), Type.LONG);
    Expr isNull = new Expr.Binary(Expr.BinaryOp.EQ, cp, new Expr.Literal("null", CHECKPOINTS), Type.BOOLEAN);
    List<Expr> pastArgs = new ArrayList<>(List.of(limit, trips));
    pastArgs.addAll(tapeArgs);
    Stmt decide = new Stmt.If(isNull, Stmt.Block.of(List.of(new Stmt.Assign(cp,
        new Expr.Call(new Callee.Static(RUNTIME_CLASS, "past"), pastArgs, CHECKPOINTS), origin))),
        Stmt.Block.of(List.of()), origin);
    Stmt body = new Stmt.If(isNull, Stmt.Block.of(recording), Stmt.Block.of(plain), origin);
    return List.of(
        new Stmt.Comment("checkpointed once its recording passes the budget (Checkpoints)", origin),
        new Stmt.Assign(cp, new Expr.Literal("null", CHECKPOINTS), origin),
        new Stmt.Declare(limit, new Expr.Call(new Callee.Static(RUNTIME_CLASS, "limit"), tapeArgs, Type.LONG),
            origin),
        new Stmt.Assign(trips, Expr.Literal.ofInt(0), origin),
        new Stmt.While(loop.condition(), Stmt.Block.of(List.of(decide, body)), origin));
  }

  private static List<Stmt> reverse(Stmt.While loop, List<Stmt> recordingBody, List<Stmt> reverseBody,
      Expr.Var recorded, Expr closedTrips, Expr.Var cp, Iterable<Expr.Var> state, String id, Origin origin) {
    // In closed form the trip count is computed where the reverse starts (the replays move the counter), so the
    // forward's count is no end state to keep.
    Expr.Var trips = closedTrips == null ? recorded : new Expr.Var("_reversed$" + id, Type.INT);
    Expr.Var count = new Expr.Var("_count$" + id, Type.INT);
    Expr.Var pass = new Expr.Var("_pass$" + id, Type.INT);
    List<Stmt> restore = new ArrayList<>();
    List<Stmt> snapshot = new ArrayList<>();
    for (Expr.Var v : state) {
      restore.add(new Stmt.Assign(v, member(cp, getter(v.type()), v.type()), origin));
      snapshot.add(new Stmt.Effect(member(cp, "put", Type.BOOLEAN, v), origin));
    }
    Stmt.Block none = Stmt.Block.of(List.of());
    // The static forms take the null checkpoints of a loop that stayed within its budget: one action, reversing all.
    List<Stmt> action = List.of(
        new Stmt.If(onNull(cp, "restoring", Type.BOOLEAN), Stmt.Block.of(restore), none, origin),
        new Stmt.Declare(count, onNull(cp, "advancing", Type.INT), origin),
        new Stmt.CountDown("_advance$" + id, count, Stmt.Block.of(withoutForwardOnly(loop.body().statements())),
            origin),
        new Stmt.If(onNull(cp, "taking", Type.BOOLEAN), Stmt.Block.of(snapshot), none, origin),
        new Stmt.Assign(count, onNull(cp, "replaying", Type.INT), origin),
        new Stmt.CountDown("_replay$" + id, count, Stmt.Block.of(withoutForwardOnly(recordingBody)), origin),
        new Stmt.Assign(count, onNull(cp, "reversing", Type.INT, trips), origin),
        new Stmt.CountDown("_iteration$" + id, count, Stmt.Block.of(reverseBody), origin),
        new Stmt.Effect(onNull(cp, "reversed", Type.BOOLEAN), origin),
        new Stmt.Assign(pass, new Expr.Binary(Expr.BinaryOp.ADD, pass, Expr.Literal.ofInt(1), Type.INT), origin));
    List<Stmt> reverse = new ArrayList<>(List.of(
        new Stmt.Comment("loop, iterations in reverse order; checkpointed segments restored, advanced and replayed"
            + " as the binomial schedule says", origin),
        new Stmt.Declare(pass, Expr.Literal.ofInt(0), origin)));
    if (closedTrips != null) {
      reverse.add(new Stmt.Declare(trips, closedTrips, origin));
    }
    reverse.add(new Stmt.While(onNull(cp, "next", Type.BOOLEAN, pass, trips), Stmt.Block.of(action), origin));
    return reverse;
  }

  /** {@code Checkpoints.name(cp, args)}: the runtime's static form that takes null checkpoints. */
  private static Expr.Call onNull(Expr.Var cp, String name, Type type, Expr... args) {
    List<Expr> all = new ArrayList<>();
    all.add(cp);
    all.addAll(List.of(args));
    return new Expr.Call(new Callee.Static(RUNTIME_CLASS, name), all, type);
  }

  private static Expr.Call member(Expr.Var cp, String name, Type type, Expr... args) {
    List<Expr> all = new ArrayList<>();
    all.add(cp);
    all.addAll(List.of(args));
    return new Expr.Call(new Callee.TapeMember(name), all, type);
  }

  /** The {@code Checkpoints} method that reads a snapshot value of {@code type} back, or null if none does. */
  private static String getter(Type type) {
    if (type == Type.DOUBLE) {
      return "getDouble";
    }
    if (type == Type.INT) {
      return "getInt";
    }
    if (type == Type.LONG) {
      return "getLong";
    }
    if (type == Type.BOOLEAN) {
      return "getBoolean";
    }
    if (type == Type.VECTOR) {
      return "getDoubles";
    }
    if (type == Type.MATRIX) {
      return "getMatrix";
    }
    if (type instanceof Type.IntArray a) {
      return a.element() == Type.INT ? "getInts" : a.element() == Type.BOOLEAN ? "getBooleans" : null;
    }
    return null;
  }

  /** The variables {@code s} writes (roots of element writes included) and reads; whether a replay is exact. */
  private static void scan(Stmt s, Map<String, Expr.Var> written, Map<String, Expr.Var> read, boolean[] replayable) {
    Consumer<Expr> reads = e -> ExprWalk.visit(e, x -> {
      if (x instanceof Expr.Var v) {
        read.putIfAbsent(v.name(), v);
        if (v.type() == Type.TENSOR) {
          replayable[0] = false;
        }
      } else if (x instanceof Expr.Call c && !deterministic(c.callee())) {
        replayable[0] = false;
      } else if (!(x instanceof Expr.Call) && x.type() == Type.TENSOR) {
        replayable[0] = false;
      }
    });
    if (s instanceof Stmt.Block b) {
      for (Stmt x : b.statements()) {
        scan(x, written, read, replayable);
      }
    } else if (s instanceof Stmt.Assign a) {
      Expr.Var root = ExprWalk.root(a.target());
      if (root != null) {
        written.putIfAbsent(root.name(), root);
      } else {
        replayable[0] = false;
      }
      reads.accept(a.target());
      reads.accept(a.value());
    } else if (s instanceof Stmt.Declare d) {
      if (d.init() != null) {
        reads.accept(d.init());
      }
    } else if (s instanceof Stmt.If i) {
      reads.accept(i.condition());
      scan(i.then(), written, read, replayable);
      scan(i.otherwise(), written, read, replayable);
    } else if (s instanceof Stmt.While w) {
      reads.accept(w.condition());
      scan(w.body(), written, read, replayable);
    } else if (s instanceof Stmt.Forward f) {
      f.holes().forEach(reads);
    } else if (s instanceof Stmt.Effect e) {
      reads.accept(e.call());
      replayable[0] = false;
    } else if (!(s instanceof Stmt.Comment)) {
      replayable[0] = false;
    }
  }

  private static boolean deterministic(Callee callee) {
    if (callee instanceof Callee.Static st) {
      return PURE_OWNERS.contains(st.owner()) || st.owner().startsWith("dev.adjoint.runtime.");
    }
    return callee instanceof Callee.MathFunction || callee instanceof Callee.DifferentiableMethod
        || callee instanceof Callee.Custom || callee instanceof Callee.GradientOf;
  }

  /** Roots written by statements that come after {@code loop} in program order. */
  private static void writtenAfter(Stmt s, Stmt.While loop, Map<String, Expr.Var> out, boolean[] after) {
    if (s == loop) {
      after[0] = true;
      return;
    }
    if (s instanceof Stmt.Block b) {
      for (Stmt x : b.statements()) {
        writtenAfter(x, loop, out, after);
      }
    } else if (s instanceof Stmt.If i) {
      writtenAfter(i.then(), loop, out, after);
      writtenAfter(i.otherwise(), loop, out, after);
    } else if (s instanceof Stmt.While w) {
      writtenAfter(w.body(), loop, out, after);
    } else if (s instanceof Stmt.Assign a && after[0]) {
      Expr.Var root = ExprWalk.root(a.target());
      if (root != null) {
        out.putIfAbsent(root.name(), root);
      }
    }
  }

  /** The tapes a recording body pushes onto. */
  private static Set<TapeKind> tapesOf(List<Stmt> statements) {
    Set<TapeKind> tapes = EnumSet.noneOf(TapeKind.class);
    Consumer<Expr> pushes = e -> ExprWalk.visit(e, x -> {
      if (x instanceof Expr.Recorded) {
        // the callee records onto every tape of the caller (emit.SharedTapes): each replay must end them all
        tapes.addAll(EnumSet.allOf(TapeKind.class));
      } else if (x instanceof Expr.Decided d && d.pushed()) {
        tapes.add(TapeKind.INTS);
      }
    });
    for (Stmt s : statements) {
      walk(s, x -> {
        if (x instanceof Stmt.Push p) {
          tapes.add(p.tape());
          pushes.accept(p.value());
        } else if (x instanceof Stmt.Save v) {
          tapes.add(v.tape());
        } else if (x instanceof Stmt.Assign a) {
          pushes.accept(a.target());
          pushes.accept(a.value());
        } else if (x instanceof Stmt.If i) {
          pushes.accept(i.condition());
        } else if (x instanceof Stmt.While w) {
          pushes.accept(w.condition());
        } else if (x instanceof Stmt.Declare d && d.init() != null) {
          pushes.accept(d.init());
        } else if (x instanceof Stmt.Effect e) {
          pushes.accept(e.call());
        }
      });
    }
    return tapes;
  }

  private static void walk(Stmt s, Consumer<Stmt> visitor) {
    visitor.accept(s);
    if (s instanceof Stmt.Block b) {
      b.statements().forEach(x -> walk(x, visitor));
    } else if (s instanceof Stmt.If i) {
      walk(i.then(), visitor);
      walk(i.otherwise(), visitor);
    } else if (s instanceof Stmt.While w) {
      walk(w.body(), visitor);
    } else if (s instanceof Stmt.CountDown c) {
      walk(c.body(), visitor);
    }
  }

  /** {@code statements} without {@code throw} and print ({@link Stmt.Forward}): a replay runs them no more. */
  private static List<Stmt> withoutForwardOnly(List<Stmt> statements) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt s : statements) {
      if (s instanceof Stmt.Forward) {
        continue;
      }
      if (s instanceof Stmt.Block b) {
        out.add(new Stmt.Block(withoutForwardOnly(b.statements()), b.origin()));
      } else if (s instanceof Stmt.If i) {
        out.add(new Stmt.If(i.condition(), new Stmt.Block(withoutForwardOnly(i.then().statements()), i.then().origin()),
            new Stmt.Block(withoutForwardOnly(i.otherwise().statements()), i.otherwise().origin()), i.origin()));
      } else if (s instanceof Stmt.While w) {
        out.add(new Stmt.While(w.condition(), new Stmt.Block(withoutForwardOnly(w.body().statements()),
            w.body().origin()), w.origin()));
      } else {
        out.add(s);
      }
    }
    return out;
  }
}
