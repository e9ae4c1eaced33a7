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
 * Rosenbrock's O(n²) peers: Hipparchus forward mode (n tangents through every operation) and central
 * differences (2n forward passes). At n = 100,000 each would take tens of seconds to hours per call, so they stop at 1,000.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RosenbrockPeersBench {
  @Param({"10", "1000"})
  int n;

  double[] x;

  @Setup
  public void setup() {
    x = Inputs.uniform(4, n, -1.5, 1.5);
    double[] hand = Hand.rosenbrock(x);
    Check.close("rosenbrock hipparchus n=" + n, hand, hipparchus(), Check.EXACT);
    Check.close("rosenbrock finite differences n=" + n, hand, finiteDiff(), Check.FD);
  }

  @Benchmark
  public double[] hipparchus() {
    return ForwardMode.rosenbrock(x);
  }

  @Benchmark
  public double[] finiteDiff() {
    return FiniteDifferences.gradient(Functions::rosenbrock, x);
  }
}
