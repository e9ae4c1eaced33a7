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

  /**
   * Explicit Euler for a reaction-diffusion equation u' = p0 u'' - p1 u³ on {@code cells} points (fixed ends
   * at 0) over {@code n} steps of 1e-3 from a sine; the sum of squares at the end. Its state is two arrays of
   * {@code cells} doubles: with many steps the snapshots, not only the tape, outgrow a small heap.
   */
  @Differentiable
  public static double heat(double[] p, int cells, int n) {
    double[] u = new double[cells];
    double[] next = new double[cells];
    for (int j = 0; j < cells; j++) {
      u[j] = Math.sin(Math.PI * (j + 1) / (cells + 1));
    }
    double h = 1e-3;
    for (int i = 0; i < n; i++) {
      for (int j = 1; j < cells - 1; j++) {
        next[j] = u[j] + h * (p[0] * (u[j - 1] - 2 * u[j] + u[j + 1]) - p[1] * u[j] * u[j] * u[j]);
      }
      for (int j = 1; j < cells - 1; j++) {
        u[j] = next[j];
      }
    }
    double s = 0;
    for (int j = 0; j < cells; j++) {
      s += u[j] * u[j];
    }
    return s;
  }
}
