package dev.adjoint.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LbfgsMinimizerTest {
  /** Extended Rosenbrock: Σ_i 100 (x[2i+1] − x[2i]²)² + (1 − x[2i])²; its minimum is 0 at all ones. */
  static double rosenbrock(double[] x, double[] g) {
    Arrays.fill(g, 0);
    double f = 0;
    for (int i = 0; i + 1 < x.length; i += 2) {
      double a = x[i + 1] - x[i] * x[i];
      double b = 1 - x[i];
      f += 100 * a * a + b * b;
      g[i] += -400 * a * x[i] - 2 * b;
      g[i + 1] += 200 * a;
    }
    return f;
  }

  @Test
  void rosenbrockFromTheClassicStart() {
    LbfgsMinimizer.Result r = new LbfgsMinimizer(10, 200, 1e-10, 0).minimize(LbfgsMinimizerTest::rosenbrock, new double[] {-1.2, 1});
    assertEquals(LbfgsMinimizer.Stop.GRADIENT, r.stop(), r.toString());
    assertArrayEquals(new double[] {1, 1}, r.x(), 1e-8);
    assertTrue(r.value() < 1e-16, "f = " + r.value());
    assertTrue(r.iterations() < 60, "iterations " + r.iterations());
  }

  @Test
  void extendedRosenbrockInTwentyDimensions() {
    double[] x0 = new double[20];
    for (int i = 0; i < x0.length; i += 2) {
      x0[i] = -1.2;
      x0[i + 1] = 1;
    }
    LbfgsMinimizer.Result r = new LbfgsMinimizer(5, 500, 1e-9, 0).minimize(LbfgsMinimizerTest::rosenbrock, x0);
    double[] ones = new double[20];
    Arrays.fill(ones, 1);
    assertArrayEquals(ones, r.x(), 1e-7);
  }

  @Test
  void illConditionedQuadratic() {
    // f = ½ Σ a_i (x_i − c_i)², condition number 1e4; the minimizer is c.
    double[] a = {1e-2, 0.1, 1, 3, 10, 30, 100};
    double[] c = {1, -2, 3, -4, 5, -6, 7};
    LbfgsMinimizer.Objective f = (x, g) -> {
      double v = 0;
      for (int i = 0; i < x.length; i++) {
        v += 0.5 * a[i] * (x[i] - c[i]) * (x[i] - c[i]);
        g[i] = a[i] * (x[i] - c[i]);
      }
      return v;
    };
    double[] x0 = new double[7];
    LbfgsMinimizer.Result r = new LbfgsMinimizer(10, 200, 1e-12, 0).minimize(f, x0);
    assertEquals(LbfgsMinimizer.Stop.GRADIENT, r.stop(), r.toString());
    assertArrayEquals(c, r.x(), 1e-9);
    assertArrayEquals(new double[7], x0, 0, "the starting point is not modified");
  }

  @Test
  void monitorSeesEveryIterationAndValuesDecrease() {
    List<Double> values = new ArrayList<>();
    LbfgsMinimizer.Result r = new LbfgsMinimizer(10, 15, 0, 0)
        .minimize(LbfgsMinimizerTest::rosenbrock, new double[] {-1.2, 1}, (k, v, gn, e) -> {
          assertEquals(values.size() + 1, k);
          values.add(v);
        });
    assertEquals(LbfgsMinimizer.Stop.MAX_ITERATIONS, r.stop());
    assertEquals(15, values.size());
    double previous = 24.2; // f(-1.2, 1)
    for (double v : values) {
      assertTrue(v < previous, values.toString());
      previous = v;
    }
    assertEquals(values.get(14), r.value());
  }

  @Test
  void valueToleranceStops() {
    LbfgsMinimizer.Result r = new LbfgsMinimizer(10, 1000, 0, 1e-3).minimize(LbfgsMinimizerTest::rosenbrock, new double[] {-1.2, 1});
    assertEquals(LbfgsMinimizer.Stop.VALUE, r.stop());
  }

  @Test
  void zeroIterationsReturnsTheStart() {
    LbfgsMinimizer.Result r = new LbfgsMinimizer(10, 0, 0, 0).minimize(LbfgsMinimizerTest::rosenbrock, new double[] {-1.2, 1});
    assertArrayEquals(new double[] {-1.2, 1}, r.x(), 0);
    assertEquals(24.2, r.value(), 1e-12);
    assertEquals(1, r.evaluations());
  }

  @Test
  void nonFiniteStartIsAnError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new LbfgsMinimizer(10, 10, 0, 0).minimize(LbfgsMinimizerTest::rosenbrock, new double[] {Double.NaN, 1}));
    assertTrue(e.getMessage().contains("not finite at the starting point"), e.getMessage());
  }

  @Test
  void nonFiniteValuesDuringTheLineSearchShortenTheStep() {
    // −log(1 − x) − 2x: minimum at x = 1/2, undefined (NaN or infinite) for x ≥ 1. From −1000 the slope is
    // about −2 all the way, so the line search doubles its step past x = 1 and must back off.
    int[] nonFinite = {0};
    LbfgsMinimizer.Objective f = (x, g) -> {
      double v = -Math.log(1 - x[0]) - 2 * x[0];
      g[0] = 1 / (1 - x[0]) - 2;
      if (!Double.isFinite(v)) {
        nonFinite[0]++;
      }
      return v;
    };
    LbfgsMinimizer.Result r = new LbfgsMinimizer(10, 100, 1e-12, 0).minimize(f, new double[] {-1000});
    assertEquals(0.5, r.x()[0], 1e-12);
    assertTrue(nonFinite[0] > 0, "the test must reach the undefined region");
  }

  @Test
  void badSettingsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new LbfgsMinimizer(0, 10, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new LbfgsMinimizer(5, -1, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new LbfgsMinimizer(5, 10, Double.NaN, 0));
  }
}
