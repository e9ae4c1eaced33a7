package dev.adjoint.benchmarks;

import dev.adjoint.Tensor;
import dev.adjoint.spi.Backends;
import dev.adjoint.spi.MatmulBackend;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** The gradient of a 256 × 256 matrix product {@code C = A B} under a random upstream {@code G}. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MatmulBench {
  static final int N = 256;
  double[] ad;
  double[] bd;
  double[] gd;
  Tensor a;
  Tensor b;
  Tensor g;

  /**
   * The matrix-product backend this benchmark measures: none (the runtime's own kernels) here, whatever the
   * class path holds; {@code *BlasBench} overrides it with the native one.
   */
  MatmulBackend matmulBackend() {
    return null;
  }

  @Setup
  public void setup() {
    Backends.useMatmul(matmulBackend());
    ad = Inputs.normal(30, N * N);
    bd = Inputs.normal(31, N * N);
    gd = Inputs.normal(32, N * N);
    a = Tensor.fromArray(ad, N, N).requiresGrad();
    b = Tensor.fromArray(bd, N, N).requiresGrad();
    g = Tensor.fromArray(gd, N, N);
    double[][] hand = hand();
    Check.close("matmul forward tensor vs hand", hand[2], forward().toArray(), Check.EXACT);
    tensorGrad();
    Check.close("matmul dA tensor vs hand", hand[0], a.grad().toArray(), Check.EXACT);
    Check.close("matmul dB tensor vs hand", hand[1], b.grad().toArray(), Check.EXACT);
    // dA[i][k] = Σ_j G[i][j] B[k][j], checked directly on a few entries
    for (int[] ik : new int[][] {{0, 0}, {7, 200}, {N - 1, N - 1}}) {
      double s = 0;
      for (int j = 0; j < N; j++) {
        s += gd[ik[0] * N + j] * bd[ik[1] * N + j];
      }
      Check.close("matmul dA[" + ik[0] + "][" + ik[1] + "] by definition", s, hand[0][ik[0] * N + ik[1]], Check.EXACT);
    }
    generatedGrad();
    Check.close("matmul dA generated vs hand", hand[0], a.grad().toArray(), Check.EXACT);
    Check.close("matmul dB generated vs hand", hand[1], b.grad().toArray(), Check.EXACT);
  }

  @Benchmark
  public Tensor forward() {
    return Tensor.noGrad(() -> a.matmul(b));
  }

  @Benchmark
  public Tensor tensorGrad() {
    a.zeroGrad();
    b.zeroGrad();
    a.matmul(b).backward(g);
    return a.grad();
  }

  @Benchmark
  public double[][] hand() {
    return TensorWorkloads.matmulGradientByHand(ad, bd, gd, N);
  }

  /** The processor's version: {@link TensorFunctions#matmul} as one graph node with a generated pullback. */
  @Benchmark
  public Tensor generatedGrad() {
    a.zeroGrad();
    b.zeroGrad();
    TensorFunctionsGrad.matmul(a, b).backward(g);
    return a.grad();
  }
}
