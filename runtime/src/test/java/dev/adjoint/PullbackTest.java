package dev.adjoint;

import static dev.adjoint.Numeric.assertValues;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.runtime.Backward;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link Tensor#fromPullback}, the extension point for generated fused nodes. */
class PullbackTest {
  private final AtomicInteger calls = new AtomicInteger();

  /** A fused {@code x*x} node as a generated companion would add it: forward value plus pullback. */
  private Tensor square(Tensor x) {
    Tensor value = Tensor.noGrad(() -> x.mul(x));
    double[] saved = x.toArray(); // what the generated tape would keep
    int[] shape = x.shape();
    return Tensor.fromPullback("SquareFusedBackward", value, g -> {
      calls.incrementAndGet();
      double[] d = g.toArray();
      for (int i = 0; i < d.length; i++) {
        d[i] *= 2 * saved[i];
      }
      return new Tensor[] {Tensor.fromArray(d, shape)};
    }, x);
  }

  @Test
  void fusedNodeComputesTheValueAndRoutesGradients() {
    Tensor x = Tensor.of(2, -3).requiresGrad();
    Tensor y = square(x);
    assertValues(new double[] {4, 9}, y);
    assertFalse(y.isLeaf());
    assertEquals("tensor([4., 9.], grad_fn=<SquareFusedBackward>)", y.toString());
    y.backward(Tensor.of(1, 10));
    assertValues(new double[] {4, -60}, x.grad());
    assertEquals(1, calls.get());
  }

  @Test
  void retainedAndFreedSemantics() {
    Tensor x = Tensor.of(2, -3).requiresGrad();
    Tensor y = square(x).sum();
    y.backward(null, true);
    y.backward();
    assertValues(new double[] {8, -12}, x.grad());
    IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
    assertEquals(Backward.FREED_GRAPH, e.getMessage());
    assertEquals(2, calls.get());
  }

  @Test
  void gradientsFlowIntoTheInputsOwnGraphs() {
    Tensor a = Tensor.of(1, 2).requiresGrad();
    Tensor b = Tensor.of(3.0).requiresGrad();
    Tensor x = a.mul(b); // [3, 6]
    Tensor y = square(x).add(x).sum(); // d/dx = 2x + 1 = [7, 13]
    y.backward();
    assertValues(new double[] {21, 39}, a.grad()); // * b
    assertValues(new double[] {7 + 26}, b.grad()); // dot with a
  }

  @Test
  void multipleInputsWithNullGradient() {
    Tensor x = Tensor.of(1, 2).requiresGrad();
    Tensor s = Tensor.of(5.0).requiresGrad();
    Tensor value = Tensor.noGrad(() -> x.mul(s));
    Tensor y = Tensor.fromPullback("ScaleBackward", value, g -> new Tensor[] {g.mul(5.0), null}, x, s);
    y.sum().backward();
    assertValues(new double[] {5, 5}, x.grad());
    assertNull(s.grad(), "null means no gradient for that input");
  }

  @Test
  void withoutGradTheResultIsAPlainLeaf() {
    Tensor x = Tensor.of(2, 3);
    Tensor y = square(x);
    assertTrue(y.isLeaf());
    assertFalse(y.isRequiresGrad());
    Tensor z = Tensor.noGrad(() -> square(Tensor.of(1, 2).requiresGrad()));
    assertTrue(z.isLeaf());
    assertEquals(0, calls.get());
  }

  @Test
  void badPullbacksAreReportedWithTheNodeName() {
    Tensor x = Tensor.of(1, 2).requiresGrad();
    Tensor wrongShape = Tensor.fromPullback("BadBackward", x.detach(), g -> new Tensor[] {Tensor.ones(3)}, x);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> wrongShape.sum().backward());
    assertTrue(e.getMessage().contains("BadBackward") && e.getMessage().contains("[3]"), e.getMessage());
    Tensor wrongCount = Tensor.fromPullback("CountBackward", x.detach(), g -> new Tensor[] {g, g}, x);
    assertThrows(IllegalStateException.class, () -> wrongCount.sum().backward());
  }

  @Test
  void gradcheckAcceptsACorrectPullback() {
    assertTrue(Gradcheck.gradcheck(in -> square(in[0]).mul(in[0]), Tensor.of(0.5, -1.5, 2).requiresGrad()));
  }
}
