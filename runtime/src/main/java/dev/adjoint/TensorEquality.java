package dev.adjoint;

import java.util.Arrays;

/** {@link Tensor}'s value equality, hash and tolerance comparison (shape and values; graph state ignored). */
final class TensorEquality {
  private TensorEquality() {}

  /** See {@link Tensor#equals}: same shape, same values, NaN equal to NaN. */
  static boolean equal(Tensor a, Tensor b) {
    if (!Arrays.equals(a.shapeRef(), b.shapeRef())) {
      return false;
    }
    double[] x = a.values();
    double[] y = b.values();
    for (int i = 0; i < x.length; i++) {
      double u = x[i];
      double v = y[i];
      if (!(u == v || Double.isNaN(u) && Double.isNaN(v))) {
        return false;
      }
    }
    return true;
  }

  /** See {@link Tensor#hashCode}: consistent with {@link #equal} (both zeros hash alike). */
  static int hash(Tensor t) {
    int h = Arrays.hashCode(t.shapeRef());
    for (double v : t.values()) {
      h = 31 * h + Double.hashCode(v == 0 ? 0.0 : v);
    }
    return h;
  }

  /** See {@link Tensor#allClose(Tensor, double, double)}. */
  static boolean allClose(Tensor a, Tensor b, double rtol, double atol) {
    if (!Arrays.equals(a.shapeRef(), b.shapeRef())) {
      return false;
    }
    double[] x = a.values();
    double[] y = b.values();
    for (int i = 0; i < x.length; i++) {
      double u = x[i];
      double v = y[i];
      if (u == v) {
        continue;
      }
      if (!(Math.abs(u - v) <= atol + rtol * Math.abs(v))) {
        return false;
      }
    }
    return true;
  }
}
