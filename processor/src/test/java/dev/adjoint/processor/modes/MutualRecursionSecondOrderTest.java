package dev.adjoint.processor.modes;

import static dev.adjoint.processor.testing.GradCheck.uniform;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.ModeCheck;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Second order through mutual recursion (f calls g calls f, in one class): every method and plain helper of the
 * cycle gets the tangent member {@code m$tan}, so the cycle's methods and their callers have {@code mHvp} (and
 * {@code mHessian} for one {@code double[]} parameter). {@link ModeCheck} checks mJvp against directional central
 * differences and mHvp/mHessian against central differences of mGradient.
 */
class MutualRecursionSecondOrderTest {
  static final String SOURCE = """
      package demo;
      import dev.adjoint.Differentiable;
      import dev.adjoint.NoGrad;
      final class M {
        /** Even and odd depths on doubles. */
        @Differentiable
        static double even(double x, int n) { return n == 0 ? Math.cos(x) : Math.sin(odd(x * 0.9, n - 1)) + 0.1 * x * x; }

        @Differentiable
        static double odd(double x, int n) { return n == 0 ? x * x : even(x + 0.2, n - 1) * x; }

        @Differentiable
        static double callEven(double x, double y) { return even(x * y, 5) + y * odd(y, 2); }

        /** A recursive pair over an array, with a loop and a branch at each level, a @NoGrad parameter. */
        @Differentiable
        static double ping(double[] x, double s, @NoGrad double c, int i) {
          if (i == x.length) {
            return s * s + c;
          }
          return pong(x, s + Math.sin(x[i]), c, i + 1) * x[i] + c * s;
        }

        @Differentiable
        static double pong(double[] x, double s, @NoGrad double c, int i) {
          if (i == x.length) {
            return Math.exp(0.3 * s);
          }
          double t = 0;
          for (int j = 0; j < i; j++) {
            t += x[j] * s;
          }
          return ping(x, Math.tanh(t + s), c, i + 1) + x[i] * s;
        }

        @Differentiable
        static double callPing(double[] x) { return ping(x, x[0], 0.5, 0) + pong(x, 0.2, 0.1, 1) * x[1]; }

        /** Three plain helpers in a cycle, differentiated for their caller. */
        static double a(double x, int n) { return n <= 0 ? x : b(x * 0.8, n - 1) + Math.sin(x); }

        static double b(double x, int n) { return c(x + 0.1, n) * x; }

        static double c(double x, int n) { return Math.cos(a(x, n - 1)); }

        @Differentiable
        static double callHelpers(double[] x) { return a(x[0] * x[1], 4) + a(x[1], 2) * x[0]; }
      }
      """;

  private static final Map<String, Function<Random, Object[]>> CALLERS = Map.of(
      "even", r -> new Object[] {uniform(r, -1, 1), 4},
      "odd", r -> new Object[] {uniform(r, -1, 1), 5},
      "callEven", r -> new Object[] {uniform(r, -1, 1), uniform(r, -1, 1)},
      "ping", r -> new Object[] {vector(r, 3, -1, 1), uniform(r, -1, 1), 0.4, 0},
      "pong", r -> new Object[] {vector(r, 3, -1, 1), uniform(r, -1, 1), 0.4, 0},
      "callPing", r -> new Object[] {vector(r, 4, -1, 1)},
      "callHelpers", r -> new Object[] {vector(r, 2, -1, 1)});

  @Test
  void methodsOfACallCycleAndTheirCallersHaveHvpsMatchingDifferences() {
    CompiledCompanion c = CompiledCompanion.compile("demo.M", SOURCE);
    ModeCheck.requireTangentSweep(c, "demo.M");
    CALLERS.forEach((name, points) -> ModeCheck.checkCaller(c, "demo.M", name, points, true));
    assertTrue(ModeCheck.of(c, "demo.M", "callPing").has("Hessian"));
    assertTrue(ModeCheck.of(c, "demo.M", "callHelpers").has("Hessian"));
    String generated = c.generatedSource("demo.MGrad");
    for (String member : new String[] {"even$tan", "odd$tan", "ping$tan", "pong$tan"}) {
      assertTrue(generated.contains(" " + member + "("), member);
    }
  }

  /** H v of the cycle against differences of gradients at one point, 8 levels deep. */
  @Test
  void anEvenOddHvpEqualsDifferencesOfGradients() {
    CompiledCompanion c = CompiledCompanion.compile("demo.M", SOURCE);
    double x = 0.3;
    double actual = (double) CompiledCompanion.components(c.callStatic("demo.MGrad", "evenHvp", x, 8, 1.0)).get("x");
    double h = 1e-5;
    double expected = ((double) CompiledCompanion.components(c.callStatic("demo.MGrad", "evenGradient", x + h, 8))
        .get("x") - (double) CompiledCompanion.components(c.callStatic("demo.MGrad", "evenGradient", x - h, 8))
        .get("x")) / (2 * h);
    assertEquals(expected, actual, 1e-6 * Math.max(1, Math.abs(expected)));
  }
}
