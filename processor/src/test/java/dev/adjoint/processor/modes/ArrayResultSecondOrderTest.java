package dev.adjoint.processor.modes;

import static dev.adjoint.processor.testing.GradCheck.uniform;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import dev.adjoint.processor.testing.ModeCheck;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Second order through calls of methods and plain helpers with a {@code double[]} result: the callee gets the
 * tangent member {@code m$tan} (value and tangent stacked in one array), which the caller's second-order program
 * calls and the reverse mode differentiates, so the caller has {@code mHvp} (and {@code mHessian} for one
 * {@code double[]} parameter). Calls in a loop and in a branch, repeated, results indexed and written, a
 * {@code @NoGrad} parameter, an array callee calling an array callee, a record result in a loop and a branch (its
 * flat tangent member packs the record into a {@code double[]}, stacked the same way), helpers with array
 * results called only by other helpers. {@link ModeCheck} checks mJvp against
 * directional central differences and mHvp/mHessian against central differences of mGradient.
 */
class ArrayResultSecondOrderTest {
  static final String SOURCE = """
      package demo;
      import dev.adjoint.Differentiable;
      import dev.adjoint.NoGrad;
      final class A {
        @Differentiable
        static double[] lift(double[] x, double s, @NoGrad double c) {
          double[] y = new double[x.length];
          for (int i = 0; i < x.length; i++) {
            y[i] = Math.sin(x[i] * s) + c * x[i] * x[i];
          }
          return y;
        }

        @Differentiable
        static double[] pair(double a, double b) { return new double[] {a * b, Math.exp(a - b), a / (1 + b * b)}; }

        /** An array callee calling an array callee, writing into its result. */
        @Differentiable
        static double[] chain(double[] x) {
          double[] y = lift(x, x[0], 0.5);
          y[0] = y[0] * y[1];
          return lift(y, 0.7, 0.1);
        }

        /** A plain helper with a double[] result. */
        static double[] square(double[] v) {
          double[] out = new double[v.length];
          for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * v[i] + v[0];
          }
          return out;
        }

        @Differentiable
        static double useLift(double[] x) {
          double total = 0;
          for (int k = 0; k < 3; k++) {
            double[] y = lift(x, 0.5 + k * x[1], 0.25);
            y[k] = y[k] * x[0];
            total += y[k] + y[(k + 1) % x.length] * y[0];
          }
          if (x[3] > 0) {
            double[] z = lift(x, x[2], 0.0);
            total += z[1] * total;
          } else {
            double[] z = pair(x[0], x[1]);
            total -= z[2] * total;
          }
          double[] c = chain(x);
          double[] s = square(x);
          return total + c[2] * s[1];
        }

        @Differentiable
        static double useScalars(double a, double b) {
          double[] p = pair(a, b);
          double[] q = pair(p[1], a);
          return p[0] * q[2] + q[1] * Math.sin(b);
        }

        record State(double e, double u, double w) {}

        /** A record result (of double components, as a @Differentiable method may take one). */
        @Differentiable
        static State advance(State s, double[] x, @NoGrad double rate) {
          double w = s.w() - rate * Math.sin(s.u() * x[1]) * s.e();
          return new State(s.e() * Math.cos(x[0]) + w * s.u(), s.u() + rate * w, w);
        }

        @Differentiable
        static double useRecord(double[] x) {
          State s = new State(x[2], x[0], x[1]);
          for (int k = 0; k < 3; k++) {
            s = advance(s, x, 0.3);
            if (s.e() > 0) {
              s = advance(s, x, 0.1);
            }
          }
          return s.e() * s.w() + s.u();
        }

        /** Plain helpers with double[] results called only by other helpers. */
        static double[] inner(double[] v, double s) {
          double[] o = new double[v.length];
          for (int i = 0; i < v.length; i++) {
            o[i] = v[i] * s + Math.cos(v[i]);
          }
          return o;
        }

        static double[] outer(double[] v) {
          double[] w = inner(v, v[0]);
          w[1] = w[1] * w[0];
          return inner(w, 0.5);
        }

        static double sumInner(double[] v) {
          double[] w = inner(v, 2.0);
          return w[0] * w[2] + Math.sin(w[1]);
        }

        @Differentiable
        static double useHelpers(double[] x) {
          double[] o = outer(x);
          return o[0] * o[1] + sumInner(x) * x[2];
        }

        /** The argument array is written between calls (the reverse sweep reads it as it was at each call). */
        @Differentiable
        static double rewrite(double[] x) {
          double[] a = {x[0], x[1] * x[2], x[2]};
          double r = 0;
          for (int k = 0; k < 2; k++) {
            double[] y = lift(a, x[k], 0.5);
            a[k] = y[2] * a[0] + y[k];
            r += y[0] * a[1];
          }
          return r + a[0] * a[1];
        }

        /** A nested gradient of a method calling a double[] helper: differentiated through its mHvp. */
        @Differentiable
        static double nested(double[] x) {
          double[] g = AGrad.useLiftGradient(x).x();
          return g[0] * x[1] + g[2] * g[3];
        }

        @Differentiable
        static double noGradCaller(double[] x, @NoGrad double c) {
          double[] y = lift(x, 1.5, c);
          return y[0] * y[1] + y[2];
        }
      }
      """;

  private static final Map<String, Function<Random, Object[]>> CALLERS = Map.of(
      "useLift", r -> new Object[] {vector(r, 4, -1, 1)},
      "useScalars", r -> new Object[] {uniform(r, -1, 1), uniform(r, -1, 1)},
      "noGradCaller", r -> new Object[] {vector(r, 3, -1, 1), uniform(r, -1, 1)},
      "useRecord", r -> new Object[] {vector(r, 3, -1, 1)},
      "useHelpers", r -> new Object[] {vector(r, 3, -1, 1)},
      "rewrite", r -> new Object[] {vector(r, 3, -1, 1)});

  @Test
  void callersOfArrayResultsHaveHvpsMatchingDifferences() {
    CompiledCompanion c = CompiledCompanion.compile("demo.A", SOURCE);
    ModeCheck.requireTangentSweep(c, "demo.A");
    CALLERS.forEach((name, points) -> ModeCheck.checkCaller(c, "demo.A", name, points, true));
    assertTrue(ModeCheck.of(c, "demo.A", "useLift").has("Hessian"));
    assertTrue(ModeCheck.of(c, "demo.A", "noGradCaller").has("Hessian"));
    assertTrue(ModeCheck.of(c, "demo.A", "useRecord").has("Hessian"));
    assertTrue(ModeCheck.of(c, "demo.A", "useHelpers").has("Hessian"));
    assertFalse(ModeCheck.of(c, "demo.A", "chain").has("Hvp"));
    GradCheck.of(c, "demo.A", "nested").atRandomPoints(3, r -> new Object[] {vector(r, 4, -1, 1)});
    String generated = c.generatedSource("demo.AGrad");
    int start = generated.indexOf("{", generated.indexOf(" useLiftHvp("));
    String hvp = generated.substring(start, generated.indexOf("\n  }\n", start));
    assertTrue(hvp.contains("lift$tan$augment("), hvp);
    assertFalse(hvp.contains("liftJvp("), hvp);
  }

  /** H v of useScalars against differences of its generated gradients at one point, direction (0.3, -0.7). */
  @Test
  void anHvpThroughAnArrayResultEqualsDifferencesOfGradients() {
    CompiledCompanion c = CompiledCompanion.compile("demo.A", SOURCE);
    double a = 0.4;
    double b = -0.3;
    double va = 0.3;
    double vb = -0.7;
    Map<String, Object> hv = CompiledCompanion.components(c.callStatic("demo.AGrad", "useScalarsHvp", a, b, va, vb));
    double h = 1e-5;
    Map<String, Object> plus = CompiledCompanion.components(c.callStatic("demo.AGrad", "useScalarsGradient",
        a + h * va, b + h * vb));
    Map<String, Object> minus = CompiledCompanion.components(c.callStatic("demo.AGrad", "useScalarsGradient",
        a - h * va, b - h * vb));
    for (String k : new String[] {"a", "b"}) {
      double expected = ((double) plus.get(k) - (double) minus.get(k)) / (2 * h);
      assertEquals(expected, (double) hv.get(k), 1e-6 * Math.max(1, Math.abs(expected)), k);
    }
  }
}
