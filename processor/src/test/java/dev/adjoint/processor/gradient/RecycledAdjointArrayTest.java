package dev.adjoint.processor.gradient;

import static dev.adjoint.processor.gradient.ConstructGradientTest.wrap;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import org.junit.jupiter.api.Test;

/**
 * The reverse of {@code a = value} for a {@code double[]} local reassigned in a loop with a fresh array: the adjoint
 * of the array held before starts from zero in the storage of the new array's adjoint once that has been routed
 * ({@code ArrayAdjoints.zeroedLike}), not in a new array per iteration. Gradient-checked where the storage is reused
 * (Runge-Kutta stages, GradBench's ode), where the length changes between iterations (a new array after all), and
 * where the value reads the array itself ({@code a = g(a)}, which keeps the allocating form).
 */
class RecycledAdjointArrayTest {
  /** GradBench ode's shape: a helper returning a fresh stage array, a scratch array made per step. */
  private static final String STAGES = wrap("""
      @Differentiable static double[] rhs(double[] x, double[] y) {
        double[] z = new double[x.length];
        z[0] = x[0];
        for (int i = 1; i < x.length; i++) {
          z[i] = x[i] * Math.sin(y[i - 1]);
        }
        return z;
      }

      @Differentiable static double f(double[] x, int s) {
        int n = x.length;
        double[] y = new double[n];
        for (int step = 0; step < s; step++) {
          double[] k1 = rhs(x, y);
          double[] tmp = new double[n];
          for (int i = 0; i < n; i++) {
            tmp[i] = y[i] + 0.25 * k1[i];
          }
          double[] k2 = rhs(x, tmp);
          for (int i = 0; i < n; i++) {
            y[i] += 0.5 * (k1[i] + k2[i]) * y[i] + 0.1 * k2[i];
          }
        }
        double r = 0;
        for (int i = 0; i < n; i++) {
          r += y[i] * (i + 1);
        }
        return r;
      }
      """);

  @Test
  void stagesReuseTheirAdjointStorage() {
    GradCheck.of(STAGES, "f").atRandomPoints(6, r -> new Object[] {vector(r, 1 + r.nextInt(5), -1, 1), r.nextInt(4)});
    String generated = CompiledCompanion.compile("demo.F", STAGES).generatedSource("demo.FGrad");
    assertTrue(generated.contains("_d_k1 = ArrayAdjoints.zeroedLike(_d_k1, k1);"), generated);
    assertTrue(generated.contains("_d_k2 = ArrayAdjoints.zeroedLike(_d_k2, k2);"), generated);
    assertTrue(generated.contains("_d_tmp = ArrayAdjoints.zeroedLike(_d_tmp, tmp);"), generated);
    assertFalse(generated.contains("_d_k1 = ArrayAdjoints.zerosLike(k1);\n        "), generated);
  }

  /** The array's length changes from one iteration to the next: the spent adjoint does not fit, a new one is made. */
  @Test
  void aLengthThatChangesGetsAFreshArray() {
    GradCheck.of(wrap("""
        @Differentiable static double[] prefix(double[] x, int m) {
          double[] v = new double[m];
          for (int i = 0; i < m; i++) {
            v[i] = x[i] * x[i];
          }
          return v;
        }

        @Differentiable static double f(double[] x) {
          double s = 0;
          for (int m = 1; m <= x.length; m++) {
            double[] v = prefix(x, m);
            s += v[m - 1] * v[0] + Math.cos(v[m / 2]);
          }
          return s;
        }
        """), "f").atRandomPoints(6, r -> new Object[] {vector(r, 1 + r.nextInt(6), -1, 1)});
  }

  /** {@code a = g(a)}: the routing adds into the old array's adjoint, which must be a distinct zero array first. */
  @Test
  void aValueReadingTheArrayKeepsAFreshAdjoint() {
    String source = wrap("""
        @Differentiable static double[] g(double[] a, double[] x) {
          double[] b = new double[a.length];
          for (int i = 0; i < a.length; i++) {
            b[i] = Math.sin(a[i]) * x[i] + a[(i + 1) % a.length];
          }
          return b;
        }

        @Differentiable static double f(double[] x, int s) {
          double[] a = new double[x.length];
          for (int i = 0; i < x.length; i++) {
            a[i] = x[i];
          }
          for (int t = 0; t < s; t++) {
            a = g(a, x);
          }
          double r = 0;
          for (int i = 0; i < a.length; i++) {
            r += a[i] * a[i];
          }
          return r;
        }
        """);
    GradCheck.of(source, "f").atRandomPoints(6, r -> new Object[] {vector(r, 1 + r.nextInt(5), -1, 1), r.nextInt(4)});
    String generated = CompiledCompanion.compile("demo.F", source).generatedSource("demo.FGrad");
    // a = g(a, x) takes the new array's adjoint and allocates the old one's; only the first, fresh a (whose value
    // does not read a) reuses storage.
    assertTrue(generated.contains("_d_a = ArrayAdjoints.zerosLike(a);"), generated);
  }

  /** An array result reassigned in a loop: its adjoint starts as the caller's upstream, which is never written. */
  @Test
  void theUpstreamOfAReassignedResultIsNotWritten() {
    String source = wrap("""
        @Differentiable static double[] f(double[] x, int s) {
          double[] r = new double[x.length];
          for (int t = 0; t < s; t++) {
            r = new double[x.length];
            for (int i = 0; i < x.length; i++) {
              r[i] = Math.exp(x[i] * t);
            }
          }
          return r;
        }
        """);
    GradCheck.of(source, "f").atRandomPoints(4, r -> new Object[] {vector(r, 1 + r.nextInt(4), -1, 1), r.nextInt(4)});
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    double[] upstream = {0.5, -1.5, 2.0};
    c.callStatic("demo.FGrad", "fVjp", new double[] {0.1, 0.2, 0.3}, 3, upstream);
    assertArrayEquals(new double[] {0.5, -1.5, 2.0}, upstream);
  }
}
