package dev.adjoint.processor.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.Generator;
import dev.adjoint.Tensor;
import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.TensorEager;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The masking, comparison, indexing, reduction and shape operations of {@code read.MoreTensorCalls} inside
 * {@code @Differentiable} methods, and batched {@code matmul}: each generated node gradient-checked against
 * central differences and compared with the runtime's eager autograd running the original method (whose
 * operations are compared with PyTorch in the runtime's {@code TorchParityTest}); the gradients of
 * {@code double} bounds and fill values against central differences of the original method; the
 * {@code Losses} functions with the mean reduction.
 */
class MoreOpsMethodGradientTest {
  private static final String SOURCE = """
      package demo;

      import dev.adjoint.Differentiable;
      import dev.adjoint.Losses;
      import dev.adjoint.Tensor;

      public final class M {
        @Differentiable
        public static Tensor masks(Tensor a, Tensor b) {
          Tensor m = a.gt(0.2);
          Tensor c = a.clamp(-0.5, 0.7).mul(b);
          Tensor w = Tensor.where(m, a.exp(), b.square());
          Tensor v = a.where(b.lt(a), b.mul(2));
          Tensor f = a.maskedFill(b.ge(0.5), 3.0).sin();
          Tensor s = a.sign().add(a.floor()).mul(a);
          return c.sum().add(w.mean()).add(v.sum()).add(f.sum()).add(a.clampMin(-0.3).clampMax(0.4).sum())
              .add(a.le(b).mul(b).sum()).add(a.eq(b).add(a.gt(b)).sum()).add(s.sum());
        }

        @Differentiable
        public static Tensor indexing(Tensor a, Tensor src, Tensor index) {
          Tensor g = a.gather(1, index).square();
          Tensor i = a.indexSelect(0, 2, 0, 2).tanh();
          Tensor j = a.indexSelect(1, index.select(1, 1)).exp();
          Tensor s = a.scatter(0, index.clamp(0, 2), src).sin();
          Tensor t = a.scatterAdd(1, index, src.mul(a.select(0, 0).sum()));
          int[] order = {1, 0};
          return g.sum().add(i.sum()).add(j.mean()).add(s.sum()).add(t.square().sum())
              .add(a.indexSelect(0, order).mul(a.slice(0, 0, 2)).sum())
              .add(a.argmax(1, true).mul(a.select(1, 0).unsqueeze(1)).sum()).add(a.argmin().mul(a.sum()));
        }

        @Differentiable
        public static Tensor reductions(Tensor a) {
          Tensor r = a.prod(1, false).add(a.cumsum(1).select(1, 2).add(a.cumsum(0).select(0, 1).sum()))
              .add(a.var(0, false).sum());
          Tensor s = a.std(1, true).sum().add(a.std()).add(a.var()).add(a.var(false)).add(a.std(false));
          Tensor n = a.logsumexp(1, false).sum().add(a.norm()).add(a.norm(0, true).sum());
          Tensor e = a.amax().add(a.amin()).add(a.amax(1, true).sum()).add(a.amin(0, false).sum());
          Tensor v = a.var(1, false, true).sum().add(a.std(0, false, false).sum());
          return r.sum().add(s).add(n).add(e).add(v).add(a.mul(0.5).prod());
        }

        @Differentiable
        public static Tensor multiDim(Tensor a) {
          int[] dims = {0, 2};
          Tensor s = a.sum(dims, false).square();
          Tensor m = a.mean(new int[] {1, 2}, true).exp();
          return s.sum().add(m.sum()).add(a.sum(new int[] {}, false));
        }

        @Differentiable
        public static Tensor shapes(Tensor a, Tensor v) {
          Tensor p = a.permute(2, 0, 1).mul(v.unsqueeze(1).unsqueeze(2));
          Tensor f = a.flatten().square().add(a.flatten(1, 2).sum(1, false).sum());
          Tensor r = v.repeat(2, 3).tanh();
          Tensor n = a.narrow(2, 1, 2).unsqueeze(0).squeeze(0).contiguous().clone().sin();
          int[] order = {1, 2, 0};
          Tensor q = a.permute(order).unsqueeze(1).squeeze().exp();
          return p.sum().add(f.sum()).add(r.sum()).add(n.sum()).add(q.mean());
        }

        @Differentiable
        public static Tensor batched(Tensor a, Tensor b, Tensor c) {
          return a.matmul(b).tanh().matmul(c).sum().add(b.matmul(c.select(0, 0)).square().sum());
        }

        @Differentiable
        public static Tensor factories(Tensor a) {
          return a.mul(Tensor.onesLike(a).add(Tensor.zerosLike(a))).add(Tensor.fullLike(a, 2.0)).square().sum()
              .add(Tensor.full(new int[] {2, 3}, 0.5).mul(a).sum());
        }

        @Differentiable
        public static double bounds(Tensor a, double lo, double hi, double fill) {
          Tensor t = a.clamp(lo, hi).square().sum().add(a.clampMin(lo).sum()).add(a.clampMax(hi).mul(a).sum())
              .add(a.maskedFill(a.gt(0.1), fill).square().sum()).add(Tensor.fullLike(a, fill).mul(a).sum())
              .add(Tensor.full(new int[] {2, 3}, hi).square().sum());
          return t.item();
        }

        @Differentiable
        public static Tensor losses(Tensor a, Tensor b, int[] classes) {
          return Losses.mseLoss(a, b).add(Losses.l1Loss(a.tanh(), b))
              .add(Losses.binaryCrossEntropy(a.sigmoid(), b.sigmoid()))
              .add(Losses.binaryCrossEntropyWithLogits(a, b.sigmoid())).add(Losses.nllLoss(a.logSoftmax(1), classes))
              .add(Losses.crossEntropy(b.mul(a), classes));
        }

        @Differentiable
        public static Tensor kDimensional(Tensor a, int[] classes) {
          return Tensor.crossEntropy(a.tanh(), classes).add(Losses.crossEntropy(a, classes));
        }

        @Differentiable
        public static Tensor onlyMasks(Tensor a) {
          return a.gt(0.0).add(a.argmax());
        }
      }
      """;

  private static CompiledCompanion compiled;

  @BeforeAll
  static void compile() {
    compiled = CompiledCompanion.compile("demo.M", SOURCE);
  }

  private static Tensor call(String name, Object... args) {
    return (Tensor) compiled.callStatic("demo.MGrad", name, args);
  }

  private static Tensor original(String name, Object... args) {
    return (Tensor) compiled.callStatic("demo.M", name, args);
  }

  private static Tensor randn(long seed, int... shape) {
    return Tensor.randn(new Generator().manualSeed(seed), shape).requiresGrad();
  }

  /** Gradcheck of the generated node, then the same value and gradients as eager autograd on the original. */
  private static void check(String name, Function<Tensor[], Object[]> args, Tensor... inputs) {
    TensorEager.check(name, a -> call(name, a), a -> original(name, a), args, 1e-12, inputs);
  }

  private static Object[] all(Tensor[] xs) {
    return xs;
  }

  @Test
  void clampWhereMaskedFillComparisonsSignFloor() {
    check("masks", MoreOpsMethodGradientTest::all, randn(1, 3, 4), randn(2, 3, 4));
  }

  @Test
  void gatherIndexSelectScatterArgmax() {
    Tensor index = Tensor.of(new double[][] {{2, 0, 1}, {0, 3, 3}});
    check("indexing", xs -> new Object[] {xs[0], xs[1], index}, randn(3, 3, 4), randn(4, 2, 3));
  }

  @Test
  void prodCumsumVarStdLogsumexpNormAmaxAmin() {
    check("reductions", MoreOpsMethodGradientTest::all, randn(5, 3, 4));
  }

  @Test
  void sumAndMeanOverSeveralDimensions() {
    check("multiDim", MoreOpsMethodGradientTest::all, randn(6, 2, 3, 4));
  }

  @Test
  void permuteFlattenRepeatNarrowSqueezeContiguousClone() {
    check("shapes", MoreOpsMethodGradientTest::all, randn(7, 2, 3, 4), randn(8, 4));
  }

  @Test
  void batchedMatmulWithBroadcasting() {
    check("batched", MoreOpsMethodGradientTest::all, randn(9, 2, 3, 4), randn(10, 4, 5), randn(11, 2, 5, 2));
  }

  @Test
  void factoriesLikeAndFull() {
    check("factories", MoreOpsMethodGradientTest::all, randn(12, 2, 3));
  }

  @Test
  void lossesWithTheMeanReduction() {
    int[] classes = {2, 0, 3};
    check("losses", xs -> new Object[] {xs[0], xs[1], classes}, randn(14, 3, 4), randn(15, 3, 4));
  }

  @Test
  void crossEntropyOfKDimensionalLogits() {
    int[] classes = {2, 0, 1, 1, 0, 2, 2, 1}; // [N = 2, d1 = 4] in row-major order, C = 3
    check("kDimensional", xs -> new Object[] {xs[0], classes}, randn(17, 2, 3, 4));
  }

  @Test
  void doubleBoundsAndFillValuesGetTheirGradients() {
    Tensor a = Tensor.randn(new Generator().manualSeed(13), 2, 3);
    double lo = -0.4;
    double hi = 0.6;
    double fill = 1.3;
    Map<String, Object> g = CompiledCompanion.components(
        compiled.callStatic("demo.MGrad", "boundsGradient", a, lo, hi, fill));
    double[] at = {lo, hi, fill};
    String[] names = {"lo", "hi", "fill"};
    double h = 1e-6;
    for (int k = 0; k < 3; k++) {
      double[] up = at.clone();
      double[] down = at.clone();
      up[k] += h;
      down[k] -= h;
      double central = ((double) compiled.callStatic("demo.M", "bounds", a, up[0], up[1], up[2])
          - (double) compiled.callStatic("demo.M", "bounds", a, down[0], down[1], down[2])) / (2 * h);
      assertEquals(central, (double) g.get(names[k]), 1e-6, names[k]);
    }
    // And the tensor argument: central differences of the original, entry by entry.
    Tensor ga = (Tensor) g.get("a");
    double[] base = a.toArray();
    for (int i = 0; i < base.length; i++) {
      double[] up = base.clone();
      double[] down = base.clone();
      up[i] += h;
      down[i] -= h;
      double central = ((double) compiled.callStatic("demo.M", "bounds", Tensor.fromArray(up, 2, 3), lo, hi, fill)
          - (double) compiled.callStatic("demo.M", "bounds", Tensor.fromArray(down, 2, 3), lo, hi, fill)) / (2 * h);
      assertEquals(central, ga.toArray()[i], 1e-6, "a[" + i + "]");
    }
  }

  @Test
  void clampBoundsBeyondEachOther() {
    // min > max: the result is max everywhere, so hi gets every upstream and lo and a nothing (as eager).
    Tensor a = Tensor.of(-1, 0.2, 3);
    Map<String, Object> g = CompiledCompanion.components(
        compiled.callStatic("demo.MGrad", "boundsGradient", a, 0.5, 0.1, 0.0));
    double h = 1e-6;
    double central = ((double) compiled.callStatic("demo.M", "bounds", a, 0.5, 0.1 + h, 0.0)
        - (double) compiled.callStatic("demo.M", "bounds", a, 0.5, 0.1 - h, 0.0)) / (2 * h);
    assertEquals(central, (double) g.get("hi"), 1e-6);
    double centralLo = ((double) compiled.callStatic("demo.M", "bounds", a, 0.5 + h, 0.1, 0.0)
        - (double) compiled.callStatic("demo.M", "bounds", a, 0.5 - h, 0.1, 0.0)) / (2 * h);
    assertEquals(centralLo, (double) g.get("lo"), 1e-6);
  }

  @Test
  void secondDerivativesThroughTheNodeMatchEager() {
    // createGraph through the node runs the original method with recorded operations (RecomputedNode).
    for (String name : new String[] {"reductions", "multiDim"}) {
      Tensor a = Tensor.randn(new Generator().manualSeed(16), name.equals("multiDim") ? new int[] {2, 3, 4}
          : new int[] {3, 4});
      Tensor viaNode = dev.adjoint.Autograd.hessian(x -> call(name, x), a);
      Tensor eager = dev.adjoint.Autograd.hessian(x -> original(name, x), a);
      assertTrue(viaNode.allClose(eager, 1e-12, 1e-12), name);
    }
  }

  @Test
  void masksAndIndicesCarryNoGradientAsInPyTorch() {
    Tensor a = Tensor.of(-1, 2, 0.5).requiresGrad();
    Tensor r = call("onlyMasks", a);
    assertFalse(r.isRequiresGrad()); // a.gt(0).add(a.argmax()): no graph, as torch
    assertEquals(Tensor.of(1, 2, 2), r);
  }
}
