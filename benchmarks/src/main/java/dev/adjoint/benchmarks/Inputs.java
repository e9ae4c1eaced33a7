package dev.adjoint.benchmarks;

/**
 * Deterministic benchmark inputs that {@code pytorch_bench.py} reproduces bit for bit (SplitMix64, the top 53
 * bits as a uniform double in [0, 1), Box-Muller for normals), so Java and PyTorch see the same numbers.
 */
public final class Inputs {
  private Inputs() {}

  /** {@code n} uniforms in [lo, hi) from stream {@code seed}. */
  public static double[] uniform(long seed, int n, double lo, double hi) {
    double[] out = new double[n];
    long state = seed;
    for (int i = 0; i < n; i++) {
      state += 0x9E3779B97F4A7C15L;
      out[i] = lo + (hi - lo) * ((mix(state) >>> 11) * 0x1.0p-53);
    }
    return out;
  }

  /** {@code n} standard normals from stream {@code seed}: Box-Muller over pairs of uniforms. */
  public static double[] normal(long seed, int n) {
    double[] u = uniform(seed, 2 * n, 0, 1);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      double u1 = 1.0 - u[2 * i]; // in (0, 1]
      double u2 = u[2 * i + 1];
      out[i] = Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }
    return out;
  }

  /** {@code n} normals scaled by {@code scale}. */
  public static double[] normal(long seed, int n, double scale) {
    double[] out = normal(seed, n);
    for (int i = 0; i < n; i++) {
      out[i] *= scale;
    }
    return out;
  }

  /** {@code n} integers in [0, bound). */
  public static int[] classes(long seed, int n, int bound) {
    double[] u = uniform(seed, n, 0, 1);
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = (int) (u[i] * bound);
    }
    return out;
  }

  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
