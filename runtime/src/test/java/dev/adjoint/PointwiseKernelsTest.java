package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** The op-coded arithmetic loops against explicit row/column loops written here, in every broadcast layout. */
class PointwiseKernelsTest {

  private static double apply(int op, double a, double b) {
    switch (op) {
      case PointwiseKernels.ADD: return a + b;
      case PointwiseKernels.SUB: return a - b;
      case PointwiseKernels.MUL: return a * b;
      default: return a / b;
    }
  }

  private static double[] seq(int n, double start) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = start + 0.5 * i - (i % 3 == 0 ? 7 : 0);
    }
    return x;
  }

  @Test
  void everyLayoutMatchesExplicitLoops() {
    int rows = 3;
    int cols = 4;
    double[] m = seq(rows * cols, -2.25);
    double[] row = seq(cols, 1.5);
    double[] col = seq(rows, 0.75);
    double[] one = {-1.25};
    int[] s = {rows, cols};
    for (int op = PointwiseKernels.ADD; op <= PointwiseKernels.DIV; op++) {
      double[] same = new double[rows * cols];
      double[] mRow = new double[rows * cols];
      double[] rowM = new double[rows * cols];
      double[] mCol = new double[rows * cols];
      double[] mOne = new double[rows * cols];
      double[] oneM = new double[rows * cols];
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < cols; j++) {
          double v = m[i * cols + j];
          same[i * cols + j] = apply(op, v, m[(rows * cols - 1) - (i * cols + j)]);
          mRow[i * cols + j] = apply(op, v, row[j]);
          rowM[i * cols + j] = apply(op, row[j], v);
          mCol[i * cols + j] = apply(op, v, col[i]);
          mOne[i * cols + j] = apply(op, v, one[0]);
          oneM[i * cols + j] = apply(op, one[0], v);
        }
      }
      double[] reversed = new double[m.length];
      for (int i = 0; i < m.length; i++) {
        reversed[i] = m[m.length - 1 - i];
      }
      assertArrayEquals(same, PointwiseKernels.arith(m, s, reversed, s, s, op), 0.0, "same shape, op " + op);
      assertArrayEquals(mRow, PointwiseKernels.arith(m, s, row, new int[] {cols}, s, op), 0.0, "[3,4] op [4]");
      assertArrayEquals(mRow, PointwiseKernels.arith(m, s, row, new int[] {1, cols}, s, op), 0.0, "[3,4] op [1,4]");
      assertArrayEquals(rowM, PointwiseKernels.arith(row, new int[] {cols}, m, s, s, op), 0.0, "[4] op [3,4]");
      assertArrayEquals(mCol, PointwiseKernels.arith(m, s, col, new int[] {rows, 1}, s, op), 0.0, "[3,4] op [3,1]");
      assertArrayEquals(mOne, PointwiseKernels.arith(m, s, one, new int[] {}, s, op), 0.0, "[3,4] op []");
      assertArrayEquals(oneM, PointwiseKernels.arith(one, new int[] {1}, m, s, s, op), 0.0, "[1] op [3,4]");
      assertArrayEquals(mOne, PointwiseKernels.arithScalar(m, one[0], op), 0.0, "scalar, op " + op);
    }
  }
}
