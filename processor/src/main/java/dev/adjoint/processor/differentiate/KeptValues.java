package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.TapeKind;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * In a loop, the results of costly {@code Math} calls inside a statement that the statement's reverse reads
 * (lstm's {@code Math.tanh(s[h + 1][i])} in {@code s[h][i] = outgate * Math.tanh(s[h + 1][i])}, whose partials are
 * {@code tanh} itself and {@code 1 - tanh²}) are computed once by the forward sweep, pushed on the double tape and
 * popped by the reverse, as a hand-written gradient stores them, instead of being computed again.
 *
 * <p>The forward sweep evaluates them just before the statement, in the order Java evaluates them. Exact only when
 * nothing that can throw is evaluated before them in the statement (only {@code java.lang.Math} calls, arithmetic
 * without integer division, casts, scalar variables and literals come first; the kept calls' arguments may index
 * arrays: {@code Math.tanh(x[i]) * y[i]} qualifies, {@code y[i] * Math.tanh(x[i])} does not) and, for an element
 * target, the element was just saved (the save has evaluated the target's array and index: the store cannot
 * throw after): then evaluating them first throws exactly what the statement would have thrown.
 */
final class KeptValues {
  private KeptValues() {}

  /** Cheap enough to compute again: not worth a tape entry. */
  private static final Set<String> CHEAP = Set.of("sqrt", "abs", "min", "max", "signum", "floor", "ceil", "rint",
      "round", "copySign", "fma", "toRadians", "toDegrees");

  /**
   * What a statement keeps: the statements the forward sweep runs before it, its value reading them, the pops its
   * reverse starts with, and the propagation built with them.
   */
  record Plan(List<Stmt> before, Expr value, List<Stmt> pops, List<Stmt> propagation) {}

  /**
   * The plan for {@code value}, or null when nothing is kept: {@code propagate} builds the reverse's propagation
   * from a memo of known values, run once with every candidate to see which the reverse reads, then with those.
   */
  static Plan of(Expr value, Map<Expr, Expr> known, BiFunction<String, Type, Expr.Var> temps,
      Function<Map<Expr, Expr>, List<Stmt>> propagate, Origin origin) {
    List<Expr.Call> candidates = new ArrayList<>();
    collect(value, candidates);
    candidates.removeIf(known::containsKey);
    if (candidates.isEmpty()) {
      return null;
    }
    Map<Expr.Call, Expr.Var> trial = new LinkedHashMap<>();
    Map<Expr, Expr> memo = new HashMap<>(known);
    for (Expr.Call c : candidates) {
      Expr.Var v = temps.apply(PREFIX, Type.DOUBLE);
      trial.put(c, v);
      memo.putIfAbsent(c, v);
    }
    List<Stmt> probe = propagate.apply(memo);
    List<Expr.Call> used = new ArrayList<>();
    trial.forEach((c, v) -> {
      if (HeldValues.reads(probe, v)) {
        used.add(c);
      }
    });
    if (used.isEmpty() || !exact(value, used)) {
      return null;
    }
    // forward: each kept call in evaluation order (inner ones first), reading the kept calls inside it
    Map<Expr, Expr> kept = new HashMap<>();
    List<Stmt> before = new ArrayList<>();
    List<Stmt> pops = new ArrayList<>();
    Map<Expr, Expr> memoKept = new HashMap<>(known);
    for (Expr.Call c : used) {
      // distinct names in the two sweeps: a fused iteration has both in one scope (fused)
      Expr.Var v = temps.apply(PREFIX, Type.DOUBLE);
      Expr.Var popped = temps.apply(PREFIX, Type.DOUBLE);
      before.add(new Stmt.Declare(v, HeldValues.replace(c, kept), origin));
      before.add(new Stmt.Push(TapeKind.DOUBLES, v, origin));
      pops.add(0, new Stmt.Declare(popped, new Expr.Pop(TapeKind.DOUBLES, Type.DOUBLE), origin));
      kept.put(c, v);
      memoKept.put(c, popped);
    }
    return new Plan(before, HeldValues.replace(value, kept), pops, propagate.apply(memoKept));
  }

  /**
   * In a fused iteration ({@link FusedLoops}), whose reverse runs right after its forward: the kept values are
   * read from the forward's variables, without the tape. Only when every kept push and pop is a statement of the
   * iteration itself (none in a branch), so that they pair up last-in first-out.
   */
  static void fused(List<Stmt> forward, List<Stmt> reverse) {
    List<Stmt.Push> pushes = new ArrayList<>();
    List<Stmt.Declare> pops = new ArrayList<>();
    int[] nested = {0};
    FusedLoops.walk(forward, s -> nested[0] += s instanceof Stmt.Push p && kept(p.value()) ? 1 : 0);
    FusedLoops.walk(reverse, s -> nested[0] += s instanceof Stmt.Declare d && kept(d.variable())
        && d.init() instanceof Expr.Pop ? 1 : 0);
    for (Stmt s : forward) {
      if (s instanceof Stmt.Push p && kept(p.value())) {
        pushes.add(p);
      }
    }
    for (Stmt s : reverse) {
      if (s instanceof Stmt.Declare d && kept(d.variable()) && d.init() instanceof Expr.Pop) {
        pops.add(d);
      }
    }
    if (pushes.isEmpty() || pushes.size() != pops.size() || nested[0] != 2 * pushes.size()) {
      return;
    }
    for (int k = 0; k < pushes.size(); k++) {
      Stmt.Push push = pushes.get(k);
      Stmt.Declare pop = pops.get(pops.size() - 1 - k);
      forward.remove(push);
      reverse.set(reverse.indexOf(pop), new Stmt.Declare(pop.variable(), push.value(), pop.origin()));
    }
  }

  private static final String PREFIX = "_k";

  private static boolean kept(Expr e) {
    return e instanceof Expr.Var v && v.name().startsWith(PREFIX + "$");
  }

  /**
   * The costly {@code Math} calls of {@code e}, inner ones first, in Java's evaluation order: only through
   * operators, casts and {@code Math} calls, which always evaluate their operands (not into a branch of
   * {@code ?:}, which may not run, nor into an index).
   */
  private static void collect(Expr e, List<Expr.Call> out) {
    if (!(e instanceof Expr.Binary b && b.op() != Expr.BinaryOp.AND && b.op() != Expr.BinaryOp.OR
        || e instanceof Expr.Unary || e instanceof Expr.Cast
        || e instanceof Expr.Call m && m.callee() instanceof Callee.MathFunction)) {
      return;
    }
    for (Expr child : ExprWalk.children(e)) {
      collect(child, out);
    }
    if (e instanceof Expr.Call c && c.callee() instanceof Callee.MathFunction f && c.type() == Type.DOUBLE
        && !CHEAP.contains(f.name()) && !out.contains(c)) {
      out.add(c);
    }
  }

  /**
   * Whether evaluating the {@code kept} calls first throws what {@code e} throws: in Java's evaluation order
   * (operands left to right, then the operation), nothing that can throw comes before the last kept call.
   */
  private static boolean exact(Expr e, List<Expr.Call> kept) {
    List<Boolean> events = new ArrayList<>();
    events(e, kept, events);
    int lastKept = events.lastIndexOf(Boolean.TRUE);
    return !events.subList(0, Math.max(lastKept, 0)).contains(Boolean.FALSE);
  }

  /** Appends, in evaluation order, TRUE for each kept call and FALSE for each operation that may throw. */
  private static void events(Expr e, List<Expr.Call> kept, List<Boolean> out) {
    if (kept.contains(e)) {
      out.add(Boolean.TRUE);
      return;
    }
    for (Expr child : ExprWalk.children(e)) {
      events(child, kept, out);
    }
    boolean safe = e instanceof Expr.Literal || e instanceof Expr.Var && e.type() instanceof Type.Scalar
        || e instanceof Expr.Unary || e instanceof Expr.Cast
        || e instanceof Expr.Binary b && !((b.op() == Expr.BinaryOp.DIV || b.op() == Expr.BinaryOp.REM)
            && b.type() != Type.DOUBLE)
        || e instanceof Expr.Call c && c.callee() instanceof Callee.MathFunction && c.type() == Type.DOUBLE;
    if (!safe) {
      out.add(Boolean.FALSE);
    }
  }

}
