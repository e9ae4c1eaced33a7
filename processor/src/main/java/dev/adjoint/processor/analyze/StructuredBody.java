package dev.adjoint.processor.analyze;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A method body in structured form: only assignments, {@code if}, {@code while} and blocks, with every
 * local hoisted to the top. {@code for} and {@code do} loops become {@code while} loops; {@code break},
 * {@code continue} and {@code return} become boolean flags that guard what follows them, so that every
 * statement the reverse sweep undoes ran exactly when its guard says. The result is assigned to
 * {@link #result()}.
 */
public record StructuredBody(List<Expr.Var> locals, Stmt.Block body, Expr.Var result) {
  public StructuredBody {
    locals = List.copyOf(locals);
  }

  /** The variable holding the method's result. */
  public static final String RESULT = "_result";

  /** Lowers {@code method}'s body. */
  public static StructuredBody of(MethodIr method) {
    Lowering lowering = new Lowering(method.returnType());
    List<Stmt> statements = method.body().statements();
    List<Stmt> body = lowering.block(statements, null, true);
    return new StructuredBody(
        new ArrayList<>(lowering.locals.values()), Stmt.Block.of(body), lowering.result);
  }

  private static final class Lowering {
    final Map<String, Expr.Var> locals = new LinkedHashMap<>();
    final Expr.Var result;
    final Expr.Var returned = new Expr.Var("_returned", Type.BOOLEAN);
    int loops;

    Lowering(Type returnType) {
      result = new Expr.Var(RESULT, returnType);
    }

    /** The flags of the innermost loop, created on first use. */
    final class Loop {
      final int id = ++loops;
      Expr.Var breakFlag;
      Expr.Var continueFlag;

      Expr.Var breakFlag() {
        if (breakFlag == null) {
          breakFlag = local(new Expr.Var("_break$" + id, Type.BOOLEAN));
        }
        return breakFlag;
      }

      Expr.Var continueFlag() {
        if (continueFlag == null) {
          continueFlag = local(new Expr.Var("_continue$" + id, Type.BOOLEAN));
        }
        return continueFlag;
      }
    }

    Expr.Var local(Expr.Var v) {
      locals.putIfAbsent(v.name(), v);
      return v;
    }

    /**
     * Lowers a statement list; after a statement that may exit, the rest is guarded by the negation of
     * the flags it may set. {@code topLevel} is true for the method body itself, whose final return
     * needs no flag.
     */
    List<Stmt> block(List<Stmt> statements, Loop loop, boolean topLevel) {
      List<Stmt> out = new ArrayList<>();
      for (int i = 0; i < statements.size(); i++) {
        Stmt s = statements.get(i);
        boolean last = i == statements.size() - 1;
        if (s instanceof Stmt.Return r && topLevel && last) {
          out.add(new Stmt.Assign(result, r.value(), r.origin()));
          continue;
        }
        out.addAll(statement(s, loop));
        List<Stmt> rest = statements.subList(i + 1, statements.size());
        Expr guard = exitGuard(s, loop);
        if (guard != null && !rest.isEmpty()) {
          List<Stmt> guarded = block(rest, loop, topLevel);
          if (!guarded.isEmpty()) {
            out.add(new Stmt.If(guard, Stmt.Block.of(guarded), Stmt.Block.of(List.of()), Origin.SYNTHETIC));
          }
          break;
        }
      }
      return out;
    }

    /** The condition under which execution continues after {@code s}, or null when {@code s} cannot exit. */
    Expr exitGuard(Stmt s, Loop loop) {
      Exits exits = Exits.of(s);
      Expr guard = null;
      if (exits.returns) {
        guard = and(guard, not(local(returned)));
      }
      if (exits.breaks && loop != null) {
        guard = and(guard, not(loop.breakFlag()));
      }
      if (exits.continues && loop != null) {
        guard = and(guard, not(loop.continueFlag()));
      }
      return guard;
    }

    List<Stmt> statement(Stmt s, Loop loop) {
      if (s instanceof Stmt.Declare d) {
        local(d.variable());
        return d.init() == null ? List.of() : List.of(new Stmt.Assign(d.variable(), d.init(), d.origin()));
      }
      if (s instanceof Stmt.Assign || s instanceof Stmt.Forward) {
        return List.of(s);
      }
      if (s instanceof Stmt.Block b) {
        return List.of(Stmt.Block.of(block(b.statements(), loop, false)));
      }
      if (s instanceof Stmt.If i) {
        return List.of(new Stmt.If(i.condition(),
            Stmt.Block.of(block(i.then().statements(), loop, false)),
            Stmt.Block.of(block(i.otherwise().statements(), loop, false)), i.origin()));
      }
      if (s instanceof Stmt.Break b) {
        return List.of(new Stmt.Assign(loop.breakFlag(), TRUE, b.origin()));
      }
      if (s instanceof Stmt.Continue c) {
        return List.of(new Stmt.Assign(loop.continueFlag(), TRUE, c.origin()));
      }
      if (s instanceof Stmt.Return r) {
        return List.of(
            new Stmt.Assign(result, r.value(), r.origin()),
            new Stmt.Assign(local(returned), TRUE, r.origin()));
      }
      if (s instanceof Stmt.While w) {
        return loop(w.condition(), w.body(), List.of(), false, w.origin(), loop);
      }
      if (s instanceof Stmt.For f) {
        List<Stmt> out = new ArrayList<>();
        for (Stmt init : f.init()) {
          out.addAll(statement(init, loop));
        }
        out.addAll(loop(f.condition(), f.body(), f.update(), false, f.origin(), loop));
        return out;
      }
      if (s instanceof Stmt.DoWhile d) {
        return loop(d.condition(), d.body(), List.of(), true, d.origin(), loop);
      }
      throw new IllegalStateException("unexpected statement before lowering: " + s);
    }

    /**
     * {@code while (!returned && !break && condition) { continue = false; body; if (!returned && !break)
     * update }}; a do-while loop tests a flag set at the end of its body instead.
     */
    List<Stmt> loop(Expr condition, Stmt.Block body, List<Stmt> update, boolean testLast,
        Origin origin, Loop outer) {
      Loop loop = new Loop();
      List<Stmt> inner = new ArrayList<>();
      List<Stmt> loweredBody = block(body.statements(), loop, false);
      boolean returns = Exits.of(body).returns;
      List<Stmt> out = new ArrayList<>();
      if (loop.continueFlag != null) {
        inner.add(new Stmt.Assign(loop.continueFlag, FALSE, origin));
      }
      inner.addAll(loweredBody);
      Expr stay = null;
      if (returns) {
        stay = and(stay, not(local(returned)));
      }
      if (loop.breakFlag != null) {
        stay = and(stay, not(loop.breakFlag));
        out.add(new Stmt.Assign(loop.breakFlag, FALSE, origin));
      }
      List<Stmt> loweredUpdate = new ArrayList<>();
      for (Stmt u : update) {
        loweredUpdate.addAll(statement(u, outer));
      }
      if (!loweredUpdate.isEmpty()) {
        inner.add(stay == null ? Stmt.Block.of(loweredUpdate)
            : new Stmt.If(stay, Stmt.Block.of(loweredUpdate), Stmt.Block.of(List.of()), Origin.SYNTHETIC));
      }
      if (testLast) {
        Expr.Var go = local(new Expr.Var("_again$" + loop.id, Type.BOOLEAN));
        out.add(new Stmt.Assign(go, TRUE, origin));
        inner.add(new Stmt.Assign(go, and(stay, condition), origin));
        out.add(new Stmt.While(go, Stmt.Block.of(inner), origin));
      } else {
        out.add(new Stmt.While(and(stay, condition), Stmt.Block.of(inner), origin));
      }
      return out;
    }
  }

  static final Expr TRUE = new Expr.Literal("true", Type.BOOLEAN);
  static final Expr FALSE = new Expr.Literal("false", Type.BOOLEAN);

  static Expr not(Expr e) {
    return new Expr.Unary(Expr.UnaryOp.NOT, e, Type.BOOLEAN);
  }

  static Expr and(Expr a, Expr b) {
    return a == null ? b : new Expr.Binary(Expr.BinaryOp.AND, a, b, Type.BOOLEAN);
  }

  /** Which ways out of the enclosing structure a statement may take. */
  record Exits(boolean returns, boolean breaks, boolean continues) {
    static Exits of(Stmt s) {
      if (s instanceof Stmt.Return) {
        return new Exits(true, false, false);
      }
      if (s instanceof Stmt.Break) {
        return new Exits(false, true, false);
      }
      if (s instanceof Stmt.Continue) {
        return new Exits(false, false, true);
      }
      if (s instanceof Stmt.Block b) {
        return b.statements().stream().map(Exits::of).reduce(NONE, Exits::or);
      }
      if (s instanceof Stmt.If i) {
        return of(i.then()).or(of(i.otherwise()));
      }
      // break and continue inside a loop belong to that loop; only return leaves it.
      if (s instanceof Stmt.While w) {
        return new Exits(of(w.body()).returns, false, false);
      }
      if (s instanceof Stmt.DoWhile d) {
        return new Exits(of(d.body()).returns, false, false);
      }
      if (s instanceof Stmt.For f) {
        return new Exits(of(f.body()).returns, false, false);
      }
      return NONE;
    }

    Exits or(Exits o) {
      return new Exits(returns || o.returns, breaks || o.breaks, continues || o.continues);
    }

    static final Exits NONE = new Exits(false, false, false);
  }
}
