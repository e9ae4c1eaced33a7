package dev.adjoint.processor.tensor;

import static dev.adjoint.processor.testing.TensorDifferences.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.Autograd;
import dev.adjoint.Generator;
import dev.adjoint.Tensor;
import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.TensorDifferences;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PyTorch's {@code needs_input_grad} in generated tensor nodes: the node's reverse pass computes no gradient
 * for an input that did not require grad when the node was made. Every combination of requiring and
 * non-requiring inputs is checked against central differences of the original method, a non-requiring
 * input's {@code grad()} stays null, and the skipped work shows in the bytes the reverse pass allocates.
 */
class TensorNodeInputGradsTest {
  private static final String SOURCE = """
      package demo;

      import dev.adjoint.Differentiable;
      import dev.adjoint.NoGrad;
      import dev.adjoint.Tensor;

      public final class G {
        @Differentiable
        public static Tensor mlp(Tensor w1, Tensor b1, Tensor w2, Tensor b2, Tensor x) {
          Tensor h = x.matmul(w1).add(b1).tanh();
          return h.matmul(w2).add(b2).square().sum();
        }

        @Differentiable
        public static Tensor viaHelper(Tensor w1, Tensor b1, Tensor w2, Tensor b2, Tensor x) {
          return mlp(w1, b1, w2, b2, x).mul(0.5);
        }

        @Differentiable
        public static Tensor reassigned(Tensor x, Tensor w) {
          x = x.mul(w).tanh();
          return x.mul(w).sum();
        }

        @Differentiable
        public static Tensor looped(Tensor x, Tensor w, int n) {
          Tensor s = x;
          for (int i = 0; i < n; i++) {
            s = s.mul(w).sin().add(x);
          }
          return s.square().sum();
        }

        @Differentiable
        public static Tensor wide(Tensor w, Tensor x) {
          return x.matmul(w).tanh().sum();
        }

        @Differentiable
        public static Tensor dataViaHelper(Tensor w, @NoGrad Tensor x) {
          return wide(w, x).mul(2.0);
        }
      }
      """;

  private static CompiledCompanion compiled;

  @BeforeAll
  static void compile() {
    compiled = CompiledCompanion.compile("demo.G", SOURCE);
  }

  private static Tensor node(String name, Object... args) {
    return (Tensor) compiled.callStatic("demo.GGrad", name, args);
  }

  private static Tensor original(String name, Object... args) {
    return (Tensor) compiled.callStatic("demo.G", name, args);
  }

  private static Tensor randn(long seed, int... shape) {
    return Tensor.randn(new Generator().manualSeed(seed), shape).mul(0.7);
  }

  /** The gradient of the one-element {@code name(inputs..., extra...)} by central differences, per input. */
  private static double[][] differences(String name, Tensor[] inputs, Object... extra) {
    return TensorDifferences.of(args -> original(name, args), inputs, Tensor.ones(), extra);
  }

  /**
   * For every non-empty set of inputs that require grad: the node's {@code backward()} gives the requiring
   * inputs the central-difference gradient and leaves the others' {@code grad()} null.
   */
  private static void everyCombination(String name, Tensor[] inputs, Object... extra) {
    double[][] expected = differences(name, inputs, extra);
    for (int mask = 1; mask < 1 << inputs.length; mask++) {
      int requiring = mask;
      Tensor[] leaves = TensorDifferences.leaves(inputs, i -> (requiring >> i & 1) != 0);
      Tensor out = node(name, TensorDifferences.arguments(leaves, extra));
      assertTrue(out.isRequiresGrad(), name + " mask " + mask);
      out.backward();
      for (int i = 0; i < inputs.length; i++) {
        if ((mask >> i & 1) == 0) {
          assertNull(leaves[i].grad(), name + " mask " + mask + ": input " + i + " needs no gradient");
          continue;
        }
        assertClose(expected[i], leaves[i].grad().toArray(), 1, name + " mask " + mask + " input " + i);
      }
    }
  }

  private static Tensor[] mlpInputs() {
    return new Tensor[] {randn(1, 4, 5), randn(2, 5), randn(3, 5, 2), randn(4, 2), randn(5, 3, 4)};
  }

  @Test
  void everyCombinationOfRequiringInputsMatchesCentralDifferences() {
    everyCombination("mlp", mlpInputs());
    everyCombination("viaHelper", mlpInputs());
    everyCombination("reassigned", new Tensor[] {randn(6, 2, 3), randn(7, 3)});
    everyCombination("looped", new Tensor[] {randn(8, 4), randn(9, 4)}, 3);
  }

  @Test
  void theNodeGuardsTheAdditionsOfEveryInputWhoseAdjointNothingElseReads() {
    String generated = compiled.generatedSource("demo.GGrad");
    for (String p : new String[] {"w1", "b1", "w2", "b2", "x"}) {
      assertTrue(generated.contains("if (need$" + p + ")"), p + "\n" + generated);
    }
    // x is reassigned in reassigned(): its adjoint carries the tanh's and is read, so it is not guarded
    String reassigned = generated.substring(generated.indexOf("class ReassignedTape"),
        generated.indexOf("class ReassignedTape") + 6000);
    assertFalse(reassigned.substring(0, reassigned.indexOf("return gradient$")).contains("if (need$x)"),
        reassigned);
  }

  /** Bytes the current thread allocates while {@code body} runs. */
  private static long allocated(Runnable body) {
    com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    long before = bean.getThreadAllocatedBytes(id);
    body.run();
    return bean.getThreadAllocatedBytes(id) - before;
  }

  @Test
  void noGradientIsComputedForDataThatDoesNotRequireIt() {
    // x: 256 x 512 doubles (1 MiB); w: 512 x 4. The gradient of x alone is a 1 MiB tensor.
    Tensor w = randn(10, 512, 4);
    Tensor x = randn(11, 256, 512);
    long xBytes = 8L * x.numel();
    long[] bytes = new long[2];
    for (int round = 0; round < 3; round++) { // the last round counts, after class loading and warm-up
      for (int needsX = 0; needsX < 2; needsX++) {
        Tensor wl = w.detach().requiresGrad();
        Tensor xl = x.detach().requiresGrad(needsX == 1);
        Tensor out = node("wide", wl, xl);
        bytes[needsX] = allocated(out::backward);
        assertEquals(needsX == 1, xl.grad() != null);
      }
    }
    // With x requiring grad the reverse pass makes x-sized tensors three times: the sweep's product g·wᵀ,
    // the gradient record's copy of it, and the leaf's grad(). Without, only the last would remain if the
    // sweep still computed the product (measured: 1.0 MiB more with x than without before this change,
    // 3.0 MiB after), so at least two x-sized allocations must be gone.
    assertTrue(bytes[1] - bytes[0] >= 2 * xBytes,
        "with x: " + bytes[1] + " bytes, without: " + bytes[0] + ", x's gradient alone " + xBytes);
  }

  /**
   * A node calling another tensor method with data (a @NoGrad parameter) for a differentiable parameter asks the
   * callee's reverse pass for the other gradients only ({@code m$reverse(upstream, new boolean[] {true, false}, ...)}):
   * the callee computes no x-sized g·wᵀ, which the caller would drop.
   */
  @Test
  void aCalleeComputesNoGradientItsCallerDrops() {
    assertTrue(compiled.generatedSource("demo.GGrad").contains("$reverse(_g$1.mul(2.0), new boolean[] {true, false}, _doubles, _ints, _refs,"),
        compiled.generatedSource("demo.GGrad"));
    everyCombination("dataViaHelper", new Tensor[] {randn(12, 3, 2)}, randn(13, 4, 3));
    Tensor w = randn(14, 512, 4);
    Tensor x = randn(15, 256, 512);
    long xBytes = 8L * x.numel();
    long[] bytes = new long[2];
    for (int round = 0; round < 3; round++) { // the last round counts, after class loading and warm-up
      for (int via = 0; via < 2; via++) {
        Tensor wl = w.detach().requiresGrad();
        Tensor out = via == 1 ? node("dataViaHelper", wl, x) : node("wide", wl, x);
        bytes[via] = allocated(out::backward);
        assertEquals(8L * w.numel(), 8L * wl.grad().numel());
      }
    }
    // Computing x's gradient in the callee would take two x-sized tensors (g·wᵀ and the record's copy of it).
    assertTrue(bytes[1] - bytes[0] < xBytes / 2,
        "through the helper: " + bytes[1] + " bytes, wide alone: " + bytes[0] + ", x's gradient " + xBytes);
  }

  @Test
  void anInputThatRequiresGradOnlyAfterTheCallGetsNoGradientAsInEagerAutograd() {
    Tensor[] in = mlpInputs();
    Tensor[] viaNode = TensorDifferences.leaves(in, i -> i != 4); // x (input 4) is data
    Tensor[] eager = TensorDifferences.leaves(in, i -> i != 4);
    Tensor n = node("mlp", (Object[]) viaNode);
    Tensor e = original("mlp", (Object[]) eager);
    viaNode[4].requiresGrad(true);
    eager[4].requiresGrad(true);
    n.backward();
    e.backward();
    assertNull(eager[4].grad());
    assertNull(viaNode[4].grad());
    for (int i = 0; i < 4; i++) {
      assertTrue(viaNode[i].grad().allClose(eager[i].grad(), 1e-10, 1e-12), i + ": " + viaNode[i].grad());
    }
  }

  @Test
  void doubleBackwardWithADataInputMatchesEagerAutograd() {
    Tensor[] in = mlpInputs();
    Tensor[] viaNode = TensorDifferences.leaves(in, i -> i != 4); // x (input 4) is data
    Tensor[] eager = TensorDifferences.leaves(in, i -> i != 4);
    Tensor[] first = Autograd.grad(node("mlp", (Object[]) viaNode), new Tensor[] {viaNode[0]}, null, true, true);
    Tensor[] firstEager = Autograd.grad(original("mlp", (Object[]) eager), new Tensor[] {eager[0]}, null, true, true);
    assertTrue(first[0].allClose(firstEager[0], 1e-10, 1e-12));
    // d/dw2 of the squared norm of dL/dw1: a second derivative through the node with x a constant
    Tensor[] second = Autograd.grad(first[0].square().sum(), new Tensor[] {viaNode[2]});
    Tensor[] secondEager = Autograd.grad(firstEager[0].square().sum(), new Tensor[] {eager[2]});
    assertTrue(second[0].allClose(secondEager[0], 1e-10, 1e-12), second[0] + " vs " + secondEager[0]);
    assertNull(viaNode[4].grad());
  }
}
