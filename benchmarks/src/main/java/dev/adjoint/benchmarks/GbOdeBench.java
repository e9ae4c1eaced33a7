package dev.adjoint.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * GradBench ode, n = 1,000, s = 10 Runge-Kutta steps (GradBench runs n ∈ {1,000, 10,000, 100,000} × s ∈ {1, 10,
 * 100}; x uniform in [0, 1)). The gradient is of the last component, which is exactly zero here: each stage
 * shifts the nonzero entries by one index, so s steps reach only the first 4s components (GradBench's manual
 * gradient, the closed form of the exact solution, underflows to zero too). The work does not depend on it;
 * the checks therefore also run on n = 8, s = 3, where the gradient is of order one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GbOdeBench {
  static final int S = 10;
  double[] x;

  @Setup
  public void setup() {
    double[] small = Inputs.uniform(115, 8, 0.5, 1.5);
    double[] smallHand = GradBenchHand.ode(small, 3);
    GradBenchInputs.same("ode Adjoint vs hand n=8", smallHand, GradBenchGrad.odeGradient(small, 3).x());
    GradBenchInputs.probeSome("ode hand vs central differences n=8", () -> GradBench.ode(small, 3), small,
        smallHand, 8, 1e-3);
    x = Inputs.uniform(105, 1000, 0, 1);
    double[] hand = hand();
    GradBenchInputs.same("ode Adjoint vs hand", hand, adjoint());
  }

  @Benchmark
  public double forward() {
    return GradBench.ode(x, S);
  }

  @Benchmark
  public double[] adjoint() {
    return GradBenchGrad.odeGradient(x, S).x();
  }

  @Benchmark
  public double[] hand() {
    return GradBenchHand.ode(x, S);
  }
}
