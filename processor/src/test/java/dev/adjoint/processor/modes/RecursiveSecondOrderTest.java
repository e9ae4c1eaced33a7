package dev.adjoint.processor.modes;

import static dev.adjoint.processor.testing.GradCheck.uniform;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import dev.adjoint.processor.testing.ModeCheck;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Second order through recursion: a {@code @Differentiable} method or plain helper that calls itself, and its
 * callers, have {@code mHvp} (and {@code mHessian} for one {@code double[]} parameter) through the recursive
 * method's tangent member {@code m$tan}, which the reverse mode differentiates with a tape per call, so a
 * recursion {@code n} deep costs O(n) (no gradient rerun per level). {@link ModeCheck} checks mJvp against directional
 * central differences and mHvp/mHessian against central differences of mGradient.
 */
class RecursiveSecondOrderTest {
  static final String SOURCE = """
      package demo;
      import dev.adjoint.Differentiable;
      import dev.adjoint.NoGrad;
      final class R {
        @Differentiable
        static double pw(double x, int n) { return n == 0 ? 1 : x * pw(x, n - 1); }

        @Differentiable
        static double callPw(double x, double y) { return pw(x * y, 3) + Math.sin(y) * pw(y, 2); }

        /** A recursion over an array, with a loop and a branch at each level. */
        @Differentiable
        static double series(double[] x, double s, int i) {
          if (i == x.length) {
            return Math.cos(s);
          }
          double t = 0;
          for (int j = 0; j <= i; j++) {
            t += x[j] * s;
          }
          return Math.sin(t) + x[i] * series(x, s * 0.5 + x[i], i + 1);
        }

        @Differentiable
        static double callSeries(double[] x) { return series(x, x[0], 0) * x[1]; }

        /** Several recursive calls per level (a tree recursion), a @NoGrad parameter passed down. */
        @Differentiable
        static double tree(double a, double b, @NoGrad double c, int depth) {
          if (depth == 0) {
            return a * b + c;
          }
          return tree(a * 0.9, Math.tanh(b + a), c, depth - 1) - tree(b, a * c, c, depth - 1) * 0.5;
        }

        @Differentiable
        static double callTree(double a, double b) { return tree(a, b, 0.3, 3) * a; }

        @Differentiable
        static double nestedRecursive(double x, double y) { return RGrad.callPwGradient(x, y).y() * x + y; }

        /** A recursive plain helper (differentiated for its callers), over an array. */
        static double horner(double[] c, double x, int i) {
          return i == c.length ? 0 : c[i] + x * Math.cos(horner(c, x, i + 1) * 0.5);
        }

        @Differentiable
        static double callHorner(double[] c, double x) { return horner(c, x * x, 0) + horner(c, 0.5, 1) * x; }

        @Differentiable
        static double deep(double x, int n) { return n == 0 ? x : Math.sin(deep(x, n - 1)) + 0.001 * x; }
      }
      """;

  private static final Map<String, Function<Random, Object[]>> CALLERS = Map.of(
      "pw", r -> new Object[] {uniform(r, -1.2, 1.2), 4},
      "callPw", r -> new Object[] {uniform(r, -1, 1), uniform(r, -1, 1)},
      "series", r -> new Object[] {vector(r, 3, -1, 1), uniform(r, -1, 1), 0},
      "callSeries", r -> new Object[] {vector(r, 3, -1, 1)},
      "callTree", r -> new Object[] {uniform(r, -1, 1), uniform(r, -1, 1)},
      "nestedRecursive", r -> new Object[] {uniform(r, -1, 1), uniform(r, -1, 1)},
      "callHorner", r -> new Object[] {vector(r, 4, -1, 1), uniform(r, -1, 1)},
      "deep", r -> new Object[] {uniform(r, -1, 1), 30});

  @Test
  void recursiveMethodsAndTheirCallersHaveHvpsMatchingDifferences() {
    CompiledCompanion c = CompiledCompanion.compile("demo.R", SOURCE);
    ModeCheck.requireTangentSweep(c, "demo.R");
    for (Map.Entry<String, Function<Random, Object[]>> e : CALLERS.entrySet()) {
      String name = e.getKey();
      ModeCheck check = ModeCheck.of(c, "demo.R", name);
      // a nested gradient has no mHvp of its own (third derivatives); every other method has one
      assertEquals(!name.equals("nestedRecursive"), check.has("Hvp"), name + " mHvp");
      check.atRandomPoints(3, e.getValue());
      GradCheck.of(c, "demo.R", name).atRandomPoints(2, e.getValue());
    }
    assertTrue(ModeCheck.of(c, "demo.R", "callSeries").has("Hessian"));
  }

  @Test
  void aRecursiveHvpKeepsOneTapePerLevelAndRerunsNoGradient() {
    CompiledCompanion c = CompiledCompanion.compile("demo.R", SOURCE);
    String generated = c.generatedSource("demo.RGrad");
    // the Javadoc links name methods of R that exist (m$tan's extra directions are no signature of R)
    java.util.Set<String> signatures = new java.util.HashSet<>();
    for (java.lang.reflect.Method m : c.load("demo.R").getDeclaredMethods()) {
      signatures.add(m.getName() + "(" + java.util.Arrays.stream(m.getParameterTypes()).map(Class::getSimpleName)
          .collect(java.util.stream.Collectors.joining(", ")) + ")");
    }
    java.util.regex.Matcher link = java.util.regex.Pattern.compile("\\{@link demo\\.R#([^}]*)}").matcher(generated);
    int links = 0;
    while (link.find()) {
      assertTrue(signatures.contains(link.group(1)), link.group(1) + " in " + signatures);
      links++;
    }
    assertTrue(links > 0);
    assertTrue(generated.contains("{@code deep$tan} (the value and tangent of {@code demo.R.deep})"));
    int start = generated.indexOf("{", generated.indexOf(" deepHvp("));
    String hvp = generated.substring(start, generated.indexOf("\n  }\n", start));
    // the recursive call is recorded once (its tape kept) and reversed once: no gradient, no mHvp per level
    assertTrue(hvp.contains("deep$tan$augment("), hvp);
    assertFalse(hvp.contains("deepGradient(") || hvp.contains("deepHvp("), hvp);
    start = generated.indexOf("class Deep$tanTape");
    String tape = generated.substring(start, generated.indexOf("\n  }\n", start));
    assertFalse(tape.contains("deepGradient(") || tape.contains("deepHvp("), tape);
    // 400 levels deep: a Hessian-vector product equal to differences of gradients
    double x = 0.4;
    Object hvpRecord = c.callStatic("demo.RGrad", "deepHvp", x, 400, 1.0);
    double actual = (double) CompiledCompanion.components(hvpRecord).get("x");
    double h = 1e-5;
    double expected = ((double) CompiledCompanion.components(c.callStatic("demo.RGrad", "deepGradient", x + h, 400))
        .get("x") - (double) CompiledCompanion.components(c.callStatic("demo.RGrad", "deepGradient", x - h, 400))
        .get("x")) / (2 * h);
    assertEquals(expected, actual, 1e-6 * Math.max(1, Math.abs(expected)));
  }

  /**
   * A call of a method with a {@code @DerivativeOf} derivative: its mJvp is a tangent sweep ({@code gd(args, 1.0)}
   * times the arguments' tangents, exact since the derivative is linear in its upstream), and no mHvp (the
   * second derivatives of a user's first derivative are unknown), which the companion says.
   */
  @Test
  void callsOfCustomDerivativesHaveForwardModeAndNoHvp() {
    CompiledCompanion c = CompiledCompanion.compile("demo.C", """
        package demo;
        import dev.adjoint.DerivativeOf;
        import dev.adjoint.Differentiable;
        final class C {
          @Differentiable
          static double cube(double x, double y) { return x * x * x * y; }

          @DerivativeOf("cube")
          static double[] cubeDerivative(double x, double y, double upstream) {
            return new double[] {upstream * 3 * x * x * y, upstream * x * x * x};
          }

          @Differentiable
          static double call(double[] x, double s) {
            double r = 0;
            for (int i = 0; i < x.length; i++) {
              r += cube(x[i] * s, Math.sin(x[i]));
            }
            return r * s;
          }
        }
        """);
    ModeCheck.requireTangentSweep(c, "demo.C");
    String generated = c.generatedSource("demo.CGrad");
    for (String name : new String[] {"cube", "call"}) {
      ModeCheck check = ModeCheck.of(c, "demo.C", name);
      assertFalse(check.has("Hvp"), name);
      assertTrue(generated.contains("No {@code " + name + "Hvp}"), name + ": no reason given");
    }
    ModeCheck.of(c, "demo.C", "cube").atRandomPoints(3, r -> new Object[] {uniform(r, -1, 1), uniform(r, -1, 1)});
    ModeCheck.of(c, "demo.C", "call").atRandomPoints(3, r -> new Object[] {vector(r, 3, -1, 1), uniform(r, -1, 1)});
  }
}
