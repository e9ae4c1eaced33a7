package dev.adjoint.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Issue 13: a Hessian-vector product of Rosenbrock by {@code mHvp} (reverse over forward, one sweep pair)
 * against two gradient evaluations (central differences of {@code mGradient} along the direction), and one
 * gradient for scale.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HvpBench {
  @Param({"1000"})
  int n;
  double[] x;
  double[] v;
  double[] plus;
  double[] minus;

  @Setup
  public void setup() {
    x = new double[n];
    v = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = 0.5 + 0.4 * Math.sin(i);
      v[i] = Math.cos(0.3 * i);
    }
    plus = new double[n];
    minus = new double[n];
    // H v of Rosenbrock by hand: the tridiagonal Hessian applied to v.
    double[] hand = new double[n];
    for (int i = 0; i + 1 < n; i++) {
      hand[i] += (1200 * x[i] * x[i] - 400 * x[i + 1] + 2) * v[i] - 400 * x[i] * v[i + 1];
      hand[i + 1] += -400 * x[i] * v[i] + 200 * v[i + 1];
    }
    Check.close("rosenbrock mHvp", hand, FunctionsGrad.rosenbrockHvp(x, v).x(), Check.EXACT);
    Check.close("rosenbrock gradient differences", hand, gradientDifferences(), Check.FD);
  }

  @Benchmark
  public double[] rosenbrockHvpAdjoint() {
    return FunctionsGrad.rosenbrockHvp(x, v).x();
  }

  @Benchmark
  public double[] rosenbrockHvpTwoGradients() {
    return gradientDifferences();
  }

  @Benchmark
  public double[] rosenbrockGradient() {
    return FunctionsGrad.rosenbrockGradient(x).x();
  }

  private double[] gradientDifferences() {
    double eps = 1e-6;
    for (int i = 0; i < n; i++) {
      plus[i] = x[i] + eps * v[i];
      minus[i] = x[i] - eps * v[i];
    }
    double[] gp = FunctionsGrad.rosenbrockGradient(plus).x();
    double[] gm = FunctionsGrad.rosenbrockGradient(minus).x();
    for (int i = 0; i < n; i++) {
      gp[i] = (gp[i] - gm[i]) / (2 * eps);
    }
    return gp;
  }
}
