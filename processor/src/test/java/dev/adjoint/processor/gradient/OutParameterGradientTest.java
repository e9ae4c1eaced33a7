package dev.adjoint.processor.gradient;

import static dev.adjoint.processor.testing.GradCheck.matrix;
import static dev.adjoint.processor.testing.GradCheck.uniform;
import static dev.adjoint.processor.testing.GradCheck.vector;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import dev.adjoint.processor.testing.ModeCheck;
import org.junit.jupiter.api.Test;

/**
 * {@code void} plain helpers that write into a {@code double[]} parameter (out-parameters, BLAS style), called
 * from {@code @Differentiable} methods and from other helpers: every gradient against central differences,
 * and the forward modes against the reverse mode.
 */
class OutParameterGradientTest {
  private static final String AXPY = """
      static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
          y[i] += a * x[i];
        }
      }
      """;

  @Test
  void axpyIntoALocalThatAlreadyHoldsActiveValues() {
    String source = ConstructGradientTest.wrap(AXPY + """
        @Differentiable static double f(double a, double[] x, double[] z) {
          double[] y = z.clone();
          y[0] = y[0] * y[1];
          axpy(a, x, y);
          axpy(y[2], z, y);
          return y[0] * y[1] + Math.sin(y[2]);
        }
        """);
    GradCheck.of(source, "f").atRandomPoints(6,
        r -> new Object[] {uniform(r, -1, 1), vector(r, 3, -1, 1), vector(r, 3, -1, 1)});
    ModeCheck.of(CompiledCompanion.compile("demo.F", source), "demo.F", "f").atRandomPoints(3,
        r -> new Object[] {uniform(r, -1, 1), vector(r, 3, -1, 1), vector(r, 3, -1, 1)});
  }

  @Test
  void overwritingHelperEarlyReturnInALoopAndAMatrixRow() {
    GradCheck.of(ConstructGradientTest.wrap("""
        static void softmaxInto(double[] logits, double[] out, int n) {
          if (n == 0) {
            return;
          }
          double m = logits[0];
          for (int i = 1; i < n; i++) {
            m = Math.max(m, logits[i]);
          }
          double s = 0;
          for (int i = 0; i < n; i++) {
            out[i] = Math.exp(logits[i] - m);
            s += out[i];
          }
          for (int i = 0; i < n; i++) {
            out[i] /= s;
          }
        }
        @Differentiable static double f(double[][] w, double[] x) {
          double[][] p = new double[w.length][x.length];
          for (int r = 0; r < w.length; r++) {
            double[] l = new double[x.length];
            for (int i = 0; i < x.length; i++) {
              l[i] = w[r][i] * x[i];
            }
            softmaxInto(l, p[r], r == 0 ? 0 : x.length);
          }
          double s = 0;
          for (int r = 0; r < w.length; r++) {
            for (int i = 0; i < x.length; i++) {
              s += p[r][i] * (i + 1) + p[r][i] * p[r][i];
            }
          }
          return s;
        }
        """), "f").atRandomPoints(6, r -> new Object[] {matrix(r, 3, 3, -1, 1), vector(r, 3, -1, 1)});
  }

  @Test
  void voidHelperCallingVoidHelperConstantArgumentsAndAnArrayResult() {
    GradCheck.of(ConstructGradientTest.wrap(AXPY + """
        static void scal(double a, double[] y) {
          for (int i = 0; i < y.length; i++) {
            y[i] *= a;
          }
        }
        static void gemv(double[][] m, double[] x, double[] y) {
          for (int i = 0; i < m.length; i++) {
            y[i] = 0;
          }
          for (int j = 0; j < x.length; j++) {
            double[] col = new double[m.length];
            for (int i = 0; i < m.length; i++) {
              col[i] = m[i][j];
            }
            axpy(x[j], col, y);
          }
          scal(0.5, y);
        }
        static void fillRamp(double[] y) {
          for (int i = 0; i < y.length; i++) {
            y[i] = i;
          }
        }
        @Differentiable static double[] f(double[][] m, double[] x) {
          double[] y = new double[m.length];
          y[0] = x[0] * 7;
          gemv(m, x, y);
          double[] t = new double[3];
          t[1] = x[1] * x[1];
          fillRamp(t);
          scal(x[2], t);
          y[1] += t[2];
          return y;
        }
        """), "f").atRandomPoints(5, r -> new Object[] {matrix(r, 3, 3, -1, 1), vector(r, 3, -1, 1)});
  }

  @Test
  void recursiveVoidHelper() {
    GradCheck.of(ConstructGradientTest.wrap("""
        static void prefix(double[] v, int k) {
          if (k >= v.length) {
            return;
          }
          v[k] = v[k] * Math.cos(v[k - 1]) + v[k - 1];
          prefix(v, k + 1);
        }
        @Differentiable static double f(double[] x) {
          double[] v = x.clone();
          prefix(v, 1);
          return v[v.length - 1];
        }
        """), "f").atRandomPoints(5, r -> new Object[] {vector(r, 4, -1, 1)});
  }
}
