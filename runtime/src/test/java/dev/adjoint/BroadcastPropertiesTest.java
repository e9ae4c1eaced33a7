package dev.adjoint;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Broadcasting gradients on random shape pairs against central differences: the gradient of each
 * operand must have the operand's own shape and equal the finite-difference vector-Jacobian product.
 * Fixed seed and a modest number of tries keep the run short and reproducible.
 */
class BroadcastPropertiesTest {

  /** A shape of rank {@code rank} (0 to 3) and a second shape broadcastable with it. */
  private static int[][] shapes(int d0, int d1, int d2, int rank, int onesMask, int drop) {
    int[] full = {d0, d1, d2};
    int[] a = Arrays.copyOfRange(full, 3 - rank, 3);
    int[] b = a.clone();
    for (int i = 0; i < b.length; i++) {
      if ((onesMask >> i & 1) == 1) {
        b[i] = 1;
      }
    }
    b = Arrays.copyOfRange(b, Math.min(drop, b.length), b.length);
    return new int[][] {a, b};
  }

  @Property(tries = 40, seed = "20240607")
  void addSubMulDivGradientsMatchFiniteDifferences(
      @ForAll @IntRange(min = 1, max = 3) int d0,
      @ForAll @IntRange(min = 1, max = 3) int d1,
      @ForAll @IntRange(min = 1, max = 3) int d2,
      @ForAll @IntRange(min = 0, max = 3) int rank,
      @ForAll @IntRange(min = 0, max = 7) int onesMask,
      @ForAll @IntRange(min = 0, max = 3) int drop,
      @ForAll boolean swap,
      @ForAll @IntRange(min = 0, max = 3) int op) {
    int[][] s = shapes(d0, d1, d2, rank, onesMask, drop);
    Tensor a = Numeric.param(d0 * 31L + rank, swap ? s[1] : s[0]);
    Tensor b = Numeric.param(d1 * 17L + onesMask, 0.5, 2.0, swap ? s[0] : s[1]);
    switch (op) {
      case 0 -> Numeric.check(x -> x[0].add(x[1]), a, b);
      case 1 -> Numeric.check(x -> x[0].sub(x[1]), a, b);
      case 2 -> Numeric.check(x -> x[0].mul(x[1]), a, b);
      default -> Numeric.check(x -> x[0].div(x[1]), a, b);
    }
  }

  @Property(tries = 25, seed = "7")
  void reductionsOverAnyDimensionMatchFiniteDifferences(
      @ForAll @IntRange(min = 1, max = 3) int d0,
      @ForAll @IntRange(min = 1, max = 4) int d1,
      @ForAll @IntRange(min = 1, max = 3) int d2,
      @ForAll @IntRange(min = -3, max = 2) int dim,
      @ForAll boolean keepDim) {
    Tensor x = Numeric.param(d0 * 100L + d1 * 10L + d2, d0, d1, d2);
    Numeric.check(t -> t[0].sum(dim, keepDim).add(t[0].mean(dim, keepDim).square()), x);
    Numeric.check(t -> t[0].softmax(dim).mul(t[0].logSoftmax(dim)), x);
  }
}
