package dev.adjoint.processor.analyze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lowering leaves only assignments, ifs, whiles and blocks, and keeps break/continue/return semantics. */
class StructuredBodyTest {
  private static final Origin O = Origin.SYNTHETIC;
  private static final Expr.Var X = new Expr.Var("x", Type.DOUBLE);
  private static final Expr.Var S = new Expr.Var("s", Type.DOUBLE);
  private static final Expr.Var I = new Expr.Var("i", Type.INT);

  /** for (int i = 0; i < 5; i++) { if (i == 3) break; if (i == 1) continue; s = s + x; } return s; */
  private static MethodIr loopWithBreakAndContinue() {
    Stmt.Block body = Stmt.Block.of(List.of(
        new Stmt.If(new Expr.Binary(Expr.BinaryOp.EQ, I, Expr.Literal.ofInt(3), Type.BOOLEAN),
            Stmt.Block.of(List.of(new Stmt.Break(O))), Stmt.Block.of(List.of()), O),
        new Stmt.If(new Expr.Binary(Expr.BinaryOp.EQ, I, Expr.Literal.ofInt(1), Type.BOOLEAN),
            Stmt.Block.of(List.of(new Stmt.Continue(O))), Stmt.Block.of(List.of()), O),
        new Stmt.Assign(S, new Expr.Binary(Expr.BinaryOp.ADD, S, X, Type.DOUBLE), O)));
    Stmt loop = new Stmt.For(List.of(new Stmt.Declare(I, Expr.Literal.ofInt(0), O)),
        new Expr.Binary(Expr.BinaryOp.LT, I, Expr.Literal.ofInt(5), Type.BOOLEAN),
        List.of(new Stmt.Assign(I, new Expr.Binary(Expr.BinaryOp.ADD, I, Expr.Literal.ofInt(1), Type.INT), O)),
        body, O);
    return new MethodIr("demo", "demo.F", "FGrad", "f", List.of(new MethodIr.Parameter("x", Type.DOUBLE)),
        Type.DOUBLE, Stmt.Block.of(List.of(new Stmt.Declare(S, Expr.Literal.of(0), O), loop,
            new Stmt.Return(S, O))), true, O);
  }

  @Test
  void onlyStructuredStatementsRemain() {
    StructuredBody lowered = StructuredBody.of(loopWithBreakAndContinue());
    List<Stmt> all = new ArrayList<>();
    flatten(lowered.body(), all);
    for (Stmt s : all) {
      assertTrue(s instanceof Stmt.Assign || s instanceof Stmt.If || s instanceof Stmt.While
          || s instanceof Stmt.Block, "unexpected " + s.getClass().getSimpleName());
    }
    assertTrue(lowered.locals().stream().anyMatch(v -> v.name().startsWith("_break$")));
    assertTrue(lowered.locals().stream().anyMatch(v -> v.name().startsWith("_continue$")));
    assertFalse(lowered.locals().stream().anyMatch(v -> v.name().equals("_returned")),
        "a single final return needs no flag");
    assertEquals(StructuredBody.RESULT, lowered.result().name());
  }

  @Test
  void activityFollowsDataFlowFromParameters() {
    MethodIr m = loopWithBreakAndContinue();
    Activity activity = Activity.of(m, StructuredBody.of(m));
    assertTrue(activity.isVaried("x"));
    assertTrue(activity.isVaried("s"));
    assertTrue(activity.isVaried(StructuredBody.RESULT));
    assertFalse(activity.isVaried("i"), "ints are never differentiated");
  }

  private static void flatten(Stmt s, List<Stmt> out) {
    out.add(s);
    if (s instanceof Stmt.Block b) {
      b.statements().forEach(x -> flatten(x, out));
    } else if (s instanceof Stmt.If i) {
      flatten(i.then(), out);
      flatten(i.otherwise(), out);
    } else if (s instanceof Stmt.While w) {
      flatten(w.body(), out);
    }
  }
}
