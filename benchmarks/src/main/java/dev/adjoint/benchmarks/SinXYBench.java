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
 * Straight-line scalar code, {@code x * (-sin(x y) + y) * 4}. The gradients' components are consumed one by
 * one so that a result object that does not escape can be scalar-replaced: "no allocation per call" is
 * measurable here.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SinXYBench {
  double x;
  double y;

  @Setup
  public void setup() {
    x = 0.7;
    y = -1.3;
    double[] hand = Hand.sinXY(x, y);
    var g = FunctionsGrad.sinXYGradient(x, y);
    Check.close("sinXY adjoint", hand, new double[] {g.x(), g.y()}, Check.EXACT);
    Check.close("sinXY hipparchus", hand, ForwardMode.sinXY(x, y), Check.EXACT);
    Check.close("sinXY finite differences", hand, fd(), Check.FD);
  }

  @Benchmark
  public double forward() {
    return Functions.sinXY(x, y);
  }

  @Benchmark
  public void adjoint(Blackhole bh) {
    var g = FunctionsGrad.sinXYGradient(x, y);
    bh.consume(g.x());
    bh.consume(g.y());
  }

  @Benchmark
  public void hand(Blackhole bh) {
    double[] g = Hand.sinXY(x, y);
    bh.consume(g[0]);
    bh.consume(g[1]);
  }

  @Benchmark
  public void hipparchus(Blackhole bh) {
    double[] g = ForwardMode.sinXY(x, y);
    bh.consume(g[0]);
    bh.consume(g[1]);
  }

  @Benchmark
  public void finiteDiff(Blackhole bh) {
    double[] g = fd();
    bh.consume(g[0]);
    bh.consume(g[1]);
  }

  private double[] fd() {
    double hx = FiniteDifferences.H * Math.max(1, Math.abs(x));
    double hy = FiniteDifferences.H * Math.max(1, Math.abs(y));
    return new double[] {
      (Functions.sinXY(x + hx, y) - Functions.sinXY(x - hx, y)) / (2 * hx),
      (Functions.sinXY(x, y + hy) - Functions.sinXY(x, y - hy)) / (2 * hy)
    };
  }
}
