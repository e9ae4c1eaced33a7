package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The reduction kernels along the MIDDLE dimension of a 2×3×2 array, where every slice has an outer and an
 * inner offset (reductions of a vector or along the last dimension cannot tell {@code (o·len + k)·inner + i}
 * from most wrong index formulas), and their NaN and tie conventions. Every expected value is worked out by
 * hand from {@link #X}, slice by slice. Written for the mutants PIT left in {@link ReductionKernels}.
 */
class ReductionKernelsTest {
  /** x[o][k][i]: slices along k are (o, i) = (0,0): 2, 3, -4; (0,1): -1, 0.5, 2; (1,0): 1, 1, 0; (1,1): 5, -2, 5. */
  private static final double[] X = {2, -1, 3, 0.5, -4, 2, 1, 5, 1, -2, 0, 5};
  private static final int[] SHAPE = {2, 3, 2};

  @Test
  void sumsAndProductsAlongTheMiddle() {
    assertArrayEquals(new double[] {1, 1.5, 2, 8}, ReductionKernels.sum(X, SHAPE, 1));
    assertArrayEquals(new double[] {-24, -1, 0, -50}, ReductionKernels.prod(X, SHAPE, 1));
    // the product of the other two entries of each slice, laid out as X
    assertArrayEquals(new double[] {-12, 1, -8, -2, 6, -0.5, 0, -10, 0, 25, 1, -10},
        ReductionKernels.prodOfOthers(X, SHAPE, 1));
    assertEquals(12.5, ReductionKernels.sum(X)); // 1 + 1.5 + 2 + 8, the slice sums
  }

  @Test
  void extremaAndTheirIndicesAlongTheMiddle() {
    assertArrayEquals(new double[] {3, 2, 1, 5}, ReductionKernels.extremum(X, SHAPE, 1, true));
    assertArrayEquals(new double[] {-4, -1, 0, -2}, ReductionKernels.extremum(X, SHAPE, 1, false));
    // the first index of the extremum: ties (1, 1) and (5, 5) give index 0
    assertArrayEquals(new int[] {1, 2, 0, 0}, ReductionKernels.argExtremum(X, SHAPE, 1, true));
    assertArrayEquals(new int[] {2, 0, 2, 1}, ReductionKernels.argExtremum(X, SHAPE, 1, false));
    // weights 1/count at the maxima: (1,0) and (1,1) are ties of two
    assertArrayEquals(new double[] {0, 0, 1, 0, 0, 1, 0.5, 0.5, 0.5, 0, 0, 0.5},
        ReductionKernels.tieWeights(X, new double[] {3, 2, 1, 5}, SHAPE, 1));
  }

  @Test
  void nanIsTheExtremumOfItsSlice() {
    double[] x = X.clone();
    x[8] = Double.NaN; // (o, k, i) = (1, 1, 0): slice (1, 0) becomes 1, NaN, 0
    double[] max = ReductionKernels.extremum(x, SHAPE, 1, true);
    assertArrayEquals(new double[] {3, 2}, new double[] {max[0], max[1]});
    assertTrue(Double.isNaN(max[2]), "max of 1, NaN, 0");
    assertEquals(5, max[3]);
    assertTrue(Double.isNaN(ReductionKernels.extremum(x, SHAPE, 1, false)[2]), "min of 1, NaN, 0");
    assertArrayEquals(new int[] {1, 2, 1, 0}, ReductionKernels.argExtremum(x, SHAPE, 1, true));
    assertArrayEquals(new int[] {2, 0, 1, 1}, ReductionKernels.argExtremum(x, SHAPE, 1, false));
    assertArrayEquals(new double[] {0, 0, 1, 0, 0, 1, 0, 0.5, 1, 0, 0, 0.5},
        ReductionKernels.tieWeights(x, new double[] {3, 2, Double.NaN, 5}, SHAPE, 1));
    // all entries: NaN wins, and its weight goes to the NaN entries only
    assertTrue(Double.isNaN(ReductionKernels.extremum(new double[] {1, Double.NaN, 3}, true)));
    assertTrue(Double.isNaN(ReductionKernels.extremum(new double[] {1, Double.NaN, 3}, false)));
    assertArrayEquals(new double[] {0, 0.5, 0, 0.5},
        ReductionKernels.tieWeights(new double[] {1, Double.NaN, 3, Double.NaN}, Double.NaN));
    assertArrayEquals(new double[] {0, 0.5, 0.5}, ReductionKernels.tieWeights(new double[] {1, 3, 3}, 3));
    assertEquals(-4, ReductionKernels.extremum(X, false));
    assertEquals(5, ReductionKernels.extremum(X, true));
  }

  @Test
  void cumulativeSumsAlongTheMiddle() {
    assertArrayEquals(new double[] {2, -1, 5, -0.5, 1, 1.5, 1, 5, 2, 3, 2, 8},
        ReductionKernels.cumsum(X, SHAPE, 1, false));
    assertArrayEquals(new double[] {1, 1.5, -1, 2.5, -4, 2, 2, 8, 1, 3, 0, 5},
        ReductionKernels.cumsum(X, SHAPE, 1, true));
  }

  @Test
  void softmaxAlongTheMiddle() {
    double[] soft = ReductionKernels.softmax(X, SHAPE, 1, false);
    double[] log = ReductionKernels.softmax(X, SHAPE, 1, true);
    int[][] slices = {{0, 2, 4}, {1, 3, 5}, {6, 8, 10}, {7, 9, 11}};
    for (int[] slice : slices) {
      double z = 0;
      for (int at : slice) {
        z += Math.exp(X[at]);
      }
      for (int at : slice) {
        assertEquals(Math.exp(X[at]) / z, soft[at], 1e-12, "softmax at " + at);
        assertEquals(X[at] - Math.log(z), log[at], 1e-12, "log-softmax at " + at);
      }
    }
    // a slice of -inf only: the maximum is taken as 0, so exp(-inf - 0) = 0 terms give 0/0 = NaN, as PyTorch
    double[] all = ReductionKernels.softmax(new double[] {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY},
        new int[] {2}, 0, false);
    assertTrue(Double.isNaN(all[0]) && Double.isNaN(all[1]));
  }
}
