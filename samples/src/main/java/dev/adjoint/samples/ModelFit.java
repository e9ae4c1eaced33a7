package dev.adjoint.samples;

import dev.adjoint.Differentiable;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Random;

/**
 * A model's parameters as a record, its loss as an instance method of the data it is fitted to: the
 * gradient of {@link Data#loss} is a {@link Params} too, so a training step is arithmetic on two records.
 *
 * <p>{@code ModelFit_DataGrad.lossGradient(data, params)} takes the object first ({@code self}); the data's
 * fields are constants of the derivative, read when the companion is called. {@link Params#l2} is an instance
 * method of the record, called from the loss through the same call boundary as any other
 * {@code @Differentiable} method.
 *
 * <p>Run it from the repository root with
 * {@code mvn -q -pl samples -am package -DskipTests -Pdemo -Dexec.mainClass=dev.adjoint.samples.ModelFit}.
 */
public final class ModelFit {
  private ModelFit() {}

  /**
   * A linear model's parameters.
   *
   * @param w one weight per feature
   * @param bias the intercept
   */
  public record Params(double[] w, double bias) {
    /** The squared norm of the weights (the bias is not penalized). */
    @Differentiable
    public double l2() {
      double s = 0;
      for (int j = 0; j < w.length; j++) {
        s += w[j] * w[j];
      }
      return s;
    }

    /** {@code this − rate · gradient}, component by component. */
    Params minus(double rate, Params gradient) {
      double[] next = w.clone();
      for (int j = 0; j < next.length; j++) {
        next[j] -= rate * gradient.w()[j];
      }
      return new Params(next, bias - rate * gradient.bias());
    }

    @Override
    public String toString() {
      return "Params[w=" + Arrays.toString(w) + ", bias=" + bias + "]";
    }
  }

  /** Training data and the ridge penalty: constants of the derivative. */
  public static final class Data {
    final double[][] x;
    final double[] y;
    final double lambda;

    /**
     * @param x one row of features per example
     * @param y one target per example
     * @param lambda the weight of {@link Params#l2} in the loss
     */
    public Data(double[][] x, double[] y, double lambda) {
      this.x = x;
      this.y = y;
      this.lambda = lambda;
    }

    /** The mean squared error of {@code p} on this data, plus {@code lambda · p.l2()}. */
    @Differentiable
    public double loss(Params p) {
      double s = 0;
      for (int i = 0; i < y.length; i++) {
        double r = p.bias() - y[i];
        for (int j = 0; j < p.w().length; j++) {
          r += p.w()[j] * x[i][j];
        }
        s += r * r;
      }
      return s / y.length + lambda * p.l2();
    }
  }

  /** {@code n} examples of {@code y = 2 x0 − 3 x1 + 0.5} plus noise of standard deviation 0.1. */
  public static Data syntheticData(int n, long seed) {
    Random random = new Random(seed);
    double[][] x = new double[n][2];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i][0] = random.nextGaussian();
      x[i][1] = random.nextGaussian();
      y[i] = 2 * x[i][0] - 3 * x[i][1] + 0.5 + 0.1 * random.nextGaussian();
    }
    return new Data(x, y, 1e-3);
  }

  /** Gradient descent from {@code start}: {@code steps} steps of size {@code rate}, progress every 100 steps. */
  public static Params fit(Data data, Params start, double rate, int steps, PrintStream out) {
    Params p = start;
    for (int step = 1; step <= steps; step++) {
      ModelFit_DataGrad.LossValueAndGradient vg = ModelFit_DataGrad.lossValueAndGradient(data, p);
      if (step == 1 || step % 100 == 0) {
        out.printf("step %4d  loss %.6f%n", step, vg.value());
      }
      p = p.minus(rate, vg.gradient().p());
    }
    return p;
  }

  /**
   * Fits the synthetic data and prints the loss and the parameters.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    Data data = syntheticData(200, 7);
    Params p = fit(data, new Params(new double[2], 0), 0.1, 500, System.out);
    System.out.println("fitted " + p + " (data made with w = [2.0, -3.0], bias = 0.5)");
  }
}
