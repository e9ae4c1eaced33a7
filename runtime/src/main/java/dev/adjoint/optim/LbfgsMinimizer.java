package dev.adjoint.optim;

import java.util.Arrays;
import java.util.Objects;

/**
 * Limited-memory BFGS over {@code double[]} with a strong-Wolfe line search (Nocedal and Wright,
 * <i>Numerical Optimization</i>, 2nd ed.: two-loop recursion, Algorithm 7.4; line search, Algorithms 3.5 and
 * 3.6), for full-batch objectives such as a loss summed over a data set.
 *
 * <p>The objective is a callback that returns {@code f(x)} and writes {@code ∇f(x)} into an array it is
 * given; a generated {@code ...Gradient} or {@code ...Vjp} method fits it directly, and so does a gradient
 * summed over a cluster. {@link #minimize} never modifies the starting point and returns fresh arrays.
 *
 * <p>It stops when the gradient's Euclidean norm is at most {@code gradientTolerance}, when an iteration
 * lowers {@code f} by at most {@code valueTolerance · max(|f|, 1)}, after {@code maxIterations}
 * iterations, or when the line search finds no step satisfying the Wolfe conditions (usually: {@code x} is
 * already optimal to round-off). A non-finite value or gradient at the starting point is an
 * {@link IllegalArgumentException}; during a line search it counts as "too far" and the step is shortened.
 *
 * <p>This class is about vectors of doubles only (no tensors, no state between calls, no dependencies);
 * instances are immutable and can be shared between threads. It is not one of the package's
 * {@link Optimizer}s, which update {@code Tensor} parameters in place step by step as {@code torch.optim}
 * does; the name leaves {@code LBFGS} free for a PyTorch-style tensor optimizer (a class differing only in
 * case would clash on case-insensitive file systems).
 */
public final class LbfgsMinimizer {
  /** Sufficient-decrease constant of the Wolfe conditions. */
  static final double C1 = 1e-4;
  /** Curvature constant of the (strong) Wolfe conditions, the usual choice for quasi-Newton methods. */
  static final double C2 = 0.9;
  /** At most this many objective evaluations per line search. */
  static final int MAX_LINE_SEARCH_EVALUATIONS = 40;

  /** A differentiable objective. */
  @FunctionalInterface
  public interface Objective {
    /**
     * Evaluates the objective.
     *
     * @param x the point; must not be modified
     * @param gradient receives {@code ∇f(x)} (every entry is overwritten)
     * @return {@code f(x)}
     */
    double evaluate(double[] x, double[] gradient);
  }

  /** Called once per completed iteration, e.g. to print a progress line. */
  @FunctionalInterface
  public interface Monitor {
    /**
     * Reports an iteration.
     *
     * @param iteration 1 for the first completed iteration
     * @param value {@code f} at the new point
     * @param gradientNorm the Euclidean norm of the gradient there
     * @param evaluations objective evaluations so far, all iterations included
     */
    void iteration(int iteration, double value, double gradientNorm, int evaluations);
  }

  /** Why {@link #minimize} stopped. */
  public enum Stop {
    /** The gradient norm reached {@code gradientTolerance}. */
    GRADIENT,
    /** An iteration lowered {@code f} by at most {@code valueTolerance · max(|f|, 1)}. */
    VALUE,
    /** {@code maxIterations} iterations ran. */
    MAX_ITERATIONS,
    /** No step along the search direction satisfied the Wolfe conditions. */
    LINE_SEARCH
  }

  /**
   * The outcome of a minimization.
   *
   * @param x the last point (a fresh array)
   * @param value {@code f(x)}
   * @param gradient {@code ∇f(x)} (a fresh array)
   * @param iterations completed iterations
   * @param evaluations objective evaluations
   * @param stop why it stopped
   */
  public record Result(double[] x, double value, double[] gradient, int iterations, int evaluations, Stop stop) {
    /** The Euclidean norm of {@link #gradient()}. */
    public double gradientNorm() {
      return norm(gradient);
    }
  }

  private final int memory;
  private final int maxIterations;
  private final double gradientTolerance;
  private final double valueTolerance;

  /**
   * An optimizer.
   *
   * @param memory correction pairs kept (MLlib and SciPy use 10)
   * @param maxIterations at most this many iterations
   * @param gradientTolerance stop when {@code ‖∇f‖₂} is at most this (0 disables the test)
   * @param valueTolerance stop when an iteration lowers {@code f} by at most this times {@code max(|f|, 1)}
   *     (0 disables the test)
   */
  public LbfgsMinimizer(int memory, int maxIterations, double gradientTolerance, double valueTolerance) {
    if (memory < 1) {
      throw new IllegalArgumentException("memory must be at least 1, got " + memory);
    }
    if (maxIterations < 0) {
      throw new IllegalArgumentException("maxIterations must be at least 0, got " + maxIterations);
    }
    if (!(gradientTolerance >= 0) || !(valueTolerance >= 0)) {
      throw new IllegalArgumentException(
          "tolerances must be non-negative, got " + gradientTolerance + " and " + valueTolerance);
    }
    this.memory = memory;
    this.maxIterations = maxIterations;
    this.gradientTolerance = gradientTolerance;
    this.valueTolerance = valueTolerance;
  }

  /** Minimizes {@code f} from {@code x0} without progress reports. */
  public Result minimize(Objective f, double[] x0) {
    return minimize(f, x0, (k, v, g, e) -> {});
  }

  /**
   * Minimizes {@code f} from {@code x0}.
   *
   * @param f the objective
   * @param x0 the starting point (not modified)
   * @param monitor told about each completed iteration
   * @return the last point, its value and gradient, and why the search stopped
   * @throws IllegalArgumentException if {@code f} or its gradient is not finite at {@code x0}
   */
  public Result minimize(Objective f, double[] x0, Monitor monitor) {
    Objects.requireNonNull(f, "f");
    Objects.requireNonNull(monitor, "monitor");
    int n = x0.length;
    double[] x = x0.clone();
    double[] g = new double[n];
    double fx = f.evaluate(x, g);
    int evaluations = 1;
    if (!Double.isFinite(fx) || !allFinite(g)) {
      throw new IllegalArgumentException("the objective or its gradient is not finite at the starting point: f = "
          + fx + ", gradient " + Arrays.toString(g));
    }
    double[][] s = new double[memory][];
    double[][] y = new double[memory][];
    double[] rho = new double[memory];
    double[] alpha = new double[memory];
    int stored = 0;
    int newest = -1;
    double[] d = new double[n];
    double[] xNew = new double[n];
    double[] gNew = new double[n];
    LineSearch search = new LineSearch(f, n);
    for (int iteration = 1; ; iteration++) {
      if (norm(g) <= gradientTolerance) {
        return new Result(x, fx, g, iteration - 1, evaluations, Stop.GRADIENT);
      }
      if (iteration > maxIterations) {
        return new Result(x, fx, g, iteration - 1, evaluations, Stop.MAX_ITERATIONS);
      }
      // Two-loop recursion: d = -H g, with H0 = (s·y / y·y) I from the newest pair.
      System.arraycopy(g, 0, d, 0, n);
      for (int k = 0; k < stored; k++) {
        int i = Math.floorMod(newest - k, memory);
        alpha[i] = rho[i] * dot(s[i], d);
        axpy(-alpha[i], y[i], d);
      }
      double gamma = stored == 0 ? 1 : dot(s[newest], y[newest]) / dot(y[newest], y[newest]);
      scale(gamma, d);
      for (int k = stored - 1; k >= 0; k--) {
        int i = Math.floorMod(newest - k, memory);
        double beta = rho[i] * dot(y[i], d);
        axpy(alpha[i] - beta, s[i], d);
      }
      scale(-1, d);
      double slope = dot(g, d);
      if (!(slope < 0)) {
        // Not a descent direction (round-off in the curvature pairs): restart from steepest descent.
        stored = 0;
        System.arraycopy(g, 0, d, 0, n);
        scale(-1, d);
        slope = dot(g, d);
      }
      double firstStep = stored == 0 ? Math.min(1, 1 / norm(g)) : 1;
      double step = search.run(x, fx, g, d, slope, firstStep, xNew, gNew);
      evaluations += search.evaluations;
      if (Double.isNaN(step)) {
        return new Result(x, fx, g, iteration - 1, evaluations, Stop.LINE_SEARCH);
      }
      double fNew = search.value;
      // New curvature pair s = xNew - x, y = gNew - g; skipped if s·y is not positive (cannot happen with
      // an exact strong-Wolfe step on a smooth function, but round-off can).
      int slot = (newest + 1) % memory;
      double[] sk = s[slot] == null ? new double[n] : s[slot];
      double[] yk = y[slot] == null ? new double[n] : y[slot];
      for (int j = 0; j < n; j++) {
        sk[j] = xNew[j] - x[j];
        yk[j] = gNew[j] - g[j];
      }
      double sy = dot(sk, yk);
      if (sy > 0) {
        s[slot] = sk;
        y[slot] = yk;
        rho[slot] = 1 / sy;
        newest = slot;
        stored = Math.min(stored + 1, memory);
      }
      double decrease = fx - fNew;
      System.arraycopy(xNew, 0, x, 0, n);
      System.arraycopy(gNew, 0, g, 0, n);
      fx = fNew;
      monitor.iteration(iteration, fx, norm(g), evaluations);
      if (decrease <= valueTolerance * Math.max(Math.abs(fx), 1)) {
        return new Result(x, fx, g, iteration, evaluations, Stop.VALUE);
      }
    }
  }

  /** Strong-Wolfe line search along {@code d}; one instance per minimization (it keeps work arrays). */
  private static final class LineSearch {
    private final Objective f;
    private final double[] xt;
    private final double[] gt;
    /** Objective evaluations of the last {@link #run}. */
    int evaluations;
    /** {@code f} at the accepted step. */
    double value;

    LineSearch(Objective f, int n) {
      this.f = f;
      this.xt = new double[n];
      this.gt = new double[n];
    }

    /**
     * Finds a step {@code t} with {@code f(x + t d) <= f(x) + C1 t slope} and
     * {@code |∇f(x + t d)·d| <= C2 |slope|}; writes the point and its gradient to {@code xOut},
     * {@code gOut} and its value to {@link #value}.
     *
     * @return the step, or NaN if none was found within {@link #MAX_LINE_SEARCH_EVALUATIONS} evaluations
     */
    double run(double[] x, double f0, double[] g0, double[] d, double slope0, double t1, double[] xOut,
        double[] gOut) {
      evaluations = 0;
      double tPrev = 0;
      double fPrev = f0;
      double slopePrev = slope0;
      double t = t1;
      while (evaluations < MAX_LINE_SEARCH_EVALUATIONS) {
        double ft = evaluateAt(x, d, t);
        double slope = dot(gt, d);
        if (!Double.isFinite(ft) || !Double.isFinite(slope)) {
          // Too far: the objective overflowed. Shorten and try again.
          t = tPrev + (t - tPrev) / 10;
          continue;
        }
        if (ft > f0 + C1 * t * slope0 || (evaluations > 1 && ft >= fPrev)) {
          return zoom(x, f0, d, slope0, tPrev, fPrev, slopePrev, t, ft, slope, xOut, gOut);
        }
        if (Math.abs(slope) <= -C2 * slope0) {
          return accept(t, ft, xOut, gOut);
        }
        if (slope >= 0) {
          return zoom(x, f0, d, slope0, t, ft, slope, tPrev, fPrev, slopePrev, xOut, gOut);
        }
        tPrev = t;
        fPrev = ft;
        slopePrev = slope;
        t = 2 * t;
      }
      return Double.NaN;
    }

    /** Algorithm 3.6: {@code lo} satisfies sufficient decrease and has the lower value; the minimizer lies between lo and hi. */
    private double zoom(double[] x, double f0, double[] d, double slope0, double lo, double fLo, double slopeLo,
        double hi, double fHi, double slopeHi, double[] xOut, double[] gOut) {
      while (evaluations < MAX_LINE_SEARCH_EVALUATIONS) {
        double t = cubicMinimizer(lo, fLo, slopeLo, hi, fHi, slopeHi);
        double width = Math.abs(hi - lo);
        if (!(Math.abs(t - lo) > 0.1 * width && Math.abs(t - hi) > 0.1 * width)) {
          t = (lo + hi) / 2; // safeguard: the interpolant's minimizer is too close to an end (or undefined)
        }
        if (t == lo || t == hi) {
          return Double.NaN; // the interval collapsed to round-off
        }
        double ft = evaluateAt(x, d, t);
        double slope = dot(gt, d);
        if (!Double.isFinite(ft) || ft > f0 + C1 * t * slope0 || ft >= fLo) {
          hi = t;
          fHi = ft;
          slopeHi = slope;
        } else {
          if (Math.abs(slope) <= -C2 * slope0) {
            return accept(t, ft, xOut, gOut);
          }
          if (slope * (hi - lo) >= 0) {
            hi = lo;
            fHi = fLo;
            slopeHi = slopeLo;
          }
          lo = t;
          fLo = ft;
          slopeLo = slope;
        }
      }
      return Double.NaN;
    }

    private double evaluateAt(double[] x, double[] d, double t) {
      for (int j = 0; j < x.length; j++) {
        xt[j] = x[j] + t * d[j];
      }
      evaluations++;
      return f.evaluate(xt, gt);
    }

    private double accept(double t, double ft, double[] xOut, double[] gOut) {
      System.arraycopy(xt, 0, xOut, 0, xt.length);
      System.arraycopy(gt, 0, gOut, 0, gt.length);
      value = ft;
      return t;
    }
  }

  /**
   * The minimizer of the cubic through {@code (a, fa)} and {@code (b, fb)} with slopes {@code da}, {@code db}
   * (Nocedal and Wright, eq. 3.59); NaN when it has none (the caller then bisects).
   */
  static double cubicMinimizer(double a, double fa, double da, double b, double fb, double db) {
    if (!Double.isFinite(fb) || !Double.isFinite(db)) {
      return Double.NaN;
    }
    double d1 = da + db - 3 * (fa - fb) / (a - b);
    double disc = d1 * d1 - da * db;
    if (disc < 0) {
      return Double.NaN;
    }
    double d2 = Math.signum(b - a) * Math.sqrt(disc);
    return b - (b - a) * (db + d2 - d1) / (db - da + 2 * d2);
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  static double norm(double[] a) {
    return Math.sqrt(dot(a, a));
  }

  private static void axpy(double a, double[] x, double[] y) {
    for (int i = 0; i < x.length; i++) {
      y[i] += a * x[i];
    }
  }

  private static void scale(double a, double[] x) {
    for (int i = 0; i < x.length; i++) {
      x[i] *= a;
    }
  }

  private static boolean allFinite(double[] a) {
    for (double v : a) {
      if (!Double.isFinite(v)) {
        return false;
      }
    }
    return true;
  }
}
