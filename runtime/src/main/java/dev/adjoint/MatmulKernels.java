package dev.adjoint;

/**
 * The matrix-product loops behind {@link Tensor#matmul} and {@link Tensor#t()}, on row-major {@code double[]}
 * storage and without autograd.
 *
 * <p>The product follows IEEE arithmetic exactly as the naive triple loop does: {@code 0·inf} and
 * {@code 0·NaN} are NaN and reach the result, as in PyTorch. A zero entry of the left operand is skipped
 * only when the row of the right operand it multiplies is all finite, where skipping cannot change the sum
 * (that keeps one-hot and masked inputs cheap).
 */
final class MatmulKernels {
  private MatmulKernels() {}

  /**
   * {@code r[ro ..] += a[ao ..] · b[bo ..]} for an {@code n × k} matrix {@code a} and a {@code k × m} matrix
   * {@code b}; {@code r} is {@code n × m}.
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
    boolean[] finiteRow = finiteRows(b, bo, k, m);
    for (int i = 0; i < n; i++) {
      int rRow = ro + i * m;
      for (int p = 0; p < k; p++) {
        double v = a[ao + i * k + p];
        if (v == 0 && finiteRow[p]) {
          continue;
        }
        int bRow = bo + p * m;
        for (int j = 0; j < m; j++) {
          r[rRow + j] += v * b[bRow + j];
        }
      }
    }
  }

  /** Per row of the {@code k × m} matrix at {@code b[bo]}, whether all its entries are finite. */
  private static boolean[] finiteRows(double[] b, int bo, int k, int m) {
    boolean[] finite = new boolean[k];
    for (int p = 0; p < k; p++) {
      int row = bo + p * m;
      // x - x is 0 for finite x and NaN for infinities and NaN; a sum of them is NaN iff any is.
      double probe = 0;
      for (int j = 0; j < m; j++) {
        double x = b[row + j];
        probe += x - x;
      }
      finite[p] = probe == 0;
    }
    return finite;
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
