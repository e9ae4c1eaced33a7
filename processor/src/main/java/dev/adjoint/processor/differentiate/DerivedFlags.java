package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Boolean locals whose value the reverse sweep derives from their branch instead of keeping them in the end state:
 * the early-return flag of {@code if (row == ell - 1) { ...; return x; } rest} ({@code _returned}, which guards
 * {@code rest}) holds exactly what the branch's condition held, so the reverse of {@code rest} is guarded by the
 * condition evaluated again (or by the branch's own record, {@code _branch$k}, where it cannot be evaluated
 * again), and a recursive call no longer pushes the flag.
 *
 * <p>A flag qualifies when it is a {@code boolean} local (every local starts {@code false}), assigned exactly once,
 * as {@code flag = true} among the top-level statements of the then-side of a branch outside all loops and other
 * branches: the branch runs once, and the flag is set exactly when its then-side ran (a then-side runs to its end:
 * the lowered body has no jumps). Its reverse then gives the branch's answer again ({@link
 * ReverseControlFlow#branch}): the condition itself when {@link ReplayedConditions} allows (its variables never
 * change after the branch), else the side recorded. Anything else, a flag set in a loop, under another branch,
 * twice, or by a branch whose reverse does nothing (so that it keeps no answer), keeps its value in the end state.
 */
final class DerivedFlags {
  private DerivedFlags() {}

  /** The branches of {@code body} (the lowered method body) that set a qualifying flag, and the flag each sets. */
  static Map<Stmt, String> setters(MethodIr method, Stmt body, ReverseSweep sweep) {
    Map<Stmt, String> out = new IdentityHashMap<>();
    List<Stmt> top = body instanceof Stmt.Block b ? b.statements() : List.of(body);
    for (Stmt s : top) {
      if (!(s instanceof Stmt.If i)) {
        continue;
      }
      for (Stmt t : i.then().statements()) {
        if (t instanceof Stmt.Assign a && a.target() instanceof Expr.Var flag && flag.type() == Type.BOOLEAN
            && a.value() instanceof Expr.Literal l && l.text().equals("true")
            && method.parameters().stream().noneMatch(p -> p.name().equals(flag.name()))
            && !sweep.reassigned.contains(flag.name())
            && Integer.valueOf(1).equals(sweep.assignmentCounts.get(flag.name()))
            && !reads(i.condition(), flag.name())) {
          out.put(i, flag.name());
        }
      }
    }
    return out;
  }

  private static boolean reads(Expr e, String name) {
    return dev.adjoint.processor.ir.ExprWalk.variables(e).contains(name);
  }

  /**
   * {@code condition} (a replayable branch's: literals, operators, casts and scalar variables) with each flag of
   * {@code flags} replaced by what its branch gives again; the same object when it names none.
   */
  static Expr substitute(Expr condition, Map<String, Expr> flags) {
    if (flags.isEmpty()) {
      return condition;
    }
    if (condition instanceof Expr.Var v) {
      Expr c = flags.get(v.name());
      return c != null ? c : v;
    }
    if (condition instanceof Expr.Unary u) {
      Expr o = substitute(u.operand(), flags);
      return o == u.operand() ? u : new Expr.Unary(u.op(), o, u.type());
    }
    if (condition instanceof Expr.Binary b) {
      Expr l = substitute(b.left(), flags);
      Expr r = substitute(b.right(), flags);
      return l == b.left() && r == b.right() ? b : new Expr.Binary(b.op(), l, r, b.type());
    }
    if (condition instanceof Expr.Cast c) {
      Expr o = substitute(c.operand(), flags);
      return o == c.operand() ? c : new Expr.Cast(c.type(), o);
    }
    if (condition instanceof Expr.Conditional c) {
      Expr k = substitute(c.condition(), flags);
      Expr t = substitute(c.whenTrue(), flags);
      Expr f = substitute(c.whenFalse(), flags);
      return k == c.condition() && t == c.whenTrue() && f == c.whenFalse() ? c
          : new Expr.Conditional(k, t, f, c.type());
    }
    return condition;
  }
}
