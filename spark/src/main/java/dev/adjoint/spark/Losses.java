package dev.adjoint.spark;

import dev.adjoint.Differentiable;
import dev.adjoint.NoGrad;

/**
 * The trainer's per-batch losses, written as plain loops over {@code double[]}. The processor writes their
 * gradients into the companion {@code LossesGrad}; both are plain static methods, so Spark executors run
 * them with nothing but this jar and the runtime on the classpath.
 *
 * <p>Each loss is a <em>sum</em> over the batch's rows (not a mean), so that the loss of a data set is the
 * sum of its batches' losses, whatever the partitioning; the trainer divides by the row count once. Labels
 * are 0 or 1.
 */
public final class Losses {
  private Losses() {}

  /**
   * Summed logistic loss (binary cross-entropy on the logit) of a linear model: with the margin
   * {@code m = θ[d] + Σ_j θ[j] x[i][j]}, row {@code i} costs {@code log(1 + e^m) − y[i]·m}, computed as
   * {@code max(m, 0) + log1p(e^−|m|) − y[i]·m} so that no exponential overflows.
   *
   * @param theta {@code d} weights, then the intercept
   * @param x the batch's rows, {@code d} features each
   * @param y the rows' labels, 0 or 1
   * @return the summed loss
   */
  @Differentiable
  public static double logisticLoss(double[] theta, @NoGrad double[][] x, @NoGrad double[] y) {
    int d = theta.length - 1;
    double total = 0;
    for (int i = 0; i < x.length; i++) {
      double m = theta[d];
      for (int j = 0; j < d; j++) {
        m += theta[j] * x[i][j];
      }
      double softplus = m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m));
      total += softplus - y[i] * m;
    }
    return total;
  }

  /**
   * The L2 penalty {@code ½ λ Σ_{j<d} θ[j]²} of a parameter vector whose last entry is not penalized (the
   * intercept, or the output bias), as MLlib's {@code LogisticRegression} defines it.
   *
   * @param theta the parameters
   * @param lambda the regularization strength λ ({@code regParam} in MLlib)
   * @return the penalty
   */
  @Differentiable
  public static double l2Penalty(double[] theta, @NoGrad double lambda) {
    double s = 0;
    for (int j = 0; j < theta.length - 1; j++) {
      s += theta[j] * theta[j];
    }
    return 0.5 * lambda * s;
  }

  /**
   * Summed logistic loss of a network with one tanh hidden layer and a single logit output:
   * {@code m = b2 + Σ_k w2[k] tanh(b1[k] + Σ_j W1[k][j] x[i][j])}, row {@code i} costs
   * {@code log(1 + e^m) − y[i]·m}.
   *
   * <p>Layout of {@code p} for {@code h} hidden units and {@code d} features ({@code h(d + 2) + 1} entries):
   * {@code W1} row-major ({@code h × d}), then {@code b1} ({@code h}), {@code w2} ({@code h}), {@code b2}.
   *
   * @param p the parameters
   * @param x the batch's rows, {@code d} features each
   * @param y the rows' labels, 0 or 1
   * @param hidden the hidden units {@code h}
   * @return the summed loss
   */
  @Differentiable
  public static double mlpLoss(double[] p, @NoGrad double[][] x, @NoGrad double[] y, int hidden) {
    int d = (p.length - 1) / hidden - 2;
    int b1 = hidden * d;
    int w2 = b1 + hidden;
    int b2 = w2 + hidden;
    double total = 0;
    for (int i = 0; i < x.length; i++) {
      double m = p[b2];
      for (int k = 0; k < hidden; k++) {
        double a = p[b1 + k];
        for (int j = 0; j < d; j++) {
          a += p[k * d + j] * x[i][j];
        }
        m += p[w2 + k] * Math.tanh(a);
      }
      double softplus = m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m));
      total += softplus - y[i] * m;
    }
    return total;
  }
}
