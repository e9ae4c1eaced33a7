package dev.adjoint.spark;

import java.io.Serializable;

/**
 * A model's loss over a batch of rows, with its gradient from a generated companion: what the trainer sums
 * over partitions. The objective the trainer minimizes over {@code n} rows is
 * {@code (1/n) Σ_batches sum(params, batch) + penalty(params)}.
 *
 * <p>Implementations are serialized to Spark executors with each task, so they hold only settings; their
 * methods must be thread-safe (the generated methods are: they keep no state between calls).
 */
public interface BatchLoss extends Serializable {
  /** The number of parameters for rows of {@code features} features. */
  int parameterCount(int features);

  /**
   * The summed loss of a batch, and its gradient added into {@code gradient}.
   *
   * @param params the parameters (not modified)
   * @param x the batch's rows
   * @param y their labels, 0 or 1
   * @param gradient receives {@code += ∇ Σ_rows loss}
   * @return {@code Σ_rows loss}
   */
  double addLossAndGradient(double[] params, double[][] x, double[] y, double[] gradient);

  /**
   * The regularizer, evaluated once per objective evaluation on the driver; its gradient is added into
   * {@code gradient}.
   */
  double addPenaltyAndGradient(double[] params, double[] gradient);

  /** The model's logit for one row: the prediction is 1 where it is positive. */
  double margin(double[] params, double[] row);
}
