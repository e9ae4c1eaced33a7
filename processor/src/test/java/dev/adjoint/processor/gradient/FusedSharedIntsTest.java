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
 * {@code differentiate.SharedInts}: an {@code int} local a fused loop's iterations write before reading it, also
 * used by other loops of the method (a counter {@code j} reused, gmm's {@code ik}/{@code id}/{@code p}), when no
 * statement after the loop reads it before writing it. The value it had before the loop is put back for the
 * reverse of what precedes the loop (an earlier loop over the same counter). Near misses (read after the loop
 * before any write, a {@code double} shared) keep the separate sweeps. All against central differences, and
 * {@code mHvp} against differences of gradients (GradCheck's mode checks).
 */
class FusedSharedIntsTest {
  private static final String FUSED = "each iteration's reverse right after it";

  @Test
  void intsReusedByOtherLoopsFuse() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", wrap("""
        @Differentiable static double reusedIndex(double[] x) {
          double s = 0;
          int j = 0;
          for (int i = 0; i < x.length; i++) {
            j = i + 1;
            s += x[i] * j;
          }
          double t = 0;
          for (int i = 0; i < x.length; i++) {
            j = 2 * i;
            t += Math.sin(x[i]) * j;
          }
          double u = t + 3;
          return u;
        }
        @Differentiable static double reusedCounter(double[][] a, double[] w) {
          double s = 0;
          int j = 0;
          for (j = 0; j < w.length; j++) {
            s += w[j] * Math.sin(w[j]);
          }
          for (int i = 0; i < a.length; i++) {
            double r = 0;
            int p = 1;
            for (j = 0; j < w.length; j++) {
              r += a[i][j] * w[j] * p;
              p = p + 1;
            }
            s += Math.sin(r);
          }
          j = 2;
          int p = j + 1;
          double u = s * 2 + p;
          return u;
        }
        """));
    String generated = c.generatedSource("demo.FGrad");
    for (String m : new String[] {"reusedIndex", "reusedCounter"}) {
      String vjp = member(generated, m + "Vjp");
      assertTrue(vjp.contains(FUSED), vjp);
    }
    // the earlier loop's reverse runs from the counter value it left
    assertTrue(member(generated, "reusedCounterVjp").contains("j = _kept$j"), member(generated, "reusedCounterVjp"));
    GradCheck.of(c, "demo.F", "reusedIndex").atRandomPoints(5, r -> new Object[] {vector(r, 1 + r.nextInt(5), -1, 1)});
    GradCheck.of(c, "demo.F", "reusedCounter").atRandomPoints(5, r -> {
      int n = 1 + r.nextInt(3);
      return new Object[] {matrix(r, 1 + r.nextInt(4), n, -1, 1), vector(r, n, -1, 1)};
    });
  }

  @Test
  void aReverseThatNeverReadsTheCounterFuses() {
    // gmm's loop over points: x[ix] is data, so the reverse never reads ix and has no inverse of its step
    CompiledCompanion c = CompiledCompanion.compile("demo.F", wrap("""
        @Differentiable static double centred(double[] m, @NoGrad double[][] data) {
          double s = 0;
          for (int ix = 0; ix < data.length; ix++) {
            double e = data[ix][0] - m[0];
            e = e * e + m[1];
            s += Math.sin(e) * m[1];
          }
          return s;
        }
        """).replace("import dev.adjoint.Differentiable;", "import dev.adjoint.Differentiable;\nimport dev.adjoint.NoGrad;"));
    String vjp = member(c.generatedSource("demo.FGrad"), "centredVjp");
    assertTrue(vjp.contains(FUSED), vjp);
    GradCheck.of(c, "demo.F", "centred").atRandomPoints(5, r -> {
      return new Object[] {vector(r, 2, -1, 1), matrix(r, 1 + r.nextInt(4), 1, -1, 1)};
    });
  }

  @Test
  void nearMissesKeepTheSeparateSweeps() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", wrap("""
        @Differentiable static double readAfterTheLoop(double[] x) {
          double s = 0;
          int j = 0;
          for (int i = 0; i < x.length; i++) {
            j = i + 1;
            s += x[i] * j;
          }
          double u = s + j;
          return u;
        }
        @Differentiable static double readOnOnePathAfter(double[] x, double c) {
          double s = 0;
          int j = 0;
          for (int i = 0; i < x.length; i++) {
            j = i + 1;
            s += x[i] * j;
          }
          if (c > 0) {
            j = 5;
          }
          double u = s + j * c;
          return u;
        }
        @Differentiable static double sharedDouble(double[] x) {
          double s = 0;
          double q = 0;
          for (int i = 0; i < x.length; i++) {
            q = x[i] * x[i];
            s += q * x[i];
          }
          double t = 0;
          for (int i = 0; i < x.length; i++) {
            q = Math.sin(x[i]);
            t += q * x[i];
          }
          double u = t + 1;
          return u;
        }
        """));
    String generated = c.generatedSource("demo.FGrad");
    assertFalse(member(generated, "readAfterTheLoopVjp").contains(FUSED), member(generated, "readAfterTheLoopVjp"));
    assertFalse(member(generated, "readOnOnePathAfterVjp").contains(FUSED),
        member(generated, "readOnOnePathAfterVjp"));
    assertFalse(member(generated, "sharedDoubleVjp").contains(FUSED), member(generated, "sharedDoubleVjp"));
    for (String m : new String[] {"readAfterTheLoop", "sharedDouble"}) {
      GradCheck.of(c, "demo.F", m).atRandomPoints(5, r -> new Object[] {vector(r, 1 + r.nextInt(5), -1, 1)});
    }
    GradCheck.of(c, "demo.F", "readOnOnePathAfter").atRandomPoints(5, r -> new Object[] {
        vector(r, 1 + r.nextInt(5), -1, 1), GradCheck.uniform(r, -1, 1)});
  }
}
