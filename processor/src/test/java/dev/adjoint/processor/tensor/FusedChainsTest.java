package dev.adjoint.processor.tensor;

import static dev.adjoint.processor.testing.TensorDifferences.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.Autograd;
import dev.adjoint.Generator;
import dev.adjoint.Tensor;
import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.TensorDifferences;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Element-wise chains in generated tensor nodes run as one fused pass ({@code FusedElementwise}) in the forward
 * and the reverse sweep. Checked: which chains the companion fuses; gradients against central differences of the original method and against eager
 * autograd, for equal shapes (the fused loop), broadcast operands and a bias row (the eager fallback), one-element
 * operands, a retained tape run twice; and second derivatives through the node ({@code createGraph}).
 */
class FusedChainsTest {
  private static final String SOURCE = """
      package demo;

      import dev.adjoint.Differentiable;
      import dev.adjoint.NoGrad;
      import dev.adjoint.Tensor;

      public final class F {
        @Differentiable
        public static Tensor softplusLoss(Tensor z, @NoGrad Tensor y) {
          return z.exp().add(1.0).log().sub(y.mul(z)).mean();
        }

        @Differentiable
        public static Tensor smooth(Tensor x, Tensor w) {
          return x.mul(w).tanh().mul(x.sigmoid()).add(x.square().div(2.0)).sum();
        }

        @Differentiable
        public static Tensor zoo(Tensor x, Tensor w) {
          Tensor a = x.mul(x).add(1.0).sqrt().log1p().mul(w.sin());
          Tensor b = w.cos().sub(x.expm1().div(3.0)).neg().mul(x.abs().add(w.relu()));
          return a.add(b).mean();
        }

        @Differentiable
        public static Tensor rows(Tensor m, Tensor v, Tensor s) {
          return m.add(v).tanh().mul(m).sub(s).square().sum();
        }

        @Differentiable
        public static Tensor vector(Tensor x, Tensor w) {
          return x.div(w.square().add(1.0)).exp().mul(w);
        }

        @Differentiable
        public static Tensor scaled(Tensor x, double c) {
          return x.mul(Math.sin(c)).tanh().mul(x).sum();
        }
      }
      """;

  private static CompiledCompanion compiled;
  private static String generated;

  @BeforeAll
  static void compile() {
    compiled = CompiledCompanion.compile("demo.F", SOURCE);
    generated = compiled.generatedSource("demo.FGrad");
  }

  private static Tensor randn(long seed, int... shape) {
    return Tensor.randn(new Generator().manualSeed(seed), shape);
  }

  private static Tensor labels(long seed, int n) {
    double[] v = randn(seed, n).toArray();
    for (int i = 0; i < n; i++) {
      v[i] = v[i] > 0 ? 1 : 0;
    }
    return Tensor.fromArray(v, n);
  }

  private static Tensor node(String name, Object... args) {
    return (Tensor) compiled.callStatic("demo.FGrad", name, args);
  }

  private static Tensor original(String name, Object... args) {
    return (Tensor) compiled.callStatic("demo.F", name, args);
  }

  /** The fused programs in the companion's method {@code name}'s tape class. */
  private static String programsOf(String tape) {
    int from = generated.indexOf("class " + tape + " ");
    int to = generated.indexOf("\n  }\n", from);
    StringBuilder programs = new StringBuilder();
    Matcher m = Pattern.compile("FusedElementwise\\.(\\w+)\\((?:[\\w$]+, )?\"([^\"]*)\"")
        .matcher(generated.substring(from, to));
    while (m.find()) {
      programs.append(m.group(1)).append('[').append(m.group(2)).append("] ");
    }
    return programs.toString().trim();
  }

  @Test
  void chainsAreFusedInTheForwardAndTheReverseSweep() {
    String softplus = programsOf("SoftplusLossTape");
    // forward: log(exp(z) + 1) in one pass (exp kept for the reverse), the mean of (that - y z) without an array
    assertTrue(softplus.contains("eval[t0 s0 add log]"), softplus);
    assertTrue(softplus.contains("mean[t0 t1 t2 mul sub]"), softplus);
    // reverse: each contribution to dz, unbroadcast and accumulated, in one pass
    assertTrue(softplus.contains("accumulate[t0 u1 t2 div t3 mul]"), softplus);
    assertTrue(softplus.contains("accumulate[t0 neg u1 t2 mul u3]"), softplus);
    // y z and its difference with the log are read back only for their shapes (mean, unbroadcast): not computed
    String sweep = generated.substring(generated.indexOf("class SoftplusLossTape "));
    sweep = sweep.substring(sweep.indexOf("private SoftplusLossGradient sweep$"));
    assertTrue(sweep.contains("= FusedElementwise.shapeOf(\"t0 t1 mul\", new Tensor[] {y, z}"), sweep);
    assertTrue(sweep.contains("= FusedElementwise.shapeOf(\"t0 t1 sub\""), sweep);
    assertFalse(sweep.contains("= y.mul(z)"), sweep);
    // tanh's adjoint g (1 - y²) in one pass
    assertTrue(programsOf("SmoothTape").contains("t3 t4 mul neg s0 add mul"), programsOf("SmoothTape"));
    // Math.sin(c) is pure: fused as a scalar operand
    assertTrue(programsOf("ScaledTape").contains("t0 s0 mul tanh"), programsOf("ScaledTape"));
  }

  private static void checkGradient(String name, Tensor[] inputs, boolean[] requires, Object... extra) {
    Tensor[] leaves = TensorDifferences.leaves(inputs, i -> requires[i]);
    Tensor out = node(name, TensorDifferences.arguments(leaves, extra));
    Tensor upstream = out.numel() == 1 ? Tensor.onesLike(out) : randn(99, out.shape());
    out.backward(upstream);
    double[][] fd = TensorDifferences.of(args -> original(name, args), inputs, upstream, extra);
    Tensor[] eager = TensorDifferences.leaves(inputs, i -> requires[i]);
    original(name, TensorDifferences.arguments(eager, extra)).backward(upstream);
    assertEquals(Tensor.noGrad(() -> original(name, TensorDifferences.arguments(inputs, extra))).toArray()[0],
        out.toArray()[0], 1e-12 * (1 + Math.abs(out.toArray()[0])), name + " value");
    for (int i = 0; i < inputs.length; i++) {
      if (!requires[i]) {
        continue;
      }
      assertClose(fd[i], leaves[i].grad().toArray(), 1.0, name + " input " + i + " vs differences");
      double[] e = eager[i].grad().toArray();
      double[] g = leaves[i].grad().toArray();
      for (int k = 0; k < e.length; k++) {
        assertEquals(e[k], g[k], 1e-12 * (1 + Math.abs(e[k])), name + " input " + i + " vs eager, element " + k);
      }
    }
  }

  @Test
  void gradientsMatchCentralDifferencesAndEagerAutograd() {
    // 1300 elements: several blocks of the fused loop and a partial one
    checkGradient("softplusLoss", new Tensor[] {randn(1, 1300), labels(2, 1300)},
        new boolean[] {true, false});
    checkGradient("smooth", new Tensor[] {randn(3, 4, 5), randn(4, 4, 5)}, new boolean[] {true, true});
    checkGradient("zoo", new Tensor[] {randn(5, 6, 3), randn(6, 6, 3)}, new boolean[] {true, true});
    checkGradient("vector", new Tensor[] {randn(7, 9), randn(8, 9)}, new boolean[] {true, true});
    checkGradient("scaled", new Tensor[] {randn(9, 5)}, new boolean[] {true}, 0.7);
  }

  @Test
  void broadcastAndOneElementOperandsRunTheEagerFallback() {
    // a bias row and a one-element operand: the forward broadcasts, the reverse sums back (unbroadcast)
    checkGradient("rows", new Tensor[] {randn(10, 3, 4), randn(11, 4), randn(12, 1)}, new boolean[] {true, true,
        true});
    checkGradient("rows", new Tensor[] {randn(13, 3, 4), randn(14, 3, 4), Tensor.of(0.3)},
        new boolean[] {true, false, true});
    // one-element operands against a full one: broadcast scalars in the fused loop
    checkGradient("smooth", new Tensor[] {randn(15, 6), Tensor.of(1.7)}, new boolean[] {true, true});
    checkGradient("vector", new Tensor[] {Tensor.of(0.4), randn(16, 5)}, new boolean[] {true, true});
    // a single element everywhere
    checkGradient("vector", new Tensor[] {Tensor.of(0.4), Tensor.of(-0.6)}, new boolean[] {true, true});
  }

  @Test
  void aRetainedTapeGivesTheSameGradientTwice() {
    Tensor x = randn(20, 30).requiresGrad();
    Tensor w = randn(21, 30).requiresGrad();
    Tensor out = node("smooth", x, w);
    Tensor[] first = Autograd.grad(out, new Tensor[] {x, w}, null, true);
    Tensor[] second = Autograd.grad(out, new Tensor[] {x, w}, null, false);
    for (int i = 0; i < 2; i++) {
      assertTrue(Arrays.equals(first[i].toArray(), second[i].toArray()), "input " + i);
      assertFalse(first[i].toArray().length == 0);
    }
  }

  @Test
  void secondDerivativesThroughAFusedNode() {
    // Hessian-vector products by a recorded reverse pass through the node, against central differences of the
    // node's own (fused) first-order gradient
    Tensor x0 = randn(30, 7);
    Tensor w0 = randn(31, 7);
    Tensor v = randn(32, 7);
    Tensor x = x0.detach().requiresGrad();
    Tensor w = w0.detach().requiresGrad();
    Tensor gx = Autograd.grad(node("smooth", x, w), new Tensor[] {x}, null, true, true)[0];
    Tensor hv = Autograd.grad(gx.mul(v).sum(), new Tensor[] {x, w}, null, false)[0];
    double h = 1e-5;
    double[] plus = fusedGradient(x0.add(v.mul(h)), w0);
    double[] minus = fusedGradient(x0.sub(v.mul(h)), w0);
    double[] got = hv.toArray();
    boolean nonzero = false;
    for (int k = 0; k < got.length; k++) {
      double fd = (plus[k] - minus[k]) / (2 * h);
      assertEquals(fd, got[k], 1e-6 * (1 + Math.abs(fd)), "element " + k);
      nonzero |= Math.abs(fd) > 1e-3;
    }
    assertTrue(nonzero, "a zero Hessian-vector product checks nothing");
  }

  private static double[] fusedGradient(Tensor x0, Tensor w0) {
    Tensor x = x0.detach().requiresGrad();
    Tensor w = w0.detach().requiresGrad();
    return Autograd.grad(node("smooth", x, w), new Tensor[] {x}, null, false)[0].toArray();
  }
}
