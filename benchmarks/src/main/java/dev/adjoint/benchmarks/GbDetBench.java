package dev.adjoint.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** GradBench det, ell = 9 (a 9×9 matrix of uniforms in [0, 1), row-major). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GbDetBench {
  static final int ELL = 9;
  double[] a;

  @Setup
  public void setup() {
    a = Inputs.uniform(103, ELL * ELL, 0, 1);
    double[] hand = hand();
    GradBenchInputs.same("det Adjoint vs hand", hand, adjoint());
    GradBenchInputs.probeSome("det hand vs central differences", () -> GradBench.det(a, ELL), a, hand, 81, 1e-3);
  }

  @Benchmark
  public double forward() {
    return GradBench.det(a, ELL);
  }

  @Benchmark
  public double[] adjoint() {
    return GradBenchGrad.detGradient(a, ELL).a();
  }

  @Benchmark
  public double[] hand() {
    return GradBenchHand.det(a, ELL);
  }
}
