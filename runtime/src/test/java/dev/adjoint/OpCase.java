package dev.adjoint;

import static dev.adjoint.Numeric.param;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import java.util.function.Function;

/**
 * One operation for a table of cases checked against central differences and PyTorch: the shapes of its inputs,
 * the operation, and the same operation in PyTorch over inputs named {@code x0, x1, ...}.
 */
record OpCase(int[][] shapes, Function<Tensor[], Tensor> f, String python) {
  /** Inputs of the case's shapes, input i drawn by {@link Numeric#param} with seed {@code seed + i}. */
  Tensor[] inputs(long seed) {
    Tensor[] x = new Tensor[shapes.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = param(seed + i, shapes[i]);
    }
    return x;
  }

  /**
   * Every case's values, and its inputs' gradients of {@code sum(w · y)} with {@code w = 1 + 0.1 · index},
   * equal PyTorch's (float64) to 1e-10; case i's inputs are drawn with seed {@code firstSeed + 3i}. Skipped
   * without PyTorch.
   */
  static void matchPyTorch(List<OpCase> cases, long firstSeed) {
    StringBuilder py = new StringBuilder();
    Tensor[][] ins = new Tensor[cases.size()][];
    for (int i = 0; i < cases.size(); i++) {
      OpCase c = cases.get(i);
      ins[i] = c.inputs(firstSeed + 3L * i);
      for (int k = 0; k < ins[i].length; k++) {
        py.append("x").append(k).append(" = ").append(TorchOracle.literal(ins[i][k])).append(".requires_grad_()\n");
      }
      py.append("y = (").append(c.python()).append(").double()\n")
          .append("w = (torch.arange(y.numel(), dtype=torch.float64) * 0.1 + 1).reshape(y.shape)\n")
          .append("(y * w).sum().backward()\n")
          .append("print(' '.join(repr(v) for v in y.detach().reshape(-1).tolist()))\n");
      for (int k = 0; k < ins[i].length; k++) {
        py.append("print(' '.join(repr(v) for v in x").append(k).append(".grad.reshape(-1).tolist()))\n");
      }
    }
    List<String> out = TorchOracle.run(py.toString());
    int line = 0;
    for (int i = 0; i < cases.size(); i++) {
      OpCase c = cases.get(i);
      Tensor y = c.f().apply(ins[i]);
      Tensor w = Tensor.arange(y.numel()).mul(0.1).add(1).reshape(y.shape());
      y.mul(w).sum().backward();
      assertArrayEquals(TorchOracle.numbers(out.get(line++)), y.toArray(), 1e-10, c.python() + " values");
      for (int k = 0; k < ins[i].length; k++) {
        assertArrayEquals(TorchOracle.numbers(out.get(line++)), ins[i][k].grad().toArray(), 1e-10,
            c.python() + " gradient of x" + k);
      }
    }
  }
}
