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
 * GradBench / ADBench gmm, d = 10, k = 25, n = 1,000: alphas and icf standard normal, means and points uniform in
 * [0, 1) and standard normal, Wishart prior γ = 1, m = 0 (ADBench's generator's distributions and prior).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GbGmmBench {
  static final int D = 10;
  static final int K = 25;
  static final int N = 1000;
  static final double GAMMA = 1.0;
  static final int M = 0;
  double[] alphas;
  double[][] means;
  double[][] icf;
  double[][] x;

  @Setup
  public void setup() {
    alphas = Inputs.normal(106, K);
    means = GradBenchInputs.uniformMatrix(107, K, D);
    icf = GradBenchInputs.normalMatrix(108, K, D * (D + 1) / 2);
    x = GradBenchInputs.normalMatrix(109, N, D);
    GradBenchHand.GmmGradient hand = GradBenchHand.gmm(alphas, means, icf, x, GAMMA, M);
    GradBenchGrad.GmmGradient adj = GradBenchGrad.gmmGradient(alphas, means, icf, x, GAMMA, M);
    GradBenchInputs.same("gmm Adjoint vs hand alphas", hand.alphas, adj.alphas());
    GradBenchInputs.same("gmm Adjoint vs hand means", hand.means, adj.means());
    GradBenchInputs.same("gmm Adjoint vs hand icf", hand.icf, adj.icf());
    java.util.function.DoubleSupplier f = this::forward;
    GradBenchInputs.probeSome("gmm hand vs central differences alphas", f, alphas, hand.alphas, 4, 1);
    for (int ik : new int[] {0, K - 1}) {
      GradBenchInputs.probeSome("gmm hand vs central differences means" + ik, f, means[ik], hand.means[ik], 3, 1);
      GradBenchInputs.probeSome("gmm hand vs central differences icf" + ik, f, icf[ik], hand.icf[ik], 6, 1);
    }
  }

  @Benchmark
  public double forward() {
    return GradBench.gmm(alphas, means, icf, x, GAMMA, M);
  }

  @Benchmark
  public GradBenchGrad.GmmGradient adjoint() {
    return GradBenchGrad.gmmGradient(alphas, means, icf, x, GAMMA, M);
  }

  @Benchmark
  public GradBenchHand.GmmGradient hand() {
    return GradBenchHand.gmm(alphas, means, icf, x, GAMMA, M);
  }
}
