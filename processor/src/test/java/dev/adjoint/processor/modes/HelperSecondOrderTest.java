package dev.adjoint.processor.modes;

import static dev.adjoint.processor.testing.GradCheck.matrix;
import static dev.adjoint.processor.testing.GradCheck.uniform;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.ModeCheck;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Callers of plain helpers (static methods without annotation, differentiated per activity pattern): their
 * {@code mJvp} is a tangent sweep through the helpers' {@code Jvp} members, and they have {@code mHvp} through
 * the helpers' {@code Gradient} and {@code Hvp} members when each helper reached has a second-order program of
 * its own (a recursive helper's through its tangent member); otherwise the callers' companion says why.
 * {@link ModeCheck} checks mJvp against directional central differences and mHvp against central differences
 * of mGradient.
 */
class HelperSecondOrderTest {
  static final String SOURCE = """
      package demo;
      import dev.adjoint.Differentiable;
      final class H {
        static double mix(double a, double b) { return Math.sin(a * b) + a * a * b; }

        static double dotSq(double[] x, double s) {
          double r = 0;
          for (int i = 0; i < x.length; i++) {
            r += x[i] * x[i] * s;
          }
          return r + Math.exp(x[0] * s);
        }

        private static double frob(double[][] m, double s) {
          double r = 0;
          for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[i].length; j++) {
              r += Math.cos(m[i][j] * s) * m[i][j];
            }
          }
          return r;
        }

        static double outer(double a, double[] x) { return mix(a, x[1]) * dotSq(x, a) + mix(x[0], 2.0); }

        static double pw(double x, int n) { return n == 0 ? 1 : x * pw(x, n - 1); }

        @Differentiable
        static double callScalar(double a, double b) { return mix(a, b) * a + mix(b, 0.5); }

        @Differentiable
        static double callVector(double[] x, double s) { return dotSq(x, s * s) * x[1]; }

        @Differentiable
        static double callMatrix(double[][] m, double s) { return frob(m, s) + s * frob(m, 2.0); }

        @Differentiable
        static double callNested(double a, double[] x) { return outer(a, x) + Math.sin(a); }

        @Differentiable
        static double callRecursive(double x, double y) { return pw(x * y, 4) + pw(y, 3) * x; }

        @Differentiable
        static double nestedThroughHelpers(double x) { return HGrad.callScalarGradient(x, x * x).b() * x; }
      }
      """;

  /** Each caller, with a point generator and whether it has {@code mHvp}. */
  private static final Map<String, Object[]> CALLERS = Map.of(
      "callScalar", new Object[] {points(r -> new Object[] {uniform(r, -1, 1), uniform(r, -1, 1)}), true},
      "callVector", new Object[] {points(r -> new Object[] {vector(r, 3, -1, 1), uniform(r, -1, 1)}), true},
      "callMatrix", new Object[] {points(r -> new Object[] {matrix(r, 2, 3, -1, 1), uniform(r, -1, 1)}), true},
      "callNested", new Object[] {points(r -> new Object[] {uniform(r, -1, 1), vector(r, 2, -1, 1)}), true},
      // a recursive helper: through its tangent member pw$tan (see RecursiveSecondOrderTest)
      "callRecursive", new Object[] {points(r -> new Object[] {uniform(r, -1, 1), uniform(r, -1, 1)}), true},
      // a nested gradient of a caller of helpers, differentiated through its mHvp (no mHvp of its own)
      "nestedThroughHelpers", new Object[] {points(r -> new Object[] {uniform(r, -1, 1)}), false});

  private static Function<Random, Object[]> points(Function<Random, Object[]> f) {
    return f;
  }

  @Test
  @SuppressWarnings("unchecked")
  void callersOfPlainHelpersHaveTangentSweepsAndHvpsMatchingDifferences() {
    CompiledCompanion c = CompiledCompanion.compile("demo.H", SOURCE);
    String generated = c.generatedSource("demo.HGrad");
    ModeCheck.requireTangentSweep(c, "demo.H");
    for (Map.Entry<String, Object[]> e : CALLERS.entrySet()) {
      ModeCheck.checkCaller(c, "demo.H", e.getKey(), (Function<Random, Object[]>) e.getValue()[0],
          (Boolean) e.getValue()[1]);
    }
    // the mHvp of a caller goes through the helpers' own: a gradient and a Hessian-vector product per call
    int start = generated.indexOf(" callNestedHvp(");
    String hvp = generated.substring(start, generated.indexOf("\n  }\n", start));
    assertTrue(hvp.contains("Gradient(") && hvp.contains("Hvp("), hvp);
  }
}
