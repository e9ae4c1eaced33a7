package dev.adjoint.benchmarks;

import dev.adjoint.Tensor;
import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.JavaBLAS;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A matrix product {@code C = A B} of shape {@code n × k · k × m} (256³, and the MLP's first layer
 * 64 × 784 · 784 × 128): the runtime's kernel ({@code MatmulKernels}, through
 * {@code Tensor.matmul} with recording off) against {@code dev.ludovic.netlib:blas}, Spark MLlib's BLAS, in
 * the instance it picks ({@code BLAS.getInstance()}: native through JNI when a system BLAS loads, else its best
 * pure-Java one), its pure-Java instance ({@code JavaBLAS}: the Vector API one when
 * {@code --add-modules jdk.incubator.vector} is given, else a loop port). Every
 * variant allocates its result, as {@code matmul} does. {@code ikjLoop} is the runtime's kernel before
 * register tiling (the plain i-k-j loop), kept here so that before and after are measured in one run. Row-major {@code C = A B} is column-major
 * {@code Cᵀ = Bᵀ Aᵀ}, one {@code dgemm("N", "N", ...)} with the operands swapped.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class BlasMatmulBench {
  /** {@code n x k x m}. */
  @Param({"256x256x256", "64x784x128"})
  public String shape;

  int n;
  int k;
  int m;
  double[] ad;
  double[] bd;
  Tensor a;
  Tensor b;

  @Setup
  public void setup() {
    String[] nkm = shape.split("x");
    n = Integer.parseInt(nkm[0]);
    k = Integer.parseInt(nkm[1]);
    m = Integer.parseInt(nkm[2]);
    ad = Inputs.normal(30, n * k);
    bd = Inputs.normal(31, k * m);
    a = Tensor.fromArray(ad, n, k);
    b = Tensor.fromArray(bd, k, m);
    System.out.println("BLAS.getInstance(): " + BLAS.getInstance().getClass().getName()
        + ", JavaBLAS.getInstance(): " + JavaBLAS.getInstance().getClass().getName());
    double[] expected = runtime().toArray();
    // C[i][j] = Σ_k A[i][k] B[k][j], checked directly on a few entries
    for (int[] ij : new int[][] {{0, 0}, {7, 100}, {n - 1, m - 1}}) {
      double s = 0;
      for (int p = 0; p < k; p++) {
        s += ad[ij[0] * k + p] * bd[p * m + ij[1]];
      }
      Check.close("C[" + ij[0] + "][" + ij[1] + "] by definition", s, expected[ij[0] * m + ij[1]], Check.EXACT);
    }
    Check.close("i-k-j loop vs runtime", expected, ikjLoop(), Check.EXACT);
    Check.close("netlib default vs runtime", expected, blasDefault(), Check.EXACT);
    Check.close("netlib Java vs runtime", expected, blasJava(), Check.EXACT);
  }

  private double[] gemm(BLAS blas) {
    double[] c = new double[n * m];
    blas.dgemm("N", "N", m, n, k, 1.0, bd, m, ad, k, 0.0, c, m);
    return c;
  }

  @Benchmark
  public double[] ikjLoop() {
    double[] r = new double[n * m];
    for (int i = 0; i < n; i++) {
      for (int p = 0; p < k; p++) {
        double v = ad[i * k + p];
        int bRow = p * m;
        int rRow = i * m;
        for (int j = 0; j < m; j++) {
          r[rRow + j] += v * bd[bRow + j];
        }
      }
    }
    return r;
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
