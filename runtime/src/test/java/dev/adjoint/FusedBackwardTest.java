package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * tanh and sigmoid compute their adjoint in one fused loop, and a product both adjoints in one loop, when the
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
}
