package dev.adjoint;

import static dev.adjoint.Numeric.assertValues;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.adjoint.runtime.Backward;
import org.junit.jupiter.api.Test;

/** The seed article's examples 1 to 7 (seed/README.md), written with {@link Tensor} as in the article. */
class SeedExamplesTest {

  /** {@code k = [m0^2 + 3 m1, m1^2 + 2 m0]} as a [1, 2] tensor, like the article's {@code k[0, i] = ...}. */
  private static Tensor k(Tensor m) {
    Tensor m0 = m.index(0, 0);
    Tensor m1 = m.index(0, 1);
    Tensor k0 = m0.pow(2).add(m1.mul(3));
    Tensor k1 = m1.pow(2).add(m0.mul(2));
    return Tensor.stack(0, k0, k1).reshape(1, 2);
  }

  @Test
  void example1SimpleGradient() {
    Tensor a = Tensor.of(2, 3).requiresGrad();
    Tensor b = a.add(3);
    Tensor c = b.mul(b).mul(3);
    Tensor out = c.mean();
    out.backward();
    assertEquals(91.5, out.item());
    assertValues(new double[] {15, 18}, a.grad());
  }

  @Test
  void example2ImplicitUpstreamOnNonScalarIsAnError() {
    Tensor x = Tensor.ones(2, 2).requiresGrad();
    Tensor y = x.add(1);
    IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
    assertEquals(true, e.getMessage().contains("grad can be implicitly created only for scalar outputs"));
  }

  private static Tensor n(Tensor m) {
    return Tensor.stack(0, m.index(0, 0).pow(2), m.index(0, 1).pow(3)).reshape(1, 2);
  }

  @Test
  void example3UpstreamMultipliesTheJacobian() {
    Tensor m = Tensor.of(new double[][] {{2, 3}}).requiresGrad();
    n(m).backward(m.detach());
    assertValues(new double[] {8, 81}, m.grad());
    assertArrayEquals(new int[] {1, 2}, m.grad().shape());
  }

  @Test
  void example3bOnesUpstreamGivesTheDerivatives() {
    Tensor m = Tensor.of(new double[][] {{2, 3}}).requiresGrad();
    n(m).backward(Tensor.of(new double[][] {{1, 1}}));
    assertValues(new double[] {4, 27}, m.grad());
  }

  @Test
  void example4SumOfJacobianRows() {
    Tensor m = Tensor.of(new double[][] {{2, 3}}).requiresGrad();
    k(m).backward(Tensor.of(new double[][] {{1, 1}}));
    assertValues(new double[] {6, 9}, m.grad());
  }

  @Test
  void example4bUpstreamOfAnotherShape() {
    Tensor m = Tensor.of(new double[][] {{2, 3}}).requiresGrad();
    Tensor k = k(m);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> k.backward(Tensor.of(1, 1, 1)));
    assertEquals(Backward.mismatch(new int[] {3}, new int[] {1, 2}).getMessage(), e.getMessage());
    assertEquals(true, e.getMessage().contains("upstream has shape [3] but the output has shape [1, 2]"));
  }

  @Test
  void example5JacobianByOneHotUpstreamsAndExample5bFreedGraph() {
    Tensor m = Tensor.of(new double[][] {{2, 3}}).requiresGrad();
    Tensor j = Tensor.zeros(2, 2);
    Tensor k = k(m);
    k.backward(Tensor.of(new double[][] {{1, 0}}), true);
    double[] column0 = m.grad().toArray();
    m.zeroGrad();
    k.backward(Tensor.of(new double[][] {{0, 1}}));
    double[] column1 = m.grad().toArray();
    assertArrayEquals(new double[] {4, 3}, column0);
    assertArrayEquals(new double[] {2, 6}, column1);
    // the article stores them as j[:, i]
    double[][] article = {{column0[0], column1[0]}, {column0[1], column1[1]}};
    assertEquals(Tensor.of(new double[][] {{4, 2}, {3, 6}}), Tensor.of(article));
    assertEquals(Tensor.of(new double[][] {{4, 2}, {3, 6}}), Autograd.jacobian(SeedExamplesTest::k, m).t());
    assertEquals(j, Tensor.zeros(2, 2));

    // 5b: a third pass through the freed graph
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> k.backward(Tensor.of(new double[][] {{1, 1}})));
    assertEquals(Backward.FREED_GRAPH, e.getMessage());
    assertEquals(true, e.getMessage().startsWith("Trying to backward through the graph a second time"));
  }

  @Test
  void example6MatrixProductJacobian() {
    Tensor x = Tensor.of(2, 1).view(1, 2).requiresGrad();
    Tensor y = Tensor.of(new double[][] {{1, 2}, {3, 4}});
    Tensor z = x.matmul(y);
    assertEquals(Tensor.of(new double[][] {{5, 8}}), z);
    z.backward(Tensor.of(new double[][] {{1, 0}}), true);
    double[] column0 = x.grad().toArray();
    x.zeroGrad();
    z.backward(Tensor.of(new double[][] {{0, 1}}));
    double[] column1 = x.grad().toArray();
    Tensor jacobian = Tensor.of(new double[][] {{column0[0], column1[0]}, {column0[1], column1[1]}});
    assertEquals(Tensor.of(new double[][] {{1, 2}, {3, 4}}), jacobian);
    assertEquals(jacobian, Autograd.jacobian(t -> t.matmul(y), x).t());
  }

  @Test
  void example7GradientsAccumulate() {
    Tensor w = Tensor.of(2, 3).requiresGrad();
    for (int i = 0; i < 3; i++) {
      w.mul(w).sum().backward();
    }
    assertValues(new double[] {12, 18}, w.grad());
  }
}
