package dev.adjoint.processor.gradient;

import static dev.adjoint.processor.testing.CompiledCompanion.member;

import static dev.adjoint.processor.gradient.ConstructGradientTest.wrap;
import static dev.adjoint.processor.testing.GradCheck.matrix;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import org.junit.jupiter.api.Test;

/**
 * {@code differentiate.FusedLoops} with nested loops in the fused body: a variable first met inside an inner loop
 * counts as iteration-local when each inner iteration writes it before reading it and nothing after the inner loop
 * reads it (kmeans' {@code dist} and {@code diff}), and the reverse may accumulate into a matrix's adjoint
 * ({@code _d_c[j][l] += ...}). A value carried across outer iterations keeps the separate sweeps; values carried
 * out of an inner loop or through its condition are gradient-checked too. All against central differences.
 */
class FusedNestedLoopsTest {
  private static final String FUSED = "each iteration's reverse right after it";

  @Test
  void innerLoopLocalsAndMatrixAdjointsFuse() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", wrap(ComputedExtremaFallbackTest.KMEANS + """
        @Differentiable static double both(double[][] p, double[][] c) {
          double s = 0;
          for (int i = 0; i < p.length; i++) {
            for (int j = 0; j < c.length; j++) {
              double t = Math.sin(p[i][j % p[i].length]) * c[j][i % c[j].length];
              s += t * t;
            }
          }
          return 2 * s;
        }
        """));
    String generated = c.generatedSource("demo.FGrad");
    // kmeans' running minimum of a computed distance is ComputedExtrema's (it reverses one centroid per point),
    // and the loop over points around it is fused (its replayed stretches leave the tapes as they found them)
    assertTrue(member(generated, "kmeansVjp").contains("of a computed value"), member(generated, "kmeansVjp"));
    assertTrue(member(generated, "kmeansVjp").contains(FUSED), member(generated, "kmeansVjp"));
    assertTrue(member(generated, "bothVjp").contains(FUSED), member(generated, "bothVjp"));
    GradCheck.of(c, "demo.F", "kmeans").atRandomPoints(4,
        r -> new Object[] {matrix(r, 1 + r.nextInt(5), 3, -1, 1), matrix(r, 1 + r.nextInt(4), 3, -1, 1)});
    GradCheck.of(c, "demo.F", "kmeans").at(new double[0][], matrix(new java.util.Random(1), 2, 2, -1, 1));
    GradCheck.of(c, "demo.F", "both").atRandomPoints(4,
        r -> new Object[] {matrix(r, 1 + r.nextInt(4), 3, -1, 1), matrix(r, 1 + r.nextInt(4), 2, -1, 1)});
  }

  @Test
  void valuesCarriedOutOfTheInnerLoopKeepTheSeparateSweeps() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", wrap("""
        @Differentiable static double readAfterInner(double[] x) {
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            double last = 0;
            for (int j = 0; j <= i; j++) {
              double t = x[j] * x[i];
              last = t;
            }
            s += Math.sin(t0(last));
          }
          return s;
        }
        static double t0(double v) {
          return v;
        }
        @Differentiable static double usedAfterInner(double[] x) {
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            double t = 0;
            for (int j = 0; j <= i; j++) {
              t = x[j] * x[i];
              s += t;
            }
            s += t * t;
          }
          return s;
        }
        @Differentiable static double carriedAcrossOuter(double[] x) {
          double s = 0;
          double q = 0;
          for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x.length; j++) {
              q = q * 0.5 + x[j] * x[i];
              s += q;
            }
          }
          return s;
        }
        @Differentiable static double carriedInsideInner(double[] x) {
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            double q = 0;
            for (int j = 0; j < x.length; j++) {
              double r = x[j] * x[i];
              s += r * q;
              q = r;
            }
          }
          return s;
        }
        @Differentiable static double inCondition(double[] x) {
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            int j = 0;
            int k = 0;
            while (k < 3) {
              k = j + 2;
              s += x[i] * k;
              j = j + 1;
            }
          }
          return s;
        }
        """));
    String generated = c.generatedSource("demo.FGrad");
    // q lives across the outer iterations: not fused. (Java's scoping makes a variable that is first met in an
    // inner loop local to that loop's body, so the others are iteration-local by their top-level declaration,
    // fused or not: they are gradient-checked either way.)
    assertFalse(member(generated, "carriedAcrossOuterVjp").contains(FUSED), member(generated, "carriedAcrossOuterVjp"));
    for (String m : new String[] {"readAfterInner", "usedAfterInner", "carriedAcrossOuter", "carriedInsideInner",
        "inCondition"}) {
      GradCheck.of(c, "demo.F", m).atRandomPoints(3, r -> new Object[] {vector(r, 1 + r.nextInt(4), -1, 1)});
    }
  }
}
