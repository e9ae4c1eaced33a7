package dev.adjoint.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** GradBench lse, n = 10,000 uniforms in [0, 1) (GradBench: {@code np.random.rand(n)}). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GbLseBench {
  double[] x;

  @Setup
  public void setup() {
    x = Inputs.uniform(101, 10_000, 0, 1);
    double[] hand = hand();
    GradBenchInputs.same("lse Adjoint vs hand", hand, adjoint());
    GradBenchInputs.probeSome("lse hand vs central differences", () -> GradBench.lse(x), x, hand, 8, 1e-4);
  }

  @Benchmark
  public double forward() {
    return GradBench.lse(x);
  }

  @Benchmark
  public double[] adjoint() {
    return GradBenchGrad.lseGradient(x).x();
  }

  @Benchmark
  public double[] hand() {
    return GradBenchHand.lse(x);
  }
}
