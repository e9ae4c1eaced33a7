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
    // Sparse left operands (one-hot rows, masks) keep the zero-skipping loop when skipping cannot change
    // the sum; dense ones take the register-tiled kernel.
    if (mostlyZero(a, ao, n * k) && allFinite(b, bo, k * m)) {
      mmSkippingZeros(a, ao, b, bo, r, ro, n, k, m);
    } else if (n < TILE || m < TILE) {
      mmAll(a, ao, b, bo, r, ro, n, k, m);
    } else {
      mmTiled(a, ao, b, bo, r, ro, n, k, m);
    }
  }

  /** Rows and columns of one register tile. */
  private static final int TILE = 4;
  /** Depth of one pass over a packed panel: 4 × 256 doubles (8 KB) of {@code b} stay in the L1 cache. */
  private static final int DEPTH = 256;

  /**
   * The product in 4 × 4 register tiles over packed 4-column panels of {@code b}. Each entry of {@code r} still
   * receives its terms in the order {@code p = 0, 1, .., k-1}, starting from its current value, so the result is
   * bitwise the naive loop's, and every product is formed ({@code 0·inf} and {@code 0·NaN} stay NaN).
   */
  private static void mmTiled(double[] a, int ao, double[] b, int bo, double[] r, int ro, int n, int k, int m) {
    int panels = (m + TILE - 1) / TILE;
    // packed[(jp * k + p) * 4 + y] = b[p][4 jp + y]; columns past m are zero and never stored.
    double[] packed = new double[panels * k * TILE];
    for (int p = 0; p < k; p++) {
      int bRow = bo + p * m;
      for (int j = 0; j < m; j++) {
        packed[((j >> 2) * k + p) * TILE + (j & 3)] = b[bRow + j];
      }
    }
    int fullRows = n - n % TILE;
    for (int p0 = 0; p0 < k; p0 += DEPTH) {
      int p1 = Math.min(k, p0 + DEPTH);
      for (int jp = 0; jp < panels; jp++) {
        int j = jp * TILE;
        int cols = Math.min(TILE, m - j);
        int panel = jp * k * TILE;
        for (int i = 0; i < fullRows; i += TILE) {
          if (cols == TILE) {
            tile4x4(a, ao + i * k, k, packed, panel, r, ro + i * m + j, m, p0, p1);
          } else {
            for (int x = 0; x < TILE; x++) {
              row1(a, ao + (i + x) * k, packed, panel, r, ro + (i + x) * m + j, cols, p0, p1);
            }
          }
        }
        for (int i = fullRows; i < n; i++) {
          row1(a, ao + i * k, packed, panel, r, ro + i * m + j, cols, p0, p1);
        }
      }
    }
  }

  /** {@code r[4 × 4] += a[4 rows, p0 .. p1) · panel[p0 .. p1, 4 columns)}, sixteen accumulators. */
  private static void tile4x4(double[] a, int a0, int k, double[] pk, int panel, double[] r, int r0, int m,
      int p0, int p1) {
    int a1 = a0 + k;
    int a2 = a1 + k;
    int a3 = a2 + k;
    int r1 = r0 + m;
    int r2 = r1 + m;
    int r3 = r2 + m;
    double c00 = r[r0], c01 = r[r0 + 1], c02 = r[r0 + 2], c03 = r[r0 + 3];
    double c10 = r[r1], c11 = r[r1 + 1], c12 = r[r1 + 2], c13 = r[r1 + 3];
    double c20 = r[r2], c21 = r[r2 + 1], c22 = r[r2 + 2], c23 = r[r2 + 3];
    double c30 = r[r3], c31 = r[r3 + 1], c32 = r[r3 + 2], c33 = r[r3 + 3];
    for (int p = p0, q = panel + p0 * TILE; p < p1; p++, q += TILE) {
      double b0 = pk[q], b1 = pk[q + 1], b2 = pk[q + 2], b3 = pk[q + 3];
      double x = a[a0 + p];
      c00 += x * b0; c01 += x * b1; c02 += x * b2; c03 += x * b3;
      x = a[a1 + p];
      c10 += x * b0; c11 += x * b1; c12 += x * b2; c13 += x * b3;
      x = a[a2 + p];
      c20 += x * b0; c21 += x * b1; c22 += x * b2; c23 += x * b3;
      x = a[a3 + p];
      c30 += x * b0; c31 += x * b1; c32 += x * b2; c33 += x * b3;
    }
    r[r0] = c00; r[r0 + 1] = c01; r[r0 + 2] = c02; r[r0 + 3] = c03;
    r[r1] = c10; r[r1 + 1] = c11; r[r1 + 2] = c12; r[r1 + 3] = c13;
    r[r2] = c20; r[r2 + 1] = c21; r[r2 + 2] = c22; r[r2 + 3] = c23;
    r[r3] = c30; r[r3 + 1] = c31; r[r3 + 2] = c32; r[r3 + 3] = c33;
  }

  /** One row of {@code r} against the first {@code cols} (≤ 4) columns of a panel. */
  private static void row1(double[] a, int aRow, double[] pk, int panel, double[] r, int rAt, int cols, int p0,
      int p1) {
    for (int y = 0; y < cols; y++) {
      double c = r[rAt + y];
      for (int p = p0; p < p1; p++) {
        c += a[aRow + p] * pk[panel + p * TILE + y];
      }
      r[rAt + y] = c;
    }
  }

  /** Whether more than half of {@code a[from .. from + length)} is zero. */
  private static boolean mostlyZero(double[] a, int from, int length) {
    int zeros = 0;
    for (int i = from; i < from + length; i++) {
      if (a[i] == 0) {
        zeros++;
      }
    }
    return zeros * 2 > length;
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
