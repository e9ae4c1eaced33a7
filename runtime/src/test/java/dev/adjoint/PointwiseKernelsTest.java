package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

  @Test
  void tanhIsWithinTwoUlpOfMathTanh() {
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(7);
    long worst = 0;
    for (int i = 0; i < 1_000_000; i++) {
      double x = i % 2 == 0 ? rnd.nextGaussian() * 3 : (rnd.nextDouble() - 0.5) * 1.3; // both branches, often
      long ulps = Math.abs(Double.doubleToLongBits(Math.tanh(x)) - Double.doubleToLongBits(PointwiseKernels.tanh(x)));
      worst = Math.max(worst, ulps);
    }
    assertTrue(worst <= 2, "worst " + worst + " ulp");
    double[] special = {0.0, -0.0, 1e-300, -1e-12, 0.625, -0.625, 22, 22.5, -700, 1e308, Double.MIN_VALUE,
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
    for (double x : special) {
      assertEquals(Math.tanh(x), PointwiseKernels.tanh(x), Math.ulp(Math.tanh(x)) * 2, "tanh(" + x + ")");
      assertEquals(Math.copySign(1, Math.tanh(x)), Math.copySign(1, PointwiseKernels.tanh(x)), "sign of tanh(" + x + ")");
    }
    assertTrue(Double.isNaN(PointwiseKernels.tanh(Double.NaN)));
  }

  @Test
  void tanhOverAnArrayIsBitwiseTheScalarFunction() {
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(9);
    double[] special = {0.0, -0.0, 1e-300, -1e-300, Double.MIN_VALUE, -Double.MIN_VALUE, 1e-10, -9.99e-10, 1e-9,
        0.625, -0.625, Math.nextDown(0.625), -Math.nextDown(0.625), 22, -22, 22.5, -700, 1e308,
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN};
    double[] x = new double[100_000 + special.length];
    for (int i = 0; i < 100_000; i++) {
      x[i] = i % 2 == 0 ? rnd.nextGaussian() * 3 : (rnd.nextDouble() - 0.5) * 1.3;
    }
    System.arraycopy(special, 0, x, 100_000, special.length);
    double[] r = PointwiseKernels.unary(x, PointwiseKernels.TANH);
    for (int i = 0; i < x.length; i++) {
      assertEquals(Double.doubleToLongBits(PointwiseKernels.tanh(x[i])), Double.doubleToLongBits(r[i]),
          "tanh(" + x[i] + ")");
    }
    assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(r[100_001]), "tanh(-0.0) is -0.0");
    assertEquals(-1.0, r[100_000 + 16]);
    assertTrue(Double.isNaN(r[x.length - 1]));
  }

  @Test
  void sigmoidIsBitwiseTheTwoBranchForm() {
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(8);
    for (int i = 0; i < 100_000; i++) {
      double v = rnd.nextGaussian() * (i % 10 == 0 ? 300 : 4);
      double expected = v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
      assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(PointwiseKernels.sigmoid(v)), "v=" + v);
    }
    assertTrue(Double.isNaN(PointwiseKernels.sigmoid(Double.NaN)));
    assertEquals(0.5, PointwiseKernels.sigmoid(-0.0));
    assertEquals(0.5, PointwiseKernels.sigmoid(0.0));
    assertEquals(Math.exp(-1e-300) / (1 + Math.exp(-1e-300)), PointwiseKernels.sigmoid(-1e-300));
    assertEquals(0.0, PointwiseKernels.sigmoid(Double.NEGATIVE_INFINITY));
    assertEquals(1.0, PointwiseKernels.sigmoid(Double.POSITIVE_INFINITY));
  }
}
