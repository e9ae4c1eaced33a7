package dev.adjoint;

import dev.adjoint.spi.Backends;
import dev.adjoint.spi.MatmulBackend;

/**
 * Hands a matrix product of {@link MatmulOps} to the active {@link MatmulBackend} when there is one and the
 * product is large enough; operands that are contiguous or transposed-contiguous in their storage are passed
 * as they are (with a transpose flag), other views are copied to row-major order first.
 */
final class BackendGemm {
  private BackendGemm() {}

  /** One operand as the backend reads it: storage, offset of element (0, 0), leading dimension, transposed. */
  private record Operand(double[] data, int offset, int ld, boolean trans, int batchStride) {}

  /**
   * {@code r = a · b} for {@code a} of shape {@code [n, k]} and {@code b} of shape {@code [k, m]} through the
   * backend; false (and {@code r} untouched) when the runtime's kernels should do it.
   */
  static boolean mm(Tensor a, Tensor b, double[] r, int n, int k, int m) {
    MatmulBackend backend = backendFor(1, n, k, m);
    if (backend == null) {
      return false;
    }
    Operand x = operand(a, 0, n, k);
    Operand y = operand(b, 0, k, m);
    backend.gemm(x.trans, y.trans, n, m, k, x.data, x.offset, x.ld, y.data, y.offset, y.ld, r, 0, m);
    return true;
  }

  /** {@code r = a · b} batch by batch, for {@code a} of shape {@code [batch, n, k]}, {@code b} {@code [batch, k, m]}. */
  static boolean bmm(Tensor a, Tensor b, double[] r, int batch, int n, int k, int m) {
    MatmulBackend backend = backendFor(batch, n, k, m);
    if (backend == null) {
      return false;
    }
    Operand x = operand(a, 1, n, k);
    Operand y = operand(b, 1, k, m);
    for (int i = 0; i < batch; i++) {
      backend.gemm(x.trans, y.trans, n, m, k, x.data, x.offset + i * x.batchStride, x.ld, y.data,
          y.offset + i * y.batchStride, y.ld, r, i * n * m, m);
    }
    return true;
  }

  private static MatmulBackend backendFor(int batch, int n, int k, int m) {
    MatmulBackend backend = Backends.matmul();
    if (backend == null || n == 0 || k == 0 || m == 0 || batch == 0
        || (long) n * k * m < Backends.MIN_MULTIPLY_ADDS) {
      return null;
    }
    return backend;
  }

  /**
   * The matrices {@code [rows, cols]} in the last two dimensions of {@code t} (after {@code lead} batch
   * dimensions, at most one): passed in place when each row or each column is contiguous and rows (columns) do
   * not overlap, else copied.
   */
  private static Operand operand(Tensor t, int lead, int rows, int cols) {
    int[] st = t.strides;
    int s0 = st[lead];
    int s1 = st[lead + 1];
    int batchStride = lead == 0 ? 0 : st[0];
    if (batchStride >= 0) {
      if ((cols <= 1 || s1 == 1) && (rows <= 1 || s0 >= cols)) {
        return new Operand(t.storage, t.offset, rows <= 1 ? Math.max(1, cols) : s0, false, batchStride);
      }
      if ((rows <= 1 || s0 == 1) && (cols <= 1 || s1 >= rows)) {
        return new Operand(t.storage, t.offset, cols <= 1 ? Math.max(1, rows) : s1, true, batchStride);
      }
    }
    return new Operand(t.values(), 0, Math.max(1, cols), false, rows * cols);
  }
}
