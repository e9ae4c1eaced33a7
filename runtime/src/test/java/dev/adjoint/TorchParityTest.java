package dev.adjoint;

import static dev.adjoint.Numeric.check;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.adjoint.optim.Adam;
import dev.adjoint.optim.AdamW;
import dev.adjoint.optim.Optimizer;
import dev.adjoint.optim.RMSprop;
import dev.adjoint.optim.SGD;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The masks, element-wise functions, reductions, indexing operations and losses of issue 11 that
 * {@code TensorOpsTest} checks by hand, against PyTorch 1.13 (values and gradients, where it is installed;
 * skipped otherwise) and central differences; and the optimizers' steps against {@code torch.optim}'s.
 */
class TorchParityTest {
  private static final Tensor INDEX = Tensor.of(new double[][] {{2, 0, 1, 3}, {0, 3, 3, 1}});
  private static final String INDEX_PY = "torch.tensor([[2, 0, 1, 3], [0, 3, 3, 1]])";

  private static final List<OpCase> CASES = List.of(
      new OpCase(new int[][] {{3, 4}}, x -> x[0].clamp(-0.5, 0.6), "x0.clamp(-0.5, 0.6)"),
      new OpCase(new int[][] {{3, 4}}, x -> x[0].clampMin(-0.2).add(x[0].clampMax(0.3)),
          "x0.clamp(min=-0.2) + x0.clamp(max=0.3)"),
      new OpCase(new int[][] {{3, 4}, {4}}, x -> Tensor.where(x[0].gt(x[1]), x[0].exp(), x[1].square()),
          "torch.where(x0 > x1, x0.exp(), x1.square())"),
      new OpCase(new int[][] {{3, 4}, {3, 4}}, x -> x[0].where(x[1].lt(0.1), x[1].mul(2)),
          "torch.where(x1 < 0.1, x0, x1 * 2)"),
      new OpCase(new int[][] {{3, 4}, {4}}, x -> x[0].maskedFill(x[1].ge(0.2), 2.5).sin().add(x[1]),
          "x0.masked_fill(x1 >= 0.2, 2.5).sin() + x1"),
      new OpCase(new int[][] {{3, 4}, {3, 4}}, x -> x[0].le(x[1]).add(x[0].eq(x[1])).mul(x[0]).add(x[1]),
          "((x0 <= x1).double() + (x0 == x1).double()) * x0 + x1"),
      new OpCase(new int[][] {{3, 4}}, x -> x[0].argmax(1, true).mul(x[0]).add(x[0].argmin().mul(x[0].sum())),
          "x0.argmax(1, keepdim=True) * x0 + x0.argmin() * x0.sum()"),
      new OpCase(new int[][] {{3, 4}}, x -> x[0].max(1, false).add(x[0].maxWithIndices(0, true).indices().sum()),
          "torch.max(x0, 1).values + torch.max(x0, 0, keepdim=True).indices.sum()"),
      new OpCase(new int[][] {{3, 4}}, x -> x[0].min(0, true).mul(x[0].minWithIndices(1, false).values().sum()),
          "torch.min(x0, 0, keepdim=True).values * torch.min(x0, 1).values.sum()"),
      new OpCase(new int[][] {{2, 3, 4}}, x -> x[0].amax(-1, false).add(x[0].amin(0, false).sum(1, false)),
          "x0.amax(-1) + x0.amin(0).sum(1)"),
      new OpCase(new int[][] {{3, 4}}, x -> x[0].amax().add(x[0].amin()), "x0.amax() + x0.amin()"),
      new OpCase(new int[][] {{2, 4}}, x -> x[0].gather(1, INDEX).square(), "x0.gather(1, " + INDEX_PY + ").square()"),
      new OpCase(new int[][] {{4, 4}}, x -> x[0].gather(0, INDEX), "x0.gather(0, " + INDEX_PY + ")"),
      new OpCase(new int[][] {{3, 4}}, x -> x[0].indexSelect(1, 3, 0, 3).tanh(),
          "x0.index_select(1, torch.tensor([3, 0, 3])).tanh()"),
      new OpCase(new int[][] {{3, 4}}, x -> x[0].indexSelect(0, Tensor.of(2, 2, 1)),
          "x0.index_select(0, torch.tensor([2, 2, 1]))"),
      new OpCase(new int[][] {{3, 4}}, x -> x[0].sin().add(x[0].cos()).add(x[0].abs().log1p()).add(x[0].expm1()),
          "x0.sin() + x0.cos() + x0.abs().log1p() + x0.expm1()"),
      new OpCase(new int[][] {{3, 4}}, x -> x[0].sign().mul(x[0]).add(x[0].mul(2).floor().mul(x[0])),
          "x0.sign() * x0 + (x0 * 2).floor() * x0"),
      new OpCase(new int[][] {{3, 4}}, x -> x[0].prod(1, true).add(x[0].prod()),
          "x0.prod(1, keepdim=True) + x0.prod()"),
      new OpCase(new int[][] {{3, 4}}, x -> x[0].cumsum(1).mul(x[0].cumsum(0)), "x0.cumsum(1) * x0.cumsum(0)"),
      new OpCase(new int[][] {{3, 4}}, x -> x[0].var(1, false).add(x[0].std(1, false, false)).add(x[0].var()),
          "x0.var(1) + x0.std(1, unbiased=False) + x0.var()"),
      new OpCase(new int[][] {{3, 4}}, x -> x[0].std(0, true).sum(1, false).add(x[0].std(false)),
          "x0.std(0, keepdim=True).sum(1) + x0.std(unbiased=False)"),
      new OpCase(new int[][] {{3, 4}}, x -> x[0].mul(5).logsumexp(1, false).add(x[0].logsumexp(0, true).sum()),
          "(x0 * 5).logsumexp(1) + x0.logsumexp(0, keepdim=True).sum()"),
      new OpCase(new int[][] {{3, 4}}, x -> x[0].norm(1, true).add(x[0].norm()),
          "x0.norm(dim=1, keepdim=True) + x0.norm()"),
      new OpCase(new int[][] {{2, 3, 4}}, x -> x[0].sum(new int[] {0, 2}, true).add(x[0].mean(new int[] {-1, 1}, false)
          .sum()), "x0.sum((0, 2), keepdim=True) + x0.mean((-1, 1)).sum()"),
      new OpCase(new int[][] {{2, 3, 4}}, x -> x[0].flatten(1, 2).clone().exp(), "x0.flatten(1, 2).clone().exp()"),
      new OpCase(new int[][] {{2, 3}, {2, 3}}, x -> Losses.mseLoss(x[0], x[1]).add(Losses.l1Loss(x[0], x[1],
          Reduction.SUM)), "torch.nn.functional.mse_loss(x0, x1) + torch.nn.functional.l1_loss(x0, x1,"
          + " reduction='sum')"),
      new OpCase(new int[][] {{2, 3}, {2, 3}}, x -> Losses.mseLoss(x[0], x[1], Reduction.NONE),
          "torch.nn.functional.mse_loss(x0, x1, reduction='none')"),
      new OpCase(new int[][] {{2, 3}, {2, 3}}, x -> Losses.binaryCrossEntropy(x[0].sigmoid(), x[1].sigmoid())
          .add(Losses.binaryCrossEntropyWithLogits(x[0], x[1].sigmoid(), Reduction.SUM)),
          "torch.nn.functional.binary_cross_entropy(x0.sigmoid(), x1.sigmoid())"
          + " + torch.nn.functional.binary_cross_entropy_with_logits(x0, x1.sigmoid(), reduction='sum')"),
      new OpCase(new int[][] {{3, 4}}, x -> Losses.nllLoss(x[0].logSoftmax(1), new int[] {3, 0, 2}, Reduction.NONE),
          "torch.nn.functional.nll_loss(x0.log_softmax(1), torch.tensor([3, 0, 2]), reduction='none')"));


  @Test
  void everyCaseIsGradientCheckedAgainstCentralDifferences() {
    for (OpCase c : CASES) {
      check(c.f(), c.inputs(7));
    }
  }

  @Test
  void valuesAndGradientsMatchPyTorch() {
    OpCase.matchPyTorch(CASES, 40);
  }

  /** An optimizer over two parameters, and the same {@code torch.optim} constructor call over {@code ps}. */
  private record Opt(Function<List<Tensor>, Optimizer> make, String python) {}

  private static final List<Opt> OPTIMIZERS = List.of(
      new Opt(p -> new SGD(p, 0.1), "torch.optim.SGD(ps, lr=0.1)"),
      new Opt(p -> new SGD(p, 0.05, 0.9, 0.1, 0.01, false),
          "torch.optim.SGD(ps, lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.01)"),
      new Opt(p -> new SGD(p, 0.05, 0.8, 0, 0.02, true),
          "torch.optim.SGD(ps, lr=0.05, momentum=0.8, weight_decay=0.02, nesterov=True)"),
      new Opt(p -> new Adam(p), "torch.optim.Adam(ps)"),
      new Opt(p -> new Adam(p, 0.02, 0.8, 0.9, 1e-6, 0.1),
          "torch.optim.Adam(ps, lr=0.02, betas=(0.8, 0.9), eps=1e-6, weight_decay=0.1)"),
      new Opt(p -> new AdamW(p, 0.02, 0.85, 0.95, 1e-7, 0.3),
          "torch.optim.AdamW(ps, lr=0.02, betas=(0.85, 0.95), eps=1e-7, weight_decay=0.3)"),
      new Opt(p -> new RMSprop(p), "torch.optim.RMSprop(ps)"),
      new Opt(p -> new RMSprop(p, 0.01, 0.9, 1e-6, 0.05, 0.7, true),
          "torch.optim.RMSprop(ps, lr=0.01, alpha=0.9, eps=1e-6, weight_decay=0.05, momentum=0.7, centered=True)"));

  /** The loss the optimizers minimise: {@code sum(tanh(w x) * c) + b²} summed, x and c fixed. */
  private static Tensor loss(Tensor w, Tensor b) {
    Tensor x = Tensor.of(new double[][] {{0.5, -1.0}, {1.5, 0.25}});
    Tensor c = Tensor.of(1.0, -2.0);
    return w.matmul(x).tanh().mul(c).sum().add(b.square().sum());
  }

  @Test
  void optimizersTakeTorchOptimsSteps() {
    StringBuilder py = new StringBuilder("import torch\n")
        .append("x = torch.tensor([[0.5, -1.0], [1.5, 0.25]], dtype=torch.float64)\n")
        .append("c = torch.tensor([1.0, -2.0], dtype=torch.float64)\n");
    for (Opt o : OPTIMIZERS) {
      py.append("w = torch.tensor([[0.3, -0.7], [1.1, 0.2]], dtype=torch.float64, requires_grad=True)\n")
          .append("b = torch.tensor([0.4, -0.9], dtype=torch.float64, requires_grad=True)\n")
          .append("ps = [w, b]\n")
          .append("opt = ").append(o.python()).append('\n')
          .append("for _ in range(6):\n")
          .append("    opt.zero_grad()\n")
          .append("    ((w @ x).tanh() * c).sum().add((b * b).sum()).backward()\n")
          .append("    opt.step()\n")
          .append("print(' '.join(repr(v) for v in torch.cat([w.detach().reshape(-1), b.detach()]).tolist()))\n");
    }
    List<String> out = TorchOracle.run(py.toString());
    for (int i = 0; i < OPTIMIZERS.size(); i++) {
      Tensor w = Tensor.of(new double[][] {{0.3, -0.7}, {1.1, 0.2}}).requiresGrad();
      Tensor b = Tensor.of(0.4, -0.9).requiresGrad();
      Optimizer opt = OPTIMIZERS.get(i).make().apply(List.of(w, b));
      for (int s = 0; s < 6; s++) {
        opt.zeroGrad();
        loss(w, b).backward();
        opt.step();
      }
      double[] got = Tensor.cat(0, w.detach().reshape(4), b.detach()).toArray();
      assertArrayEquals(TorchOracle.numbers(out.get(i)), got, 1e-12, OPTIMIZERS.get(i).python());
    }
  }
}
