package dev.adjoint.benchmarks;

/**
 * GradBench's gradient-descent solver for {@code saddle} and {@code particle} ({@code cpp/gradbench/gd.hpp}) in Java:
 * steps of size {@code eta} along the negated gradient, {@code eta} halved after a step that does not decrease the
 * objective and doubled after 10 that do, until the gradient or the step is at most {@code 1e-5}. Plain Java: the
 * derivatives come from the {@link Function} (Adjoint's generated gradients or hand-written ones).
 */
final class GradientDescent {
  private GradientDescent() {}

  /** An objective of a few variables and its gradient. */
  interface Function {
    double value(double[] x);

    /** Writes the gradient at {@code x} into {@code out}. */
    void gradient(double[] x, double[] out);
  }

  /** GradBench's {@code multivariate_argmin} from {@code start} (not modified). */
  static double[] argmin(Function f, double[] start) {
    int n = start.length;
    double[] x = start.clone();
    double[] gx = new double[n];
    double[] xPrime = new double[n];
    double fx = f.value(x);
    f.gradient(x, gx);
    int i = 0;
    double eta = 1e-5;
    while (true) {
      if (norm(gx) <= 1e-5) {
        return x;
      } else if (i == 10) {
        eta *= 2;
        i = 0;
      } else {
        for (int j = 0; j < n; j++) {
          xPrime[j] = x[j] - eta * gx[j];
        }
        double dist = 0;
        for (int j = 0; j < n; j++) {
          dist += (x[j] - xPrime[j]) * (x[j] - xPrime[j]);
        }
        if (Math.sqrt(dist) <= 1e-5) {
          return x;
        }
        double fxPrime = f.value(xPrime);
        if (fxPrime < fx) {
          System.arraycopy(xPrime, 0, x, 0, n);
          fx = fxPrime;
          f.gradient(x, gx);
          i++;
        } else {
          eta /= 2;
          i = 0;
        }
      }
    }
  }

  /** GradBench's {@code multivariate_argmax}: {@link #argmin} of the negated function. */
  static double[] argmax(Function f, double[] start) {
    return argmin(new Function() {
      @Override
      public double value(double[] x) {
        return -f.value(x);
      }

      @Override
      public void gradient(double[] x, double[] out) {
        f.gradient(x, out);
        for (int j = 0; j < out.length; j++) {
          out[j] = -out[j];
        }
      }
    }, start);
  }

  private static double norm(double[] v) {
    double s = 0;
    for (double e : v) {
      s += e * e;
    }
    return Math.sqrt(s);
  }
}
