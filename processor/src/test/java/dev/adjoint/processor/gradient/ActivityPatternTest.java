package dev.adjoint.processor.gradient;

import static dev.adjoint.processor.testing.GradCheck.uniform;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import dev.adjoint.processor.testing.ModeCheck;
import org.junit.jupiter.api.Test;

/**
 * Calls of a {@code @Differentiable} method specialised for the activity of their arguments (design.md §7):
 * a call that passes a constant or an inactive array to a differentiated parameter runs a specialisation in
 * which that parameter is not differentiated. Callers with every pattern (active, inactive local, {@code @NoGrad}
 * parameter, constant) are gradient-checked against central differences.
 */
class ActivityPatternTest {
  /**
   * The callees g (differentiated in a, b and s; c is @NoGrad, n an int) and h, and their callers, one per
   * activity pattern.
   */
  private static final String SOURCE = """
      package demo;
      import dev.adjoint.Differentiable;
      import dev.adjoint.NoGrad;
      final class F {
        @Differentiable static double g(double[] a, double[] b, double s, @NoGrad double[] c, int n) {
          double t = 0;
          for (int i = 0; i < n; i++) {
            t += Math.sin(a[i] * b[i]) * s + a[i] * c[i] + b[i] * b[i] * s;
          }
          return t * s;
        }
        @Differentiable static double[] h(double[] u, double[] v) {
          double[] r = new double[u.length];
          for (int i = 0; i < u.length; i++) {
            r[i] = u[i] * Math.exp(v[i]);
          }
          return r;
        }
        @Differentiable static double all(double[] x, double p) {
          double[] c = {0.2, -0.4, 0.9, 0.3};
          return g(x, x, p, c, x.length);
        }
        @Differentiable static double inactiveLocal(double[] x, double p) {
          double[] c = {0.2, -0.4, 0.9, 0.3};
          double[] w = new double[x.length];
          for (int i = 0; i < w.length; i++) {
            w[i] = 0.5 + i;
          }
          return g(x, w, p, c, x.length) + g(w, x, 1.5, c, x.length);
        }
        @Differentiable static double noGradArgument(double[] x, double p, @NoGrad double[] c) {
          return g(c, x, p, c, x.length) * p;
        }
        @Differentiable static double viaNoGrad(double[] x, double p) {
          double[] c = {0.2, -0.4, 0.9, 0.3};
          return noGradArgument(x, p, c) + noGradArgument(x, 2.0, c) * p;
        }
        @Differentiable static double onlyScalar(double[] x, double p) {
          double[] c = {0.2, -0.4, 0.9, 0.3};
          double[] k = {0.3, -0.2, 0.7, 0.1};
          double s = 0;
          for (int j = 0; j < 3; j++) {
            s += g(k, c, p * j + x[j], c, 3);
          }
          return s;
        }
        @Differentiable static double rec(double[] a, double[] b, int n) {
          if (n == 0) {
            return a[0] * b[0];
          }
          return Math.sin(a[n] * b[n]) + rec(a, b, n - 1) * b[n];
        }
        @Differentiable static double recursion(double[] x, double p) {
          double[] k = {0.5, -1.0, 1.5, 0.25};
          return rec(x, k, 3) * p + rec(k, x, 3) + rec(x, x, 2);
        }
        @Differentiable static double arrayResult(double[] x, double p) {
          double[] c = {0.2, -0.4, 0.9, 0.3};
          double[] r = h(c, x);
          double[] q = h(x, c);
          r[0] = r[0] * p;
          return r[0] + r[1] * q[2] + q[3];
        }
      }
      """;

  @Test
  void everyPatternMatchesCentralDifferences() {
    CompiledCompanion compiled = CompiledCompanion.compile("demo.F", SOURCE);
    for (String f : new String[] {"all", "inactiveLocal", "viaNoGrad", "onlyScalar", "recursion", "arrayResult"}) {
      GradCheck.of(compiled, "demo.F", f).atRandomPoints(4,
          r -> new Object[] {vector(r, 4, -1, 1), uniform(r, 0.5, 1.5)});
    }
  }

  @Test
  void forwardModesGoThroughTheGeneralEntries() {
    // mJvp, mJacobian and mHvp of the callers call the callee's own members, which specialisations lack
    CompiledCompanion compiled = CompiledCompanion.compile("demo.F", SOURCE);
    for (String f : new String[] {"all", "inactiveLocal", "viaNoGrad", "onlyScalar", "recursion"}) {
      ModeCheck check = ModeCheck.of(compiled, "demo.F", f);
      // (a recursive callee's mHvp goes through its tangent member, RecursiveSecondOrderTest)
      assertTrue(check.has("Hvp"), f);
      check.atRandomPoints(3, r -> new Object[] {vector(r, 4, -1, 1), uniform(r, 0.5, 1.5)});
    }
  }

  @Test
  void inactiveArgumentsGetNoAdjointWork() {
    String companion = CompiledCompanion.compile("demo.F", SOURCE).generatedSource("demo.FGrad");
    // all actives: the general entry; the other patterns: a specialisation each, its inactive adjoints gone
    assertTrue(companion.contains("demo.FGrad.g$augment(x, x, p, c,"), companion);
    assertTrue(companion.contains("g$10100$augment(x, w, p, c,"), companion);
    assertTrue(companion.contains("g$01000$augment(w, x, 1.5, c,"), companion);
    assertTrue(companion.contains("g$01100$augment(c, x, p, c,"), companion);
    assertTrue(companion.contains("g$00100$augment(k, c,"), companion);
    assertTrue(companion.contains("h$01$augment(c, x,"), companion);
    assertTrue(companion.contains("h$10$augment(x, c,"), companion);
    assertTrue(companion.contains("reverse$(double upstream, double[] into$a) {"), companion);
    assertFalse(companion.contains("G$00100Gradient(_d_a"), companion);
    // a specialisation's recursive calls keep its pattern
    assertTrue(companion.contains("rec$100$augment(a, b, n - 1,"), companion);
    assertTrue(companion.contains("rec$010$augment(a, b, n - 1,"), companion);
  }
}
