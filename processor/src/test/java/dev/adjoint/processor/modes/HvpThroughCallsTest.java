package dev.adjoint.processor.modes;

import static dev.adjoint.processor.testing.GradCheck.matrix;
import static dev.adjoint.processor.testing.GradCheck.uniform;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.ModeCheck;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mHvp of methods that call other {@code @Differentiable} methods with a {@code double} result and
 * {@code double}, {@code double[]} or {@code double[][]} parameters: the tangent of such a call is built from
 * the callee's gradient (a dot product for an array or matrix), which the reverse mode differentiates through
 * the callee's own mHvp. Checked (with mJvp, mJacobian, mHessian) against differences of gradients by {@link ModeCheck}.
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

        @Differentiable
        static double energy(double[] q, double k) {
          double e = 0;
          for (int i = 0; i + 1 < q.length; i++) {
            double d = q[i + 1] - q[i];
            e += k * d * d * d * d + Math.cos(q[i] * k);
          }
          return e;
        }

        @Differentiable
        static double relaxed(double[] q, double k, int n) {
          double[] p = q.clone();
          double s = 0;
          for (int t = 0; t < n; t++) {
            double[] r = new double[p.length];
            for (int i = 0; i < p.length; i++) {
              r[i] = p[i] * (1 + 0.1 * t) + s * 0.01;
            }
            s += energy(r, k * (t + 1)) * 0.5;
            p = r.clone();
          }
          return s * s + energy(p, k);
        }

        @Differentiable
        static double twoLevels(double[] a, double y) {
          double[] fixed = {1, 2, 3};
          return throughArrays(y, a) + relaxed(a, y, 2) + energy(fixed, y);
        }

        @Differentiable
        static double pair(double[] a, double[] b) { return a[0] * b[1] + Math.sin(a[1] * b[0]); }

        @Differentiable
        static double selfPair(double[] a) { return pair(a, a) * a[0]; }

        @Differentiable
        static double overwrites(double[] v) {
          double[] w = v.clone();
          double d = pair(w, v);
          w[0] = 5 * v[1];
          w[1] = d * w[0];
          return d * w[0] + w[1] + pair(w, v);
        }

        @Differentiable
        static double matrixCallee(double[][] m) { return m[0][0] * m[1][1]; }

        @Differentiable
        static double throughMatrix(double x, double[][] m) { return matrixCallee(m) * x; }

        @Differentiable
        static double weighted(double[][] m, double[] w, double s) {
          double r = 0;
          for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[i].length; j++) {
              r += Math.sin(s * m[i][j]) * w[j] * m[i][j];
            }
          }
          return r;
        }

        @Differentiable
        static double matrixCalls(double[][] m, double[] w) {
          double[][] c = new double[m.length][];
          for (int i = 0; i < m.length; i++) {
            c[i] = m[i].clone();
          }
          double a = weighted(c, w, w[0]);
          // the caller writes into the matrix after the call: the callee's mHvp must see it as it was
          for (int i = 0; i < c.length; i++) {
            c[i][0] = a * m[i][0];
          }
          c[1] = new double[] {a, a * w[1]};
          return a * weighted(c, w, 0.5) + weighted(m, w, a);
        }

        @Differentiable
        static double constantMatrix(double[] w) {
          double[][] m = {{1, 2}, {3, 4}, {0.5, -1}};
          return weighted(m, w, w[1]) * w[0];
        }

        @Differentiable
        static double builtMatrix(double[] w) {
          double[][] m = {{w[0], 2 * w[1]}, {w[1] * w[0], 1}};
          return weighted(m, w, 0.3) + m[1][0];
        }
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
  void callsOfMethodsWithArrayParametersHaveMHvpThroughTheCalleesMHvp() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", SOURCE);
    String generated = c.generatedSource("demo.FGrad");
    for (String name : new String[] {"throughArrays", "relaxed", "twoLevels", "selfPair", "overwrites"}) {
      ModeCheck check = ModeCheck.of(c, "demo.F", name);
      assertTrue(check.has("Hvp"), name + ": " + generated);
      int start = generated.indexOf(" " + name + "Hvp(");
      String hvp = generated.substring(start, generated.indexOf("\n  }\n", start));
      // forward over reverse through the callee boundary: the callee's own mHvp, not a nested tape
      assertTrue(hvp.substring(hvp.indexOf('{')).contains("Hvp("), hvp);
    }
    ModeCheck.of(c, "demo.F", "throughArrays").atRandomPoints(4, r -> new Object[] {uniform(r, -1, 1),
        vector(r, 2, -1, 1)});
    ModeCheck.of(c, "demo.F", "relaxed").atRandomPoints(4, r -> new Object[] {vector(r, 4, -1, 1),
        uniform(r, 0.5, 1.5), 3});
    ModeCheck.of(c, "demo.F", "twoLevels").atRandomPoints(4, r -> new Object[] {vector(r, 3, -1, 1),
        uniform(r, 0.5, 1.5)});
    ModeCheck.of(c, "demo.F", "selfPair").atRandomPoints(4, r -> new Object[] {vector(r, 2, -1, 1)});
    // the caller writes into the argument array after the call: the callee's mHvp must see it as it was
    ModeCheck.of(c, "demo.F", "overwrites").atRandomPoints(4, r -> new Object[] {vector(r, 2, -1, 1)});
  }

  @Test
  void callsOfMethodsWithMatrixParametersHaveMHvpThroughTheCalleesMHvp() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", SOURCE);
    for (String name : new String[] {"throughMatrix", "matrixCalls", "constantMatrix", "builtMatrix"}) {
      assertTrue(ModeCheck.of(c, "demo.F", name).has("Hvp"), name + ": " + c.generatedSource("demo.FGrad"));
    }
    ModeCheck.of(c, "demo.F", "throughMatrix").atRandomPoints(4, r -> new Object[] {uniform(r, -1, 1),
        matrix(r, 2, 2, -1, 1)});
    // ragged rows too
    ModeCheck.of(c, "demo.F", "matrixCalls").atRandomPoints(4, r -> new Object[] {new double[][] {
        vector(r, 3, -1, 1), vector(r, 2, -1, 1)}, vector(r, 3, -1, 1)});
    ModeCheck.of(c, "demo.F", "constantMatrix").atRandomPoints(4, r -> new Object[] {vector(r, 2, -1, 1)});
    ModeCheck.of(c, "demo.F", "builtMatrix").atRandomPoints(4, r -> new Object[] {vector(r, 2, -1, 1)});
  }

  @Test
  void aMatrixCalleeCompiledEarlierIsGoneThroughByItsCompiledMHvp(@TempDir Path dir) {
    CompiledCompanion a = CompiledCompanion.compile("lib.A", """
        package lib;
        import dev.adjoint.Differentiable;
        public final class A {
          @Differentiable
          public static double e(double[][] m, double s) {
            return Math.sin(m[0][0] * s) * m[1][1] + m[0][1] * m[1][0] * s;
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
          static double f(double x, double[][] m) {
            return A.e(m, x) * x;
          }
        }
        """)), List.of(dir.toFile()));
    assertFalse(b.classNames().contains("lib.AGrad"), "A's companion must come from the class path");
    assertTrue(b.generatedSource("demo.BGrad").contains("lib.AGrad.eHvp("), b.generatedSource("demo.BGrad"));
    ModeCheck check = ModeCheck.of(b.withClassesFrom(a), "demo.B", "f");
    assertTrue(check.has("Hvp"));
    check.atRandomPoints(3, r -> new Object[] {uniform(r, -1, 1), matrix(r, 2, 2, -1, 1)});
  }
}
