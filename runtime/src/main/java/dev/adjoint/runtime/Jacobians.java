package dev.adjoint.runtime;

import dev.adjoint.Tensor;
import java.util.Arrays;

/**
 * Bookkeeping for the generated forward-mode members ({@code mJvp}, {@code mJacobian}, {@code mHessian}):
 * element counts, one-hot seeds and the copying of tangents and gradients into Jacobian rows and columns.
 * Elements are numbered row by row; a {@code double} is one element, a {@code null} row has none, a
 * {@code Tensor} (a parameter of a method with a {@code double} or array result) has its elements in row-major
 * order. The {@code Tensor} overloads read values and record nothing.
 */
public final class Jacobians {
  private Jacobians() {}

  /** One element. */
  public static int count(double value) {
    return 1;
  }

  /** The number of elements of {@code a}. */
  public static int count(double[] a) {
    return a.length;
  }

  /** The number of elements of {@code m}, row by row (ragged and {@code null} rows allowed). */
  public static int count(double[][] m) {
    int n = 0;
    for (double[] row : m) {
      n += row == null ? 0 : row.length;
    }
    return n;
  }

  /** {@code 1.0} for element 0 of a {@code double}, else {@code 0.0}. */
  public static double oneHot(double like, int k) {
    return k == 0 ? 1.0 : 0.0;
  }

  /** Zeros shaped like {@code like} with element {@code k} set to 1 (no element when {@code k} is out of range). */
  public static double[] oneHot(double[] like, int k) {
    double[] e = new double[like.length];
    if (k >= 0 && k < e.length) {
      e[k] = 1.0;
    }
    return e;
  }

  /** Zeros shaped like {@code like} with element {@code k} (row by row) set to 1 (none when out of range). */
  public static double[][] oneHot(double[][] like, int k) {
    double[][] e = ArrayAdjoints.zerosLike(like);
    if (k >= 0) {
      set(e, k, 1.0);
    }
    return e;
  }

  /** Element {@code k} of a {@code double}: the value itself. */
  public static double get(double value, int k) {
    return value;
  }

  /** Element {@code k} of {@code a}. */
  public static double get(double[] a, int k) {
    return a[k];
  }

  /** Element {@code k} of {@code m}, row by row. */
  public static double get(double[][] m, int k) {
    for (double[] row : m) {
      int n = row == null ? 0 : row.length;
      if (k < n) {
        return row[k];
      }
      k -= n;
    }
    throw new IndexOutOfBoundsException("element " + k + " past the end");
  }

  /** Sets element {@code k} of {@code a}. */
  public static void set(double[] a, int k, double value) {
    a[k] = value;
  }

  /** Sets element {@code k} of {@code m}, row by row. */
  public static void set(double[][] m, int k, double value) {
    for (double[] row : m) {
      int n = row == null ? 0 : row.length;
      if (k < n) {
        row[k] = value;
        return;
      }
      k -= n;
    }
  }

  /** {@code a · b}. */
  public static double dot(double a, double b) {
    return a * b;
  }

  /** {@code Σ a[i] b[i]}. */
  public static double dot(double[] a, double[] b) {
    double s = 0.0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  /** {@code Σ a[i][j] b[i][j]}. */
  public static double dot(double[][] a, double[][] b) {
    double s = 0.0;
    for (int i = 0; i < a.length; i++) {
      if (a[i] != null) {
        s += dot(a[i], b[i]);
      }
    }
    return s;
  }

  /** Writes {@code tangent} (the result's elements) into column {@code c} of {@code jacobian}. */
  public static void column(double[][] jacobian, int c, double tangent) {
    jacobian[0][c] = tangent;
  }

  /** Writes {@code tangent} (the result's elements) into column {@code c} of {@code jacobian}. */
  public static void column(double[][] jacobian, int c, double[] tangent) {
    for (int r = 0; r < tangent.length; r++) {
      jacobian[r][c] = tangent[r];
    }
  }

  /** Writes {@code tangent} (the result's elements, row by row) into column {@code c} of {@code jacobian}. */
  public static void column(double[][] jacobian, int c, double[][] tangent) {
    int r = 0;
    for (double[] row : tangent) {
      if (row != null) {
        for (double v : row) {
          jacobian[r++][c] = v;
        }
      }
    }
  }

  /** Writes {@code gradient} (a parameter's elements) into row {@code r} of {@code jacobian}. */
  public static void row(double[][] jacobian, int r, double gradient) {
    jacobian[r][0] = gradient;
  }

  /** Writes {@code gradient} (a parameter's elements) into row {@code r} of {@code jacobian}. */
  public static void row(double[][] jacobian, int r, double[] gradient) {
    System.arraycopy(gradient, 0, jacobian[r], 0, gradient.length);
  }

  /** Writes {@code gradient} (a parameter's elements, row by row) into row {@code r} of {@code jacobian}. */
  public static void row(double[][] jacobian, int r, double[][] gradient) {
    int c = 0;
    for (double[] row : gradient) {
      if (row != null) {
        System.arraycopy(row, 0, jacobian[r], c, row.length);
        c += row.length;
      }
    }
  }

  /** Writes {@code value} into {@code into} at {@code at}; returns the index after it. */
  public static int put(double[] into, int at, double value) {
    into[at] = value;
    return at + 1;
  }

  /** Writes the elements of {@code values} into {@code into} from {@code at}; returns the index after them. */
  public static int put(double[] into, int at, double[] values) {
    System.arraycopy(values, 0, into, at, values.length);
    return at + values.length;
  }

  /** Writes the elements of {@code values}, row by row, into {@code into} from {@code at}; returns the index after. */
  public static int put(double[] into, int at, double[][] values) {
    for (double[] row : values) {
      if (row != null) {
        at = put(into, at, row);
      }
    }
    return at;
  }

  /** Throws unless the tangent {@code tangent} of parameter {@code name} has exactly the shape of {@code primal}. */
  public static void requireTangentShape(double[] tangent, double[] primal, String name) {
    if (tangent == null || primal != null && tangent.length != primal.length) {
      throw new IllegalArgumentException("the tangent of '" + name + "' must have its shape: "
          + (tangent == null ? "it is null" : "it has " + tangent.length + " elements, '" + name + "' has "
          + primal.length));
    }
  }

  /** Throws unless the tangent {@code tangent} of parameter {@code name} has exactly the shape of {@code primal}. */
  public static void requireTangentShape(double[][] tangent, double[][] primal, String name) {
    boolean same = tangent != null && (primal == null || tangent.length == primal.length);
    for (int i = 0; same && primal != null && i < primal.length; i++) {
      same = primal[i] == null ? tangent[i] == null : tangent[i] != null && tangent[i].length == primal[i].length;
    }
    if (!same) {
      throw new IllegalArgumentException("the tangent of '" + name + "' must have its shape: it has shape "
          + (tangent == null ? "null" : Backward.describe(tangent)) + ", '" + name + "' has "
          + (primal == null ? "null" : Backward.describe(primal)));
    }
  }

  /** A tensor's elements. */
  public static int count(Tensor t) {
    return t.numel();
  }

  /** {@code <a, b>} over the elements of two tensors of one shape (a gradient and a tangent), recording nothing. */
  public static double dot(Tensor a, Tensor b) {
    double[] x = a.toArray();
    double[] y = b.toArray();
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += x[i] * y[i];
    }
    return s;
  }

  /** Writes {@code gradient} (a tensor parameter's elements, row-major) into row {@code r} of {@code jacobian}. */
  public static void row(double[][] jacobian, int r, Tensor gradient) {
    double[] g = gradient.toArray();
    System.arraycopy(g, 0, jacobian[r], 0, g.length);
  }

  /** Throws unless the tangent {@code tangent} of the tensor parameter {@code name} has exactly its shape. */
  public static void requireTangentShape(Tensor tangent, Tensor primal, String name) {
    if (tangent == null || primal != null && !Arrays.equals(tangent.shape(), primal.shape())) {
      throw new IllegalArgumentException("the tangent of '" + name + "' must have its shape: "
          + (tangent == null ? "it is null" : "it has shape " + Arrays.toString(tangent.shape()) + ", '" + name
          + "' has " + Arrays.toString(primal.shape())));
    }
  }
}
