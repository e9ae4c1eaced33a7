package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The two-row, three-term tiling of {@link PackedMatmul} against the textbook triple loop written here, bitwise
 * (each entry still receives its terms in the order {@code p = 0, 1, ..}): every combination of the odd sizes 1, 3,
 * 5, 17, 65 (odd row counts leave a single last row, depths leave one or two terms after the steps of three, 65
 * crosses a 60-deep pass and a 64-row block), shapes past one 128-column panel, row-major, transposed and strided
 * operands read in place, a result that does not start at zero, and equal bits from run to run.
 */
class PackedMatmulTest {
  private static final int[] SIZES = {1, 3, 5, 17, 65};

  /** {@code init + Σ_p A(i, p)·B(p, j)} in the order p = 0, 1, .. with A, B read through the given strides. */
  private static double[] naive(double[] a, int ao, int as0, int as1, double[] b, int bo, int bs0, int bs1,
      double init, int n, int k, int m) {
    double[] r = new double[n * m];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < m; j++) {
        double s = init;
        for (int p = 0; p < k; p++) {
          s += a[ao + i * as0 + p * as1] * b[bo + p * bs0 + j * bs1];
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

  /**
   * One product with A stored row-major or transposed ({@code at}) and B likewise ({@code bt}), each with a leading
   * offset and a row pitch wider than the matrix (strided rows), against the naive loop.
   */
  private static void check(Random rnd, int n, int k, int m, boolean at, boolean bt) {
    int pad = 3;
    int aRows = at ? k : n;
    int aCols = at ? n : k;
    int bRows = bt ? m : k;
    int bCols = bt ? k : m;
    int aPitch = aCols + pad;
    int bPitch = bCols + pad;
    int ao = 2;
    int bo = 5;
    double[] a = random(rnd, ao + aRows * aPitch);
    double[] b = random(rnd, bo + bRows * bPitch);
    int as0 = at ? 1 : aPitch;
    int as1 = at ? aPitch : 1;
    int bs0 = bt ? 1 : bPitch;
    int bs1 = bt ? bPitch : 1;
    double[] r = new double[1 + n * m];
    Arrays.fill(r, 0.25);
    PackedMatmul.mm(a, ao, as0, as1, b, bo, bs0, bs1, r, 1, n, k, m);
    String what = n + "x" + k + "x" + m + (at ? " Aᵀ" : " A") + (bt ? " Bᵀ" : " B");
    assertArrayEquals(naive(a, ao, as0, as1, b, bo, bs0, bs1, 0.25, n, k, m), Arrays.copyOfRange(r, 1, r.length),
        0.0, what);
    assertTrue(r[0] == 0.25, "the entry before the result is untouched: " + what);
    double[] again = new double[1 + n * m];
    Arrays.fill(again, 0.25);
    PackedMatmul.mm(a, ao, as0, as1, b, bo, bs0, bs1, again, 1, n, k, m);
    assertArrayEquals(r, again, 0.0, "the same bits on a second run: " + what);
  }

  @Test
  void oddSizesAreBitwiseTheTripleLoop() {
    Random rnd = new Random(41);
    for (int n : SIZES) {
      for (int k : SIZES) {
        for (int m : SIZES) {
          check(rnd, n, k, m, false, false);
        }
      }
    }
  }

  @Test
  void transposedAndStridedOperandsAreBitwiseTheTripleLoop() {
    Random rnd = new Random(42);
    for (int n : SIZES) {
      for (int k : SIZES) {
        for (int m : SIZES) {
          check(rnd, n, k, m, true, false);
          check(rnd, n, k, m, false, true);
          check(rnd, n, k, m, true, true);
        }
      }
    }
  }

  @Test
  void severalPanelsPassesAndRowBlocksAreBitwiseTheTripleLoop() {
    Random rnd = new Random(43);
    for (int[] s : new int[][] {{67, 121, 129}, {130, 61, 257}, {2, 180, 300}, {129, 2, 131}}) {
      check(rnd, s[0], s[1], s[2], false, false);
      check(rnd, s[0], s[1], s[2], true, true);
    }
  }

  @Test
  void specialValuesInsideTheTwoRowTile() {
    // rows 2 and 3 form one tile; depth 7 = two steps of three and one single term
    int n = 5;
    int k = 7;
    int m = 40;
    double[] a = new double[n * k];
    double[] b = new double[k * m];
    for (int i = 0; i < a.length; i++) {
      a[i] = 1 + i % 3;
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = 2 - i % 5;
    }
    a[3 * k + 4] = 0;
    b[4 * m + 33] = Double.POSITIVE_INFINITY; // row 3 meets it with a zero: NaN; row 2 with 2: inf
    a[4 * k + 6] = 0;
    b[6 * m + 1] = Double.NaN; // the single last term, on the odd last row
    double[] r = new double[n * m];
    PackedMatmul.mm(a, 0, k, 1, b, 0, m, 1, r, 0, n, k, m);
    assertTrue(Double.isNaN(r[3 * m + 33]), "0·inf is NaN");
    assertTrue(Double.isInfinite(r[2 * m + 33]), "a nonzero times inf stays infinite");
    assertTrue(Double.isNaN(r[4 * m + 1]), "0·NaN is NaN");
    assertArrayEquals(naive(a, 0, k, 1, b, 0, m, 1, 0, n, k, m), r, 0.0);
  }

  @Test
  void gradientsOfOddShapesMatchCentralDifferences() {
    // 5x33 · 33x65: the forward product and both backward ones (on transposed views) take the packed kernel
    Random rnd = new Random(44);
    Tensor a = Tensor.fromArray(random(rnd, 5 * 33), 5, 33).requiresGrad();
    Tensor b = Tensor.fromArray(random(rnd, 33 * 65), 33, 65).requiresGrad();
    Tensor w = Tensor.fromArray(random(rnd, 5 * 65), 5, 65);
    assertTrue(PackedMatmul.applies(5, 33, 65) && PackedMatmul.applies(5, 65, 33) && PackedMatmul.applies(33, 5, 65));
    assertTrue(Gradcheck.gradcheck(x -> x[0].matmul(x[1]).mul(x[2]).sum(), a, b, w));
    // a transposed and a strided view as operands
    Tensor c = Tensor.fromArray(random(rnd, 33 * 5), 33, 5).requiresGrad();
    Tensor d = Tensor.fromArray(random(rnd, 33 * 130), 33, 130).requiresGrad();
    assertTrue(Gradcheck.gradcheck(x -> x[0].t().matmul(x[1].slice(1, 0, 130, 2)).mul(x[2]).sum(), c, d, w));
  }
}
