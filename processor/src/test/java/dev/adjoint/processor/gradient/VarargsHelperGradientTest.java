package dev.adjoint.processor.gradient;

import static dev.adjoint.processor.testing.GradCheck.uniform;
import static dev.adjoint.processor.testing.GradCheck.vector;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import dev.adjoint.processor.testing.ModeCheck;
import org.junit.jupiter.api.Test;

/**
 * Plain helpers with variable arity ({@code double...}, {@code int...}) called with separate arguments and with
 * an array: each element's gradient flows back to its own argument. Checked against central
 * differences, the forward modes against the reverse mode.
 */
class VarargsHelperGradientTest {
  @Test
  void elementsArraysAndEmptyCalls() {
    String source = ConstructGradientTest.wrap("""
        static double sum(double... v) {
          double s = 0;
          for (double t : v) {
            s += t;
          }
          return s;
        }
        static double weighted(double w, int... idx) {
          double s = w;
          for (int i : idx) {
            s *= i + w;
          }
          return s;
        }
        static double norm(double scale, double... v) {
          v[0] = v[0] * 2;
          double s = 0;
          for (int i = 0; i < v.length; i++) {
            s += v[i] * v[i];
          }
          return scale * Math.sqrt(s);
        }
        @Differentiable static double f(double a, double b, double[] xs) {
          double one = sum(a);
          double three = sum(a, b, a * b);
          double none = sum(new double[] {1.0}) + 1;
          double arr = sum(xs);
          double c = sum(2.0, 3.0);
          return one * three + none * arr + c * norm(b, a, xs[0], 1.5) + weighted(a, 1, 2, 3) + sum(xs[1], arr);
        }
        """);
    GradCheck.of(source, "f").atRandomPoints(6,
        r -> new Object[] {uniform(r, 0.1, 1), uniform(r, -1, 1), vector(r, 3, -1, 1)});
    ModeCheck.of(CompiledCompanion.compile("demo.F", source), "demo.F", "f").atRandomPoints(3,
        r -> new Object[] {uniform(r, 0.1, 1), uniform(r, -1, 1), vector(r, 3, -1, 1)});
  }
}
