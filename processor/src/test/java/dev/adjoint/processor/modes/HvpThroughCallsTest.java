package dev.adjoint.processor.modes;

import static dev.adjoint.processor.testing.GradCheck.uniform;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.ModeCheck;
import org.junit.jupiter.api.Test;

/**
 * mHvp of methods that call other {@code @Differentiable} methods with a {@code double} result and
 * {@code double} parameters: the tangent of such a call is built from the callee's gradient, which the
 * reverse mode differentiates through the callee's own mHvp. Checked (with mJvp, mJacobian, mHessian)
 * against differences of gradients by {@link ModeCheck}.
 */
class HvpThroughCallsTest {
  static final String SOURCE = """
      package demo;
      import dev.adjoint.Differentiable;
      final class F {
        @Differentiable
        static double inner(double a, double b) {
          return Math.sin(a * b) + a * a * b;
        }

        @Differentiable
        static double middle(double x, double y) {
          double s = inner(x, y) * y;
          for (int i = 0; i < 3; i++) {
            s = s * 0.5 + inner(s, x);
          }
          return s;
        }

        @Differentiable
        static double outer(double[] v) {
          double s = 0;
          for (int i = 0; i < v.length; i++) {
            s += middle(v[i], s * 0.1 + 1) * v[i];
          }
          return s;
        }

        @Differentiable
        static double arrays(double[] v) { return v[0] * v[1]; }

        @Differentiable
        static double throughArrays(double x, double[] v) { return arrays(v) * x; }
      }
      """;

  @Test
  void callsOfScalarMethodsWithMHvpHaveMHvp() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", SOURCE);
    ModeCheck middle = ModeCheck.of(c, "demo.F", "middle");
    assertTrue(middle.has("Hvp"));
    middle.atRandomPoints(4, r -> new Object[] {uniform(r, -1, 1), uniform(r, -1, 1)});
    ModeCheck outer = ModeCheck.of(c, "demo.F", "outer");
    assertTrue(outer.has("Hvp") && outer.has("Hessian"));
    outer.atRandomPoints(4, r -> new Object[] {vector(r, 3, -1, 1)});
  }

  @Test
  void aCallWithArrayParametersStillHasNone() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", SOURCE);
    assertFalse(ModeCheck.of(c, "demo.F", "throughArrays").has("Hvp"));
    assertTrue(c.generatedSource("demo.FGrad").contains("No {@code throughArraysHvp}"));
  }
}
