package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@code crossEntropy} with {@code weight}, {@code ignoreIndex}, {@code labelSmoothing}, {@code reduction} and
 * class-probability targets: values against PyTorch's formulas written out here (and the numbers PyTorch 1.13
 * printed for the same inputs), gradients against central differences.
 */
class CrossEntropyOptionsTest {
  private static final double[][] X = {{0.5, -1.0, 2.0}, {1.5, 0.25, -0.75}, {-0.3, 0.8, 0.1}, {2.2, -0.4, 0.6}};
  private static final int[] T = {2, 0, -100, 1};
  private static final double[] W = {0.2, 1.5, 0.7};

  private static double logp(int i, int c) {
    double max = Math.max(X[i][0], Math.max(X[i][1], X[i][2]));
    double s = 0;
    for (double v : X[i]) {
      s += Math.exp(v - max);
    }
    return X[i][c] - max - Math.log(s);
  }

  /** PyTorch's label-smoothed, weighted, ignore-aware mean, written from its definition. */
  private static double expectedMean(double eps, boolean weighted) {
    double nll = 0;
    double smooth = 0;
    double denominator = 0;
    for (int i = 0; i < X.length; i++) {
      if (T[i] == -100) {
        continue;
      }
      double wt = weighted ? W[T[i]] : 1;
      nll -= wt * logp(i, T[i]);
      for (int c = 0; c < 3; c++) {
        smooth -= (weighted ? W[c] : 1) * logp(i, c);
      }
      denominator += wt;
    }
    return (1 - eps) * nll / denominator + eps / 3 * smooth / denominator;
  }

  private static Tensor x() {
    return Tensor.of(X).requiresGrad();
  }

  @Test
  void indexTargetsWithWeightIgnoreIndexAndSmoothing() {
    Tensor w = Tensor.of(W);
    assertEquals(expectedMean(0, false), Losses.crossEntropy(x(), T, null, -100, 0, Reduction.MEAN).item(), 1e-14);
    assertEquals(expectedMean(0, true), Losses.crossEntropy(x(), T, w, -100, 0, Reduction.MEAN).item(), 1e-14);
    assertEquals(expectedMean(0.1, false), Losses.crossEntropy(x(), T, null, -100, 0.1, Reduction.MEAN).item(),
        1e-14);
    assertEquals(expectedMean(0.1, true), Losses.crossEntropy(x(), T, w, -100, 0.1, Reduction.MEAN).item(), 1e-14);
    Tensor none = Losses.crossEntropy(x(), T, w, -100, 0.1, Reduction.NONE);
    assertEquals(0.0, none.get(2), "the ignored sample loses nothing");
    double sum = Losses.crossEntropy(x(), T, w, -100, 0.1, Reduction.SUM).item();
    assertEquals(none.sum().item(), sum, 1e-14);
    double picked = -(0.9 * W[1] * logp(3, 1) + 0.1 / 3 * (W[0] * logp(3, 0) + W[1] * logp(3, 1) + W[2] * logp(3, 2)));
    assertEquals(picked, none.get(3), 1e-14);
    // Without options it is Tensor.crossEntropy.
    int[] all = {2, 0, 1, 1};
    assertEquals(Tensor.crossEntropy(x(), all).item(), Losses.crossEntropy(x(), all).item(), 1e-14);
  }

  /** What PyTorch 1.13 ({@code F.cross_entropy}, float64) printed for these inputs. */
  @Test
  void matchesNumbersPrintedByPyTorch() {
    Tensor w = Tensor.of(W);
    double[][] cases = { // eps, weighted, mean, sum, none[0..3]
        {0.0, 0, 1.1386157954472595, 3.415847386341779, 0.24131129665715703, 0.3306726094072241, 0,
            2.8438634802773977},
        {0.0, 1, 1.875353187482313, 4.500847649957551, 0.1689179076600099, 0.06613452188144482, 0,
            4.265795220416097},
        {0.1, 0, 1.1875046843361483, 3.5625140530084454, 0.391311296657157, 0.4473392760738908, 0,
            2.723863480277398},
        {0.1, 1, 1.8993183371676965, 4.558364009202472, 0.3313310206265815, 0.20097487844587827, 0,
            4.026058110130012}};
    for (double[] c : cases) {
      Tensor weight = c[1] == 1 ? w : null;
      assertEquals(c[2], Losses.crossEntropy(x(), T, weight, -100, c[0], Reduction.MEAN).item(), 1e-13);
      assertEquals(c[3], Losses.crossEntropy(x(), T, weight, -100, c[0], Reduction.SUM).item(), 1e-13);
      Tensor none = Losses.crossEntropy(x(), T, weight, -100, c[0], Reduction.NONE);
      for (int i = 0; i < 4; i++) {
        assertEquals(c[4 + i], none.get(i), 1e-13);
      }
    }
    double[][] q = {{0.2, 0.3, 0.5}, {0.1, 0.1, 0.8}, {1, 0, 0}, {0.25, 0.25, 0.5}};
    assertEquals(1.3523351795994867, Losses.crossEntropy(x(), Tensor.of(q), w, 0.1, Reduction.MEAN).item(), 1e-13);
    assertEquals(1.875353187482313,
        Losses.nllLoss(x().logSoftmax(1), T, w, -100, Reduction.MEAN).item(), 1e-13);
  }

  @Test
  void gradientsOfEveryOptionAgainstCentralDifferences() {
    Tensor w = Tensor.of(W);
    for (Reduction r : Reduction.values()) {
      for (double eps : new double[] {0, 0.2}) {
        for (Tensor weight : new Tensor[] {null, w}) {
          assertTrue(Gradcheck.gradcheck(in -> Losses.crossEntropy(in[0], T, weight, -100, eps, r).sum(), x()),
              r + " eps " + eps + " weight " + (weight != null));
          assertTrue(Gradcheck.gradcheck(in -> Losses.crossEntropy(in[0],
              Tensor.of(0.2, 0.3, 0.5, 0.1, 0.1, 0.8, 1, 0, 0, 0.25, 0.25, 0.5).reshape(4, 3), weight, eps, r).sum(),
              x()), "probabilities, " + r + " eps " + eps);
        }
      }
    }
    Tensor probs = Tensor.of(0.2, 0.3, 0.5, 0.1, 0.1, 0.8, 1, 0, 0, 0.25, 0.25, 0.5).reshape(4, 3).requiresGrad();
    assertTrue(Gradcheck.gradcheck(in -> Losses.crossEntropy(in[0], in[1], w, 0.1, Reduction.MEAN), x(), probs),
        "the gradient reaches probability targets too");
  }

  @Test
  void probabilityTargets() {
    double[][] q = {{0.2, 0.3, 0.5}, {0.1, 0.1, 0.8}, {1, 0, 0}, {0.25, 0.25, 0.5}};
    double eps = 0.1;
    double expected = 0;
    for (int i = 0; i < 4; i++) {
      for (int c = 0; c < 3; c++) {
        expected -= W[c] * ((1 - eps) * q[i][c] + eps / 3) * logp(i, c);
      }
    }
    Tensor loss = Losses.crossEntropy(x(), Tensor.of(q), Tensor.of(W), eps, Reduction.MEAN);
    assertEquals(expected / 4, loss.item(), 1e-14, "the mean divides by N, not by the weights");
    // One-hot probabilities without options equal index targets.
    double[][] oneHot = {{0, 0, 1}, {1, 0, 0}, {0, 1, 0}, {0, 1, 0}};
    assertEquals(Tensor.crossEntropy(x(), new int[] {2, 0, 1, 1}).item(),
        Losses.crossEntropy(x(), Tensor.of(oneHot), null, 0, Reduction.MEAN).item(), 1e-14);
  }

  @Test
  void refusals() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Losses.crossEntropy(x(), T, null, -100, 1.5, Reduction.MEAN));
    assertEquals("label_smoothing must be between 0.0 and 1.0. Got: 1.5", e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Losses.crossEntropy(x(), T, Tensor.of(1, 2), -100, 0, Reduction.MEAN));
    assertThrows(IllegalArgumentException.class,
        () -> Losses.crossEntropy(x(), T, Tensor.of(W).requiresGrad(), -100, 0, Reduction.MEAN));
    assertThrows(IndexOutOfBoundsException.class,
        () -> Losses.crossEntropy(x(), new int[] {0, 1, 2, 3}, null, -100, 0, Reduction.MEAN));
  }
}
