package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link Gradcheck}: passes correct reverse passes, reports the first wrong entry, detects non-reentrant ones. */
class GradcheckTest {

  @Test
  void passesForCorrectOperationsAndLeavesInputsAlone() {
    Tensor a = Tensor.randn(new Generator().manualSeed(1), 2, 3).requiresGrad();
    Tensor b = Tensor.randn(new Generator().manualSeed(2), 3, 2).requiresGrad();
    Tensor c = Tensor.randn(new Generator().manualSeed(3), 2); // constant: not checked
    assertTrue(Gradcheck.gradcheck(x -> x[0].matmul(x[1]).tanh().add(x[2]).softmax(1), a, b, c));
    assertTrue(Gradcheck.gradcheck(x -> Tensor.crossEntropy(x[0], new int[] {2, 0}), a));
    assertEquals(Tensor.randn(new Generator().manualSeed(1), 2, 3), a.detach());
    assertEquals(null, a.grad());
  }

  /** A fused node whose pullback is wrong for entry 1 of input 0. */
  private static Tensor wrong(Tensor x) {
    Tensor value = Tensor.noGrad(() -> x.mul(x));
    double[] saved = x.toArray();
    return Tensor.fromPullback("WrongBackward", value, g -> {
      double[] d = g.toArray();
      for (int i = 0; i < d.length; i++) {
        d[i] *= i == 1 ? 3 * saved[i] : 2 * saved[i];
      }
      return new Tensor[] {Tensor.fromArray(d, x.shape())};
    }, x);
  }

  @Test
  void reportsTheFirstMismatchingInputAndEntry() {
    Tensor ok = Tensor.of(1.0).requiresGrad();
    Tensor x = Tensor.of(1, 2, 3).requiresGrad();
    AssertionError e = assertThrows(AssertionError.class,
        () -> Gradcheck.gradcheck(in -> wrong(in[1]).mul(in[0]), ok, x));
    String m = e.getMessage();
    assertTrue(m.contains("input 1"), m);
    assertTrue(m.contains("entry [1]"), m);
    assertTrue(m.contains("output entry [1]"), m);
    assertTrue(m.contains("numerical 4.0") || m.contains("numerical 3.99999") , m); // d(x1^2)/dx1 = 4
    assertTrue(m.contains("analytical 6.0"), m);
  }

  @Test
  void detectsANonReentrantReversePass() {
    AtomicInteger calls = new AtomicInteger();
    Tensor x = Tensor.of(1, 2).requiresGrad();
    AssertionError e = assertThrows(AssertionError.class, () -> Gradcheck.gradcheck(in -> Tensor.fromPullback(
        "FlakyBackward", in[0].detach(), g -> new Tensor[] {g.mul(1 + calls.incrementAndGet() * 1e-3)}, in[0]), x));
    assertTrue(e.getMessage().contains("not reentrant"), e.getMessage());
  }

  @Test
  void needsAnInputThatRequiresGrad() {
    assertThrows(IllegalArgumentException.class, () -> Gradcheck.gradcheck(x -> x[0].exp(), Tensor.of(1, 2)));
  }

  @Test
  void customTolerances() {
    Tensor x = Tensor.of(1, 2, 3).requiresGrad();
    // 50% relative error on one entry passes with rtol 1
    assertTrue(Gradcheck.gradcheck(in -> wrong(in[0]), 1e-6, 1e-5, 1.0, x));
  }
}
