package dev.adjoint.spark;

/**
 * Rows split into batches somewhere (threads of this JVM, or a Spark cluster) that can sum a
 * {@link BatchLoss} and its gradient over all of them.
 */
public interface TrainingData {
  /** The number of rows. */
  long count();

  /** The number of features per row. */
  int features();

  /**
   * The loss summed over every row, and its gradient.
   *
   * @param gradient receives the summed gradient (overwritten)
   * @return the summed loss
   */
  double sumLossAndGradient(BatchLoss loss, double[] params, double[] gradient);
}
