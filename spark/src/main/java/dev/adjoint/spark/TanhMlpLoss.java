package dev.adjoint.spark;

import java.util.Random;

/**
 * A binary classifier with one tanh hidden layer ({@link Losses#mlpLoss}), with an L2 penalty
 * {@code ½ λ Σ p_j²} on every parameter but the output bias. Gradients come from {@code LossesGrad}.
 *
 * @param hidden hidden units
 * @param lambda the L2 strength
 */
public record TanhMlpLoss(int hidden, double lambda) implements BatchLoss {
  public TanhMlpLoss {
    if (hidden < 1) {
      throw new IllegalArgumentException("hidden must be at least 1, got " + hidden);
    }
  }

  @Override
  public int parameterCount(int features) {
    return hidden * (features + 2) + 1;
  }

  @Override
  public double addLossAndGradient(double[] params, double[][] x, double[] y, double[] gradient) {
    double[] g = LossesGrad.mlpLossGradient(params, x, y, hidden).p();
    for (int j = 0; j < g.length; j++) {
      gradient[j] += g[j];
    }
    return LossesGrad.mlpLoss(params, x, y, hidden);
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
    int d = row.length;
    double m = params[params.length - 1];
    for (int k = 0; k < hidden; k++) {
      double a = params[hidden * d + k];
      for (int j = 0; j < d; j++) {
        a += params[k * d + j] * row[j];
      }
      m += params[hidden * d + hidden + k] * Math.tanh(a);
    }
    return m;
  }

  /**
   * Seeded starting parameters: input weights uniform in {@code ±1/√d}, output weights in {@code ±1/√h},
   * biases 0 (all-zero parameters would be a saddle point of the network).
   */
  public double[] initialParameters(int features, long seed) {
    Random r = new Random(seed);
    double[] p = new double[parameterCount(features)];
    for (int i = 0; i < hidden * features; i++) {
      p[i] = (2 * r.nextDouble() - 1) / Math.sqrt(features);
    }
    for (int k = 0; k < hidden; k++) {
      p[hidden * (features + 1) + k] = (2 * r.nextDouble() - 1) / Math.sqrt(hidden);
    }
    return p;
  }
}
