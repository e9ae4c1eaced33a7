package dev.adjoint.samples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Plain gradient descent through the generated mlpLoss node makes the loss fall. */
class SgdTrainingTest {
  @Test
  void lossFallsUnderPlainGradientDescent() {
    double[] losses = SgdTraining.train(200, 0.1, null);
    double first = losses[0];
    double last = losses[losses.length - 1];
    assertTrue(last < 0.3 * first, "loss " + first + " -> " + last);
    for (int i = 10; i < losses.length; i += 10) {
      assertTrue(losses[i] <= losses[i - 10] + 1e-9, "loss rose at epoch " + i + ": " + losses[i - 10] + " -> "
          + losses[i]);
    }
  }
}
