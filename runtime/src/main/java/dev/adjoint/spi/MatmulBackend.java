package dev.adjoint.spi;

/**
 * A provider of double-precision matrix products that the runtime may route its large products to (an optional
 * module such as {@code adjoint-blas} implements it on a native BLAS). The runtime needs none: without a backend,
 * or for small products, it uses its own pure-Java kernels.
 *
 * <p><b>How a backend is chosen.</b> {@link Backends#matmul()} is the active backend. On first use the runtime
 * looks for implementations with {@link java.util.ServiceLoader} (a {@code META-INF/services/dev.adjoint.spi.MatmulBackend}
 * entry on the class path) and activates the first one whose {@link #isNative()} is true; a backend that is not
 * native is never activated by discovery, because the runtime's own kernels are as fast as a pure-Java BLAS.
 * The system property {@code -Dadjoint.matmul=java} turns discovery off. {@link Backends#useMatmul} replaces the
 * choice explicitly (any backend, native or not; {@code null} for the runtime's own kernels).
 *
 * <p><b>What the runtime sends.</b> Every matrix product of {@code Tensor.matmul}, {@code mm} and {@code bmm}
 * (and so the products in their backward passes, which call them) whose {@code n·k·m} is at least {@link
 * Backends#MIN_MULTIPLY_ADDS}, on operands that are contiguous or transposed-contiguous in their storage (other
 * strided views are copied first). Results agree with the runtime's kernels up to rounding (the summation order
 * differs), not bitwise.
 */
public interface MatmulBackend {
  /** A short human-readable name, such as {@code "netlib JNIBLAS"}, for logs and benchmark reports. */
  String name();

  /** Whether the products run in native code; only native backends are activated by discovery. */
  boolean isNative();

  /**
   * {@code c = op(a) · op(b)} on row-major storage, where {@code op(a)} is {@code n × k} and {@code op(b)} is
   * {@code k × m}.
   *
   * <ul>
   *   <li>{@code op(a)[i][p]} is {@code a[ao + i·lda + p]}, or {@code a[ao + p·lda + i]} when {@code transA};
   *   <li>{@code op(b)[p][j]} is {@code b[bo + p·ldb + j]}, or {@code b[bo + j·ldb + p]} when {@code transB};
   *   <li>{@code c[i][j]} is {@code c[co + i·ldc + j]}; its previous contents are overwritten, never read.
   * </ul>
   *
   * <p>The runtime calls it only with {@code n, k, m ≥ 1}, leading dimensions at least the row length they step
   * over, and every index in bounds. IEEE arithmetic must be kept: {@code 0·∞} and {@code 0·NaN} are NaN in
   * the result, as in the runtime's kernels and PyTorch.
   */
  void gemm(boolean transA, boolean transB, int n, int m, int k, double[] a, int ao, int lda, double[] b, int bo,
      int ldb, double[] c, int co, int ldc);
}
