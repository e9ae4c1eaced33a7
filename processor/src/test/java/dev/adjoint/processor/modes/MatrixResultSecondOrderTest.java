package dev.adjoint.processor.modes;

import static dev.adjoint.processor.testing.GradCheck.matrix;
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
 * Second order through calls of methods and plain helpers with a {@code double[][]} result: the callee gets the
 * tangent member {@code m$tan} returning the value's rows and then the tangent's in one {@code double[][]}
 * ({@code StackedRows}), which the caller's second-order program calls and copies out row by row, so the caller
 * has {@code mHvp} (and {@code mHessian} for one {@code double[]} parameter). Calls in a loop and a branch,
 * repeated, rows and elements read and written, ragged rows, a {@code @NoGrad} parameter, a matrix argument,
 * a matrix callee calling one, helpers calling helpers, a record's instance method, an argument matrix written between calls, a nested
 * gradient through such a call. {@link ModeCheck} checks mJvp against directional central differences and
 * mHvp/mHessian against central differences of mGradient.
 */
class MatrixResultSecondOrderTest {
  static final String SOURCE = """
      package demo;
      import dev.adjoint.Differentiable;
      import dev.adjoint.NoGrad;
      final class M {
        /** Ragged rows: row i has i + 1 elements. */
        @Differentiable
        static double[][] tri(double[] x, double s, @NoGrad double c) {
          double[][] y = new double[x.length][];
          for (int i = 0; i < x.length; i++) {
            y[i] = new double[i + 1];
            for (int j = 0; j <= i; j++) {
              y[i][j] = Math.sin(x[i] * s + j) + c * x[j] * x[i];
            }
          }
          return y;
        }

        @Differentiable
        static double[][] block(double a, double b) {
          return new double[][] {{a * b, Math.exp(a - b)}, {a / (1 + b * b), Math.cos(a)}};
        }

        /** A matrix callee calling a matrix callee, writing into its result (a row replaced, an element). */
        @Differentiable
        static double[][] chain(double[] x) {
          double[][] y = tri(x, x[0], 0.5);
          y[1][0] = y[1][0] * y[2][1];
          y[0] = new double[] {y[0][0] * x[1], y[2][2], y[1][1]};
          return tri(y[0], 0.7, 0.1);
        }

        /** A matrix argument and result. */
        @Differentiable
        static double[][] scale(double[][] m, double s) {
          double[][] out = new double[m.length][];
          for (int i = 0; i < m.length; i++) {
            out[i] = m[i].clone();
            for (int j = 0; j < out[i].length; j++) {
              out[i][j] = out[i][j] * s + m[0][0] * m[i][j];
            }
          }
          return out;
        }

        /** A plain helper with a double[][] result. */
        static double[][] gram(double[] v) {
          double[][] g = new double[v.length][v.length];
          for (int i = 0; i < v.length; i++) {
            for (int j = 0; j < v.length; j++) {
              g[i][j] = v[i] * v[j] + Math.sin(v[0]);
            }
          }
          return g;
        }

        /** A plain helper calling the helper, writing a row of its result. */
        static double[][] twice(double[] v) {
          double[][] g = gram(v);
          g[1] = new double[] {g[1][0] * g[0][1], Math.sin(g[0][0]), g[2][2]};
          return gram(g[1]);
        }

        static double traceOf(double[] v) {
          double[][] g = twice(v);
          return g[0][0] + g[1][1] * g[2][2];
        }

        @Differentiable
        static double useTri(double[] x) {
          double total = 0;
          for (int k = 0; k < 3; k++) {
            double[][] y = tri(x, 0.5 + k * x[1], 0.25);
            y[k][0] = y[k][0] * x[0];
            total += y[k][k] + y[(k + 1) % x.length][0] * y[2][1];
          }
          if (x[3] > 0) {
            double[][] z = tri(x, x[2], 0.0);
            total += z[3][2] * total;
          } else {
            double[][] z = block(x[0], x[1]);
            total -= z[1][0] * total;
          }
          double[][] c = chain(x);
          double[][] s = scale(c, x[3]);
          return total + c[2][1] * s[1][0] + s[0][0];
        }

        @Differentiable
        static double useScalars(double a, double b) {
          double[][] p = block(a, b);
          double[][] q = block(p[0][1], a);
          q[0] = p[1].clone();
          return p[0][0] * q[1][0] + q[0][1] * Math.sin(b) + q[1][1];
        }

        @Differentiable
        static double useHelpers(double[] x) {
          double[][] g = twice(x);
          return g[0][1] * g[2][0] + traceOf(x) * x[2];
        }

        /** The argument matrix is written between calls (each call's reverse reads it as it was). */
        @Differentiable
        static double rewrite(double[][] m, double s) {
          double[][] a = new double[2][];
          a[0] = m[0].clone();
          a[1] = new double[] {m[1][0] * s, m[1][1]};
          double r = 0;
          for (int k = 0; k < 2; k++) {
            double[][] y = scale(a, s + k);
            a[k][1] = y[1][0] * a[0][0] + y[k][k];
            a[1 - k] = y[k].clone();
            r += y[0][1] * a[1][0];
          }
          return r + a[0][0] * a[1][1];
        }

        /** A nested gradient of a method calling a double[][] callee: differentiated through its mHvp. */
        @Differentiable
        static double nested(double[] x) {
          double[] g = MGrad.useTriGradient(x).x();
          return g[0] * x[1] + g[2] * g[3];
        }

        /** A record's instance method with a double[][] result (its m$tan is on the flat parameters). */
        record Lens(double f, double[] w) {
          @Differentiable
          double[][] image(double[] x) {
            double[][] out = new double[2][];
            out[0] = new double[] {f * x[0] * w[0], Math.sin(f + x[1])};
            out[1] = new double[] {w[1] * x[1] * x[0]};
            return out;
          }
        }

        @Differentiable
        static double useLens(double[] x, double f) {
          Lens lens = new Lens(f, x);
          double s = 0;
          for (int k = 0; k < 2; k++) {
            double[][] m = lens.image(x);
            m[1][0] = m[1][0] * m[0][k];
            s += m[0][1] * m[1][0] + f * m[0][0];
          }
          return s;
        }

        @Differentiable
        static double noGradCaller(double[] x, @NoGrad double c) {
          double[][] y = tri(x, 1.5, c);
          return y[0][0] * y[1][1] + y[2][0];
        }
      }
      """;

  private static final Map<String, Function<Random, Object[]>> CALLERS = Map.of(
      "useTri", r -> new Object[] {vector(r, 4, -1, 1)},
      "useScalars", r -> new Object[] {uniform(r, -1, 1), uniform(r, -1, 1)},
      "noGradCaller", r -> new Object[] {vector(r, 3, -1, 1), uniform(r, -1, 1)},
      "useHelpers", r -> new Object[] {vector(r, 3, -1, 1)},
      "useLens", r -> new Object[] {vector(r, 2, -1, 1), uniform(r, -1, 1)},
      "rewrite", r -> new Object[] {matrix(r, 2, 2, -1, 1), uniform(r, -1, 1)});

  @Test
  void callersOfMatrixResultsHaveHvpsMatchingDifferences() {
    CompiledCompanion c = CompiledCompanion.compile("demo.M", SOURCE);
    ModeCheck.requireTangentSweep(c, "demo.M");
    CALLERS.forEach((name, points) -> ModeCheck.checkCaller(c, "demo.M", name, points, true));
    assertTrue(ModeCheck.of(c, "demo.M", "useTri").has("Hessian"));
    assertTrue(ModeCheck.of(c, "demo.M", "noGradCaller").has("Hessian"));
    assertTrue(ModeCheck.of(c, "demo.M", "useHelpers").has("Hessian"));
    assertFalse(ModeCheck.of(c, "demo.M", "chain").has("Hvp"));
    GradCheck.of(c, "demo.M", "nested").atRandomPoints(3, r -> new Object[] {vector(r, 4, -1, 1)});
    String generated = c.generatedSource("demo.MGrad");
    int start = generated.indexOf("{", generated.indexOf(" useTriHvp("));
    String hvp = generated.substring(start, generated.indexOf("\n  }\n", start));
    assertTrue(hvp.contains("tri$tan$augment("), hvp);
    assertFalse(hvp.contains("triJvp("), hvp);
    start = generated.indexOf("{", generated.indexOf(" useLensHvp("));
    String lens = generated.substring(start, generated.indexOf("\n  }\n", start));
    assertTrue(lens.contains("image$tan$augment("), lens);
  }

  /** H v of useScalars against differences of its generated gradients at one point, direction (0.3, -0.7). */
  @Test
  void anHvpThroughAMatrixResultEqualsDifferencesOfGradients() {
    CompiledCompanion c = CompiledCompanion.compile("demo.M", SOURCE);
    double a = 0.4;
    double b = -0.3;
    double va = 0.3;
    double vb = -0.7;
    Map<String, Object> hv = CompiledCompanion.components(c.callStatic("demo.MGrad", "useScalarsHvp", a, b, va, vb));
    double h = 1e-5;
    Map<String, Object> plus = CompiledCompanion.components(c.callStatic("demo.MGrad", "useScalarsGradient",
        a + h * va, b + h * vb));
    Map<String, Object> minus = CompiledCompanion.components(c.callStatic("demo.MGrad", "useScalarsGradient",
        a - h * va, b - h * vb));
    for (String k : new String[] {"a", "b"}) {
      double expected = ((double) plus.get(k) - (double) minus.get(k)) / (2 * h);
      assertEquals(expected, (double) hv.get(k), 1e-6 * Math.max(1, Math.abs(expected)), k);
    }
  }
}
