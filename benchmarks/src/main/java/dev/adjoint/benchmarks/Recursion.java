package dev.adjoint.benchmarks;

import dev.adjoint.Differentiable;

/** Recursive functions, written as a user would, for {@link RecursionScaling}. */
public final class Recursion {
  private Recursion() {}

  /** Horner's rule by recursion on the index: {@code c[i] + x (c[i+1] + x (...))}. */
  @Differentiable
  public static double horner(double[] c, double x, int i) {
    if (i == c.length - 1) {
      return c[i];
    }
    return c[i] + x * horner(c, x, i + 1);
  }
}
