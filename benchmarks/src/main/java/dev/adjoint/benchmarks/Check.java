package dev.adjoint.benchmarks;

import java.util.Arrays;

/**
 * Gradient agreement checks run once in each benchmark's {@code @Setup}: a benchmark of a wrong gradient
 * fails before it measures anything.
 */
final class Check {
  private Check() {}

  /** Tolerance between two exact gradients (generated, hand-written, forward mode): rounding only. */
  static final double EXACT = 1e-9;
  /** Tolerance of central differences against an exact gradient. */
  static final double FD = 1e-5;

  static void close(String what, double expected, double actual, double tol) {
    double scale = Math.max(1.0, Math.abs(expected));
    if (!(Math.abs(expected - actual) <= tol * scale)) {
      throw new IllegalStateException("gradient check failed: " + what + ": expected " + expected + " but got "
          + actual + " (tolerance " + tol + " relative)");
    }
  }

  static void close(String what, double[] expected, double[] actual, double tol) {
    if (expected.length != actual.length) {
      throw new IllegalStateException("gradient check failed: " + what + ": length " + expected.length + " vs "
          + actual.length);
    }
    double scale = 1.0;
    for (double e : expected) {
      scale = Math.max(scale, Math.abs(e));
    }
    for (int i = 0; i < expected.length; i++) {
      if (!(Math.abs(expected[i] - actual[i]) <= tol * scale)) {
        throw new IllegalStateException("gradient check failed: " + what + "[" + i + "]: expected " + expected[i]
            + " but got " + actual[i] + " (tolerance " + tol + " relative to max |g| = " + scale + "); expected "
            + abbreviate(expected) + ", got " + abbreviate(actual));
      }
    }
  }

  private static String abbreviate(double[] v) {
    return v.length <= 8 ? Arrays.toString(v) : Arrays.toString(Arrays.copyOf(v, 8)) + "...";
  }
}
