package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The tangent member {@code m$tan} ({@link TangentCalls}) of a method with a {@code double[][]} result of
 * {@code n} rows returns {@code 2 n} rows: the value's rows, then the tangent's, each a fresh copy (no row is
 * shared with anything, ragged rows included). Its caller copies the two halves out row by row. Both are
 * plain IR (a new matrix of rows, rows assigned clones of rows), which the reverse mode differentiates like
 * any other: the adjoint of a copied row goes back into the row it was copied from.
 */
final class StackedRows {
  private StackedRows() {}

  /**
   * The body's end in {@code m$tan}: {@code double[][] stacked$tan = new double[2 * n][];} with its rows
   * {@code value[k].clone()} and {@code tangent[k].clone()} (zeros {@code new double[value[k].length]} when the
   * result is not varied), returned.
   */
  static List<Stmt> stack(Expr.Var value, Expr.Var tangent) {
    List<Stmt> out = new ArrayList<>();
    Expr.Var stacked = new Expr.Var("stacked" + TangentCalls.SUFFIX, Type.MATRIX);
    Expr n = new Expr.Length(value);
    out.add(new Stmt.Declare(stacked, new Expr.NewArray(Type.MATRIX, List.of(new Expr.Binary(Expr.BinaryOp.MUL,
        Expr.Literal.ofInt(2), n, Type.INT))), Origin.SYNTHETIC));
    Expr.Var k = new Expr.Var("k" + TangentCalls.SUFFIX, Type.INT);
    Expr row = new Expr.Index(value, k, Type.VECTOR);
    Expr tangentRow = tangent == null
        ? new Expr.NewArray(Type.VECTOR, List.of(new Expr.Length(row)))
        : new Expr.Clone(new Expr.Index(tangent, k, Type.VECTOR));
    List<Stmt> body = List.of(
        new Stmt.Assign(new Expr.Index(stacked, k, Type.VECTOR), new Expr.Clone(row), Origin.SYNTHETIC),
        new Stmt.Assign(new Expr.Index(stacked, add(n, k), Type.VECTOR), tangentRow, Origin.SYNTHETIC),
        increment(k, Origin.SYNTHETIC));
    out.add(new Stmt.Declare(k, Expr.Literal.ofInt(0), Origin.SYNTHETIC));
    out.add(new Stmt.While(new Expr.Binary(Expr.BinaryOp.LT, k, n, Type.BOOLEAN), Stmt.Block.of(body),
        Origin.SYNTHETIC));
    out.add(new Stmt.Return(stacked, Origin.SYNTHETIC));
    return out;
  }

  /**
   * In the caller's second-order program, after {@code double[][] _tan$N = m$tan(...)}: the value and tangent
   * halves as fresh matrices, {@code _tanValue[k] = _tan[k].clone(); _tanTangent[k] = _tan[half + k].clone();}.
   *
   * @return the value and the tangent: deep copies of the halves
   */
  static Expr[] unstack(Expr.Var stacked, List<Stmt> out, Origin origin, BiFunction<String, Type, Expr.Var> temp) {
    Expr.Var half = temp.apply("_tanHalf", Type.INT);
    out.add(new Stmt.Declare(half, new Expr.Binary(Expr.BinaryOp.DIV, new Expr.Length(stacked),
        Expr.Literal.ofInt(2), Type.INT), origin));
    Expr.Var value = temp.apply("_tanValue", Type.MATRIX);
    out.add(new Stmt.Declare(value, new Expr.NewArray(Type.MATRIX, List.of(half)), origin));
    Expr.Var tangent = temp.apply("_tanTangent", Type.MATRIX);
    out.add(new Stmt.Declare(tangent, new Expr.NewArray(Type.MATRIX, List.of(half)), origin));
    Expr.Var k = temp.apply("_tanRow", Type.INT);
    out.add(new Stmt.Declare(k, Expr.Literal.ofInt(0), origin));
    List<Stmt> body = List.of(
        new Stmt.Assign(new Expr.Index(value, k, Type.VECTOR), new Expr.Clone(new Expr.Index(stacked, k,
            Type.VECTOR)), origin),
        new Stmt.Assign(new Expr.Index(tangent, k, Type.VECTOR), new Expr.Clone(new Expr.Index(stacked,
            add(half, k), Type.VECTOR)), origin),
        increment(k, origin));
    out.add(new Stmt.While(new Expr.Binary(Expr.BinaryOp.LT, k, half, Type.BOOLEAN), Stmt.Block.of(body), origin));
    // The caller's variables get deep copies: a row it replaces later must not replace a row of these halves,
    // whose adjoints the reverse sweep shapes like the halves as the loop above left them.
    return new Expr[] {new Expr.Clone(value), new Expr.Clone(tangent)};
  }

  private static Expr add(Expr a, Expr b) {
    return new Expr.Binary(Expr.BinaryOp.ADD, a, b, Type.INT);
  }

  private static Stmt increment(Expr.Var counter, Origin origin) {
    return new Stmt.Assign(counter, add(counter, Expr.Literal.ofInt(1)), origin);
  }
}
