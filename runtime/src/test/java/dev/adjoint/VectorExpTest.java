package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The vectorized {@code exp}, {@code sigmoid} and {@code tanh}: each array form bitwise its scalar form, and the
 * scalar forms within 1 ulp ({@code exp}) or 2 ulp of {@code Math}'s, over random and special arguments.
 */
class VectorExpTest {
  private static final double[] SPECIAL = {0.0, -0.0, 1e-300, -1e-300, Double.MIN_VALUE, -Double.MIN_VALUE, 1e-10,
      -9.99e-10, 1e-9, 0.625, -0.625, Math.nextDown(0.625), -Math.nextDown(0.625), 0.34657359, -0.34657359, 1, -1,
      22, -22, 22.5, -700, -708, Math.nextDown(-708.0), 709, Math.nextUp(709.0), 709.78, 709.79, -745.1, -745.2,
      -746, 354, 355, 1e308, -1e308, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN};

  /** Random arguments (normal samples at two scales, uniform over the whole finite range of exp) and SPECIAL. */
  private static double[] arguments(int seed, int n) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] x = new double[n + SPECIAL.length];
    for (int i = 0; i < n; i++) {
      x[i] = i % 3 == 0 ? rnd.nextGaussian() * 3 : i % 3 == 1 ? (rnd.nextDouble() - 0.5) * 1.3
          : rnd.nextDouble(-750, 712);
    }
    System.arraycopy(SPECIAL, 0, x, n, SPECIAL.length);
    return x;
  }

  private static long ulps(double expected, double actual) {
    if (Double.isNaN(expected) || Double.isNaN(actual)) {
      return Double.isNaN(expected) && Double.isNaN(actual) ? 0 : Long.MAX_VALUE;
    }
    if (expected == actual) {
      return 0; // also 0.0 against -0.0, which is checked separately where it matters
    }
    return Math.abs(Double.doubleToLongBits(expected) - Double.doubleToLongBits(actual));
  }

  @Test
  void expIsWithinOneUlpOfMathExpAndTheArrayFormIsTheScalarForm() {
    for (int n : new int[] {0, 1, 1023, 1024, 1025, 300_000}) {
      double[] x = arguments(n + 11, n);
      double[] r = new double[x.length];
      VectorExp.exp(x, r);
      for (int i = 0; i < x.length; i++) {
        double scalar = VectorExp.exp(x[i]);
        assertEquals(Double.doubleToLongBits(scalar), Double.doubleToLongBits(r[i]), "exp(" + x[i] + ") array");
        assertTrue(ulps(Math.exp(x[i]), scalar) <= 1, "exp(" + x[i] + ") = " + scalar + ", Math.exp "
            + Math.exp(x[i]));
      }
    }
    assertEquals(1.0, VectorExp.exp(0.0));
    assertEquals(1.0, VectorExp.exp(-0.0));
    assertEquals(Double.POSITIVE_INFINITY, VectorExp.exp(709.79));
    assertEquals(0.0, VectorExp.exp(-746));
    assertEquals(Math.E, VectorExp.exp(1), Math.ulp(Math.E));
    assertTrue(Double.isNaN(VectorExp.exp(Double.NaN)));
  }

  @Test
  void shortArraysGoThroughTheScalarFunctions() {
    for (int n = 1; n <= 20; n++) { // both sides of the length below which the scalar functions run
      double[] x = new double[n];
      System.arraycopy(SPECIAL, SPECIAL.length - n, x, 0, n);
      double[] e = new double[n];
      double[] s = new double[n];
      double[] t = new double[n];
      VectorExp.exp(x, e);
      VectorExp.sigmoid(x, s);
      VectorExp.tanh(x, t);
      for (int i = 0; i < n; i++) {
        assertEquals(Double.doubleToLongBits(VectorExp.exp(x[i])), Double.doubleToLongBits(e[i]), "exp(" + x[i] + ")");
        assertEquals(Double.doubleToLongBits(VectorExp.sigmoid(x[i])), Double.doubleToLongBits(s[i]),
            "sigmoid(" + x[i] + ")");
        assertEquals(Double.doubleToLongBits(VectorExp.tanh(x[i])), Double.doubleToLongBits(t[i]), "tanh(" + x[i] + ")");
      }
    }
  }

  @Test
  void tanhIsWithinTwoUlpOfMathTanhAndTheArrayFormIsTheScalarForm() {
    double[] x = arguments(7, 300_000);
    double[] r = new double[x.length];
    VectorExp.tanh(x, r);
    for (int i = 0; i < x.length; i++) {
      double scalar = VectorExp.tanh(x[i]);
      assertEquals(Double.doubleToLongBits(scalar), Double.doubleToLongBits(r[i]), "tanh(" + x[i] + ") array");
      assertTrue(ulps(Math.tanh(x[i]), scalar) <= 2, "tanh(" + x[i] + ") = " + scalar + ", Math.tanh "
          + Math.tanh(x[i]));
      assertEquals(Math.copySign(1, Math.tanh(x[i])), Math.copySign(1, r[i]), "sign of tanh(" + x[i] + ")");
    }
    assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(VectorExp.tanh(-0.0)));
    assertEquals(-1.0, VectorExp.tanh(-700));
    assertEquals(1.0, VectorExp.tanh(Double.POSITIVE_INFINITY));
    assertTrue(Double.isNaN(VectorExp.tanh(Double.NaN)));
  }

  @Test
  void sigmoidIsTheTwoBranchFormWithinTwoUlpOfMathExpsAndTheArrayFormIsTheScalarForm() {
    double[] x = arguments(8, 300_000);
    for (int i = 0; i < x.length; i++) {
      x[i] *= i % 10 == 0 ? 100 : 1;
    }
    double[] r = new double[x.length];
    VectorExp.sigmoid(x, r);
    for (int i = 0; i < x.length; i++) {
      double v = x[i];
      double scalar = VectorExp.sigmoid(v);
      assertEquals(Double.doubleToLongBits(scalar), Double.doubleToLongBits(r[i]), "sigmoid(" + v + ") array");
      double twoBranch = v >= 0 ? 1 / (1 + VectorExp.exp(-v)) : VectorExp.exp(v) / (1 + VectorExp.exp(v));
      assertEquals(Double.doubleToLongBits(twoBranch), Double.doubleToLongBits(scalar), "sigmoid(" + v + ")");
      double math = v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
      assertTrue(ulps(math, scalar) <= 2, "sigmoid(" + v + ") = " + scalar + ", with Math.exp " + math);
    }
    assertEquals(0.5, VectorExp.sigmoid(-0.0));
    assertEquals(0.5, VectorExp.sigmoid(0.0));
    assertEquals(0.0, VectorExp.sigmoid(Double.NEGATIVE_INFINITY));
    assertEquals(1.0, VectorExp.sigmoid(Double.POSITIVE_INFINITY));
    assertTrue(Double.isNaN(VectorExp.sigmoid(Double.NaN)));
  }
}
