package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.StmtWalk;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The tangent program of {@code mHvp} without the primal values nothing reads: there the result is the
 * tangent, so the primal result's terms ({@code a * b} of {@code return a * b + ...}, a sum a loop
 * accumulates) feed nothing, and the reverse sweep over them would only move zero adjoints and recompute
 * values per iteration.
 *
 * <p>A flow-insensitive mark: every variable a statement that stays reads is needed (conditions, element
 * writes, calls, the return); an assignment to a scalar variable from an expression that cannot throw or
 * have an effect (arithmetic without integer division, casts, conditionals, constants, {@code java.lang.Math}
 * functions that do not throw, {@code Partials}) stays only when its variable is needed, and then so are the
 * variables it reads. Declarations go with the last statement naming their variable. The result is the same
 * program on every path: a dropped assignment wrote a variable no remaining statement reads.
 */
final class DeadStores {
  private DeadStores() {}

  /** {@code m} without its dead scalar stores, or {@code m} itself when its body has a form not known here. */
  static MethodIr pruned(MethodIr m) {
    if (!known(m.body())) {
      return m;
    }
    Set<String> needed = new HashSet<>();
    List<Stmt> droppable = new ArrayList<>();
    StmtWalk.statements(m.body(), s -> {
      if (droppable(s)) {
        droppable.add(s);
      } else if (s instanceof Stmt.Forward f) {
        f.holes().forEach(e -> needed.addAll(ExprWalk.variables(e)));
      } else {
        // A declaration that stays reads its initialiser (evaluated), not the variable it declares.
        StmtWalk.evaluated(s, e -> needed.addAll(ExprWalk.variables(e)));
      }
    });
    boolean grown = true;
    while (grown) {
      grown = false;
      for (Stmt s : droppable) {
        if (needed.contains(target(s).name())) {
          for (String v : ExprWalk.variables(value(s))) {
            grown |= needed.add(v);
          }
        }
      }
    }
    Set<String> named = new HashSet<>(needed);
    StmtWalk.statements(m.body(), s -> {
      if (s instanceof Stmt.Forward f) {
        f.holes().forEach(e -> named.addAll(ExprWalk.variables(e)));
      } else if (!droppable(s)) {
        StmtWalk.named(s, e -> named.addAll(ExprWalk.variables(e)));
      }
    });
    Stmt.Block body = block(m.body(), needed, named);
    if (body.equals(m.body())) {
      return m;
    }
    return new MethodIr(m.packageName(), m.ownerCanonicalName(), m.companionSimpleName(), m.name(), m.parameters(),
        m.returnType(), body, m.isPublic(), m.origin());
  }

  private static Stmt.Block block(Stmt.Block b, Set<String> needed, Set<String> named) {
    return new Stmt.Block(statements(b.statements(), needed, named), b.origin());
  }

  private static List<Stmt> statements(List<Stmt> in, Set<String> needed, Set<String> named) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt s : in) {
      if (droppable(s) && !needed.contains(target(s).name())) {
        if (s instanceof Stmt.Declare d && named.contains(d.variable().name())) {
          out.add(new Stmt.Declare(d.variable(), null, d.origin())); // still written by a statement that stays
        }
        continue;
      }
      if (s instanceof Stmt.Declare d && d.init() == null && !named.contains(d.variable().name())) {
        continue;
      }
      out.add(statement(s, needed, named));
    }
    return out;
  }

  private static Stmt statement(Stmt s, Set<String> needed, Set<String> named) {
    if (s instanceof Stmt.Block b) {
      return block(b, needed, named);
    }
    if (s instanceof Stmt.If i) {
      return new Stmt.If(i.condition(), block(i.then(), needed, named), block(i.otherwise(), needed, named),
          i.origin());
    }
    if (s instanceof Stmt.While w) {
      return new Stmt.While(w.condition(), block(w.body(), needed, named), w.origin());
    }
    if (s instanceof Stmt.DoWhile d) {
      return new Stmt.DoWhile(block(d.body(), needed, named), d.condition(), d.origin());
    }
    if (s instanceof Stmt.For f) {
      return new Stmt.For(statements(f.init(), needed, named), f.condition(), statements(f.update(), needed, named),
          block(f.body(), needed, named), f.origin());
    }
    return s;
  }

  /** Whether every statement of {@code body} is a form this pass knows. */
  private static boolean known(Stmt body) {
    boolean[] ok = {true};
    StmtWalk.statements(body, s -> ok[0] &= s instanceof Stmt.Block || s instanceof Stmt.Declare
        || s instanceof Stmt.Assign || s instanceof Stmt.Accumulate || s instanceof Stmt.Effect
        || s instanceof Stmt.If || s instanceof Stmt.While || s instanceof Stmt.DoWhile || s instanceof Stmt.For
        || s instanceof Stmt.Break || s instanceof Stmt.Continue || s instanceof Stmt.Return
        || s instanceof Stmt.Comment || s instanceof Stmt.Forward);
    return ok[0];
  }

  /** A store to a scalar variable from an expression without effects, or a declaration of one. */
  private static boolean droppable(Stmt s) {
    Expr.Var target = target(s);
    if (target == null || !scalar(target.type())) {
      return false;
    }
    Expr value = value(s);
    return value == null || pure(value);
  }

  private static Expr.Var target(Stmt s) {
    if (s instanceof Stmt.Declare d) {
      return d.variable();
    }
    if (s instanceof Stmt.Assign a && a.target() instanceof Expr.Var v) {
      return v;
    }
    if (s instanceof Stmt.Accumulate a && a.target() instanceof Expr.Var v) {
      return v;
    }
    return null;
  }

  private static Expr value(Stmt s) {
    if (s instanceof Stmt.Declare d) {
      return d.init();
    }
    return s instanceof Stmt.Assign a ? a.value() : ((Stmt.Accumulate) s).value();
  }

  private static boolean scalar(Type t) {
    return t == Type.DOUBLE || t == Type.INT || t == Type.LONG || t == Type.BOOLEAN;
  }

  /** Evaluating {@code e} cannot throw, write anything or print. */
  private static boolean pure(Expr e) {
    if (e instanceof Expr.Literal || e instanceof Expr.Var || e instanceof Expr.StaticField) {
      return true;
    }
    if (e instanceof Expr.Unary u) {
      return pure(u.operand());
    }
    if (e instanceof Expr.Binary b) {
      boolean integral = b.left().type() != Type.DOUBLE && b.right().type() != Type.DOUBLE;
      if (integral && (b.op() == Expr.BinaryOp.DIV || b.op() == Expr.BinaryOp.REM)) {
        return false; // may throw ArithmeticException
      }
      return pure(b.left()) && pure(b.right());
    }
    if (e instanceof Expr.Conditional c) {
      return pure(c.condition()) && pure(c.whenTrue()) && pure(c.whenFalse());
    }
    if (e instanceof Expr.Cast c) {
      return scalar(c.type()) && pure(c.operand());
    }
    if (e instanceof Expr.Call c) {
      boolean math = c.callee() instanceof Callee.MathFunction f && !f.name().endsWith("Exact")
          && !f.name().endsWith("Div") && !f.name().endsWith("Mod") && !f.name().equals("random");
      boolean partial = c.callee() instanceof Callee.Static s && s.owner().equals(DerivativeRules.PARTIALS);
      return (math || partial) && c.args().stream().allMatch(DeadStores::pure);
    }
    return false;
  }
}
