package dev.adjoint;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Broadcasting gradients on random shape pairs against central differences: the gradient of each
 * operand must have the operand's own shape and equal the finite-difference vector-Jacobian product.
 *
 * <p>Seeded JUnit generators: case {@code k} draws its inputs from {@code new Random(SEED + k)}, so a run
 * is reproducible, and each dynamic test's name carries the seed and the drawn inputs; a failure's message
 * repeats them. {@code -Dadjoint.propertyTries=N} runs N cases of each property instead of the defaults.
 */
class BroadcastPropertiesTest {
  static final long BROADCAST_SEED = 20240607L;
  static final long REDUCTION_SEED = 7L;
  static final String TRIES = "adjoint.propertyTries";

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

  /** An int drawn uniformly from {@code [min, max]}. */
  private static int between(Random r, int min, int max) {
    return min + r.nextInt(max - min + 1);
  }

  /** Runs {@code body} and, if it fails, names the case's seed and inputs in the failure. */
  private static DynamicTest named(String name, Runnable body) {
    return DynamicTest.dynamicTest(name, () -> {
      try {
        body.run();
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError(name + ": " + e.getMessage(), e);
      }
    });
  }

  @TestFactory
  Stream<DynamicTest> addSubMulDivGradientsMatchFiniteDifferences() {
    return IntStream.range(0, Integer.getInteger(TRIES, 60)).mapToObj(k -> {
      long seed = BROADCAST_SEED + k;
      Random r = new Random(seed);
      int d0 = between(r, 1, 3);
      int d1 = between(r, 1, 3);
      int d2 = between(r, 1, 3);
      int rank = between(r, 0, 3);
      int onesMask = between(r, 0, 7);
      int drop = between(r, 0, 3);
      boolean swap = r.nextBoolean();
      int op = between(r, 0, 3);
      int[][] s = shapes(d0, d1, d2, rank, onesMask, drop);
      int[] sa = swap ? s[1] : s[0];
      int[] sb = swap ? s[0] : s[1];
      String opName = new String[] {"add", "sub", "mul", "div"}[op];
      String name = "seed " + seed + ": " + Arrays.toString(sa) + " " + opName + " " + Arrays.toString(sb)
          + " (d=" + d0 + "," + d1 + "," + d2 + " rank=" + rank + " onesMask=" + onesMask + " drop=" + drop
          + " swap=" + swap + ")";
      return named(name, () -> {
        Tensor a = Numeric.param(d0 * 31L + rank, sa);
        Tensor b = Numeric.param(d1 * 17L + onesMask, 0.5, 2.0, sb);
        switch (op) {
          case 0 -> Numeric.check(x -> x[0].add(x[1]), a, b);
          case 1 -> Numeric.check(x -> x[0].sub(x[1]), a, b);
          case 2 -> Numeric.check(x -> x[0].mul(x[1]), a, b);
          default -> Numeric.check(x -> x[0].div(x[1]), a, b);
        }
      });
    });
  }

  @TestFactory
  Stream<DynamicTest> reductionsOverAnyDimensionMatchFiniteDifferences() {
    return IntStream.range(0, Integer.getInteger(TRIES, 40)).mapToObj(k -> {
      long seed = REDUCTION_SEED + k;
      Random r = new Random(seed);
      int d0 = between(r, 1, 3);
      int d1 = between(r, 1, 4);
      int d2 = between(r, 1, 3);
      int dim = between(r, -3, 2);
      boolean keepDim = r.nextBoolean();
      String name = "seed " + seed + ": shape [" + d0 + ", " + d1 + ", " + d2 + "] dim " + dim + " keepDim "
          + keepDim;
      return named(name, () -> {
        Tensor x = Numeric.param(d0 * 100L + d1 * 10L + d2, d0, d1, d2);
        Numeric.check(t -> t[0].sum(dim, keepDim).add(t[0].mean(dim, keepDim).square()), x);
        Numeric.check(t -> t[0].softmax(dim).mul(t[0].logSoftmax(dim)), x);
      });
    });
  }
}
