package dev.adjoint.samples;

import dev.adjoint.Differentiable;

/**
 * The functions of the seed article ("PyTorch 中 backward() 详解", see {@code seed/README.md}) written as
 * plain Java over {@code double[]} and {@code double[][]}.
 *
 * <p>Each method is {@link Differentiable}: while this class compiles, the Adjoint processor writes the
 * companion {@code SeedGrad} next to it, holding for every method {@code m} its forward pass
 * ({@code SeedGrad.m}), a forward pass that keeps the graph ({@code SeedGrad.mForward}, returning an
 * {@code MTape} whose {@code backward(upstream[, retainGraph])} is the reverse pass) and the one-call
 * vector-Jacobian product {@code SeedGrad.mVjp}. Nothing in this class refers to the companion.
 *
 * <p>Example 5 reuses {@link #mixed} (the Jacobian of example 4) and has no function of its own.
 */
public final class Seed {
  private Seed() {}

  /**
   * Example 1: {@code b = a + 3; c = b * b * 3; out = mean(c)}.
   *
   * @param a the input vector (the article uses {@code [2, 3]})
   * @return the mean of {@code 3 (a + 3)²}; its gradient is {@code 6 (a + 3) / n}
   */
  @Differentiable
  public static double meanOfSquares(double[] a) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      double b = a[i] + 3;
      double c = b * b * 3;
      sum += c;
    }
    return sum / a.length;
  }

  /**
   * Example 2: {@code y = x + 1}, elementwise. The article calls {@code y.backward()} on it without an
   * upstream, which PyTorch refuses at run time because {@code y} is not a scalar; here the companion's
   * {@code PlusOneTape} simply has no {@code backward()} without an upstream, so that call does not compile.
   *
   * @param x a rectangular matrix (the article's is the {@code 2 × 2} matrix of ones)
   * @return {@code x + 1}
   */
  @Differentiable
  public static double[][] plusOne(double[][] x) {
    double[][] y = new double[x.length][x[0].length];
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < x[i].length; j++) {
        y[i][j] = x[i][j] + 1;
      }
    }
    return y;
  }

  /**
   * Example 3: {@code n = [m0², m1³]}.
   *
   * @param m a vector of length 2
   * @return {@code [m0², m1³]}; its Jacobian is {@code diag(2 m0, 3 m1²)}
   */
  @Differentiable
  public static double[] squareAndCube(double[] m) {
    double[] n = new double[2];
    n[0] = m[0] * m[0];
    n[1] = m[1] * m[1] * m[1];
    return n;
  }

  /**
   * Example 4 (and 5, its Jacobian): {@code k = [m0² + 3 m1, m1² + 2 m0]}.
   *
   * @param m a vector of length 2
   * @return {@code [m0² + 3 m1, m1² + 2 m0]}; its Jacobian is {@code [[2 m0, 3], [2, 2 m1]]}
   */
  @Differentiable
  public static double[] mixed(double[] m) {
    double[] k = new double[2];
    k[0] = m[0] * m[0] + 3 * m[1];
    k[1] = m[1] * m[1] + 2 * m[0];
    return k;
  }

  /**
   * Example 6: the matrix product {@code z = x · y}, written as loops.
   *
   * @param x a {@code p × q} matrix (the article's is {@code 1 × 2})
   * @param y a {@code q × r} matrix (the article's is {@code 2 × 2})
   * @return the {@code p × r} product; the reverse pass gives {@code dx = g · yᵀ} and {@code dy = xᵀ · g}
   */
  @Differentiable
  public static double[][] matmul(double[][] x, double[][] y) {
    int p = x.length;
    int q = y.length;
    int r = y[0].length;
    double[][] z = new double[p][r];
    for (int i = 0; i < p; i++) {
      for (int j = 0; j < r; j++) {
        double s = 0;
        for (int t = 0; t < q; t++) {
          s += x[i][t] * y[t][j];
        }
        z[i][j] = s;
      }
    }
    return z;
  }

  /**
   * Example 7: {@code sum(w * w)}.
   *
   * @param w the input vector
   * @return {@code Σ wᵢ²}; its gradient is {@code 2 w}
   */
  @Differentiable
  public static double sumOfSquares(double[] w) {
    double s = 0;
    for (int i = 0; i < w.length; i++) {
      s += w[i] * w[i];
    }
    return s;
  }
}
