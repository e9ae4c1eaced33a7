package dev.adjoint.benchmarks;

import java.util.function.DoubleSupplier;

/**
 * Inputs of the GradBench evals, derived deterministically in Java ({@link Inputs}' SplitMix64 streams; GradBench
 * draws the same distributions from numpy's {@code np.random.seed(31337)}, which is not reproduced bit for bit),
 * and the finite-difference probe every GradBench benchmark's {@code @Setup} runs.
 */
final class GradBenchInputs {
  private GradBenchInputs() {}

  /** A {@code rows × cols} matrix of uniforms in [0, 1) from stream {@code seed}. */
  static double[][] uniformMatrix(long seed, int rows, int cols) {
    double[] flat = Inputs.uniform(seed, rows * cols, 0, 1);
    return reshape(flat, rows, cols);
  }

  /** A {@code rows × cols} matrix of standard normals from stream {@code seed}. */
  static double[][] normalMatrix(long seed, int rows, int cols) {
    return reshape(Inputs.normal(seed, rows * cols), rows, cols);
  }

  static double[][] reshape(double[] flat, int rows, int cols) {
    double[][] out = new double[rows][cols];
    for (int i = 0; i < rows; i++) {
      System.arraycopy(flat, i * cols, out[i], 0, cols);
    }
    return out;
  }

  /**
   * Central difference of {@code f} in {@code arr[i]} (perturbed in place and restored), checked against
   * {@code expected}; the tolerance is relative to {@code max(|expected|, scale)}.
   */
  static void probe(String what, DoubleSupplier f, double[] arr, int i, double expected, double scale) {
    double xi = arr[i];
    double h = FiniteDifferences.H * Math.max(1, Math.abs(xi));
    arr[i] = xi + h;
    double up = f.getAsDouble();
    arr[i] = xi - h;
    double down = f.getAsDouble();
    arr[i] = xi;
    double fd = (up - down) / (2 * h);
    double tol = Check.FD * Math.max(Math.max(Math.abs(expected), scale), 1e-12);
    if (!(Math.abs(fd - expected) <= tol)) {
      throw new IllegalStateException("gradient check failed: " + what + "[" + i + "]: hand-written " + expected
          + ", central difference " + fd + " (tolerance " + tol + ")");
    }
  }

  /** Probes {@code count} coordinates of {@code arr} spread over it (first and last included). */
  static void probeSome(String what, DoubleSupplier f, double[] arr, double[] expected, int count, double scale) {
    for (int c = 0; c < count; c++) {
      int i = count == 1 ? 0 : (int) ((long) c * (arr.length - 1) / (count - 1));
      probe(what, f, arr, i, expected[i], scale);
    }
  }

  /**
   * Exact agreement of two gradients relative to their largest entry (not to 1: ode's gradients are tiny); an
   * all-zero expected gradient must be matched exactly.
   */
  static void same(String what, double[] expected, double[] actual) {
    double scale = 0;
    for (double e : expected) {
      scale = Math.max(scale, Math.abs(e));
    }
    for (int i = 0; i < expected.length; i++) {
      if (!(Math.abs(expected[i] - actual[i]) <= Check.EXACT * scale)) {
        throw new IllegalStateException("gradient check failed: " + what + "[" + i + "]: hand-written " + expected[i]
            + ", Adjoint " + actual[i]);
      }
    }
  }

  static void same(String what, double[][] expected, double[][] actual) {
    for (int i = 0; i < expected.length; i++) {
      same(what + "[" + i + "]", expected[i], actual[i]);
    }
  }

  /** {@code log Γ(x)} for x > 0 (Lanczos, g = 7, 9 terms; about 15 digits), for gmm's parameter-free constant. */
  static double logGamma(double x) {
    if (x < 0.5) {
      return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
    }
    double[] c = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
        -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
        1.5056327351493116e-7};
    x -= 1;
    double a = c[0];
    double t = x + 7.5;
    for (int i = 1; i < 9; i++) {
      a += c[i] / (x + i);
    }
    return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
  }

  /** ADBench's {@code log_gamma_distrib(a, p)}: {@code log Γ_p(a)}, the multivariate log-gamma function. */
  static double logGammaDistrib(double a, int p) {
    double out = 0.25 * p * (p - 1) * Math.log(Math.PI);
    for (int j = 1; j <= p; j++) {
      out += logGamma(a + 0.5 * (1 - j));
    }
    return out;
  }
}
