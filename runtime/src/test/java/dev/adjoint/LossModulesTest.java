package dev.adjoint;

import static dev.adjoint.Numeric.param;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.nn.BCELoss;
import dev.adjoint.nn.BCEWithLogitsLoss;
import dev.adjoint.nn.CrossEntropyLoss;
import dev.adjoint.nn.L1Loss;
import dev.adjoint.nn.NLLLoss;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The loss modules of {@code dev.adjoint.nn} against {@code torch.nn}'s, values and input gradients. */
class LossModulesTest {
  private record Case(Function<Tensor, Tensor> f, String python) {}

  private static final Tensor TARGET = Tensor.of(0.2, 0.9, 0.5, 0.1, 0.7, 0.3).reshape(2, 3);
  private static final int[] CLASSES = {2, 0};

  private static final List<Case> CASES = List.of(
      new Case(x -> new L1Loss().forward(x, TARGET), "torch.nn.L1Loss()(x, t)"),
      new Case(x -> new L1Loss(Reduction.SUM).forward(x, TARGET), "torch.nn.L1Loss(reduction='sum')(x, t)"),
      new Case(x -> new BCELoss().forward(x.sigmoid(), TARGET), "torch.nn.BCELoss()(x.sigmoid(), t)"),
      new Case(x -> new BCEWithLogitsLoss(Reduction.NONE).forward(x, TARGET),
          "torch.nn.BCEWithLogitsLoss(reduction='none')(x, t)"),
      new Case(x -> new NLLLoss().forward(x.logSoftmax(1), CLASSES), "torch.nn.NLLLoss()(x.log_softmax(1), c)"),
      new Case(x -> new CrossEntropyLoss().forward(x, CLASSES), "torch.nn.CrossEntropyLoss()(x, c)"),
      new Case(x -> new CrossEntropyLoss(Tensor.of(1, 2, 0.5), 0, 0.1, Reduction.SUM).forward(x, CLASSES),
          "torch.nn.CrossEntropyLoss(weight=torch.tensor([1, 2, 0.5], dtype=torch.float64), ignore_index=0,"
              + " label_smoothing=0.1, reduction='sum')(x, c)"),
      new Case(x -> new CrossEntropyLoss().forward(x, TARGET.softmax(1)),
          "torch.nn.CrossEntropyLoss()(x, t.softmax(1))"));

  @Test
  void matchPyTorchsModules() {
    StringBuilder py = new StringBuilder("import torch\n")
        .append("t = ").append(TorchOracle.literal(TARGET)).append('\n')
        .append("c = torch.tensor([2, 0])\n");
    Tensor[] xs = new Tensor[CASES.size()];
    for (int i = 0; i < CASES.size(); i++) {
      xs[i] = param(30 + i, 2, 3);
      py.append("x = ").append(TorchOracle.literal(xs[i])).append(".requires_grad_()\n")
          .append("y = ").append(CASES.get(i).python()).append('\n')
          .append("y.sum().backward()\n")
          .append("print(' '.join(repr(v) for v in y.detach().reshape(-1).tolist()))\n")
          .append("print(' '.join(repr(v) for v in x.grad.reshape(-1).tolist()))\n");
    }
    List<String> out = TorchOracle.run(py.toString());
    for (int i = 0; i < CASES.size(); i++) {
      Tensor y = CASES.get(i).f().apply(xs[i]);
      y.sum().backward();
      String what = CASES.get(i).python();
      assertArrayEquals(TorchOracle.numbers(out.get(2 * i)), y.toArray(), 1e-12, what);
      assertArrayEquals(TorchOracle.numbers(out.get(2 * i + 1)), xs[i].grad().toArray(), 1e-12, what + " grad");
    }
    assertEquals(CASES.size() * 2, out.size());
  }

  @Test
  void gradientsAreCheckedAgainstCentralDifferences() {
    for (Case c : CASES) {
      Numeric.check(in -> c.f().apply(in[0]), param(50, 2, 3));
    }
  }
}
