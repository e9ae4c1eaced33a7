package dev.adjoint.processor.gradient;

import static dev.adjoint.processor.testing.CompiledCompanion.member;
import static dev.adjoint.processor.testing.GradCheck.matrix;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import org.junit.jupiter.api.Test;

/**
 * {@code differentiate.ComputedExtrema}: a loop {@code e = 0; ... e += x*y; a = Math.min(a, e)} (k-means' nearest
 * centroid, inside another loop or at the top) records only the iteration that last took over and reverses it
 * alone. Gradient-checked against central differences; near misses (a square root in {@code S}, {@code e} read
 * after the loop, a product of three values, a product outside the accumulation) keep the store-all loop and are
 * checked too.
 */
class ComputedExtremaTest {
  private static final String MARK = "of a computed value";

  private static final String SOURCE = """
      package demo;
      import dev.adjoint.Differentiable;
      import dev.adjoint.NoGrad;
      final class F {
        @Differentiable static double kmeans(@NoGrad double[][] p, double[][] c) {
          double cost = 0;
          for (int i = 0; i < p.length; i++) {
            double closest = Double.POSITIVE_INFINITY;
            for (int j = 0; j < c.length; j++) {
              double dist = 0;
              for (int l = 0; l < p[i].length; l++) {
                double diff = p[i][l] - c[j][l];
                dist += diff * diff;
              }
              closest = Math.min(closest, dist);
            }
            cost += closest * closest;
          }
          return cost;
        }
        @Differentiable static double bestDot(double[][] rows, double[] w) {
          double best = -10;
          for (int j = 0; j < rows.length; j++) {
            double dot = 0;
            for (int l = 0; l < w.length; l++) {
              double v = 2 * rows[j][l] - w[l];
              dot += v * w[l] - rows[j][l];
            }
            best = Math.max(best, dot);
          }
          return best * best + w[0];
        }
        // near misses
        @Differentiable static double sqrtDist(double[][] p, double[][] c) {
          double cost = 0;
          for (int i = 0; i < p.length; i++) {
            double closest = Double.POSITIVE_INFINITY;
            for (int j = 0; j < c.length; j++) {
              double dist = 0;
              for (int l = 0; l < p[i].length; l++) {
                double diff = p[i][l] - c[j][l];
                dist += diff * diff;
              }
              dist = Math.sqrt(dist + 1);
              closest = Math.min(closest, dist);
            }
            cost += closest;
          }
          return cost;
        }
        @Differentiable static double readAfter(double[][] rows, double[] w) {
          double best = -1e9;
          double dot = 0;
          for (int j = 0; j < rows.length; j++) {
            dot = 0;
            for (int l = 0; l < w.length; l++) {
              dot += rows[j][l] * w[l];
            }
            best = Math.max(best, dot);
          }
          return best + dot;
        }
        @Differentiable static double threeFactors(double[][] rows, double[] w) {
          double best = -1e9;
          for (int j = 0; j < rows.length; j++) {
            double dot = 0;
            for (int l = 0; l < w.length; l++) {
              dot += rows[j][l] * w[l] * w[l];
            }
            best = Math.max(best, dot);
          }
          return best;
        }
        @Differentiable static double productOutside(double[][] rows, double[] w) {
          double best = -1e9;
          for (int j = 0; j < rows.length; j++) {
            double dot = 0;
            for (int l = 0; l < w.length; l++) {
              double v = rows[j][l] * w[l];
              dot += v;
            }
            best = Math.max(best, dot);
          }
          return best;
        }
      }
      """;

  @Test
  void runningExtremaOfComputedValuesReverseOneIterationAndMatchCentralDifferences() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", SOURCE);
    String generated = c.generatedSource("demo.FGrad");
    for (String m : new String[] {"kmeansVjp", "bestDotVjp", "kmeans\\$augment"}) {
      assertTrue(member(generated, m).contains(MARK), member(generated, m));
    }
    // the point loop around it is fused: each point's reverse right after its forward
    assertTrue(member(generated, "kmeansVjp").contains("each iteration's reverse right after it"),
        member(generated, "kmeansVjp"));
    for (String m : new String[] {"sqrtDistVjp", "readAfterVjp", "threeFactorsVjp", "productOutsideVjp"}) {
      assertFalse(member(generated, m).contains(MARK), member(generated, m));
    }
    GradCheck.of(c, "demo.F", "kmeans").atRandomPoints(4, r -> new Object[] {matrix(r, 6, 3, -2, 2),
        matrix(r, 4, 3, -2, 2)});
    for (String m : new String[] {"bestDot", "readAfter", "threeFactors", "productOutside"}) {
      GradCheck.of(c, "demo.F", m).atRandomPoints(4, r -> new Object[] {matrix(r, 5, 3, -2, 2),
          vector(r, 3, -2, 2)});
    }
    GradCheck.of(c, "demo.F", "sqrtDist").atRandomPoints(3, r -> new Object[] {matrix(r, 5, 3, -2, 2),
        matrix(r, 3, 3, -2, 2)});
    // no row beats the start: nothing takes over, the adjoint stays with the start (a constant)
    GradCheck.of(c, "demo.F", "bestDot").at(new double[0][], new double[] {0.5, 1});
  }
}
