package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.TapeKind;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The split-mode call boundary: how a call to another differentiated method is evaluated once.
 *
 * <p>The caller's forward sweep calls the callee's augmented forward {@code C.m$record(args)}, which runs
 * the callee's forward sweep once and returns the callee's tape (its result and what its reverse needs).
 * The caller keeps that tape in a local ({@code _call$k}) when the call is outside loops, else pushes it on
 * {@link TapeKind#CALLS} and pops it back into the local at the start of the statement's reverse. The
 * reverse sweep reads the call's value as {@code _call$k.result$()} and runs the callee's reverse as
 * {@code _call$k.reverse$(upstream, adjoints...)}: the callee accumulates straight into the caller's
 * adjoint arrays of its array arguments and returns the gradient record for the rest. So a call costs
 * O(1) beyond what the callee itself stores, and recursion is linear.
 *
 * <p>What the callee's reverse reads must still hold its call-time contents when it runs: its array
 * arguments and, for an array result, the array it returned (which the caller may write into). Both are
 * reported as reads of the call's statement to the to-be-recorded analysis, so that later writes into
 * them are saved and undone before the callee's reverse, as for any other statement.
 *
 * <p>Calls under a {@code ?:} inside a loop have no fixed place on the call tape; they keep the fused
 * path ({@code C.mVjp(args..., upstream)} in the reverse sweep, which reruns the callee).
 */
final class CallBoundary {
  /** One call of the statement being differentiated. */
  private static final class Site {
    final Expr.Call call;
    final Expr.Var state;
    final boolean pushed;
    /** Whether the reverse sweep reads the call's value or runs its reverse: only then is its tape kept. */
    boolean used;

    Site(Expr.Call call, Expr.Var state, boolean pushed) {
      this.call = call;
      this.state = state;
      this.pushed = pushed;
    }
  }

  /** The calls of the current statement, by identity, in evaluation order. */
  private final Map<Expr.Call, Site> sites = new IdentityHashMap<>();
  private final List<Site> order = new ArrayList<>();
  /** The locals that hold kept tapes: hoisted with the other locals of the sweep. */
  private final List<Expr.Var> states = new ArrayList<>();
  /** Variables the current statement's callee reverses read (arguments, returned arrays). */
  private final List<String> reads = new ArrayList<>();
  private Stmt.Assign statement;
  private int count;

  /** Forgets everything, for the second pass of the sweep. */
  void reset() {
    sites.clear();
    order.clear();
    states.clear();
    reads.clear();
    statement = null;
    count = 0;
  }

  /** The locals holding kept tapes. */
  List<Expr.Var> states() {
    return states;
  }

  /** Opens the calls of {@code a}'s value as sites; {@code inLoop}: their tapes go on the call tape. */
  void open(Stmt.Assign a, boolean inLoop) {
    statement = a;
    collect(a.value(), inLoop);
  }

  private void collect(Expr e, boolean inLoop) {
    if (e instanceof Expr.Conditional && inLoop) {
      return;
    }
    for (Expr child : ExprWalk.children(e)) {
      collect(child, inLoop);
    }
    if (e instanceof Expr.Call c && c.callee() instanceof Callee.DifferentiableMethod m) {
      Type tape = new Type.Named(m.companion() + "." + m.capitalized() + "Tape");
      Site site = new Site(c, new Expr.Var("_call$" + (++count), tape), inLoop);
      sites.put(c, site);
      order.add(site);
    }
  }

  /** Whether {@code e} contains a call of the current statement (whose value must come from its tape). */
  boolean containsSite(Expr e) {
    if (sites.isEmpty()) {
      return false;
    }
    boolean[] found = {false};
    ExprWalk.visit(e, x -> found[0] |= x instanceof Expr.Call c && sites.containsKey(c));
    return found[0];
  }

  /** {@code _call$k.result$()} when {@code e} is a call of the current statement, else null. */
  Expr result(Expr e) {
    Site site = e instanceof Expr.Call c ? sites.get(c) : null;
    if (site == null) {
      return null;
    }
    site.used = true;
    return new Expr.Call(new Callee.TapeMember("result$"), List.of(site.state), e.type());
  }

  /** {@code e} with every call of the current statement replaced by the value its tape kept. */
  Expr primal(Expr e) {
    if (!containsSite(e)) {
      return e;
    }
    Expr r = result(e);
    if (r != null) {
      return r;
    }
    return rebuild(e, this::primal);
  }

  /**
   * The callee's reverse for a call of the current statement with upstream {@code g}, or null when the
   * call is not a site (then the caller uses the fused path):
   * {@code _call$k.reverse$(g, adjoints of the differentiable array arguments...)}, returning the gradient
   * record ({@code gradient}) whose scalar and tensor components the caller routes on.
   */
  Expr.Call reverse(Expr.Call call, Expr g, Type gradient, Predicate<Expr> active) {
    Site site = sites.get(call);
    if (site == null) {
      return null;
    }
    site.used = true;
    Callee.DifferentiableMethod m = (Callee.DifferentiableMethod) call.callee();
    List<Expr> args = new ArrayList<>(List.of(site.state, g));
    for (int k = 0; k < call.args().size(); k++) {
      Expr arg = call.args().get(k);
      Type type = m.parameterTypes().get(k);
      if (type instanceof Type.DoubleArray && m.gradientComponents().get(k) != null) {
        // The callee accumulates into the caller's adjoint (a fresh zero array when nothing needs it).
        args.add(active.test(arg) ? ReverseSweep.adjointOf(arg) : new Expr.Literal("null", type));
      }
      if (type instanceof Type.DoubleArray || type instanceof Type.IntArray) {
        reads.addAll(ExprWalk.variables(arg));
      }
    }
    if (call.type() instanceof Type.DoubleArray && statement.value() == call) {
      Expr.Var holder = ExprWalk.root(statement.target());
      if (holder != null) {
        reads.add(holder.name());
      }
    }
    return new Expr.Call(new Callee.TapeMember("reverse$"), args, gradient);
  }

  /** The variables the current statement's callee reverses read, for the to-be-recorded analysis. */
  List<String> reads() {
    return reads;
  }

  /** Whether a kept site returns an array the callee's reverse may write back into. */
  boolean writesArrays() {
    return order.stream().anyMatch(s -> s.used && s.call.type() instanceof Type.DoubleArray);
  }

  /**
   * The reverse statements that pop the pushed tapes of the current statement, last pushed first:
   * placed at the start of the statement's reverse.
   */
  List<Stmt> pops() {
    List<Stmt> out = new ArrayList<>();
    for (int k = order.size() - 1; k >= 0; k--) {
      Site s = order.get(k);
      if (s.used && s.pushed) {
        out.add(new Stmt.Assign(s.state, new Expr.Pop(TapeKind.CALLS, s.state.type()), statement.origin()));
      }
    }
    return out;
  }

  /** The forward value of the current statement: every kept call through its augmented forward. */
  Expr forward(Expr value) {
    if (order.stream().noneMatch(s -> s.used)) {
      return value;
    }
    return recorded(value);
  }

  private Expr recorded(Expr e) {
    Expr rebuilt = rebuild(e, this::recorded);
    Site site = e instanceof Expr.Call c ? sites.get(c) : null;
    if (site != null && site.used) {
      return new Expr.Recorded((Expr.Call) rebuilt, site.state, site.pushed);
    }
    return rebuilt;
  }

  /** Whether the current statement keeps a callee's tape. */
  boolean keepsTapes() {
    return order.stream().anyMatch(s -> s.used);
  }

  /** Whether the current statement pushes a callee's tape. */
  boolean pushes() {
    return order.stream().anyMatch(s -> s.used && s.pushed);
  }

  /** Closes the current statement: the locals of its kept tapes are hoisted. */
  void close() {
    for (Site s : order) {
      if (s.used && !states.contains(s.state)) {
        states.add(s.state);
      }
    }
    sites.clear();
    order.clear();
    reads.clear();
    statement = null;
  }

  /** {@code e} with its direct subexpressions mapped by {@code f} (the same node when none changes). */
  private static Expr rebuild(Expr e, UnaryOperator<Expr> f) {
    if (e instanceof Expr.Unary u) {
      return new Expr.Unary(u.op(), f.apply(u.operand()), u.type());
    }
    if (e instanceof Expr.Binary b) {
      return new Expr.Binary(b.op(), f.apply(b.left()), f.apply(b.right()), b.type());
    }
    if (e instanceof Expr.Call c) {
      return new Expr.Call(c.callee(), c.args().stream().map(f).toList(), c.type());
    }
    if (e instanceof Expr.Index i) {
      return new Expr.Index(f.apply(i.array()), f.apply(i.index()), i.type());
    }
    if (e instanceof Expr.Length l) {
      return new Expr.Length(f.apply(l.array()));
    }
    if (e instanceof Expr.Conditional c) {
      return new Expr.Conditional(f.apply(c.condition()), f.apply(c.whenTrue()), f.apply(c.whenFalse()), c.type());
    }
    if (e instanceof Expr.Cast c) {
      return new Expr.Cast(c.type(), f.apply(c.operand()));
    }
    if (e instanceof Expr.NewArray n) {
      return new Expr.NewArray(n.type(), n.dimensions().stream().map(f).toList());
    }
    if (e instanceof Expr.ArrayInit a) {
      return new Expr.ArrayInit(a.type(), a.elements().stream().map(f).toList());
    }
    if (e instanceof Expr.Clone c) {
      return new Expr.Clone(f.apply(c.array()));
    }
    return e;
  }
}
