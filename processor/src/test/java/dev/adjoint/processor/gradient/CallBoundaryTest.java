package dev.adjoint.processor.gradient;

import static dev.adjoint.processor.gradient.ConstructGradientTest.wrap;
import static dev.adjoint.processor.testing.GradCheck.matrix;
import static dev.adjoint.processor.testing.GradCheck.uniform;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.Generator;
import dev.adjoint.Gradcheck;
import dev.adjoint.Tensor;
import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The split-mode call boundary: a caller keeps its callee's tape from the forward sweep and runs the
 * callee's reverse on it, so every call is evaluated once. Each case is gradient-checked against central
 * differences of the original (GradCheck also runs a retained tape's {@code backward(u, true)} twice).
 */
class CallBoundaryTest {
  @Test
  void callerOverwritesAnArgumentArrayAfterTheCall() {
    // The callee's reverse reads a[i] and b[i]: the caller's later writes into w must be undone first.
    GradCheck.of(wrap("""
        @Differentiable static double dot(double[] a, double[] b) {
          double s = 0;
          for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i] * a[i];
          }
          return s;
        }
        @Differentiable static double f(double[] v) {
          double[] w = v.clone();
          double d = dot(w, v);
          w[0] = 5 * v[1];
          w[1] = d;
          return d * w[0] + w[1] + dot(v, v);
        }
        """), "f").atRandomPoints(5, r -> new Object[] {vector(r, 3, -1, 1)});
  }

  @Test
  void callerWritesIntoTheFreshArrayTheCalleeReturned() {
    // The callee's reverse reads r[0] and r[i] (its result): the caller's writes into y must not reach it.
    String source = wrap("""
        @Differentiable static double[] scaleByFirst(double[] x) {
          double[] r = new double[x.length];
          for (int i = 0; i < x.length; i++) {
            r[i] = x[i] * x[i];
          }
          for (int i = 0; i < x.length; i++) {
            r[i] = r[i] * r[0] + x[i];
          }
          return r;
        }
        @Differentiable static double f(double[] x) {
          double[] y = scaleByFirst(x);
          y[0] = y[0] * 3;
          y[1] = 7 * y[2];
          y[2] = 0;
          return y[0] + y[1] * x[1] + y[2];
        }
        @Differentiable static double g(double[] x) {
          double[] y = scaleByFirst(x);
          return y[0] * y[1] + y[2];
        }
        """);
    // f's own writes into y are undone before the callee's reverse; g writes nothing, but the callee's
    // reverse writes saved values back into the array g holds, so g's retained tape records again.
    GradCheck.of(source, "f").atRandomPoints(5, r -> new Object[] {vector(r, 3, -1, 1)});
    GradCheck.of(source, "g").atRandomPoints(5, r -> new Object[] {vector(r, 3, -1, 1)});
  }

  @Test
  void conditionalCallInASelfIndexedElementWriteInALoop() {
    // y[k % y.length] reads y: the forward sweep keeps that slot on the int tape, then the ?: pushes the side
    // it took on the same tape; the reverse must pop the side record before the slot (it popped them swapped).
    GradCheck.of(wrap("""
        @Differentiable static double g(double a, double b) {
          return Math.tanh(a * b + 0.3 * a);
        }
        @Differentiable static double f(double[] x, double p, int n) {
          double[] y = new double[x.length];
          for (int k = 1; k <= n; k++) {
            y[k % y.length] += (x[k % x.length] > 0 ? g(x[0], p) : g(p, 0.5) * x[1]) * 0.5;
          }
          return y[0] + y[1] * x[2] + y[3] * p;
        }
        """), "f").atRandomPoints(5, r -> new Object[] {vector(r, 4, -1, 1), uniform(r, -1, 1), 6});
  }

  @Test
  void callsInLoopsBranchesAndConditionals() {
    GradCheck.of(wrap("""
        @Differentiable static double sq(double x) {
          return x * x;
        }
        @Differentiable static double cube(double x) {
          return x * sq(x);
        }
        @Differentiable static double f(double x, double[] v) {
          double s = x > 0 ? sq(x) : cube(x);
          for (int i = 0; i < v.length; i++) {
            s += v[i] > 0 ? sq(v[i] * s) : cube(v[i]) * sq(x);
            s = s > 0.3 ? (s > 0.6 ? sq(s) : cube(s) * sq(v[i])) : s * sq(sq(x) > 0.1 ? x : s) - cube(v[i]);
            if (i % 2 == 0) {
              s = s * 0.5 + cube(s * 0.1);
            } else {
              s -= sq(v[i]);
            }
          }
          if (s > 1) {
            s = sq(s) / 4;
          }
          return s + (s < 0 ? cube(x) : sq(v[0]));
        }
        """), "f").atRandomPoints(8, r -> new Object[] {uniform(r, -1, 1), vector(r, 4, -1, 1)});
  }

  @Test
  void nestedCallsInsideAndOutsideLoops() {
    GradCheck.of(wrap("""
        @Differentiable static double g(double x, double y) {
          return Math.sin(x) * y + x;
        }
        @Differentiable static double f(double x, double[] v) {
          double s = g(g(x, v[0]), g(v[1], x));
          for (int i = 0; i < v.length; i++) {
            s = g(g(s, v[i]), x) * 0.5 + g(v[i], g(x, s));
          }
          return s;
        }
        """), "f").atRandomPoints(5, r -> new Object[] {uniform(r, -1, 1), vector(r, 3, -1, 1)});
  }

  @Test
  void callsInsideIndexExpressionsAndCasts() {
    // The index and the exponent come from calls: the reverse sweep reads the values the forward kept.
    GradCheck.of(wrap("""
        @Differentiable static double half(double x) {
          return 0.5 * x;
        }
        @Differentiable static double f(double x, double[] v) {
          double s = 0;
          for (int i = 0; i < v.length; i++) {
            s += v[(int) (half(4.0 + i) * 2) % v.length] * x + Math.pow(x, (int) half(4.0));
          }
          return s * v[(int) half(2.0 * v.length - 2)];
        }
        """), "f").atRandomPoints(5, r -> new Object[] {uniform(r, -1, 1), vector(r, 3, -1, 1)});
  }

  @Test
  void selfAndMutualRecursionOverAnArray() {
    GradCheck.of(wrap("""
        @Differentiable static double horner(double[] c, double x, int i) {
          if (i == c.length - 1) {
            return c[i];
          }
          return c[i] + x * horner(c, x, i + 1);
        }
        @Differentiable static double even(double[] c, double x, int n) {
          if (n == 0) {
            return c[0];
          }
          return c[n] + x * odd(c, x, n - 1);
        }
        @Differentiable static double odd(double[] c, double x, int n) {
          if (n == 0) {
            return x * c[0];
          }
          return Math.sin(c[n] * x) - even(c, x * 0.5, n - 1);
        }
        @Differentiable static double f(double[] c, double x) {
          return horner(c, x, 0) * even(c, x, c.length - 1) + horner(c, odd(c, x, 2), 1);
        }
        """), "f").atRandomPoints(5, r -> new Object[] {vector(r, 6, -1, 1), uniform(r, -1, 1)});
  }

  @Test
  void noGradIntAndMatrixParametersAndArrayResults() {
    GradCheck.of(wrap("""
        @Differentiable static double[] row(double[][] m, int i, @dev.adjoint.NoGrad double[] scale, double c) {
          double[] out = new double[m[i].length];
          for (int j = 0; j < out.length; j++) {
            out[j] = m[i][j] * scale[j] * c + m[0][j];
          }
          return out;
        }
        @Differentiable static double[][] outer(double[] a, double[] b) {
          double[][] o = new double[a.length][b.length];
          for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < b.length; j++) {
              o[i][j] = a[i] * b[j];
            }
          }
          return o;
        }
        @Differentiable static double f(double[][] m, double c) {
          double[] scale = {1, 2, 3};
          double[][] acc = new double[2][];
          for (int i = 0; i < 2; i++) {
            acc[i] = row(m, i, scale, c * i + 1);
          }
          double[][] o = outer(acc[0], acc[1]);
          o[1][1] = o[1][1] * c;
          double s = 0;
          for (int i = 0; i < 3; i++) {
            s += o[i][i] + o[0][i] * acc[1][i];
          }
          return s;
        }
        """), "f").atRandomPoints(5, r -> new Object[] {matrix(r, 2, 3, -1, 1), uniform(r, -1, 1)});
  }

  @Test
  void arrayResultsReturnedFromLoopsAndRecursion() {
    GradCheck.of(wrap("""
        @Differentiable static double[] step(double[] x, double h) {
          double[] y = new double[x.length];
          for (int i = 0; i < x.length; i++) {
            y[i] = x[i] + h * Math.sin(x[(i + 1) % x.length]);
          }
          return y;
        }
        @Differentiable static double[] steps(double[] x, double h, int n) {
          if (n == 0) {
            return step(x, h);
          }
          double[] y = steps(x, h, n - 1);
          return step(y, h * 0.5);
        }
        @Differentiable static double[] f(double[] x, double h) {
          double[] y = x.clone();
          for (int k = 0; k < 3; k++) {
            y = step(y, h);
            y[0] = y[0] * y[1];
          }
          return steps(y, h, 3);
        }
        """), "f").atRandomPoints(5, r -> new Object[] {vector(r, 3, -1, 1), uniform(r, 0.1, 0.5)});
  }

  @Test
  void everyCallIsEvaluatedOnceEvenWhenItsHelperIsImpure() {
    CompiledCompanion c = CompiledCompanion.compile("demo.Noise", """
        package demo;
        import dev.adjoint.Differentiable;
        public final class Noise {
          public static int calls;
          public static int next() {
            return ++calls;
          }
          @Differentiable public static double scaled(double x) {
            int k = next();
            return x * k;
          }
          @Differentiable public static double f(double x) {
            double s = scaled(x) * scaled(x);
            for (int i = 0; i < 2; i++) {
              s += i == 0 ? scaled(x) : 0.5 * scaled(x);
            }
            return s;
          }
        }
        """);
    Class<?> noise = c.load("demo.Noise");
    for (String member : new String[] {"fGradient", "fVjp"}) {
      setCalls(noise, 0);
      Object gradient = member.equals("fGradient") ? c.callStatic("demo.NoiseGrad", member, 2.0)
          : c.callStatic("demo.NoiseGrad", member, 2.0, 1.0);
      // f = x·1 · x·2 + x·3 + 0.5·x·4 with the helper's values as the forward pass drew them: f' = 2·2x + 5.
      assertEquals(4, getCalls(noise), member + ": each call once");
      assertEquals(4 * 2.0 + 5, (double) CompiledCompanion.components(gradient).get("x"), 1e-12, member);
    }
    setCalls(noise, 0);
    Object tape = c.callStatic("demo.NoiseGrad", "fForward", 2.0);
    Object first = CompiledCompanion.call(tape, "backward", 1.0, true);
    Object second = CompiledCompanion.call(tape, "backward", 1.0, true);
    assertEquals(4, getCalls(noise), "a retained tape is reused, not recorded again");
    assertEquals(13.0, (double) CompiledCompanion.components(first).get("x"), 1e-12);
    assertEquals(CompiledCompanion.components(first), CompiledCompanion.components(second));
  }

  private static void setCalls(Class<?> noise, int value) {
    try {
      noise.getField("calls").setInt(null, value);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  private static int getCalls(Class<?> noise) {
    try {
      return noise.getField("calls").getInt(null);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void retainedTapeKeepsAMatrixValueItsReverseWritesBack() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", wrap("""
        @Differentiable static double[][] outer(double[] v) {
          double[][] m = new double[2][2];
          for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
              m[i][j] = v[i] * v[j];
            }
          }
          m[0][0] = m[0][0] * m[1][1];
          return m;
        }
        """));
    double[] v = {2, 3};
    Object tape = c.callStatic("demo.FGrad", "outerForward", (Object) v);
    double[][] expected = {{36, 6}, {6, 9}};
    assertTrue(Arrays.deepEquals(expected, (double[][]) CompiledCompanion.call(tape, "value")));
    double[][] u = {{1, 0.5}, {-1, 2}};
    Map<String, Object> first = CompiledCompanion.components(CompiledCompanion.call(tape, "backward", u, true));
    assertTrue(Arrays.deepEquals(expected, (double[][]) CompiledCompanion.call(tape, "value")),
        "value after backward(u, true): " + Arrays.deepToString((double[][]) CompiledCompanion.call(tape, "value")));
    Map<String, Object> second = CompiledCompanion.components(CompiledCompanion.call(tape, "backward", u, false));
    // d/dv of u·m: m00 = v0^2 v1^2, m01 = m10 = v0 v1, m11 = v1^2 (worked by hand).
    double[] byHand = {1 * 2 * 2 * 9 + 0.5 * 3 - 1 * 3, 1 * 2 * 4 * 3 + 0.5 * 2 - 1 * 2 + 2 * 2 * 3};
    assertArrayEquals(byHand, (double[]) first.get("v"), 1e-12);
    assertArrayEquals(byHand, (double[]) second.get("v"), 1e-12);
    assertTrue(Arrays.deepEquals(expected, (double[][]) CompiledCompanion.call(tape, "value")));
  }

  @Test
  void callsFromATensorMethodInALoop() {
    CompiledCompanion c = CompiledCompanion.compile("demo.T", """
        package demo;
        import dev.adjoint.Differentiable;
        import dev.adjoint.Tensor;
        public final class T {
          @Differentiable public static Tensor layer(Tensor h, Tensor w) {
            return h.matmul(w).tanh();
          }
          @Differentiable public static Tensor net(Tensor x, Tensor w, int depth) {
            Tensor h = x;
            for (int k = 0; k < depth; k++) {
              h = layer(h, w).add(h.mul(0.5));
            }
            return layer(h, w).square().sum();
          }
        }
        """);
    Tensor x = Tensor.randn(new Generator().manualSeed(31), 2, 3).requiresGrad();
    Tensor w = Tensor.randn(new Generator().manualSeed(32), 3, 3).requiresGrad();
    assertTrue(Gradcheck.gradcheck(xs -> (Tensor) c.callStatic("demo.TGrad", "net", xs[0], xs[1], 3), x, w));
    Tensor xa = x.detach().requiresGrad();
    Tensor wa = w.detach().requiresGrad();
    ((Tensor) c.callStatic("demo.TGrad", "net", xa, wa, 3)).backward();
    Tensor xe = x.detach().requiresGrad();
    Tensor we = w.detach().requiresGrad();
    ((Tensor) c.callStatic("demo.T", "net", xe, we, 3)).backward();
    assertTrue(xa.grad().allClose(xe.grad(), 1e-9, 1e-12), xa.grad() + " vs eager " + xe.grad());
    assertTrue(wa.grad().allClose(we.grad(), 1e-9, 1e-12), wa.grad() + " vs eager " + we.grad());
  }
}
