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

/** Explicit Euler, 1,000 steps of {@code x'' = -k x - c x'}, differentiated by the two parameters. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DampedOscillatorBench {
  static final int STEPS = 1000;
  double k;
  double c;
  int steps;

  @Setup
  public void setup() {
    k = 4.0;
    c = 0.5;
    steps = STEPS;
    double[] hand = Hand.dampedOscillator(k, c, steps);
    var g = FunctionsGrad.dampedOscillatorGradient(k, c, steps);
    Check.close("dampedOscillator adjoint", hand, new double[] {g.k(), g.c()}, Check.EXACT);
    Check.close("dampedOscillator hipparchus", hand, ForwardMode.dampedOscillator(k, c, steps), Check.EXACT);
    Check.close("dampedOscillator finite differences", hand, fd(), Check.FD);
  }

  @Benchmark
  public double forward() {
    return Functions.dampedOscillator(k, c, steps);
  }

  @Benchmark
  public void adjoint(Blackhole bh) {
    var g = FunctionsGrad.dampedOscillatorGradient(k, c, steps);
    bh.consume(g.k());
    bh.consume(g.c());
  }

  @Benchmark
  public double[] hand() {
    return Hand.dampedOscillator(k, c, steps);
  }

  @Benchmark
  public double[] hipparchus() {
    return ForwardMode.dampedOscillator(k, c, steps);
  }

  @Benchmark
  public double[] finiteDiff() {
    return fd();
  }

  private double[] fd() {
    return FiniteDifferences.gradient(p -> Functions.dampedOscillator(p[0], p[1], steps), new double[] {k, c});
  }
}
