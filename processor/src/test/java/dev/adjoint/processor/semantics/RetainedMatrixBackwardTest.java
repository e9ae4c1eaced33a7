package dev.adjoint.processor.semantics;

import static dev.adjoint.processor.testing.CompiledCompanion.call;
import static dev.adjoint.processor.testing.CompiledCompanion.components;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.adjoint.processor.testing.CompiledCompanion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A retained graph of a method whose double[][] result is built in the body (ragged rows assigned one by
 * one, or a rectangular matrix): its first reverse pass writes the saved rows back into the result, so the
 * second and third passes must check the upstream against the recorded value, not the emptied result.
 * Every gradient is compared with central differences of the plain method.
 */
class RetainedMatrixBackwardTest {
  static CompiledCompanion c;

  @BeforeAll
  static void compile() {
    c = CompiledCompanion.compile("demo.R", """
        package demo;
        import dev.adjoint.Differentiable;
        public final class R {
          @Differentiable
          public static double[][] tri(double[] x) {
            double[][] y = new double[x.length][];
            for (int i = 0; i < x.length; i++) {
              y[i] = new double[i + 1];
              for (int j = 0; j <= i; j++) {
                y[i][j] = Math.sin(x[i] * x[j]) + x[j];
              }
            }
            return y;
          }
          @Differentiable
          public static double[][] rect(double[] x) {
            double[][] y = new double[x.length][];
            for (int i = 0; i < x.length; i++) {
              y[i] = new double[2];
              y[i][0] = x[i] * x[i];
              y[i][1] = Math.exp(x[i] - x[0]);
            }
            return y;
          }
        }
        """);
  }

  /** Central differences of {@code sum(u ⊙ name(x))} with respect to x. */
  static double[] centralDifference(String name, double[] x, double[][] u) {
    double h = 1e-6;
    double[] g = new double[x.length];
    for (int k = 0; k < x.length; k++) {
      double[] plus = x.clone();
      double[] minus = x.clone();
      plus[k] += h;
      minus[k] -= h;
      g[k] = (dot(u, (double[][]) c.callStatic("demo.R", name, (Object) plus))
          - dot(u, (double[][]) c.callStatic("demo.R", name, (Object) minus))) / (2 * h);
    }
    return g;
  }

  static double dot(double[][] u, double[][] y) {
    double s = 0;
    for (int i = 0; i < y.length; i++) {
      for (int j = 0; j < y[i].length; j++) {
        s += u[i][j] * y[i][j];
      }
    }
    return s;
  }

  static void backwardThreeTimes(String name, double[] x, double[][]... upstreams) {
    Object tape = c.callStatic("demo.RGrad", name + "Forward", (Object) x.clone());
    double[][] recorded = (double[][]) call(tape, "value");
    assertArrayEquals((double[][]) c.callStatic("demo.R", name, (Object) x.clone()), recorded);
    for (int pass = 0; pass < upstreams.length; pass++) {
      double[][] u = upstreams[pass];
      double[] g = (double[]) components(call(tape, "backward", u, pass < upstreams.length - 1)).get("x");
      assertArrayEquals(centralDifference(name, x, u), g, 1e-6, name + " pass " + (pass + 1));
      // the value reported after a reverse pass is still the recorded one
      assertArrayEquals(recorded, (double[][]) call(tape, "value"), name + " value after pass " + (pass + 1));
    }
  }

  @Test
  void raggedResultRetainedThreeTimesWithDifferentUpstreams() {
    double[] x = {0.3, -0.7, 1.1};
    double[][] u1 = {{1}, {0.5, -2}, {0.25, 1.5, -1}};
    double[][] u2 = {{-1}, {2, 0}, {0, 0, 3}};
    backwardThreeTimes("tri", x, u1, u1, u2);
    backwardThreeTimes("tri", x, u2, u1, u1);
  }

  @Test
  void rectangularResultRetainedThreeTimesWithDifferentUpstreams() {
    double[] x = {0.4, 1.2, -0.5};
    double[][] u1 = {{1, 2}, {-1, 0.5}, {0, 3}};
    double[][] u2 = {{0, -1}, {2, 2}, {1, 0}};
    backwardThreeTimes("rect", x, u1, u2, u1);
  }

  @Test
  void retainedRepeatsGiveTheSameGradient() {
    Object tape = c.callStatic("demo.RGrad", "triForward", (Object) new double[] {0.3, -0.7, 1.1});
    double[][] u = {{1}, {0.5, -2}, {0.25, 1.5, -1}};
    double[] first = (double[]) components(call(tape, "backward", u, true)).get("x");
    double[] second = (double[]) components(call(tape, "backward", u, true)).get("x");
    double[] third = (double[]) components(call(tape, "backward", u, false)).get("x");
    assertArrayEquals(first, second, 0.0);
    assertArrayEquals(first, third, 0.0);
  }

  @Test
  void wrongUpstreamStillRefusedAfterARetainedPassWithARaggedShapeInTheMessage() {
    Object tape = c.callStatic("demo.RGrad", "triForward", (Object) new double[] {0.3, -0.7, 1.1});
    double[][] u = {{1}, {0.5, -2}, {0.25, 1.5, -1}};
    double[] before = (double[]) components(call(tape, "backward", u, true)).get("x");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> call(tape, "backward", new double[][] {{1}, {1, 1}, {1, 1}}, true));
    assertEquals("Mismatch in shape: upstream has shape [3, ragged: [1, 2, 2]] but the output has shape"
        + " [3, ragged: [1, 2, 3]]. The upstream gradient must have exactly the output's shape.", e.getMessage());
    IllegalArgumentException rows = assertThrows(IllegalArgumentException.class,
        () -> call(tape, "backward", new double[][] {{1, 1}, {1, 1}}, true));
    assertEquals("Mismatch in shape: upstream has shape [2, 2] but the output has shape"
        + " [3, ragged: [1, 2, 3]]. The upstream gradient must have exactly the output's shape.", rows.getMessage());
    // the refused upstreams left the graph usable
    assertArrayEquals(before, (double[]) components(call(tape, "backward", u, false)).get("x"), 0.0);

    Object rect = c.callStatic("demo.RGrad", "rectForward", (Object) new double[] {0.4, 1.2});
    call(rect, "backward", new double[][] {{1, 1}, {1, 1}}, true);
    IllegalArgumentException r = assertThrows(IllegalArgumentException.class,
        () -> call(rect, "backward", new double[][] {{1, 1, 1}, {1, 1, 1}}, true));
    assertEquals("Mismatch in shape: upstream has shape [2, 3] but the output has shape [2, 2]. The upstream"
        + " gradient must have exactly the output's shape.", r.getMessage());
  }
}
