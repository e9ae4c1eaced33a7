package dev.adjoint.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Monte Carlo European call over 100,000 pre-generated normals; delta and vega. The generated gradient also
 * returns the derivative by every normal (a {@code double[]} parameter is differentiable until the processor
 * has {@code @NoGrad}); the other peers compute delta and vega only.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EuropeanCallBench {
  static final int PATHS = 100_000;
  double s0;
  double sigma;
  double[] z;

  @Setup
  public void setup() {
    s0 = 100.0;
    sigma = 0.2;
    z = Inputs.normal(6, PATHS);
    double[] hand = Hand.europeanCall(s0, sigma, z);
    var g = FunctionsGrad.europeanCallGradient(s0, sigma, z);
    Check.close("europeanCall adjoint", hand, new double[] {g.s0(), g.sigma()}, Check.EXACT);
    Check.close("europeanCall hipparchus", hand, ForwardMode.europeanCall(s0, sigma, z), Check.EXACT);
    Check.close("europeanCall finite differences", hand, fd(), 1e-4);
  }

  @Benchmark
  public double forward() {
    return Functions.europeanCall(s0, sigma, z);
  }

  @Benchmark
  public void adjoint(Blackhole bh) {
    var g = FunctionsGrad.europeanCallGradient(s0, sigma, z);
    bh.consume(g.s0());
    bh.consume(g.sigma());
  }

  @Benchmark
  public double[] hand() {
    return Hand.europeanCall(s0, sigma, z);
  }

  @Benchmark
  public double[] hipparchus() {
    return ForwardMode.europeanCall(s0, sigma, z);
  }

  @Benchmark
  public double[] finiteDiff() {
    return fd();
  }

  private double[] fd() {
    return FiniteDifferences.gradient(p -> Functions.europeanCall(p[0], p[1], z), new double[] {s0, sigma});
  }
}
