package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * tanh, sigmoid, exp and log compute their adjoint in one fused loop, and a product or a quotient both adjoints in
 * one loop, when the
 * backward pass records nothing: bitwise the unfused chain of operations (written out here), and with {@code
 * createGraph} the recorded chain still gives second derivatives (checked against the closed form and central
 * differences of the first derivative).
 */
class FusedBackwardTest {
  private static final double[] X = {-3.5, -0.7, 0.0, 0.4, 2.2, 40.0, -40.0};

  @Test
  void tanhAdjointIsBitwiseTheUnfusedChain() {
    Tensor x = Tensor.of(X).requiresGrad();
    Tensor g = Tensor.of(0.3, -1.1, 2.0, 0.5, -0.25, 1.0, 7.0);
    x.tanh().backward(g);
    Tensor y = Tensor.noGrad(() -> x.tanh());
    Tensor expected = Tensor.noGrad(() -> g.mul(y.mul(y).neg().add(1)));
    assertArrayEquals(expected.toArray(), x.grad().toArray());
    assertEquals(0.3 * (1 - Math.tanh(-3.5) * Math.tanh(-3.5)), x.grad().toArray()[0]);
  }

  @Test
  void sigmoidAdjointIsBitwiseTheUnfusedChain() {
    Tensor x = Tensor.of(X).requiresGrad();
    Tensor g = Tensor.of(0.3, -1.1, 2.0, 0.5, -0.25, 1.0, 7.0);
    x.sigmoid().backward(g);
    Tensor y = Tensor.noGrad(() -> x.sigmoid());
    Tensor expected = Tensor.noGrad(() -> g.mul(y.mul(y.neg().add(1))));
    assertArrayEquals(expected.toArray(), x.grad().toArray());
    assertEquals(2.0 * 0.25, x.grad().toArray()[2]);
  }

  @Test
  void mulAdjointsFromOnePassAreBitwiseTheTwoProducts() {
    double[] ys = {0.1, 3.0, -2.5, 1e-300, -0.0, 7.0, 0.333};
    Tensor g = Tensor.of(0.3, -1.1, 2.0, 0.5, -0.25, 1.0, 7.0);
    Tensor x = Tensor.of(X).requiresGrad();
    Tensor y = Tensor.of(ys).requiresGrad();
    x.mul(y).backward(g);
    for (int i = 0; i < X.length; i++) {
      assertEquals(Double.doubleToRawLongBits(g.toArray()[i] * ys[i]), Double.doubleToRawLongBits(x.grad().toArray()[i]));
      assertEquals(Double.doubleToRawLongBits(g.toArray()[i] * X[i]), Double.doubleToRawLongBits(y.grad().toArray()[i]));
    }
    // the upstream of sum() is one value broadcast by a view; a second pass accumulates
    x.mul(y).mul(0.5).sum().backward();
    for (int i = 0; i < X.length; i++) {
      assertEquals(g.toArray()[i] * ys[i] + 0.5 * ys[i], x.grad().toArray()[i]);
      assertEquals(g.toArray()[i] * X[i] + 0.5 * X[i], y.grad().toArray()[i]);
    }
    // with createGraph the adjoints stay recorded: for L = sum(a·b²), dL/da = b², whose sum has gradient 2b
    Tensor a = Tensor.of(1.5, -2.0).requiresGrad();
    Tensor b = Tensor.of(0.5, 3.0).requiresGrad();
    Tensor[] first = Autograd.grad(a.mul(b.mul(b)).sum(), new Tensor[] {a, b}, null, true, true);
    assertArrayEquals(new double[] {0.25, 9.0}, first[0].toArray());
    assertArrayEquals(new double[] {1.5, -12.0}, first[1].toArray()); // 2ab
    Tensor[] second = Autograd.grad(first[0].sum(), new Tensor[] {b}, null, false, false);
    assertArrayEquals(new double[] {1.0, 6.0}, second[0].toArray()); // d(b²)/db = 2b
  }

  private static double d(java.util.function.DoubleUnaryOperator f, double v) {
    double h = 1e-5;
    return (f.applyAsDouble(v + h) - f.applyAsDouble(v - h)) / (2 * h);
  }

  @Test
  void secondDerivativesThroughCreateGraphStayRecorded() {
    double[] xs = {-1.3, -0.2, 0.6, 1.7};
    Tensor x = Tensor.of(xs).requiresGrad();
    Tensor[] first = Autograd.grad(x.tanh().add(x.sigmoid()).sum(), new Tensor[] {x}, null, true, true);
    Tensor[] second = Autograd.grad(first[0].sum(), x);
    for (int i = 0; i < xs.length; i++) {
      double t = Math.tanh(xs[i]);
      double s = 1 / (1 + Math.exp(-xs[i]));
      double closed = -2 * t * (1 - t * t) + s * (1 - s) * (1 - 2 * s);
      assertEquals(closed, second[0].toArray()[i], 1e-12, "closed form at " + xs[i]);
      double fd = d(v -> (1 - Math.tanh(v) * Math.tanh(v)) + (1 / (1 + Math.exp(-v))) * (1 - 1 / (1 + Math.exp(-v))),
          xs[i]);
      assertEquals(fd, second[0].toArray()[i], 1e-8, "central differences at " + xs[i]);
    }
  }

  private static void assertBitwise(double[] expected, double[] actual, String what) {
    for (int i = 0; i < expected.length; i++) {
      assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(actual[i]), what + " [" + i + "]");
    }
  }

  @Test
  void expAndLogAdjointsAreBitwiseTheUnfusedProducts() {
    double[] xs = {0.1, 3.0, 2.5, 1e-300, 0.0, 7.0, 700.0};
    double[] gs = {0.3, -1.1, 2.0, 0.5, -0.25, 1.0, 7.0};
    Tensor x = Tensor.of(xs).requiresGrad();
    x.exp().backward(Tensor.of(gs));
    double[] ex = Tensor.noGrad(() -> x.exp()).toArray(); // the forward values (the runtime's exp kernel)
    double[] expected = new double[xs.length];
    for (int i = 0; i < xs.length; i++) {
      expected[i] = gs[i] * ex[i];
    }
    assertBitwise(expected, x.grad().toArray(), "exp");
    Tensor y = Tensor.of(xs).requiresGrad();
    y.log().backward(Tensor.of(gs));
    for (int i = 0; i < xs.length; i++) {
      expected[i] = gs[i] / xs[i]; // -0.25/0 = -inf at x = 0
    }
    assertBitwise(expected, y.grad().toArray(), "log");
    // the upstream of sum() is one value broadcast by a view; through a product first, so the adjoint reaching
    // log is a scratch array the fused loop writes into
    Tensor z = Tensor.of(xs).requiresGrad();
    z.mul(2.0).log().exp().sum().backward();
    double[] e = Tensor.noGrad(() -> z.mul(2.0).log().exp()).toArray();
    for (int i = 0; i < xs.length; i++) {
      double u = xs[i] * 2.0;
      expected[i] = 1.0 * e[i] / u * 2.0;
    }
    assertBitwise(expected, z.grad().toArray(), "exp(log(2x)) under sum");
  }

  @Test
  void quotientAdjointsFromOnePassAreBitwiseTheUnfusedChains() {
    double[] as = {0.3, -1.1, 2.0, 0.5, -0.25, 1.0, 7.0};
    double[] ds = {0.1, 3.0, -2.5, 1e-200, -0.0, 7.0, 0.333};
    double[] gs = {1.5, -0.5, 0.25, 2.0, 1.0, -3.0, 0.1};
    for (int wanted = 0; wanted < 3; wanted++) {
      Tensor a = Tensor.of(as);
      Tensor d = Tensor.of(ds);
      if (wanted != 1) {
        a.requiresGrad();
      }
      if (wanted != 0) {
        d.requiresGrad();
      }
      a.div(d).backward(Tensor.of(gs));
      double[] ga = new double[as.length];
      double[] gd = new double[as.length];
      for (int i = 0; i < as.length; i++) {
        ga[i] = gs[i] / ds[i];
        gd[i] = -gs[i] * as[i] / (ds[i] * ds[i]); // 1e-200² underflows to 0: ±inf, as the chain gives
      }
      if (wanted != 1) {
        assertBitwise(ga, a.grad().toArray(), "d(a/d)/da, case " + wanted);
      }
      if (wanted != 0) {
        assertBitwise(gd, d.grad().toArray(), "d(a/d)/dd, case " + wanted);
      }
    }
    // a broadcast divisor takes the unfused chain, summed back to its shape
    Tensor a = Tensor.of(as).reshape(7, 1).expand(7, 2).contiguous().requiresGrad();
    Tensor d = Tensor.of(2.0, -4.0).requiresGrad();
    a.div(d).sum().backward();
    for (int i = 0; i < 7; i++) {
      assertEquals(1.0 / 2.0, a.grad().toArray()[2 * i]);
      assertEquals(1.0 / -4.0, a.grad().toArray()[2 * i + 1]);
    }
    double sum = 0;
    for (double v : as) {
      sum += -1.0 * v / 4.0;
    }
    assertEquals(sum, d.grad().toArray()[0], 1e-15);
  }

  @Test
  void expLogAndQuotientGradientsMatchCentralDifferencesAndStayRecorded() {
    Tensor x = Tensor.of(0.4, 1.3, 2.2).requiresGrad();
    Tensor y = Tensor.of(-1.5, 0.7, 3.0).requiresGrad();
    assertTrue(Gradcheck.gradcheck(in -> in[0].exp().add(in[0].log()).div(in[1]).sum(), x, y));
    // second derivatives through createGraph: L = Σ exp(x)/y + log(x); dL/dx = exp(x)/y + 1/x,
    // d/dx of its sum: exp(x)/y − 1/x², d/dy of its sum: −exp(x)/y²
    double[] xs = x.toArray();
    double[] ys = y.toArray();
    Tensor[] first = Autograd.grad(x.exp().div(y).add(x.log()).sum(), new Tensor[] {x}, null, true, true);
    Tensor[] second = Autograd.grad(first[0].sum(), new Tensor[] {x, y}, null, false, false);
    for (int i = 0; i < 3; i++) {
      assertEquals(Math.exp(xs[i]) / ys[i] - 1 / (xs[i] * xs[i]), second[0].toArray()[i], 1e-12, "d²/dx²");
      assertEquals(-Math.exp(xs[i]) / (ys[i] * ys[i]), second[1].toArray()[i], 1e-12, "d²/dxdy");
    }
  }
}
