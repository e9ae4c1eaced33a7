package dev.adjoint.spark;

/**
 * Binary logistic regression with an L2 penalty on the weights (not on the intercept): the objective is
 * {@code (1/n) Σ_i [log(1 + e^{m_i}) − y_i m_i] + ½ λ ‖w‖²} with {@code m_i = w·x_i + b}. This is exactly
 * what MLlib's {@code LogisticRegression} minimizes with {@code regParam = λ}, {@code elasticNetParam = 0},
 * {@code fitIntercept = true} and {@code standardization = false} (with standardization on, MLlib would
 * penalize {@code Σ_j (w_j σ_j)²} instead, σ_j the feature's standard deviation).
 *
 * <p>Parameters: the {@code d} weights, then the intercept. Gradients come from {@code LossesGrad}.
 *
 * @param lambda the L2 strength λ, MLlib's {@code regParam}
 */
public record LogisticRegressionLoss(double lambda) implements BatchLoss {
  @Override
  public int parameterCount(int features) {
    return features + 1;
  }

  @Override
  public double addLossAndGradient(double[] params, double[][] x, double[] y, double[] gradient) {
    double[] g = LossesGrad.logisticLossGradient(params, x, y).theta();
    for (int j = 0; j < g.length; j++) {
      gradient[j] += g[j];
    }
    return LossesGrad.logisticLoss(params, x, y);
  }

  @Override
  public double addPenaltyAndGradient(double[] params, double[] gradient) {
    double[] g = LossesGrad.l2PenaltyGradient(params, lambda).theta();
    for (int j = 0; j < g.length; j++) {
      gradient[j] += g[j];
    }
    return LossesGrad.l2Penalty(params, lambda);
  }

  @Override
  public double margin(double[] params, double[] row) {
    double m = params[row.length];
    for (int j = 0; j < row.length; j++) {
      m += params[j] * row[j];
    }
    return m;
  }
}
