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
      matrixVector(a, ao, b, bo, r, ro, n, k);
      return;
    }
    // Sparse left operands (one-hot rows, masks) keep the zero-skipping loop when skipping cannot change
    // the sum; dense ones take the packed kernel (PackedMatmul), or the blocked one where the packed one does
    // not pay (few rows, narrow or shallow products).
    if (mostlyZero(a, ao, n * k) && allFinite(b, bo, k * m)) {
      mmSkippingZeros(a, ao, b, bo, r, ro, n, k, m);
    } else if (PackedMatmul.applies(n, k, m)) {
      PackedMatmul.mm(a, ao, k, 1, b, bo, m, 1, r, ro, n, k, m);
    } else {
      mmBlocked(a, ao, b, bo, r, ro, n, k, m);
    }
  }

  /**
   * {@code r[ro + i] += Σ_p a[ao + i·k + p]·b[bo + p]}: four rows at a time, each with its own sum taken in the
   * order {@code p = 0, 1, ..} (bitwise the naive loop), so that four independent additions are in flight.
   */
  static void matrixVector(double[] a, int ao, double[] b, int bo, double[] r, int ro, int n, int k) {
    int i = 0;
    for (; i + 3 < n; i += 4) {
      double s0 = 0;
      double s1 = 0;
      double s2 = 0;
      double s3 = 0;
      int a0 = ao + i * k;
      int a1 = a0 + k;
      int a2 = a1 + k;
      int a3 = a2 + k;
      for (int p = 0; p < k; p++) {
        double v = b[bo + p];
        s0 += a[a0 + p] * v;
        s1 += a[a1 + p] * v;
        s2 += a[a2 + p] * v;
        s3 += a[a3 + p] * v;
      }
      r[ro + i] += s0;
      r[ro + i + 1] += s1;
      r[ro + i + 2] += s2;
      r[ro + i + 3] += s3;
    }
    for (; i < n; i++) {
      double sum = 0;
      int row = ao + i * k;
      for (int p = 0; p < k; p++) {
        sum += a[row + p] * b[bo + p];
      }
      r[ro + i] += sum;
    }
  }

  /**
   * {@code r[i] += Σ_p a[ao + p·ld + i]·v[p]} for {@code i < n}, {@code p < k}: the product of the transpose of
   * a row-major {@code k × n} matrix (leading dimension {@code ld}) with a vector, without copying the
   * transpose. Rows of the matrix are streamed ({@code r += v[p]·row p}); every entry still receives its terms in
   * the order {@code p = 0, 1, ..}, bitwise the naive loop over the transpose. Each row is first copied to a
   * scratch array indexed like {@code r}: C2 vectorizes a loop only when its arrays are indexed with the same
   * offset (see {@link PackedMatmul}).
   */
  static void transposedMatrixVector(double[] a, int ao, int ld, double[] v, double[] r, int n, int k) {
    double[] row = new double[n];
    for (int p = 0; p < k; p++) {
      System.arraycopy(a, ao + p * ld, row, 0, n);
      axpy(r, row, v[p], n);
    }
  }

  /** {@code r[i] += x[i]·c} for {@code i < n} (vectorized). */
  private static void axpy(double[] r, double[] x, double c, int n) {
    for (int i = 0; i < n; i++) {
      r[i] += x[i] * c;
    }
  }

  /** Width of one column block of {@link #mmBlocked}. */
  private static final int COLUMNS = 256;

  /**
   * The product four rows of {@code r} and four rows of {@code b} at a time: each pass over a row segment of
   * {@code r} adds four terms per entry (the JIT vectorizes the loop over {@code j}), so {@code r} is loaded and
   * stored a quarter as often as in the plain i-k-j loop, and each loaded {@code b} serves four rows. The four
   * terms are added one after another, {@code (((r + a0 b0) + a1 b1) + a2 b2) + a3 b3}: every entry receives its
   * terms in the order {@code p = 0, 1, .., k-1}, so the result is bitwise the naive loop's, and every product is
   * formed ({@code 0·inf} and {@code 0·NaN} stay NaN). Columns go in blocks of {@link #COLUMNS}, so that the
   * eight row segments a pass touches (16 KB) stay in the L1 cache when {@code m} is large.
   */
  private static void mmBlocked(double[] a, int ao, double[] b, int bo, double[] r, int ro, int n, int k, int m) {
    int i = 0;
    for (; i + 3 < n; i += 4) {
      for (int j0 = 0; j0 < m; j0 += COLUMNS) {
        fourRows(a, ao + i * k, k, b, bo, m, r, ro + i * m, j0, Math.min(m, j0 + COLUMNS));
      }
    }
    for (; i < n; i++) {
      for (int j0 = 0; j0 < m; j0 += COLUMNS) {
        oneRow(a, ao + i * k, k, b, bo, m, r, ro + i * m, j0, Math.min(m, j0 + COLUMNS));
      }
    }
  }

  /** Rows {@code r0 .. r0 + 3m} of {@code r}, columns {@code j0 .. j1}, from rows {@code a0 ..} of {@code a}. */
  private static void fourRows(double[] a, int a0, int k, double[] b, int bo, int m, double[] r, int r0, int j0,
      int j1) {
    int k4 = k - k % 4;
    int a1 = a0 + k;
    int a2 = a1 + k;
    int a3 = a2 + k;
    int r1 = r0 + m;
    int r2 = r1 + m;
    int r3 = r2 + m;
    for (int p = 0; p < k4; p += 4) {
      double x0 = a[a0 + p], x1 = a[a0 + p + 1], x2 = a[a0 + p + 2], x3 = a[a0 + p + 3];
      double y0 = a[a1 + p], y1 = a[a1 + p + 1], y2 = a[a1 + p + 2], y3 = a[a1 + p + 3];
      double z0 = a[a2 + p], z1 = a[a2 + p + 1], z2 = a[a2 + p + 2], z3 = a[a2 + p + 3];
      double w0 = a[a3 + p], w1 = a[a3 + p + 1], w2 = a[a3 + p + 2], w3 = a[a3 + p + 3];
      int b0 = bo + p * m;
      int b1 = b0 + m;
      int b2 = b1 + m;
      int b3 = b2 + m;
      for (int j = j0; j < j1; j++) {
        double c0 = b[b0 + j], c1 = b[b1 + j], c2 = b[b2 + j], c3 = b[b3 + j];
        r[r0 + j] = r[r0 + j] + x0 * c0 + x1 * c1 + x2 * c2 + x3 * c3;
        r[r1 + j] = r[r1 + j] + y0 * c0 + y1 * c1 + y2 * c2 + y3 * c3;
        r[r2 + j] = r[r2 + j] + z0 * c0 + z1 * c1 + z2 * c2 + z3 * c3;
        r[r3 + j] = r[r3 + j] + w0 * c0 + w1 * c1 + w2 * c2 + w3 * c3;
      }
    }
    for (int p = k4; p < k; p++) {
      double x = a[a0 + p];
      double y = a[a1 + p];
      double z = a[a2 + p];
      double w = a[a3 + p];
      int bRow = bo + p * m;
      for (int j = j0; j < j1; j++) {
        double c = b[bRow + j];
        r[r0 + j] += x * c;
        r[r1 + j] += y * c;
        r[r2 + j] += z * c;
        r[r3 + j] += w * c;
      }
    }
  }

  /** Row {@code r0} of {@code r}, columns {@code j0 .. j1}, from row {@code a0} of {@code a}. */
  private static void oneRow(double[] a, int a0, int k, double[] b, int bo, int m, double[] r, int r0, int j0,
      int j1) {
    int k4 = k - k % 4;
    for (int p = 0; p < k4; p += 4) {
      double x0 = a[a0 + p], x1 = a[a0 + p + 1], x2 = a[a0 + p + 2], x3 = a[a0 + p + 3];
      int b0 = bo + p * m;
      int b1 = b0 + m;
      int b2 = b1 + m;
      int b3 = b2 + m;
      for (int j = j0; j < j1; j++) {
        r[r0 + j] = r[r0 + j] + x0 * b[b0 + j] + x1 * b[b1 + j] + x2 * b[b2 + j] + x3 * b[b3 + j];
      }
    }
    for (int p = k4; p < k; p++) {
      double x = a[a0 + p];
      int bRow = bo + p * m;
      for (int j = j0; j < j1; j++) {
        r[r0 + j] += x * b[bRow + j];
      }
    }
  }

  /**
   * Whether more than half of the {@code n × k} matrix {@code a[ao + i·s0 + p·s1]} is zero (the left operand of
   * {@link #mm} read through strides, for a view that is not copied).
   */
  static boolean mostlyZero(double[] a, int ao, int s0, int s1, int n, int k) {
    int zeros = 0;
    for (int i = 0; i < n; i++) {
      for (int p = 0; p < k; p++) {
        if (a[ao + i * s0 + p * s1] == 0) {
          zeros++;
        }
      }
    }
    return zeros * 2 > n * k;
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
