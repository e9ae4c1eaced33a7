package dev.adjoint.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.Generator;
import dev.adjoint.Gradcheck;
import dev.adjoint.Tensor;
import dev.adjoint.optim.RMSprop;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModuleTest {
  @Test
  void linearHasPyTorchsShapesInitBoundsAndForward() {
    Linear l = new Linear(4, 3, true, new Generator().manualSeed(1));
    assertArrayEquals(new int[] {3, 4}, l.weight().shape());
    assertArrayEquals(new int[] {3}, l.bias().shape());
    for (double w : l.weight().toArray()) {
      assertTrue(Math.abs(w) <= 0.5, "U(-1/sqrt(4), 1/sqrt(4))"); // 1/√in
    }
    assertEquals(List.of(l.weight(), l.bias()), l.parameters());
    assertEquals(new Linear(4, 3, true, new Generator().manualSeed(1)).weight(), l.weight()); // seeded
    Tensor x = Tensor.of(new double[][] {{1, 0, 0, 0}, {0, 2, 0, 0}});
    double[][] w = l.weight().toArray2();
    double[] b = l.bias().toArray();
    Tensor y = l.forward(x);
    for (int j = 0; j < 3; j++) {
      assertEquals(w[j][0] + b[j], y.get(0, j), 1e-15);
      assertEquals(2 * w[j][1] + b[j], y.get(1, j), 1e-15);
    }
    assertEquals(1, new Linear(4, 3, false, null).parameters().size());
  }

  @Test
  void sequentialCollectsParametersAndGradchecks() {
    Linear a = new Linear(6, 5, true, new Generator().manualSeed(2));
    Linear b = new Linear(5, 2, true, new Generator().manualSeed(3));
    Sequential net = new Sequential(new Flatten(), a, new Tanh(), b, new ReLU(), new Sigmoid());
    List<Tensor> ps = net.parameters();
    assertEquals(4, ps.size());
    assertSame(a.weight(), ps.get(0));
    assertSame(b.bias(), ps.get(3));
    assertEquals(ps, new Sequential(net, a).parameters()); // a shared layer is listed once
    Tensor x = Tensor.randn(new Generator().manualSeed(4), 3, 2, 3);
    assertArrayEquals(new int[] {3, 2}, net.forward(x).shape());
    Tensor target = Tensor.rand(new Generator().manualSeed(5), 3, 2);
    MSELoss loss = new MSELoss();
    Tensor hiddenTarget = Tensor.rand(new Generator().manualSeed(6), 3, 5);
    assertTrue(Gradcheck.gradcheck(t -> loss.forward(
        new Sequential(new Flatten(), new Fixed(t[0], t[1]), new Tanh()).forward(x), hiddenTarget),
        a.weight().detach().requiresGrad(), a.bias().detach().requiresGrad()));
    loss.forward(net.forward(x), target).backward();
    net.zeroGrad();
    for (Tensor p : ps) {
      assertArrayEquals(new double[p.numel()], p.grad().toArray(), 0);
    }
  }

  /** A linear map with given weight and bias (for gradcheck, which passes fresh leaves). */
  private static final class Fixed extends Module {
    private final Tensor w;
    private final Tensor b;

    Fixed(Tensor w, Tensor b) {
      this.w = w;
      this.b = b;
    }

    @Override
    public Tensor forward(Tensor input) {
      return input.matmul(w.t()).add(b);
    }
  }

  @Test
  void learningPyTorchWithExamplesPolynomialFitsSine() {
    // "Learning PyTorch with Examples", nn + optim version: y = sin(x) fitted by a cubic in x through
    // Linear(3, 1) and Flatten(0, 1), with RMSprop(lr=1e-3), here for 500 steps.
    Tensor.manualSeed(0);
    Tensor x = Tensor.linspace(-Math.PI, Math.PI, 2000);
    Tensor y = x.sin();
    Tensor xx = Tensor.stack(1, x, x.square(), x.pow(3));
    Sequential model = new Sequential(new Linear(3, 1), new Flatten(0, 1));
    MSELoss lossFn = new MSELoss(dev.adjoint.Reduction.SUM);
    RMSprop optimizer = new RMSprop(model.parameters(), 1e-3);
    double first = 0;
    double last = 0;
    for (int t = 0; t < 500; t++) {
      Tensor loss = lossFn.forward(model.forward(xx), y);
      if (t == 0) {
        first = loss.item();
      }
      last = loss.item();
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
    }
    assertTrue(last < first / 10, "loss fell from " + first + " to " + last);
  }
}
