package dev.adjoint.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.Tensor;
import org.junit.jupiter.api.Test;

/** The seed's examples with tensors, through the generated graph nodes of {@link TensorSeed}. */
class TensorSeedTest {
  @Test
  void example1MeanOfSquares() {
    Tensor a = Tensor.of(2, 3).requiresGrad();
    Tensor out = TensorSeedGrad.meanOfSquares(a);
    assertNull(a.grad(), "grad() is null before the first backward");
    out.backward();
    assertEquals(91.5, out.item());
    assertArrayEquals(new double[] {15, 18}, a.grad().toArray());
  }

  @Test
  void hessianThroughTheGeneratedNode() {
    // mean(3 (a + 3)^2) over 2 elements: the Hessian is diag(6 / 2).
    Tensor h = dev.adjoint.Autograd.hessian(TensorSeedGrad::meanOfSquares, Tensor.of(2, 3));
    assertArrayEquals(new double[] {3, 0, 0, 3}, h.toArray(), 1e-12);
  }

  @Test
  void example4UpstreamOfOnesSumsTheJacobianRows() {
    Tensor m = Tensor.of(new double[][] {{2, 3}}).requiresGrad();
    TensorSeedGrad.mixed(m, mix()).backward(Tensor.of(new double[][] {{1, 1}}));
    assertArrayEquals(new double[] {6, 9}, m.grad().toArray());
  }

  @Test
  void example4bUpstreamOfTheWrongShape() {
    Tensor m = Tensor.of(new double[][] {{2, 3}}).requiresGrad();
    Tensor k = TensorSeedGrad.mixed(m, mix());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> k.backward(Tensor.of(1, 1, 1)));
    assertTrue(e.getMessage().contains("upstream has shape [3] but the output has shape [1, 2]"), e.getMessage());
  }

  @Test
  void example5And5bJacobianWithRetainedGraphThenFreed() {
    Tensor m = Tensor.of(new double[][] {{2, 3}}).requiresGrad();
    Tensor k = TensorSeedGrad.mixed(m, mix());
    k.backward(Tensor.of(new double[][] {{1, 0}}), true);
    assertArrayEquals(new double[] {4, 3}, m.grad().toArray());
    m.zeroGrad();
    k.backward(Tensor.of(new double[][] {{0, 1}}));
    assertArrayEquals(new double[] {2, 6}, m.grad().toArray());
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> k.backward(Tensor.of(new double[][] {{1, 1}})));
    assertTrue(e.getMessage().startsWith("Trying to backward through the graph a second time"), e.getMessage());
  }

  @Test
  void example6MatrixProductJacobian() {
    Tensor x = Tensor.of(new double[][] {{2, 1}}).requiresGrad();
    Tensor z = TensorSeedGrad.product(x, Tensor.of(new double[][] {{1, 2}, {3, 4}}));
    assertArrayEquals(new double[] {5, 8}, z.toArray());
    z.backward(Tensor.of(new double[][] {{1, 0}}), true);
    assertArrayEquals(new double[] {1, 3}, x.grad().toArray());
    x.zeroGrad();
    z.backward(Tensor.of(new double[][] {{0, 1}}));
    assertArrayEquals(new double[] {2, 4}, x.grad().toArray());
  }

  @Test
  void example7GradientsAccumulate() {
    Tensor w = Tensor.of(2, 3).requiresGrad();
    for (int i = 0; i < 3; i++) {
      TensorSeedGrad.sumOfSquares(w).backward();
    }
    assertArrayEquals(new double[] {12, 18}, w.grad().toArray());
  }

  @Test
  void walkthroughChecksPass() {
    assertTrue(new TensorWalkthrough(new java.io.PrintStream(java.io.OutputStream.nullOutputStream())).run());
  }

  private static Tensor mix() {
    return Tensor.of(new double[][] {{0, 2}, {3, 0}});
  }
}
