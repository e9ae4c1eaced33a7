package dev.adjoint.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** GradBench llsq, n = 4,096 points, m = 128 coefficients uniform in [0, 1). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GbLlsqBench {
  static final int N = 4096;
  double[] x;

  @Setup
  public void setup() {
    x = Inputs.uniform(102, 128, 0, 1);
    double[] hand = hand();
    GradBenchInputs.same("llsq Adjoint vs hand", hand, adjoint());
    GradBenchInputs.probeSome("llsq hand vs central differences", () -> GradBench.llsq(x, N), x, hand, 8, 1);
  }

  @Benchmark
  public double forward() {
    return GradBench.llsq(x, N);
  }

  @Benchmark
  public double[] adjoint() {
    return GradBenchGrad.llsqGradient(x, N).x();
  }

  @Benchmark
  public double[] hand() {
    return GradBenchHand.llsq(x, N);
  }
}
