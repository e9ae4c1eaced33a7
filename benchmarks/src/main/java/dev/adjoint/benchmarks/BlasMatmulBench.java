package dev.adjoint.benchmarks;

import dev.adjoint.Tensor;
import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.JavaBLAS;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A 256 × 256 matrix product {@code C = A B}: the runtime's kernel ({@code MatmulKernels}, through
 * {@code Tensor.matmul} with recording off) against {@code dev.ludovic.netlib:blas}, Spark MLlib's BLAS, in
 * the instance it picks ({@code BLAS.getInstance()}: native through JNI when a system BLAS loads, else its best
 * pure-Java one), its pure-Java instance ({@code JavaBLAS}: the Vector API one when
 * {@code --add-modules jdk.incubator.vector} is given, else a loop port). Every
 * variant allocates its result, as {@code matmul} does. Row-major {@code C = A B} is column-major
 * {@code Cᵀ = Bᵀ Aᵀ}, one {@code dgemm("N", "N", ...)} with the operands swapped.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class BlasMatmulBench {
  static final int N = 256;
  double[] ad;
  double[] bd;
  Tensor a;
  Tensor b;

  @Setup
  public void setup() {
    ad = Inputs.normal(30, N * N);
    bd = Inputs.normal(31, N * N);
    a = Tensor.fromArray(ad, N, N);
    b = Tensor.fromArray(bd, N, N);
    System.out.println("BLAS.getInstance(): " + BLAS.getInstance().getClass().getName()
        + ", JavaBLAS.getInstance(): " + JavaBLAS.getInstance().getClass().getName());
    double[] expected = runtime().toArray();
    // C[i][j] = Σ_k A[i][k] B[k][j], checked directly on a few entries
    for (int[] ij : new int[][] {{0, 0}, {7, 200}, {N - 1, N - 1}}) {
      double s = 0;
      for (int k = 0; k < N; k++) {
        s += ad[ij[0] * N + k] * bd[k * N + ij[1]];
      }
      Check.close("C[" + ij[0] + "][" + ij[1] + "] by definition", s, expected[ij[0] * N + ij[1]], Check.EXACT);
    }
    Check.close("netlib default vs runtime", expected, blasDefault(), Check.EXACT);
    Check.close("netlib Java vs runtime", expected, blasJava(), Check.EXACT);
  }

  private double[] gemm(BLAS blas) {
    double[] c = new double[N * N];
    blas.dgemm("N", "N", N, N, N, 1.0, bd, N, ad, N, 0.0, c, N);
    return c;
  }

  @Benchmark
  public Tensor runtime() {
    return Tensor.noGrad(() -> a.matmul(b));
  }

  @Benchmark
  public double[] blasDefault() {
    return gemm(BLAS.getInstance());
  }

  @Benchmark
  public double[] blasJava() {
    return gemm(JavaBLAS.getInstance());
  }
}
