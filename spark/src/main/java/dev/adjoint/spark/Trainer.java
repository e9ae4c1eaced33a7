package dev.adjoint.spark;

import dev.adjoint.optim.LbfgsMinimizer;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Full-batch training: the objective {@code (1/n) Σ_rows loss + penalty} and its gradient are summed over a
 * {@link TrainingData} (threads or a Spark cluster) and the parameters are updated on the driver by
 * {@link LbfgsMinimizer}.
 */
public final class Trainer {
  private Trainer() {}

  /**
   * A trained model.
   *
   * @param params the parameters
   * @param loss the objective there
   * @param gradientNorm the objective's gradient norm there
   * @param iterations L-BFGS iterations
   * @param evaluations objective evaluations (each a pass over the data)
   * @param stop why L-BFGS stopped
   * @param seconds wall time of the training
   */
  public record Result(double[] params, double loss, double gradientNorm, int iterations, int evaluations,
      LbfgsMinimizer.Stop stop, double seconds) {}

  /**
   * The objective {@code (1/n) Σ_rows loss + penalty} at {@code params}.
   *
   * @param gradient receives its gradient
   * @return its value
   */
  public static double objective(TrainingData data, BatchLoss loss, double[] params, double[] gradient) {
    double sum = data.sumLossAndGradient(loss, params, gradient);
    double n = data.count();
    for (int j = 0; j < gradient.length; j++) {
      gradient[j] /= n;
    }
    return sum / n + loss.addPenaltyAndGradient(params, gradient);
  }

  /**
   * Minimizes the objective from {@code start}, printing a line per iteration to {@code progress} (if not
   * null): iteration, objective, gradient norm, passes over the data, milliseconds.
   */
  public static Result train(TrainingData data, BatchLoss loss, double[] start, LbfgsMinimizer lbfgs,
      PrintStream progress) {
    int expected = loss.parameterCount(data.features());
    if (start.length != expected) {
      throw new IllegalArgumentException(start.length + " starting parameters, expected " + expected + " for "
          + data.features() + " features");
    }
    long t0 = System.nanoTime();
    long[] last = {t0};
    LbfgsMinimizer.Result r = lbfgs.minimize((p, g) -> objective(data, loss, p, g), start, (k, value, norm, evals) -> {
      long now = System.nanoTime();
      if (progress != null) {
        progress.println(String.format(Locale.ROOT, "iter %3d  loss %.12f  |grad| %.3e  passes %3d  %7.1f ms",
            k, value, norm, evals, (now - last[0]) / 1e6));
      }
      last[0] = now;
    });
    double seconds = (System.nanoTime() - t0) / 1e9;
    return new Result(r.x(), r.value(), r.gradientNorm(), r.iterations(), r.evaluations(), r.stop(), seconds);
  }

  /** The fraction of rows whose label the model predicts (1 where the margin is positive). */
  public static double accuracy(BatchLoss loss, double[] params, double[][] x, double[] y) {
    int right = 0;
    for (int i = 0; i < x.length; i++) {
      if ((loss.margin(params, x[i]) > 0 ? 1 : 0) == y[i]) {
        right++;
      }
    }
    return (double) right / x.length;
  }
}
