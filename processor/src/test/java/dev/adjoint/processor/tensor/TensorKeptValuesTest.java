package dev.adjoint.processor.tensor;

import static dev.adjoint.processor.testing.TensorDifferences.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.Autograd;
import dev.adjoint.Generator;
import dev.adjoint.Tensor;
import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.TensorDifferences;
import dev.adjoint.runtime.TensorAdjoints;
import java.lang.reflect.Method;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Generated tensor nodes keep the results of costly operations (matrix products, transcendental functions,
 * reductions) their reverse pass reads, instead of computing them again: in a local of the tape outside loops,
 * on the call tape inside loops and {@code ?:} sides, next to callees' tapes. Checked: gradients against
 * central differences of the original method for every shape of kept value, on the node, on the tape after a
 * retained reverse pass and on second derivatives; bit-identical gradients to the kernels the reverse pass ran
 * when it recomputed; the in-place errors for the inputs; that a kept value is private to the node; and that
 * the reverse pass no longer runs the costly operations.
 */
class TensorKeptValuesTest {
  private static final String SOURCE = """
      package demo;

      import dev.adjoint.Differentiable;
      import dev.adjoint.NoGrad;
      import dev.adjoint.Tensor;

      public final class K {
        @Differentiable
        public static Tensor mlp(Tensor w1, Tensor b1, Tensor w2, Tensor b2, @NoGrad Tensor x, int[] targets) {
          Tensor h = x.matmul(w1).add(b1).tanh();
          return Tensor.crossEntropy(h.matmul(w2).add(b2), targets);
        }

        @Differentiable
        public static Tensor logistic(@NoGrad Tensor x, @NoGrad Tensor y, Tensor w, Tensor b) {
          Tensor z = x.matmul(w.reshape(w.numel(), 1)).reshape(x.size(0)).add(b);
          return z.exp().add(1.0).log().sub(y.mul(z)).mean();
        }

        @Differentiable
        public static Tensor looped(Tensor x, Tensor w, int n) {
          Tensor s = x;
          for (int i = 0; i < n; i++) {
            s = s.matmul(w).tanh().add(s.exp().mul(0.1));
          }
          return s.sum();
        }

        @Differentiable
        public static Tensor branches(Tensor x, Tensor w, int n) {
          Tensor s = x;
          for (int i = 0; i < n; i++) {
            s = i % 2 == 0 ? s.mul(w).sin() : s.mul(w).sigmoid().log();
          }
          Tensor t = n > 2 ? s.exp() : s.tanh();
          return t.mul(t.square().add(1.0).sqrt()).sum();
        }

        @Differentiable
        public static Tensor inner(Tensor s, Tensor w) {
          return s.mul(w).tanh();
        }

        @Differentiable
        public static Tensor viaHelper(Tensor x, Tensor w, int n) {
          Tensor s = x;
          for (int i = 0; i < n; i++) {
            Tensor half = s.mul(0.5);
            s = inner(s, w).exp().mul(inner(half, w).sigmoid());
          }
          return inner(s, w).softmax(0).log().sum();
        }

        @Differentiable
        public static Tensor callsLooped(Tensor x, Tensor w, int n) {
          Tensor half = x.mul(0.5);
          Tensor s = x;
          for (int i = 0; i < n; i++) {
            s = looped(s, w, 2).exp().mul(looped(half, w, i).tanh()).add(s);
          }
          return s.log1p().sum();
        }

        @Differentiable
        public static Tensor result(Tensor x, Tensor w) {
          return x.matmul(w).exp();
        }

        @Differentiable
        public static Tensor reassigned(Tensor x, Tensor w) {
          Tensor y = x.matmul(w).exp();
          y = y.matmul(w.t()).logSoftmax(1).exp().mean(1, true).add(y.sum());
          return y.logSoftmax(0).mean();
        }
      }
      """;

  private static CompiledCompanion compiled;

  @BeforeAll
  static void compile() {
    compiled = CompiledCompanion.compile("demo.K", SOURCE);
  }

  private static Object node(String name, Object... args) {
    return compiled.callStatic("demo.KGrad", name, args);
  }

  private static Tensor original(String name, Object... args) {
    return (Tensor) compiled.callStatic("demo.K", name, args);
  }

  private static Tensor randn(long seed, int... shape) {
    return Tensor.randn(new Generator().manualSeed(seed), shape).mul(0.5);
  }

  /** The gradient of {@code sum(upstream · name(inputs..., extra...))} by central differences, per input. */
  private static double[][] differences(String name, Tensor[] inputs, Tensor upstream, Object... extra) {
    return TensorDifferences.of(args -> original(name, args), inputs, upstream, extra);
  }

  /**
   * The node's gradients equal central differences; a second reverse pass over the retained graph reads the
   * same kept values (the call tape is read again from its end) and adds the same gradients again.
   */
  private static void matchesDifferences(String name, Tensor upstream, Tensor[] inputs, Object... extra) {
    double[][] expected = differences(name, inputs, upstream, extra);
    Tensor[] leaves = TensorDifferences.leaves(inputs, i -> true);
    Tensor out = (Tensor) node(name, TensorDifferences.arguments(leaves, extra));
    out.backward(upstream, true);
    for (int i = 0; i < inputs.length; i++) {
      assertClose(expected[i], gradOrZeros(leaves[i], expected[i]), 1, name + " input " + i);
    }
    out.backward(upstream);
    for (int i = 0; i < inputs.length; i++) {
      assertClose(expected[i], gradOrZeros(leaves[i], expected[i]), 2, name + " input " + i + ", retained pass added");
    }
  }

  /** The leaf's gradient; none (null) only where the differences are all zero (no path reached it). */
  private static double[] gradOrZeros(Tensor leaf, double[] expected) {
    if (leaf.grad() == null) {
      for (double e : expected) {
        assertEquals(0.0, e, "no gradient reached an input whose differences are not zero");
      }
      return new double[expected.length];
    }
    return leaf.grad().toArray();
  }

  private static Tensor one() {
    return Tensor.ones();
  }

  @Test
  void keptValuesGiveTheGradientsOfCentralDifferences() {
    matchesDifferences("looped", one(), new Tensor[] {randn(1, 2, 3), randn(2, 3, 3)}, 3);
    matchesDifferences("looped", one(), new Tensor[] {randn(3, 2, 3), randn(4, 3, 3)}, 0);
    for (int n = 0; n < 5; n++) { // both sides of the loop's ?: and of the one after it
      matchesDifferences("branches", one(), new Tensor[] {randn(5 + n, 4), randn(6 + n, 4)}, n);
    }
    matchesDifferences("viaHelper", one(), new Tensor[] {randn(12, 4), randn(13, 4)}, 3);
    // callees whose loops keep values on this method's call tape, between its own kept values and their tapes
    matchesDifferences("callsLooped", one(), new Tensor[] {randn(19, 2, 3), randn(20, 3, 3).mul(0.3)}, 3);
    matchesDifferences("result", randn(14, 2, 4), new Tensor[] {randn(15, 2, 3), randn(16, 3, 4)});
    matchesDifferences("reassigned", one(), new Tensor[] {randn(17, 3, 2), randn(18, 2, 4)});
  }

  @Test
  void theTapeAndItsRetainedReversePassReadTheKeptValuesToo() throws Exception {
    Tensor x = randn(20, 2, 3);
    Tensor w = randn(21, 3, 3);
    double[][] expected = differences("looped", new Tensor[] {x, w}, one(), 4);
    Object tape = node("loopedForward", x, w, 4);
    Method backward = tape.getClass().getMethod("backward", Tensor.class, boolean.class);
    for (int pass = 0; pass < 2; pass++) {
      Object gradient = backward.invoke(tape, one(), pass == 0);
      assertClose(expected[0], ((Tensor) gradient.getClass().getMethod("x").invoke(gradient)).toArray(), 1, "x");
      assertClose(expected[1], ((Tensor) gradient.getClass().getMethod("w").invoke(gradient)).toArray(), 1, "w");
    }
  }

  @Test
  void secondDerivativesThroughNodesWithKeptValuesMatchEagerAutograd() {
    for (String name : new String[] {"looped", "reassigned", "viaHelper"}) {
      Tensor x = randn(30, name.equals("reassigned") ? new int[] {3, 2} : new int[] {2, 3});
      Tensor w = randn(31, name.equals("reassigned") ? new int[] {2, 4} : new int[] {3, 3});
      if (name.equals("viaHelper")) {
        x = randn(30, 3);
        w = randn(31, 3);
      }
      Object[] extra = name.equals("reassigned") ? new Object[0] : new Object[] {2};
      Tensor xn = x.detach().requiresGrad();
      Tensor wn = w.detach().requiresGrad();
      Tensor xe = x.detach().requiresGrad();
      Tensor we = w.detach().requiresGrad();
      Tensor[] first = Autograd.grad((Tensor) node(name, TensorDifferences.arguments(new Tensor[] {xn, wn}, extra)),
          new Tensor[] {xn}, null, true, true);
      Tensor[] firstEager = Autograd.grad(original(name, TensorDifferences.arguments(new Tensor[] {xe, we}, extra)),
          new Tensor[] {xe}, null, true, true);
      assertTrue(first[0].allClose(firstEager[0], 1e-10, 1e-12), name + ": " + first[0] + " vs " + firstEager[0]);
      Tensor[] second = Autograd.grad(first[0].square().sum(), new Tensor[] {wn});
      Tensor[] secondEager = Autograd.grad(firstEager[0].square().sum(), new Tensor[] {we});
      assertTrue(second[0].allClose(secondEager[0], 1e-9, 1e-12), name + ": " + second[0] + " vs " + secondEager[0]);
    }
  }

  /**
   * The gradients are bit for bit those of the kernels the reverse pass ran when it computed the intermediates
   * again (written out here from that generated code): the same operations on the same values.
   */
  @Test
  void gradientsAreBitIdenticalToTheRecomputingReversePass() {
    Tensor w1 = randn(40, 6, 5);
    Tensor b1 = randn(41, 5);
    Tensor w2 = randn(42, 5, 3);
    Tensor b2 = randn(43, 3);
    Tensor x = randn(44, 4, 6);
    int[] targets = {0, 2, 1, 2};
    Tensor[] leaves = {w1.detach().requiresGrad(), b1.detach().requiresGrad(), w2.detach().requiresGrad(),
        b2.detach().requiresGrad()};
    Tensor out = (Tensor) node("mlp", leaves[0], leaves[1], leaves[2], leaves[3], x, targets);
    out.backward();
    Tensor[] expected = Tensor.noGrad(() -> {
      Tensor h = x.matmul(w1).add(b1).tanh();
      Tensor g = TensorAdjoints.implicitUpstream(out);
      Tensor v7 = h.matmul(w2);
      Tensor v8 = v7.add(b2);
      Tensor g9 = TensorAdjoints.crossEntropy(g, v8, targets);
      Tensor g10 = TensorAdjoints.unbroadcast(g9, v7);
      Tensor dh = TensorAdjoints.matmulFirst(g10, h, w2);
      Tensor dw2 = TensorAdjoints.matmulSecond(g10, h, w2);
      Tensor db2 = TensorAdjoints.unbroadcast(g9, b2);
      Tensor v2 = x.matmul(w1);
      Tensor v4 = v2.add(b1).tanh();
      Tensor g5 = dh.mul(v4.mul(v4).neg().add(1.0));
      Tensor dw1 = TensorAdjoints.matmulSecond(TensorAdjoints.unbroadcast(g5, v2), x, w1);
      Tensor db1 = TensorAdjoints.unbroadcast(g5, b1);
      return new Tensor[] {dw1, db1, dw2, db2};
    });
    for (int i = 0; i < 4; i++) {
      assertArrayEquals(expected[i].toArray(), leaves[i].grad().toArray(), "mlp input " + i);
    }
    assertEquals(Tensor.noGrad(() -> Tensor.crossEntropy(x.matmul(w1).add(b1).tanh().matmul(w2).add(b2), targets))
        .item(), out.item());

    Tensor lx = randn(45, 7, 4);
    Tensor ly = Tensor.fromArray(new double[] {1, 0, 0, 1, 1, 0, 1}, 7);
    Tensor w = randn(46, 4);
    Tensor b = randn(47, 1);
    Tensor wl = w.detach().requiresGrad();
    Tensor bl = b.detach().requiresGrad();
    Tensor loss = (Tensor) node("logistic", lx, ly, wl, bl);
    loss.backward();
    Tensor[] logistic = Tensor.noGrad(() -> {
      Tensor z = lx.matmul(w.reshape(w.numel(), 1)).reshape(lx.size(0)).add(b);
      Tensor g = TensorAdjoints.implicitUpstream(loss);
      Tensor v5 = ly.mul(z);
      Tensor e = z.exp();
      Tensor l = e.add(1.0).log();
      Tensor v6 = l.sub(v5);
      Tensor g8 = TensorAdjoints.expandLike(g, v6).div((double) v6.numel());
      Tensor v9 = e.add(1.0);
      Tensor dz = TensorAdjoints.unbroadcast(g8, l).div(v9).mul(e);
      dz = TensorAdjoints.accumulate(dz, TensorAdjoints.unbroadcast(TensorAdjoints.unbroadcast(g8.neg(), v5).mul(ly), z));
      Tensor product = lx.matmul(w.reshape(w.numel(), 1));
      Tensor v2 = product.reshape(lx.size(0));
      Tensor v3 = w.reshape(w.numel(), 1);
      Tensor dw = TensorAdjoints.matmulSecond(TensorAdjoints.unbroadcast(dz, v2).reshape(product.shape()), lx, v3)
          .reshape(w.shape());
      return new Tensor[] {dw, TensorAdjoints.unbroadcast(dz, b)};
    });
    assertArrayEquals(logistic[0].toArray(), wl.grad().toArray(), "logistic w");
    assertArrayEquals(logistic[1].toArray(), bl.grad().toArray(), "logistic b");
  }

  @Test
  void inputsChangedInPlaceAfterTheForwardStillThrowPyTorchsError() {
    Tensor x = randn(50, 2, 3);
    for (int which = 0; which < 2; which++) {
      Tensor xl = x.detach().requiresGrad();
      Tensor wl = randn(51, 3, 4).requiresGrad();
      Tensor out = (Tensor) node("result", xl, wl);
      Tensor changed = which == 0 ? xl : wl;
      Tensor.noGrad(() -> changed.mulInPlace(2.0));
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> out.backward(Tensor.onesLike(out)));
      assertTrue(e.getMessage().contains("modified by an inplace operation"), e.getMessage());
    }
    // a data input (@NoGrad, no edge) is saved with its version too
    Tensor data = randn(52, 4, 6);
    Tensor w1 = randn(53, 6, 5).requiresGrad();
    Tensor out = (Tensor) node("mlp", w1, randn(54, 5).requiresGrad(), randn(55, 5, 3).requiresGrad(),
        randn(56, 3).requiresGrad(), data, new int[] {0, 1, 2, 0});
    data.addInPlace(Tensor.onesLike(data));
    assertThrows(IllegalStateException.class, out::backward);
  }

  @Test
  void aKeptValueIsPrivateToTheNode() {
    // The result leaves the node as a copy: changing it in place does not reach the exp the reverse pass reads.
    Tensor x = randn(60, 2, 3);
    Tensor w = randn(61, 3, 4);
    Tensor upstream = randn(62, 2, 4);
    double[][] expected = differences("result", new Tensor[] {x, w}, upstream);
    Tensor xl = x.detach().requiresGrad();
    Tensor wl = w.detach().requiresGrad();
    Tensor out = (Tensor) node("result", xl, wl);
    Tensor.noGrad(() -> out.mulInPlace(0.0));
    out.backward(upstream);
    assertClose(expected[0], xl.grad().toArray(), 1, "x");
    assertClose(expected[1], wl.grad().toArray(), 1, "w");
    // the tape's value() is a copy too
    Object tape = node("resultForward", x, w);
    Tensor value = (Tensor) invoke(tape, "value");
    value.mulInPlace(0.0);
    assertFalse(((Tensor) invoke(tape, "value")).allClose(value, 0, 0));
  }

  private static Object invoke(Object target, String method) {
    try {
      return target.getClass().getMethod(method).invoke(target);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void theReversePassReadsKeptValuesInsteadOfRunningTheCostlyOperationsAgain() {
    String generated = compiled.generatedSource("demo.KGrad");
    String mlp = tapeSweep(generated, "MlpTape");
    assertFalse(mlp.contains(".matmul(") || mlp.contains(".tanh("), mlp);
    String logistic = tapeSweep(generated, "LogisticTape");
    assertFalse(logistic.contains(".matmul(") || logistic.contains(".exp(") || logistic.contains(".log("), logistic);
    String looped = tapeSweep(generated, "LoopedTape");
    assertFalse(looped.contains(".matmul(") || looped.contains(".tanh(") || looped.contains(".exp("), looped);
    assertTrue(generated.contains("_refs.pushed(s.matmul(w).tanh())"), generated);
    // cheap operations are computed again: the sin's argument s·w, read by its partial cos(s·w)
    assertTrue(tapeSweep(generated, "BranchesTape").contains("s.mul(w)"), generated);
  }

  /** The code of the reverse sweep of the tape class {@code tape} in {@code generated}, without comments. */
  private static String tapeSweep(String generated, String tape) {
    int at = generated.indexOf("class " + tape);
    int sweep = generated.indexOf("sweep$(Tensor upstream", at);
    return generated.substring(sweep, generated.indexOf("return gradient$", sweep)).replaceAll("//[^\n]*", "");
  }

  @Test
  void aNonRequiringInputStillGetsNoGradient() {
    Tensor xl = randn(70, 2, 3);
    Tensor wl = randn(71, 3, 3).requiresGrad();
    Tensor out = (Tensor) node("looped", xl, wl, 3);
    out.backward();
    assertNull(xl.grad());
    double[][] expected = differences("looped", new Tensor[] {xl, wl}, one(), 3);
    assertClose(expected[1], wl.grad().toArray(), 1, "w");
  }
}
