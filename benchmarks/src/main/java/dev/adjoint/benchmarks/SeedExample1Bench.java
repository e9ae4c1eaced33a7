package dev.adjoint.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** The seed's example 1, {@code mean(3 (a + 3)²)} at {@code a = [2, 3]}: out 91.5, gradient [15, 18]. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SeedExample1Bench {
  double[] a;

  @Setup
  public void setup() {
    a = new double[] {2, 3};
    Check.close("seedExample1 value", 91.5, Functions.seedExample1(a), Check.EXACT);
    Check.close("seedExample1 hand", new double[] {15, 18}, Hand.seedExample1(a), Check.EXACT);
    Check.close("seedExample1 adjoint", Hand.seedExample1(a), adjoint(), Check.EXACT);
    Check.close("seedExample1 hipparchus", Hand.seedExample1(a), hipparchus(), Check.EXACT);
    Check.close("seedExample1 finite differences", Hand.seedExample1(a), finiteDiff(), Check.FD);
  }

  @Benchmark
  public double forward() {
    return Functions.seedExample1(a);
  }

  @Benchmark
  public double[] adjoint() {
    return FunctionsGrad.seedExample1Gradient(a).a();
  }

  @Benchmark
  public double[] hand() {
    return Hand.seedExample1(a);
  }

  @Benchmark
  public double[] hipparchus() {
    return ForwardMode.seedExample1(a);
  }

  @Benchmark
  public double[] finiteDiff() {
    return FiniteDifferences.gradient(Functions::seedExample1, a);
  }
}
