package dev.adjoint.processor.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.Autograd;
import dev.adjoint.Gradcheck;
import dev.adjoint.Generator;
import dev.adjoint.Tensor;
import dev.adjoint.processor.testing.CompiledCompanion;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The graph node of a generated tensor method against eager autograd on the original method (and PyTorch's
 * rules where they are the reference): in-place changes before the reverse pass, double backward, batched
 * products, NaN, reassigned parameters, constants that require grad, unused inputs and constant results.
 */
class TensorNodeSemanticsTest {
  private static final String SOURCE = """
      package demo;

      import dev.adjoint.Differentiable;
      import dev.adjoint.NoGrad;
      import dev.adjoint.Tensor;

      public final class N {
        static final Tensor SHIFT = Tensor.of(1.0, -2.0, 0.5);
        static final Tensor TRAINED = Tensor.of(1.0, 2.0, 3.0).requiresGrad();

        @Differentiable
        public static Tensor mulSum(Tensor x, Tensor w) {
          return x.mul(w).sum();
        }

        @Differentiable
        public static Tensor labelled(Tensor logits, int[] labels, @NoGrad double[] scale) {
          return Tensor.crossEntropy(logits.mul(scale[0]), labels);
        }

        @Differentiable
        public static Tensor cube(Tensor x) {
          return x.mul(x).mul(x).sum();
        }

        @Differentiable
        public static Tensor product(Tensor a, Tensor b) {
          return a.matmul(b).tanh().sum();
        }

        @Differentiable
        public static Tensor extremes(Tensor x) {
          return x.max().add(x.min().mul(2.0));
        }

        @Differentiable
        public static Tensor kinks(Tensor x) {
          return x.relu().add(x.abs().mul(3.0)).add(x.pow(0.0).mul(5.0)).add(x.pow(1.0)).sum();
        }

        @Differentiable
        public static Tensor reluOnly(Tensor x) {
          return x.relu().sum();
        }

        @Differentiable
        public static Tensor reassignFromOther(Tensor a, Tensor b) {
          a = b.sum(0, true);
          return a.mul(b).sum();
        }

        @Differentiable
        public static Tensor detachReshape(Tensor x, Tensor w) {
          x = x.detach().reshape(-1);
          return x.mul(w).sum();
        }

        @Differentiable
        public static Tensor reshapeSelf(Tensor x) {
          x = x.reshape(-1);
          return x.square().sum();
        }

        @Differentiable
        public static Tensor reassignInLoop(Tensor x, int n) {
          for (int i = 0; i < n; i++) {
            x = x.mul(x.sum()).tanh();
          }
          return x.sum();
        }

        @Differentiable
        public static Tensor reassignInBranch(Tensor x, Tensor y, boolean flip) {
          if (flip) {
            x = y.t();
          }
          return x.mul(y.t()).sum();
        }

        @Differentiable
        public static Tensor swap(Tensor a, Tensor b) {
          Tensor t = a;
          a = b.sum(1, false);
          b = t.mul(2.0);
          return a.mul(b.sum(1, false)).sum();
        }

        @Differentiable
        public static Tensor shifted(Tensor x) {
          return x.add(SHIFT).square().sum();
        }

        @Differentiable
        public static Tensor trained(Tensor x) {
          return x.mul(TRAINED).sum();
        }

        @Differentiable
        public static Tensor unused(Tensor a, Tensor b) {
          return a.square().sum();
        }

        @Differentiable
        public static Tensor constant(Tensor a) {
          return a.detach().add(Tensor.ones(a.shape())).sum();
        }
      }
      """;

  private static CompiledCompanion compiled;

  @BeforeAll
  static void compile() {
    compiled = CompiledCompanion.compile("demo.N", SOURCE);
  }

  private static Tensor node(String name, Object... args) {
    return (Tensor) compiled.callStatic("demo.NGrad", name, args);
  }

  private static Tensor original(String name, Object... args) {
    return (Tensor) compiled.callStatic("demo.N", name, args);
  }

  private static Tensor leaf(long seed, int... shape) {
    return Tensor.randn(new Generator().manualSeed(seed), shape).requiresGrad();
  }

  private static Tensor[] leaves(Tensor... inputs) {
    return Arrays.stream(inputs).map(t -> t.detach().requiresGrad()).toArray(Tensor[]::new);
  }

  /**
   * Runs {@code name} once as a node and once eagerly on fresh leaves of the same values, each followed by
   * {@code sum().backward()}, and asserts equal forward values and equal gradients, NaN equal to NaN and a
   * missing gradient ({@code null}) only where eager has none.
   */
  private static void sameAsEager(String name, Function<Tensor[], Object[]> args, Tensor... inputs) {
    Tensor[] viaNode = leaves(inputs);
    Tensor[] eager = leaves(inputs);
    Tensor nodeValue = node(name, args.apply(viaNode));
    Tensor eagerValue = original(name, args.apply(eager));
    assertTrue(nodeValue.allClose(eagerValue, 1e-12, 1e-12) || nodeValue.equals(eagerValue),
        name + " forward: " + nodeValue + " vs " + eagerValue);
    assertEquals(eagerValue.isRequiresGrad(), nodeValue.isRequiresGrad(), name + " requires grad");
    if (!eagerValue.isRequiresGrad()) {
      return;
    }
    nodeValue.sum().backward();
    eagerValue.sum().backward();
    for (int i = 0; i < inputs.length; i++) {
      Tensor n = viaNode[i].grad();
      Tensor e = eager[i].grad();
      if (e == null) {
        assertNull(n, name + " input " + i + ": eager has no gradient, the node gave " + n);
      } else {
        assertTrue(n != null && (n.equals(e) || n.allClose(e, 1e-9, 1e-12)),
            name + " input " + i + ": " + n + " vs eager " + e);
      }
    }
  }

  // ---- item 6: in-place changes between the call and backward() ----

  @Test
  void tensorChangedInPlaceBeforeBackwardThrowsLikeEager() {
    Tensor x = leaf(1, 3);
    Tensor w = Tensor.randn(new Generator().manualSeed(2), 3);
    Tensor out = node("mulSum", x, w);
    w.addInPlace(Tensor.ones(3));
    IllegalStateException viaNode = assertThrows(IllegalStateException.class, out::backward);
    assertTrue(viaNode.getMessage().contains("modified by an inplace operation"), viaNode.getMessage());
    assertTrue(viaNode.getMessage().contains("MulSumBackward"), viaNode.getMessage());
    // Eager autograd refuses the same program.
    Tensor w2 = Tensor.randn(new Generator().manualSeed(2), 3);
    Tensor eager = original("mulSum", x, w2);
    w2.addInPlace(Tensor.ones(3));
    assertThrows(IllegalStateException.class, eager::backward);
  }

  @Test
  void changeThroughAViewOrOfALeafUnderNoGradIsSeenToo() {
    Tensor x = leaf(3, 2, 3);
    Tensor w = Tensor.randn(new Generator().manualSeed(4), 2, 3);
    Tensor out = node("mulSum", x, w);
    w.reshape(6).mulInPlace(2.0);
    assertThrows(IllegalStateException.class, out::backward);
    Tensor y = leaf(5, 3);
    Tensor out2 = node("mulSum", y, Tensor.randn(new Generator().manualSeed(6), 3));
    Tensor.noGrad(() -> y.subInPlace(Tensor.ones(3)));
    assertThrows(IllegalStateException.class, out2::backward);
  }

  @Test
  void stridedViewArgumentsGiveEagerGradients() {
    // Non-contiguous leaves: a transpose, a slice with a step, an expansion (stride 0), a select at an offset.
    sameAsEager("product", xs -> new Object[] {xs[0], xs[1]}, leaf(40, 4, 3).t(), leaf(41, 8, 2).slice(0, 0, 8, 2));
    sameAsEager("mulSum", xs -> new Object[] {xs[0], xs[1]}, leaf(42, 3, 1).expand(3, 4),
        leaf(43, 2, 4).select(0, 1));
    // Views taken inside the call, of a non-leaf argument.
    Tensor a = leaf(44, 3, 4);
    Tensor viaNode = node("product", a.mul(2.0).t().t(), a.t().slice(1, 0, 3, 2));
    viaNode.backward();
    Tensor b = a.detach().requiresGrad();
    original("product", b.mul(2.0).t().t(), b.t().slice(1, 0, 3, 2)).backward();
    assertTrue(a.grad().allClose(b.grad(), 1e-12, 1e-12), a.grad() + " vs " + b.grad());
  }

  @Test
  void changeThroughAnotherViewOfASavedViewArgumentThrows() {
    Tensor base = Tensor.randn(new Generator().manualSeed(46), 3, 4);
    Tensor out = node("mulSum", leaf(47, 4, 3), base.t());
    base.select(0, 0).fill_(1.0); // the saved argument is base's transpose: same storage and version counter
    IllegalStateException e = assertThrows(IllegalStateException.class, out::backward);
    assertTrue(e.getMessage().contains("modified by an inplace operation"), e.getMessage());
  }

  @Test
  void unchangedTensorsStillGiveEagerGradients() {
    sameAsEager("mulSum", xs -> new Object[] {xs[0], xs[1]}, leaf(7, 2, 3), leaf(8, 3));
  }

  @Test
  void arrayArgumentsChangedBeforeBackwardThrow() {
    Tensor logits = leaf(9, 3, 4);
    int[] labels = {0, 3, 1};
    double[] scale = {1.5};
    Tensor out = node("labelled", logits, labels, scale);
    labels[0] = 2; // the next micro-batch reuses the buffer
    IllegalStateException e = assertThrows(IllegalStateException.class, out::backward);
    assertTrue(e.getMessage().contains("modified by an inplace operation") && e.getMessage().contains("'labels'"),
        e.getMessage());

    int[] labels2 = {0, 3, 1};
    double[] scale2 = {1.5};
    Tensor out2 = node("labelled", logits, labels2, scale2);
    scale2[0] = 4.0;
    IllegalStateException e2 = assertThrows(IllegalStateException.class, out2::backward);
    assertTrue(e2.getMessage().contains("'scale'"), e2.getMessage());
  }

  @Test
  void unchangedArraysGiveEagerGradients() {
    int[] labels = {0, 3, 1};
    double[] scale = {1.5};
    sameAsEager("labelled", xs -> new Object[] {xs[0], labels, scale}, leaf(10, 3, 4));
    assertArrayEquals(new int[] {0, 3, 1}, labels);
  }

  // ---- item 7: double backward ----

  @Test
  void hessianThroughAGeneratedNodeIsExact() {
    Tensor x = Tensor.randn(new Generator().manualSeed(11), 3);
    // The node's second pass runs the original method with recorded operations: the exact Hessian diag(6x).
    Tensor h = Autograd.hessian(t -> node("cube", t), x);
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        assertEquals(i == j ? 6 * x.get(i) : 0.0, h.get(i, j), 1e-12);
      }
    }
  }

  @Test
  void createGraphGivesTheFirstAndSecondDerivatives() {
    Tensor x = leaf(12, 3);
    Tensor g = Autograd.grad(node("cube", x), new Tensor[] {x}, null, false, true)[0];
    assertTrue(g.allClose(x.square().mul(3.0).detach(), 1e-12, 1e-12), g.toString());
    assertTrue(g.isRequiresGrad());
    g.sum().backward();
    // d/dx sum(3x^2) = 6x
    assertTrue(x.grad().allClose(x.mul(6.0).detach(), 1e-12, 1e-12), x.grad().toString());
    // A loss mixing the node with eager operations: d/dy sum(3y^2 + 2y) = 6y + 2.
    Tensor y = leaf(13, 3);
    Tensor mixed = node("cube", y).add(y.square().sum());
    Tensor gy = Autograd.grad(mixed, new Tensor[] {y}, null, false, true)[0];
    Tensor second = Autograd.grad(gy.sum(), new Tensor[] {y}, null, false, false)[0];
    assertTrue(second.allClose(y.mul(6.0).add(2.0).detach(), 1e-12, 1e-12), second.toString());
  }

  // ---- item 8: batched products ----

  @Test
  void matmulOfEveryRankPairGradientChecks() {
    int[][][] shapes = {
        {{2, 3, 4}, {4, 5}}, {{2, 3, 4}, {2, 4, 5}}, {{3, 4}, {2, 4, 5}}, {{1, 3, 4}, {2, 4, 5}},
        {{2, 3, 4}, {1, 4, 5}}, {{4}, {2, 4, 5}}, {{2, 3, 4}, {4}}, {{4}, {4, 5}}, {{3, 4}, {4}}, {{4}, {4}}};
    long seed = 20;
    for (int[][] s : shapes) {
      Tensor a = leaf(seed++, s[0]);
      Tensor b = leaf(seed++, s[1]);
      String what = Arrays.toString(s[0]) + " x " + Arrays.toString(s[1]);
      assertTrue(Gradcheck.gradcheck(xs -> node("product", xs[0], xs[1]), a, b), what);
      sameAsEager("product", xs -> new Object[] {xs[0], xs[1]}, a, b);
    }
  }

  // ---- item 9 and the kernels' edge cases ----

  @Test
  void maxAndMinWithNaNSendTheGradientToTheNaNAsEager() {
    sameAsEager("extremes", xs -> new Object[] {xs[0]}, Tensor.of(1.0, Double.NaN, 3.0, -2.0));
    sameAsEager("extremes", xs -> new Object[] {xs[0]}, Tensor.of(Double.NaN, 2.0, Double.NaN));
    Tensor x = Tensor.of(1.0, Double.NaN, 3.0).requiresGrad();
    node("extremes", x).backward();
    // max and min are both the NaN: 1 + 2 to it, nothing to the others.
    assertEquals(Tensor.of(0.0, 3.0, 0.0), x.grad());
  }

  @Test
  void tiesAreSplitAsEager() {
    sameAsEager("extremes", xs -> new Object[] {xs[0]}, Tensor.of(3.0, 1.0, 3.0, 1.0, 1.0));
    Tensor x = Tensor.of(3.0, 1.0, 3.0, 1.0, 1.0).requiresGrad();
    node("extremes", x).backward();
    assertEquals(Tensor.of(0.5, 2.0 / 3, 0.5, 2.0 / 3, 2.0 / 3), x.grad());
  }

  @Test
  void kinksAtZeroAndNaNAsEager() {
    sameAsEager("kinks", xs -> new Object[] {xs[0]}, Tensor.of(0.0, -0.0, 2.0, -3.0));
    sameAsEager("kinks", xs -> new Object[] {xs[0]}, Tensor.of(Double.NaN, 0.0, 1.0));
    Tensor x = Tensor.of(0.0, 2.0, -3.0).requiresGrad();
    node("kinks", x).backward();
    // relu'(0) = 0, abs'(0) = 0, d/dx x^0 = 0, d/dx x^1 = 1: PyTorch's conventions.
    assertEquals(Tensor.of(1.0, 1.0 + 3.0 + 1.0, -3.0 + 1.0), x.grad());
  }

  @Test
  void nonFiniteUpstreamThroughReluAsEager() {
    Tensor[] viaNode = leaves(Tensor.of(-1.0, 0.0, 2.0));
    Tensor[] eager = leaves(Tensor.of(-1.0, 0.0, 2.0));
    Tensor up = Tensor.of(Double.POSITIVE_INFINITY);
    node("reluOnly", viaNode[0]).backward(up);
    original("reluOnly", eager[0]).backward(up);
    // threshold_backward: exactly 0 where x <= 0, whatever the upstream.
    assertEquals(Tensor.of(0.0, 0.0, Double.POSITIVE_INFINITY), eager[0].grad());
    assertEquals(eager[0].grad(), viaNode[0].grad());
  }

  // ---- item 10: parameters reassigned before they are read ----

  @Test
  void parametersReassignedBeforeTheyAreRead() {
    sameAsEager("reassignFromOther", xs -> new Object[] {xs[0], xs[1]}, leaf(40, 2, 3), leaf(41, 2, 3));
    sameAsEager("detachReshape", xs -> new Object[] {xs[0], xs[1]}, leaf(42, 2, 3), leaf(43, 6));
    sameAsEager("reshapeSelf", xs -> new Object[] {xs[0]}, leaf(44, 2, 3));
    sameAsEager("reassignInLoop", xs -> new Object[] {xs[0], 3}, leaf(45, 2, 2));
    sameAsEager("reassignInLoop", xs -> new Object[] {xs[0], 0}, leaf(46, 2, 2));
    sameAsEager("reassignInBranch", xs -> new Object[] {xs[0], xs[1], true}, leaf(47, 3, 2), leaf(48, 2, 3));
    sameAsEager("reassignInBranch", xs -> new Object[] {xs[0], xs[1], false}, leaf(49, 3, 2), leaf(50, 2, 3));
    sameAsEager("swap", xs -> new Object[] {xs[0], xs[1]}, leaf(51, 2, 3), leaf(52, 2, 4));
    assertTrue(Gradcheck.gradcheck(xs -> node("swap", xs[0], xs[1]), leaf(53, 2, 3), leaf(54, 2, 4)));
    assertTrue(Gradcheck.gradcheck(xs -> node("reassignInLoop", xs[0], 2), leaf(55, 2, 2)));
  }

  @Test
  void gradientRecordsOfReassignedParametersHaveTheEntryShapes() {
    Tensor a = Tensor.randn(new Generator().manualSeed(60), 2, 3);
    Tensor b = Tensor.randn(new Generator().manualSeed(61), 2, 3);
    Map<String, Object> g = CompiledCompanion.components(
        compiled.callStatic("demo.NGrad", "reassignFromOtherGradient", a, b));
    // a is overwritten before any read: its derivative is zero, of a's own shape.
    assertEquals(Tensor.zeros(2, 3), g.get("a"));
    // d/db sum(colsum(b) * b) = 2 colsum(b) broadcast: a closed form.
    assertTrue(((Tensor) g.get("b")).allClose(b.sum(0, true).mul(2.0).expand(2, 3), 1e-12, 1e-12));
    Tensor x = Tensor.randn(new Generator().manualSeed(62), 2, 3);
    Map<String, Object> d = CompiledCompanion.components(
        compiled.callStatic("demo.NGrad", "detachReshapeGradient", x, Tensor.randn(new Generator().manualSeed(63), 6)));
    assertEquals(Tensor.zeros(2, 3), d.get("x"));
  }

  // ---- item 11: static final tensors ----

  @Test
  void aConstantTensorIsAConstant() {
    sameAsEager("shifted", xs -> new Object[] {xs[0]}, leaf(70, 3));
  }

  @Test
  void aConstantThatRequiresGradIsRefusedNamingIt() {
    Tensor x = leaf(71, 3);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> node("trained", x));
    assertTrue(e.getMessage().contains("demo.N.TRAINED") && e.getMessage().contains("parameter"), e.getMessage());
    assertThrows(IllegalStateException.class,
        () -> compiled.callStatic("demo.NGrad", "trainedGradient", Tensor.randn(new Generator().manualSeed(72), 3)));
  }

  // ---- item 12: unused inputs and constant results ----

  @Test
  void unusedInputGetsNoGradientAsEager() {
    sameAsEager("unused", xs -> new Object[] {xs[0], xs[1]}, leaf(80, 3), leaf(81, 2));
    Tensor a = leaf(82, 3);
    Tensor b = leaf(83, 2);
    node("unused", a, b).backward();
    assertNull(b.grad());
    // The gradient record still has a zero component (design.md: one per parameter).
    Map<String, Object> g = CompiledCompanion.components(
        compiled.callStatic("demo.NGrad", "unusedGradient", Tensor.randn(new Generator().manualSeed(84), 3), Tensor.randn(new Generator().manualSeed(85), 2)));
    assertEquals(Tensor.zeros(2), g.get("b"));
  }

  @Test
  void constantResultDoesNotRequireGradAsEager() {
    Tensor a = leaf(86, 2, 2);
    Tensor out = node("constant", a);
    assertFalse(out.isRequiresGrad());
    assertFalse(original("constant", a).isRequiresGrad());
    sameAsEager("constant", xs -> new Object[] {xs[0]}, leaf(87, 2, 2));
  }
}
