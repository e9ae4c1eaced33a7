package dev.adjoint.benchmarks;

import dev.adjoint.Differentiable;
import dev.adjoint.NoGrad;

/**
 * The benchmarked functions, each written once as plain Java. The Adjoint processor writes
 * {@code FunctionsGrad} next to this class while the module compiles, exactly as in a user's project.
 */
public final class Functions {
  private Functions() {}

  /** Time step of the explicit Euler scheme. */
  static final double DT = 0.01;
  /** Initial position and velocity of the damped oscillator. */
  static final double X0 = 1.0;
  static final double V0 = 0.0;

  /** Strike, risk-free rate and maturity of the Monte Carlo European call. */
  static final double STRIKE = 100.0;
  static final double RATE = 0.05;
  static final double MATURITY = 1.0;

  /** The seed's example 1: {@code mean(3 (a + 3)²)}. */
  @Differentiable
  public static double seedExample1(double[] a) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      double b = a[i] + 3;
      double c = b * b * 3;
      sum += c;
    }
    return sum / a.length;
  }

  /** Straight-line scalar code: {@code x * (-sin(x y) + y) * 4}. */
  @Differentiable
  public static double sinXY(double x, double y) {
    return x * (-Math.sin(x * y) + y) * 4;
  }

  /** Softmax cross-entropy of {@code logits} against the class {@code target}, max-shifted for stability. */
  @Differentiable
  public static double softmaxCrossEntropy(double[] logits, int target) {
    double m = logits[0];
    for (int i = 1; i < logits.length; i++) {
      m = Math.max(m, logits[i]);
    }
    double s = 0;
    for (int i = 0; i < logits.length; i++) {
      s += Math.exp(logits[i] - m);
    }
    return Math.log(s) + m - logits[target];
  }

  /** The Rosenbrock function over {@code x.length} inputs. */
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
   * Explicit Euler over {@code steps} steps of the damped oscillator {@code x'' = -k x - c x'} from
   * {@code (X0, V0)}; the loss is {@code DT Σ x(t)²}.
   */
  @Differentiable
  public static double dampedOscillator(double k, double c, int steps) {
    double x = X0;
    double v = V0;
    double loss = 0;
    for (int t = 0; t < steps; t++) {
      double a = -k * x - c * v;
      x = x + DT * v;
      v = v + DT * a;
      loss += x * x;
    }
    return loss * DT;
  }

  /**
   * Monte Carlo price of a European call under Black-Scholes from pre-generated standard normals {@code z};
   * its derivatives by {@code s0} and {@code sigma} are delta and vega.
   */
  @Differentiable
  public static double europeanCall(double s0, double sigma, @NoGrad double[] z) {
    double drift = (RATE - 0.5 * sigma * sigma) * MATURITY;
    double vol = sigma * Math.sqrt(MATURITY);
    double sum = 0;
    for (int i = 0; i < z.length; i++) {
      double st = s0 * Math.exp(drift + vol * z[i]);
      sum += Math.max(st - STRIKE, 0.0);
    }
    return Math.exp(-RATE * MATURITY) * sum / z.length;
  }
}
