package dev.adjoint.processor.read;

import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Stmt;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates every call that is not known pure exactly once. The reverse sweep re-evaluates the
 * expressions of the statements it undoes (indices, partials), so a helper call left inside them would run
 * again there: a helper with a counter or a random generator would then see a different state. Every call
 * to a helper (a non-{@code @Differentiable} static method; {@code Math}'s integer functions are pure) in a
 * statement the reverse sweep reads is moved, in Java's evaluation order, into a fresh local ({@code _call$N})
 * assigned just before the statement; the reverse sweep then reads the stored value. A call that Java runs
 * only conditionally (in a branch of {@code ?:}, right of {@code &&} or {@code ||}) cannot be moved without
 * changing how often it runs: refused, with the local to write instead.
 *
 * <p>Conditions of {@code if} and loops are left in place: the forward sweep evaluates them once and the
 * reverse sweep replays the recorded branch and trip count. Assignments of {@code int}, {@code long} and
 * {@code boolean} variables too: the reverse sweep restores them and never re-evaluates their values.
 */
final class ImpureCalls {
  /** A refusal at a statement. */
  record Problem(Origin origin, String message) {}

  private final List<Problem> problems = new ArrayList<>();
  private final Map<Integer, Boolean> reported = new LinkedHashMap<>();
  private int next;

  private ImpureCalls() {}

  /** {@code body} with helper calls hoisted; problems for those that cannot be. */
  static Map.Entry<Stmt.Block, List<Problem>> apply(Stmt.Block body) {
    ImpureCalls pass = new ImpureCalls();
    Stmt.Block out = pass.block(body);
    return Map.entry(out, List.copyOf(pass.problems));
  }

  /** Whether {@code c} may have effects or depend on state (a helper other than {@code Math}'s). */
  static boolean impure(Expr.Call c) {
    return c.callee() instanceof Callee.Static s && !s.owner().equals("java.lang.Math")
        && !s.owner().equals("java.lang.StrictMath") && !s.owner().equals(Strings.RUNTIME)
        && !(s.owner().equals("java.lang.Double") && CallResolver.DOUBLE_TESTS.contains(s.name()));
  }

  private Stmt.Block block(Stmt.Block b) {
    return new Stmt.Block(list(b.statements()), b.origin());
  }

  private List<Stmt> list(List<Stmt> statements) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt s : statements) {
      statement(s, out);
    }
    return out;
  }

  private void statement(Stmt s, List<Stmt> out) {
    Map<Expr, Expr.Var> memo = new IdentityHashMap<>();
    if (s instanceof Stmt.Declare d && d.init() != null && rereadByReverse(d.variable())) {
      Expr init = hoist(d.init(), out, memo, d.origin(), false);
      out.add(new Stmt.Declare(d.variable(), init, d.origin()));
    } else if (s instanceof Stmt.Assign a && (a.target() instanceof Expr.Index || rereadByReverse(a.target()))) {
      // Java evaluates the target's array and index first, then the value.
      Expr target = hoist(a.target(), out, memo, a.origin(), false);
      Expr value = hoist(a.value(), out, memo, a.origin(), false);
      out.add(new Stmt.Assign(target, value, a.origin()));
    } else if (s instanceof Stmt.Return r) {
      out.add(new Stmt.Return(hoist(r.value(), out, memo, r.origin(), false), r.origin()));
    } else if (s instanceof Stmt.Block b) {
      out.add(block(b));
    } else if (s instanceof Stmt.If i) {
      out.add(new Stmt.If(i.condition(), block(i.then()), block(i.otherwise()), i.origin()));
    } else if (s instanceof Stmt.While w) {
      out.add(new Stmt.While(w.condition(), block(w.body()), w.origin()));
    } else if (s instanceof Stmt.DoWhile d) {
      out.add(new Stmt.DoWhile(block(d.body()), d.condition(), d.origin()));
    } else if (s instanceof Stmt.For f) {
      out.add(new Stmt.For(list(f.init()), f.condition(), list(f.update()), block(f.body()), f.origin()));
    } else {
      out.add(s);
    }
  }

  /** Whether the reverse sweep may evaluate the value assigned to {@code target} again. */
  private static boolean rereadByReverse(Expr target) {
    return target.type().differentiable();
  }

  /**
   * {@code e} with its impure calls replaced by fresh locals declared into {@code out}, innermost and
   * leftmost first (Java's order). {@code memo} maps a call node to its local, so that the one evaluation
   * of a compound assignment's target ({@code a[pick()] += v} reads and writes the same element) stays one.
   */
  private Expr hoist(Expr e, List<Stmt> out, Map<Expr, Expr.Var> memo, Origin origin, boolean conditional) {
    Expr.Var known = memo.get(e);
    if (known != null) {
      return known;
    }
    List<Expr> children = ExprWalk.children(e);
    List<Expr> rebuilt = new ArrayList<>();
    boolean changed = false;
    for (int k = 0; k < children.size(); k++) {
      Expr child = children.get(k);
      boolean onlySometimes = conditional
          || e instanceof Expr.Conditional && k > 0
          || e instanceof Expr.Binary b && k == 1 && (b.op() == Expr.BinaryOp.AND || b.op() == Expr.BinaryOp.OR);
      Expr h = hoist(child, out, memo, origin, onlySometimes);
      changed |= h != child;
      rebuilt.add(h);
    }
    Expr result = changed ? rebuild(e, rebuilt) : e;
    if (e instanceof Expr.Call c && impure(c)) {
      Callee.Static s = (Callee.Static) c.callee();
      String name = s.owner().substring(s.owner().lastIndexOf('.') + 1) + "." + s.name();
      if (conditional) {
        if (reported.putIfAbsent(origin.id(), true) == null) {
          problems.add(new Problem(origin, "the helper call " + name + "(...) is inside ?: or right of && or ||,"
              + " where it may not run, and Adjoint must run every helper call exactly once: call it in a"
              + " statement of its own first (" + c.type().java() + " k = " + s.name() + "(...);) or use if/else"));
        }
        return result;
      }
      Expr.Var local = new Expr.Var("_call$" + (++next), c.type());
      out.add(new Stmt.Declare(local, result, origin));
      memo.put(e, local);
      return local;
    }
    return result;
  }

  private static Expr rebuild(Expr e, List<Expr> c) {
    if (e instanceof Expr.Unary u) {
      return new Expr.Unary(u.op(), c.get(0), u.type());
    }
    if (e instanceof Expr.Binary b) {
      return new Expr.Binary(b.op(), c.get(0), c.get(1), b.type());
    }
    if (e instanceof Expr.Call call) {
      return new Expr.Call(call.callee(), c, call.type());
    }
    if (e instanceof Expr.Index i) {
      return new Expr.Index(c.get(0), c.get(1), i.type());
    }
    if (e instanceof Expr.Length) {
      return new Expr.Length(c.get(0));
    }
    if (e instanceof Expr.Conditional x) {
      return new Expr.Conditional(c.get(0), c.get(1), c.get(2), x.type());
    }
    if (e instanceof Expr.Cast x) {
      return new Expr.Cast(x.type(), c.get(0));
    }
    if (e instanceof Expr.NewArray n) {
      return new Expr.NewArray(n.type(), c);
    }
    if (e instanceof Expr.ArrayInit a) {
      return new Expr.ArrayInit(a.type(), c);
    }
    if (e instanceof Expr.Clone x) {
      return x.whole() ? new Expr.Clone(c.get(0)) : x.from() == null ? new Expr.Clone(c.get(0), null, c.get(1))
          : new Expr.Clone(c.get(0), c.get(1), c.get(2));
    }
    if (e instanceof Expr.Component x) {
      return new Expr.Component(c.get(0), x.name(), x.type());
    }
    throw new IllegalStateException("cannot rebuild " + e);
  }
}
