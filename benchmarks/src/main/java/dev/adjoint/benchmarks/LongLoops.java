package dev.adjoint.benchmarks;

import dev.adjoint.Differentiable;

/** A long loop with no hint in the source, for {@link CheckpointScaling} (issue 13, item 5). */
public final class LongLoops {
  private LongLoops() {}

  /**
   * Explicit Euler for a damped oscillator x'' = -p0 x - p1 x' over {@code n} steps of 1e-6 from x = 1,
   * v = 0; the energy-like x² + v² at the end.
   */
  @Differentiable
  public static double euler(double[] p, int n) {
    double x = 1;
    double v = 0;
    double h = 1e-6;
    for (int i = 0; i < n; i++) {
      double a = -p[0] * x - p[1] * v;
      double xn = x + h * v;
      v = v + h * a;
      x = xn;
    }
    return x * x + v * v;
  }
}
