package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The tiled matrix product against the textbook triple loop written here: bitwise equal (each entry sums its
 * terms in the same order), on shapes that are and are not multiples of the 4 × 4 tile, deeper than one
 * 256-deep pass, and with IEEE special values in tiled positions.
 */
class MatmulKernelsTest {

  private static double[] naive(double[] a, double[] b, int n, int k, int m) {
    double[] r = new double[n * m];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < m; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) {
          s += a[i * k + p] * b[p * m + j];
        }
        r[i * m + j] = s;
      }
    }
    return r;
  }

  private static double[] random(Random rnd, int length) {
    double[] x = new double[length];
    for (int i = 0; i < length; i++) {
      x[i] = rnd.nextGaussian();
    }
    return x;
  }

  @Test
  void tiledProductIsBitwiseTheTripleLoop() {
    Random rnd = new Random(11);
    int[][] shapes = {{4, 4, 4}, {5, 3, 7}, {8, 300, 12}, {13, 257, 9}, {64, 784, 10}, {6, 1, 6}, {4, 513, 5}, {9, 6, 600}, {8, 5, 257}};
    for (int[] s : shapes) {
      double[] a = random(rnd, s[0] * s[1]);
      double[] b = random(rnd, s[1] * s[2]);
      double[] r = new double[s[0] * s[2]];
      MatmulKernels.mm(a, 0, b, 0, r, 0, s[0], s[1], s[2]);
      assertArrayEquals(naive(a, b, s[0], s[1], s[2]), r, 0.0, s[0] + "x" + s[1] + "x" + s[2]);
    }
  }

  @Test
  void offsetsAddIntoTheResult() {
    Random rnd = new Random(12);
    double[] a = random(rnd, 3 + 6 * 5);
    double[] b = random(rnd, 2 + 5 * 9);
    double[] r = new double[1 + 6 * 9];
    MatmulKernels.mm(a, 3, b, 2, r, 1, 6, 5, 9);
    double[] expected = naive(java.util.Arrays.copyOfRange(a, 3, a.length),
        java.util.Arrays.copyOfRange(b, 2, b.length), 6, 5, 9);
    assertEquals(0.0, r[0]);
    assertArrayEquals(expected, java.util.Arrays.copyOfRange(r, 1, r.length), 0.0);
  }

  @Test
  void zeroTimesInfinityAndNanAreNanInsideATile() {
    int n = 8;
    double[] a = new double[n * n];
    double[] b = new double[n * n];
    for (int i = 0; i < a.length; i++) {
      a[i] = 1 + i % 3;
      b[i] = 2 - i % 5;
    }
    a[2 * n + 3] = 0; // row 2 meets b's row 3 with a zero
    b[3 * n + 5] = Double.POSITIVE_INFINITY;
    a[6 * n + 4] = 0;
    b[4 * n + 1] = Double.NaN;
    double[] r = new double[n * n];
    MatmulKernels.mm(a, 0, b, 0, r, 0, n, n, n);
    assertTrue(Double.isNaN(r[2 * n + 5]), "0·inf is NaN");
    assertTrue(Double.isNaN(r[6 * n + 1]), "0·NaN is NaN");
    assertArrayEquals(naive(a, b, n, n, n), r, 0.0);
  }

  @Test
  void mostlyZeroLeftOperandSkipsOnlyWhenTheRightIsFinite() {
    int n = 6;
    double[] a = new double[n * n];
    a[0] = 1;
    double[] b = new double[n * n];
    java.util.Arrays.fill(b, 1);
    b[1 * n + 2] = Double.POSITIVE_INFINITY;
    double[] r = new double[n * n];
    MatmulKernels.mm(a, 0, b, 0, r, 0, n, n, n);
    assertTrue(Double.isNaN(r[2]), "a[0][1] = 0 times inf");
    assertTrue(Double.isNaN(r[3 * n + 2]), "an all-zero row still meets the infinity");
    assertEquals(1.0, r[0]);
  }

  @Test
  void matrixVectorProductsAreBitwiseTheTripleLoop() {
    Random rnd = new Random(12);
    for (int[] s : new int[][] {{1, 5}, {3, 7}, {4, 100}, {10, 33}, {103, 100}}) {
      int n = s[0];
      int k = s[1];
      double[] a = random(rnd, n * k);
      double[] v = random(rnd, k);
      double[] r = new double[n];
      MatmulKernels.mm(a, 0, v, 0, r, 0, n, k, 1);
      assertArrayEquals(naive(a, v, n, k, 1), r, 0.0, "A·v " + n + "x" + k);
      // the transpose of a k x n matrix, read in place: (Aᵀ)·u with Aᵀ[i][p] = a[p·n + i], u of length n
      double[] at = new double[k * n];
      for (int i = 0; i < k; i++) {
        for (int p = 0; p < n; p++) {
          at[i * n + p] = a[p * k + i];
        }
      }
      double[] u = random(rnd, n);
      Tensor product = Tensor.fromArray(a, n, k).t().matmul(Tensor.fromArray(u, n, 1));
      assertArrayEquals(naive(at, u, k, n, 1), product.toArray(), 0.0, "Aᵀ·u " + k + "x" + n);
    }
  }
}
