package dev.adjoint.processor.modes;

import static dev.adjoint.processor.testing.GradCheck.matrix;
import static dev.adjoint.processor.testing.GradCheck.uniform;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.processor.records.RecordCheck;
import dev.adjoint.processor.records.RecordModeCheck;
import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.ModeCheck;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of callee a {@code @Differentiable} method may call, and every forward-mode member of the caller:
 * the companion compiles (no javac error in generated code), and each caller's {@code mJvp} (against directional
 * central differences and {@code mVjp}), {@code mJacobian} and, where generated, {@code mHvp}/{@code mHessian}
 * (against differences of gradients) are checked by {@link ModeCheck}. Where a caller has no {@code mHvp}, the
 * companion's Javadoc says why.
 */
class ModesThroughCalleeKindsTest {
  static final String SOURCE = """
      package demo;
      import dev.adjoint.Differentiable;
      import dev.adjoint.NoGrad;
      import dev.adjoint.Tensor;
      final class F {
        record P(double a, double[] w) {
          @Differentiable
          double energy(double s) { return a * s * w[0] * w[1] + Math.sin(a * s); }
        }

        record Q(double a, int n, double[] w) {
          @Differentiable
          double pot(double s) {
            double r = 0;
            for (int i = 0; i < n; i++) {
              r += w[i] * w[i] * s * a;
            }
            return r;
          }

          @Differentiable
          double twice(double s) { return pot(s) * pot(s * a) + Math.cos(a); }
        }

        record S(double x, double v) {}

        @Differentiable
        static S step(S s, double dt) { return new S(s.x() + dt * s.v(), s.v() - dt * Math.sin(s.x())); }

        @Differentiable
        static double callRecordResult(double x0, double dt) {
          S s = new S(x0, 0.5);
          for (int i = 0; i < 3; i++) {
            s = step(s, dt);
          }
          return s.x() * s.v();
        }

        @Differentiable
        static double callRecordMethods(double[] x, double s) {
          Q q = new Q(x[0], 2, x);
          return q.twice(s) + q.pot(x[1]);
        }

        @Differentiable
        static double va(double s, double... xs) {
          double r = s;
          for (int i = 0; i < xs.length; i++) {
            r += xs[i] * xs[i] * s;
          }
          return r;
        }

        @Differentiable
        static double callVarargs(double[] x, double s) { return va(s, x) * s; }

        @Differentiable
        static double flags(double[] x, boolean[] on, String mode, int[] idx) {
          double r = 0;
          for (int i = 0; i < x.length; i++) {
            if (on[i] && mode.equals("sq")) {
              r += x[idx[i]] * x[i];
            } else {
              r += Math.sin(x[i]);
            }
          }
          return r;
        }

        @Differentiable
        static double callFlags(double[] x) {
          boolean[] on = {true, false, true};
          int[] idx = {2, 1, 0};
          return flags(x, on, "sq", idx) * x[1];
        }

        static void axpy(double a, double[] x, double[] y) {
          for (int i = 0; i < x.length; i++) {
            y[i] += a * x[i];
          }
        }

        @Differentiable
        static double callOutParameter(double[] x, double s) {
          double[] y = {1, 2, 3};
          axpy(s, x, y);
          return y[0] * y[1] * y[2];
        }

        @Differentiable
        static double rec(P p, double s) { return p.a() * s * p.w()[0] * p.w()[1]; }

        @Differentiable
        static double callRecord(double[] x, double s) {
          P p = new P(x[0], x);
          return rec(p, s) * s;
        }

        @Differentiable
        static double callInstance(double[] x, double s) {
          P p = new P(x[2], x);
          return p.energy(s) * x[0];
        }

        @Differentiable
        static double[] vectorResult(double[] x, double s) { return new double[] {x[0] * s, x[1] * x[2]}; }

        @Differentiable
        static double callVectorResult(double[] x, double s) {
          double[] y = vectorResult(x, s);
          return y[0] * y[1];
        }

        static double[][] matrixResult(double[] x) { return new double[][] {{x[0], x[1]}, {x[2] * x[0], 1}}; }

        @Differentiable
        static double callMatrixResult(double[] x) {
          double[][] m = matrixResult(x);
          return m[0][0] * m[1][0] + m[0][1];
        }

        @Differentiable
        static double matrixParameter(double[][] m, double s) {
          double r = 0;
          for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[i].length; j++) {
              r += s * m[i][j] * m[i][j];
            }
          }
          return r;
        }

        static double plainMatrix(double[][] m, double s) { return m[0][0] * m[1][1] * s; }

        @Differentiable
        static double callMatrixParameter(double[][] m, double s) {
          return matrixParameter(m, s) * s + plainMatrix(m, s);
        }

        @Differentiable
        static double noGradMatrix(@NoGrad double[][] m, double[] v) {
          return m[0][0] * v[0] * v[1] + m[1][1] * v[1] * v[1];
        }

        @Differentiable
        static double callNoGradMatrix(double[] v) {
          double[][] m = {{1, 2}, {3, 4}};
          return noGradMatrix(m, v) * v[0];
        }

        @Differentiable
        static double tensors(double x, double[] w) {
          Tensor t = Tensor.ones(2, 2).mul(x);
          return t.mul(t).sum().item() * w[0] + w[1];
        }

        @Differentiable
        static double callTensors(double x, double[] w) { return tensors(x, w) * x; }

        @Differentiable
        static double callNestedGradient(double[] x, double s) {
          double[] g = FGrad.vaGradient(s, x).xs();
          return g[0] * g[1] + FGrad.vaGradient(s * x[0], x).s();
        }
      }
      """;

  /** Each caller, with a point generator and whether it has {@code mHvp}. */
  private static final Map<String, Object[]> CALLERS = Map.ofEntries(
      Map.entry("callVarargs", new Object[] {points(r -> new Object[] {vector(r, 3, -1, 1), uniform(r, -1, 1)}),
          true}),
      Map.entry("callFlags", new Object[] {points(r -> new Object[] {vector(r, 3, -1, 1)}), true}),
      // a plain helper with an out-parameter (read as one returning the written double[]): mHvp through its
      // tangent member m$tan
      Map.entry("callOutParameter", new Object[] {points(r -> new Object[] {vector(r, 3, -1, 1),
          uniform(r, -1, 1)}), true}),
      // calls taking records or objects go through their companions' flat tangent members, mHvp through their
      // tangent members m$tan (TangentCalls)
      Map.entry("callRecordMethods", new Object[] {points(r -> new Object[] {vector(r, 3, -1, 1),
          uniform(r, -1, 1)}), true}),
      // a record result: through the callee's flat tangent member, the record packed; mHvp through its tangent
      // member m$tan (the packed value and tangent stacked)
      Map.entry("callRecordResult", new Object[] {points(r -> new Object[] {uniform(r, -1, 1),
          uniform(r, 0.1, 0.3)}), true}),
      Map.entry("callRecord", new Object[] {points(r -> new Object[] {vector(r, 2, -1, 1), uniform(r, -1, 1)}),
          true}),
      Map.entry("callInstance", new Object[] {points(r -> new Object[] {vector(r, 3, -1, 1), uniform(r, -1, 1)}),
          true}),
      // a double[] result: mHvp through the callee's tangent member m$tan (value and tangent stacked); a
      // double[][] result the same (its rows stacked)
      Map.entry("callVectorResult", new Object[] {points(r -> new Object[] {vector(r, 3, -1, 1),
          uniform(r, -1, 1)}), true}),
      Map.entry("callMatrixResult", new Object[] {points(r -> new Object[] {vector(r, 3, -1, 1)}), true}),
      // through a @Differentiable callee's mHvp and a plain helper's (with a matrix parameter)
      Map.entry("callMatrixParameter", new Object[] {points(r -> new Object[] {matrix(r, 2, 2, -1, 1),
          uniform(r, -1, 1)}), true}),
      Map.entry("matrixParameter", new Object[] {points(r -> new Object[] {matrix(r, 2, 3, -1, 1),
          uniform(r, -1, 1)}), true}),
      Map.entry("callNoGradMatrix", new Object[] {points(r -> new Object[] {vector(r, 2, -1, 1)}), true}),
      Map.entry("callTensors", new Object[] {points(r -> new Object[] {uniform(r, -1, 1), vector(r, 2, -1, 1)}),
          false}),
      Map.entry("callNestedGradient", new Object[] {points(r -> new Object[] {vector(r, 2, -1, 1),
          uniform(r, 0.5, 1.5)}), false}));

  private static Function<Random, Object[]> points(Function<Random, Object[]> f) {
    return f;
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyCallerCompilesAndEveryModeMatchesDifferences() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", SOURCE);
    for (Map.Entry<String, Object[]> e : CALLERS.entrySet()) {
      ModeCheck.checkCaller(c, "demo.F", e.getKey(), (Function<Random, Object[]>) e.getValue()[0],
          (Boolean) e.getValue()[1]);
    }
  }

  @Test
  void recordCalleesCompiledEarlierAreGoneThroughByTheirCompiledFlatTangentMembers(@TempDir Path dir) {
    CompiledCompanion a = CompiledCompanion.compile("lib.A", """
        package lib;
        import dev.adjoint.Differentiable;
        public final class A {
          public record P(double a, double[] w) {
            @Differentiable
            public double energy(double s) { return a * s * w[0] * w[1] + Math.sin(a * s); }
          }

          @Differentiable
          public static double rec(P p, double s) { return p.a() * s * p.w()[0] + Math.cos(p.w()[1]); }
        }
        """);
    a.writeClassesTo(dir);
    CompiledCompanion b = CompiledCompanion.compile(List.of(JavaFileObjects.forSourceString("demo.B", """
        package demo;
        import dev.adjoint.Differentiable;
        import lib.A;
        final class B {
          @Differentiable
          static double f(A.P p, double s) {
            return p.energy(s) * A.rec(p, s * p.a());
          }
        }
        """)), List.of(dir.toFile()));
    String source = b.generatedSource("demo.BGrad");
    assertTrue(source.contains("lib.A_PGrad.energy$jvp(") && source.contains("lib.AGrad.rec$jvp("), source);
    CompiledCompanion both = b.withClassesFrom(a);
    java.lang.reflect.Method f = CompiledCompanion.method(both.load("demo.B"), "f");
    Random r = new Random(5);
    for (int trial = 0; trial < 3; trial++) {
      Object p = RecordCheck.construct(both.load("lib.A$P"), uniform(r, -1, 1), vector(r, 2, -1, 1));
      RecordModeCheck.check(both, "demo.BGrad", "f", args -> CompiledCompanion.invoke(f, null, args),
          new Object[] {p, uniform(r, -1, 1)}, new boolean[] {true, true}, r, false);
    }
  }
}
