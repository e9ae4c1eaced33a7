package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code pow(3)} gives PyTorch's values: its CPU kernel computes {@code x * x * x}, which differs from a
 * correctly rounded {@code Math.pow(x, 3)} in the last bit for about a quarter of the inputs.
 */
class PowCubeTest {
  private static double[] inputs() {
    Random r = new Random(11);
    double[] x = new double[2000];
    for (int i = 0; i < x.length; i++) {
      x[i] = (r.nextDouble() - 0.5) * 6;
    }
    return x;
  }

  @Test
  void cubeIsTheProductBitForBit() {
    double[] x = inputs();
    double[] y = Tensor.of(x).pow(3).toArray();
    int differsFromMathPow = 0;
    for (int i = 0; i < x.length; i++) {
      assertEquals(Double.doubleToLongBits(x[i] * x[i] * x[i]), Double.doubleToLongBits(y[i]), "x = " + x[i]);
      if (Double.doubleToLongBits(Math.pow(x[i], 3)) != Double.doubleToLongBits(y[i])) {
        differsFromMathPow++;
      }
    }
    // the inputs do tell the product from Math.pow apart, so the check above is not vacuous
    assertTrue(differsFromMathPow > 100, "only " + differsFromMathPow + " inputs tell the two apart");
  }

  @Test
  void cubeMatchesPyTorchBitForBit() {
    Tensor x = Tensor.of(inputs());
    var out = TorchOracle.run("import torch\nx = " + TorchOracle.literal(x) + "\n"
        + "print(' '.join(repr(v) for v in x.pow(3).tolist()))\n");
    double[] expected = TorchOracle.numbers(out.get(0));
    double[] y = x.pow(3).toArray();
    for (int i = 0; i < y.length; i++) {
      assertEquals(Double.doubleToLongBits(expected[i]), Double.doubleToLongBits(y[i]), "element " + i);
    }
  }
}
