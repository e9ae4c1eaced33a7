package dev.adjoint;

import static dev.adjoint.Numeric.assertValues;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.runtime.Backward;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Leaves, accumulation, retained and freed graphs, errors, version counter, noGrad and detach. */
class GraphSemanticsTest {

  @Test
  void gradIsNullUntilABackwardReachesTheLeafThenAccumulatesUntilZeroed() {
    Tensor w = Tensor.of(2, 3).requiresGrad();
    Tensor unused = Tensor.of(1, 1).requiresGrad();
    assertNull(w.grad());
    w.mul(w).sum().backward();
    assertValues(new double[] {4, 6}, w.grad());
    assertNull(unused.grad());
    Tensor first = w.grad();
    w.mul(w).sum().backward();
    assertValues(new double[] {8, 12}, w.grad());
    assertSame(first, w.grad(), "later passes add into the same tensor");
    w.zeroGrad();
    assertValues(new double[] {0, 0}, w.grad());
    assertSame(first, w.grad(), "zeroGrad() zeroes the gradient in place");
    w.mul(3).sum().backward();
    assertValues(new double[] {3, 3}, w.grad());
  }

  @Test
  void theFirstGradIsAFreshCopyOfTheUpstream() {
    Tensor x = Tensor.of(1, 2).requiresGrad();
    Tensor up = Tensor.of(5, 7);
    x.backward(up);
    assertEquals(up, x.grad());
    x.backward(up);
    assertValues(new double[] {5, 7}, up);
    assertValues(new double[] {10, 14}, x.grad());
  }

  @Test
  void adjointsAreSummedAcrossUsesAndEachNodeRunsOnce() {
    AtomicInteger calls = new AtomicInteger();
    Tensor x = Tensor.of(1.5, -2).requiresGrad();
    Tensor shared = Tensor.fromPullback("CountingBackward", x.detach().mul(2), g -> {
      calls.incrementAndGet();
      return new Tensor[] {g.mul(2)};
    }, x);
    // shared is used three times: d/dx (s*s + s + s) = (2s + 2) * 2 = 8x + 4
    shared.mul(shared).add(shared).add(shared).sum().backward();
    assertEquals(1, calls.get());
    assertValues(new double[] {16, -12}, x.grad());
  }

  @Test
  void deepGraphsDoNotOverflowTheStack() {
    Tensor x = Tensor.of(1.0).requiresGrad();
    Tensor y = x;
    for (int i = 0; i < 20000; i++) {
      y = y.add(0.5).mul(1.0);
    }
    y.backward();
    assertValues(new double[] {1}, x.grad());
  }

  @Test
  void retainedGraphAllowsASecondPassAndThenFrees() {
    Tensor x = Tensor.of(0.0, 1.0).requiresGrad();
    Tensor y = x.exp().sum();
    y.backward(null, true);
    y.backward(null, true);
    y.backward();
    assertValues(new double[] {3, 3 * Math.E}, x.grad(), 1e-12);
    IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
    assertEquals(Backward.FREED_GRAPH, e.getMessage());
  }

  @Test
  void aGraphThatSavedNothingCanBeTraversedAgainAsInPyTorch() {
    Tensor x = Tensor.of(1, 2).requiresGrad();
    Tensor y = x.add(1).mul(3.0).sum();
    y.backward();
    y.backward();
    assertValues(new double[] {6, 6}, x.grad());
  }

  @Test
  void upstreamMustHaveExactlyTheOutputShape() {
    Tensor x = Tensor.ones(2, 2).requiresGrad();
    Tensor y = x.mul(2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> y.backward(Tensor.ones(4)));
    assertTrue(e.getMessage().contains("[4]") && e.getMessage().contains("[2, 2]"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> y.backward(Tensor.ones(2)), "no broadcasting of the upstream");
    assertThrows(IllegalArgumentException.class, () -> y.backward(Tensor.ones(1, 2, 2)));
    y.backward(Tensor.ones(2, 2)); // the graph is still intact after refused calls
    assertValues(new double[] {2, 2, 2, 2}, x.grad());
  }

  @Test
  void implicitUpstreamOnlyForOneElementOutputs() {
    Tensor x = Tensor.of(3.0).requiresGrad();
    x.mul(x).reshape(1).backward(); // shape [1] is fine, as in PyTorch
    assertValues(new double[] {6}, x.grad());
    Tensor v = Tensor.of(1, 2).requiresGrad();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> v.mul(2).backward());
    assertTrue(e.getMessage().contains(Backward.IMPLICIT_UPSTREAM));
    assertTrue(e.getMessage().contains("[2]"));
  }

  @Test
  void backwardOnATensorThatDoesNotRequireGrad() {
    Tensor x = Tensor.of(1, 2);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> x.mul(2).sum().backward());
    assertTrue(e.getMessage().contains("element 0 of tensors does not require grad and does not have a grad_fn"));
  }

  @Test
  void nonLeavesBehaveAsInPyTorch() {
    Tensor x = Tensor.of(1, 2).requiresGrad();
    Tensor y = x.mul(2);
    y.sum().backward();
    assertNull(y.grad(), "a non-leaf keeps no gradient unless retainGrad() was called");
    assertFalse(y.retainsGrad());
    assertSame(y, y.requiresGrad(), "requiresGrad(true) on a non-leaf changes nothing");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.requiresGrad(false));
    assertTrue(e.getMessage().startsWith("you can only change requires_grad flags of leaf variables."),
        e.getMessage());
    assertThrows(IllegalStateException.class, y::zeroGrad);
    IllegalStateException r = assertThrows(IllegalStateException.class, () -> Tensor.of(1).retainGrad());
    assertEquals("can't retain_grad on Tensor that has requires_grad=False", r.getMessage());
  }

  @Test
  void retainGradKeepsTheGradientOfAnIntermediateAndAccumulates() {
    Tensor x = Tensor.of(0.5, -1.5, 2.0).requiresGrad();
    Tensor h = x.tanh().retainGrad();
    assertTrue(h.retainsGrad());
    Tensor loss = h.mul(h).sum(); // d loss / d h = 2 h, by hand
    loss.backward(null, true);
    double[] hv = {Math.tanh(0.5), Math.tanh(-1.5), Math.tanh(2.0)};
    for (int i = 0; i < 3; i++) {
      assertEquals(2 * hv[i], h.grad().toArray()[i], 1e-15);
      assertEquals(2 * hv[i] * (1 - hv[i] * hv[i]), x.grad().toArray()[i], 1e-15);
    }
    loss.backward(null, true);
    assertEquals(4 * hv[1], h.grad().toArray()[1], 1e-15, "a second pass adds, as for leaves");
    h.zeroGrad();
    loss.backward();
    assertEquals(2 * hv[1], h.grad().toArray()[1], 1e-15, "zeroGrad() works on a retaining non-leaf");
    // The retained gradient is the one Autograd.grad gives for the intermediate, checked numerically.
    Tensor x2 = Tensor.of(0.3, 0.7).requiresGrad();
    Tensor h2 = x2.exp().retainGrad();
    Tensor out = h2.mul(h2).sum();
    Tensor viaGrad = Autograd.grad(out, new Tensor[] {h2}, null, true)[0];
    out.backward();
    assertArrayEquals(viaGrad.toArray(), h2.grad().toArray(), 0.0);
    assertTrue(Gradcheck.gradcheck(in -> in[0].mul(in[0]).sum(), Tensor.of(Math.exp(0.3), Math.exp(0.7))
        .requiresGrad()));
  }

  @Test
  void backwardWithCreateGraphGivesDifferentiableGradients() {
    Tensor x = Tensor.of(1.5, -0.5).requiresGrad();
    x.pow(3).sum().backward(null, false, true);
    Tensor g = x.grad(); // 3 x², with a graph
    assertTrue(g.isRequiresGrad());
    assertEquals(3 * 1.5 * 1.5, g.toArray()[0], 1e-15);
    Tensor second = Autograd.grad(g.sum(), x)[0]; // 6 x
    assertEquals(6 * 1.5, second.toArray()[0], 1e-12);
    assertEquals(6 * -0.5, second.toArray()[1], 1e-12);
    // Central differences of the first gradient (computed by backward) against the second.
    double h = 1e-6;
    for (int i = 0; i < 2; i++) {
      double[] plus = {1.5, -0.5};
      double[] minus = {1.5, -0.5};
      plus[i] += h;
      minus[i] -= h;
      double fd = (firstGradient(plus)[i] - firstGradient(minus)[i]) / (2 * h);
      assertEquals(fd, second.toArray()[i], 1e-6);
    }
  }

  private static double[] firstGradient(double[] at) {
    Tensor x = Tensor.of(at).requiresGrad();
    x.pow(3).sum().backward(null, false, true);
    return x.grad().toArray();
  }

  @Test
  void autogradGradWithAllowUnused() {
    Tensor x = Tensor.of(1, 2).requiresGrad();
    Tensor unused = Tensor.of(3).requiresGrad();
    Tensor y = x.mul(x).sum();
    Tensor[] g = Autograd.grad(y, new Tensor[] {x, unused}, null, true, false, true);
    assertArrayEquals(new double[] {2, 4}, g[0].toArray(), 0.0);
    assertNull(g[1], "allowUnused gives null, as PyTorch's None");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Autograd.grad(y, new Tensor[] {x, unused}, null, true, false, false));
    assertTrue(e.getMessage().contains("appears to not have been used in the graph"), e.getMessage());
    assertArrayEquals(new double[] {0}, Autograd.grad(y, new Tensor[] {x, unused}, null, true)[1].toArray(), 0.0,
        "the older overloads keep giving zeros");
  }

  @Test
  void noGradAndEnableGradAsTryWithResources() {
    Tensor x = Tensor.of(1, 2).requiresGrad();
    try (GradModeGuard off = Tensor.noGrad()) {
      assertFalse(Tensor.isGradEnabled());
      assertFalse(x.mul(2).isRequiresGrad());
      try (GradModeGuard on = Tensor.enableGrad()) {
        assertTrue(x.mul(2).isRequiresGrad());
      }
      assertFalse(Tensor.isGradEnabled(), "closing enableGrad restores noGrad");
      assertTrue(Tensor.enableGrad(() -> x.mul(2)).isRequiresGrad());
      off.close();
      assertTrue(Tensor.isGradEnabled());
    }
    assertTrue(Tensor.isGradEnabled(), "a second close does nothing");
  }

  @Test
  void leafAndGraphFlags() {
    Tensor x = Tensor.of(1, 2);
    assertTrue(x.isLeaf());
    assertFalse(x.isRequiresGrad());
    assertSame(x, x.requiresGrad());
    assertTrue(x.isRequiresGrad());
    Tensor y = x.exp();
    assertFalse(y.isLeaf());
    assertTrue(y.isRequiresGrad());
    assertEquals("ExpBackward", y.gradFnName());
    assertNull(x.gradFnName());
    Tensor c = Tensor.of(1, 2).exp();
    assertTrue(c.isLeaf(), "results of operations on tensors without grad are leaves");
    assertFalse(c.isRequiresGrad());
    assertFalse(x.requiresGrad(false).isRequiresGrad());
  }

  @Test
  void versionCounterCatchesInPlaceChangesOfSavedValues() {
    Tensor w = Tensor.of(1, 2).requiresGrad();
    Tensor.noGrad(() -> w.subInPlace(Tensor.of(0.5, 0.5))); // version 1
    Tensor y = w.mul(w).sum(); // saves w at version 1
    Tensor.noGrad(() -> w.mulInPlace(2)); // version 2
    IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
    assertTrue(e.getMessage().startsWith("one of the variables needed for gradient computation has been modified"
        + " by an inplace operation: tensor of shape [2] is at version 2; expected version 1 instead"),
        e.getMessage());
  }

  @Test
  void versionCounterCoversSavedOutputsAndViews() {
    Tensor x = Tensor.of(0.5, 1).requiresGrad();
    Tensor y = x.exp(); // saves its output
    Tensor.noGrad(() -> y.mulInPlace(2));
    assertThrows(IllegalStateException.class, () -> y.sum().backward());

    Tensor a = Tensor.of(1, 2, 3, 4).requiresGrad();
    Tensor b = a.reshape(2, 2);
    Tensor z = b.square().sum(); // saves b, which shares storage and version with a
    Tensor.noGrad(() -> a.addInPlace(Tensor.of(1.0)));
    assertThrows(IllegalStateException.class, z::backward);
    assertValues(new double[] {2, 3, 4, 5}, b); // views see the update
  }

  @Test
  void inPlaceChangesOfValuesNobodySavedAreFine() {
    Tensor w = Tensor.of(1, 2).requiresGrad();
    Tensor y = w.add(3).sum(); // add saves nothing
    Tensor.noGrad(() -> w.subInPlace(Tensor.of(1.0)));
    y.backward();
    assertValues(new double[] {1, 1}, w.grad());
  }

  @Test
  void inPlaceUpdatesAreAllowedOnLeavesOnlyInsideNoGrad() {
    Tensor w = Tensor.of(1, 2).requiresGrad();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.subInPlace(Tensor.of(1, 1)));
    assertTrue(e.getMessage().contains("leaf Variable that requires grad"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> w.mulInPlace(2));
    Tensor y = w.mul(2);
    y.addInPlace(Tensor.of(1.0)); // a non-leaf: recorded, as in PyTorch
    assertEquals("AddBackward", y.gradFnName());
    Tensor plain = Tensor.of(1, 2);
    plain.addInPlace(Tensor.of(1.0)).mulInPlace(3); // tensors outside any graph may change freely
    assertValues(new double[] {6, 9}, plain);
    plain.addInPlace(w); // now recorded: plain becomes a non-leaf
    assertFalse(plain.isLeaf());
    assertThrows(IllegalArgumentException.class,
        () -> Tensor.noGrad(() -> plain.addInPlace(Tensor.ones(3))), "shape must broadcast to this");
  }

  @Test
  void sgdStepsConvergeOnAQuadratic() {
    Tensor w = Tensor.of(5, -3).requiresGrad();
    Tensor target = Tensor.of(1, 2);
    for (int i = 0; i < 200; i++) {
      w.zeroGrad();
      w.sub(target).square().sum().backward();
      Tensor.noGrad(() -> w.subInPlace(w.grad().mul(0.1)));
    }
    assertTrue(w.allClose(target, 0, 1e-9), w.toString());
    assertTrue(w.isLeaf() && w.isRequiresGrad());
  }

  @Test
  void noGradRecordsNothingIsNestedAndPerThread() throws Exception {
    Tensor x = Tensor.of(1, 2).requiresGrad();
    Tensor y = Tensor.noGrad(() -> x.mul(2));
    assertTrue(y.isLeaf());
    assertFalse(y.isRequiresGrad());
    assertTrue(Tensor.isGradEnabled());
    AtomicBoolean otherThread = new AtomicBoolean();
    Tensor.noGrad(() -> {
      assertFalse(Tensor.isGradEnabled());
      Tensor.noGrad(() -> assertFalse(Tensor.isGradEnabled()));
      assertFalse(Tensor.isGradEnabled(), "nested scope restores the outer one");
      Thread t = new Thread(() -> otherThread.set(Tensor.isGradEnabled() && x.mul(2).isRequiresGrad()));
      t.start();
      try {
        t.join();
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    });
    assertTrue(otherThread.get());
    assertThrows(IllegalStateException.class, () -> Tensor.noGrad(() -> {
      throw new IllegalStateException("boom");
    }));
    assertTrue(Tensor.isGradEnabled(), "restored after an exception");
  }

  @Test
  void detachCutsTheGraphAndSharesStorage() {
    Tensor x = Tensor.of(2, 3).requiresGrad();
    Tensor d = x.detach();
    assertTrue(d.isLeaf());
    assertFalse(d.isRequiresGrad());
    x.mul(d).sum().backward(); // d is a constant: gradient x.detach(), not 2x
    assertValues(new double[] {2, 3}, x.grad());
    Tensor.noGrad(() -> x.addInPlace(Tensor.of(1.0)));
    assertValues(new double[] {3, 4}, d);
  }

  @Test
  void operationsNeverModifyTheirInputs() {
    Tensor a = Tensor.of(new double[][] {{1, -2}, {3, 4}}).requiresGrad();
    Tensor b = Tensor.of(0.5, 2);
    Tensor before = a.detach().mul(1.0);
    Tensor loss = a.matmul(a.t()).add(b).relu().softmax(1).log().mul(b).sum()
        .add(Tensor.crossEntropy(a, new int[] {0, 1}));
    loss.backward();
    assertEquals(before, a);
    assertEquals(Tensor.of(0.5, 2), b);
  }
}
