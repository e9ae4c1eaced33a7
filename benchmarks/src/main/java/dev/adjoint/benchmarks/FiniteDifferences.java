package dev.adjoint.benchmarks;

import java.util.function.ToDoubleFunction;

/** Central finite differences, {@code (f(x + h e_i) - f(x - h e_i)) / 2h}: two forward passes per input. */
public final class FiniteDifferences {
  private FiniteDifferences() {}

  /** Step for inputs of order one; scaled by {@code max(1, |x_i|)}. */
  static final double H = 1e-6;

  /** The gradient of {@code f} at {@code x}; perturbs a copy of {@code x}, never {@code x} itself. */
  public static double[] gradient(ToDoubleFunction<double[]> f, double[] x) {
    double[] p = x.clone();
    double[] g = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      double xi = p[i];
      double h = H * Math.max(1.0, Math.abs(xi));
      p[i] = xi + h;
      double up = f.applyAsDouble(p);
      p[i] = xi - h;
      double down = f.applyAsDouble(p);
      p[i] = xi;
      g[i] = (up - down) / (2 * h);
    }
    return g;
  }
}
