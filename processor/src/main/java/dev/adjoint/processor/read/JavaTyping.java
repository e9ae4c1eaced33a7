package dev.adjoint.processor.read;

import com.sun.source.tree.Tree;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Expr.BinaryOp;
import dev.adjoint.processor.ir.Type;

/**
 * Java's typing rules for the supported subset: binary numeric promotion, widening (assignment) conversion,
 * casts for compound assignment and operator typing.
 */
final class JavaTyping {
  private JavaTyping() {
  }

  static Expr binary(BinaryOp op, Expr left, Expr right, Tree at) {
    if ((op == BinaryOp.EQ || op == BinaryOp.NE) && left.type() instanceof Type.EnumType
        && left.type().equals(right.type())) {
      return new Expr.Binary(op, left, right, Type.BOOLEAN); // enums compare by identity, as in Java
    }
    if (!(left.type() instanceof Type.Scalar l) || !(right.type() instanceof Type.Scalar r)) {
      throw new Unsupported(at, "operator " + op.java + " needs scalar operands; arrays have no arithmetic in plain"
          + " Java: write a loop over the elements");
    }
    switch (op) {
      case AND, OR -> {
        if (l != Type.BOOLEAN || r != Type.BOOLEAN) {
          throw new Unsupported(at, op.java + " needs boolean operands");
        }
        return new Expr.Binary(op, left, right, Type.BOOLEAN);
      }
      case EQ, NE -> {
        if ((l == Type.BOOLEAN) != (r == Type.BOOLEAN)) {
          throw new Unsupported(at, "cannot compare a boolean with a number");
        }
        return new Expr.Binary(op, left, right, Type.BOOLEAN);
      }
      case LT, LE, GT, GE -> {
        requireNumeric(l, r, op, at);
        return new Expr.Binary(op, left, right, Type.BOOLEAN);
      }
      case BIT_AND, BIT_OR, XOR -> {
        if (l == Type.BOOLEAN && r == Type.BOOLEAN) {
          return new Expr.Binary(op, left, right, Type.BOOLEAN);
        }
        if (l == Type.DOUBLE || r == Type.DOUBLE || l == Type.BOOLEAN || r == Type.BOOLEAN) {
          throw new Unsupported(at, op.java + " needs int or long operands");
        }
        return new Expr.Binary(op, left, right, promote(l, r));
      }
      case SHL, SHR, USHR -> {
        if (l == Type.DOUBLE || r == Type.DOUBLE || l == Type.BOOLEAN || r == Type.BOOLEAN) {
          throw new Unsupported(at, op.java + " needs int or long operands");
        }
        return new Expr.Binary(op, left, right, l);
      }
      default -> {
        requireNumeric(l, r, op, at);
        Type t = promote(l, r);
        return new Expr.Binary(op, convert(left, t, at), convert(right, t, at), t);
      }
    }
  }

  private static void requireNumeric(Type.Scalar l, Type.Scalar r, BinaryOp op, Tree at) {
    if (!l.numeric() || !r.numeric()) {
      throw new Unsupported(at, "operator " + op.java + " needs numbers");
    }
  }

  static Type promote(Type.Scalar a, Type.Scalar b) {
    if (a == Type.DOUBLE || b == Type.DOUBLE) {
      return Type.DOUBLE;
    }
    if (a == Type.LONG || b == Type.LONG) {
      return Type.LONG;
    }
    return Type.INT;
  }

  /** Java's assignment conversion: widening only; narrowing needs an explicit cast in source. */
  static Expr convert(Expr e, Type target, Tree at) {
    if (e.type().equals(target)) {
      return e;
    }
    if (target instanceof Type.Scalar t && e.type() instanceof Type.Scalar s && t.numeric() && s.numeric()
        && widens(s, t)) {
      return e instanceof Expr.Literal lit && t == Type.DOUBLE && s == Type.INT
          ? new Expr.Literal(lit.text() + ".0", Type.DOUBLE) : new Expr.Cast(target, e);
    }
    throw new Unsupported(at, "expected " + target.java() + " but this is " + e.type().java()
        + (target instanceof Type.Scalar && e.type() == Type.DOUBLE ? ": a double is never rounded silently; cast"
            + " it explicitly" : ""));
  }

  static Expr castIfNeeded(Expr e, Type target) {
    return e.type().equals(target) ? e : new Expr.Cast(target, e);
  }

  private static boolean widens(Type.Scalar from, Type.Scalar to) {
    return from == Type.INT && (to == Type.LONG || to == Type.DOUBLE) || from == Type.LONG && to == Type.DOUBLE;
  }

  static BinaryOp binaryOp(Tree.Kind kind, Tree at) {
    return switch (kind) {
      case PLUS, PLUS_ASSIGNMENT -> BinaryOp.ADD;
      case MINUS, MINUS_ASSIGNMENT -> BinaryOp.SUB;
      case MULTIPLY, MULTIPLY_ASSIGNMENT -> BinaryOp.MUL;
      case DIVIDE, DIVIDE_ASSIGNMENT -> BinaryOp.DIV;
      case REMAINDER, REMAINDER_ASSIGNMENT -> BinaryOp.REM;
      case LESS_THAN -> BinaryOp.LT;
      case LESS_THAN_EQUAL -> BinaryOp.LE;
      case GREATER_THAN -> BinaryOp.GT;
      case GREATER_THAN_EQUAL -> BinaryOp.GE;
      case EQUAL_TO -> BinaryOp.EQ;
      case NOT_EQUAL_TO -> BinaryOp.NE;
      case CONDITIONAL_AND -> BinaryOp.AND;
      case CONDITIONAL_OR -> BinaryOp.OR;
      case AND, AND_ASSIGNMENT -> BinaryOp.BIT_AND;
      case OR, OR_ASSIGNMENT -> BinaryOp.BIT_OR;
      case XOR, XOR_ASSIGNMENT -> BinaryOp.XOR;
      case LEFT_SHIFT, LEFT_SHIFT_ASSIGNMENT -> BinaryOp.SHL;
      case RIGHT_SHIFT, RIGHT_SHIFT_ASSIGNMENT -> BinaryOp.SHR;
      case UNSIGNED_RIGHT_SHIFT, UNSIGNED_RIGHT_SHIFT_ASSIGNMENT -> BinaryOp.USHR;
      default -> throw new Unsupported(at, "operator " + kind + " is not supported");
    };
  }
}
