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
 * An element-wise chain over 10^6 elements, {@code sum(sigmoid(tanh(x)·y + z))}: forward alone and forward +
 * backward into {@code x} and {@code y} (issue 11, "element-wise work"); a row of the report's tensor table
 * ({@code tensorGrad}, as the other tensor workloads name it).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PointwiseBench {
  static final int N = 1_000_000;
  double[] xd;
  double[] yd;
  double[] zd;
  Tensor x;
  Tensor y;
  Tensor z;

  @Setup
  public void setup() {
    xd = Inputs.normal(40, N);
    yd = Inputs.normal(41, N);
    zd = Inputs.normal(42, N);
    x = Tensor.fromArray(xd, N).requiresGrad();
    y = Tensor.fromArray(yd, N).requiresGrad();
    z = Tensor.fromArray(zd, N);
    tensorGrad();
    double[] gx = x.grad().toArray();
    double[] gy = y.grad().toArray();
    // d/dx = s(1-s)·y·(1-tanh²x), d/dy = s(1-s)·tanh x, with s = sigmoid(tanh(x)·y + z), by the definition
    for (int i : new int[] {0, 12345, N - 1}) {
      double t = Math.tanh(xd[i]);
      double s = 1 / (1 + Math.exp(-(t * yd[i] + zd[i])));
      Check.close("pointwise dx[" + i + "]", s * (1 - s) * yd[i] * (1 - t * t), gx[i], Check.EXACT);
      Check.close("pointwise dy[" + i + "]", s * (1 - s) * t, gy[i], Check.EXACT);
    }
  }

  @Benchmark
  public Tensor forward() {
    return Tensor.noGrad(() -> x.tanh().mul(y).add(z).sigmoid().sum());
  }

  @Benchmark
  public Tensor tensorGrad() {
    x.zeroGrad();
    y.zeroGrad();
    x.tanh().mul(y).add(z).sigmoid().sum().backward();
    return x.grad();
  }
}
