package dev.adjoint.processor.modes;

import static dev.adjoint.processor.testing.GradCheck.uniform;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import dev.adjoint.processor.testing.ModeCheck;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    ModeCheck check = ModeCheck.of(c, "demo.F", "f");
    assertTrue(check.has("Hvp") && check.has("Jacobian"));
    check.atRandomPoints(5, r -> new Object[] {uniform(r, -1.5, 1.5), vector(r, 3, -1, 1), r.nextInt(3)});
  }

  @Test
  void hvpOfPowAtAZeroExponentKeepsTheMixedSecondDerivative() {
    // mHvp differentiated pow's base partial, written y == 0 ? 0 : y x^(y-1), on its y == 0 branch, a
    // constant: d/dy of it, 1/x there, was lost, so H v missed v_x / x... at y == 0 (g's b-component 0.0 at
    // a = -0.78, b = 0, v = (1.04, -0.95) instead of -1.10). Found through random program 841, whose f reads
    // the gradient of such a g at b = Math.rint(x0), which is 0 for |x0| < 0.5.
    CompiledCompanion c = CompiledCompanion.compile("demo.F", """
        package demo;
        import dev.adjoint.Differentiable;
        final class F {
          @Differentiable
          static double g(double a, double b) {
            return Math.pow(Math.exp(Math.tanh(a)), Math.tanh(b) * 2);
          }
          @Differentiable
          static double powers(double x, double y) {
            return Math.pow(x, y) * x + Math.pow(x, y * y - y);
          }
          @Differentiable
          static double f(double x0, double y) {
            return FGrad.gGradient(y, Math.rint(x0)).b();
          }
        }
        """);
    ModeCheck g = ModeCheck.of(c, "demo.F", "g");
    g.at(-0.78, 0.0).at(0.4, -0.0).at(0.3, 0.0);
    ModeCheck.of(c, "demo.F", "powers").at(1.3, 0.0).at(0.7, 0.0);
    GradCheck.of(c, "demo.F", "f").at(-0.32, -0.78).at(0.2, 0.9);
  }

  @Test
  void aNoGradParameterOverwrittenByAnActiveValueKeepsItsTangentForMHvp() {
    // mHvp's reverse sweep read the tangent of @NoGrad a after the body had overwritten it (it had no
    // definition to save from): 1.365 instead of 2 at (0.3, 0.7). Found through random program 117 of a
    // plain helper h0(a, p) specialised with a inactive.
    CompiledCompanion c = CompiledCompanion.compile("demo.F", """
        package demo;
        import dev.adjoint.Differentiable;
        import dev.adjoint.NoGrad;
        final class F {
          @Differentiable
          static double f(@NoGrad double a, double p) {
            double r = (a + p) * p;
            a -= Math.tanh(p);
            return r + a * p;
          }
        }
        """);
    Class<?> companion = c.load("demo.FGrad");
    java.util.Random r = new java.util.Random(5);
    for (int k = 0; k < 5; k++) {
      double a = uniform(r, -1, 1);
      double p = uniform(r, -1, 1);
      double v = uniform(r, -1, 1);
      double h = 1e-6;
      // H v for the one differentiated parameter p: central differences of the gradient along v
      double expected = (gradientP(companion, a, p + h * v) - gradientP(companion, a, p - h * v)) / (2 * h);
      Object hvp = CompiledCompanion.invoke(CompiledCompanion.method(companion, "fHvp"), null, a, p, v);
      double actual = (double) CompiledCompanion.invoke(CompiledCompanion.method(hvp.getClass(), "p"), hvp);
      assertEquals(expected, actual, 1e-6 * (1 + Math.abs(expected)), "fHvp at a = " + a + ", p = " + p);
    }
  }

  @Test
  void mHvpRecomputesALoopBodysTangentsInsteadOfStoringThem() {
    // Giving every scalar tangent an explicit 0.0 at the top of the tangent program (not only those of
    // non-differentiated parameters) gave t$diff a second definition, so kmeansHvp's reverse sweep pushed
    // diff and t$diff per element instead of recomputing them: 14.5 MiB instead of 2 MiB per call.
    CompiledCompanion c = CompiledCompanion.compile("demo.K", """
        package demo;
        import dev.adjoint.Differentiable;
        import dev.adjoint.NoGrad;
        final class K {
          @Differentiable
          static double k(@NoGrad double[] p, double[] c) {
            double cost = 0;
            for (int i = 0; i < p.length; i++) {
              double diff = p[i] - c[i];
              cost += diff * diff * diff;
            }
            return cost;
          }
        }
        """);
    String generated = c.generatedSource("demo.KGrad");
    int start = generated.indexOf("{", generated.indexOf(" kHvp("));
    String hvp = generated.substring(start, generated.indexOf("\n  }\n", start));
    assertFalse(hvp.contains("push(diff)") || hvp.contains("push(t$diff)"), hvp);
    // H v = 6 (p - c) v for each element, by hand
    double[] p = {0.3, -1.2, 2.0};
    double[] cs = {1.1, 0.4, -0.5};
    double[] v = {0.7, -0.2, 1.5};
    Object hvpResult = CompiledCompanion.invoke(CompiledCompanion.method(c.load("demo.KGrad"), "kHvp"), null, p, cs, v);
    double[] actual = (double[]) CompiledCompanion.invoke(CompiledCompanion.method(hvpResult.getClass(), "c"), hvpResult);
    for (int i = 0; i < p.length; i++) {
      assertEquals(6 * (p[i] - cs[i]) * v[i], actual[i], 1e-12, "element " + i);
    }
  }

  private static double gradientP(Class<?> companion, double a, double p) {
    Object g = CompiledCompanion.invoke(CompiledCompanion.method(companion, "fGradient"), null, a, p);
    return (double) CompiledCompanion.invoke(CompiledCompanion.method(g.getClass(), "p"), g);
  }

  @Test
  void squareOfAPiecewiseConstantValueHasAZeroTangent() {
    // x * x of a value whose tangent is zero by rule (Math.rint) once printed a null tangent (random program 282).
    CompiledCompanion c = CompiledCompanion.compile("demo.F", """
        package demo;
        import dev.adjoint.Differentiable;
        final class F {
          @Differentiable
          static double f(double x, double y) {
            double r = Math.rint(x * 3);
            return Math.tanh(r) * Math.tanh(r) + x * y;
          }
        }
        """);
    ModeCheck.of(c, "demo.F", "f").atRandomPoints(5, r -> new Object[] {uniform(r, -1.4, 1.4), uniform(r, -1, 1)});
  }

  @Test
  void callsThroughTheCalleesJvp() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", SOURCE);
    assertTrue(c.generatedSource("demo.FGrad").contains("FGrad.fJvp("));
    ModeCheck check = ModeCheck.of(c, "demo.F", "g");
    // g calls f, which takes a double[]: its mHvp goes through f's gradient and mHvp (checked below)
    assertTrue(check.has("Hvp"));
    check.atRandomPoints(5, r -> new Object[] {uniform(r, -1.5, 1.5), vector(r, 3, -1, 1)});
    ModeCheck.of(c, "demo.F", "h").atRandomPoints(5, r -> new Object[] {uniform(r, -1.5, 1.5), vector(r, 4, -1, 1)});
  }

  @Test
  void anElementWriteWhoseIndexReadsTheArrayWrittenSetsTheTangentOfThatElement() {
    // y[(int) (|y[0]| * 2)] = 0.9 with |y[0]| < 0.5 writes y[0], after which the same index reads 1: the
    // tangent sweep once evaluated the index again after the write and zeroed the tangent of y[1] (random loop
    // programs 4814, 4833, ...). The array's tangent must be written at the slot the primal write used.
    CompiledCompanion c = CompiledCompanion.compile("demo.F", """
        package demo;
        import dev.adjoint.Differentiable;
        final class F {
          @Differentiable
          static double f(double[] x, double p) {
            double[] y = x.clone();
            y[(int) (Math.abs(y[0]) * 2.0)] = 0.9;
            y[(int) (Math.abs(y[2]) * 2.0)] = p * y[1];
            return y[0] * p + y[1] * y[2] + Math.sin(y[2]);
          }

          @Differentiable
          static double h(double[] x, int n) {
            double[] y = x.clone();
            double s = 0;
            for (int i = 0; i < n; i++) {
              y[(int) (Math.abs(y[0]) * 2.0) + i % 2] = 0.9;
              s = s + y[0] * y[1] * y[2] + Math.tanh(y[1]);
            }
            return s + y[0] * y[2];
          }
        }
        """);
    ModeCheck f = ModeCheck.of(c, "demo.F", "f");
    ModeCheck h = ModeCheck.of(c, "demo.F", "h");
    assertTrue(f.has("Hvp") && h.has("Hvp"), "reverse over forward: mHvp differentiates the tangent sweep");
    // |x[0]| < 0.5 so the first write hits y[0]; 1 <= |x[2]| < 1.5 so the second hits y[2] (then reads y[1]).
    f.atRandomPoints(5, r -> new Object[] {
        new double[] {uniform(r, -0.4, 0.4), uniform(r, -1, 1), uniform(r, 1.1, 1.4)}, uniform(r, -1, 1)});
    for (int n = 0; n <= 3; n++) {
      int trips = n;
      h.atRandomPoints(3, r -> new Object[] {
          new double[] {uniform(r, -0.4, 0.4), uniform(r, -1, 1), uniform(r, -1, 1)}, trips});
    }
  }

  @Test
  void tensorCodeInsideADoubleMethodGetsJvpByReverseMode() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", """
        package demo;
        import dev.adjoint.Differentiable;
        import dev.adjoint.Tensor;
        final class F {
          @Differentiable
          static double f(double x, double[] w) {
            Tensor t = Tensor.ones(2, 2).mul(x);
            return t.mul(t).sum().item() * w[0] + w[1];
          }
        }
        """);
    assertTrue(c.generatedSource("demo.FGrad").contains("computed by reverse mode"));
    ModeCheck check = ModeCheck.of(c, "demo.F", "f");
    assertFalse(check.has("Hvp"), "no tangent program, so no reverse-over-forward Hessian-vector product");
    check.atRandomPoints(3, r -> new Object[] {uniform(r, -1.5, 1.5), vector(r, 2, -1, 1)});
  }

  @Test
  void fewInputsManyOutputsTakesTheForwardPathOfTheJacobian() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", """
        package demo;
        import dev.adjoint.Differentiable;
        final class F {
          @Differentiable
          static double[][] curve(double t, double s) {
            double[][] out = new double[3][];
            for (int i = 0; i < 3; i++) {
              out[i] = new double[i + 1];
              for (int j = 0; j <= i; j++) {
                out[i][j] = Math.cos(t * (i + 1)) * Math.exp(s * j) + (j == 0 ? t * t : s);
              }
            }
            return out;
          }
        }
        """);
    ModeCheck.of(c, "demo.F", "curve").atRandomPoints(3, r -> new Object[] {uniform(r, -1, 1), uniform(r, -1, 1)});
    // by hand: rows the six result elements (row by row), one column each for t and s
    Object j = c.callStatic("demo.FGrad", "curveJacobian", 0.5, 0.25);
    double[][] dt = (double[][]) CompiledCompanion.components(j).get("t");
    double[][] ds = (double[][]) CompiledCompanion.components(j).get("s");
    assertEquals(6, dt.length);
    assertEquals(-Math.sin(0.5) + 2 * 0.5, dt[0][0], 1e-12);
    assertEquals(-3 * Math.sin(1.5) * Math.exp(0.5), dt[5][0], 1e-12);
    assertEquals(Math.cos(1.0) * Math.exp(0.25) + 1, ds[2][0], 1e-12);
  }

  @Test
  void kinksFollowTheReverseModeConventions() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", """
        package demo;
        import dev.adjoint.Differentiable;
        final class F {
          @Differentiable
          static double f(double x, double y) {
            return Math.abs(x) + Math.max(x, y) + 3 * Math.min(x, y) + (x > 0 ? x : 0) + Math.floor(y * 4);
          }
        }
        """);
    // At x = y = 0 along (1, 0): abs'(0) = 0, max and min split the tie (0.5 and 1.5), relu'(0) = 0, floor' = 0.
    Object jvp = c.callStatic("demo.FGrad", "fJvp", 0.0, 0.0, 1.0, 0.0);
    assertEquals(2.0, (double) CompiledCompanion.components(jvp).get("tangent"), 0.0);
    // and along (0, 1): 0.5 + 1.5
    jvp = c.callStatic("demo.FGrad", "fJvp", 0.0, 0.0, 0.0, 1.0);
    assertEquals(2.0, (double) CompiledCompanion.components(jvp).get("tangent"), 0.0);
    Object gradient = c.callStatic("demo.FGrad", "fGradient", 0.0, 0.0);
    assertEquals(2.0, (double) CompiledCompanion.components(gradient).get("x"), 0.0);
    assertEquals(2.0, (double) CompiledCompanion.components(gradient).get("y"), 0.0);
  }

  @Test
  void hessianOfRosenbrockMatchesTheClosedForm() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", """
        package demo;
        import dev.adjoint.Differentiable;
        final class F {
          @Differentiable
          static double rosenbrock(double[] x) {
            double s = 0;
            for (int i = 0; i + 1 < x.length; i++) {
              double a = 1 - x[i];
              double b = x[i + 1] - Math.pow(x[i], 2);
              s += a * a + 100 * b * b;
            }
            return s;
          }
        }
        """);
    double[] x = {0.3, -0.7, 1.1};
    double[][] h = (double[][]) c.callStatic("demo.FGrad", "rosenbrockHessian", (Object) x);
    double[][] expected = new double[3][3];
    for (int i = 0; i + 1 < 3; i++) {
      expected[i][i] += 2 - 400 * (x[i + 1] - x[i] * x[i]) + 800 * x[i] * x[i];
      expected[i][i + 1] += -400 * x[i];
      expected[i + 1][i] += -400 * x[i];
      expected[i + 1][i + 1] += 200;
    }
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(expected[i], h[i], 1e-9);
    }
    ModeCheck.of(c, "demo.F", "rosenbrock").atRandomPoints(3, r -> new Object[] {vector(r, 4, -1, 1)});
  }

  @Test
  void straightLineScalarCodeAllocatesNothingButTheResultRecord() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", """
        package demo;
        import dev.adjoint.Differentiable;
        final class F {
          @Differentiable
          static double f(double x, double y) {
            double a = Math.sin(x) * y + Math.pow(x, 3);
            double b = a > 0 ? Math.sqrt(a) : -a;
            return b / (1 + y * y) + Math.atan2(y, x);
          }
        }
        """);
    String source = c.generatedSource("demo.FGrad");
    String jvp = source.substring(source.indexOf("static FJvp fJvp("), source.indexOf("\n  }\n", source.indexOf("static FJvp fJvp(")));
    assertEquals(1, jvp.split("new ", -1).length - 1, "only the record is created:\n" + jvp);
    assertTrue(jvp.contains("return new FJvp("));
  }

  @Test
  void aTangentOfTheWrongShapeIsRefused() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", SOURCE);
    var e = assertThrows(IllegalArgumentException.class,
        () -> c.callStatic("demo.FGrad", "hJvp", 1.0, new double[3], 0.0, new double[2]));
    assertEquals("the tangent of 'b' must have its shape: it has 2 elements, 'b' has 3", e.getMessage());
  }

  @Test
  void theReadmeSpiral() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", """
        package demo;
        import dev.adjoint.Differentiable;
        final class F {
          @Differentiable
          static double[] spiral(double t, double r) {
            double[] p = new double[100];
            for (int i = 0; i < 50; i++) {
              p[2 * i] = r * Math.cos(t * i);
              p[2 * i + 1] = r * Math.sin(t * i);
            }
            return p;
          }
        }
        """);
    Object d = c.callStatic("demo.FGrad", "spiralJvp", 0.3, 2.0, 1.0, 0.0);
    double[] tangent = (double[]) CompiledCompanion.components(d).get("tangent");
    for (int i = 0; i < 50; i++) {
      assertEquals(-2.0 * i * Math.sin(0.3 * i), tangent[2 * i], 1e-12);
      assertEquals(2.0 * i * Math.cos(0.3 * i), tangent[2 * i + 1], 1e-12);
    }
    Object j = c.callStatic("demo.FGrad", "spiralJacobian", 0.3, 2.0);
    double[][] dr = (double[][]) CompiledCompanion.components(j).get("r");
    assertEquals(100, dr.length);
    assertEquals(Math.sin(0.3 * 7), dr[15][0], 1e-12);
    ModeCheck.of(c, "demo.F", "spiral").at(0.3, 2.0);
  }

  @Test
  void noGradParametersTakeNoTangentAndMatricesGetHvpButNoHessian() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", """
        package demo;
        import dev.adjoint.Differentiable;
        import dev.adjoint.NoGrad;
        final class F {
          @Differentiable
          static double f(double[][] m, @NoGrad double[] w, double s, boolean flip) {
            double acc = 0;
            for (int i = 0; i < m.length; i++) {
              for (int j = 0; j < m[i].length; j++) {
                acc += w[j] * Math.tanh(m[i][j] * s);
              }
            }
            return flip ? -acc : acc * acc;
          }
        }
        """);
    ModeCheck check = ModeCheck.of(c, "demo.F", "f");
    assertTrue(check.has("Hvp"));
    assertFalse(check.has("Hessian"), "mHessian is for one double[] parameter only");
    double[][] m = {{0.3, -0.2}, {0.5, 0.1}};
    double[] w = {0.7, -1.1};
    // tangents for m and s only: 4 + 2 parameters
    Object jvp = c.callStatic("demo.FGrad", "fJvp", m, w, 0.8, false, new double[][] {{1, 0}, {0, 0}}, 0.0);
    double h = 1e-6;
    double[][] mp = {{0.3 + h, -0.2}, {0.5, 0.1}};
    double[][] mm = {{0.3 - h, -0.2}, {0.5, 0.1}};
    double expected = ((double) c.callStatic("demo.F", "f", mp, w, 0.8, false)
        - (double) c.callStatic("demo.F", "f", mm, w, 0.8, false)) / (2 * h);
    assertEquals(expected, (double) CompiledCompanion.components(jvp).get("tangent"), 1e-7);
    Object hvp = c.callStatic("demo.FGrad", "fHvp", m, w, 0.8, true, new double[][] {{1, 0}, {0, 1}}, 0.5);
    // H v against central differences of the gradient along v = ({{1, 0}, {0, 1}}, 0.5)
    double[][] mPlus = {{0.3 + h, -0.2}, {0.5, 0.1 + h}};
    double[][] mMinus = {{0.3 - h, -0.2}, {0.5, 0.1 - h}};
    var plus = CompiledCompanion.components(c.callStatic("demo.FGrad", "fGradient", mPlus, w, 0.8 + 0.5 * h, true));
    var minus = CompiledCompanion.components(c.callStatic("demo.FGrad", "fGradient", mMinus, w, 0.8 - 0.5 * h, true));
    var actual = CompiledCompanion.components(hvp);
    assertEquals(((double) plus.get("s") - (double) minus.get("s")) / (2 * h), (double) actual.get("s"), 1e-6);
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 2; j++) {
        assertEquals((((double[][]) plus.get("m"))[i][j] - ((double[][]) minus.get("m"))[i][j]) / (2 * h),
            ((double[][]) actual.get("m"))[i][j], 1e-6);
      }
    }
    Object jacobian = c.callStatic("demo.FGrad", "fJacobian", m, w, 0.8, false);
    assertEquals(4, ((double[][]) CompiledCompanion.components(jacobian).get("m"))[0].length);
    assertEquals(1, ((double[][]) CompiledCompanion.components(jacobian).get("s"))[0].length);
  }

  @Test
  void callsIntoAClassCompiledEarlierGoThroughItsCompiledJvp(@TempDir Path dir) {
    CompiledCompanion a = CompiledCompanion.compile("lib.A", """
        package lib;
        import dev.adjoint.Differentiable;
        public final class A {
          @Differentiable
          public static double[] v(double[] w, double s) {
            return new double[] {w[0] * s, Math.sin(w[1]) * w[0]};
          }
        }
        """);
    a.writeClassesTo(dir);
    CompiledCompanion b = CompiledCompanion.compile(List.of(JavaFileObjects.forSourceString("demo.B", """
        package demo;
        import dev.adjoint.Differentiable;
        import lib.A;
        final class B {
          @Differentiable
          static double[] f(double x, double[] w) {
            double[] t = A.v(w, x * x);
            return A.v(t, x);
          }
        }
        """)), List.of(dir.toFile()));
    assertFalse(b.classNames().contains("lib.AGrad"), "A's companion must come from the class path");
    String source = b.generatedSource("demo.BGrad");
    assertTrue(source.contains("lib.AGrad.vJvp(") && !source.contains("computed by reverse mode"), source);
    ModeCheck.of(b.withClassesFrom(a), "demo.B", "f")
        .atRandomPoints(3, r -> new Object[] {uniform(r, -1, 1), vector(r, 2, -1, 1)});
  }
}
