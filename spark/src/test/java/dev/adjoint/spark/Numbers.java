package dev.adjoint.spark;

/** Helpers for the tests. */
final class Numbers {
  private Numbers() {}

  /** ‖a − b‖ / ‖b‖. */
  static double relativeDifference(double[] a, double[] b) {
    double diff = 0;
    double norm = 0;
    for (int i = 0; i < a.length; i++) {
      diff += (a[i] - b[i]) * (a[i] - b[i]);
      norm += b[i] * b[i];
    }
    return Math.sqrt(diff / norm);
  }

  /** Seeded parameters away from zero, so that no gradient entry vanishes by symmetry. */
  static double[] parameters(int n, long seed) {
    java.util.Random r = new java.util.Random(seed);
    double[] p = new double[n];
    for (int i = 0; i < n; i++) {
      p[i] = 0.5 * r.nextGaussian();
    }
    return p;
  }
}
