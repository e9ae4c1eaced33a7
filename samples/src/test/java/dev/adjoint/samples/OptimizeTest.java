package dev.adjoint.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The Rosenbrock sample reaches the minimum at all ones with gradients from {@code OptimizeGrad}. */
class OptimizeTest {
  @Test
  void adamReachesTheMinimumOfTheTenDimensionalRosenbrockFunction() {
    double[] start = Optimize.classicStart(10);
    double[] startCopy = start.clone();
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    Optimize.Result result = Optimize.minimize(start, Optimize.sampleSettings(),
        new PrintStream(progress, true, StandardCharsets.UTF_8), 1_000);

    assertTrue(result.loss() < 1e-10, "final loss " + result.loss());
    for (int i = 0; i < 10; i++) {
      assertEquals(1.0, result.x()[i], 1e-4, "coordinate " + i);
    }
    assertArrayEquals(startCopy, start, "the start point is not modified");
    // step 1 and every 1000th step: 11 progress lines.
    assertEquals(11, progress.toString(StandardCharsets.UTF_8).lines().count());
  }

  @Test
  void rosenbrockIsZeroWithZeroGradientAtAllOnes() {
    double[] ones = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    assertEquals(0.0, OptimizeGrad.rosenbrock(ones));
    assertArrayEquals(new double[10], OptimizeGrad.rosenbrockGradient(ones).x());
  }
}
