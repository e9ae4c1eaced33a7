package dev.adjoint.processor.modes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.CompiledCompanion;
import org.junit.jupiter.api.Test;

/**
 * mHvp's tangent program without the primal values only the primal result read (differentiate.DeadStores):
 * the primal sum and its terms are gone from the generated mHvp, H v is unchanged, and values that may throw
 * stay.
 */
class HvpDeadStoresTest {
  @Test
  void rosenbrockHvpDropsThePrimalSumAndMatchesTheHandDerivedHessian() {
    CompiledCompanion c = CompiledCompanion.compile("demo.R", """
        package demo;
        import dev.adjoint.Differentiable;
        final class R {
          @Differentiable
          static double r(double[] x) {
            double s = 0;
            for (int i = 0; i + 1 < x.length; i++) {
              double a = x[i + 1] - x[i] * x[i];
              double b = 1.0 - x[i];
              s += 100 * a * a + b * b;
            }
            return s;
          }
        }
        """);
    String hvp = body(c.generatedSource("demo.RGrad"), " rHvp(");
    // The primal sum s feeds only the primal result, which mHvp does not return (its result is the tangent).
    assertFalse(hvp.contains("s = s +") || hvp.contains("_d_s "), hvp);
    assertTrue(hvp.contains("t$s = t$s +"), hvp);
    double[] x = {0.3, -1.2, 2.0, 0.7};
    double[] v = {0.7, -0.2, 1.5, -0.4};
    // The Hessian of sum 100 (x[i+1] - x[i]^2)^2 + (1 - x[i])^2, by hand.
    double[][] h = new double[x.length][x.length];
    for (int i = 0; i + 1 < x.length; i++) {
      h[i][i] += 1200 * x[i] * x[i] - 400 * x[i + 1] + 2;
      h[i][i + 1] += -400 * x[i];
      h[i + 1][i] += -400 * x[i];
      h[i + 1][i + 1] += 200;
    }
    Object result = CompiledCompanion.invoke(CompiledCompanion.method(c.load("demo.RGrad"), "rHvp"), null, x, v);
    double[] actual = (double[]) CompiledCompanion.invoke(CompiledCompanion.method(result.getClass(), "x"), result);
    for (int i = 0; i < x.length; i++) {
      double expected = 0;
      for (int j = 0; j < x.length; j++) {
        expected += h[i][j] * v[j];
      }
      assertEquals(expected, actual[i], 1e-9 * Math.max(1, Math.abs(expected)), "element " + i);
    }
  }

  @Test
  void unreadValuesThatMayThrowStayAndThrowAsTheOriginalDoes() {
    // q and e feed only the primal result, but an int division by zero and an element past the end throw in
    // the original: mHvp throws the same exceptions instead of skipping them.
    CompiledCompanion c = CompiledCompanion.compile("demo.T", """
        package demo;
        import dev.adjoint.Differentiable;
        final class T {
          @Differentiable
          static double t(double x, double[] y, int n, int d) {
            int q = n / d;
            double e = y[n];
            return x * x + q * e;
          }
        }
        """);
    Class<?> companion = c.load("demo.TGrad");
    java.lang.reflect.Method hvp = CompiledCompanion.method(companion, "tHvp");
    Object ok = CompiledCompanion.invoke(hvp, null, 1.5, new double[] {1, 2}, 1, 1, 2.0, new double[] {0, 0});
    assertEquals(2 * 2.0, (double) CompiledCompanion.invoke(CompiledCompanion.method(ok.getClass(), "x"), ok), 1e-12);
    assertThrows(ArithmeticException.class,
        () -> CompiledCompanion.invoke(hvp, null, 1.5, new double[] {1, 2}, 1, 0, 2.0, new double[] {0, 0}));
    assertThrows(ArrayIndexOutOfBoundsException.class,
        () -> CompiledCompanion.invoke(hvp, null, 1.5, new double[] {1, 2}, 2, 1, 2.0, new double[] {0, 0}));
  }

  private static String body(String generated, String member) {
    int start = generated.indexOf("{", generated.indexOf(member));
    return generated.substring(start, generated.indexOf("\n  }\n", start));
  }
}
