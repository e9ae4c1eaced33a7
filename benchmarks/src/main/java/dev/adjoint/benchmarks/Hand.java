package dev.adjoint.benchmarks;

import static dev.adjoint.benchmarks.Functions.DT;
import static dev.adjoint.benchmarks.Functions.MATURITY;
import static dev.adjoint.benchmarks.Functions.RATE;
import static dev.adjoint.benchmarks.Functions.STRIKE;
import static dev.adjoint.benchmarks.Functions.V0;
import static dev.adjoint.benchmarks.Functions.X0;

/** Gradients written by hand, the way a careful person would: the "hand-written" peer. */
public final class Hand {
  private Hand() {}

  public static double[] seedExample1(double[] a) {
    double[] g = new double[a.length];
    double f = 6.0 / a.length;
    for (int i = 0; i < a.length; i++) {
      g[i] = f * (a[i] + 3);
    }
    return g;
  }

  /** d/dx and d/dy of {@code 4 x (y - sin(x y))}. */
  public static double[] sinXY(double x, double y) {
    double xy = x * y;
    double s = Math.sin(xy);
    double c = Math.cos(xy);
    return new double[] {4 * (y - s) - 4 * xy * c, 4 * x - 4 * x * x * c};
  }

  /** Returns {@code [dx, dy]} in {@code out}: the allocation-free variant for straight-line code. */
  public static void sinXY(double x, double y, double[] out) {
    double xy = x * y;
    double s = Math.sin(xy);
    double c = Math.cos(xy);
    out[0] = 4 * (y - s) - 4 * xy * c;
    out[1] = 4 * x - 4 * x * x * c;
  }

  /** {@code softmax(logits) - onehot(target)}. */
  public static double[] softmaxCrossEntropy(double[] logits, int target) {
    int n = logits.length;
    double m = logits[0];
    for (int i = 1; i < n; i++) {
      m = Math.max(m, logits[i]);
    }
    double[] g = new double[n];
    double s = 0;
    for (int i = 0; i < n; i++) {
      double e = Math.exp(logits[i] - m);
      g[i] = e;
      s += e;
    }
    double inv = 1.0 / s;
    for (int i = 0; i < n; i++) {
      g[i] *= inv;
    }
    g[target] -= 1.0;
    return g;
  }

  public static double[] rosenbrock(double[] x) {
    double[] g = new double[x.length];
    for (int i = 0; i + 1 < x.length; i++) {
      double a = x[i + 1] - x[i] * x[i];
      double b = 1 - x[i];
      g[i] += -400 * a * x[i] - 2 * b;
      g[i + 1] += 200 * a;
    }
    return g;
  }

  /** {@code [dL/dk, dL/dc]} of {@link Functions#dampedOscillator}: forward sweep storing x, v; reverse sweep. */
  public static double[] dampedOscillator(double k, double c, int steps) {
    double[] xs = new double[steps + 1];
    double[] vs = new double[steps + 1];
    double x = X0;
    double v = V0;
    xs[0] = x;
    vs[0] = v;
    for (int t = 0; t < steps; t++) {
      double a = -k * x - c * v;
      x = x + DT * v;
      v = v + DT * a;
      xs[t + 1] = x;
      vs[t + 1] = v;
    }
    double dx = 0;
    double dv = 0;
    double dk = 0;
    double dc = 0;
    for (int t = steps - 1; t >= 0; t--) {
      // loss += x_{t+1}^2 * DT (the final * DT folded in)
      dx += 2 * DT * xs[t + 1];
      // v_{t+1} = v_t + DT a_t ; x_{t+1} = x_t + DT v_t ; a_t = -k x_t - c v_t
      double da = DT * dv;
      double xt = xs[t];
      double vt = vs[t];
      dk -= da * xt;
      dc -= da * vt;
      double ndx = dx - k * da;
      double ndv = dv + DT * dx - c * da;
      dx = ndx;
      dv = ndv;
    }
    return new double[] {dk, dc};
  }

  /** {@code [delta, vega]} of {@link Functions#europeanCall} (pathwise derivatives). */
  public static double[] europeanCall(double s0, double sigma, double[] z) {
    double drift = (RATE - 0.5 * sigma * sigma) * MATURITY;
    double sqrtT = Math.sqrt(MATURITY);
    double vol = sigma * sqrtT;
    double delta = 0;
    double vega = 0;
    for (int i = 0; i < z.length; i++) {
      double st = s0 * Math.exp(drift + vol * z[i]);
      if (st > STRIKE) {
        delta += st;
        vega += st * (sqrtT * z[i] - sigma * MATURITY);
      }
    }
    double f = Math.exp(-RATE * MATURITY) / z.length;
    return new double[] {delta * f / s0, vega * f};
  }
}
