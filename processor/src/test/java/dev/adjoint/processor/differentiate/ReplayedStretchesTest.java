package dev.adjoint.processor.differentiate;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.TapeKind;
import dev.adjoint.processor.ir.Type;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ReplayedStretches#bracketed}: what a fused iteration's reverse may do to the tapes. Pushes, saves and
 * rewinds only inside a replayed stretch of their own tape, each stretch closed in the statement list that opened
 * it; the near misses (outside, the other tape's stretch, closed in one branch only, closed twice) are refused.
 */
class ReplayedStretchesTest {
  private static final Origin O = Origin.SYNTHETIC;
  private static final Expr.Var X = new Expr.Var("x", Type.DOUBLE);

  private static Stmt call(TapeKind t, String name) {
    return FusedLoops.tapeCall(t, name, O);
  }

  private static Stmt push(TapeKind t) {
    return new Stmt.Push(t, X, O);
  }

  private static Stmt pop() {
    return new Stmt.Restore(TapeKind.DOUBLES, X, O);
  }

  private static Stmt.Block block(Stmt... s) {
    return Stmt.Block.of(List.of(s));
  }

  private static Stmt branch(Stmt.Block then, Stmt.Block otherwise) {
    return new Stmt.If(new Expr.Var("b", Type.BOOLEAN), then, otherwise, O);
  }

  @Test
  void stretchesThatLeaveTheTapesAsTheyFoundThemAreAccepted() {
    TapeKind d = TapeKind.DOUBLES;
    TapeKind i = TapeKind.INTS;
    // pops of the iteration's own records outside any stretch are fine
    assertTrue(ReplayedStretches.bracketed(List.of(pop())));
    assertTrue(ReplayedStretches.bracketed(List.of(pop(), branch(block(call(d, "beginReplay"), call(i, "beginReplay"),
        push(d), new Stmt.Save(i, new Expr.Var("k", Type.INT), O), call(d, "rewind"), call(i, "rewind"), pop(),
        call(d, "endReplay"), call(i, "endReplay")), block(call(d, "beginReplay"), call(d, "beginReplay"), push(d),
        call(d, "endReplay"), call(d, "endReplay"))))));
  }

  @Test
  void nearMissesAreRefused() {
    TapeKind d = TapeKind.DOUBLES;
    TapeKind i = TapeKind.INTS;
    assertFalse(ReplayedStretches.bracketed(List.of(push(d))));
    assertFalse(ReplayedStretches.bracketed(List.of(call(d, "rewind"))));
    assertFalse(ReplayedStretches.bracketed(List.of(new Stmt.Save(d, X, O))));
    // the other tape's stretch
    assertFalse(ReplayedStretches.bracketed(List.of(call(i, "beginReplay"), push(d), call(i, "endReplay"))));
    // closed on one path only, opened in a branch and closed after it, closed twice, never closed
    assertFalse(ReplayedStretches.bracketed(List.of(call(d, "beginReplay"),
        branch(block(call(d, "endReplay")), block()))));
    assertFalse(ReplayedStretches.bracketed(List.of(branch(block(call(d, "beginReplay")), block()),
        call(d, "endReplay"))));
    assertFalse(ReplayedStretches.bracketed(List.of(call(d, "beginReplay"), call(d, "endReplay"),
        call(d, "endReplay"))));
    assertFalse(ReplayedStretches.bracketed(List.of(call(d, "beginReplay"), push(d))));
    // a push in a loop body inside a stretch is fine, a stretch opened in a loop body and left open is not
    assertTrue(ReplayedStretches.bracketed(List.of(call(d, "beginReplay"),
        new Stmt.While(new Expr.Var("b", Type.BOOLEAN), block(push(d)), O), call(d, "endReplay"))));
    assertFalse(ReplayedStretches.bracketed(List.of(
        new Stmt.While(new Expr.Var("b", Type.BOOLEAN), block(call(d, "beginReplay"), push(d)), O))));
  }
}
