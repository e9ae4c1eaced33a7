package dev.adjoint;

/**
 * The matrix-product loops behind {@link Tensor#matmul} and {@link Tensor#t()}, on row-major {@code double[]}
 * storage and without autograd.
 *
 * <p>The product follows IEEE arithmetic exactly as the naive triple loop does: {@code 0·inf} and
 * {@code 0·NaN} are NaN and reach the result, as in PyTorch. Zero entries of the left operand are skipped
 * only when the right operand is all finite, where skipping cannot change the sum (that keeps one-hot and
 * masked inputs cheap).
 */
final class MatmulKernels {
  private MatmulKernels() {}

  /**
   * {@code r[ro ..] += a[ao ..] · b[bo ..]} for an {@code n × k} matrix {@code a} and a {@code k × m} matrix
   * {@code b}; {@code r} is {@code n × m} and starts at zeros.
   */
  static void mm(double[] a, int ao, double[] b, int bo, double[] r, int ro, int n, int k, int m) {
    if (m == 1) {
      // Matrix times vector: one dot product per row, not an inner loop of length 1.
      for (int i = 0; i < n; i++) {
        double sum = 0;
        int row = ao + i * k;
        for (int p = 0; p < k; p++) {
          sum += a[row + p] * b[bo + p];
        }
        r[ro + i] += sum;
      }
      return;
    }
    // Two loops rather than one with a finiteness test per skipped entry: the JIT keeps the inner loop of
    // each as fast as the plain one (a combined test measured twice as slow on dense 256 x 256 products).
    if (allFinite(b, bo, k * m)) {
      mmSkippingZeros(a, ao, b, bo, r, ro, n, k, m);
    } else {
      mmAll(a, ao, b, bo, r, ro, n, k, m);
    }
  }

  /** The product when every entry of {@code b} is finite, so that a zero of {@code a} contributes exactly 0. */
  private static void mmSkippingZeros(double[] a, int ao, double[] b, int bo, double[] r, int ro, int n, int k,
      int m) {
    for (int i = 0; i < n; i++) {
      for (int p = 0; p < k; p++) {
        double v = a[ao + i * k + p];
        if (v == 0) {
          continue;
        }
        int bRow = bo + p * m;
        int rRow = ro + i * m;
        for (int j = 0; j < m; j++) {
          r[rRow + j] += v * b[bRow + j];
        }
      }
    }
  }

  /** The product term by term, as IEEE arithmetic has it ({@code 0·inf} and {@code 0·NaN} are NaN). */
  private static void mmAll(double[] a, int ao, double[] b, int bo, double[] r, int ro, int n, int k, int m) {
    for (int i = 0; i < n; i++) {
      for (int p = 0; p < k; p++) {
        double v = a[ao + i * k + p];
        int bRow = bo + p * m;
        int rRow = ro + i * m;
        for (int j = 0; j < m; j++) {
          r[rRow + j] += v * b[bRow + j];
        }
      }
    }
  }

  /** Whether {@code b[from .. from + length)} holds no infinity and no NaN. */
  private static boolean allFinite(double[] b, int from, int length) {
    // x - x is 0 for a finite x and NaN for an infinity or NaN; the sum is NaN iff any term is.
    double probe = 0;
    for (int i = from; i < from + length; i++) {
      double x = b[i];
      probe += x - x;
    }
    return probe == 0;
  }

  /** The transpose of a row-major {@code rows × cols} matrix, copied tile by tile to stay in cache. */
  static double[] transpose(double[] m, int rows, int cols) {
    double[] r = new double[m.length];
    final int tile = 32;
    for (int i0 = 0; i0 < rows; i0 += tile) {
      int i1 = Math.min(rows, i0 + tile);
      for (int j0 = 0; j0 < cols; j0 += tile) {
        int j1 = Math.min(cols, j0 + tile);
        for (int i = i0; i < i1; i++) {
          for (int j = j0; j < j1; j++) {
            r[j * rows + i] = m[i * cols + j];
          }
        }
      }
    }
    return r;
  }
}
