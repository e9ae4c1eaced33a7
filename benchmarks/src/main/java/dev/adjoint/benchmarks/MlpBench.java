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

/** Two-layer MLP, batch 64, 784 → 128 (tanh) → 10, cross-entropy; gradient by the four parameters. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MlpBench {
  static final int BATCH = 64;
  static final int IN = 784;
  static final int HIDDEN = 128;
  static final int OUT = 10;
  double[] xd;
  double[] w1d;
  double[] b1d;
  double[] w2d;
  double[] b2d;
  int[] targets;
  Tensor x;
  Tensor w1;
  Tensor b1;
  Tensor w2;
  Tensor b2;

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
    xd = Inputs.uniform(20, BATCH * IN, 0, 1);
    w1d = Inputs.normal(21, IN * HIDDEN, 1 / Math.sqrt(IN));
    b1d = Inputs.normal(22, HIDDEN, 0.1);
    w2d = Inputs.normal(23, HIDDEN * OUT, 1 / Math.sqrt(HIDDEN));
    b2d = Inputs.normal(24, OUT, 0.1);
    targets = Inputs.classes(25, BATCH, OUT);
    x = Tensor.fromArray(xd, BATCH, IN);
    w1 = Tensor.fromArray(w1d, IN, HIDDEN).requiresGrad();
    b1 = Tensor.fromArray(b1d, HIDDEN).requiresGrad();
    w2 = Tensor.fromArray(w2d, HIDDEN, OUT).requiresGrad();
    b2 = Tensor.fromArray(b2d, OUT).requiresGrad();

    double[][] hand = hand();
    Check.close("mlp loss tensor vs hand", hand[0][0], forward().item(), Check.EXACT);
    tensorGrad();
    Check.close("mlp dW1 tensor vs hand", hand[1], w1.grad().toArray(), Check.EXACT);
    Check.close("mlp db1 tensor vs hand", hand[2], b1.grad().toArray(), Check.EXACT);
    Check.close("mlp dW2 tensor vs hand", hand[3], w2.grad().toArray(), Check.EXACT);
    Check.close("mlp db2 tensor vs hand", hand[4], b2.grad().toArray(), Check.EXACT);
    // central differences on a few entries of each parameter
    double[][] params = {w1d, b1d, w2d, b2d};
    for (int p = 0; p < 4; p++) {
      double[] v = params[p];
      for (int i : new int[] {0, v.length / 3, v.length - 1}) {
        double keep = v[i];
        double h = 1e-6;
        v[i] = keep + h;
        double up = hand()[0][0];
        v[i] = keep - h;
        double down = hand()[0][0];
        v[i] = keep;
        Check.close("mlp hand vs finite differences param " + p + " [" + i + "]", (up - down) / (2 * h),
            hand[p + 1][i], Check.FD);
      }
    }
    generatedGrad();
    Check.close("mlp dW1 generated vs hand", hand[1], w1.grad().toArray(), Check.EXACT);
    Check.close("mlp db1 generated vs hand", hand[2], b1.grad().toArray(), Check.EXACT);
    Check.close("mlp dW2 generated vs hand", hand[3], w2.grad().toArray(), Check.EXACT);
    Check.close("mlp db2 generated vs hand", hand[4], b2.grad().toArray(), Check.EXACT);
  }

  @Benchmark
  public Tensor forward() {
    return Tensor.noGrad(() -> TensorWorkloads.mlpLoss(x, targets, w1, b1, w2, b2));
  }

  @Benchmark
  public Tensor tensorGrad() {
    w1.zeroGrad();
    b1.zeroGrad();
    w2.zeroGrad();
    b2.zeroGrad();
    TensorWorkloads.mlpLoss(x, targets, w1, b1, w2, b2).backward();
    return w1.grad();
  }

  @Benchmark
  public double[][] hand() {
    return TensorWorkloads.mlpByHand(xd, targets, w1d, b1d, w2d, b2d, BATCH, IN, HIDDEN, OUT);
  }

  /** The processor's version: {@link TensorFunctions#mlpLoss} as one graph node with a generated pullback. */
  @Benchmark
  public Tensor generatedGrad() {
    w1.zeroGrad();
    b1.zeroGrad();
    w2.zeroGrad();
    b2.zeroGrad();
    TensorFunctionsGrad.mlpLoss(x, targets, w1, b1, w2, b2).backward();
    return w1.grad();
  }
}
