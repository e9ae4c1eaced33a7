package dev.adjoint.processor.gradient;

import static dev.adjoint.processor.gradient.ConstructGradientTest.wrap;
import static dev.adjoint.processor.testing.GradCheck.uniform;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

/**
 * {@code differentiate.RunningExtrema}: a top-level loop {@code a = Math.max(a, x[i])} (or {@code min}) records
 * only the iteration that last took over, and its reverse runs that iteration alone; a tie, a NaN or an infinite
 * adjoint replays the loop and reverses it iteration by iteration. Gradient-checked against central differences
 * (also through the split-mode call boundary, called in another method's loop); ties, NaN and infinite upstreams
 * against gradients worked out by hand from the store-all rule ({@code Partials.maxFirst}: 1, 0.5 at a tie, 0);
 * near misses keep the store-all loop and are checked too.
 */
class RunningExtremaTest {
  private static final String MARK = "(a running m";

  private static final String SOURCE = """
      @Differentiable static double lse(double[] x) {
        double a = x[0];
        for (int i = 1; i < x.length; i++) {
          a = Math.max(a, x[i]);
        }
        double s = 0;
        for (int i = 0; i < x.length; i++) {
          s += Math.exp(x[i] - a);
        }
        return Math.log(s) + a;
      }
      @Differentiable static double runMax(double[] x) {
        double a = x[0];
        for (int i = 1; i < x.length; i++) {
          a = Math.max(a, x[i]);
        }
        return a;
      }
      @Differentiable static double runMinDown(double[] x, double c) {
        double a = c * c;
        for (int i = x.length - 1; i >= 0; i--) {
          a = Math.min(a, x[i]);
        }
        return a * c + Math.sin(a);
      }
      @Differentiable static double columnMax(double[][] m, int col, double y) {
        double a = y;
        int n = m.length;
        for (int r = 0; r < n; r++) {
          a = Math.max(a, m[r][col]);
        }
        return a * a;
      }
      @Differentiable static double sumOfMaxes(double[] x, int k) {
        double s = 0;
        double[] t = new double[k];
        for (int j = 0; j + k <= x.length; j++) {
          for (int q = 0; q < k; q++) {
            t[q] = Math.sin(x[j + q]) * x[j];
          }
          s += runMax(t) * x[j];
        }
        return s;
      }
      // near misses: an expression (its adjoint is multiplied by primal values), the extremum second, another
      // statement in the body, an array written in the method, a loop inside another
      @Differentiable static double scaledMax(double[] x) {
        double a = x[0];
        for (int i = 1; i < x.length; i++) {
          a = Math.max(a, 2 * x[i]);
        }
        return a;
      }
      @Differentiable static double swappedMax(double[] x) {
        double a = x[0];
        for (int i = 1; i < x.length; i++) {
          a = Math.max(x[i], a);
        }
        return a;
      }
      @Differentiable static double maxAndSum(double[] x) {
        double a = x[0];
        double s = 0;
        for (int i = 1; i < x.length; i++) {
          a = Math.max(a, x[i]);
          s += x[i];
        }
        return a + s;
      }
      @Differentiable static double writtenMax(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
          y[i] = x[i] * x[i];
        }
        double a = y[0];
        for (int i = 1; i < y.length; i++) {
          a = Math.max(a, y[i]);
        }
        return a;
      }
      @Differentiable static double nestedMax(double[] x) {
        double s = 0;
        for (int j = 0; j < 2; j++) {
          double a = x[j];
          for (int i = 1; i < x.length; i++) {
            a = Math.max(a, x[i]);
          }
          s += a * x[j];
        }
        return s;
      }
      """;

  private static String member(String generated, String name) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("static \\S+ " + name + "\\(").matcher(generated);
    assertTrue(m.find(), name);
    int at = m.start();
    int end = generated.indexOf("/**", at);
    return generated.substring(at, end < 0 ? generated.length() : end);
  }

  private static double[] vjp(CompiledCompanion c, String name, double[] x, double upstream) throws Exception {
    for (Method m : c.load("demo.FGrad").getDeclaredMethods()) {
      if (m.getName().equals(name + "Vjp")) {
        m.setAccessible(true);
        Object g = m.invoke(null, x.clone(), upstream);
        var accessor = g.getClass().getRecordComponents()[0].getAccessor();
        accessor.setAccessible(true);
        return (double[]) accessor.invoke(g);
      }
    }
    throw new AssertionError(name);
  }

  /** Equal values, NaN where NaN is expected (the sign of a zero is not compared). */
  private static void assertSame(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      assertTrue(Double.isNaN(expected[i]) ? Double.isNaN(actual[i]) : expected[i] == actual[i],
          what + ": expected " + java.util.Arrays.toString(expected) + ", got " + java.util.Arrays.toString(actual));
    }
  }

  @Test
  void runningExtremaRecordOnlyTheIterationThatTookOverAndMatchCentralDifferences() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", wrap(SOURCE));
    String generated = c.generatedSource("demo.FGrad");
    for (String m : new String[] {"lseVjp", "runMaxVjp", "runMinDownVjp", "columnMaxVjp", "runMax\\$augment"}) {
      String code = member(generated, m);
      assertTrue(code.contains(MARK), code);
      // the forward loop pushes nothing: a is pushed only where a tie replays the loop
      assertFalse(code.contains("Checkpoints.past") || code.indexOf("_doubles.push(a)") != code.lastIndexOf(
          "_doubles.push(a)"), code);
    }
    for (String m : new String[] {"scaledMaxVjp", "swappedMaxVjp", "maxAndSumVjp", "writtenMaxVjp", "nestedMaxVjp"}) {
      assertFalse(member(generated, m).contains(MARK), member(generated, m));
    }
    GradCheck.of(c, "demo.F", "lse").atRandomPoints(4, r -> new Object[] {vector(r, 6, -2, 2)});
    GradCheck.of(c, "demo.F", "lse").at(new double[] {0.5});
    GradCheck.of(c, "demo.F", "runMax").atRandomPoints(4, r -> new Object[] {vector(r, 5, -2, 2)});
    // decreasing: no iteration takes over, the adjoint goes to x[0]
    GradCheck.of(c, "demo.F", "runMax").at(new double[] {3, 2, 1, 0});
    GradCheck.of(c, "demo.F", "runMinDown").atRandomPoints(4, r -> new Object[] {vector(r, 5, -2, 2),
        uniform(r, -1.5, 1.5)});
    // c² is the minimum: the adjoint goes to c
    GradCheck.of(c, "demo.F", "runMinDown").at(new double[] {3, 2, 4}, 1.2);
    GradCheck.of(c, "demo.F", "columnMax").atRandomPoints(4, r -> new Object[] {GradCheck.matrix(r, 4, 3, -2, 2),
        1, uniform(r, -2, 2)});
    GradCheck.of(c, "demo.F", "columnMax").at(new double[0][], 0, 0.7);
    GradCheck.of(c, "demo.F", "sumOfMaxes").atRandomPoints(4, r -> new Object[] {vector(r, 7, -2, 2), 3});
    for (String m : new String[] {"scaledMax", "swappedMax", "maxAndSum", "writtenMax", "nestedMax"}) {
      GradCheck.of(c, "demo.F", m).atRandomPoints(3, r -> new Object[] {vector(r, 5, -2, 2)});
    }
  }

  @Test
  void tiesNanAndInfiniteAdjointsGiveTheStoreAllGradient() throws Exception {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", wrap(SOURCE));
    // no tie: all to the last maximum; no take-over: all to x[0]
    assertSame(new double[] {0, 0, 1, 0}, vjp(c, "runMax", new double[] {1, 2, 3, -1}, 1.0), "maximum");
    assertSame(new double[] {2.5, 0, 0}, vjp(c, "runMax", new double[] {5, 1, 2}, 2.5), "first");
    // a tie splits the adjoint in halves down the chain
    assertSame(new double[] {0, 0.5, 0.5, 0}, vjp(c, "runMax", new double[] {1, 3, 3, 2}, 1.0), "tie");
    assertSame(new double[] {0.25, 0.25, 0.5}, vjp(c, "runMax", new double[] {3, 3, 3}, 1.0), "three-way tie");
    assertSame(new double[] {0, 1, 0, 0}, vjp(c, "runMax", new double[] {1, 4, 2, 2}, 1.0), "equal non-maxima");
    // a NaN: Math.max is NaN from there on and both partials are 0
    assertSame(new double[] {0, 0, 0}, vjp(c, "runMax", new double[] {1, Double.NaN, 2}, 1.0), "NaN");
    // an infinite upstream: the zero partials give NaN (∞ · 0), as in the store-all sweep
    assertSame(new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NaN},
        vjp(c, "runMax", new double[] {1, 3, 2}, Double.POSITIVE_INFINITY), "infinite upstream");
    assertSame(new double[] {Double.NaN, Double.NaN, Double.NaN},
        vjp(c, "runMax", new double[] {1, 3, 2}, Double.NaN), "NaN upstream");
    // lse: the shift's adjoint 1 - Σ softmax is rounding-sized; at a tie it is split between the maxima
    double[] tied = vjp(c, "lse", new double[] {0.5, 2, 2}, 1.0);
    double e = Math.exp(-1.5);
    double[] softmax = {e / (e + 2), 1 / (e + 2), 1 / (e + 2)};
    for (int i = 0; i < 3; i++) {
      assertEquals(softmax[i], tied[i], 1e-15, "lse at a tie");
    }
  }
}
