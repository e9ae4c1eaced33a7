package dev.adjoint;

import static dev.adjoint.Numeric.assertValues;
import static dev.adjoint.Numeric.check;
import static dev.adjoint.Numeric.param;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * scatter, scatterAdd, repeat, split, chunk, matmul of any rank and K-dimensional losses: gradient-checked
 * against central differences and compared with PyTorch (values and gradients) where it is installed.
 */
class MoreOpsTest {
  private static final Tensor INDEX = Tensor.of(new double[][] {{2, 0, 1}, {0, 2, 2}});
  private static final String INDEX_PY = "torch.tensor([[2, 0, 1], [0, 2, 2]])";
  private static final int[] TARGETS = {0, 2, 1, 1, 2, 0, 0, 1, 2, 2, 1, 0};
  private static final String TARGETS_PY = "torch.tensor([0, 2, 1, 1, 2, 0, 0, 1, 2, 2, 1, 0]).reshape(2, 2, 3)";

  private static final List<OpCase> CASES = List.of(
      new OpCase(new int[][] {{3, 3}, {2, 3}}, x -> x[0].scatter(0, INDEX, x[1]),
          "x0.scatter(0, " + INDEX_PY + ", x1)"),
      new OpCase(new int[][] {{3, 3}, {2, 3}}, x -> x[0].scatterAdd(1, INDEX, x[1]),
          "x0.scatter_add(1, " + INDEX_PY + ", x1)"),
      new OpCase(new int[][] {{3, 3}, {2, 3}}, x -> x[0].scatterAdd(0, INDEX, x[1]),
          "x0.scatter_add(0, " + INDEX_PY + ", x1)"),
      new OpCase(new int[][] {{2, 3}}, x -> x[0].repeat(2, 1, 3), "x0.repeat(2, 1, 3)"),
      new OpCase(new int[][] {{3}}, x -> x[0].t().repeat(2, 2), "x0.t().repeat(2, 2)"),
      new OpCase(new int[][] {{5, 2}}, x -> x[0].split(2, 0)[2].mul(x[0].split(2, 0)[0].sum()),
          "x0.split(2, 0)[2] * x0.split(2, 0)[0].sum()"),
      new OpCase(new int[][] {{2, 6}}, x -> x[0].split(new int[] {1, 3, 2}, 1)[1].exp(),
          "x0.split([1, 3, 2], 1)[1].exp()"),
      new OpCase(new int[][] {{2, 7}}, x -> Tensor.cat(1, x[0].chunk(3, 1)[2], x[0].chunk(3, 1)[0]),
          "torch.cat([x0.chunk(3, 1)[2], x0.chunk(3, 1)[0]], 1)"),
      new OpCase(new int[][] {{2, 1, 3, 4}, {3, 4, 2}}, x -> x[0].matmul(x[1]), "x0.matmul(x1)"),
      new OpCase(new int[][] {{2, 3, 4, 5}, {1, 1, 5, 2}}, x -> x[0].matmul(x[1]), "x0.matmul(x1)"),
      new OpCase(new int[][] {{2, 2, 3, 4}, {4, 3}}, x -> x[0].matmul(x[1]), "x0.matmul(x1)"),
      new OpCase(new int[][] {{4}, {2, 2, 4, 3}}, x -> x[0].matmul(x[1]), "x0.matmul(x1)"),
      new OpCase(new int[][] {{2, 2, 3, 4}, {4}}, x -> x[0].matmul(x[1]), "x0.matmul(x1)"),
      new OpCase(new int[][] {{2, 3, 2, 3}}, x -> Losses.crossEntropy(x[0], TARGETS),
          "torch.nn.functional.cross_entropy(x0, " + TARGETS_PY + ")"),
      new OpCase(new int[][] {{2, 3, 2, 3}}, x -> Losses.crossEntropy(x[0], TARGETS, null, 2, 0.1,
          Reduction.NONE), "torch.nn.functional.cross_entropy(x0, " + TARGETS_PY
          + ", ignore_index=2, label_smoothing=0.1, reduction='none')"),
      new OpCase(new int[][] {{2, 3, 2, 3}}, x -> Losses.crossEntropy(x[0], TARGETS, Tensor.of(1, 2, 0.5),
          Losses.IGNORE_INDEX, 0, Reduction.MEAN), "torch.nn.functional.cross_entropy(x0, " + TARGETS_PY
          + ", weight=torch.tensor([1, 2, 0.5], dtype=torch.float64))"),
      new OpCase(new int[][] {{2, 3, 4}, {2, 3, 4}}, x -> Losses.crossEntropy(x[0], x[1].softmax(1), null, 0.2,
          Reduction.SUM), "torch.nn.functional.cross_entropy(x0, x1.softmax(1), label_smoothing=0.2,"
          + " reduction='sum')"),
      new OpCase(new int[][] {{2, 3, 4}}, x -> Tensor.crossEntropy(x[0], new int[] {0, 1, 2, 2, 1, 0, 0, 0}),
          "torch.nn.functional.cross_entropy(x0, torch.tensor([[0, 1, 2, 2], [1, 0, 0, 0]]))"),
      new OpCase(new int[][] {{2, 3, 4}}, x -> Losses.nllLoss(x[0].logSoftmax(1), new int[] {0, 1, 2, 2, 1, 0, 0, 0},
          Reduction.SUM), "torch.nn.functional.nll_loss(x0.log_softmax(1), torch.tensor([[0, 1, 2, 2],"
          + " [1, 0, 0, 0]]), reduction='sum')"));


  @Test
  void everyOpIsGradientCheckedAgainstCentralDifferences() {
    for (OpCase c : CASES) {
      check(c.f(), c.inputs(3));
    }
  }

  @Test
  void opsMatchPyTorchInValuesAndGradients() {
    OpCase.matchPyTorch(CASES, 20);
  }

  @Test
  void valuesByHand() {
    Tensor x = Tensor.zeros(3, 3);
    assertValues(new double[] {0, 1, 0, 0, 0, 0, 1, 0, 0}, x.scatter(0, Tensor.of(new double[][] {{2, 0}}), 1.0));
    assertValues(new double[] {4, 0, 0, 0, 0, 0, 0, 0, 0},
        x.scatterAdd(1, Tensor.of(new double[][] {{0, 0}}), Tensor.of(new double[][] {{1, 3}})));
    // src larger than index: only the entries index covers are used (PyTorch 1.13 computes these values but
    // its backward then fails; central differences check ours).
    check(in -> in[0].scatter(1, INDEX, in[1]), param(1, 2, 3), param(2, 3, 5));
    assertValues(new double[] {1, 2, 1, 2, 1, 2, 1, 2}, Tensor.of(1, 2).repeat(2, 2));
    Tensor[] parts = Tensor.arange(7).chunk(3, 0);
    assertEquals(3, parts.length);
    assertValues(new double[] {6}, parts[2]);
    assertSame(parts[1].storage, parts[0].storage); // views of one storage
    assertEquals(2, Tensor.arange(2).chunk(3, 0).length); // fewer pieces, as torch.chunk
    assertArrayEquals(new int[] {2, 3, 4, 5}, Tensor.zeros(2, 1, 4, 3).matmul(Tensor.zeros(3, 3, 5)).shape());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Tensor.zeros(2, 3, 4).matmul(Tensor.zeros(3, 4, 2)));
    assertTrue(e.getMessage().contains("batch dimensions [2] and [3] do not broadcast"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Tensor.arange(5).split(new int[] {2, 2}, 0));
    assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(Tensor.zeros(2, 3, 4), new int[] {0}));
  }
}
