package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The tangent of a call through its callee's gradient ({@link TangentSweep}, for {@code mHvp}) when the
 * callee takes {@code double[]} parameters: their term of {@code Σ ∂m/∂a_k · ȧ_k} is the dot product of the
 * gradient's component with the argument's tangent, written out as a loop the reverse mode differentiates
 * like any other,
 *
 * <pre>{@code
 * double[] _arg$1 = a.clone();                   // never written: the reverse reads the argument as it was
 * double[] _gc$2 = FGrad.mGradient(_arg$1, x).a(); // its reverse: FGrad.mHvp(_arg$1, x, adjoint of _gc$2, 0)
 * double[] _dir$3 = t$a.clone();
 * double _dot$3 = 0.0;
 * for (int _k$4 = 0; _k$4 < _gc$1.length; _k$4++) _dot$3 = _dot$3 + _gc$1[_k$4] * _dir$2[_k$4];
 * }</pre>
 *
 * so that the reverse sweep of the tangent program goes through the callee's {@code mHvp} with an array
 * direction. A {@code double[][]} parameter is the same with a deep copy ({@link Expr.Clone} of a matrix,
 * which only generated code writes: {@code ArrayAdjoints.copyOf}, whose adjoint is added back row by row)
 * and a double loop over the rows and their elements (ragged rows included).
 */
final class ArrayDirections {
  private ArrayDirections() {}

  /**
   * Appends {@code double[] _arg$N = array.clone();} and returns {@code _arg$N}: a copy no later statement
   * writes into, so that the reverse sweep reads the values the call saw (and no alias of the array).
   */
  static Expr.Var copy(Expr array, List<Stmt> out, Origin origin, BiFunction<String, Type, Expr.Var> temp) {
    return copy(array, "_arg", out, origin, temp);
  }

  private static Expr.Var copy(Expr array, String prefix, List<Stmt> out, Origin origin,
      BiFunction<String, Type, Expr.Var> temp) {
    Expr.Var copy = temp.apply(prefix, array.type());
    out.add(new Stmt.Declare(copy, new Expr.Clone(array), origin));
    return copy;
  }

  /** Whether the tangent of a call may go through the gradient for a parameter of {@code type}. */
  static boolean supported(Type type) {
    return type == Type.DOUBLE || type == Type.VECTOR || type == Type.MATRIX;
  }

  /**
   * Appends to {@code out} the loop computing {@code component · tangent} and returns the variable holding it.
   *
   * @param temp makes a fresh local from a name prefix and a type
   */
  static Expr dot(Expr component, Expr tangent, List<Stmt> out, Origin origin,
      BiFunction<String, Type, Expr.Var> temp) {
    Expr.Var gradient = temp.apply("_gc", component.type());
    out.add(new Stmt.Declare(gradient, component, origin));
    Expr.Var direction = copy(tangent, "_dir", out, origin, temp);
    Expr.Var dot = temp.apply("_dot", Type.DOUBLE);
    out.add(new Stmt.Declare(dot, DerivativeRules.literal("0.0"), origin));
    if (component.type() == Type.MATRIX) {
      // for (int _r = 0; _r < _gc.length; _r++) for (int _k = 0; _k < _gc[_r].length; _k++) _dot += ...
      Expr.Var r = temp.apply("_r", Type.INT);
      out.add(new Stmt.Declare(r, Expr.Literal.ofInt(0), origin));
      List<Stmt> row = new java.util.ArrayList<>();
      accumulate(new Expr.Index(gradient, r, Type.VECTOR), new Expr.Index(direction, r, Type.VECTOR), dot, row,
          origin, temp);
      row.add(increment(r, origin));
      out.add(new Stmt.While(less(r, gradient), Stmt.Block.of(row), origin));
    } else {
      accumulate(gradient, direction, dot, out, origin, temp);
    }
    return dot;
  }

  /** {@code for (int _k = 0; _k < g.length; _k++) dot = dot + g[_k] * d[_k];} */
  private static void accumulate(Expr gradient, Expr direction, Expr.Var dot, List<Stmt> out, Origin origin,
      BiFunction<String, Type, Expr.Var> temp) {
    Expr.Var k = temp.apply("_k", Type.INT);
    out.add(new Stmt.Declare(k, Expr.Literal.ofInt(0), origin));
    Expr product = new Expr.Binary(Expr.BinaryOp.MUL, new Expr.Index(gradient, k, Type.DOUBLE),
        new Expr.Index(direction, k, Type.DOUBLE), Type.DOUBLE);
    out.add(new Stmt.While(less(k, gradient),
        Stmt.Block.of(List.of(
            new Stmt.Assign(dot, new Expr.Binary(Expr.BinaryOp.ADD, dot, product, Type.DOUBLE), origin),
            increment(k, origin))),
        origin));
  }

  private static Expr less(Expr.Var counter, Expr array) {
    return new Expr.Binary(Expr.BinaryOp.LT, counter, new Expr.Length(array), Type.BOOLEAN);
  }

  private static Stmt increment(Expr.Var counter, Origin origin) {
    return new Stmt.Assign(counter, new Expr.Binary(Expr.BinaryOp.ADD, counter, Expr.Literal.ofInt(1), Type.INT),
        origin);
  }

  /** The zero tangent of a row {@code {a, b, ...}} of an array initializer: {@code {0.0, 0.0, ...}}. */
  static Expr zeroRows(Expr.ArrayInit rows) {
    List<Expr> zeros = new java.util.ArrayList<>();
    for (int k = 0; k < rows.elements().size(); k++) {
      zeros.add(DerivativeRules.literal("0.0"));
    }
    return new Expr.ArrayInit(rows.type(), zeros);
  }
}
