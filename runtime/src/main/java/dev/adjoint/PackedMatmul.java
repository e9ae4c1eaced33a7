package dev.adjoint;

/**
 * The dense matrix product over packed rows, the loop form C2 (Java 17) vectorizes: {@code s[j] = s[j] + x0·c0[j]
 * + x1·c1[j] + x2·c2[j] + x3·c3[j]} with every array indexed by the same {@code j} from 0. C2's vectorizer
 * gives up on a loop whose arrays are indexed with different invariant offsets ({@code r[ro + j]} against {@code
 * b[bo + j]}), which is what the in-place kernels of {@link MatmulKernels} have to write; measured on the shapes
 * of the benchmarks (256·256·256, 64·784·128) that loop ran at scalar speed, and this one about twice as fast
 * including the copies. So each block of {@link #COLUMNS} columns of the right operand is copied into one array
 * per row (the panel), each row of the result into an array of its own ({@link #ROWS} rows at a time), and the
 * loop runs over those. The loop is tiled over two rows of the result and three rows of the panel at a time
 * ({@link #twoRowsThreeTerms}): each panel element loaded serves two rows, each result element loaded and stored
 * takes three terms (about 25-35% faster than one row and four terms on the benchmarks' shapes).
 *
 * <p>Every entry of the result receives its terms one after another in the order {@code p = 0, 1, .., k-1},
 * starting from its value in {@code r}: bitwise the naive triple loop, every product formed ({@code 0·inf} and
 * {@code 0·NaN} stay NaN). The operands are read through strides, so a transposed view is packed as it is read,
 * without a transposed copy first. The tiling changes which entries are updated together, not the order in which
 * one entry receives its terms: the result is bitwise the one of the previous one-row kernel, and the same from run
 * to run.
 */
final class PackedMatmul {
  private PackedMatmul() {}

  /** Columns per panel: a row of the panel is 1 KB. */
  private static final int COLUMNS = 128;
  /** Rows of the result held as arrays of their own at a time (64 KB at most: the scratch stays small). */
  private static final int ROWS = 64;
  /**
   * Rows of the panel used by one pass over the rows of the result (60 KB; measured a little faster than 32 on
   * the benchmarks' shapes, the panel rows stream from L2 well), a multiple of the three terms per step.
   */
  private static final int DEPTH = 60;

  /** Whether the packed product pays for its copies: enough rows to reuse the panel, columns to vectorize. */
  static boolean applies(int n, int k, int m) {
    return n >= 4 && k >= 4 && m >= 32;
  }

  /**
   * {@code r[ro + i·m + j] += Σ_p A(i, p)·B(p, j)} for {@code i < n}, {@code j < m}, {@code p < k}, with {@code
   * A(i, p) = a[ao + i·as0 + p·as1]} and {@code B(p, j) = b[bo + p·bs0 + j·bs1]}.
   */
  static void mm(double[] a, int ao, int as0, int as1, double[] b, int bo, int bs0, int bs1, double[] r, int ro,
      int n, int k, int m) {
    int width = Math.min(COLUMNS, m);
    double[][] rows = new double[Math.min(ROWS, n)][width];
    double[][] panel = new double[k][width];
    for (int j0 = 0; j0 < m; j0 += COLUMNS) {
      int w = Math.min(COLUMNS, m - j0);
      pack(b, bo, bs0, bs1, panel, k, j0, w);
      for (int i0 = 0; i0 < n; i0 += ROWS) {
        int rowCount = Math.min(ROWS, n - i0);
        for (int i = 0; i < rowCount; i++) {
          System.arraycopy(r, ro + (i0 + i) * m + j0, rows[i], 0, w);
        }
        for (int p0 = 0; p0 < k; p0 += DEPTH) {
          int p1 = Math.min(k, p0 + DEPTH);
          int i = 0;
          for (; i + 1 < rowCount; i += 2) {
            double[] s0 = rows[i];
            double[] s1 = rows[i + 1];
            int ai = ao + (i0 + i) * as0;
            int bi = ai + as0;
            int p = p0;
            for (; p + 2 < p1; p += 3) {
              int at = ai + p * as1;
              int bt = bi + p * as1;
              twoRowsThreeTerms(s0, s1, panel[p], panel[p + 1], panel[p + 2], a[at], a[at + as1], a[at + 2 * as1],
                  a[bt], a[bt + as1], a[bt + 2 * as1], w);
            }
            for (; p < p1; p++) {
              twoRowsOneTerm(s0, s1, panel[p], a[ai + p * as1], a[bi + p * as1], w);
            }
          }
          if (i < rowCount) {
            // the last row of an odd count
            double[] s = rows[i];
            int ai = ao + (i0 + i) * as0;
            int p = p0;
            for (; p + 3 < p1; p += 4) {
              int at = ai + p * as1;
              fourTerms(s, panel[p], panel[p + 1], panel[p + 2], panel[p + 3], a[at], a[at + as1],
                  a[at + 2 * as1], a[at + 3 * as1], w);
            }
            for (; p < p1; p++) {
              oneTerm(s, panel[p], a[ai + p * as1], w);
            }
          }
        }
        for (int i = 0; i < rowCount; i++) {
          System.arraycopy(rows[i], 0, r, ro + (i0 + i) * m + j0, w);
        }
      }
    }
  }

  /** {@code panel[p][j] = B(p, j0 + j)} for {@code p < k}, {@code j < w}. */
  private static void pack(double[] b, int bo, int bs0, int bs1, double[][] panel, int k, int j0, int w) {
    if (bs1 == 1) {
      for (int p = 0; p < k; p++) {
        System.arraycopy(b, bo + p * bs0 + j0, panel[p], 0, w);
      }
    } else {
      // a transposed operand: read along its storage rows (p), write across the panel
      for (int j = 0; j < w; j++) {
        int from = bo + (j0 + j) * bs1;
        for (int p = 0; p < k; p++) {
          panel[p][j] = b[from + p * bs0];
        }
      }
    }
  }

  /** {@code s[j] = (((s[j] + x0·c0[j]) + x1·c1[j]) + x2·c2[j]) + x3·c3[j]} for {@code j < w} (vectorized). */
  private static void fourTerms(double[] s, double[] c0, double[] c1, double[] c2, double[] c3, double x0,
      double x1, double x2, double x3, int w) {
    for (int j = 0; j < w; j++) {
      s[j] = s[j] + x0 * c0[j] + x1 * c1[j] + x2 * c2[j] + x3 * c3[j];
    }
  }

  /**
   * Two rows of the result, three terms each: {@code s0[j] = ((s0[j] + x0·c0[j]) + x1·c1[j]) + x2·c2[j]} and the
   * same for {@code s1} with {@code y0, y1, y2}, for {@code j < w} (vectorized). Each loaded panel element serves two
   * rows, each loaded and stored result element three terms. The loop body is kept this small on purpose: C2
   * (Java 17, default {@code LoopUnrollLimit}) vectorized a 2-row × 4-term or 3-row × 4-term body only in some
   * runs and ran it scalar (2-3 times slower than {@link #fourTerms}) in others; this one vectorized in every run
   * measured.
   */
  private static void twoRowsThreeTerms(double[] s0, double[] s1, double[] c0, double[] c1, double[] c2,
      double x0, double x1, double x2, double y0, double y1, double y2, int w) {
    for (int j = 0; j < w; j++) {
      double d0 = c0[j];
      double d1 = c1[j];
      double d2 = c2[j];
      s0[j] = s0[j] + x0 * d0 + x1 * d1 + x2 * d2;
      s1[j] = s1[j] + y0 * d0 + y1 * d1 + y2 * d2;
    }
  }

  /** {@code s0[j] = s0[j] + x·c[j]} and {@code s1[j] = s1[j] + y·c[j]} for {@code j < w} (vectorized). */
  private static void twoRowsOneTerm(double[] s0, double[] s1, double[] c, double x, double y, int w) {
    for (int j = 0; j < w; j++) {
      double d = c[j];
      s0[j] = s0[j] + x * d;
      s1[j] = s1[j] + y * d;
    }
  }

  /** {@code s[j] = s[j] + x·c[j]} for {@code j < w}. */
  private static void oneTerm(double[] s, double[] c, double x, int w) {
    for (int j = 0; j < w; j++) {
      s[j] = s[j] + x * c[j];
    }
  }
}
