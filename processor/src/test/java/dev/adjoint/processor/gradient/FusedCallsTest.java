package dev.adjoint.processor.gradient;

import static dev.adjoint.processor.gradient.ConstructGradientTest.wrap;
import static dev.adjoint.processor.testing.CompiledCompanion.member;
import static dev.adjoint.processor.testing.GradCheck.matrix;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import org.junit.jupiter.api.Test;

/**
 * {@code differentiate.FusedCalls}: calls of other differentiated methods in a fused loop's iteration (gmm's
 * {@code logsumexp} per point). The callee's augmented forward records onto the caller's tapes, replayed by the
 * iteration, and its reverse runs right after, adding into the caller's adjoint arrays; a tiny pure callee is
 * recomputed ({@code $pullback}); a {@code ?:} over calls records its side. Near misses (a helper writing into an
 * array the next iteration reads; a seed deferred past the loop while a callee adds into an adjoint array the
 * deferral would not scale) keep the separate sweeps. All against central differences, and {@code mHvp} against
 * differences of gradients (GradCheck's mode checks).
 */
class FusedCallsTest {
  private static final String FUSED = "each iteration's reverse right after it";

  /** lse (a loop over an array), pw (a loop over a scalar), sq (tiny and pure: recomputed). */
  static final String CALLEES = """
      @Differentiable static double lse(double[] v) {
        double mx = v[0];
        for (int i = 1; i < v.length; i++) {
          mx = Math.max(mx, v[i]);
        }
        double s = 0;
        for (int i = 0; i < v.length; i++) {
          s += Math.exp(v[i] - mx);
        }
        return Math.log(s) + mx;
      }
      @Differentiable static double pw(double a, int n) {
        double r = 1;
        for (int q = 0; q < n; q++) {
          r = r * Math.sin(a + q);
        }
        return r;
      }
      @Differentiable static double sq(double a, double b) {
        return a * a * b;
      }
      """;

  @Test
  void callsInTheIterationFuse() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", wrap(CALLEES + """
        @Differentiable static double recorded(double[] x, double[] y) {
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            s += pw(x[i], 3) * lse(y);
          }
          return s;
        }
        @Differentiable static double recomputed(double[] x, double[] y) {
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            s += sq(x[i], y[i]);
          }
          return 2 * s;
        }
        @Differentiable static double chosen(double[] x, double[] y) {
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            double t = x[i] > 0 ? pw(x[i], 2) : lse(y) * x[i];
            s += t * t;
          }
          return s;
        }
        @Differentiable static double inInnerLoop(double[][] a, double[] y) {
          double s = 0;
          for (int i = 0; i < a.length; i++) {
            double r = 0;
            for (int j = 0; j < a[i].length; j++) {
              r += pw(a[i][j], 2) * y[j];
            }
            s += Math.sin(r) + lse(y) * a[i][0];
          }
          return s;
        }
        @Differentiable static double deferredWithRegisters(double[] x) {
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            s += Math.exp(pw(x[i], 2));
          }
          return Math.log(s);
        }
        """));
    String generated = c.generatedSource("demo.FGrad");
    for (String m : new String[] {"recorded", "recomputed", "chosen", "inInnerLoop", "deferredWithRegisters"}) {
      String vjp = member(generated, m + "Vjp");
      assertTrue(vjp.contains(FUSED), vjp);
    }
    // the callee's stretch is replayed within the iteration
    String recorded = member(generated, "recordedVjp");
    assertTrue(recorded.contains("_refs.beginReplay()") && recorded.contains("lse$reverse"), recorded);
    GradCheck.of(c, "demo.F", "recorded").atRandomPoints(5, r -> new Object[] {
        vector(r, 1 + r.nextInt(4), -1, 1), vector(r, 1 + r.nextInt(4), -1, 1)});
    GradCheck.of(c, "demo.F", "chosen").atRandomPoints(6, r -> new Object[] {
        vector(r, 1 + r.nextInt(4), -1, 1), vector(r, 1 + r.nextInt(4), -1, 1)});
    GradCheck.of(c, "demo.F", "recomputed").atRandomPoints(5, r -> {
      int n = 1 + r.nextInt(4);
      return new Object[] {vector(r, n, -1, 1), vector(r, n, -1, 1)};
    });
    GradCheck.of(c, "demo.F", "inInnerLoop").atRandomPoints(5, r -> {
      int n = 1 + r.nextInt(3);
      return new Object[] {matrix(r, 1 + r.nextInt(3), n, -1, 1), vector(r, n, -1, 1)};
    });
    GradCheck.of(c, "demo.F", "deferredWithRegisters").atRandomPoints(5, r -> new Object[] {
        vector(r, 1 + r.nextInt(4), -1, 1)});
  }

  @Test
  void nearMissesKeepTheSeparateSweeps() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", wrap(CALLEES + """
        static void put(double[] out, double a) {
          out[0] = a * a;
        }
        @Differentiable static double carriedByAHelper(double[] x) {
          double[] buf = new double[1];
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            s += buf[0] * x[i];
            put(buf, x[i]);
          }
          return s;
        }
        @Differentiable static double deferredPastAnArrayCallee(double[] x, double[] y) {
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            s += Math.exp(x[i] * lse(y));
          }
          return Math.log(s);
        }
        """));
    String generated = c.generatedSource("demo.FGrad");
    for (String m : new String[] {"carriedByAHelper", "deferredPastAnArrayCallee"}) {
      String vjp = member(generated, m + "Vjp");
      assertFalse(vjp.contains(FUSED), vjp);
    }
    GradCheck.of(c, "demo.F", "carriedByAHelper").atRandomPoints(5, r -> new Object[] {
        vector(r, 1 + r.nextInt(4), -1, 1)});
    GradCheck.of(c, "demo.F", "deferredPastAnArrayCallee").atRandomPoints(5, r -> new Object[] {
        vector(r, 1 + r.nextInt(4), -1, 1), vector(r, 1 + r.nextInt(4), -1, 1)});
  }
}
