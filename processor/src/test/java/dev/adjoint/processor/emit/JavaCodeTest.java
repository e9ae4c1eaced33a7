package dev.adjoint.processor.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Expr.BinaryOp;
import dev.adjoint.processor.ir.Type;
import org.junit.jupiter.api.Test;

/** The printer keeps exactly the parentheses Java's precedence needs. */
class JavaCodeTest {
  private static final Expr A = new Expr.Var("a", Type.DOUBLE);
  private static final Expr B = new Expr.Var("b", Type.DOUBLE);
  private static final Expr C = new Expr.Var("c", Type.DOUBLE);

  private static Expr bin(BinaryOp op, Expr l, Expr r) {
    return new Expr.Binary(op, l, r, Type.DOUBLE);
  }

  @Test
  void rightOperandOfEqualPrecedenceKeepsParentheses() {
    assertEquals("a - (b - c)", JavaCode.expression(bin(BinaryOp.SUB, A, bin(BinaryOp.SUB, B, C))).toString());
    assertEquals("a - b - c", JavaCode.expression(bin(BinaryOp.SUB, bin(BinaryOp.SUB, A, B), C)).toString());
    assertEquals("a / (b * c)", JavaCode.expression(bin(BinaryOp.DIV, A, bin(BinaryOp.MUL, B, C))).toString());
  }

  @Test
  void lowerPrecedenceOperandsAreParenthesized() {
    assertEquals("(a + b) * c", JavaCode.expression(bin(BinaryOp.MUL, bin(BinaryOp.ADD, A, B), C)).toString());
    assertEquals("a + b * c", JavaCode.expression(bin(BinaryOp.ADD, A, bin(BinaryOp.MUL, B, C))).toString());
  }

  @Test
  void doubleNegationIsNotPrintedAsDecrement() {
    Expr neg = new Expr.Unary(Expr.UnaryOp.NEG, new Expr.Unary(Expr.UnaryOp.NEG, A, Type.DOUBLE), Type.DOUBLE);
    assertEquals("-(-a)", JavaCode.expression(neg).toString());
    Expr negLiteral = new Expr.Unary(Expr.UnaryOp.NEG, new Expr.Literal("-1.0", Type.DOUBLE), Type.DOUBLE);
    assertEquals("-(-1.0)", JavaCode.expression(negLiteral).toString());
  }

  @Test
  void castsAndConditionalsNest() {
    Expr cast = new Expr.Cast(Type.INT, bin(BinaryOp.ADD, A, B));
    assertEquals("(int) (a + b)", JavaCode.expression(cast).toString());
    Expr cond = new Expr.Conditional(new Expr.Binary(BinaryOp.GT, A, B, Type.BOOLEAN), A,
        new Expr.Conditional(new Expr.Literal("true", Type.BOOLEAN), B, C, Type.DOUBLE), Type.DOUBLE);
    assertEquals("a > b ? a : true ? b : c", JavaCode.expression(cond).toString());
  }
}
