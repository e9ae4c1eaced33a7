package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * Values the reverse sweep reads from the variables that hold them instead of computing them again (ba's
 * {@code cos = Math.cos(theta); sin = Math.sin(theta);}: the partial of {@code sin} is {@code cos}, already held).
 *
 * <p>A forward scan over the structured body finds, before each assignment, the scalar expressions whose values
 * variables hold there ({@code v = e} makes {@code v} hold {@code e} until {@code v} or a variable {@code e} reads
 * is assigned again). Only for variables the reverse sweep <em>mirrors</em>: at the reverse of every statement they
 * have the value the forward sweep gave them there (every assignment restored or undone exactly, or assigned once
 * outside loops; {@link ReverseSweep}). Partials are evaluated on that restored state, so reading {@code v} there
 * gives the value of {@code e} bit for bit. Conservative: only expressions of scalar variables, literals,
 * operators, casts and {@code Math} functions (no array element can change behind an alias); a loop body starts
 * from what its body does not assign; after an {@code if} only what both branches keep; anything else forgets all.
 */
final class HeldValues {
  private HeldValues() {}

  /** Before each assignment of {@code body}: the expressions held, mapped to the variables holding them. */
  static Map<Stmt, Map<Expr, Expr>> before(Stmt body, BiPredicate<String, Stmt.Assign> mirrored) {
    Map<Stmt, Map<Expr, Expr>> out = new IdentityHashMap<>();
    walk(body, new HashMap<>(), out, mirrored);
    return out;
  }

  /**
   * Whether the reverse may take the value of {@code e} from a variable rather than compute it: a scalar
   * expression (not a leaf) of scalar variables, literals, operators, casts and {@code Math} functions.
   */
  static boolean reusable(Expr e) {
    if (e.type() != Type.DOUBLE || e instanceof Expr.Var || e instanceof Expr.Literal) {
      return false;
    }
    boolean[] ok = {true};
    ExprWalk.visit(e, x -> ok[0] &= x instanceof Expr.Literal
        || x instanceof Expr.Var && x.type() instanceof Type.Scalar
        || x instanceof Expr.Unary || x instanceof Expr.Binary || x instanceof Expr.Cast
        || x instanceof Expr.Call c && c.callee() instanceof Callee.MathFunction);
    return ok[0];
  }

  /**
   * Whether the reverse of {@code v = e} may take {@code e}'s value from {@code v} before restoring it: a
   * {@code double} expression (not a variable or literal) with no call but {@code Math} functions. Array elements
   * may be read: {@code v} holds the value the forward sweep computed, whatever happened to them since.
   */
  static boolean capturable(Expr e) {
    return e.type() == Type.DOUBLE && !(e instanceof Expr.Var || e instanceof Expr.Literal || e instanceof Expr.Index)
        && callsOnlyMath(e);
  }

  private static void walk(Stmt s, Map<Expr, Expr.Var> held, Map<Stmt, Map<Expr, Expr>> out,
      BiPredicate<String, Stmt.Assign> mirrored) {
    if (s instanceof Stmt.Assign a) {
      Map<Expr, Expr> here = new HashMap<>();
      held.forEach((e, v) -> {
        if (mirrored.test(v.name(), a)) {
          here.put(e, v);
        }
      });
      if (!here.isEmpty()) {
        out.put(a, here);
      }
      Expr.Var root = ExprWalk.root(a.target());
      boolean pure = callsOnlyMath(a.value());
      if (root == null || !pure) {
        // a differentiated method's call may change what any expression reads: forget all
        held.clear();
        return;
      }
      kill(held, root.name());
      if (a.target() instanceof Expr.Var v && v.type() == Type.DOUBLE && reusable(a.value())
          && !ExprWalk.variables(a.value()).contains(v.name())) {
        held.put(a.value(), v);
      }
    } else if (s instanceof Stmt.Block b) {
      for (Stmt x : b.statements()) {
        walk(x, held, out, mirrored);
      }
    } else if (s instanceof Stmt.If i) {
      Map<Expr, Expr.Var> whenTrue = new HashMap<>(held);
      Map<Expr, Expr.Var> whenFalse = new HashMap<>(held);
      walk(i.then(), whenTrue, out, mirrored);
      walk(i.otherwise(), whenFalse, out, mirrored);
      held.entrySet().removeIf(e -> !e.getValue().equals(whenTrue.get(e.getKey()))
          || !e.getValue().equals(whenFalse.get(e.getKey())));
    } else if (s instanceof Stmt.While w) {
      // a later iteration sees what the body assigned: start from what it does not assign
      Map<Expr, Expr.Var> inside = new HashMap<>(held);
      walk(w.body(), inside, new IdentityHashMap<>(), mirrored);
      held.entrySet().removeIf(e -> !e.getValue().equals(inside.get(e.getKey())));
      walk(w.body(), new HashMap<>(held), out, mirrored);
    } else if (!(s instanceof Stmt.Comment || s instanceof Stmt.Return)) {
      held.clear();
    }
  }

  /** Whether any of {@code statements} reads the variable {@code v}. */
  static boolean reads(java.util.List<Stmt> statements, Expr.Var v) {
    boolean[] found = {false};
    for (Stmt s : statements) {
      dev.adjoint.processor.ir.StmtWalk.statements(s, x -> dev.adjoint.processor.ir.StmtWalk.evaluated(x,
          e -> found[0] |= ExprWalk.variables(e).contains(v.name())));
    }
    return found[0];
  }

  private static boolean callsOnlyMath(Expr e) {
    boolean[] ok = {true};
    ExprWalk.visit(e, x -> ok[0] &= !(x instanceof Expr.Call c) || c.callee() instanceof Callee.MathFunction);
    return ok[0];
  }

  /** Forgets what {@code name} held and every expression reading {@code name}. */
  private static void kill(Map<Expr, Expr.Var> held, String name) {
    held.entrySet().removeIf(e -> e.getValue().name().equals(name) || ExprWalk.variables(e.getKey()).contains(name));
  }

  /** {@code e} with its subexpressions that are keys of {@code by} replaced, outermost first. */
  static Expr replace(Expr e, Map<Expr, Expr> by) {
    Expr r = by.get(e);
    if (r != null) {
      return r;
    }
    if (e instanceof Expr.Binary b) {
      Expr l = replace(b.left(), by);
      Expr rt = replace(b.right(), by);
      return l == b.left() && rt == b.right() ? e : new Expr.Binary(b.op(), l, rt, b.type());
    }
    if (e instanceof Expr.Unary u) {
      Expr o = replace(u.operand(), by);
      return o == u.operand() ? e : new Expr.Unary(u.op(), o, u.type());
    }
    if (e instanceof Expr.Cast c) {
      Expr o = replace(c.operand(), by);
      return o == c.operand() ? e : new Expr.Cast(c.type(), o);
    }
    if (e instanceof Expr.Call c && c.callee() instanceof Callee.MathFunction) {
      java.util.List<Expr> args = new java.util.ArrayList<>();
      boolean changed = false;
      for (Expr a : c.args()) {
        Expr n = replace(a, by);
        changed |= n != a;
        args.add(n);
      }
      return changed ? new Expr.Call(c.callee(), args, c.type()) : e;
    }
    return e;
  }
}
