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
 * Rosenbrock over n inputs: forward pass, generated gradient and hand-written gradient. The O(n²) peers
 * (forward mode, finite differences) are in {@link RosenbrockPeersBench}, which stops at n = 1,000.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RosenbrockBench {
  @Param({"10", "1000", "100000"})
  int n;

  double[] x;

  @Setup
  public void setup() {
    x = Inputs.uniform(4, n, -1.5, 1.5);
    double[] hand = hand();
    Check.close("rosenbrock adjoint n=" + n, hand, adjoint(), Check.EXACT);
    // central differences on a few coordinates (all of them would take 2n forward passes)
    double[] probe = {0, 1, n / 2, n - 1};
    double[] p = x.clone();
    for (double di : probe) {
      int i = (int) di;
      double h = FiniteDifferences.H * Math.max(1, Math.abs(x[i]));
      p[i] = x[i] + h;
      double up = Functions.rosenbrock(p);
      p[i] = x[i] - h;
      double down = Functions.rosenbrock(p);
      p[i] = x[i];
      Check.close("rosenbrock hand vs finite differences n=" + n + " i=" + i, (up - down) / (2 * h), hand[i],
          Check.FD * Math.max(1, Math.abs(Functions.rosenbrock(x)) / 1e3));
    }
  }

  @Benchmark
  public double forward() {
    return Functions.rosenbrock(x);
  }

  @Benchmark
  public double[] adjoint() {
    return FunctionsGrad.rosenbrockGradient(x).x();
  }

  @Benchmark
  public double[] hand() {
    return Hand.rosenbrock(x);
  }
}
