package dev.adjoint.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The generated code and the tensor kernels compute {@code Math.pow(x, 2)} as {@code x * x} and its
 * derivatives {@code 2 x} and {@code 3 x x}: sound only if these are the same doubles, to the bit, as
 * {@code Math.pow} on this JDK. Checked over special values (NaN, infinities, signed zeros, subnormals,
 * the overflow edge) and random bit patterns, and with {@code x * x * x} as a control that must differ
 * somewhere (which is why exponent 3 is left to {@code Math.pow} in forward values).
 */
class PowLiteralsTest {
  private static double[] values() {
    double[] special = {Double.NaN, 0.0, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
        Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, -Double.MIN_NORMAL, Double.MAX_VALUE,
        -Double.MAX_VALUE, 1.3407807929942596e154, -1.3407807929942597e154, 1e-160, 1.0, -1.0, 0.5, 3.0,
        Math.nextUp(1.0), Math.nextDown(1.0), 1.4916681462400413e-154, Double.longBitsToDouble(0x7ff8dead00000001L)};
    Random random = new Random(20261130);
    double[] all = new double[special.length + 600_000];
    System.arraycopy(special, 0, all, 0, special.length);
    for (int i = special.length; i < all.length; i += 3) {
      all[i] = Double.longBitsToDouble(random.nextLong());
      all[i + 1] = random.nextGaussian() * 100;
      all[i + 2] = random.nextDouble();
    }
    return all;
  }

  private static void assertSame(double expected, double actual, double x) {
    // NaN payloads aside (Java does not promise them), the same double: +0.0 and -0.0 differ here.
    if (!(Double.isNaN(expected) && Double.isNaN(actual))) {
      assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(actual), "at x = " + x);
    }
  }

  @Test
  void squareIsMathPowTwoToTheBit() {
    for (double x : values()) {
      assertSame(Math.pow(x, 2.0), x * x, x);
      assertSame(2.0 * Math.pow(x, 1.0), 2.0 * x, x);
      assertSame(3.0 * Math.pow(x, 2.0), 3.0 * (x * x), x);
    }
  }

  @Test
  void cubeAsProductsIsNotMathPowThree() {
    long differ = java.util.Arrays.stream(values())
        .filter(x -> Double.doubleToLongBits(Math.pow(x, 3.0)) != Double.doubleToLongBits(x * x * x)).count();
    assertEquals(true, differ > 0, "x * x * x differs from Math.pow(x, 3) somewhere");
  }

  @Test
  void tensorPowTwoAndItsAdjointMatchMathPow() {
    double[] xs = values();
    Tensor x = Tensor.fromArray(xs, xs.length);
    double[] ones = new double[xs.length];
    java.util.Arrays.fill(ones, 1.0);
    Tensor g = Tensor.fromArray(ones, xs.length);
    double[] squared = x.pow(2.0).toArray();
    double[] two = TensorAdjoints.pow(g, x, 2.0).toArray();
    double[] three = TensorAdjoints.pow(g, x, 3.0).toArray();
    for (int i = 0; i < xs.length; i++) {
      assertSame(Math.pow(xs[i], 2.0), squared[i], xs[i]);
      assertSame(2.0 * Math.pow(xs[i], 1.0), two[i], xs[i]);
      assertSame(3.0 * Math.pow(xs[i], 2.0), three[i], xs[i]);
    }
  }
}
