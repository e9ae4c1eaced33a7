package dev.adjoint.processor.modes;

import dev.adjoint.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Arguments of methods with {@code Tensor} parameters beside {@code double}, {@code double[]} and
 * {@code double[][]} ones, for the tensor forward-mode tests: flattening (row-major, a {@code double} one element),
 * copies, steps along tangents, and central differences of a method's (flattened) result.
 */
final class TensorArguments {
  private TensorArguments() {}

  /** Uniform tangents in [-1, 1), one per differentiable argument, shaped like it. */
  static Object[] tangents(Object[] args, boolean[] differentiable, long seed) {
    List<Object> v = new ArrayList<>();
    Random r = new Random(seed);
    for (int p = 0; p < args.length; p++) {
      if (differentiable[p]) {
        v.add(unflatten(r.doubles(flatten(args[p]).length, -1, 1).toArray(), args[p]));
      }
    }
    return v.toArray();
  }

  /** The arguments moved by h along v (v one per differentiable argument). */
  static Object[] shifted(Object[] args, boolean[] differentiable, Object[] v, double h) {
    Object[] out = copy(args);
    int at = 0;
    for (int p = 0; p < out.length; p++) {
      if (differentiable[p]) {
        out[p] = axpy(out[p], h, v[at++]);
      }
    }
    return out;
  }

  /** The Jacobian of {@code run} w.r.t. argument p by central differences: rows the result's elements. */
  static double[][] columns(Function<Object[], Object> run, Object[] args, int p, double h) {
    int n = flatten(args[p]).length;
    double[][] out = null;
    for (int j = 0; j < n; j++) {
      Object[] plus = copy(args);
      Object[] minus = copy(args);
      plus[p] = bump(args[p], j, h);
      minus[p] = bump(args[p], j, -h);
      double[] column = flatten(difference(run.apply(plus), run.apply(minus), h));
      if (out == null) {
        out = new double[column.length][n];
      }
      for (int r = 0; r < column.length; r++) {
        out[r][j] = column[r];
      }
    }
    return out;
  }

  /** {@code x} with element j (row-major) moved by h. */
  static Object bump(Object x, int j, double h) {
    double[] e = new double[flatten(x).length];
    e[j] = 1;
    return axpy(x, h, unflatten(e, x));
  }

  /** x + a·y for doubles, arrays, matrices and tensors. */
  static Object axpy(Object x, double a, Object y) {
    double[] xs = flatten(x);
    double[] ys = flatten(y);
    double[] out = new double[xs.length];
    for (int i = 0; i < xs.length; i++) {
      out[i] = xs[i] + a * ys[i];
    }
    return unflatten(out, x);
  }

  /** (plus - minus) / 2h, a double or a (flattened) array. */
  static Object difference(Object plus, Object minus, double h) {
    if (plus instanceof Double p) {
      return (p - (Double) minus) / (2 * h);
    }
    double[] a = flatten(plus);
    double[] b = flatten(minus);
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = (a[i] - b[i]) / (2 * h);
    }
    return out;
  }

  /** The shape of an argument as a tensor: {@code []} for a double, {@code [n]}, {@code [rows, columns]}. */
  static int[] shapeOf(Object x) {
    if (x instanceof Tensor t) {
      return t.shape();
    }
    if (x instanceof double[] a) {
      return new int[] {a.length};
    }
    if (x instanceof double[][] m) {
      return new int[] {m.length, m[0].length};
    }
    return new int[0];
  }

  static double[] flatten(Object x) {
    if (x instanceof Double d) {
      return new double[] {d};
    }
    if (x instanceof Tensor t) {
      return t.toArray();
    }
    if (x instanceof double[][] m) {
      return Arrays.stream(m).flatMapToDouble(Arrays::stream).toArray();
    }
    return ((double[]) x).clone();
  }

  /** {@code values} in the shape and type of {@code like}. */
  static Object unflatten(double[] values, Object like) {
    if (like instanceof Double) {
      return values[0];
    }
    if (like instanceof Tensor t) {
      return Tensor.fromArray(values, t.shape());
    }
    if (like instanceof double[][] m) {
      double[][] out = new double[m.length][];
      int at = 0;
      for (int i = 0; i < m.length; i++) {
        out[i] = Arrays.copyOfRange(values, at, at + m[i].length);
        at += m[i].length;
      }
      return out;
    }
    return values.clone();
  }

  /** Fresh copies of the arrays and tensors. */
  static Object[] copy(Object[] args) {
    Object[] out = args.clone();
    for (int i = 0; i < out.length; i++) {
      if (out[i] instanceof Tensor || out[i] instanceof double[] || out[i] instanceof double[][]) {
        out[i] = unflatten(flatten(out[i]), out[i]);
      }
    }
    return out;
  }

  /** Equal values (tensors: and shapes). */
  static boolean same(Object[] a, Object[] b) {
    for (int i = 0; i < a.length; i++) {
      boolean equal = a[i] instanceof Tensor t ? b[i] instanceof Tensor u && Arrays.equals(t.shape(), u.shape())
          && Arrays.equals(t.toArray(), u.toArray()) : Arrays.deepEquals(new Object[] {a[i]}, new Object[] {b[i]});
      if (!equal) {
        return false;
      }
    }
    return true;
  }

  static Object[] concat(Object[] a, Object[] b) {
    Object[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static int[] concat(int[] a, int[] b) {
    int[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
