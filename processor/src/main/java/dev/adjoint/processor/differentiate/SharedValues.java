package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * In a fused iteration, the values the reverse of its last statement binds first ({@code double _v$4 =
 * Math.exp(x[i] - a);}) are the values that statement has just computed: they are bound once, before the
 * statement, and the statement reads them ({@code s = s + _v$4;}), so that {@code exp} runs once per element as in
 * a hand-written gradient. Only when exact: the statement assigns a variable the bound values do not read, they
 * read no adjoint and no tape, what remains of the statement cannot throw and at most one bound value can, so
 * evaluating the bound values first throws exactly what the statement would have thrown.
 */
final class SharedValues {
  private SharedValues() {}

  /** {@code forward} (the iteration's forward part, update excluded) and {@code reverse}, sharing values. */
  static void share(List<Stmt> forward, List<Stmt> reverse) {
    if (forward.isEmpty() || !(forward.get(forward.size() - 1) instanceof Stmt.Assign last)
        || !(last.target() instanceof Expr.Var target)) {
      return;
    }
    int at = 0;
    while (at < reverse.size() && reverse.get(at) instanceof Stmt.Comment) {
      at++;
    }
    Map<Expr, Expr> bound = new HashMap<>();
    Map<String, Expr> resolved = new HashMap<>();
    List<Stmt> declares = new ArrayList<>();
    for (int k = at; k < reverse.size() && reverse.get(k) instanceof Stmt.Declare d && d.init() != null
        && d.variable().name().contains("$") && d.variable().type() == Type.DOUBLE; k++) {
      boolean[] ok = {true};
      ExprWalk.visit(d.init(), x -> ok[0] &= !(x instanceof Expr.Pop) && !(x instanceof Expr.Call c
          && !(c.callee() instanceof Callee.MathFunction)));
      for (String v : ExprWalk.variables(d.init())) {
        ok[0] &= !v.startsWith("_d_") && !v.equals(target.name());
      }
      if (!ok[0]) {
        break;
      }
      Expr full = replace(d.init(), resolvedVars(resolved));
      resolved.put(d.variable().name(), full);
      bound.put(full, d.variable());
      declares.add(d);
    }
    if (declares.isEmpty()) {
      return;
    }
    Expr value = replace(last.value(), bound);
    // at most one bound value may throw by itself: then the statement, whose remaining operations cannot throw,
    // throws exactly when and what that value throws
    long throwing = declares.stream().filter(d -> !cannotThrow(((Stmt.Declare) d).init())).count();
    if (value.equals(last.value()) || !cannotThrow(value) || throwing > 1) {
      return;
    }
    reverse.removeAll(declares);
    forward.remove(forward.size() - 1);
    forward.addAll(declares);
    forward.add(new Stmt.Assign(last.target(), value, last.origin()));
  }

  private static Map<Expr, Expr> resolvedVars(Map<String, Expr> resolved) {
    Map<Expr, Expr> out = new HashMap<>();
    resolved.forEach((name, e) -> out.put(new Expr.Var(name, Type.DOUBLE), e));
    return out;
  }

  private static Expr replace(Expr e, Map<Expr, Expr> by) {
    return HeldValues.replace(e, by);
  }

  /** Arithmetic without integer division, casts and {@code Math} functions of doubles over variables. */
  private static boolean cannotThrow(Expr e) {
    boolean[] ok = {true};
    ExprWalk.visit(e, x -> ok[0] &= x instanceof Expr.Literal || x instanceof Expr.Var || x instanceof Expr.Unary
        || x instanceof Expr.Cast
        || x instanceof Expr.Binary b && !((b.op() == Expr.BinaryOp.DIV || b.op() == Expr.BinaryOp.REM)
            && b.type() != Type.DOUBLE)
        || x instanceof Expr.Call c && c.callee() instanceof Callee.MathFunction && c.type() == Type.DOUBLE);
    return ok[0];
  }
}
