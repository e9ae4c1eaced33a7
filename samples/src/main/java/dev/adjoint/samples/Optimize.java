package dev.adjoint.samples;

import dev.adjoint.Differentiable;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * A second sample: minimizes the {@code n}-dimensional Rosenbrock function with Adam, the gradient coming
 * from the companion {@code OptimizeGrad} that the Adjoint processor generates for {@link #rosenbrock}.
 *
 * <p>Run it from the repository root with
 * {@code mvn -q -pl samples -am package -DskipTests -Pdemo -Dexec.mainClass=dev.adjoint.samples.Optimize}.
 */
public final class Optimize {
  private Optimize() {}

  /**
   * The Rosenbrock function {@code Σ 100 (x[i+1] − x[i]²)² + (1 − x[i])²}, whose global minimum is 0 at
   * all ones.
   *
   * @param x the point, of any length ≥ 2
   * @return the function's value at {@code x}
   */
  @Differentiable
  public static double rosenbrock(double[] x) {
    double s = 0;
    for (int i = 0; i + 1 < x.length; i++) {
      double a = x[i + 1] - x[i] * x[i];
      double b = 1 - x[i];
      s += 100 * a * a + b * b;
    }
    return s;
  }

  /**
   * Adam's settings (Kingma and Ba, 2015).
   *
   * @param learningRate the step size
   * @param beta1 decay of the first-moment estimate
   * @param beta2 decay of the second-moment estimate
   * @param epsilon added to the denominator for stability
   * @param steps how many steps to take
   */
  public record Adam(double learningRate, double beta1, double beta2, double epsilon, int steps) {
    /** Checks the settings. */
    public Adam {
      if (!(learningRate > 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(epsilon > 0)
          || steps < 0) {
        throw new IllegalArgumentException("invalid Adam settings: " + learningRate + ", " + beta1 + ", " + beta2
            + ", " + epsilon + ", " + steps);
      }
    }

    /**
     * Adam's usual decays and epsilon with the given step size and step count.
     *
     * @param learningRate the step size
     * @param steps how many steps to take
     * @return the settings
     */
    public static Adam of(double learningRate, int steps) {
      return new Adam(learningRate, 0.9, 0.999, 1e-8, steps);
    }
  }

  /**
   * The outcome of a minimization.
   *
   * @param x the last point
   * @param loss the function's value at {@code x}
   * @param gradientNorm the Euclidean norm of the gradient at {@code x}
   * @param steps the steps taken
   */
  public record Result(double[] x, double loss, double gradientNorm, int steps) {}

  /**
   * Minimizes {@link #rosenbrock} from {@code start} with Adam, reporting progress.
   *
   * @param start the starting point (not modified)
   * @param adam the optimizer's settings
   * @param progress where to print a line every {@code every} steps, or {@code null} for silence
   * @param every the reporting interval in steps (ignored when {@code progress} is {@code null})
   * @return the point reached and its loss
   */
  public static Result minimize(double[] start, Adam adam, PrintStream progress, int every) {
    Objects.requireNonNull(adam, "adam");
    if (progress != null && every <= 0) {
      throw new IllegalArgumentException("every must be positive, got " + every);
    }
    double[] x = start.clone();
    double[] m = new double[x.length];
    double[] v = new double[x.length];
    double beta1Power = 1;
    double beta2Power = 1;
    for (int step = 1; step <= adam.steps(); step++) {
      // One forward and one reverse pass: the loss and its gradient (upstream 1.0).
      OptimizeGrad.RosenbrockTape tape = OptimizeGrad.rosenbrockForward(x);
      double loss = tape.value();
      double[] g = tape.backward().x();
      if (progress != null && (step == 1 || step % every == 0)) {
        progress.printf("step %6d   loss %12.6e   |grad| %10.3e%n", step, loss, norm(g));
      }
      beta1Power *= adam.beta1();
      beta2Power *= adam.beta2();
      for (int i = 0; i < x.length; i++) {
        m[i] = adam.beta1() * m[i] + (1 - adam.beta1()) * g[i];
        v[i] = adam.beta2() * v[i] + (1 - adam.beta2()) * g[i] * g[i];
        double mHat = m[i] / (1 - beta1Power);
        double vHat = v[i] / (1 - beta2Power);
        x[i] -= adam.learningRate() * mHat / (Math.sqrt(vHat) + adam.epsilon());
      }
    }
    double[] g = OptimizeGrad.rosenbrockGradient(x).x();
    return new Result(x, rosenbrock(x), norm(g), adam.steps());
  }

  /** The classic starting point {@code (-1.2, 1, -1.2, 1, ...)} with {@code n} coordinates. */
  static double[] classicStart(int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = i % 2 == 0 ? -1.2 : 1.0;
    }
    return x;
  }

  /** The settings the sample and its test use. */
  static Adam sampleSettings() {
    return Adam.of(0.01, 10_000);
  }

  private static double norm(double[] v) {
    double s = 0;
    for (double d : v) {
      s += d * d;
    }
    return Math.sqrt(s);
  }

  /**
   * Minimizes the 10-dimensional Rosenbrock function and prints the progress and the minimizer.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    double[] start = classicStart(10);
    System.out.println("Minimizing the 10-dimensional Rosenbrock function with Adam; gradients by OptimizeGrad");
    System.out.println("start " + Arrays.toString(start));
    Result result = minimize(start, sampleSettings(), System.out, 1_000);
    System.out.printf("after %d steps: loss %.3e, |grad| %.3e%n", result.steps(), result.loss(), result.gradientNorm());
    StringBuilder x = new StringBuilder();
    for (double d : result.x()) {
      x.append(x.length() == 0 ? "" : ", ").append(String.format("%.5f", d));
    }
    System.out.println("x     [" + x + "]   (the minimum is at all ones)");
  }
}
