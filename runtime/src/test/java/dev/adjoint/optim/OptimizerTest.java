package dev.adjoint.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.adjoint.Tensor;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Each optimizer on the quadratic {@code f(p) = Σ c·p²} (gradient {@code 2c·p}) against update sequences
 * derived by hand from PyTorch's documented algorithms (the {@code torch.optim} pseudocode), never from the
 * classes under test. Two coordinates with different curvature {@code c = (1, 3)} start at {@code (1, -2)}.
 * Where a step is not exact by hand, the literal is the pseudocode evaluated on its own in double precision
 * (a scalar loop in Python, outside this project); the comments give the hand derivation to about 8 digits.
 */
class OptimizerTest {
  private static final double[] C = {1, 3};
  private static final double[] P0 = {1, -2};

  private static Tensor loss(Tensor p) {
    return p.square().mul(Tensor.of(C)).sum();
  }

  /** Runs {@code steps} steps of the optimizer made by {@code make}; returns p after each step. */
  private static double[][] run(Function<List<Tensor>, Optimizer> make, int steps) {
    Tensor p = Tensor.of(P0).requiresGrad();
    Optimizer opt = make.apply(List.of(p));
    double[][] out = new double[steps][];
    for (int s = 0; s < steps; s++) {
      opt.zeroGrad();
      loss(p).backward();
      opt.step();
      out[s] = p.toArray();
    }
    return out;
  }

  private static void assertSteps(double[][] expected, double[][] actual, double tol) {
    for (int s = 0; s < expected.length; s++) {
      assertArrayEquals(expected[s], actual[s], tol, "step " + (s + 1));
    }
  }

  @Test
  void sgdPlain() {
    // g = 2c·p: p1 = (1 - 0.1·2, -2 - 0.1·(-12)) = (0.8, -0.8); p2 = (0.8 - 0.16, -0.8 + 0.48) = (0.64, -0.32)
    assertSteps(new double[][] {{0.8, -0.8}, {0.64, -0.32}}, run(ps -> new SGD(ps, 0.1), 2), 1e-15);
  }

  @Test
  void sgdMomentum() {
    // coordinate 0 (c = 1): g1 = 2, b1 = 2, p1 = 0.8; g2 = 1.6, b2 = 0.9·2 + 1.6 = 3.4, p2 = 0.8 - 0.34 = 0.46;
    // g3 = 0.92, b3 = 0.9·3.4 + 0.92 = 3.98, p3 = 0.46 - 0.398 = 0.062.
    // coordinate 1 (c = 3): g1 = -12, b1 = -12, p1 = -0.8; g2 = -4.8, b2 = -10.8 - 4.8 = -15.6, p2 = 0.76;
    // g3 = 4.56, b3 = -14.04 + 4.56 = -9.48, p3 = 0.76 + 0.948 = 1.708.
    assertSteps(new double[][] {{0.8, -0.8}, {0.46, 0.76}, {0.062, 1.708}}, run(ps -> new SGD(ps, 0.1, 0.9), 3),
        1e-14);
  }

  @Test
  void sgdDampeningNesterovWeightDecay() {
    // dampening 0.5 (coordinate 0): b1 = g1 = 2 (no dampening on the first step), p1 = 0.8;
    // g2 = 1.6, b2 = 1.8 + 0.5·1.6 = 2.6, p2 = 0.8 - 0.26 = 0.54
    double[][] damp = run(ps -> new SGD(ps, 0.1, 0.9, 0.5, 0, false), 2);
    assertEquals(0.8, damp[0][0], 1e-15);
    assertEquals(0.54, damp[1][0], 1e-15);
    // Nesterov (coordinate 0): g1 = 2, b1 = 2, step 2 + 0.9·2 = 3.8, p1 = 0.62;
    // g2 = 1.24, b2 = 1.8 + 1.24 = 3.04, step 1.24 + 2.736 = 3.976, p2 = 0.2224
    double[][] nesterov = run(ps -> new SGD(ps, 0.1, 0.9, 0, 0, true), 2);
    assertEquals(0.62, nesterov[0][0], 1e-15);
    assertEquals(0.2224, nesterov[1][0], 1e-15);
    // weight decay 0.1 (coordinate 0): g = 2p + 0.1p = 2.1p, p1 = 0.79, p2 = 0.79² = 0.6241
    double[][] decay = run(ps -> new SGD(ps, 0.1, 0, 0, 0.1, false), 2);
    assertEquals(0.79, decay[0][0], 1e-15);
    assertEquals(0.6241, decay[1][0], 1e-15);
    assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(Tensor.of(1).requiresGrad()), 0.1, 0, 0, 0,
        true));
    assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(Tensor.of(1).requiresGrad()), -1));
  }

  @Test
  void adam() {
    // Step 1 with lr = 0.1: m = 0.1·g, v = 0.001·g², m̂ = g, v̂ = g², so p1 = p0 - 0.1·g/(|g| + 1e-8):
    // coordinate 0: 1 - 0.1·2/(2 + 1e-8); coordinate 1: -2 + 0.1·12/(12 + 1e-8).
    // Step 2, coordinate 0: p1 = 0.9 + 5e-10 ≈ 0.9, g2 = 1.8 (taking p1 = 0.9 changes p2 by < 1e-9):
    // m = 0.9·0.2 + 0.1·1.8 = 0.36, v = 0.999·0.004 + 0.001·3.24 = 0.007236,
    // m̂ = 0.36/0.19 = 1.894736842, v̂ = 0.007236/0.001999 = 3.619809905, √v̂ = 1.902579800,
    // p2 = 0.9 - 0.1·1.894736842/1.902579800 = 0.9 - 0.09958777 = 0.80041223.
    double[][] adam = run(ps -> new Adam(ps, 0.1), 2);
    assertEquals(1 - 0.1 * 2 / (2 + 1e-8), adam[0][0], 1e-15);
    assertEquals(-2 + 0.1 * 12 / (12 + 1e-8), adam[0][1], 1e-15);
    assertEquals(0.8004122286917928, adam[1][0], 1e-13);
    assertEquals(-1.8001664857787731, adam[1][1], 1e-13);
    // Defaults: lr = 1e-3, so the first step moves each coordinate by 1e-3 against the gradient's sign.
    double[][] defaults = run(Adam::new, 1);
    assertEquals(1 - 1e-3, defaults[0][0], 1e-11);
    assertEquals(-2 + 1e-3, defaults[0][1], 1e-11);
    // Weight decay 0.5 adds 0.5·p to the gradient; the first step is still lr·sign(g): g = 2.5 at p = 1.
    double[][] decay = run(ps -> new Adam(ps, 0.1, 0.9, 0.999, 1e-8, 0.5), 1);
    assertEquals(0.9, decay[0][0], 1e-8);
  }

  @Test
  void adamW() {
    // p ← p·(1 - lr·λ) first, then Adam's step on the plain gradient: lr = 0.1, λ = 0.5:
    // coordinate 0: 1·0.95 - 0.1·2/(2 + 1e-8) = 0.85; coordinate 1: -2·0.95 + 0.1 = -1.8.
    double[][] w = run(ps -> new AdamW(ps, 0.1, 0.9, 0.999, 1e-8, 0.5), 1);
    assertArrayEquals(new double[] {0.85, -1.8}, w[0], 1e-8);
    // Default decay 1e-2 with lr 1e-3: 1·(1 - 1e-5) - 1e-3 = 0.99899.
    assertEquals(0.99899, run(AdamW::new, 1)[0][0], 1e-11);
  }

  @Test
  void rmsprop() {
    // lr = 0.01, α = 0.99: s1 = 0.01·g², step g/(√s1 + ε) = g/(0.1·|g| + 1e-8) ≈ ±10, so p1 ≈ p0 ∓ 0.1:
    // coordinate 0: 1 - 0.01·2/(0.2 + 1e-8); coordinate 1: -2 + 0.01·12/(1.2 + 1e-8).
    // Step 2, coordinate 0: g2 = 1.8, s2 = 0.99·0.04 + 0.01·3.24 = 0.072, √s2 = 0.268328157,
    // p2 = 0.9 - 0.01·1.8/0.268328157 = 0.9 - 0.067082039 = 0.832917961.
    double[][] r = run(RMSprop::new, 2);
    assertArrayEquals(new double[] {1 - 0.01 * 2 / (0.2 + 1e-8), -2 + 0.01 * 12 / (1.2 + 1e-8)}, r[0], 1e-15);
    assertEquals(0.8329179679700331, r[1][0], 1e-13);
    assertEquals(-1.8309433266382498, r[1][1], 1e-13);
    // centered: ḡ1 = 0.01·g, a = √(0.01·g² - 0.0001·g²) + ε = 2·√0.0099 + ε, p1 = 1 - 0.01·2/(2·√0.0099 + ε)
    double[][] centered = run(ps -> new RMSprop(ps, 0.01, 0.99, 1e-8, 0, 0, true), 1);
    assertEquals(0.8994962235245836, centered[0][0], 1e-13);
    // momentum 0.5: b1 = 10, p1 = 0.9; g2 = 1.8, b2 = 5 + 1.8/0.268328157 = 11.708203932, p2 = 0.782917961
    double[][] momentum = run(ps -> new RMSprop(ps, 0.01, 0.99, 1e-8, 0, 0.5, false), 2);
    assertEquals(0.9000000049999998, momentum[0][0], 1e-15);
    assertEquals(0.7829179704700331, momentum[1][0], 1e-13);
  }

  @Test
  void zeroGradAndRefusals() {
    Tensor p = Tensor.of(1, 2).requiresGrad();
    Tensor unused = Tensor.of(5).requiresGrad();
    SGD sgd = new SGD(List.of(p, unused), 0.5);
    p.square().sum().backward();
    sgd.step();
    assertArrayEquals(new double[] {0, 0}, p.toArray(), 0); // p - 0.5·2p
    assertArrayEquals(new double[] {5}, unused.toArray(), 0); // no gradient: skipped
    assertNull(unused.grad());
    sgd.zeroGrad();
    assertArrayEquals(new double[] {0, 0}, p.grad().toArray(), 0);
    Tensor nonLeaf = p.mul(2);
    assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(nonLeaf), 0.1));
    assertThrows(IllegalArgumentException.class, () -> new Adam(List.of(Tensor.of(1))));
    assertThrows(IllegalArgumentException.class, () -> new Adam(List.of()));
  }
}
