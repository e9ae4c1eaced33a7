package dev.adjoint;

import static dev.adjoint.Numeric.assertValues;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Creation, read-out, forward values against closed forms, PyTorch's conventions at kinks, equality. */
class ValuesTest {

  @Test
  void creationAndReadOut() {
    Tensor s = Tensor.of(2.5);
    assertEquals(0, s.dim());
    assertEquals(1, s.numel());
    assertEquals(2.5, s.item());
    assertEquals(2.5, s.get());
    Tensor m = Tensor.of(new double[][] {{1, 2, 3}, {4, 5, 6}});
    assertArrayEquals(new int[] {2, 3}, m.shape());
    assertEquals(6.0, m.get(1, 2));
    assertEquals(4.0, m.get(-1, 0));
    assertEquals(3, m.size(-1));
    assertArrayEquals(new double[][] {{1, 2, 3}, {4, 5, 6}}, m.toArray2());
    int[] shape = m.shape();
    shape[0] = 99;
    assertArrayEquals(new int[] {2, 3}, m.shape(), "shape() is a copy");
    double[] flat = m.toArray();
    flat[0] = 99;
    assertEquals(1.0, m.get(0, 0), "toArray() is a copy");
    Tensor c = Tensor.of(new double[][][] {{{1, 2}}, {{3, 4}}});
    assertArrayEquals(new int[] {2, 1, 2}, c.shape());
    assertEquals(3.0, c.get(1, 0, 0));
    double[] src = {1, 2, 3, 4};
    Tensor f = Tensor.fromArray(src, 2, 2);
    src[0] = 9;
    assertEquals(1.0, f.get(0, 0), "fromArray copies");
    assertThrows(IllegalArgumentException.class, () -> Tensor.fromArray(src, 3));
    assertThrows(IllegalArgumentException.class, () -> Tensor.of(new double[][] {{1, 2}, {3}}));
    assertThrows(IllegalStateException.class, m::item);
    assertThrows(IndexOutOfBoundsException.class, () -> m.get(2, 0));
    assertThrows(IllegalArgumentException.class, () -> m.get(1));
    assertThrows(IllegalStateException.class, () -> Tensor.of(1, 2).toArray2());
  }

  @Test
  void factories() {
    assertValues(new double[] {0, 0, 0, 0, 0, 0}, Tensor.zeros(2, 3));
    assertValues(new double[] {1, 1}, Tensor.ones(2));
    assertValues(new double[] {7, 7, 7}, Tensor.full(new int[] {3, 1}, 7));
    assertValues(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, Tensor.eye(3));
    assertValues(new double[] {0, 1, 2, 3, 4}, Tensor.arange(5));
    assertValues(new double[] {1, 1.25, 1.5, 1.75}, Tensor.arange(1, 2, 0.25));
    assertValues(new double[] {3, 1}, Tensor.arange(3, 0, -2));
    assertEquals(0, Tensor.arange(2, 1).numel());
    assertEquals(Tensor.randn(new Generator().manualSeed(11), 4, 5), Tensor.randn(new Generator().manualSeed(11), 4, 5));
    assertNotEquals(Tensor.randn(new Generator().manualSeed(11), 4, 5), Tensor.randn(new Generator().manualSeed(12), 4, 5));
    Tensor r = Tensor.rand(new Generator().manualSeed(3), 1000);
    for (double v : r.toArray()) {
      assertTrue(v >= 0 && v < 1);
    }
    double mean = Tensor.randn(new Generator().manualSeed(5), 20000).mean().item();
    assertEquals(0, mean, 0.05);
    assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, -1));
  }

  @Test
  void forwardValuesMatchClosedForms() {
    Tensor a = Tensor.of(new double[][] {{1, 2}, {3, 4}});
    Tensor b = Tensor.of(new double[][] {{5, 6}, {7, 8}});
    assertEquals(Tensor.of(new double[][] {{19, 22}, {43, 50}}), a.matmul(b));
    assertEquals(Tensor.of(new double[][] {{1, 3}, {2, 4}}), a.t());
    assertEquals(Tensor.of(17, 39), a.matmul(Tensor.of(5, 6)));
    assertEquals(Tensor.of(23, 34), Tensor.of(5, 6).matmul(a));
    assertEquals(Tensor.of(70.0), Tensor.of(1, 2, 3, 4).dot(Tensor.of(5, 6, 7, 8)));
    Tensor batch = Tensor.stack(0, a, b); // [2, 2, 2]
    assertEquals(Tensor.stack(0, a.matmul(a), b.matmul(a)), batch.matmul(a));
    assertEquals(Tensor.of(new double[][] {{11, 12}, {13, 14}}), a.add(Tensor.of(10.0)).add(Tensor.of(0, 0)));
    assertEquals(Tensor.of(new double[][] {{10, 20}, {30, 60}}), Tensor.of(new double[][] {{1}, {3}}).mul(Tensor.of(10, 20)).add(Tensor.of(new double[][] {{0, 0}, {0, 0}})));
    assertEquals(Tensor.of(4, 6), a.sum(0, false));
    assertEquals(Tensor.of(new double[][] {{3}, {7}}), a.sum(1, true));
    assertEquals(Tensor.of(2.5), a.mean());
    assertEquals(Tensor.of(1.5, 3.5), a.mean(1, false));
    assertEquals(Tensor.of(4.0), a.max());
    assertEquals(Tensor.of(1.0), a.min());
    assertEquals(Tensor.of(2, 4), a.max(1, false));
    assertEquals(Tensor.of(new double[][] {{1, 2}}), a.min(0, true));
    assertEquals(Tensor.of(3, 4), a.select(0, 1));
    assertEquals(Tensor.of(2, 4), a.select(1, 1));
    assertEquals(Tensor.of(2.0), a.index(0, 1));
    assertEquals(Tensor.of(new double[][] {{2}, {4}}), a.slice(1, 1, 2));
    assertEquals(Tensor.of(new double[][] {{1, 2}, {3, 4}, {5, 6}, {7, 8}}), Tensor.cat(0, a, b));
    assertEquals(Tensor.of(new double[][] {{1, 2, 5, 6}, {3, 4, 7, 8}}), Tensor.cat(1, a, b));
    assertEquals(Tensor.of(new double[][] {{1, 5}, {3, 7}}), Tensor.stack(1, a.select(1, 0), b.select(1, 0)));
    assertEquals(Tensor.of(new double[][][] {{{1, 2}, {5, 6}}, {{3, 4}, {7, 8}}}), Tensor.stack(1, a, b));
    assertEquals(Tensor.of(1, 2, 3, 4), a.reshape(-1));
    assertEquals(Tensor.of(new double[][][] {{{1}, {3}}, {{2}, {4}}}), a.reshape(1, 2, 2).transpose(0, 2));
    assertEquals(Tensor.of(8, 9, 0.5), Tensor.of(2, 3, 4).pow(Tensor.of(3, 2, -0.5)));
  }

  @Test
  void softmaxFamilyValues() {
    Tensor x = Tensor.of(1, 2, 3);
    double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
    assertValues(new double[] {Math.exp(1) / z, Math.exp(2) / z, Math.exp(3) / z}, x.softmax(0), 1e-15);
    assertValues(new double[] {1 - Math.log(z), 2 - Math.log(z), 3 - Math.log(z)}, x.logSoftmax(0), 1e-14);
    // stable for large logits
    assertValues(new double[] {0.5, 0.5}, Tensor.of(1000, 1000).softmax(0));
    assertValues(new double[] {-Math.log(2), -Math.log(2)}, Tensor.of(-1000, -1000).logSoftmax(-1), 1e-12);
    // cross entropy of uniform logits is log C; of [[0, ln 3]] against class 1 is -log(3/4)
    assertEquals(Math.log(4), Tensor.crossEntropy(Tensor.zeros(3, 4), new int[] {0, 3, 2}).item(), 1e-15);
    assertEquals(-Math.log(0.75), Tensor.crossEntropy(Tensor.of(new double[][] {{0, Math.log(3)}}), new int[] {1}).item(), 1e-15);
    assertThrows(IndexOutOfBoundsException.class, () -> Tensor.crossEntropy(Tensor.zeros(1, 2), new int[] {2}));
    assertThrows(IllegalArgumentException.class, () -> Tensor.crossEntropy(Tensor.zeros(2, 2), new int[] {0}));
  }

  @Test
  void pytorchConventionsAtNonDifferentiablePoints() {
    Tensor x = Tensor.of(-1, 0, 2).requiresGrad();
    x.relu().sum().backward();
    assertValues(new double[] {0, 0, 1}, x.grad()); // relu'(0) = 0
    x.zeroGrad();
    x.abs().sum().backward();
    assertValues(new double[] {-1, 0, 1}, x.grad()); // abs'(0) = 0
    Tensor z = Tensor.of(0.0, 4.0).requiresGrad();
    z.sqrt().sum().backward();
    assertEquals(Double.POSITIVE_INFINITY, z.grad().get(0)); // sqrt'(0) = +inf
    assertEquals(0.25, z.grad().get(1));
    Tensor p = Tensor.of(0.0, 3.0, -2.0).requiresGrad();
    p.pow(0).sum().backward();
    assertValues(new double[] {0, 0, 0}, p.grad()); // pow(x, 0)' = 0 everywhere, even at 0
    Tensor e = Tensor.of(0.0, 2.0).requiresGrad();
    Tensor.of(0.0, 0.0).pow(e).sum().backward(); // d 0^e / de masked to 0 for e >= 0
    assertValues(new double[] {0, 0}, e.grad());
  }

  @Test
  void fullMaxAndMinAndAmaxSplitTheGradientAmongTiesMaxAlongDimPicksOne() {
    Tensor x = Tensor.of(1, 3, 3, -2).requiresGrad();
    x.max().backward();
    assertValues(new double[] {0, 0.5, 0.5, 0}, x.grad());
    Tensor y = Tensor.of(new double[][] {{5, 5, 5}, {1, 2, 1}}).requiresGrad();
    y.amin(1, false).backward(Tensor.of(3, 1));
    assertValues(new double[] {1, 1, 1, 0.5, 0, 0.5}, y.grad());
    Tensor v = Tensor.of(new double[][] {{5, 5, 5}, {1, 2, 1}}).requiresGrad();
    v.min(1, false).backward(Tensor.of(3, 1)); // torch.min(v, 1).values: to the first minimum only
    assertValues(new double[] {3, 0, 0, 1, 0, 0}, v.grad());
    Tensor w = Tensor.of(new double[][] {{1, 4}, {4, 0}}).requiresGrad();
    w.max(0, true).sum().backward();
    assertValues(new double[] {0, 1, 1, 0}, w.grad());
  }

  @Test
  void shapeErrorsAreIllegalArguments() {
    assertThrows(IllegalArgumentException.class, () -> Tensor.ones(2, 3).add(Tensor.ones(2)));
    assertThrows(IllegalArgumentException.class, () -> Tensor.ones(2, 3).matmul(Tensor.ones(2, 3)));
    assertThrows(IllegalArgumentException.class, () -> Tensor.ones(2, 3).reshape(4, -1));
    assertThrows(IllegalArgumentException.class, () -> Tensor.ones(2, 3).reshape(-1, -1));
    assertThrows(IllegalArgumentException.class, () -> Tensor.cat(0, Tensor.ones(2, 3), Tensor.ones(2, 2)));
    assertThrows(IllegalArgumentException.class, () -> Tensor.stack(0, Tensor.ones(2), Tensor.ones(3)));
    assertThrows(IllegalArgumentException.class, () -> Tensor.of(1.0).matmul(Tensor.ones(1)));
    assertThrows(IllegalArgumentException.class, () -> Tensor.ones(2).expand(3));
    assertThrows(IndexOutOfBoundsException.class, () -> Tensor.ones(2, 3).sum(2, false));
    assertThrows(IndexOutOfBoundsException.class, () -> Tensor.ones(2, 3).select(0, 2));
  }

  @Test
  void equalsHashCodeAndAllClose() {
    Tensor a = Tensor.of(0.0, 1.0, Double.NaN);
    Tensor b = Tensor.of(-0.0, 1.0, Double.NaN);
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(Tensor.of(1, 2), Tensor.of(new double[][] {{1, 2}}), "shape matters");
    assertNotEquals(Tensor.of(1, 2), Tensor.of(1, 2.0000001));
    assertEquals(Tensor.of(1, 2), Tensor.of(1, 2).requiresGrad(), "grad state does not matter");
    assertTrue(Tensor.of(1, 2).allClose(Tensor.of(1, 2.0000001)));
    assertFalse(Tensor.of(1, 2).allClose(Tensor.of(1, 2.001)));
    assertTrue(Tensor.of(1, 2).allClose(Tensor.of(1, 2.001), 1e-3, 0));
    assertFalse(Tensor.of(1, 2).allClose(Tensor.of(1, 2, 3)));
    assertFalse(a.allClose(b), "NaN is never close");
    assertTrue(Tensor.of(Double.POSITIVE_INFINITY).allClose(Tensor.of(Double.POSITIVE_INFINITY)));
  }
}
