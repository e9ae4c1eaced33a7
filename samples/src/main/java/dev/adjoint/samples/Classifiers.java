package dev.adjoint.samples;

import dev.adjoint.Differentiable;
import dev.adjoint.Tensor;

/**
 * The training sample's models, as {@code @Differentiable} losses in the two styles the processor accepts:
 * multinomial logistic regression written as plain loops over {@code double[]} (its companion returns the
 * gradient as arrays), and a one-hidden-layer tanh network written with {@link Tensor} operations (its
 * companion adds one fused node to the tensor graph, so {@code backward()} fills the leaves' {@code grad()}).
 */
public final class Classifiers {
  private Classifiers() {}

  /**
   * Mean cross-entropy of multinomial logistic regression (softmax regression): the score of class
   * {@code c} for example {@code i} is {@code b[c] + Σ_j w[c·d + j] x[i][j]}, and the loss is
   * {@code mean_i (logsumexp_c z[c] − z[y[i]])}, the log-sum-exp shifted by the largest score for stability.
   *
   * @param w the {@code classes × d} weights, row-major
   * @param b the per-class biases; their count is the number of classes
   * @param x the examples, {@code d} features each
   * @param y the class of each example
   * @return the mean cross-entropy
   */
  @Differentiable
  public static double softmaxRegressionLoss(double[] w, double[] b, double[][] x, int[] y) {
    int classes = b.length;
    int d = x[0].length;
    double total = 0;
    for (int i = 0; i < x.length; i++) {
      double[] z = new double[classes];
      for (int c = 0; c < classes; c++) {
        double s = b[c];
        for (int j = 0; j < d; j++) {
          s += w[c * d + j] * x[i][j];
        }
        z[c] = s;
      }
      double m = z[0];
      for (int c = 1; c < classes; c++) {
        m = Math.max(m, z[c]);
      }
      double sumExp = 0;
      for (int c = 0; c < classes; c++) {
        sumExp += Math.exp(z[c] - m);
      }
      total += m + Math.log(sumExp) - z[y[i]];
    }
    return total / x.length;
  }

  /**
   * The class scores of {@link #softmaxRegressionLoss}'s model, for predictions.
   *
   * @return {@code z[i][c]}
   */
  public static double[][] softmaxRegressionScores(double[] w, double[] b, double[][] x) {
    int d = x[0].length;
    double[][] z = new double[x.length][b.length];
    for (int i = 0; i < x.length; i++) {
      for (int c = 0; c < b.length; c++) {
        double s = b[c];
        for (int j = 0; j < d; j++) {
          s += w[c * d + j] * x[i][j];
        }
        z[i][c] = s;
      }
    }
    return z;
  }

  /**
   * The network's class scores (logits): {@code tanh(x·w1 + b1)·w2 + b2}.
   *
   * @param w1 {@code d × hidden}
   * @param b1 {@code hidden}
   * @param w2 {@code hidden × classes}
   * @param b2 {@code classes}
   * @param x {@code n × d} examples
   * @return {@code n × classes} logits
   */
  @Differentiable
  public static Tensor mlpLogits(Tensor w1, Tensor b1, Tensor w2, Tensor b2, Tensor x) {
    Tensor h = x.matmul(w1).add(b1).tanh();
    return h.matmul(w2).add(b2);
  }

  /**
   * Mean cross-entropy of the network on a batch (calls {@link #mlpLogits}, whose generated pullback the
   * reverse pass reuses).
   *
   * @param y the class of each row of {@code x}
   * @return a one-element tensor
   */
  @Differentiable
  public static Tensor mlpLoss(Tensor w1, Tensor b1, Tensor w2, Tensor b2, Tensor x, int[] y) {
    return Tensor.crossEntropy(mlpLogits(w1, b1, w2, b2, x), y);
  }
}
