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
    for (int[] s : new int[][] {{1, 5}, {3, 7}, {4, 100}, {8, 3}, {10, 33}, {17, 9}, {103, 100}}) {
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
      // the same transpose read from a wider matrix (leading dimension k + 3 > k)
      double[] wide = new double[n * (k + 3)];
      for (int p = 0; p < n; p++) {
        System.arraycopy(a, p * k, wide, p * (k + 3), k);
        wide[p * (k + 3) + k] = Double.NaN; // never read
      }
      Tensor slice = Tensor.fromArray(wide, n, k + 3).slice(1, 0, k);
      assertArrayEquals(naive(at, u, k, n, 1), slice.t().matmul(Tensor.fromArray(u, n, 1)).toArray(), 0.0,
          "Aᵀ·u from a slice " + k + "x" + n);
    }
  }
  /** The transpose of a row-major {@code rows × cols} matrix, written out here. */
  private static double[] transposed(double[] x, int rows, int cols) {
    double[] t = new double[x.length];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        t[j * rows + i] = x[i * cols + j];
      }
    }
    return t;
  }

  @Test
  void packedProductIsBitwiseTheTripleLoop() {
    Random rnd = new Random(13);
    // packed shapes (n >= 4, k >= 4, m >= 32): one or several 128-column panels with a narrower last one, depths
    // below, at and above one 32-deep pass, depths not a multiple of 4, and the benchmarks' shapes
    int[][] shapes = {{4, 4, 32}, {5, 7, 33}, {9, 33, 129}, {4, 65, 300}, {17, 130, 128}, {64, 784, 128},
        {256, 256, 256}, {6, 31, 257}, {130, 37, 140}};
    for (int[] s : shapes) {
      assertTrue(PackedMatmul.applies(s[0], s[1], s[2]));
      double[] a = random(rnd, s[0] * s[1]);
      double[] b = random(rnd, s[1] * s[2]);
      double[] r = new double[s[0] * s[2]];
      MatmulKernels.mm(a, 0, b, 0, r, 0, s[0], s[1], s[2]);
      assertArrayEquals(naive(a, b, s[0], s[1], s[2]), r, 0.0, s[0] + "x" + s[1] + "x" + s[2]);
    }
  }

  @Test
  void packedProductAddsIntoTheResultAtOffsets() {
    Random rnd = new Random(14);
    int n = 6;
    int k = 37;
    int m = 140;
    double[] a = random(rnd, 3 + n * k);
    double[] b = random(rnd, 2 + k * m);
    double[] r = new double[1 + n * m];
    java.util.Arrays.fill(r, 0.5);
    MatmulKernels.mm(a, 3, b, 2, r, 1, n, k, m);
    double[] expected = new double[n * m];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < m; j++) {
        double sum = 0.5;
        for (int p = 0; p < k; p++) {
          sum += a[3 + i * k + p] * b[2 + p * m + j];
        }
        expected[i * m + j] = sum;
      }
    }
    assertEquals(0.5, r[0]);
    assertArrayEquals(expected, java.util.Arrays.copyOfRange(r, 1, r.length), 0.0);
  }

  @Test
  void packedProductKeepsZeroTimesInfinityAndNan() {
    int n = 8;
    int k = 40;
    int m = 150;
    double[] a = new double[n * k];
    double[] b = new double[k * m];
    for (int i = 0; i < a.length; i++) {
      a[i] = 1 + i % 3;
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = 2 - i % 5;
    }
    a[2 * k + 35] = 0;
    b[35 * m + 140] = Double.POSITIVE_INFINITY; // in the second, narrower panel, past the first 32-deep pass
    a[6 * k + 4] = 0;
    b[4 * m + 1] = Double.NaN;
    double[] r = new double[n * m];
    MatmulKernels.mm(a, 0, b, 0, r, 0, n, k, m);
    assertTrue(Double.isNaN(r[2 * m + 140]), "0·inf is NaN");
    assertTrue(Double.isNaN(r[6 * m + 1]), "0·NaN is NaN");
    assertArrayEquals(naive(a, b, n, k, m), r, 0.0);
  }

  @Test
  void transposedViewsArePackedAsReadBitwiseTheTripleLoop() {
    Random rnd = new Random(15);
    for (int[] shape : new int[][] {{7, 45, 133}, {70, 40, 50}}) {
      transposedViews(rnd, shape[0], shape[1], shape[2]);
    }
  }

  private static void transposedViews(Random rnd, int n, int k, int m) {
    double[] at = random(rnd, k * n); // Aᵀ stored, k x n
    double[] bt = random(rnd, m * k); // Bᵀ stored, m x k
    double[] b = random(rnd, k * m);
    double[] a = random(rnd, n * k);
    double[] expectedTT = naive(transposed(at, k, n), transposed(bt, m, k), n, k, m);
    double[] expectedT1 = naive(transposed(at, k, n), b, n, k, m);
    double[] expected1T = naive(a, transposed(bt, m, k), n, k, m);
    Tensor aT = Tensor.fromArray(at, k, n).t();
    Tensor bT = Tensor.fromArray(bt, m, k).t();
    assertArrayEquals(expectedTT, aT.matmul(bT).toArray(), 0.0, "Aᵀ·Bᵀ");
    assertArrayEquals(expectedT1, aT.matmul(Tensor.fromArray(b, k, m)).toArray(), 0.0, "Aᵀ·B");
    assertArrayEquals(expected1T, Tensor.fromArray(a, n, k).matmul(bT).toArray(), 0.0, "A·Bᵀ");
  }

  @Test
  void packedProductGradientsMatchCentralDifferences() {
    // L = Σ (A·B) ∘ W with A 6x36, B 36x40: the backward products G·Bᵀ (6x40·40x36) and Aᵀ·G (36x6·6x40) take the packed
    // path on transposed views
    Random rnd = new Random(16);
    int n = 6;
    int k = 36;
    int m = 40;
    assertTrue(PackedMatmul.applies(n, m, k) && PackedMatmul.applies(k, n, m));
    double[] av = random(rnd, n * k);
    double[] bv = random(rnd, k * m);
    Tensor w = Tensor.fromArray(random(rnd, n * m), n, m);
    Tensor a = Tensor.fromArray(av.clone(), n, k).requiresGrad();
    Tensor b = Tensor.fromArray(bv.clone(), k, m).requiresGrad();
    a.matmul(b).mul(w).sum().backward();
    double[] ga = a.grad().toArray();
    double[] gb = b.grad().toArray();
    double h = 1e-6;
    for (int q = 0; q < 2; q++) {
      double[] v = q == 0 ? av : bv;
      double[] g = q == 0 ? ga : gb;
      for (int i = 0; i < v.length; i++) {
        double keep = v[i];
        v[i] = keep + h;
        double up = Tensor.fromArray(av, n, k).matmul(Tensor.fromArray(bv, k, m)).mul(w).sum().item();
        v[i] = keep - h;
        double down = Tensor.fromArray(av, n, k).matmul(Tensor.fromArray(bv, k, m)).mul(w).sum().item();
        v[i] = keep;
        assertEquals((up - down) / (2 * h), g[i], 1e-6 * (1 + Math.abs(g[i])), (q == 0 ? "dA[" : "dB[") + i + "]");
      }
    }
  }
}
