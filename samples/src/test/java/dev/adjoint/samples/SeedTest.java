package dev.adjoint.samples;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.Differentiable;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The seed article's examples with its exact numbers and messages ({@code seed/README.md}), plus checks of
 * the generated companion {@link SeedGrad} that do not trust it: central differences, unmodified inputs,
 * and zero gradients for ignored parameters.
 */
class SeedTest {
  /** Tolerance for values that the article gives exactly. */
  private static final double EXACT = 1e-12;

  // -----------------------------------------------------------------------------------------------------
  // The article's examples

  @Nested
  class Article {
    @Test
    void example1MeanOfSquaresWithImplicitUpstream() {
      double[] a = {2, 3};
      SeedGrad.MeanOfSquaresTape out = SeedGrad.meanOfSquaresForward(a);
      assertEquals(91.5, out.value(), EXACT);
      assertArrayEquals(new double[] {15, 18}, out.backward().a(), EXACT);
      assertArrayEquals(new double[] {15, 18}, SeedGrad.meanOfSquaresGradient(a).a(), EXACT);
      assertEquals(91.5, SeedGrad.meanOfSquares(a), EXACT);
    }

    @Test
    void example2NonScalarTapesHaveNoImplicitBackward() {
      // y.backward() on a non-scalar y does not compile: there is no such overload to call.
      for (Class<?> tape : new Class<?>[] {SeedGrad.PlusOneTape.class, SeedGrad.SquareAndCubeTape.class,
          SeedGrad.MixedTape.class, SeedGrad.MatmulTape.class}) {
        assertFalse(hasImplicitBackward(tape), tape.getSimpleName() + " must not have backward()");
      }
      for (Class<?> tape : new Class<?>[] {SeedGrad.MeanOfSquaresTape.class, SeedGrad.SumOfSquaresTape.class}) {
        assertTrue(hasImplicitBackward(tape), tape.getSimpleName() + " must have backward()");
      }
      double[][] y = SeedGrad.plusOne(new double[][] {{1, 1}, {1, 1}});
      assertArrayEquals(new double[] {2, 2}, y[0], EXACT);
      assertArrayEquals(new double[] {2, 2}, y[1], EXACT);
    }

    @Test
    void example3UpstreamMultiplies() {
      double[] m = {2, 3};
      SeedGrad.SquareAndCubeTape n = SeedGrad.squareAndCubeForward(m);
      assertArrayEquals(new double[] {4, 27}, n.value(), EXACT);
      assertArrayEquals(new double[] {8, 81}, n.backward(m).m(), EXACT);
    }

    @Test
    void example3bUpstreamOfOnes() {
      assertArrayEquals(new double[] {4, 27}, SeedGrad.squareAndCubeVjp(new double[] {2, 3}, new double[] {1, 1}).m(),
          EXACT);
    }

    @Test
    void example4UpstreamOfOnesSumsTheJacobiansRows() {
      SeedGrad.MixedTape k = SeedGrad.mixedForward(new double[] {2, 3});
      assertArrayEquals(new double[] {6, 9}, k.backward(new double[] {1, 1}).m(), EXACT);
    }

    @Test
    void example4bUpstreamOfTheWrongShapeNamesBothShapes() {
      SeedGrad.MixedTape k = SeedGrad.mixedForward(new double[] {2, 3});
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> k.backward(new double[] {1, 1, 1}));
      assertTrue(e.getMessage().contains("[3]"), e.getMessage());
      assertTrue(e.getMessage().contains("[2]"), e.getMessage());
      // The refused call did not consume the graph.
      assertArrayEquals(new double[] {6, 9}, k.backward(new double[] {1, 1}).m(), EXACT);
    }

    @Test
    void example5JacobianFromOneHotUpstreamsWithRetainedGraph() {
      SeedGrad.MixedTape k = SeedGrad.mixedForward(new double[] {2, 3});
      double[] column0 = k.backward(new double[] {1, 0}, true).m();
      double[] column1 = k.backward(new double[] {0, 1}).m();
      assertArrayEquals(new double[] {4, 3}, column0, EXACT);
      assertArrayEquals(new double[] {2, 6}, column1, EXACT);
      double[][] j = {{column0[0], column1[0]}, {column0[1], column1[1]}};
      assertArrayEquals(new double[] {4, 2}, j[0], EXACT);
      assertArrayEquals(new double[] {3, 6}, j[1], EXACT);
    }

    @Test
    void example5bThirdBackwardAfterTheGraphWasFreed() {
      SeedGrad.MixedTape k = SeedGrad.mixedForward(new double[] {2, 3});
      k.backward(new double[] {1, 0}, true);
      k.backward(new double[] {0, 1});
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> k.backward(new double[] {1, 1}));
      assertTrue(e.getMessage().startsWith("Trying to backward through the graph a second time"), e.getMessage());
      assertTrue(e.getMessage().contains("retainGraph=true"), e.getMessage());
    }

    @Test
    void example6MatrixProductAndItsJacobian() {
      double[][] x = {{2, 1}};
      double[][] y = {{1, 2}, {3, 4}};
      SeedGrad.MatmulTape z = SeedGrad.matmulForward(x, y);
      double[][] value = z.value();
      assertEquals(1, value.length);
      assertArrayEquals(new double[] {5, 8}, value[0], EXACT);
      double[] column0 = z.backward(new double[][] {{1, 0}}, true).x()[0];
      double[] column1 = z.backward(new double[][] {{0, 1}}).x()[0];
      double[][] j = {{column0[0], column1[0]}, {column0[1], column1[1]}};
      assertArrayEquals(new double[] {1, 2}, j[0], EXACT);
      assertArrayEquals(new double[] {3, 4}, j[1], EXACT);
    }

    @Test
    void example7AccumulationIsTheCallerAddingFreshGradients() {
      double[] w = {2, 3};
      double[] accumulated = new double[2];
      for (int call = 0; call < 3; call++) {
        double[] grad = SeedGrad.sumOfSquaresGradient(w).w();
        assertArrayEquals(new double[] {4, 6}, grad, EXACT, "each gradient is fresh");
        for (int i = 0; i < 2; i++) {
          accumulated[i] += grad[i];
        }
      }
      assertArrayEquals(new double[] {12, 18}, accumulated, EXACT);
    }
  }

  // -----------------------------------------------------------------------------------------------------
  // Gradient checks against central differences, computed here from the forward functions alone

  @Nested
  class CentralDifferences {
    @Test
    void meanOfSquares() {
      checkVjp(new int[] {5}, p -> new double[] {Seed.meanOfSquares(p)},
          (p, u) -> SeedGrad.meanOfSquaresVjp(p, u[0]).a());
    }

    @Test
    void plusOne() {
      checkVjp(new int[] {6}, p -> flat(Seed.plusOne(matrix(p, 0, 2, 3))),
          (p, u) -> flat(SeedGrad.plusOneVjp(matrix(p, 0, 2, 3), matrix(u, 0, 2, 3)).x()));
    }

    @Test
    void squareAndCube() {
      checkVjp(new int[] {2}, Seed::squareAndCube, (p, u) -> SeedGrad.squareAndCubeVjp(p, u).m());
    }

    @Test
    void mixed() {
      checkVjp(new int[] {2}, Seed::mixed, (p, u) -> SeedGrad.mixedVjp(p, u).m());
    }

    @Test
    void matmul() {
      // x is 2×3, y is 3×4, both flattened into one parameter vector; z is 2×4.
      checkVjp(new int[] {6 + 12}, p -> flat(Seed.matmul(matrix(p, 0, 2, 3), matrix(p, 6, 3, 4))),
          (p, u) -> {
            SeedGrad.MatmulGradient g = SeedGrad.matmulVjp(matrix(p, 0, 2, 3), matrix(p, 6, 3, 4), matrix(u, 0, 2, 4));
            return concat(flat(g.x()), flat(g.y()));
          });
    }

    @Test
    void sumOfSquares() {
      checkVjp(new int[] {7}, p -> new double[] {Seed.sumOfSquares(p)},
          (p, u) -> SeedGrad.sumOfSquaresVjp(p, u[0]).w());
    }

    @Test
    void rosenbrock() {
      checkVjp(new int[] {10}, p -> new double[] {Optimize.rosenbrock(p)},
          (p, u) -> OptimizeGrad.rosenbrockVjp(p, u[0]).x());
    }
  }

  /** A vector-Jacobian product of a flattened function: parameters and upstream in, flat gradient out. */
  private interface Vjp {
    double[] apply(double[] parameters, double[] upstream);
  }

  /**
   * Compares {@code vjp} with {@code upstream · J}, {@code J} by central differences of {@code f}, at several
   * random points with random upstreams (PyTorch's gradcheck tolerances, with a step suited to float64).
   */
  private static void checkVjp(int[] size, Function<double[], double[]> f, Vjp vjp) {
    Random random = new Random(42);
    double h = 1e-6;
    for (int trial = 0; trial < 5; trial++) {
      double[] p = new double[size[0]];
      for (int i = 0; i < p.length; i++) {
        p[i] = random.nextDouble() * 4 - 2;
      }
      double[] value = f.apply(p);
      double[] u = new double[value.length];
      for (int i = 0; i < u.length; i++) {
        u[i] = random.nextDouble() * 2 - 1;
      }
      double[] expected = new double[p.length];
      for (int i = 0; i < p.length; i++) {
        double[] plus = p.clone();
        double[] minus = p.clone();
        plus[i] += h;
        minus[i] -= h;
        double[] fPlus = f.apply(plus);
        double[] fMinus = f.apply(minus);
        for (int o = 0; o < u.length; o++) {
          expected[i] += u[o] * (fPlus[o] - fMinus[o]) / (2 * h);
        }
      }
      double[] actual = vjp.apply(p.clone(), u.clone());
      assertEquals(expected.length, actual.length, "gradient length");
      for (int i = 0; i < expected.length; i++) {
        double tolerance = 1e-5 + 1e-3 * Math.abs(expected[i]);
        int entry = i;
        int at = trial;
        assertEquals(expected[i], actual[i], tolerance,
            () -> "entry " + entry + " in trial " + at + " at " + Arrays.toString(p) + " with upstream "
                + Arrays.toString(u));
      }
    }
  }

  // -----------------------------------------------------------------------------------------------------
  // Inputs are never mutated; ignored parameters get zero gradients

  @Nested
  class Contracts {
    @Test
    void forwardAndReversePassesDoNotMutateInputsOrUpstreams() {
      double[] a = {2, 3, -1};
      double[] m = {2, 3};
      double[][] x = {{2, 1}};
      double[][] y = {{1, 2}, {3, 4}};
      double[] upstream = {0.5, -2};
      double[][] upstream2 = {{0.5, -2}};
      double[] aCopy = a.clone();
      double[] mCopy = m.clone();
      double[][] xCopy = deepCopy(x);
      double[][] yCopy = deepCopy(y);

      SeedGrad.meanOfSquares(a);
      SeedGrad.meanOfSquaresGradient(a);
      SeedGrad.MeanOfSquaresTape t1 = SeedGrad.meanOfSquaresForward(a);
      t1.backward(2.0, true);
      t1.backward();
      SeedGrad.sumOfSquaresVjp(a, 3.0);
      SeedGrad.sumOfSquaresForward(a).backward(1.0, true);

      SeedGrad.squareAndCubeVjp(m, upstream);
      SeedGrad.SquareAndCubeTape t2 = SeedGrad.squareAndCubeForward(m);
      t2.backward(upstream, true);
      t2.backward(upstream);
      SeedGrad.MixedTape t3 = SeedGrad.mixedForward(m);
      t3.backward(upstream, true);
      t3.backward(upstream);
      SeedGrad.mixedVjp(m, upstream);

      SeedGrad.matmulVjp(x, y, upstream2);
      SeedGrad.MatmulTape t4 = SeedGrad.matmulForward(x, y);
      t4.backward(upstream2, true);
      t4.backward(upstream2);
      SeedGrad.plusOneVjp(y, y);

      assertAll(
          () -> assertArrayEquals(aCopy, a),
          () -> assertArrayEquals(mCopy, m),
          () -> assertArrayEquals(xCopy, x),
          () -> assertArrayEquals(yCopy, y),
          () -> assertArrayEquals(new double[] {0.5, -2}, upstream),
          () -> assertArrayEquals(new double[][] {{0.5, -2}}, upstream2));
    }

    @Test
    void retainedReversePassesGiveTheSameGradientEachTime() {
      SeedGrad.MeanOfSquaresTape out = SeedGrad.meanOfSquaresForward(new double[] {2, 3});
      double[] first = out.backward(1.0, true).a();
      double[] second = out.backward(1.0, true).a();
      double[] third = out.backward().a();
      assertArrayEquals(first, second, EXACT);
      assertArrayEquals(first, third, EXACT);
      assertArrayEquals(new double[] {15, 18}, third, EXACT);
    }

    @Test
    void aTapeKeepsItsOwnCopyOfTheInputs() {
      double[] m = {2, 3};
      SeedGrad.MixedTape k = SeedGrad.mixedForward(m);
      m[0] = 100;
      assertArrayEquals(new double[] {13, 13}, k.value(), EXACT);
      assertArrayEquals(new double[] {6, 9}, k.backward(new double[] {1, 1}).m(), EXACT);
    }

    @Test
    void ignoredParametersGetZeroGradientsNotNull() {
      double[] used = {3, 4};
      double[] ignored = {5, 6, 7};
      double[][] ignoredMatrix = {{1, 2}, {3, 4}};
      SeedTest_IgnoresGrad.FirstOnlyGradient g =
          SeedTest_IgnoresGrad.firstOnlyGradient(used, ignored, 8.0, ignoredMatrix, 1);
      assertArrayEquals(new double[] {0, 8}, g.used(), EXACT);
      assertArrayEquals(new double[] {0, 0, 0}, g.ignored());
      assertEquals(0.0, g.alsoIgnored());
      assertArrayEquals(new double[][] {{0, 0}, {0, 0}}, g.ignoredMatrix());
      assertEquals(16.0, SeedTest_IgnoresGrad.firstOnly(used, ignored, 8.0, ignoredMatrix, 1), EXACT);
    }

    @Test
    void anOutputThatDoesNotDependOnAnInputEntryGivesItZero() {
      // n = [m0², m1³]: with upstream [1, 0] only m0 is reached.
      assertArrayEquals(new double[] {4, 0}, SeedGrad.squareAndCubeVjp(new double[] {2, 3}, new double[] {1, 0}).m(),
          EXACT);
    }
  }

  /** A function whose value ignores most of its parameters; its companion is {@code SeedTest_IgnoresGrad}. */
  static final class Ignores {
    private Ignores() {}

    /** Returns {@code used[index]²}; nothing else reaches the result. */
    @Differentiable
    static double firstOnly(double[] used, double[] ignored, double alsoIgnored, double[][] ignoredMatrix, int index) {
      return used[index] * used[index];
    }
  }

  // -----------------------------------------------------------------------------------------------------
  // Helpers

  private static boolean hasImplicitBackward(Class<?> tape) {
    return Arrays.stream(tape.getMethods())
        .anyMatch(method -> method.getName().equals("backward") && method.getParameterCount() == 0);
  }

  /** The {@code rows × cols} matrix stored row-major in {@code flat} from {@code offset}. */
  private static double[][] matrix(double[] flat, int offset, int rows, int cols) {
    double[][] m = new double[rows][cols];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(flat, offset + r * cols, m[r], 0, cols);
    }
    return m;
  }

  private static double[] flat(double[][] m) {
    return Arrays.stream(m).flatMapToDouble(Arrays::stream).toArray();
  }

  private static double[] concat(double[] a, double[] b) {
    double[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  private static double[][] deepCopy(double[][] m) {
    return Arrays.stream(m).map(double[]::clone).toArray(double[][]::new);
  }
}
