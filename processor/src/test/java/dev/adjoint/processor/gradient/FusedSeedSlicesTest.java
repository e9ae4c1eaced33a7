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
 * {@code differentiate.SeedSlices}: a fused loop followed by statements whose reverse cannot run before the loop
 * as a whole (a call that records, a loop, values computed after the loop) but whose part that gives the loop's
 * accumulator its adjoint needs nothing of that (gmm's final terms): that part runs before the loop, the rest in
 * the reverse sweep. Near misses (the accumulator's adjoint needs a value computed after the loop, or the loop's
 * accumulator itself) keep the separate sweeps. All against central differences, and {@code mHvp} against
 * differences of gradients (GradCheck's mode checks).
 */
class FusedSeedSlicesTest {
  private static final String FUSED = "each iteration's reverse right after it";

  /** lse and two scalar callees. */
  private static final String LSE = FusedCallsTest.CALLEES;

  @Test
  void finalTermsAfterTheLoopFuse() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", wrap(LSE + """
        @Differentiable static double terms(double[][] a, double[] w, double[] y, double c) {
          double s = 0;
          for (int i = 0; i < a.length; i++) {
            double r = c * a[i][1];
            for (int j = 0; j < w.length; j++) {
              r += a[i][j] * w[j];
            }
            s += Math.sin(r) * w[1];
          }
          double q = lse(y);
          double err = 3 * s - a.length * q;
          double prior = 0;
          for (int k = 0; k < w.length; k++) {
            prior += w[k] * w[k] * c;
          }
          double u = c * c;
          return err + prior * q + u;
        }
        @Differentiable static double scaledTwice(double[][] a, double[] w) {
          double s = 0;
          for (int i = 0; i < a.length; i++) {
            s += a[i][0] * w[0] * w[1];
          }
          double t = 2 * s;
          double v = Math.exp(w[0]);
          double z = t * 0.5 - v * v;
          return z * 3 + t;
        }
        """));
    String generated = c.generatedSource("demo.FGrad");
    for (String m : new String[] {"terms", "scaledTwice"}) {
      String vjp = member(generated, m + "Vjp");
      assertTrue(vjp.contains(FUSED), vjp);
      assertTrue(vjp.contains("the part of the reverse of what follows the loop that gives the loop's adjoints"), vjp);
    }
    GradCheck.of(c, "demo.F", "terms").atRandomPoints(5, r -> new Object[] {
        matrix(r, 1 + r.nextInt(4), 3, -1, 1), vector(r, 2 + r.nextInt(2), -1, 1), vector(r, 1 + r.nextInt(4), -1, 1),
        GradCheck.uniform(r, -1, 1)});
    GradCheck.of(c, "demo.F", "scaledTwice").atRandomPoints(5, r -> new Object[] {
        matrix(r, 1 + r.nextInt(4), 2, -1, 1), vector(r, 2, -1, 1)});
  }

  @Test
  void nearMissesKeepTheSeparateSweeps() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", wrap(LSE + """
        @Differentiable static double seedNeedsALaterValue(double[][] a, double[] y) {
          double s = 0;
          for (int i = 0; i < a.length; i++) {
            s += a[i][0] * a[i][1];
          }
          double q = lse(y);
          return s * q;
        }
        @Differentiable static double seedNeedsTheSum(double[][] a, double[] y) {
          double s = 0;
          for (int i = 0; i < a.length; i++) {
            s += a[i][0] * a[i][0];
          }
          double t = lse(y);
          return Math.sqrt(s + 1) + t;
        }
        """));
    String generated = c.generatedSource("demo.FGrad");
    for (String m : new String[] {"seedNeedsALaterValue", "seedNeedsTheSum"}) {
      String vjp = member(generated, m + "Vjp");
      assertFalse(vjp.contains(FUSED), vjp);
    }
    GradCheck.of(c, "demo.F", "seedNeedsALaterValue").atRandomPoints(5, r -> new Object[] {
        matrix(r, 1 + r.nextInt(4), 2, -1, 1), vector(r, 1 + r.nextInt(4), -1, 1)});
    GradCheck.of(c, "demo.F", "seedNeedsTheSum").atRandomPoints(5, r -> new Object[] {
        matrix(r, 1 + r.nextInt(4), 2, -1, 1), vector(r, 1 + r.nextInt(4), -1, 1)});
  }
}
