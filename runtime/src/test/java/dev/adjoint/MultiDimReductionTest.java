package dev.adjoint;

import static dev.adjoint.Numeric.check;
import static dev.adjoint.Numeric.param;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** {@code sum(int[], boolean)} and {@code mean(int[], boolean)}: by hand, central differences, and PyTorch. */
class MultiDimReductionTest {
  private record Case(String python, Function<Tensor, Tensor> f) {}

  private static final List<Case> CASES = List.of(
      new Case("x.sum(dim=(0, 2))", x -> x.sum(new int[] {0, 2}, false)),
      new Case("x.sum(dim=(2, 0), keepdim=True)", x -> x.sum(new int[] {2, 0}, true)),
      new Case("x.sum(dim=(-1, 1))", x -> x.sum(new int[] {-1, 1}, false)),
      new Case("x.sum(dim=(0, 1, 2))", x -> x.sum(new int[] {0, 1, 2}, false)),
      new Case("x.sum(dim=(1,), keepdim=True)", x -> x.sum(new int[] {1}, true)),
      new Case("x.sum(dim=())", x -> x.sum(new int[] {}, false)),
      new Case("x.mean(dim=(0, 2))", x -> x.mean(new int[] {0, 2}, false)),
      new Case("x.mean(dim=(-3, -2), keepdim=True)", x -> x.mean(new int[] {-3, -2}, true)),
      new Case("x.mean(dim=(0, 1, 2), keepdim=True)", x -> x.mean(new int[] {0, 1, 2}, true)));

  @Test
  void valuesByHand() {
    Tensor x = Tensor.arange(24).reshape(2, 3, 4);
    // Over dims 0 and 2: for row j, sum_i sum_k (12 i + 4 j + k) = 2*4*4j + 4*12 + 2*6 = 32 j + 60.
    Tensor s = x.sum(new int[] {0, 2}, false);
    assertArrayEquals(new int[] {3}, s.shape());
    assertArrayEquals(new double[] {60, 92, 124}, s.toArray(), 0);
    Tensor m = x.mean(new int[] {2, 0}, true);
    assertArrayEquals(new int[] {1, 3, 1}, m.shape());
    assertArrayEquals(new double[] {7.5, 11.5, 15.5}, m.toArray(), 1e-15);
    IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
        () -> x.sum(new int[] {0, -3}, false));
    assertTrue(twice.getMessage().contains("dim 0 appears multiple times"), twice.getMessage());
    assertThrows(IndexOutOfBoundsException.class, () -> x.mean(new int[] {3}, false));
  }

  @Test
  void gradientsAgainstCentralDifferences() {
    for (Case c : CASES) {
      check(in -> c.f().apply(in[0]), param(5, 2, 3, 4));
    }
  }

  @Test
  void gradientOfTheGradient() {
    // y = sum_j m_j^2 with m_j the mean of the 8 entries x[:, j, :]: dy/dx = 2 m_j / 8 on row j, and the sum
    // of that gradient, 2 sum_j m_j, has derivative 2/8 everywhere (closed forms, not the code under test).
    Tensor x = param(6, 2, 3, 4);
    Tensor y = x.mean(new int[] {0, 2}, false).square().sum();
    Tensor g = Autograd.grad(y, new Tensor[] {x}, null, true, true)[0];
    Tensor expected = x.detach().mean(new int[] {0, 2}, true).mul(2.0 / 8).expand(2, 3, 4);
    assertTrue(g.allClose(expected, 1e-12, 1e-12), g + " vs " + expected);
    Tensor h = Autograd.grad(g.sum(), x)[0];
    assertTrue(h.allClose(Tensor.full(new int[] {2, 3, 4}, 0.25), 1e-12, 1e-12), h.toString());
  }

  @Test
  void againstPyTorch() {
    Tensor x = param(7, 2, 3, 4);
    StringBuilder py = new StringBuilder("import torch\n");
    for (Case c : CASES) {
      py.append("x = ").append(TorchOracle.literal(x)).append(".requires_grad_()\n")
          .append("y = ").append(c.python()).append('\n')
          .append("w = (torch.arange(y.numel(), dtype=torch.float64) * 0.1 + 1).reshape(y.shape)\n")
          .append("(y * w).sum().backward()\n")
          .append("print('shape', *y.shape)\n")
          .append("print(' '.join(repr(v) for v in y.detach().reshape(-1).tolist()))\n")
          .append("print(' '.join(repr(v) for v in x.grad.reshape(-1).tolist()))\n");
    }
    List<String> out = TorchOracle.run(py.toString());
    int line = 0;
    for (Case c : CASES) {
      Tensor leaf = x.detach().requiresGrad();
      Tensor y = c.f().apply(leaf);
      Tensor w = Tensor.arange(y.numel()).mul(0.1).add(1).reshape(y.shape());
      y.mul(w).sum().backward();
      String shape = out.get(line++).trim().substring("shape".length());
      double[] expectedShape = shape.isBlank() ? new double[0] : TorchOracle.numbers(shape);
      double[] actualShape = java.util.Arrays.stream(y.shape()).asDoubleStream().toArray();
      assertArrayEquals(expectedShape, actualShape, 0, c.python() + " shape");
      assertArrayEquals(TorchOracle.numbers(out.get(line++)), y.toArray(), 1e-12, c.python() + " values");
      assertArrayEquals(TorchOracle.numbers(out.get(line++)), leaf.grad().toArray(), 1e-12,
          c.python() + " gradient");
    }
  }
}
