package dev.adjoint.processor.read;

import com.sun.source.tree.ArrayTypeTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.PrimitiveTypeTree;
import com.sun.source.tree.Tree;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.type.TypeKind;

/**
 * New arrays and the values assigned to array variables: which array expressions are fresh (share nothing
 * with another variable) and so may be held by a variable that is later written. {@code int[]} and
 * {@code boolean[]} values are {@link IntArrays}'.
 */
final class ArrayValues {
  private final MethodReader reader;
  private final IntArrays intArrays;

  ArrayValues(MethodReader reader, IntArrays intArrays) {
    this.reader = reader;
    this.intArrays = intArrays;
  }

  /**
   * The value assigned to an array variable: a new array ({@code new}, an initializer, {@code clone()}) or a
   * {@code @Differentiable} call, whose result may still share an argument or a constant: that is decided
   * from the callee's summary by {@code analyze.AliasPolicy}. Another array variable would alias and is
   * refused; {@code return} may return any array expression since nothing writes to it afterwards.
   */
  Expr value(ExpressionTree t, Type type, boolean isReturn) {
    ExpressionTree e = MethodReader.unparen(t);
    Expr value;
    if (e instanceof NewArrayTree na && na.getType() == null) {
      value = initializer(na, (Type.DoubleArray) type);
    } else {
      value = reader.expression(e);
    }
    if (!value.type().equals(type)) {
      throw new Unsupported(t, "expected " + type.java() + " but this is " + value.type().java());
    }
    boolean fresh = value instanceof Expr.NewArray || value instanceof Expr.ArrayInit || value instanceof Expr.Clone
        || value instanceof Expr.Call;
    if (!fresh && !isReturn) {
      throw new Unsupported(t, "assigning an existing array to another variable makes an alias, which Adjoint"
          + " does not support: copy it with .clone() or write its elements into a new array");
    }
    if (!fresh && !(value instanceof Expr.Var || value instanceof Expr.Index)) {
      throw new Unsupported(t, "return a local array variable, a new array or a call");
    }
    return value;
  }

  private Expr initializer(NewArrayTree na, Type.DoubleArray type) {
    List<Expr> elements = new ArrayList<>();
    for (ExpressionTree init : na.getInitializers()) {
      if (type.rank() == 2) {
        ExpressionTree row = MethodReader.unparen(init);
        if (row instanceof NewArrayTree r && r.getType() == null) {
          elements.add(initializer(r, Type.VECTOR));
        } else {
          Expr rowValue = reader.expression(row);
          if (!(rowValue instanceof Expr.ArrayInit || rowValue instanceof Expr.NewArray)) {
            throw new Unsupported(init, "matrix rows must be written out here ({a, b}) so that no row is shared");
          }
          elements.add(rowValue);
        }
      } else {
        elements.add(reader.convert(reader.expression(init), Type.DOUBLE, init));
      }
    }
    return new Expr.ArrayInit(type, elements);
  }

  /** Whether {@code e} is a new array or a copy, which shares nothing. */
  static boolean isNew(Expr e) {
    return e instanceof Expr.Clone || e instanceof Expr.NewArray || e instanceof Expr.ArrayInit;
  }

  /** {@code new double[n]}, {@code new double[m][n]}, {@code new int[n]}, ..., with or without initializer. */
  Expr newArray(NewArrayTree na) {
    if (na.getType() == null) {
      throw new Unsupported(na, "an array initializer needs its type here: new double[] {...}");
    }
    int rank = 1;
    Tree elementType = na.getType();
    while (elementType instanceof ArrayTypeTree at) {
      rank++;
      elementType = at.getType();
    }
    rank = Math.max(rank, na.getDimensions().size());
    if (elementType instanceof PrimitiveTypeTree p && (p.getPrimitiveTypeKind() == TypeKind.INT
        || p.getPrimitiveTypeKind() == TypeKind.BOOLEAN)) {
      return intArrays.newArray(na, p.getPrimitiveTypeKind() == TypeKind.INT
          ? Type.INT_VECTOR : Type.BOOLEAN_VECTOR, rank);
    }
    if (!(elementType instanceof PrimitiveTypeTree p) || p.getPrimitiveTypeKind() != TypeKind.DOUBLE) {
      throw new Unsupported(na, "only double, int and boolean arrays can be created in a @Differentiable method");
    }
    if (rank > 2) {
      throw new Unsupported(na, "arrays of rank above 2 are not supported: use double[] or double[][]");
    }
    Type.DoubleArray type = new Type.DoubleArray(rank);
    if (na.getInitializers() != null) {
      return initializer(na, type);
    }
    List<Expr> dims = new ArrayList<>();
    for (ExpressionTree d : na.getDimensions()) {
      Expr dim = reader.expression(d);
      if (dim.type() != Type.INT) {
        throw new Unsupported(d, "an array dimension must be an int");
      }
      dims.add(dim);
    }
    return new Expr.NewArray(type, dims);
  }
}
