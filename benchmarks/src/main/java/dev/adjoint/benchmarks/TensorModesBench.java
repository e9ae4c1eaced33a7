package dev.adjoint.benchmarks;

import dev.adjoint.Tensor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Issue 13, tensor methods: the forward mode and second-order members of the logistic loss over 1,000 × 20
 * ({@link TensorFunctions#logisticLoss}, a {@code Tensor} result; {@link TensorFunctions#logisticLossValue}, the
 * same read into a {@code double} at the end) against central differences: {@code mJvp} (double vjp) against two
 * evaluations of the loss, {@code mHvp} (double backward) against two gradients, {@code mHessian} by the weights
 * (20 × 20) against 40 gradients; one gradient for scale. {@code @Setup} checks each against the hand-written
 * Hessian of the loss, {@code (1/n) [X 1]ᵀ diag(σ(z)(1 - σ(z))) [X 1]}, to 1e-9, and the differences against it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TensorModesBench {
  static final int N = 1_000;
  static final int D = 20;
  static final double H = 1e-5;
  double[] xData;
  double[] yData;
  double[] wData;
  double bValue;
  Tensor x;
  Tensor y;
  Tensor w;
  Tensor b;
  Tensor vw;
  Tensor vb;

  @Setup
  public void setup() {
    xData = Inputs.normal(20, N * D);
    double[] u = Inputs.uniform(21, N, 0, 1);
    yData = new double[N];
    for (int i = 0; i < N; i++) {
      yData[i] = u[i] < 0.5 ? 0 : 1;
    }
    wData = Inputs.normal(22, D, 0.3);
    bValue = 0.1;
    x = Tensor.fromArray(xData, N, D);
    y = Tensor.fromArray(yData, N);
    w = Tensor.fromArray(wData, D);
    b = Tensor.of(bValue);
    vw = Tensor.fromArray(Inputs.normal(23, D), D);
    vb = Tensor.of(0.7);

    double[][] hessian = handHessian();
    double[] v = concat(vw.toArray(), vb.toArray());
    double[] hv = new double[D + 1];
    for (int i = 0; i <= D; i++) {
      for (int j = 0; j <= D; j++) {
        hv[i] += hessian[i][j] * v[j];
      }
    }
    double[] grad = concat(gradient(w, b).w().toArray(), gradient(w, b).b().toArray());
    double jvpHand = 0;
    for (int i = 0; i <= D; i++) {
      jvpHand += grad[i] * v[i];
    }
    Check.close("logistic mJvp vs gradient · v", jvpHand, jvpAdjoint(), Check.EXACT);
    Check.close("logistic loss differences vs gradient · v", jvpHand, jvpFiniteDifferences(), Check.FD);
    var adjointHv = hvpAdjoint();
    Check.close("logistic mHvp vs hand", hv, concat(adjointHv.w().toArray(), adjointHv.b().toArray()), Check.EXACT);
    Check.close("logistic gradient differences vs hand", hv, hvpTwoGradients(), Check.FD);
    double[] adjointH = hessianAdjoint().toArray();
    double[] fdH = hessianGradientDifferences();
    for (int i = 0; i < D; i++) {
      double[] row = java.util.Arrays.copyOf(hessian[i], D);
      Check.close("logistic mHessian (double result) vs hand, row " + i, row,
          java.util.Arrays.copyOfRange(adjointH, i * D, (i + 1) * D), Check.EXACT);
      Check.close("logistic gradient differences vs hand, row " + i, row,
          java.util.Arrays.copyOfRange(fdH, i * D, (i + 1) * D), Check.FD);
    }
  }

  @Benchmark
  public double jvpAdjoint() {
    return TensorFunctionsGrad.logisticLossJvp(x, y, w, b, vw, vb).tangent().item();
  }

  @Benchmark
  public double jvpFiniteDifferences() {
    Tensor up = TensorFunctions.logisticLoss(x, y, w.add(vw.mul(H)), b.add(vb.mul(H)));
    Tensor down = TensorFunctions.logisticLoss(x, y, w.sub(vw.mul(H)), b.sub(vb.mul(H)));
    return (up.item() - down.item()) / (2 * H);
  }

  @Benchmark
  public TensorFunctionsGrad.LogisticLossGradient hvpAdjoint() {
    return TensorFunctionsGrad.logisticLossHvp(x, y, w, b, vw, vb);
  }

  @Benchmark
  public double[] hvpTwoGradients() {
    var up = gradient(w.add(vw.mul(H)), b.add(vb.mul(H)));
    var down = gradient(w.sub(vw.mul(H)), b.sub(vb.mul(H)));
    double[] plus = concat(up.w().toArray(), up.b().toArray());
    double[] minus = concat(down.w().toArray(), down.b().toArray());
    for (int i = 0; i < plus.length; i++) {
      plus[i] = (plus[i] - minus[i]) / (2 * H);
    }
    return plus;
  }

  @Benchmark
  public TensorFunctionsGrad.LogisticLossGradient gradientOnce() {
    return gradient(w, b);
  }

  @Benchmark
  public Tensor hessianAdjoint() {
    return TensorFunctionsGrad.logisticLossValueHessian(x, y, w, b);
  }

  @Benchmark
  public double[] hessianGradientDifferences() {
    double[] out = new double[D * D];
    double[] e = new double[D];
    for (int k = 0; k < D; k++) {
      e[k] = H;
      Tensor step = Tensor.fromArray(e, D);
      double[] plus = TensorFunctionsGrad.logisticLossValueGradient(x, y, w.add(step), b).w().toArray();
      double[] minus = TensorFunctionsGrad.logisticLossValueGradient(x, y, w.sub(step), b).w().toArray();
      for (int i = 0; i < D; i++) {
        out[k * D + i] = (plus[i] - minus[i]) / (2 * H);
      }
      e[k] = 0;
    }
    return out;
  }

  private TensorFunctionsGrad.LogisticLossGradient gradient(Tensor wAt, Tensor bAt) {
    return TensorFunctionsGrad.logisticLossGradient(x, y, wAt, bAt);
  }

  /** The Hessian of the mean logistic loss in (w, b): (1/n) Σ σ(z)(1 - σ(z)) [x_i 1]ᵀ [x_i 1]. */
  private double[][] handHessian() {
    double[][] h = new double[D + 1][D + 1];
    for (int i = 0; i < N; i++) {
      double z = bValue;
      for (int j = 0; j < D; j++) {
        z += xData[i * D + j] * wData[j];
      }
      double s = 1 / (1 + Math.exp(-z));
      double c = s * (1 - s) / N;
      for (int j = 0; j <= D; j++) {
        double xj = j < D ? xData[i * D + j] : 1;
        for (int k = 0; k <= D; k++) {
          h[j][k] += c * xj * (k < D ? xData[i * D + k] : 1);
        }
      }
    }
    return h;
  }

  private static double[] concat(double[] a, double[] b) {
    double[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
