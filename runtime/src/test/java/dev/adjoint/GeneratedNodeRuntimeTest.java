package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.runtime.TensorAdjoints;
import org.junit.jupiter.api.Test;

/**
 * The runtime pieces behind generated tensor nodes: {@link Tensor#fromGeneratedPullback}'s version checks and
 * once-differentiable gradients, the adjoint kernels of {@code matmul} of every rank, and the matmul kernel's
 * IEEE behaviour.
 */
class GeneratedNodeRuntimeTest {
  /** {@code sum(x * w)} as a hand-written generated-style node over x, saving w. */
  private static Tensor node(Tensor x, Tensor w) {
    Tensor value = Tensor.noGrad(() -> x.mul(w).sum());
    Pullback pullback = g -> new Tensor[] {w.mul(g.item())};
    return Tensor.fromGeneratedPullback("MulSumBackward", "Demo.mulSum", value, pullback, new Tensor[] {x, w}, x);
  }

  @Test
  void savedTensorsAreVersionChecked() {
    Tensor x = Tensor.randn(new Generator().manualSeed(1), 3).requiresGrad();
    Tensor w = Tensor.randn(new Generator().manualSeed(2), 3);
    Tensor out = node(x, w);
    w.view(3).addInPlace(Tensor.ones(3));
    IllegalStateException e = assertThrows(IllegalStateException.class, out::backward);
    assertTrue(e.getMessage().contains("modified by an inplace operation") && e.getMessage().contains("MulSumBackward"),
        e.getMessage());
    assertNull(x.grad());
  }

  @Test
  void unchangedSavedTensorsGiveTheGradientAndTheNodeIsFreed() {
    Tensor x = Tensor.randn(new Generator().manualSeed(1), 3).requiresGrad();
    Tensor w = Tensor.randn(new Generator().manualSeed(2), 3);
    Tensor out = node(x, w);
    out.backward(null, false);
    assertEquals(w, x.grad());
    assertThrows(IllegalStateException.class, out::backward);
  }

  @Test
  void gradientsOfARecordedReversePassRefuseToBeDifferentiated() {
    Tensor x = Tensor.randn(new Generator().manualSeed(3), 3).requiresGrad();
    Tensor w = Tensor.randn(new Generator().manualSeed(4), 3);
    Tensor g = Autograd.grad(node(x, w), new Tensor[] {x}, null, false, true)[0];
    assertEquals(w, g);
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
        () -> Autograd.grad(g.sum(), new Tensor[] {x}, null, false, false));
    assertTrue(e.getMessage().contains("Demo.mulSum"), e.getMessage());
    assertThrows(UnsupportedOperationException.class, () -> Autograd.hessian(t -> node(t, w), x));
    // Without createGraph nothing is marked.
    Tensor plain = Autograd.grad(node(x, w), x)[0];
    assertTrue(!plain.isRequiresGrad());
  }

  /** {@code sum(x^3)} with an original to rerun; {@code original} may be replaced to test the checks. */
  private static Tensor twice(Tensor x, java.util.function.Function<Tensor[], Tensor> original) {
    Tensor value = Tensor.noGrad(() -> x.mul(x).mul(x).sum());
    Pullback pullback = g -> new Tensor[] {Tensor.noGrad(() -> x.square().mul(3 * g.item()))};
    return Tensor.fromGeneratedPullback("CubeBackward", "Demo.cube", value, pullback, new Tensor[] {x}, original, x);
  }

  @Test
  void aNodeWithItsOriginalIsDifferentiatedTwiceAndFreedLikeOthers() {
    Tensor x = Tensor.randn(new Generator().manualSeed(5), 3).requiresGrad();
    Tensor h = Autograd.hessian(t -> twice(t, in -> in[0].mul(in[0]).mul(in[0]).sum()), x);
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        assertEquals(i == j ? 6 * x.get(i) : 0.0, h.get(i, j), 1e-12);
      }
    }
    // A graph freed by a plain reverse pass refuses a recorded one as it refuses any other.
    Tensor out = twice(x, in -> in[0].mul(in[0]).mul(in[0]).sum());
    out.backward();
    assertThrows(IllegalStateException.class, () -> Autograd.grad(out, new Tensor[] {x}, null, false, true));
    // An original that computes something of another shape is an error, not a wrong gradient.
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Autograd.grad(
        twice(x, in -> in[0].mul(in[0])), new Tensor[] {x}, null, false, true));
    assertTrue(e.getMessage().contains("CubeBackward") && e.getMessage().contains("[3]"), e.getMessage());
  }

  @Test
  void matmulAdjointsOfEveryRankAgreeWithEagerAutograd() {
    int[][][] shapes = {
        {{2, 3, 4}, {4, 5}}, {{2, 3, 4}, {2, 4, 5}}, {{3, 4}, {2, 4, 5}}, {{1, 3, 4}, {2, 4, 5}},
        {{2, 3, 4}, {1, 4, 5}}, {{4}, {2, 4, 5}}, {{2, 3, 4}, {4}}, {{4}, {4, 5}}, {{3, 4}, {4}}, {{4}, {4}},
        {{3, 4}, {4, 5}}};
    long seed = 10;
    for (int[][] s : shapes) {
      Tensor a = Tensor.randn(new Generator().manualSeed(seed++), s[0]).requiresGrad();
      Tensor b = Tensor.randn(new Generator().manualSeed(seed++), s[1]).requiresGrad();
      Tensor out = a.matmul(b);
      Tensor g = Tensor.randn(new Generator().manualSeed(seed++), out.shape());
      out.backward(g);
      Tensor da = Tensor.noGrad(() -> TensorAdjoints.matmulFirst(g, a.detach(), b.detach()));
      Tensor db = Tensor.noGrad(() -> TensorAdjoints.matmulSecond(g, a.detach(), b.detach()));
      String what = java.util.Arrays.toString(s[0]) + " x " + java.util.Arrays.toString(s[1]);
      assertTrue(da.allClose(a.grad(), 1e-12, 1e-12), what + " dA " + da + " vs " + a.grad());
      assertTrue(db.allClose(b.grad(), 1e-12, 1e-12), what + " dB " + db + " vs " + b.grad());
    }
  }

  @Test
  void matmulPropagatesNaNFromZeroTimesInfinityAsIeee() {
    double inf = Double.POSITIVE_INFINITY;
    // [0 1] · [[inf, 1], [2, 3]]: 0·inf = NaN in column 0 (PyTorch gives nan too).
    Tensor r = Tensor.of(new double[][] {{0, 1}}).matmul(Tensor.of(new double[][] {{inf, 1}, {2, 3}}));
    assertTrue(Double.isNaN(r.get(0, 0)), r.toString());
    assertEquals(3.0, r.get(0, 1));
    Tensor n = Tensor.of(new double[][] {{0, 1}, {2, 0}}).matmul(Tensor.of(new double[][] {{Double.NaN, 1}, {2, 3}}));
    assertTrue(Double.isNaN(n.get(0, 0)) && Double.isNaN(n.get(1, 0)), n.toString());
    assertEquals(3.0, n.get(0, 1));
    assertEquals(2.0, n.get(1, 1));
    // Matrix-vector and batched products too.
    Tensor mv = Tensor.of(new double[][] {{0, 1}}).matmul(Tensor.of(inf, 1.0));
    assertTrue(Double.isNaN(mv.get(0)));
    Tensor batched = Tensor.zeros(2, 1, 2).matmul(Tensor.of(new double[][] {{1, inf}, {1, 1}}));
    assertTrue(Double.isNaN(batched.get(1, 0, 1)) && batched.get(1, 0, 0) == 0.0, batched.toString());
    // Zeros against finite rows still give exact zeros (the skipped work).
    Tensor exact = Tensor.of(new double[][] {{0, 0}, {1, 0}}).matmul(Tensor.of(new double[][] {{1, 2}, {3, 4}}));
    assertEquals(Tensor.of(new double[][] {{0, 0}, {1, 2}}), exact);
  }
}
