package dev.adjoint.processor.modes;

import static dev.adjoint.processor.testing.GradCheck.uniform;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.ModeCheck;
import org.junit.jupiter.api.Test;

/** mJvp, mJacobian, mHvp and mHessian against differences of the original method (see {@link ModeCheck}). */
class ForwardModeTest {
  static final String SOURCE = """
      package demo;
      import dev.adjoint.Differentiable;
      final class F {
        @Differentiable
        static double f(double x, double[] y, int n) {
          double s = 0;
          for (int i = 0; i < y.length; i++) {
            s += Math.sin(x * y[i]) + Math.pow(y[i], 2.0);
          }
          if (s > 0) { s = s * s; } else { s = -s; }
          double q = x > 0 ? Math.log(1 + x * x) : x;
          return s / (1 + q * q) + Math.max(x, 0.5) + n * x;
        }
        @Differentiable
        static double g(double a, double[] b) { return a * b[0] + f(a, b, 2); }
        @Differentiable
        static double[] h(double a, double[] b) {
          double[] r = new double[b.length];
          for (int i = 0; i < b.length; i++) { r[i] = a * b[i] + Math.exp(b[i]); }
          return r;
        }
      }
      """;

  @Test
  void loopsBranchesConditionalsAndArrays() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", SOURCE);
    System.out.println(c.generatedSource("demo.FGrad"));
    ModeCheck check = ModeCheck.of(c, "demo.F", "f");
    assertTrue(check.has("Hvp") && check.has("Jacobian"));
    check.atRandomPoints(5, r -> new Object[] {uniform(r, -1.5, 1.5), vector(r, 3, -1, 1), r.nextInt(3)});
  }

  @Test
  void callsThroughTheCalleesJvp() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", SOURCE);
    assertTrue(c.generatedSource("demo.FGrad").contains("FGrad.fJvp("));
    ModeCheck check = ModeCheck.of(c, "demo.F", "g");
    assertFalse(check.has("Hvp"));
    check.atRandomPoints(5, r -> new Object[] {uniform(r, -1.5, 1.5), vector(r, 3, -1, 1)});
    ModeCheck.of(c, "demo.F", "h").atRandomPoints(5, r -> new Object[] {uniform(r, -1.5, 1.5), vector(r, 4, -1, 1)});
  }
}
