package dev.adjoint;

/**
 * The reduction loops behind {@link Tensor}'s sums, extrema and softmax, on row-major {@code double[]}
 * storage and without autograd. A reduction along dimension {@code d} views the shape as
 * {@code [outer, len, inner]}.
 */
final class ReductionKernels {
  private ReductionKernels() {}

  /** The sum of all entries. */
  static double sum(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return s;
  }

  /** The sums along {@code d}, shape {@code [outer, inner]}. */
  static double[] sum(double[] x, int[] shape, int d) {
    int outer = Shapes.outer(shape, d);
    int len = shape[d];
    int inner = Shapes.inner(shape, d);
    double[] r = new double[outer * inner];
    for (int o = 0; o < outer; o++) {
      for (int k = 0; k < len; k++) {
        int base = (o * len + k) * inner;
        for (int i = 0; i < inner; i++) {
          r[o * inner + i] += x[base + i];
        }
      }
    }
    return r;
  }

  /** The largest (or smallest) entry; NaN if any entry is NaN. {@code x} must not be empty. */
  static double extremum(double[] x, boolean isMax) {
    double best = x[0];
    for (double v : x) {
      if (Double.isNaN(v)) {
        best = v;
        break;
      }
      best = isMax ? Math.max(best, v) : Math.min(best, v);
    }
    return best;
  }

  /** Weights {@code 1/count} at the entries equal to {@code y} (NaN matching NaN), 0 elsewhere. */
  static double[] tieWeights(double[] x, double y) {
    double[] w = new double[x.length];
    int count = 0;
    for (int i = 0; i < x.length; i++) {
      if (x[i] == y || Double.isNaN(y) && Double.isNaN(x[i])) {
        w[i] = 1;
        count++;
      }
    }
    for (int i = 0; i < w.length; i++) {
      w[i] /= count;
    }
    return w;
  }

  /** The largest (or smallest) entries along {@code d} (NaN-propagating), shape {@code [outer, inner]}. */
  static double[] extremum(double[] x, int[] shape, int d, boolean isMax) {
    int outer = Shapes.outer(shape, d);
    int len = shape[d];
    int inner = Shapes.inner(shape, d);
    double[] r = new double[outer * inner];
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        double best = x[o * len * inner + i];
        for (int k = 1; k < len && !Double.isNaN(best); k++) {
          double v = x[(o * len + k) * inner + i];
          best = Double.isNaN(v) ? v : isMax ? Math.max(best, v) : Math.min(best, v);
        }
        r[o * inner + i] = best;
      }
    }
    return r;
  }

  /** Per slice along {@code d}, weights {@code 1/count} at the entries equal to that slice's {@code y}. */
  static double[] tieWeights(double[] x, double[] y, int[] shape, int d) {
    int outer = Shapes.outer(shape, d);
    int len = shape[d];
    int inner = Shapes.inner(shape, d);
    double[] w = new double[x.length];
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        double best = y[o * inner + i];
        int count = 0;
        for (int k = 0; k < len; k++) {
          int at = (o * len + k) * inner + i;
          if (x[at] == best || Double.isNaN(best) && Double.isNaN(x[at])) {
            w[at] = 1;
            count++;
          }
        }
        for (int k = 0; k < len; k++) {
          w[(o * len + k) * inner + i] /= count;
        }
      }
    }
    return w;
  }

  /** Softmax (or log-softmax) along {@code d}, computed stably by subtracting each slice's maximum. */
  static double[] softmax(double[] x, int[] shape, int d, boolean log) {
    int outer = Shapes.outer(shape, d);
    int len = shape[d];
    int inner = Shapes.inner(shape, d);
    double[] r = new double[x.length];
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        int base = o * len * inner + i;
        double m = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < len; k++) {
          m = Math.max(m, x[base + k * inner]);
        }
        if (m == Double.NEGATIVE_INFINITY) {
          m = 0;
        }
        double s = 0;
        for (int k = 0; k < len; k++) {
          s += Math.exp(x[base + k * inner] - m);
        }
        double lse = m + Math.log(s);
        for (int k = 0; k < len; k++) {
          int at = base + k * inner;
          r[at] = log ? x[at] - lse : Math.exp(x[at] - lse);
        }
      }
    }
    return r;
  }

  /**
   * The index along {@code d} of each slice's largest (or smallest) entry, shape {@code [outer, inner]}:
   * the first such entry, or the first NaN (NaN counts as the extremum, as PyTorch's {@code argmax}).
   */
  static int[] argExtremum(double[] x, int[] shape, int d, boolean isMax) {
    int outer = Shapes.outer(shape, d);
    int len = shape[d];
    int inner = Shapes.inner(shape, d);
    int[] r = new int[outer * inner];
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        int base = o * len * inner + i;
        int best = 0;
        double bv = x[base];
        for (int k = 1; k < len && !Double.isNaN(bv); k++) {
          double v = x[base + k * inner];
          if (Double.isNaN(v) || (isMax ? v > bv : v < bv)) {
            best = k;
            bv = v;
          }
        }
        r[o * inner + i] = best;
      }
    }
    return r;
  }

  /** Inclusive prefix sums along {@code d}; from the end of each slice when {@code reverse}. */
  static double[] cumsum(double[] x, int[] shape, int d, boolean reverse) {
    int outer = Shapes.outer(shape, d);
    int len = shape[d];
    int inner = Shapes.inner(shape, d);
    double[] r = new double[x.length];
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        int base = o * len * inner + i;
        double s = 0;
        for (int j = 0; j < len; j++) {
          int at = base + (reverse ? len - 1 - j : j) * inner;
          s += x[at];
          r[at] = s;
        }
      }
    }
    return r;
  }

  /** The products along {@code d}, shape {@code [outer, inner]}. */
  static double[] prod(double[] x, int[] shape, int d) {
    int outer = Shapes.outer(shape, d);
    int len = shape[d];
    int inner = Shapes.inner(shape, d);
    double[] r = new double[outer * inner];
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        double p = 1;
        for (int k = 0; k < len; k++) {
          p *= x[(o * len + k) * inner + i];
        }
        r[o * inner + i] = p;
      }
    }
    return r;
  }

  /** For each entry, the product of the other entries of its slice along {@code d} (exact with zeros). */
  static double[] prodOfOthers(double[] x, int[] shape, int d) {
    int outer = Shapes.outer(shape, d);
    int len = shape[d];
    int inner = Shapes.inner(shape, d);
    double[] r = new double[x.length];
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        int base = o * len * inner + i;
        double before = 1;
        for (int k = 0; k < len; k++) {
          r[base + k * inner] = before;
          before *= x[base + k * inner];
        }
        double after = 1;
        for (int k = len - 1; k >= 0; k--) {
          r[base + k * inner] *= after;
          after *= x[base + k * inner];
        }
      }
    }
    return r;
  }
}
