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

/** Logistic regression loss over 10,000 × 100, gradient by the weights and the bias. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LogisticRegressionBench {
  static final int N = 10_000;
  static final int D = 100;
  double[] xData;
  double[] yData;
  double[] wData;
  double bValue;
  Tensor x;
  Tensor y;
  Tensor w;
  Tensor b;

  /**
   * The matrix-product backend this benchmark measures: none (the runtime's own kernels) here, whatever the
   * class path holds; {@link LogisticRegressionBlasBench} overrides it with the native one.
   */
  MatmulBackend matmulBackend() {
    return null;
  }

  @Setup
  public void setup() {
    Backends.useMatmul(matmulBackend());
    xData = Inputs.normal(10, N * D);
    double[] u = Inputs.uniform(11, N, 0, 1);
    yData = new double[N];
    for (int i = 0; i < N; i++) {
      yData[i] = u[i] < 0.5 ? 0 : 1;
    }
    wData = Inputs.normal(12, D, 0.1);
    bValue = 0.1;
    x = Tensor.fromArray(xData, N, D);
    y = Tensor.fromArray(yData, N);
    w = Tensor.fromArray(wData, D).requiresGrad();
    b = Tensor.of(bValue).requiresGrad();

    Check.close("logistic loss tensor vs hand", TensorWorkloads.logisticLossByHand(xData, yData, wData, bValue, N, D),
        forward().item(), Check.EXACT);
    double[] hand = hand();
    tensorGrad();
    double[] tg = new double[D + 1];
    System.arraycopy(w.grad().toArray(), 0, tg, 0, D);
    tg[D] = b.grad().item();
    Check.close("logistic gradient tensor vs hand", hand, tg, Check.EXACT);
    // central differences on a few weights and the bias
    for (int j : new int[] {0, D / 2, D - 1, D}) {
      double[] wp = wData.clone();
      double bp = bValue;
      double h = 1e-6;
      double up;
      double down;
      if (j < D) {
        wp[j] += h;
        up = TensorWorkloads.logisticLossByHand(xData, yData, wp, bp, N, D);
        wp[j] -= 2 * h;
        down = TensorWorkloads.logisticLossByHand(xData, yData, wp, bp, N, D);
      } else {
        up = TensorWorkloads.logisticLossByHand(xData, yData, wp, bp + h, N, D);
        down = TensorWorkloads.logisticLossByHand(xData, yData, wp, bp - h, N, D);
      }
      Check.close("logistic hand vs finite differences [" + j + "]", (up - down) / (2 * h), hand[j], Check.FD);
    }
    generatedGrad();
    double[] gg = new double[D + 1];
    System.arraycopy(w.grad().toArray(), 0, gg, 0, D);
    gg[D] = b.grad().item();
    Check.close("logistic gradient generated vs hand", hand, gg, Check.EXACT);
  }

  @Benchmark
  public Tensor forward() {
    return Tensor.noGrad(() -> TensorWorkloads.logisticLoss(x, y, w, b));
  }

  @Benchmark
  public Tensor tensorGrad() {
    w.zeroGrad();
    b.zeroGrad();
    TensorWorkloads.logisticLoss(x, y, w, b).backward();
    return w.grad();
  }

  @Benchmark
  public double[] hand() {
    return TensorWorkloads.logisticGradientByHand(xData, yData, wData, bValue, N, D);
  }

  /** The processor's version: {@link TensorFunctions#logisticLoss} as one graph node with a generated pullback. */
  @Benchmark
  public Tensor generatedGrad() {
    w.zeroGrad();
    b.zeroGrad();
    TensorFunctionsGrad.logisticLoss(x, y, w, b).backward();
    return w.grad();
  }
}
