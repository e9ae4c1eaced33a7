package dev.adjoint.benchmarks;

import dev.adjoint.Differentiable;

/** Functions for the forward-mode benchmarks ({@link JvpBench}): few inputs, many outputs. */
public final class ForwardFunctions {
  private ForwardFunctions() {}

  /** Points of a spiral of radius {@code r} turned by {@code t}: 2 inputs, 100 outputs. */
  @Differentiable
  public static double[] spiral(double t, double r) {
    double[] p = new double[100];
    for (int i = 0; i < 50; i++) {
      p[2 * i] = r * Math.cos(t * i);
      p[2 * i + 1] = r * Math.sin(t * i);
    }
    return p;
  }
}
