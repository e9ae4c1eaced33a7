package dev.adjoint.samples;

import dev.adjoint.Differentiable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Physics sample: recovers the stiffness {@code k} and damping {@code c} of a damped spring
 * {@code x'' = −k x − c x'} from noisy observations of its position, by gradient descent through the whole
 * simulation. The loss {@link #loss} integrates the equation with semi-implicit Euler steps inside a loop
 * and compares the trajectory with the observations; the processor turns it into a reverse pass through
 * every step ({@code SpringFitGrad.lossGradient}), so no sensitivity equations or adjoint ODEs are written
 * by hand.
 *
 * <p>Run it from the repository root with
 * {@code mvn -q -pl samples -am package -DskipTests -Pdemo -Dexec.mainClass=dev.adjoint.samples.SpringFit}.
 * It prints the fit's progress and the fitted parameters beside the true ones, and writes the observed and
 * fitted trajectories to {@code samples/target/plots/spring-fit.png}.
 */
public final class SpringFit {
  private SpringFit() {}

  /** Integration step (seconds). */
  static final double DT = 0.01;

  /** Integration steps between two observations (an observation every 0.1 s). */
  static final int STEPS_PER_OBSERVATION = 10;

  /** Number of observations (10 s of motion). */
  static final int OBSERVATIONS = 100;

  /** Standard deviation of the observation noise. */
  static final double NOISE = 0.05;

  /**
   * Mean squared error between the simulated positions and the observations. The spring starts at
   * {@code x0} with velocity {@code v0}; each step is semi-implicit (symplectic) Euler: {@code v += dt·a},
   * then {@code x += dt·v}. Observation {@code i} is compared with the position after
   * {@code (i + 1)·stepsPerObservation} steps.
   *
   * @param k stiffness per unit mass
   * @param c damping per unit mass
   * @param x0 initial position
   * @param v0 initial velocity
   * @param dt integration step
   * @param stepsPerObservation steps between observations
   * @param observed observed positions
   * @return the mean squared error
   */
  @Differentiable
  public static double loss(double k, double c, double x0, double v0, double dt, int stepsPerObservation,
      double[] observed) {
    double x = x0;
    double v = v0;
    double sum = 0;
    for (int i = 0; i < observed.length; i++) {
      for (int j = 0; j < stepsPerObservation; j++) {
        double a = -k * x - c * v;
        v = v + dt * a;
        x = x + dt * v;
      }
      double e = x - observed[i];
      sum += e * e;
    }
    return sum / observed.length;
  }

  /**
   * The positions the loss compares, one per observation (the same integration as {@link #loss}).
   *
   * @return positions after {@code (i + 1)·stepsPerObservation} steps, {@code i < n}
   */
  public static double[] simulate(double k, double c, double x0, double v0, double dt, int stepsPerObservation,
      int n) {
    double[] out = new double[n];
    double x = x0;
    double v = v0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < stepsPerObservation; j++) {
        double a = -k * x - c * v;
        v = v + dt * a;
        x = x + dt * v;
      }
      out[i] = x;
    }
    return out;
  }

  /**
   * Spring parameters.
   *
   * @param k stiffness per unit mass (1/s²)
   * @param c damping per unit mass (1/s)
   * @param x0 initial position
   * @param v0 initial velocity
   */
  public record Parameters(double k, double c, double x0, double v0) {}

  /** The parameters that generate the observations. */
  static final Parameters TRUTH = new Parameters(4.0, 0.3, 1.0, 0.0);

  /** The first guess the fit starts from. */
  static final Parameters START = new Parameters(3.0, 1.0, 0.5, 0.5);

  /** Noisy observations of the true spring, seeded. */
  public static double[] observations(Parameters truth, long seed) {
    double[] x = simulate(truth.k(), truth.c(), truth.x0(), truth.v0(), DT, STEPS_PER_OBSERVATION, OBSERVATIONS);
    Random random = new Random(seed);
    for (int i = 0; i < x.length; i++) {
      x[i] += NOISE * random.nextGaussian();
    }
    return x;
  }

  /**
   * The outcome of a fit.
   *
   * @param fitted the parameters reached
   * @param loss the loss at {@code fitted}
   * @param losses the loss before each step
   */
  public record Fit(Parameters fitted, double loss, List<Double> losses) {}

  /**
   * Fits all four parameters by Adam on the gradient of {@link #loss} (one forward and one reverse pass
   * through the simulation per step), stopping early once the loss and the parameters no longer change at
   * the printed precision between two reports.
   *
   * @param observed the observations
   * @param start the first guess
   * @param steps the most Adam steps
   * @param learningRate Adam's step size
   * @param progress print a line every {@code every} steps, or {@code null}
   * @param every reporting (and convergence test) interval
   * @return the fit
   */
  public static Fit fit(double[] observed, Parameters start, int steps, double learningRate,
      java.io.PrintStream progress, int every) {
    double[] p = {start.k(), start.c(), start.x0(), start.v0()};
    double[] m = new double[4];
    double[] v = new double[4];
    double beta1 = 0.9;
    double beta2 = 0.999;
    double b1 = 1;
    double b2 = 1;
    List<Double> losses = new ArrayList<>();
    String lastState = null;
    int lastStep = 0;
    for (int step = 1; step <= steps; step++) {
      SpringFitGrad.LossTape tape = SpringFitGrad.lossForward(p[0], p[1], p[2], p[3], DT, STEPS_PER_OBSERVATION,
          observed);
      double value = tape.value();
      SpringFitGrad.LossGradient g = tape.backward();
      double[] grad = {g.k(), g.c(), g.x0(), g.v0()};
      losses.add(value);
      if (step == 1 || step % every == 0) {
        String state = String.format(Locale.ROOT, "loss %.6f   k %.4f   c %.4f   x0 %.4f   v0 %.4f", value, p[0],
            p[1], p[2], p[3]);
        if (state.equals(lastState)) {
          // Converged: nothing changes at the printed precision any more.
          if (progress != null) {
            progress.printf(Locale.ROOT, "step %5d   converged: unchanged to the printed digits since step %d%n",
                step, lastStep);
          }
          break;
        }
        if (progress != null) {
          progress.printf(Locale.ROOT, "step %5d   %s%n", step, state);
        }
        lastState = state;
        lastStep = step;
      }
      b1 *= beta1;
      b2 *= beta2;
      for (int i = 0; i < 4; i++) {
        m[i] = beta1 * m[i] + (1 - beta1) * grad[i];
        v[i] = beta2 * v[i] + (1 - beta2) * grad[i] * grad[i];
        p[i] -= learningRate * (m[i] / (1 - b1)) / (Math.sqrt(v[i] / (1 - b2)) + 1e-12);
      }
    }
    Parameters fitted = new Parameters(p[0], p[1], p[2], p[3]);
    return new Fit(fitted, loss(p[0], p[1], p[2], p[3], DT, STEPS_PER_OBSERVATION, observed), losses);
  }

  /** Seed of the observation noise used by the sample and its test. */
  static final long SEED = 7L;

  /** Adam steps and step size used by the sample and its test. */
  static final int STEPS = 1500;

  static final double LEARNING_RATE = 0.02;

  /**
   * Fits the spring, prints fitted against true parameters and writes the trajectory plot.
   *
   * @param args optional: the PNG's path (default {@code samples/target/plots/spring-fit.png})
   * @throws java.io.IOException if the PNG cannot be written
   */
  public static void main(String[] args) throws java.io.IOException {
    Path png = args.length > 0 ? Path.of(args[0]) : Charts.plotDirectory().resolve("spring-fit.png");
    double[] observed = observations(TRUTH, SEED);
    System.out.printf(Locale.ROOT, "Damped spring x'' = -k x - c x', %d observations every %.1f s, noise sd %.2f (seed %d)%n",
        OBSERVATIONS, DT * STEPS_PER_OBSERVATION, NOISE, SEED);
    System.out.println("Fitting k, c, x0, v0 by Adam; gradients by a reverse pass through all "
        + OBSERVATIONS * STEPS_PER_OBSERVATION + " Euler steps (SpringFitGrad.lossForward / backward)");
    long t0 = System.nanoTime();
    Fit fit = fit(observed, START, STEPS, LEARNING_RATE, System.out, 100);
    long t1 = System.nanoTime();
    Parameters f = fit.fitted();
    System.out.printf(Locale.ROOT, "%nfit took %.0f ms, final loss %.6f (noise variance %.6f)%n", (t1 - t0) / 1e6,
        fit.loss(), NOISE * NOISE);
    System.out.printf(Locale.ROOT, "%-10s %10s %10s %10s%n", "parameter", "true", "fitted", "start");
    System.out.printf(Locale.ROOT, "%-10s %10.4f %10.4f %10.4f%n", "k", TRUTH.k(), f.k(), START.k());
    System.out.printf(Locale.ROOT, "%-10s %10.4f %10.4f %10.4f%n", "c", TRUTH.c(), f.c(), START.c());
    System.out.printf(Locale.ROOT, "%-10s %10.4f %10.4f %10.4f%n", "x0", TRUTH.x0(), f.x0(), START.x0());
    System.out.printf(Locale.ROOT, "%-10s %10.4f %10.4f %10.4f%n", "v0", TRUTH.v0(), f.v0(), START.v0());
    plot(observed, fit, png);
    System.out.println("\nwrote " + png.toAbsolutePath().normalize());
  }

  /** Observed points, the true, first-guess and fitted trajectories, against time. */
  static void plot(double[] observed, Fit fit, Path png) throws java.io.IOException {
    int fine = OBSERVATIONS * STEPS_PER_OBSERVATION;
    double[] time = new double[OBSERVATIONS];
    double[] fineTime = new double[fine + 1];
    for (int i = 0; i < OBSERVATIONS; i++) {
      time[i] = (i + 1) * STEPS_PER_OBSERVATION * DT;
    }
    for (int i = 0; i <= fine; i++) {
      fineTime[i] = i * DT;
    }
    Parameters f = fit.fitted();
    List<Charts.Series> lines = List.of(
        new Charts.Series("start guess", fineTime, trajectory(START, fine)),
        new Charts.Series("true (k = " + TRUTH.k() + ", c = " + TRUTH.c() + ")", fineTime, trajectory(TRUTH, fine)),
        new Charts.Series(String.format(Locale.ROOT, "fitted (k = %.3f, c = %.3f)", f.k(), f.c()), fineTime,
            trajectory(f, fine)));
    Charts.trajectories("Damped spring: observations and fitted trajectory", "time t (s)", "position x",
        new Charts.Series("observed (noise sd " + NOISE + ")", time, observed), lines, png);
  }

  /** Position at every integration step, starting with {@code x0}. */
  private static double[] trajectory(Parameters p, int steps) {
    double[] out = new double[steps + 1];
    out[0] = p.x0();
    double[] rest = simulate(p.k(), p.c(), p.x0(), p.v0(), DT, 1, steps);
    System.arraycopy(rest, 0, out, 1, steps);
    return out;
  }
}
