package dev.adjoint.blas;

import dev.adjoint.spi.MatmulBackend;
import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.NativeBLAS;

/**
 * A {@link MatmulBackend} on {@code dev.ludovic.netlib:blas} (Spark MLlib's BLAS): its {@code dgemm} goes
 * through JNI to the system's native BLAS ({@code libblas.so.3}: OpenBLAS, MKL, ...) when one loads.
 *
 * <p>Putting {@code adjoint-blas} on the class path is all it takes: the runtime discovers this class with
 * {@link java.util.ServiceLoader} and routes its large matrix products here when {@link #isNative()} is true.
 * When no native BLAS loads, netlib falls back to pure Java, this backend reports itself not native, and the
 * runtime keeps its own kernels (which are as fast as netlib's pure-Java ones).
 *
 * <p>A row-major product {@code C = op(A) op(B)} is the column-major product {@code Cᵀ = op(B)ᵀ op(A)ᵀ}: one
 * {@code dgemm} with the operands swapped and the same leading dimensions.
 */
public final class NetlibMatmulBackend implements MatmulBackend {
  private final BLAS blas;

  /** The backend on {@link BLAS#getInstance()}: native when a system BLAS loads, else netlib's pure Java. */
  public NetlibMatmulBackend() {
    this(BLAS.getInstance());
  }

  /** The backend on a given netlib instance (for instance {@code JavaBLAS.getInstance()} in tests). */
  public NetlibMatmulBackend(BLAS blas) {
    this.blas = blas;
  }

  @Override
  public String name() {
    return "netlib " + blas.getClass().getSimpleName();
  }

  @Override
  public boolean isNative() {
    return blas instanceof NativeBLAS;
  }

  @Override
  public void gemm(boolean transA, boolean transB, int n, int m, int k, double[] a, int ao, int lda, double[] b,
      int bo, int ldb, double[] c, int co, int ldc) {
    blas.dgemm(transB ? "T" : "N", transA ? "T" : "N", m, n, k, 1.0, b, bo, ldb, a, ao, lda, 0.0, c, co, ldc);
  }

  @Override
  public String toString() {
    return name();
  }
}
