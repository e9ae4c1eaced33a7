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
 * GradBench saddle, variant {@code rr} (reverse over reverse), from GradBench's start {@code (1, 1)}: the argmin over
 * {@code x} of {@code max over y} by {@link GradientDescent}, the outer gradient {@code GradBenchNestedGrad
 * .saddleMaxGradient} differentiating the inner solver and its nested gradients; then the argmax over {@code y} at
 * that {@code x}. Also one outer gradient against one evaluation of the max (its objective).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GbSaddleBench {
  /** GradBench's expected output for start (1, 1) (its {@code evals/saddle/run.py}), each of the four numbers. */
  static final double EXPECTED = 8.246324826140356e-06;
  final double[] start = {1.0, 1.0};

  @Setup
  public void setup() {
    double[] out = new double[2];
    for (double[] p : new double[][] {{1.0, 1.0}, {0.3, -0.7}, {-1.5, 0.2}}) {
      GradBenchNestedHand.saddleMaxGradient(p[0], p[1], out);
      var g = GradBenchNestedGrad.saddleMaxGradient(p[0], p[1], start[0], start[1]);
      Check.close("saddle max: Adjoint vs hand at " + p[0] + ", " + p[1], out.clone(), new double[] {g.x1(), g.y1()},
          Check.EXACT);
      double[] q = p.clone();
      GradBenchInputs.probeSome("saddle max: hand vs central differences",
          () -> GradBenchNested.saddleMax(q[0], q[1], start[0], start[1]), q, out.clone(), 2, 1);
      Check.close("saddle max: hand solver vs Adjoint's primal", GradBenchNestedHand.saddleMax(p[0], p[1], start),
          GradBenchNested.saddleMax(p[0], p[1], start[0], start[1]), Check.EXACT);
    }
    double[] expected = {EXPECTED, EXPECTED, EXPECTED, EXPECTED};
    Check.close("saddle rr (Adjoint) vs GradBench's expected output", expected, adjoint(), 1e-9);
    Check.close("saddle rr (hand) vs GradBench's expected output", expected, hand(), 1e-9);
  }

  /** The whole eval with Adjoint's gradients (inner: saddleObjectiveGradient; outer: saddleMaxGradient). */
  @Benchmark
  public double[] adjoint() {
    double[] r1 = GradientDescent.argmin(new GradientDescent.Function() {
      @Override
      public double value(double[] x) {
        return GradBenchNested.saddleMax(x[0], x[1], start[0], start[1]);
      }

      @Override
      public void gradient(double[] x, double[] out) {
        var g = GradBenchNestedGrad.saddleMaxGradient(x[0], x[1], start[0], start[1]);
        out[0] = g.x1();
        out[1] = g.y1();
      }
    }, start);
    double[] r2 = GradientDescent.argmax(new GradientDescent.Function() {
      @Override
      public double value(double[] y) {
        return GradBenchNested.saddleObjective(r1[0], r1[1], y[0], y[1]);
      }

      @Override
      public void gradient(double[] y, double[] out) {
        var g = GradBenchNestedGrad.saddleObjectiveGradient(r1[0], r1[1], y[0], y[1]);
        out[0] = g.x2();
        out[1] = g.y2();
      }
    }, start);
    return new double[] {r1[0], r1[1], r2[0], r2[1]};
  }

  /** The whole eval with the hand-written gradients. */
  @Benchmark
  public double[] hand() {
    double[] r1 = GradientDescent.argmin(new GradientDescent.Function() {
      @Override
      public double value(double[] x) {
        return GradBenchNestedHand.saddleMax(x[0], x[1], start);
      }

      @Override
      public void gradient(double[] x, double[] out) {
        GradBenchNestedHand.saddleMaxGradient(x[0], x[1], out);
      }
    }, start);
    double[] r2 = GradientDescent.argmax(GradBenchNestedHand.inner(r1[0], r1[1]), start);
    return new double[] {r1[0], r1[1], r2[0], r2[1]};
  }

  /** One evaluation of the outer objective (the inner solver, with Adjoint's inner gradients). */
  @Benchmark
  public double max() {
    return GradBenchNested.saddleMax(0.3, -0.7, start[0], start[1]);
  }

  /** One outer gradient through the inner solver (nested: the inner gradients differentiated through their Hvp). */
  @Benchmark
  public double maxGradient() {
    return GradBenchNestedGrad.saddleMaxGradient(0.3, -0.7, start[0], start[1]).x1();
  }
}
