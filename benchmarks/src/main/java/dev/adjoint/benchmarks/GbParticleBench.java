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
 * GradBench particle, variant {@code rr}, from GradBench's {@code w = 0}: the argmin over {@code w} of the Euler
 * trajectory's miss {@code x0(t_f)²} by {@link GradientDescent}, its gradient {@code GradBenchNestedGrad
 * .particleEulerGradient} differentiating the force (a nested gradient) in every step. Also one gradient against
 * one evaluation of the trajectory (its objective), and the hand-written forward derivative.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GbParticleBench {
  /** GradBench's expected output for {@code w = 0} (its {@code evals/particle/run.py}). */
  static final double EXPECTED = 0.2071918746486116;
  final double[] w0 = {0.0};

  @Setup
  public void setup() {
    for (double w : new double[] {0.0, 0.1, 0.2071918746486116, 0.3}) {
      double hand = GradBenchNestedHand.particleEulerDerivative(w);
      Check.close("particle: Adjoint vs hand at w = " + w, hand, GradBenchNestedGrad.particleEulerGradient(w).w(),
          Check.EXACT);
      double[] q = {w};
      GradBenchInputs.probe("particle: hand vs central differences", () -> GradBenchNested.particleEuler(q[0]), q, 0,
          hand, 1);
      Check.close("particle: hand primal vs Adjoint's", GradBenchNestedHand.particleEuler(w),
          GradBenchNested.particleEuler(w), Check.EXACT);
    }
    Check.close("particle rr (Adjoint) vs GradBench's expected output", EXPECTED, adjoint(), 1e-9);
    Check.close("particle rr (hand) vs GradBench's expected output", EXPECTED, hand(), 1e-9);
  }

  /** The whole eval with Adjoint's gradient. */
  @Benchmark
  public double adjoint() {
    return GradientDescent.argmin(new GradientDescent.Function() {
      @Override
      public double value(double[] w) {
        return GradBenchNested.particleEuler(w[0]);
      }

      @Override
      public void gradient(double[] w, double[] out) {
        out[0] = GradBenchNestedGrad.particleEulerGradient(w[0]).w();
      }
    }, w0)[0];
  }

  /** The whole eval with the hand-written acceleration and derivative. */
  @Benchmark
  public double hand() {
    return GradientDescent.argmin(new GradientDescent.Function() {
      @Override
      public double value(double[] w) {
        return GradBenchNestedHand.particleEuler(w[0]);
      }

      @Override
      public void gradient(double[] w, double[] out) {
        out[0] = GradBenchNestedHand.particleEulerDerivative(w[0]);
      }
    }, w0)[0];
  }

  /** One trajectory (the objective; Adjoint's inner gradients give the force). */
  @Benchmark
  public double euler() {
    return GradBenchNested.particleEuler(0.1);
  }

  /** One gradient of the trajectory in {@code w} (nested: the force differentiated through its Hvp). */
  @Benchmark
  public double eulerGradient() {
    return GradBenchNestedGrad.particleEulerGradient(0.1).w();
  }

  /** One hand-written derivative of the trajectory. */
  @Benchmark
  public double eulerHand() {
    return GradBenchNestedHand.particleEulerDerivative(0.1);
  }
}
