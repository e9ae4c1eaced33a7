package dev.adjoint.processor.gradient;

import static dev.adjoint.processor.gradient.ConstructGradientTest.wrap;
import static dev.adjoint.processor.testing.GradCheck.uniform;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import dev.adjoint.processor.testing.ModeCheck;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Derivatives read from held results ({@code differentiate.HeldValues}): the reverse of {@code v = f(x)} takes
 * {@code f}'s value from {@code v} before restoring it ({@code exp}, {@code tanh}, {@code sqrt}, {@code 1 / x},
 * the logistic {@code 1 / (1 + Math.exp(-x))} inline or as a tiny callee's {@code m$atResult}), and a partial a
 * variable already holds ({@code cos(x)} for {@code sin(x)} where {@code c = Math.cos(x)}) is read, not computed.
 * Every case is checked against central differences in every mode (gradient, mJvp, mJacobian, mHvp: the HVP
 * reverse-differentiates the tangent program, whose reverse reads held results too), and the generated reverse is
 * checked to take the path (a check passing by recomputation would test nothing new).
 */
class HeldResultsTest {
  private static final String SIG = """
      @Differentiable static double sig(double x) {
        return 1 / (1 + Math.exp(-x));
      }
      """;

  /** The adjoint statements of {@code method}'s reverse sweep (lines computing with adjoints or its temporaries). */
  private static String reverseOf(CompiledCompanion c, String method) {
    String generated = c.generatedSource("demo.FGrad");
    // (member takes a regular expression)
    String sweep = CompiledCompanion.member(generated, generated.contains(method + "$sweep(") ? method + "\\$sweep"
        : method + "Vjp");
    return sweep.lines().filter(l -> l.contains("_d_") || l.trim().matches("double _(v|g|r|ga)\\$.*"))
        .collect(java.util.stream.Collectors.joining("\n"));
  }

  private static void checkAllModes(CompiledCompanion c, int points, java.util.function.Function<java.util.Random,
      Object[]> at) {
    GradCheck.of(c, "demo.F", "f").atRandomPoints(points, at);
    ModeCheck.requireMembers(c, "demo.F", "f", null, false);
    ModeCheck.of(c, "demo.F", "f").atRandomPoints(points, at);
  }

  @Test
  void straightLineResultsAreReadFromTheirVariables() {
    String source = wrap("""
        @Differentiable static double f(double x, double y) {
          double e = Math.exp(x * y);
          double t = Math.tanh(e - y);
          double s = Math.sqrt(t * t + 1);
          double l = Math.log(s + x * x);
          double g = 1 / (1 + Math.exp(-l));
          double q = 1 / (s + y * y);
          return e + t * g + s * l + q * x;
        }
        """);
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    String reverse = reverseOf(c, "f");
    // e, t, s, g and q are read back: no exp, tanh, sqrt or division again for their partials
    assertFalse(reverse.contains("Math.tanh(") || reverse.contains("Math.sqrt(") || reverse.contains("Math.exp("),
        reverse);
    assertTrue(reverse.contains("* (1.0 - _r$"), reverse);
    checkAllModes(c, 6, r -> new Object[] {uniform(r, -1, 1), uniform(r, -1, 1)});
  }

  @Test
  void overwrittenVariablesInLoopsGiveEachIterationsResult() {
    // c reads itself, t is overwritten later in the same iteration, a comes from a tiny callee: each reverse
    // iteration must read the value that iteration computed
    String source = wrap(SIG + """
        @Differentiable static double f(double[] w, double x0) {
          double h = x0;
          double s = 0;
          double c = 0;
          for (int i = 0; i < w.length; i++) {
            double a = sig(h * w[i]);
            double t = Math.tanh(a + w[i]);
            c = Math.exp(-c * 0.5 + t);
            h = a * t + c * 0.1;
            t = Math.sqrt(t * t + c);
            s += t * h;
          }
          return s + c;
        }
        """);
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    String reverse = reverseOf(c, "f");
    assertTrue(reverse.contains("sig$atResult("), reverse);
    assertFalse(reverse.contains("sig$pullback(") || reverse.contains("Math.tanh(") || reverse.contains("Math.exp("),
        reverse);
    checkAllModes(c, 6, r -> new Object[] {vector(r, 5, -1.5, 1.5), uniform(r, -1, 1)});
  }

  @Test
  void partialsHeldByOtherVariablesAreRead() {
    // ba's rotation: cos and sin of theta are held, theta = sqrt(sq) and inv = 1 / theta are read back
    String source = wrap("""
        @Differentiable static double f(double[] r, double p) {
          double total = 0;
          for (int o = 0; o + 1 < r.length; o++) {
            double sq = r[o] * r[o] + r[o + 1] * r[o + 1];
            double rx;
            if (sq != 0) {
              double theta = Math.sqrt(sq);
              double co = Math.cos(theta);
              double si = Math.sin(theta);
              double inv = 1 / theta;
              rx = p * co + r[o] * inv * si + (1 - co) * r[o + 1];
            } else {
              rx = p;
            }
            total += rx * rx;
          }
          return total;
        }
        """);
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    String reverse = reverseOf(c, "f");
    // (the partial of cos, -sin(theta), is computed again: si is assigned after co, so on the state the reverse of
    // co's line restores it holds the previous iteration's value)
    assertFalse(reverse.contains("Math.cos(") || reverse.contains("Math.sqrt(") || reverse.contains("1.0 / theta"),
        reverse);
    assertEquals(1, reverse.split("Math\\.sin\\(", -1).length - 1, reverse);
    checkAllModes(c, 6, r -> new Object[] {vector(r, 5, -1, 1), uniform(r, -1, 1)});
  }

  @Test
  void heldValueForgottenWhereItsInputChanges() {
    // co holds cos(x) only until x changes: the partial of sin(x) after it must be computed again
    String source = wrap("""
        @Differentiable static double f(double x0, double y) {
          double x = x0;
          double co = Math.cos(x);
          x = x * y + 0.3;
          double si = Math.sin(x);
          double z = 0;
          if (y > 0) {
            z = Math.exp(x);
          } else {
            z = Math.exp(y);
          }
          double u = Math.exp(x) + z;
          return co * si + u;
        }
        """);
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    assertTrue(reverseOf(c, "f").contains("Math.cos(x)"), reverseOf(c, "f"));
    checkAllModes(c, 8, r -> new Object[] {uniform(r, -1, 1), uniform(r, -1, 1)});
  }

  @Test
  void costlyResultsInsideStatementsAreKeptOnTheTape() {
    // lstm's cell: tanh of an element inside a product, written over a row the next statement reads; the
    // running sum of exps (s = s + e) and a nested exp inside tanh
    String source = wrap("""
        @Differentiable static double f(double[][] s0, double[] o) {
          double[][] s = new double[2][o.length];
          for (int i = 0; i < o.length; i++) {
            s[0][i] = s0[0][i];
            s[1][i] = s0[1][i];
          }
          double acc = 0;
          for (int t = 0; t < 3; t++) {
            for (int i = 0; i < o.length; i++) {
              s[1][i] = Math.tanh(s[0][i] * 0.5 + Math.exp(-o[i] * s[1][i])) + s[1][i] * o[i];
              double g = o[i] * 0.5;
              s[0][i] = g * Math.tanh(s[1][i]);
              s[1][i] = Math.sin(s[0][i]) * o[i] + s[1][i];
              acc += Math.exp(s[0][i] - 0.5 * t);
            }
          }
          return acc;
        }
        """);
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    String reverse = reverseOf(c, "f");
    // (sin's own partial, cos, is another function: computed in the reverse; its value for o's partial is kept)
    assertFalse(reverse.contains("Math.tanh(") || reverse.contains("Math.exp(") || reverse.contains("Math.sin("),
        reverse);
    assertTrue(c.generatedSource("demo.FGrad").contains(".push(_k$"), c.generatedSource("demo.FGrad"));
    checkAllModes(c, 5, r -> new Object[] {new double[][] {vector(r, 4, -1, 1), vector(r, 4, -1, 1)},
        vector(r, 4, -1, 1)});
  }

  @Test
  void keptValuesThrowWhatTheStatementThrows() {
    // the kept tanh reads b[j] out of range: the gradient throws what the original throws
    String source = wrap("""
        @Differentiable static double f(double[] a0, double[] b, int[] idx) {
          double[] a = a0.clone();
          double s = 0;
          for (int i = 0; i < a.length; i++) {
            a[i] = Math.tanh(b[idx[i]]) * a[i];
            s += a[i];
          }
          return s;
        }
        """);
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    assertTrue(c.generatedSource("demo.FGrad").contains(".push(_k$"), c.generatedSource("demo.FGrad"));
    GradCheck.of(c, "demo.F", "f").atRandomPoints(3, r -> new Object[] {vector(r, 3, -1, 1), vector(r, 3, -1, 1),
        new int[] {2, 0, 1}});
    Object[] bad = {new double[] {1, 2, 3}, new double[] {1, 2, 3}, new int[] {0, 5, 1}};
    Throwable original = org.junit.jupiter.api.Assertions.assertThrows(Throwable.class,
        () -> c.callStatic("demo.F", "f", bad));
    Throwable generated = org.junit.jupiter.api.Assertions.assertThrows(Throwable.class,
        () -> c.callStatic("demo.FGrad", "fGradient", bad));
    assertEquals(root(original).getClass(), root(generated).getClass());
    assertEquals(root(original).getMessage(), root(generated).getMessage());
  }

  private static Throwable root(Throwable t) {
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  @Test
  void overflowingAndSingularResultsBehaveAsTheirDerivatives() {
    String source = wrap(SIG + """
        @Differentiable static double f(double x, int k) {
          double y = 0;
          if (k == 0) {
            y = sig(x);
          } else if (k == 1) {
            y = 1 / (1 + Math.exp(-x));
          } else if (k == 2) {
            y = Math.exp(x);
          } else if (k == 3) {
            y = Math.sqrt(x);
          } else {
            y = Math.tanh(x);
          }
          return y;
        }
        """);
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    // the logistic's derivative y (1 - y): 0 where exp(-x) overflows (the recomputed chain gave 0 · ∞ = NaN)
    assertEquals(0.0, x(c, -1000, 0));
    assertEquals(0.0, x(c, -1000, 1));
    assertEquals(0.0, x(c, 1000, 0));
    assertTrue(Double.isNaN(x(c, Double.NaN, 0)) && Double.isNaN(x(c, Double.NaN, 1)));
    assertEquals(Double.POSITIVE_INFINITY, x(c, 1000, 2));
    assertEquals(Double.POSITIVE_INFINITY, x(c, 0, 3));
    assertTrue(Double.isNaN(x(c, -1, 3)));
    assertEquals(0.0, x(c, 1000, 4));
  }

  private static double x(CompiledCompanion c, double x, int k) {
    Object gradient = c.callStatic("demo.FGrad", "fGradient", x, k);
    Map<String, Object> parts = CompiledCompanion.components(gradient);
    return (Double) parts.get("x");
  }
}
