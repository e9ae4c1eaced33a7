package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link Gradcheck} for generated companions' array gradients: accepts right ones, names the wrong entry. */
class ArrayGradcheckTest {
  private static double rosenbrock(double[] x) {
    double s = 0;
    for (int i = 0; i + 1 < x.length; i++) {
      s += 100 * Math.pow(x[i + 1] - x[i] * x[i], 2) + Math.pow(1 - x[i], 2);
    }
    return s;
  }

  /** Derived by hand. */
  private static double[] rosenbrockGradient(double[] x) {
    double[] g = new double[x.length];
    for (int i = 0; i + 1 < x.length; i++) {
      double a = x[i + 1] - x[i] * x[i];
      g[i] += -400 * a * x[i] - 2 * (1 - x[i]);
      g[i + 1] += 200 * a;
    }
    return g;
  }

  @Test
  void acceptsACorrectGradient() {
    assertTrue(Gradcheck.gradcheck(ArrayGradcheckTest::rosenbrock, ArrayGradcheckTest::rosenbrockGradient,
        1.2, 0.8, -0.5));
  }

  @Test
  void namesTheFirstWrongEntry() {
    AssertionError e = assertThrows(AssertionError.class, () -> Gradcheck.gradcheck(ArrayGradcheckTest::rosenbrock,
        x -> {
          double[] g = rosenbrockGradient(x);
          g[1] *= 1.01;
          return g;
        }, 1.2, 0.8, -0.5));
    assertTrue(e.getMessage().startsWith("Jacobian mismatch at input entry [1]"), e.getMessage());
  }

  @Test
  void vectorFunctionThroughOneHotUpstreams() {
    // k = [m0^2 + 3 m1, m1^2 + 2 m0]: the seed's example 4, Jacobian [[2 m0, 3], [2, 2 m1]].
    assertTrue(Gradcheck.gradcheckVjp(m -> new double[] {m[0] * m[0] + 3 * m[1], m[1] * m[1] + 2 * m[0]},
        (m, u) -> new double[] {u[0] * 2 * m[0] + u[1] * 2, u[0] * 3 + u[1] * 2 * m[1]}, 2, 3));
    AssertionError wrong = assertThrows(AssertionError.class, () -> Gradcheck.gradcheckVjp(
        m -> new double[] {m[0] * m[0] + 3 * m[1], m[1] * m[1] + 2 * m[0]},
        (m, u) -> new double[] {u[0] * 2 * m[0] + u[1] * 2, u[0] * 3 + u[1] * m[1]}, 2, 3));
    assertTrue(wrong.getMessage().contains("input entry [1] with respect to output entry [1]"), wrong.getMessage());
  }

  @Test
  void detectsANonReproducibleReversePass() {
    double[] calls = {0};
    AssertionError e = assertThrows(AssertionError.class, () -> Gradcheck.gradcheck(x -> x[0] * x[0],
        x -> new double[] {2 * x[0] + 1e-3 * calls[0]++}, 1.5));
    assertTrue(e.getMessage().contains("not reentrant"), e.getMessage());
  }
}
