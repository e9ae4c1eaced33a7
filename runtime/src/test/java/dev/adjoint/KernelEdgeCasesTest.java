package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Pointwise, strided and matmul kernel paths that PIT found untested: in-place updates with and without
 * broadcasting, scaling, the general broadcast of {@code binary}, overlap and view-stride rules of size-1 and
 * 0-dimensional shapes, and products whose row count is not a multiple of the kernel's four-row blocks.
 * Expected values are written out by hand or come from loops written here.
 */
class KernelEdgeCasesTest {
  @Test
  void scaleInPlace() {
    double[] d = {10, 20, 30, 86, 106, 126};
    PointwiseKernels.scale(d, 0.5);
    assertArrayEquals(new double[] {5, 10, 15, 43, 53, 63}, d);
  }

  @Test
  void expandForReadingCopiesOnlyWhenTheShapeChanges() {
    double[] x = {1, 2};
    assertSame(x, ShapeKernels.expandForReading(x, new int[] {2}, new int[] {2}));
    assertArrayEquals(new double[] {1, 2, 1, 2}, ShapeKernels.expandForReading(x, new int[] {2}, new int[] {2, 2}));
    assertArrayEquals(new double[] {1, 1, 2, 2},
        ShapeKernels.expandForReading(x, new int[] {2, 1}, new int[] {2, 2}));
  }

  @Test
  void binaryBroadcastsAColumnAgainstARow() {
    // [[15], [25]] (2×1) with [10, 20, 30] (1×3): every pair
    double[] r = PointwiseKernels.binary(new double[] {15, 25}, new int[] {2, 1}, new double[] {10, 20, 30},
        new int[] {1, 3}, new int[] {2, 3}, PointwiseKernels.GT);
    assertArrayEquals(new double[] {1, 0, 0, 1, 1, 0}, r);
    // same lengths, a scalar on either side; NaN compares false
    double[] u = {1, 2, Double.NaN};
    double[] v = {2, 2, Double.NaN};
    int[] s3 = {3};
    assertArrayEquals(new double[] {1, 0, 0}, PointwiseKernels.binary(u, s3, v, s3, s3, PointwiseKernels.LT));
    assertArrayEquals(new double[] {0, 1, 0}, PointwiseKernels.binary(u, s3, v, s3, s3, PointwiseKernels.GE));
    assertArrayEquals(new double[] {1, 1, 0}, PointwiseKernels.binary(u, s3, v, s3, s3, PointwiseKernels.LE));
    assertArrayEquals(new double[] {0, 1, 0}, PointwiseKernels.binary(u, s3, v, s3, s3, PointwiseKernels.EQ));
    assertArrayEquals(new double[] {0, 0, 0}, PointwiseKernels.binary(u, s3, v, s3, s3, PointwiseKernels.GT));
    assertArrayEquals(new double[] {0, 1, 0}, PointwiseKernels.binary(u, s3, new double[] {1}, new int[] {1}, s3,
        PointwiseKernels.GT));
    assertArrayEquals(new double[] {8, 0.5}, PointwiseKernels.binary(new double[] {2}, new int[] {1},
        new double[] {3, -1}, new int[] {2}, new int[] {2}, PointwiseKernels.POW));
    assertArrayEquals(new double[] {1, 4, Double.NaN}, PointwiseKernels.pow(u, 2.0));
    assertArrayEquals(new double[] {-1, 1.5, Double.NaN, -2},
        PointwiseKernels.clamp(new double[] {-1, 2, Double.NaN, -5}, -2, 1.5));
    // arith with the left operand a trailing row broadcast over a full right operand
    assertArrayEquals(new double[] {-9, -18, -29, -39}, PointwiseKernels.arith(new double[] {1, 2},
        new int[] {1, 2}, new double[] {10, 20, 30, 41}, new int[] {2, 2}, new int[] {2, 2}, PointwiseKernels.SUB));
    // a middle dimension broadcast (2×1×2 against 2×3×2) is not trailing: the general index path
    double[] x = {1, 2, 3, 4};
    double[] y = new double[12];
    for (int i = 0; i < 12; i++) {
      y[i] = 100 * i;
    }
    assertArrayEquals(new double[] {1, 102, 201, 302, 401, 502, 603, 704, 803, 904, 1003, 1104},
        PointwiseKernels.arith(x, new int[] {2, 1, 2}, y, new int[] {2, 3, 2}, new int[] {2, 3, 2},
            PointwiseKernels.ADD));
  }

  @Test
  void overlapAndViewStridesOfSizeOneAndScalars() {
    // a stride 0 on a dimension of size 1 shares nothing; on size 3 it does
    assertFalse(StridedKernels.overlaps(new int[] {1, 3}, new int[] {0, 1}));
    assertTrue(StridedKernels.overlaps(new int[] {3, 2}, new int[] {0, 1}));
    // a scalar viewed as 1×1: PyTorch's computeStride gives strides of 1
    assertArrayEquals(new int[] {1, 1}, StridedKernels.viewStrides(new int[0], new int[0], new int[] {1, 1}));
    // a transposed 2×3 (strides 1, 2) cannot be flattened without a copy
    assertTrue(StridedKernels.viewStrides(new int[] {3, 2}, new int[] {1, 3}, new int[] {6}) == null);
    assertArrayEquals(new int[] {3, 1}, StridedKernels.viewStrides(new int[] {6}, new int[] {1}, new int[] {2, 3}));
  }

  @Test
  void productsWithThreeRowsAndFiveRowsMatchTheTripleLoop() {
    for (int n : new int[] {3, 5, 7}) {
      int k = 6;
      int m = 3;
      double[] a = new double[n * k];
      double[] b = new double[k * m];
      for (int i = 0; i < a.length; i++) {
        a[i] = 1 + (i % 7) - 0.25 * i;
      }
      for (int i = 0; i < b.length; i++) {
        b[i] = 0.5 * i - 2;
      }
      double[] expected = new double[n * m];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < m; j++) {
          double s = 0;
          for (int p = 0; p < k; p++) {
            s += a[i * k + p] * b[p * m + j];
          }
          expected[i * m + j] = s;
        }
      }
      double[] r = new double[n * m];
      MatmulKernels.mm(a, 0, b, 0, r, 0, n, k, m);
      assertArrayEquals(expected, r, 1e-9, n + " rows");
    }
  }

  @Test
  void sumToAddsRowsIntoATrailingTargetAndGathersOtherTargetsByIndex() {
    // [[1, 2, 3], [10, 20, 30]] (2×3) down to a bias [3], [1, 3], a scalar [] and a column [2, 1]
    double[] x = {1, 2, 3, 10, 20, 30};
    int[] from = {2, 3};
    assertArrayEquals(new double[] {11, 22, 33}, ShapeKernels.sumTo(x, from, new int[] {3}));
    assertArrayEquals(new double[] {11, 22, 33}, ShapeKernels.sumTo(x, from, new int[] {1, 3}));
    assertArrayEquals(new double[] {66}, ShapeKernels.sumTo(x, from, new int[] {}));
    assertArrayEquals(new double[] {6, 60}, ShapeKernels.sumTo(x, from, new int[] {2, 1}));
    // [2, 2, 2] down to [2, 1]: neither trailing nor a scalar (the index path)
    double[] y = {1, 2, 3, 4, 5, 6, 7, 8};
    assertArrayEquals(new double[] {1 + 2 + 5 + 6, 3 + 4 + 7 + 8}, ShapeKernels.sumTo(y, new int[] {2, 2, 2},
        new int[] {2, 1}));
    // row order kept: 1e16 + 1 + 1 is 1e16 in order (each 1 lost), 1e16 + 2 the other way round
    double[] z = {1e16, 1, 1};
    assertArrayEquals(new double[] {1e16}, ShapeKernels.sumTo(z, new int[] {3, 1}, new int[] {1}));
    // an empty batch sums to zeros
    assertArrayEquals(new double[] {0, 0}, ShapeKernels.sumTo(new double[0], new int[] {0, 2}, new int[] {2}));
  }
}
