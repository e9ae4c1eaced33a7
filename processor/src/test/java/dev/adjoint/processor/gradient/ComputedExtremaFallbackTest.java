package dev.adjoint.processor.gradient;

import static dev.adjoint.processor.gradient.ConstructGradientTest.wrap;
import static dev.adjoint.processor.testing.CompiledCompanion.member;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fallback of {@code differentiate.ComputedExtrema}: a tie, a NaN or an infinity among the computed values, or
 * an infinite adjoint of the extremum, replays and reverses the whole inner loop (here per point, inside the fused
 * loop over points) instead of the one iteration that took over. Expected values worked out by hand below from the
 * documented rules (design.md: {@code min} of equal values splits the gradient evenly, as {@code torch.minimum};
 * {@code Partials.minFirst(a, b)} is 1 where {@code a < b}, 0.5 where equal, else 0, so 0 when either is NaN), not
 * by the code under test. Reversing only one iteration would give different values in each case (noted per case).
 */
class ComputedExtremaFallbackTest {
  /** kmeans as GradBench writes it (also {@link FusedNestedLoopsTest}'s). */
  static final String KMEANS = """
        @Differentiable static double kmeans(@dev.adjoint.NoGrad double[][] p, double[][] c) {
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
            cost += closest;
          }
          return cost;
        }
      """;

  private static final String SOURCE = wrap(KMEANS + """
        @Differentiable static double nearest(double[] p, double[][] c) {
          double closest = Double.POSITIVE_INFINITY;
          for (int j = 0; j < c.length; j++) {
            double dist = 0;
            for (int l = 0; l < p.length; l++) {
              double diff = p[l] - c[j][l];
              dist += diff * diff;
            }
            closest = Math.min(closest, dist);
          }
          return closest;
        }
      """);

  private static final CompiledCompanion C = CompiledCompanion.compile("demo.F", SOURCE);

  /** The centroids' adjoint of {@code kmeansVjp(p, c, upstream)}. */
  private static double[][] kmeansAdjoint(double[][] p, double[][] c, double upstream) {
    Object record = C.callStatic("demo.FGrad", "kmeansVjp", p, c, upstream);
    return (double[][]) CompiledCompanion.components(record).get("c");
  }

  /** Element by element, NaN equal to NaN, 0.0 to -0.0. */
  private static void assertMatrix(double[][] expected, double[][] actual) {
    assertEquals(expected.length, actual.length);
    for (int j = 0; j < expected.length; j++) {
      assertEquals(expected[j].length, actual[j].length);
      for (int l = 0; l < expected[j].length; l++) {
        assertEquals(expected[j][l], actual[j][l], 1e-12, "[" + j + "][" + l + "] of " + GradCheck.deepString(actual));
      }
    }
  }

  @Test
  void theLoopOverPointsIsFusedAroundTheOneIterationReverse() {
    String vjp = member(C.generatedSource("demo.FGrad"), "kmeansVjp");
    assertTrue(vjp.contains("of a computed value") && vjp.contains("each iteration's reverse right after it"), vjp);
    assertTrue(member(C.generatedSource("demo.FGrad"), "nearestVjp").contains("of a computed value"));
  }

  @Test
  void aTieSplitsTheGradientBetweenTheTiedCentroidsOnlyForThatPoint() {
    // Point (3, 0): dist to c0 = (1, 0) is 4, to c1 = (-1, 0) is 16; c0 takes over, no tie: d cost / d c0 =
    // 2 (c0 - p) = (-4, 0). Point (0, 0): both distances are 1; closest = min(min(inf, 1), 1), a tie at the second
    // min: 0.5 goes to the first argument (c0's distance through min(inf, 1), partial 1) and 0.5 to c1's distance.
    // d dist / d c0 = 2 (c0 - p) = (2, 0), d dist / d c1 = (-2, 0). Sum: c0: (-4 + 1, 0), c1: (-1, 0).
    // (Reversing only the iteration that took over, c0's, would give c0: (-2, 0), c1: (0, 0).)
    double[][] p = {{3, 0}, {0, 0}};
    double[][] c = {{1, 0}, {-1, 0}};
    assertMatrix(new double[][] {{-3, 0}, {-1, 0}}, kmeansAdjoint(p, c, 1.0));
    // the tied point first: the other point's iteration is reversed alone, after the replay
    assertMatrix(new double[][] {{-3, 0}, {-1, 0}}, kmeansAdjoint(new double[][] {{0, 0}, {3, 0}}, c, 1.0));
    assertEquals(5.0, (double) C.callStatic("demo.FGrad", "kmeans", p, c), 0.0);
    // at the top (not inside another loop) too, with the point's adjoint: 0.5 (2 (p - c0)) + 0.5 (2 (p - c1)) =
    // 0.5 (-2, 0) + 0.5 (2, 0) = (0, 0); the centroids' as above: c0: (1, 0), c1: (-1, 0).
    Map<String, Object> g = CompiledCompanion.components(C.callStatic("demo.FGrad", "nearestVjp",
        new double[] {0, 0}, c, 1.0));
    assertEquals(0.0, ((double[]) g.get("p"))[0], 1e-12);
    assertEquals(0.0, ((double[]) g.get("p"))[1], 1e-12);
    assertMatrix(new double[][] {{1, 0}, {-1, 0}}, (double[][]) g.get("c"));
  }

  @Test
  void aNaNDistancePropagatesIntoTheComponentsItCameFrom() {
    // Point (NaN, 0): both distances are NaN, closest = min(min(inf, NaN), NaN) = NaN and no centroid takes over
    // (NaN < x is false). Both min partials of the distances are 0 (NaN compares unequal), so each distance's
    // adjoint is 0, and each component's adjoint is -(0 * 2 diff): diff = NaN - c[j][0] gives NaN in component 0,
    // diff = 0 - 0 gives 0 in component 1. The point (3, 0) adds (-4, 0) to c0 as above: -4 + NaN is NaN.
    // (Reversing only a taking-over iteration would give no NaN: nothing took over for the NaN point.)
    double[][] c = {{1, 0}, {-1, 0}};
    assertMatrix(new double[][] {{Double.NaN, 0}, {Double.NaN, 0}},
        kmeansAdjoint(new double[][] {{Double.NaN, 0}}, c, 1.0));
    assertMatrix(new double[][] {{Double.NaN, 0}, {Double.NaN, 0}},
        kmeansAdjoint(new double[][] {{3, 0}, {Double.NaN, 0}}, c, 1.0));
    assertTrue(Double.isNaN((double) C.callStatic("demo.FGrad", "kmeans", new double[][] {{Double.NaN, 0}}, c)));
  }

  @Test
  void infiniteDistancesTieAndSplitAsTheWholeLoopSays() {
    // Point (1e200, 0): diff^2 overflows, both distances are +inf. min(inf, inf) for c0 is a tie: 0.5 to the start,
    // 0.5 to c0's distance; then min(inf, inf) for c1 is a tie: 0.5 to the running minimum, 0.5 to c1's distance.
    // So c0's distance gets 0.5 * 0.5 = 0.25, c1's 0.5. d dist / d c[j][0] = -2 (1e200 - c[j][0]) = -2e200 (the 1
    // is lost in rounding); component 1: diff = 0, adjoint -0. c0: (0.25 * -2e200, 0) = (-1e200 / 2, 0), c1: (-1e200, 0).
    // (The take-over test fails for inf < inf: no iteration would be reversed alone, all zeros.)
    double[][] c = {{1, 0}, {-1, 0}};
    assertMatrix(new double[][] {{-1e200 / 2, 0}, {-1e200, 0}}, kmeansAdjoint(new double[][] {{1e200, 0}}, c, 1.0));
  }

  @Test
  void anInfiniteUpstreamReversesTheWholeLoop() {
    // Point (3, 0), upstream +inf: closest = min(min(inf, 4), 16) = 4. Second min: partials (1, 0), so the running
    // minimum gets inf * 1 = inf and c1's distance inf * 0 = NaN: c1's components -(NaN * 2 diff) = (NaN, NaN).
    // First min(inf, 4): partial 1 for c0's distance: inf; component 0: diff = 3 - 1 = 2, -(inf * 4) = -inf;
    // component 1: diff = 0, -(inf * 0) = NaN. c0: (-inf, NaN), c1: (NaN, NaN).
    // (Reversing only c0's iteration would leave c1 at (0, 0).)
    double[][] c = {{1, 0}, {-1, 0}};
    double inf = Double.POSITIVE_INFINITY;
    assertMatrix(new double[][] {{-inf, Double.NaN}, {Double.NaN, Double.NaN}},
        kmeansAdjoint(new double[][] {{3, 0}}, c, inf));
    // a finite upstream at the same point: only c0's iteration, 2 (c0 - p) = (-4, 0) times 3
    assertMatrix(new double[][] {{-12, 0}, {0, 0}}, kmeansAdjoint(new double[][] {{3, 0}}, c, 3.0));
  }
}
