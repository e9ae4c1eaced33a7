package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Type;

/**
 * Assignments the reverse sweep undoes exactly by computing, instead of saving the value they overwrite
 * ({@link ReverseSweep}, {@link ToBeRecorded}): {@code i = i + c} on integers and {@code v = -v}. Such an undo
 * statement is no read of the reverse sweep (its counter loop stays replayable) and stores nothing.
 */
final class Inverses {
  private Inverses() {}

  /**
   * {@code v - c} for {@code v = v + c} on an int or long (exact, overflow included); {@code -v} for {@code v = -v}
   * on an int, long or double (negation is its own exact inverse: it flips the sign bit); else null.
   */
  static Expr of(Expr.Var v, Expr value) {
    if ((v.type() == Type.INT || v.type() == Type.LONG || v.type() == Type.DOUBLE) && value instanceof Expr.Unary u
        && u.op() == Expr.UnaryOp.NEG && u.operand().equals(v)) {
      return new Expr.Unary(Expr.UnaryOp.NEG, v, v.type());
    }
    if ((v.type() == Type.INT || v.type() == Type.LONG) && value instanceof Expr.Binary b
        && (b.op() == Expr.BinaryOp.ADD || b.op() == Expr.BinaryOp.SUB) && b.left().equals(v)
        && b.right() instanceof Expr.Literal) {
      Expr.BinaryOp undo = b.op() == Expr.BinaryOp.ADD ? Expr.BinaryOp.SUB : Expr.BinaryOp.ADD;
      return new Expr.Binary(undo, v, b.right(), v.type());
    }
    return null;
  }
}
