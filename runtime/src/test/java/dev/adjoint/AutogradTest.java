package dev.adjoint;

import static dev.adjoint.Numeric.assertValues;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.runtime.Backward;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** {@link Autograd#grad}, {@link Autograd#jacobian} and {@link Autograd#hessian} against closed forms and finite differences. */
class AutogradTest {

  @Test
  void gradReturnsValuesWithoutTouchingLeaves() {
    Tensor x = Tensor.of(1, 2).requiresGrad();
    Tensor y = Tensor.of(3.0).requiresGrad();
    Tensor unused = Tensor.of(7, 7, 7).requiresGrad();
    Tensor out = x.mul(y).sum(); // d/dx = y, d/dy = x0 + x1
    Tensor[] g = Autograd.grad(out, new Tensor[] {x, y, unused}, null, true);
    assertValues(new double[] {3, 3}, g[0]);
    assertValues(new double[] {3}, g[1]);
    assertArrayEquals(new int[0], g[1].shape());
    assertEquals(Tensor.zeros(3), g[2], "unreached inputs get zeros");
    assertNull(x.grad());
    assertNull(y.grad());
    assertFalse(g[0].isRequiresGrad());
    Tensor[] again = Autograd.grad(out, x, y); // retained above, freed now
    assertEquals(g[0], again[0]);
    assertThrows(IllegalStateException.class, () -> Autograd.grad(out, x));
  }

  @Test
  void gradOfIntermediateTensors() {
    Tensor x = Tensor.of(1, 2).requiresGrad();
    Tensor h = x.mul(3);
    Tensor out = h.square().sum(); // d/dh = 2h = 6x
    Tensor[] g = Autograd.grad(out, new Tensor[] {h, x}, null, false);
    assertValues(new double[] {6, 12}, g[0]);
    assertValues(new double[] {18, 36}, g[1]);
  }

  @Test
  void gradChecksItsArguments() {
    Tensor x = Tensor.of(1, 2).requiresGrad();
    Tensor out = x.square();
    assertThrows(IllegalArgumentException.class, () -> Autograd.grad(out, new Tensor[] {Tensor.of(1.0)}, Tensor.ones(2), true));
    assertThrows(IllegalArgumentException.class, () -> Autograd.grad(out, new Tensor[] {x}, Tensor.ones(3), true));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Autograd.grad(out, x));
    assertTrue(e.getMessage().contains(Backward.IMPLICIT_UPSTREAM));
  }

  @Test
  void jacobianRowsAreOutputGradients() {
    Tensor a = Tensor.of(new double[][] {{1, 2, 3}, {4, 5, 6}});
    Tensor x = Tensor.of(0.5, -1, 2);
    // f(x) = A x: J = A
    assertEquals(a, Autograd.jacobian(v -> a.matmul(v), x));
    // f(x) = exp(x): J = diag(exp(x))
    Tensor j = Autograd.jacobian(Tensor::exp, x);
    assertArrayEquals(new int[] {3, 3}, j.shape());
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 3; c++) {
        assertEquals(r == c ? Math.exp(x.get(r)) : 0, j.get(r, c), 1e-15);
      }
    }
    // f(x) = [x0*x1, x1*x2] as a [1, 2] matrix: rows [x1, x0, 0], [0, x2, x1]
    Tensor k = Autograd.jacobian(v -> Tensor.stack(0, v.index(0).mul(v.index(1)), v.index(1).mul(v.index(2))).view(1, 2), x);
    assertEquals(Tensor.of(new double[][] {{-1, 0.5, 0}, {0, 2, -1}}), k);
    assertEquals(Tensor.zeros(2, 3), Autograd.jacobian(v -> Tensor.of(1, 2), x), "constant outputs give zeros");
    assertNull(x.grad());
    Tensor w = Tensor.of(2, 3, 4).requiresGrad();
    assertEquals(Tensor.of(new double[][] {{2, 0, 0}, {0, 3, 0}, {0, 0, 4}}), Autograd.jacobian(v -> v.mul(w), x));
    assertNull(w.grad(), "parameters the function closes over are not touched");
  }

  @Test
  void hessianOfPolynomialsMatchesClosedForms() {
    Tensor x = Tensor.of(1.5, -2, 0.5);
    // sum(x^3): diag(6x)
    Tensor h = Autograd.hessian(v -> v.pow(3).sum(), x);
    assertEquals(Tensor.of(new double[][] {{9, 0, 0}, {0, -12, 0}, {0, 0, 3}}), h);
    // x0^2 x1 + x1 x2: [[2x1, 2x0, 0], [2x0, 0, 1], [0, 1, 0]]
    Tensor h2 = Autograd.hessian(v -> v.index(0).square().mul(v.index(1)).add(v.index(1).mul(v.index(2))), x);
    assertEquals(Tensor.of(new double[][] {{-4, 3, 0}, {3, 0, 1}, {0, 1, 0}}), h2);
    // x^T A x: A + A^T
    Tensor a = Tensor.of(new double[][] {{1, 2, 0}, {0, 3, -1}, {4, 0, 5}});
    Tensor h3 = Autograd.hessian(v -> v.dot(a.matmul(v)), x);
    assertEquals(Tensor.of(new double[][] {{2, 2, 4}, {2, 6, -1}, {4, -1, 10}}), h3);
    // linear: zero
    assertEquals(Tensor.zeros(3, 3), Autograd.hessian(v -> v.mul(2).sum(), x));
    assertThrows(IllegalArgumentException.class, () -> Autograd.hessian(v -> v.mul(2), x));
  }

  /** Second derivatives through (nearly) every reverse rule, against central differences of the gradient. */
  @Test
  void hessianThroughEveryOperationMatchesFiniteDifferencesOfTheGradient() {
    Tensor w = Tensor.rand(new Generator().manualSeed(7), 6).mul(0.8).add(0.3);
    Tensor in = Tensor.randn(new Generator().manualSeed(8), 4, 3);
    Function<Tensor, Tensor> f = v -> {
      Tensor m = v.reshape(3, 2);
      Tensor h = in.matmul(m).tanh();
      Tensor p = h.softmax(1).add(h.sigmoid().mul(0.5));
      Tensor lse = h.logSoftmax(0).mean(0, false).sum();
      Tensor ce = Tensor.crossEntropy(in.matmul(m).mul(2), new int[] {0, 1, 1, 0});
      Tensor mix = v.exp().div(v.sqrt().add(1)).log().sum()
          .add(v.pow(Tensor.of(1.5, 2, 0.5, 3, 1, 2.5)).sum())
          .add(v.abs().mul(v).sum())
          .add(m.t().matmul(m).max().mul(0.3))
          .add(m.max(0, false).square().sum())
          .add(v.relu().pow(3).sum())
          .add(Tensor.cat(0, v.slice(0, 0, 2), v.select(0, 4).unsqueeze(0)).square().sum())
          .add(Tensor.stack(1, v, v.square()).transpose(0, 1).sum(0, false).pow(2).sum().mul(0.1))
          .add(v.dot(v).sqrt());
      return p.log().sum().add(lse).add(ce).add(mix);
    };
    Tensor h = Autograd.hessian(f, w);
    int n = w.numel();
    double eps = 1e-5;
    for (int i = 0; i < n; i++) {
      double[] plus = w.toArray();
      double[] minus = w.toArray();
      plus[i] += eps;
      minus[i] -= eps;
      double[] gp = gradient(f, Tensor.of(plus));
      double[] gm = gradient(f, Tensor.of(minus));
      for (int j = 0; j < n; j++) {
        double numerical = (gp[j] - gm[j]) / (2 * eps);
        assertEquals(numerical, h.get(j, i), 1e-5 + 1e-4 * Math.abs(numerical), "H[" + j + "][" + i + "]");
      }
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        assertEquals(h.get(i, j), h.get(j, i), 1e-9, "symmetry");
      }
    }
  }

  private static double[] gradient(Function<Tensor, Tensor> f, Tensor x) {
    Tensor leaf = x.requiresGrad();
    f.apply(leaf).backward();
    return leaf.grad().toArray();
  }

  @Test
  void createGraphGivesDifferentiableGradients() {
    Tensor x = Tensor.of(2.0).requiresGrad();
    Tensor y = x.pow(4);
    Tensor dy = Autograd.grad(y, new Tensor[] {x}, null, true, true)[0]; // 4x^3 = 32
    assertTrue(dy.isRequiresGrad());
    assertValues(new double[] {32}, dy);
    Tensor d2 = Autograd.grad(dy, new Tensor[] {x}, null, true, true)[0]; // 12x^2 = 48
    assertValues(new double[] {48}, d2);
    d2.backward(); // 24x = 48, accumulated into x.grad
    assertValues(new double[] {48}, x.grad());
  }
}
