package dev.adjoint;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * The element-wise loops behind {@link Tensor}'s arithmetic and functions, on row-major {@code double[]}
 * storage and without autograd: broadcasting binary operations, unary maps and the in-place updates.
 */
final class PointwiseKernels {
  private PointwiseKernels() {}

  /** {@code f(x, y)} element-wise over the broadcast shape {@code s} of {@code xs} and {@code ys}. */
  static double[] binary(double[] x, int[] xs, double[] y, int[] ys, int[] s, DoubleBinaryOperator f) {
    int n = Shapes.numel(s);
    double[] r = new double[n];
    if (x.length == n && y.length == n) {
      for (int i = 0; i < n; i++) {
        r[i] = f.applyAsDouble(x[i], y[i]);
      }
    } else if (x.length == n && y.length == 1) {
      double c = y[0];
      for (int i = 0; i < n; i++) {
        r[i] = f.applyAsDouble(x[i], c);
      }
    } else if (x.length == 1 && y.length == n) {
      double c = x[0];
      for (int i = 0; i < n; i++) {
        r[i] = f.applyAsDouble(c, y[i]);
      }
    } else {
      int[] ia = Shapes.broadcastIndex(xs, s);
      int[] ib = Shapes.broadcastIndex(ys, s);
      for (int i = 0; i < n; i++) {
        r[i] = f.applyAsDouble(x[ia[i]], y[ib[i]]);
      }
    }
    return r;
  }

  /** {@code f(x)} element-wise, into a fresh array. */
  static double[] map(double[] x, DoubleUnaryOperator f) {
    double[] r = new double[x.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = f.applyAsDouble(x[i]);
    }
    return r;
  }

  /** {@code d = f(d, o)} in place, {@code o} (of shape {@code os}) broadcast to {@code ds}. */
  static void inPlace(double[] d, int[] ds, double[] o, int[] os, DoubleBinaryOperator f) {
    if (o.length == d.length) {
      for (int i = 0; i < d.length; i++) {
        d[i] = f.applyAsDouble(d[i], o[i]);
      }
    } else {
      int[] idx = Shapes.broadcastIndex(os, ds);
      for (int i = 0; i < d.length; i++) {
        d[i] = f.applyAsDouble(d[i], o[idx[i]]);
      }
    }
  }

  /** {@code d *= factor} in place. */
  static void scale(double[] d, double factor) {
    for (int i = 0; i < d.length; i++) {
      d[i] *= factor;
    }
  }

  /** {@code d += o} in place (equal lengths). */
  static void addInto(double[] d, double[] o) {
    for (int i = 0; i < d.length; i++) {
      d[i] += o[i];
    }
  }

  /** A copy of {@code x} with the entries where {@code mask} is true set to zero. */
  static double[] maskZero(double[] x, boolean[] mask) {
    double[] r = x.clone();
    for (int i = 0; i < r.length; i++) {
      if (mask[i]) {
        r[i] = 0;
      }
    }
    return r;
  }

  /** {@code sign(x)} with {@code sign(0) = 0} and {@code sign(NaN) = NaN}. */
  static double[] sign(double[] x) {
    double[] sign = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      sign[i] = x[i] > 0 ? 1 : x[i] < 0 ? -1 : x[i] == 0 ? 0 : Double.NaN;
    }
    return sign;
  }
}
