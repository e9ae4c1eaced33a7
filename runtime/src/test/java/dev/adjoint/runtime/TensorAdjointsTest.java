package dev.adjoint.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The adjoint kernels that generated tensor code calls, each on a small case worked out by hand (the
 * expected values are written out, never computed by the runtime): values, shapes, the {@code null}-is-zero
 * convention, the edge cases PyTorch defines (relu and abs at 0 and NaN, pow's exponent at x = 0, ties and
 * NaN of max/min) and the checks' errors. Written to kill the mutants PIT left in {@link TensorAdjoints}.
 */
class TensorAdjointsTest {
  private static Tensor t(double[] values, int... shape) {
    return Tensor.fromArray(values, shape);
  }

  private static void assertTensor(double[] expected, int[] shape, Tensor actual) {
    assertArrayEquals(shape, actual.shape(), "shape");
    assertArrayEquals(expected, actual.toArray(), 1e-12, "values");
  }

  @Test
  void accumulateTreatsNullAsZero() {
    Tensor c = t(new double[] {1, 2}, 2);
    assertSame(c, TensorAdjoints.accumulate(null, c));
    assertTensor(new double[] {11, 22}, new int[] {2}, TensorAdjoints.accumulate(t(new double[] {10, 20}, 2), c));
  }

  @Test
  void unbroadcastSumsBackToTheInputsShape() {
    Tensor g = t(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
    assertTensor(new double[] {5, 7, 9}, new int[] {3}, TensorAdjoints.unbroadcast(g, Tensor.zeros(3)));
    assertTensor(new double[] {6, 15}, new int[] {2, 1}, TensorAdjoints.unbroadcast(g, Tensor.zeros(2, 1)));
    assertSame(g, TensorAdjoints.unbroadcast(g, Tensor.zeros(2, 3)));
  }

  @Test
  void reductionsSpreadTheirGradientBack() {
    assertTensor(new double[] {2.5, 2.5, 2.5, 2.5}, new int[] {2, 2},
        TensorAdjoints.expandLike(Tensor.of(2.5), Tensor.zeros(2, 2)));
    assertTensor(new double[] {1.5, 1.5}, new int[] {2}, TensorAdjoints.fill(1.5, Tensor.zeros(2)));
    Tensor like = Tensor.zeros(2, 3);
    // sum over dim 1 of a 2×3 tensor: g of shape [2] (or [2, 1] kept) along each row
    double[] rows = {7, 7, 7, 8, 8, 8};
    assertTensor(rows, new int[] {2, 3}, TensorAdjoints.expandAlong(t(new double[] {7, 8}, 2), like, 1, false));
    assertTensor(rows, new int[] {2, 3}, TensorAdjoints.expandAlong(t(new double[] {7, 8}, 2), like, -1, false));
    assertTensor(rows, new int[] {2, 3}, TensorAdjoints.expandAlong(t(new double[] {7, 8}, 2, 1), like, 1, true));
    // sum over dim 0: g of shape [3] down each column
    assertTensor(new double[] {1, 2, 3, 1, 2, 3}, new int[] {2, 3},
        TensorAdjoints.expandAlong(t(new double[] {1, 2, 3}, 3), like, 0, false));
    assertTensor(new double[] {1, 2, 3, 1, 2, 3}, new int[] {2, 3},
        TensorAdjoints.expandAlong(t(new double[] {1, 2, 3}, 3), like, -2, false));
  }

  @Test
  void reluPassesTheGradientOnlyWherePositive() {
    Tensor x = t(new double[] {-1, 0, 2, Double.NaN, 1e-300}, 5);
    Tensor g = t(new double[] {5, Double.POSITIVE_INFINITY, 7, Double.NaN, 3}, 5);
    assertTensor(new double[] {0, 0, 7, 0, 3}, new int[] {5}, TensorAdjoints.relu(g, x));
  }

  @Test
  void absIsTheSignTimesTheGradient() {
    Tensor x = t(new double[] {-2, 0, 3, Double.NaN, -0.0}, 5);
    Tensor g = t(new double[] {1, 2, 3, 4, 5}, 5);
    double[] out = TensorAdjoints.abs(g, x).toArray();
    assertEquals(-1, out[0]);
    assertEquals(0, out[1]);
    assertEquals(3, out[2]);
    assertTrue(Double.isNaN(out[3]), "abs' at NaN is NaN");
    assertEquals(0, out[4]);
  }

  @Test
  void powOfAConstantExponent() {
    Tensor g = t(new double[] {1, 2}, 2);
    // p = 2: 2x; p = 3: 3x²; p = 0: zeros; p = 0.5: 0.5/√x; p = -1: -1/x²
    assertTensor(new double[] {3, -8}, new int[] {2}, TensorAdjoints.pow(g, t(new double[] {1.5, -2}, 2), 2.0));
    assertTensor(new double[] {12, 6}, new int[] {2}, TensorAdjoints.pow(g, t(new double[] {2, -1}, 2), 3.0));
    assertTensor(new double[] {0, 0}, new int[] {2}, TensorAdjoints.pow(g, t(new double[] {2, 0}, 2), 0.0));
    assertTensor(new double[] {0.25, 0.5}, new int[] {2}, TensorAdjoints.pow(g, t(new double[] {4, 4}, 2), 0.5));
    assertTensor(new double[] {-0.25, -0.5}, new int[] {2}, TensorAdjoints.pow(g, t(new double[] {2, 2}, 2), -1.0));
    assertTensor(new double[] {4, 8}, new int[] {2}, TensorAdjoints.pow(g, t(new double[] {1, 1}, 2), 4.0));
  }

  @Test
  void powsExponentGradientMasksZerosOfNonNegativeExponents() {
    // sum g·y·log x over x ≠ 0: 1·4·ln 2 + 2·9·ln 3, the x = 0 entry masked (p = 2 ≥ 0)
    double expected = 4 * Math.log(2) + 18 * Math.log(3);
    assertEquals(expected, TensorAdjoints.powExponent(t(new double[] {1, 1, 2}, 3), t(new double[] {2, 0, 3}, 3),
        2.0, t(new double[] {4, 0, 9}, 3)), 1e-12);
    // p = 0 is still masked at x = 0 (y = 1, log 0 = -inf would give -inf)
    assertEquals(0.0, TensorAdjoints.powExponent(t(new double[] {1}, 1), t(new double[] {0}, 1), 0.0,
        t(new double[] {1}, 1)));
    // p < 0 is not: y = x^-1 = inf at 0 and inf · log 0 = -inf, as PyTorch gives
    assertEquals(Double.NEGATIVE_INFINITY, TensorAdjoints.powExponent(t(new double[] {1}, 1), t(new double[] {0}, 1),
        -1.0, t(new double[] {Double.POSITIVE_INFINITY}, 1)));
    // a negative base gives NaN (log of a negative number)
    assertTrue(Double.isNaN(TensorAdjoints.powExponent(t(new double[] {1}, 1), t(new double[] {-2}, 1), 2.0,
        t(new double[] {4}, 1))));
  }

  @Test
  void extremaSplitTheGradientAmongTiesOrNans() {
    assertTensor(new double[] {0, 3, 3, 0}, new int[] {4},
        TensorAdjoints.extremum(Tensor.of(6.0), t(new double[] {1, 3, 3, 2}, 4), Tensor.of(3.0)));
    assertTensor(new double[] {0, 0, 0, 6}, new int[] {2, 2},
        TensorAdjoints.extremum(Tensor.of(6.0), t(new double[] {1, 3, 2, 4}, 2, 2), Tensor.of(4.0)));
    double[] nan = TensorAdjoints.extremum(Tensor.of(4.0), t(new double[] {1, Double.NaN, 2, Double.NaN}, 4),
        Tensor.of(Double.NaN)).toArray();
    assertArrayEquals(new double[] {0, 2, 0, 2}, nan);
    // a value no entry equals gets nothing (no division by zero)
    assertArrayEquals(new double[] {0, 0}, TensorAdjoints.extremum(Tensor.of(1.0), t(new double[] {1, 2}, 2),
        Tensor.of(5.0)).toArray());
  }

  @Test
  void softmaxAndLogSoftmaxFromTheirOutputs() {
    Tensor y = t(new double[] {0.2, 0.3, 0.5}, 3);
    // y·(g - Σ g·y) with g = e0: Σ = 0.2
    assertTensor(new double[] {0.16, -0.06, -0.1}, new int[] {3}, TensorAdjoints.softmax(t(new double[] {1, 0, 0}, 3), y, 0));
    // rows of a 2×2: y = [[0.5, 0.5], [0.25, 0.75]], g = [[1, 0], [0, 2]]; Σ per row 0.5 and 1.5
    Tensor y2 = t(new double[] {0.5, 0.5, 0.25, 0.75}, 2, 2);
    assertTensor(new double[] {0.25, -0.25, -0.375, 0.375}, new int[] {2, 2},
        TensorAdjoints.softmax(t(new double[] {1, 0, 0, 2}, 2, 2), y2, 1));
    // g - exp(y)·Σ g, Σ g = 6
    Tensor logY = t(new double[] {Math.log(0.2), Math.log(0.3), Math.log(0.5)}, 3);
    assertTensor(new double[] {-0.2, 0.2, 0}, new int[] {3}, TensorAdjoints.logSoftmax(t(new double[] {1, 2, 3}, 3), logY, 0));
  }

  @Test
  void crossEntropyIsSoftmaxMinusOneHotOverN() {
    // rows softmax [0.5, 0.5] and [0.75, 0.25]; targets 1 and 0; g = 2, N = 2
    Tensor logits = t(new double[] {0, 0, Math.log(3), 0}, 2, 2);
    assertTensor(new double[] {0.5, -0.5, -0.25, 0.25}, new int[] {2, 2},
        TensorAdjoints.crossEntropy(Tensor.of(2.0), logits, new int[] {1, 0}));
  }

  @Test
  void matmulGradientsForEveryRank() {
    // A 2×3, B 3×2, g 2×2: dA = g Bᵀ, dB = Aᵀ g
    Tensor a = t(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
    Tensor b = t(new double[] {1, 0, 0, 1, 1, 1}, 3, 2);
    Tensor g = t(new double[] {1, 2, 3, 4}, 2, 2);
    assertTensor(new double[] {1, 2, 3, 3, 4, 7}, new int[] {2, 3}, TensorAdjoints.matmulFirst(g, a, b));
    assertTensor(new double[] {13, 18, 17, 24, 21, 30}, new int[] {3, 2}, TensorAdjoints.matmulSecond(g, a, b));
    // vector times matrix: a [3], b 3×2, g [2]: dA = B g, dB = a ⊗ g
    Tensor v = t(new double[] {1, 2, 3}, 3);
    Tensor gv = t(new double[] {1, 2}, 2);
    assertTensor(new double[] {1, 2, 3}, new int[] {3}, TensorAdjoints.matmulFirst(gv, v, b));
    assertTensor(new double[] {1, 2, 2, 4, 3, 6}, new int[] {3, 2}, TensorAdjoints.matmulSecond(gv, v, b));
    // matrix times vector: A 2×3, w [3], g [2]: dA = g ⊗ w, dw = Aᵀ g
    Tensor w = t(new double[] {1, 0, 2}, 3);
    assertTensor(new double[] {1, 0, 2, 2, 0, 4}, new int[] {2, 3}, TensorAdjoints.matmulFirst(gv, a, w));
    assertTensor(new double[] {9, 12, 15}, new int[] {3}, TensorAdjoints.matmulSecond(gv, a, w));
    // batched: A 2×1×3 (two 1×3 rows), B 3×2 broadcast, g 2×1×2: dA per batch = g Bᵀ, dB summed over the batch
    Tensor batched = t(new double[] {1, 2, 3, 4, 5, 6}, 2, 1, 3);
    Tensor gb = t(new double[] {1, 2, 3, 4}, 2, 1, 2);
    assertTensor(new double[] {1, 2, 3, 3, 4, 7}, new int[] {2, 1, 3}, TensorAdjoints.matmulFirst(gb, batched, b));
    assertTensor(new double[] {13, 18, 17, 24, 21, 30}, new int[] {3, 2}, TensorAdjoints.matmulSecond(gb, batched, b));
    // a 2-D A broadcast over a batched B 2×3×2: dA summed over the batch
    Tensor bb = t(new double[] {1, 0, 0, 1, 1, 1, 1, 0, 0, 1, 1, 1}, 2, 3, 2);
    Tensor gg = t(new double[] {1, 2, 3, 4, 1, 2, 3, 4}, 2, 2, 2);
    assertTensor(new double[] {2, 4, 6, 6, 8, 14}, new int[] {2, 3}, TensorAdjoints.matmulFirst(gg, a, bb));
    assertTensor(new double[] {13, 18, 17, 24, 21, 30, 13, 18, 17, 24, 21, 30}, new int[] {2, 3, 2},
        TensorAdjoints.matmulSecond(gg, a, bb));
  }

  @Test
  void freshCopiesAndNullsAreZerosOrNull() {
    Tensor like = Tensor.zeros(2);
    assertTensor(new double[] {0, 0}, new int[] {2}, TensorAdjoints.fresh(null, like));
    Tensor g = t(new double[] {1, 2}, 2);
    Tensor copy = TensorAdjoints.fresh(g, like);
    assertNotSame(g, copy);
    assertTensor(new double[] {1, 2}, new int[] {2}, copy);
    assertNull(TensorAdjoints.freshOrNull(null));
    Tensor other = TensorAdjoints.freshOrNull(g);
    assertNotSame(g, other);
    assertTensor(new double[] {1, 2}, new int[] {2}, other);
    assertTensor(new double[] {0, 0}, new int[] {2}, TensorAdjoints.orZeros(null, like));
    assertSame(g, TensorAdjoints.orZeros(g, like));
  }

  @Test
  void constantsThatRequireGradAreRefused() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> TensorAdjoints.requireConstant(Tensor.of(1.0).requiresGrad(), "F.W", "loss"));
    assertTrue(e.getMessage().contains("F.W") && e.getMessage().contains("requiresGrad(false)"), e.getMessage());
    assertDoesNotThrow(() -> TensorAdjoints.requireConstant(Tensor.of(1.0), "F.W", "loss"));
    assertDoesNotThrow(() -> TensorAdjoints.requireConstant(null, "F.W", "loss"));
  }

  @Test
  void snapshotsAreCopiesAndChangesAreCaught() {
    assertNull(TensorAdjoints.snapshot((int[]) null));
    assertNull(TensorAdjoints.snapshot((double[]) null));
    assertNull(TensorAdjoints.snapshot((double[][]) null));
    int[] labels = {1, 2};
    int[] labelsThen = TensorAdjoints.snapshot(labels);
    assertNotSame(labels, labelsThen);
    assertArrayEquals(labels, labelsThen);
    double[] d = {1.5};
    double[] dThen = TensorAdjoints.snapshot(d);
    assertNotSame(d, dThen);
    assertArrayEquals(d, dThen);
    double[][] m = {{1, 2}, {3}};
    double[][] mThen = TensorAdjoints.snapshot(m);
    assertNotSame(m[0], mThen[0]);
    assertTrue(java.util.Arrays.deepEquals(m, mThen));
    assertDoesNotThrow(() -> TensorAdjoints.requireUnchanged(labels, labelsThen, "labels", "loss"));
    assertDoesNotThrow(() -> TensorAdjoints.requireUnchanged(d, dThen, "d", "loss"));
    assertDoesNotThrow(() -> TensorAdjoints.requireUnchanged(m, mThen, "m", "loss"));
    labels[0] = 9;
    d[0] = 9;
    m[1][0] = 9;
    for (IllegalStateException e : new IllegalStateException[] {
        assertThrows(IllegalStateException.class, () -> TensorAdjoints.requireUnchanged(labels, labelsThen, "labels", "loss")),
        assertThrows(IllegalStateException.class, () -> TensorAdjoints.requireUnchanged(d, dThen, "d", "loss")),
        assertThrows(IllegalStateException.class, () -> TensorAdjoints.requireUnchanged(m, mThen, "m", "loss"))}) {
      assertTrue(e.getMessage().contains("modified by an inplace operation") && e.getMessage().contains("of loss"),
          e.getMessage());
    }
  }

  @Test
  void upstreamsMustHaveTheOutputsShape() {
    assertThrows(IllegalArgumentException.class, () -> TensorAdjoints.requireSameShape(null, Tensor.zeros(2)));
    assertThrows(RuntimeException.class, () -> TensorAdjoints.requireSameShape(Tensor.zeros(3), Tensor.zeros(2)));
    assertDoesNotThrow(() -> TensorAdjoints.requireSameShape(Tensor.zeros(2), Tensor.ones(2)));
    assertTensor(new double[] {1}, new int[] {1, 1}, TensorAdjoints.implicitUpstream(Tensor.zeros(1, 1)));
    assertTensor(new double[] {1}, new int[] {}, TensorAdjoints.implicitUpstream(Tensor.of(3.0)));
    assertThrows(RuntimeException.class, () -> TensorAdjoints.implicitUpstream(Tensor.zeros(2)));
  }
}
