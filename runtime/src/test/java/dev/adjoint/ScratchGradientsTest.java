package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Gradient buffers reused inside a reverse pass ({@link ScratchGradients}): the gradients are those of the
 * definition (closed forms written out here, and central differences), the same as the pass that reuses nothing
 * ({@code createGraph}), and no tensor the user can reach (a leaf's or retained {@code grad()}, a captured
 * gradient, what a pullback received) shares storage with another or changes after it was handed out.
 */
class ScratchGradientsTest {
  private static final double[] XS = {-2.5, -0.3, 0.0, 0.7, 1.9, 25.0};
  private static final double[] YS = {0.4, -1.2, 2.0, 0.5, -0.8, 1.5};
  private static final double[] ZS = {0.1, 0.2, -0.3, 1.0, 0.0, -2.0};

  private static double sigmoid(double v) {
    return 1 / (1 + Math.exp(-v));
  }

  /** d/dx and d/dy of sum(sigmoid(tanh(x)·y + z)), by the chain rule on doubles. */
  private static double[][] chainGradient() {
    double[][] r = new double[2][XS.length];
    for (int i = 0; i < XS.length; i++) {
      double t = Math.tanh(XS[i]);
      double s = sigmoid(t * YS[i] + ZS[i]);
      r[0][i] = s * (1 - s) * YS[i] * (1 - t * t);
      r[1][i] = s * (1 - s) * t;
    }
    return r;
  }

  private static void close(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-12 * Math.max(1, Math.abs(expected[i])), what + " [" + i + "]");
    }
  }

  @Test
  void chainGradientIsTheDefinitionsAndThatOfAPassReusingNothing() {
    Tensor x = Tensor.of(XS).requiresGrad();
    Tensor y = Tensor.of(YS).requiresGrad();
    Tensor z = Tensor.of(ZS);
    x.tanh().mul(y).add(z).sigmoid().sum().backward();
    double[][] expected = chainGradient();
    close(expected[0], x.grad().toArray(), "dx");
    close(expected[1], y.grad().toArray(), "dy");
    assertNotSame(x.grad().storage, y.grad().storage);
    assertFalse(x.grad().scratch || y.grad().scratch, "a leaf's grad() is the user's");
    // a second pass accumulates into the first pass's arrays (which are the leaves' own now)
    double[] first = x.grad().toArray();
    x.tanh().mul(y).add(z).sigmoid().sum().backward();
    for (int i = 0; i < first.length; i++) {
      assertEquals(2 * first[i], x.grad().toArray()[i], 1e-15, "accumulated dx [" + i + "]");
    }
    // createGraph reuses nothing (the gradient keeps its graph): the same numbers
    Tensor x2 = Tensor.of(XS).requiresGrad();
    Tensor y2 = Tensor.of(YS).requiresGrad();
    x2.tanh().mul(y2).add(z).sigmoid().sum().backward(null, false, true);
    assertArrayEquals(first, x2.grad().detach().toArray());
    close(expected[1], y2.grad().detach().toArray(), "dy with createGraph");
    // central differences of the loss itself
    for (int i = 0; i < XS.length; i++) {
      double h = 1e-6;
      double[] up = XS.clone();
      double[] down = XS.clone();
      up[i] += h;
      down[i] -= h;
      double fd = (loss(up) - loss(down)) / (2 * h);
      assertEquals(fd, first[i], 1e-7, "dx [" + i + "] vs central differences");
    }
  }

  private static double loss(double[] xs) {
    double s = 0;
    for (int i = 0; i < xs.length; i++) {
      s += sigmoid(Math.tanh(xs[i]) * YS[i] + ZS[i]);
    }
    return s;
  }

  @Test
  void twoGradientsOfOneNodeAreSummedAsWithoutReuse() {
    // h = tanh(x) receives sigmoid's and exp's adjoints (both fresh, reverse-pass only): summed into one of them
    Tensor x = Tensor.of(XS).requiresGrad();
    Tensor h = x.tanh();
    h.sigmoid().sum().add(h.exp().sum()).add(h.mul(h).sum()).backward();
    double[] dx = x.grad().toArray();
    Tensor x2 = Tensor.of(XS).requiresGrad();
    Tensor h2 = x2.tanh();
    h2.sigmoid().sum().add(h2.exp().sum()).add(h2.mul(h2).sum()).backward(null, false, true);
    assertArrayEquals(x2.grad().detach().toArray(), dx, "the same bits as the pass that reuses nothing");
    for (int i = 0; i < XS.length; i++) {
      double t = Math.tanh(XS[i]);
      double s = sigmoid(t);
      double expected = (s * (1 - s) + Math.exp(t) + 2 * t) * (1 - t * t);
      assertEquals(expected, dx[i], 1e-12 * Math.max(1, Math.abs(expected)), "dx [" + i + "]");
    }
  }

  @Test
  void oneGradientPassedToTwoLeavesIsCopiedForEach() {
    // tanh's adjoint (reusable) reaches AddBackward, which passes the same tensor to both leaves
    Tensor a = Tensor.of(XS).requiresGrad();
    Tensor b = Tensor.of(YS).requiresGrad();
    a.add(b).tanh().sum().backward();
    assertNotSame(a.grad().storage, b.grad().storage);
    double[] bBefore = b.grad().toArray();
    a.grad().fill_(7.0);
    assertArrayEquals(bBefore, b.grad().toArray(), "b.grad() unchanged by an in-place change of a.grad()");
    for (int i = 0; i < XS.length; i++) {
      double t = Math.tanh(XS[i] + YS[i]);
      assertEquals(1 - t * t, bBefore[i], 1e-15);
    }
    // the same for a product whose two adjoints go to one leaf (x·x): summed, not aliased
    Tensor x = Tensor.of(XS).requiresGrad();
    x.mul(x).sigmoid().sum().backward();
    for (int i = 0; i < XS.length; i++) {
      double s = sigmoid(XS[i] * XS[i]);
      assertEquals(s * (1 - s) * 2 * XS[i], x.grad().toArray()[i], 1e-15);
    }
  }

  @Test
  void retainedGradientIsNotOverwrittenByTheNodesBelow() {
    Tensor x = Tensor.of(XS).requiresGrad();
    Tensor y = Tensor.of(YS).requiresGrad();
    Tensor v = x.tanh().mul(y);
    v.retainGrad();
    v.sigmoid().sum().backward();
    double[] dv = new double[XS.length];
    for (int i = 0; i < XS.length; i++) {
      double s = sigmoid(Math.tanh(XS[i]) * YS[i]);
      dv[i] = s * (1 - s);
    }
    close(dv, v.grad().toArray(), "retained dv");
    assertNotSame(v.grad().storage, x.grad().storage);
    assertNotSame(v.grad().storage, y.grad().storage);
    for (int i = 0; i < XS.length; i++) {
      double t = Math.tanh(XS[i]);
      assertEquals(dv[i] * YS[i] * (1 - t * t), x.grad().toArray()[i], 1e-15, "dx [" + i + "]");
    }
  }

  @Test
  void capturedGradientAndPullbackArgumentAreNotReused() {
    Tensor x = Tensor.of(XS).requiresGrad();
    Tensor y = Tensor.of(YS).requiresGrad();
    Tensor v = x.tanh().mul(y);
    Tensor[] grads = Autograd.grad(v.sigmoid().sum(), v, x);
    double[] dv = new double[XS.length];
    for (int i = 0; i < XS.length; i++) {
      double s = sigmoid(Math.tanh(XS[i]) * YS[i]);
      dv[i] = s * (1 - s);
    }
    close(dv, grads[0].toArray(), "captured dv, after the pass went on below it");
    assertNotSame(grads[0].storage, grads[1].storage);
    assertFalse(grads[0].scratch || grads[1].scratch);

    // a pullback that keeps the gradient it receives and passes it on: tanh below must not write into it
    Tensor a = Tensor.of(XS).requiresGrad();
    Tensor t = a.tanh();
    Tensor[] kept = new Tensor[1];
    Tensor passed = Tensor.fromPullback("Keep", Tensor.noGrad(t::clone), g -> {
      kept[0] = g;
      return new Tensor[] {g};
    }, t);
    passed.sigmoid().sum().backward();
    double[] ds = new double[XS.length];
    for (int i = 0; i < XS.length; i++) {
      double s = sigmoid(Math.tanh(XS[i]));
      ds[i] = s * (1 - s);
    }
    close(ds, kept[0].toArray(), "what the pullback received, after the pass went on below it");
  }

  @Test
  void marksAreClearedOnSharedStorageOpaqueNodesAndRecordedPasses() {
    Node builtIn = new Node("Built", new Node[2], (g, n) -> null, null, null);
    Node opaque = new Node("User", new Node[2], (g, n) -> null, null, new Object());
    // two outputs sharing storage: the same tensor twice, or a tensor and a view of it
    Tensor t = ScratchGradients.fresh(new double[] {1, 2, 3, 4}, new int[] {4});
    Tensor[] same = {t, t};
    ScratchGradients.afterApply(builtIn, same, false);
    assertFalse(t.scratch);
    Tensor u = ScratchGradients.fresh(new double[] {1, 2, 3, 4}, new int[] {4});
    Tensor[] viewed = {u, u.reshape(2, 2)};
    ScratchGradients.afterApply(builtIn, viewed, false);
    assertFalse(u.scratch);
    // distinct arrays keep their marks after a built-in rule, lose them after an opaque one or with createGraph
    Tensor a = ScratchGradients.fresh(new double[] {1, 2}, new int[] {2});
    Tensor b = ScratchGradients.fresh(new double[] {3, 4}, new int[] {2});
    ScratchGradients.afterApply(builtIn, new Tensor[] {a, b}, false);
    assertTrue(a.scratch && b.scratch);
    ScratchGradients.afterApply(builtIn, new Tensor[] {a, null}, true);
    assertFalse(a.scratch);
    ScratchGradients.afterApply(opaque, new Tensor[] {null, b}, false);
    assertFalse(b.scratch);
    Tensor c = ScratchGradients.fresh(new double[] {5, 6}, new int[] {2});
    ScratchGradients.beforeApply(opaque, c, false);
    assertFalse(c.scratch, "a user rule receives a gradient it may keep");
    // a consumer takes a scratch array once, of its own shape only; a plain tensor's array never
    double[] arr = {1, 2, 3};
    Tensor d = ScratchGradients.fresh(arr, new int[] {3});
    assertNotSame(arr, ScratchGradients.reuse(d, new int[] {1, 3}), "another shape");
    assertSame(arr, ScratchGradients.reuse(d, new int[] {3}));
    assertFalse(d.scratch, "given up once taken");
    assertNotSame(arr, ScratchGradients.reuse(d, new int[] {3}));
    assertNotSame(arr, ScratchGradients.reuse(Tensor.wrap(arr, new int[] {3}), new int[] {3}));
  }
}
