package dev.adjoint;

import static dev.adjoint.Gradcheck.gradcheck;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The operations a PyTorch user reaches for first: values against hand-computed (PyTorch-documented)
 * results, gradients by {@link Gradcheck} against central differences.
 */
class TensorOpsTest {
  private static Tensor param(long seed, int... shape) {
    return Tensor.randn(new Generator().manualSeed(seed), shape).requiresGrad();
  }

  private static void assertValues(double[] expected, Tensor t) {
    assertArrayEquals(expected, t.toArray(), 1e-12);
  }

  @Test
  void randnTakesAShapeAndIsReproducibleThroughSeeds() {
    assertArrayEquals(new int[] {3, 5}, Tensor.randn(3, 5).shape());
    assertArrayEquals(new int[] {3, 5}, Tensor.rand(3, 5).shape());
    Tensor.manualSeed(7);
    Tensor a = Tensor.randn(2, 3);
    Tensor.manualSeed(7);
    assertEquals(a, Tensor.randn(2, 3));
    assertNotEquals(a, Tensor.randn(2, 3)); // the stream moved on
    Generator g = new Generator().manualSeed(7);
    assertEquals(7, g.initialSeed());
    assertEquals(a, Tensor.randn(g, 2, 3));
    assertEquals(Generator.DEFAULT_SEED, new Generator().initialSeed());
    assertArrayEquals(new int[] {4, 1}, Tensor.randnLike(Tensor.zeros(4, 1)).shape());
    // The generator draws java.util.Random's sequence, fixed by its specification.
    assertEquals(new java.util.Random(9).nextGaussian(), Tensor.randn(new Generator().manualSeed(9), 1).item());
  }

  @Test
  void factoriesInPyTorchsArgumentOrder() {
    assertValues(new double[] {7, 7, 7}, Tensor.full(new int[] {3, 1}, 7));
    assertArrayEquals(new int[] {3, 1}, Tensor.full(new int[] {3, 1}, 7).shape());
    Tensor like = Tensor.ones(2, 2);
    assertValues(new double[] {0, 0, 0, 0}, Tensor.zerosLike(like));
    assertValues(new double[] {1, 1, 1, 1}, Tensor.onesLike(like.mul(3)));
    assertValues(new double[] {-2, -2, -2, -2}, Tensor.fullLike(like, -2));
    assertValues(new double[] {0, 0.25, 0.5, 0.75, 1}, Tensor.linspace(0, 1, 5));
    assertValues(new double[] {-1, 1}, Tensor.linspace(-1, 1, 2));
    assertValues(new double[] {3}, Tensor.linspace(3, 9, 1));
    assertEquals(0, Tensor.linspace(3, 9, 0).numel());
    assertValues(new double[] {1, 10, 100}, Tensor.logspace(0, 2, 3));
    assertValues(new double[] {2, 4, 8}, Tensor.logspace(1, 3, 3, 2));
  }

  @Test
  void comparisonsGiveMasksWithoutGrad() {
    Tensor a = Tensor.of(1, 2, 3).requiresGrad();
    Tensor m = a.gt(2);
    assertValues(new double[] {0, 0, 1}, m);
    assertFalse(m.isRequiresGrad());
    assertValues(new double[] {1, 0, 0}, a.lt(2));
    assertValues(new double[] {0, 1, 1}, a.ge(2));
    assertValues(new double[] {1, 1, 0}, a.le(2));
    assertValues(new double[] {0, 1, 0}, a.eq(2));
    assertValues(new double[] {0, 0, 0}, Tensor.of(Double.NaN, 1, 2).eq(Tensor.of(Double.NaN, 0, 0)));
    assertValues(new double[] {1, 1, 1, 1, 0, 0}, Tensor.of(new double[][] {{1, 0}, {5, 5}, {0, -2}}).ge(Tensor.of(1, -1)));
  }

  @Test
  void whereMaskedFillAndClamp() {
    Tensor c = Tensor.of(1, 0, 1);
    assertValues(new double[] {1, 20, 3}, Tensor.where(c, Tensor.of(1, 2, 3), Tensor.of(10, 20, 30)));
    assertValues(new double[] {1, 5, 3}, Tensor.of(1, 2, 3).where(c, Tensor.of(5)));
    assertTrue(gradcheck(x -> Tensor.where(x[0].gt(0), x[0], x[1].mul(2)), param(1, 2, 3), param(2, 3)));
    assertTrue(gradcheck(x -> Tensor.where(Tensor.of(1, 0, 0), x[0], x[1]).square(), param(3, 2, 1), param(4, 3)));
    assertValues(new double[] {9, 2, 9}, Tensor.of(1, 2, 3).maskedFill(c, 9));
    Tensor x = Tensor.of(1, 2, 3).requiresGrad();
    x.maskedFill(c, 9).mul(Tensor.of(4, 5, 6)).sum().backward();
    assertValues(new double[] {0, 5, 0}, x.grad());
    assertTrue(gradcheck(t -> t[0].maskedFill(Tensor.of(1, 0, 1), -1).exp(), param(5, 2, 3)));
    assertValues(new double[] {-1, 0.5, 1}, Tensor.of(-3, 0.5, 7).clamp(-1, 1));
    assertTrue(Double.isNaN(Tensor.of(Double.NaN).clamp(0, 1).item()));
    assertValues(new double[] {1, 1}, Tensor.of(-5, 5).clamp(2, 1)); // min > max gives max, as PyTorch
    Tensor y = Tensor.of(-3, -1, 0.5, 1, 7).requiresGrad();
    y.clamp(-1, 1).sum().backward();
    assertValues(new double[] {0, 1, 1, 1, 0}, y.grad()); // bounds included, as PyTorch's clamp_backward
    assertValues(new double[] {0, 2}, Tensor.of(-1, 2).clampMin(0));
    assertValues(new double[] {-1, 0}, Tensor.of(-1, 2).clampMax(0));
    assertTrue(gradcheck(t -> t[0].clamp(-0.5, 0.5), param(6, 3, 4)));
  }

  @Test
  void elementwiseFunctions() {
    Tensor v = Tensor.of(0.0, Math.PI / 2);
    assertValues(new double[] {0, 1}, v.sin());
    assertArrayEquals(new double[] {1, 0}, v.cos().toArray(), 1e-15);
    assertValues(new double[] {Math.log1p(1e-10)}, Tensor.of(1e-10).log1p());
    assertValues(new double[] {Math.expm1(1e-10)}, Tensor.of(1e-10).expm1());
    assertValues(new double[] {-1, 0, 1}, Tensor.of(-2, 0, 3).sign());
    assertValues(new double[] {-3, 2}, Tensor.of(-2.5, 2.5).floor());
    assertTrue(gradcheck(t -> t[0].sin(), param(7, 3, 4)));
    assertTrue(gradcheck(t -> t[0].cos(), param(8, 3, 4)));
    assertTrue(gradcheck(t -> t[0].abs().log1p(), param(9, 3, 4)));
    assertTrue(gradcheck(t -> t[0].expm1(), param(10, 3, 4)));
    Tensor s = Tensor.of(-2.5, 0.5, 3.2).requiresGrad();
    s.sign().add(s.floor()).add(s.mul(2)).sum().backward();
    assertValues(new double[] {2, 2, 2}, s.grad()); // sign and floor pass zero, as PyTorch's
    Tensor a = Tensor.of(1, 2).requiresGrad();
    Tensor c = a.clone();
    assertEquals("CloneBackward", c.gradFnName());
    c.mul(Tensor.of(3, 4)).sum().backward();
    assertValues(new double[] {3, 4}, a.grad());
    assertTrue(gradcheck(t -> t[0].clone().square(), param(11, 2, 2)));
  }

  @Test
  void maxAlongDimSendsTheGradientToOneIndexAndAmaxSplitsIt() {
    Tensor y = Tensor.of(new double[][] {{5, 5, 5}, {1, 2, 1}}).requiresGrad();
    Tensor.ValuesIndices r = y.minWithIndices(1, false);
    assertValues(new double[] {5, 1}, r.values());
    assertValues(new double[] {0, 0}, r.indices());
    assertFalse(r.indices().isRequiresGrad());
    r.values().backward(Tensor.of(3, 1));
    assertValues(new double[] {3, 0, 0, 1, 0, 0}, y.grad()); // torch.min(y, 1).values: first minimum
    Tensor z = Tensor.of(new double[][] {{5, 5, 5}, {1, 2, 1}}).requiresGrad();
    z.amin(1, false).backward(Tensor.of(3, 1));
    assertValues(new double[] {1, 1, 1, 0.5, 0, 0.5}, z.grad());
    Tensor w = Tensor.of(new double[][] {{1, 4}, {4, 0}});
    assertValues(new double[] {1, 0}, w.argmax(0, false));
    assertValues(new double[] {0, 1}, w.argmin(1, false));
    assertArrayEquals(new int[] {1, 2}, w.argmax(0, true).shape());
    assertValues(new double[] {1}, w.argmax()); // first maximum of the flattened tensor
    assertValues(new double[] {3}, w.argmin());
    assertValues(new double[] {2}, Tensor.of(1, 7, Double.NaN, 7).argmax()); // NaN counts as the maximum
    assertValues(new double[] {4, 4}, w.max(1, false));
    assertValues(new double[] {4, 4}, w.amax(0, false));
    assertValues(new double[] {4}, w.amax());
    assertValues(new double[] {0}, w.amin());
    assertTrue(gradcheck(t -> t[0].max(1, true), param(12, 3, 4)));
    assertTrue(gradcheck(t -> t[0].min(0, false), param(13, 3, 4)));
    assertTrue(gradcheck(t -> t[0].amax(-1, false), param(14, 2, 3, 4)));
  }

  @Test
  void moreReductions() {
    assertValues(new double[] {24}, Tensor.of(1, 2, 3, 4).prod());
    assertValues(new double[] {2, 12}, Tensor.of(new double[][] {{1, 2}, {3, 4}}).prod(1, false));
    Tensor z = Tensor.of(2, 0, 3).requiresGrad();
    z.prod().backward();
    assertValues(new double[] {0, 6, 0}, z.grad()); // exact with a zero factor
    Tensor zz = Tensor.of(0, 0, 3).requiresGrad();
    zz.prod().backward();
    assertValues(new double[] {0, 0, 0}, zz.grad());
    assertTrue(gradcheck(t -> t[0].prod(1, false), param(15, 3, 4)));
    assertTrue(gradcheck(t -> t[0].prod(), param(16, 2, 3)));
    assertValues(new double[] {1, 3, 6, 4, 9, 15}, Tensor.of(new double[][] {{1, 2, 3}, {4, 5, 6}}).cumsum(1));
    assertValues(new double[] {1, 2, 3, 5, 7, 9}, Tensor.of(new double[][] {{1, 2, 3}, {4, 5, 6}}).cumsum(0));
    assertTrue(gradcheck(t -> t[0].cumsum(1), param(17, 3, 4)));
    assertTrue(gradcheck(t -> t[0].cumsum(0).cumsum(1).square(), param(18, 3, 2)));
    // var([1, 2, 3, 4]) = 5/3 (unbiased), 5/4 (biased)
    assertEquals(5.0 / 3, Tensor.of(1, 2, 3, 4).var().item(), 1e-15);
    assertEquals(5.0 / 4, Tensor.of(1, 2, 3, 4).var(false).item(), 1e-15);
    assertEquals(Math.sqrt(5.0 / 3), Tensor.of(1, 2, 3, 4).std().item(), 1e-15);
    assertValues(new double[] {0.5, 0.5}, Tensor.of(new double[][] {{1, 2}, {3, 4}}).var(1, false));
    assertValues(new double[] {2, 2}, Tensor.of(new double[][] {{1, 2}, {3, 4}}).var(0, false));
    assertTrue(gradcheck(t -> t[0].var(1, true), param(19, 3, 4)));
    assertTrue(gradcheck(t -> t[0].std(0, false, false), param(20, 3, 4)));
    assertTrue(gradcheck(t -> t[0].std(), param(21, 5)));
    // logsumexp([0, ln 3]) = ln 4; stable for large values
    assertEquals(Math.log(4), Tensor.of(0, Math.log(3)).logsumexp(0, false).item(), 1e-15);
    assertEquals(1000 + Math.log(2), Tensor.of(1000, 1000).logsumexp(0, false).item(), 1e-12);
    assertEquals(Double.NEGATIVE_INFINITY, Tensor.of(Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY)
        .logsumexp(0, false).item());
    assertTrue(gradcheck(t -> t[0].logsumexp(1, true), param(22, 3, 4)));
    assertTrue(gradcheck(t -> t[0].logsumexp(0, false), param(23, 3, 4)));
    assertEquals(5, Tensor.of(3, 4).norm().item(), 1e-15);
    assertValues(new double[] {5, 0}, Tensor.of(new double[][] {{3, 4}, {0, 0}}).norm(1, false));
    Tensor n0 = Tensor.zeros(3).requiresGrad();
    n0.norm().backward();
    assertValues(new double[] {0, 0, 0}, n0.grad()); // as PyTorch: 0 at the zero vector, not NaN
    assertTrue(gradcheck(t -> t[0].norm(), param(24, 3, 4)));
    assertTrue(gradcheck(t -> t[0].norm(0, true), param(25, 3, 4)));
  }

  @Test
  void shapesAndIndexing() {
    Tensor a = Tensor.arange(24).reshape(2, 3, 4);
    assertArrayEquals(new int[] {24}, a.flatten().shape());
    assertArrayEquals(new int[] {2, 12}, a.flatten(1, -1).shape());
    assertArrayEquals(new int[] {6, 4}, a.flatten(0, 1).shape());
    assertArrayEquals(new int[] {1}, Tensor.of(5.0).flatten().shape());
    assertArrayEquals(new int[] {2, 3}, Tensor.zeros(1, 2, 1, 3).squeeze().shape());
    assertArrayEquals(new int[] {2, 1, 3}, Tensor.zeros(2, 3).unsqueeze(1).shape());
    assertTrue(gradcheck(t -> t[0].flatten(0, 1).unsqueeze(0).squeeze().square(), param(26, 2, 3, 2)));
    // gather along 1: out[i][j] = x[i][index[i][j]]
    Tensor x = Tensor.of(new double[][] {{1, 2}, {3, 4}});
    Tensor index = Tensor.of(new double[][] {{0, 0}, {1, 0}});
    assertValues(new double[] {1, 1, 4, 3}, x.gather(1, index));
    assertValues(new double[] {1, 4}, x.gather(0, Tensor.of(new double[][] {{0, 1}})));
    Tensor xg = x.detach().requiresGrad();
    xg.gather(1, index).sum().backward();
    assertValues(new double[] {2, 0, 1, 1}, xg.grad()); // repeats add
    assertTrue(gradcheck(t -> t[0].gather(1, Tensor.of(new double[][] {{2, 0, 2}, {1, 1, 0}})).square(),
        param(27, 2, 4)));
    assertThrows(IndexOutOfBoundsException.class, () -> x.gather(1, Tensor.of(new double[][] {{2}, {0}})));
    assertValues(new double[] {3, 4, 1, 2, 3, 4}, x.indexSelect(0, 1, 0, 1));
    assertValues(new double[] {2, 1, 4, 3}, x.indexSelect(1, Tensor.of(1, 0)));
    Tensor xi = x.detach().requiresGrad();
    xi.indexSelect(0, 1, 1).sum().backward();
    assertValues(new double[] {0, 0, 2, 2}, xi.grad());
    assertTrue(gradcheck(t -> t[0].indexSelect(1, 2, 0, 2).square(), param(28, 3, 3)));
  }

  @Test
  void secondDerivativesThroughGatherAndCumsum() {
    // f = c2² + c0² with c = cumsum(x): f = (x0 + x1 + x2)² + x0², Hessian by hand [[4,2,2],[2,2,2],[2,2,2]]
    Tensor h = Autograd.hessian(t -> t.cumsum(0).gather(0, Tensor.of(2, 0)).square().sum(), Tensor.of(1, 2, 3));
    assertValues(new double[] {4, 2, 2, 2, 2, 2, 2, 2, 2}, h);
  }

  @Test
  void losses() {
    Tensor p = Tensor.of(1, 2, 3);
    Tensor t = Tensor.of(1, 0, 5);
    assertEquals((0 + 4 + 4) / 3.0, Losses.mseLoss(p, t).item(), 1e-15);
    assertEquals(8, Losses.mseLoss(p, t, Reduction.SUM).item(), 1e-15);
    assertValues(new double[] {0, 4, 4}, Losses.mseLoss(p, t, Reduction.NONE));
    assertEquals(4 / 3.0, Losses.l1Loss(p, t).item(), 1e-15);
    assertThrows(IllegalArgumentException.class, () -> Losses.mseLoss(p, Tensor.of(1)));
    // BCE of p = 0.8 against y = 1 and p = 0.4 against y = 0: -(ln 0.8 + ln 0.6) / 2
    Tensor q = Tensor.of(0.8, 0.4);
    Tensor y = Tensor.of(1, 0);
    assertEquals(-(Math.log(0.8) + Math.log(0.6)) / 2, Losses.binaryCrossEntropy(q, y).item(), 1e-15);
    assertEquals(100, Losses.binaryCrossEntropy(Tensor.of(0.0), Tensor.of(1.0)).item(), 1e-12); // log clamped
    assertThrows(IllegalArgumentException.class, () -> Losses.binaryCrossEntropy(Tensor.of(1.5), Tensor.of(1)));
    // with logits: x = 0 gives ln 2 whatever y; x = 2, y = 1 gives ln(1 + e^-2)
    assertEquals(Math.log(2), Losses.binaryCrossEntropyWithLogits(Tensor.of(0.0), Tensor.of(0.3)).item(), 1e-15);
    assertEquals(Math.log1p(Math.exp(-2)), Losses.binaryCrossEntropyWithLogits(Tensor.of(2.0), Tensor.of(1.0))
        .item(), 1e-15);
    assertEquals(800, Losses.binaryCrossEntropyWithLogits(Tensor.of(-800.0), Tensor.of(1.0)).item(), 1e-9);
    Tensor x0 = Tensor.of(0.0).requiresGrad();
    Losses.binaryCrossEntropyWithLogits(x0, Tensor.of(0.25)).backward();
    assertEquals(0.25, x0.grad().item(), 1e-15); // sigmoid(0) - y, also at the kink of the formula
    // nll: -(lp[0][1] + lp[1][0]) / 2
    Tensor lp = Tensor.of(new double[][] {{-1, -2}, {-3, -4}});
    assertEquals(2.5, Losses.nllLoss(lp, new int[] {1, 0}).item(), 1e-15);
    assertEquals(5, Losses.nllLoss(lp, new int[] {1, 0}, Reduction.SUM).item(), 1e-15);
    assertValues(new double[] {2, 3}, Losses.nllLoss(lp, new int[] {1, 0}, Reduction.NONE));
    assertThrows(IndexOutOfBoundsException.class, () -> Losses.nllLoss(lp, new int[] {2, 0}));
    Tensor logits = Tensor.of(new double[][] {{0.1, 2, -1}, {0.5, 0.5, 3}});
    assertEquals(Tensor.crossEntropy(logits, new int[] {2, 1}).item(),
        Losses.nllLoss(logits.logSoftmax(1), new int[] {2, 1}).item(), 1e-14);
    Tensor uniform = Tensor.rand(new Generator().manualSeed(29), 2, 3).mul(0.8).add(0.1).requiresGrad();
    Tensor target = Tensor.rand(new Generator().manualSeed(30), 2, 3).requiresGrad();
    for (Reduction r : Reduction.values()) {
      assertTrue(gradcheck(a -> Losses.mseLoss(a[0], a[1], r), param(31, 2, 3), target));
      assertTrue(gradcheck(a -> Losses.l1Loss(a[0], a[1], r), param(32, 2, 3), target));
      assertTrue(gradcheck(a -> Losses.binaryCrossEntropy(a[0], a[1], r), uniform, target));
      assertTrue(gradcheck(a -> Losses.binaryCrossEntropyWithLogits(a[0], a[1], r), param(33, 2, 3), target));
      assertTrue(gradcheck(a -> Losses.nllLoss(a[0], new int[] {2, 0}, r), param(34, 2, 3)));
    }
  }

  @Test
  void prodRefusesASecondDerivativeThroughAZero() {
    Tensor z = Tensor.of(2, 0, 3).requiresGrad();
    Tensor y = z.prod();
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
        () -> Autograd.grad(y, new Tensor[] {z}, null, true, true));
    assertTrue(e.getMessage().contains("prod()"), e.getMessage());
    assertNull(z.grad());
  }
}
