package dev.adjoint.processor.gradient;

import static dev.adjoint.processor.gradient.ConstructGradientTest.wrap;
import static dev.adjoint.processor.testing.GradCheck.uniform;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import org.junit.jupiter.api.Test;

/**
 * A split-mode caller passes a callee's scalar arguments again to {@code m$reverse}, evaluated on its restored
 * state, so the callee's {@code m$augment} does not push the scalar parameters its forward sweep never assigns
 * (det's recursion passes its row and column set down without storing them per call). Gradient-checked against
 * central differences: arguments whose variables the caller overwrites after the call (they must be restored
 * for the reverse), an active double argument the callee's reverse reads, a nested call as an argument, and a
 * callee that assigns its scalar parameter (which stays on its end state).
 */
class ScalarArgumentsAgainTest {
  @Test
  void recursionPassesItsIndicesAgain() {
    String source = wrap("""
        @Differentiable static double g(double[] x, int k, double s) {
          if (k <= 0) {
            return x[0] * s;
          }
          return x[k] * s * g(x, k - 1, s * 0.5) + Math.sin(s * k);
        }

        @Differentiable static double h(double[] x, int n, double s) {
          n = n + 1;
          s = s * x[0];
          return x[n % x.length] * Math.cos(s) * n;
        }

        @Differentiable static double f(double[] x, double y) {
          double t = 0;
          int k = 2;
          double s = y;
          for (int i = 0; i < 3; i++) {
            t += g(x, k, s * y) * h(x, k + i, g(x, i, s));
            k = k - 1 + i * 2;
            s = Math.sin(s) + y * x[i];
          }
          return t;
        }
        """);
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    String generated = c.generatedSource("demo.FGrad").replaceAll("\\s+", " ");
    // g never assigns k or s: its end state keeps neither, its reverse takes them from the caller
    assertTrue(generated.contains("g$reverse(double upstream$, int arg$k, double arg$s,"), generated);
    String augmentG = generated.substring(generated.indexOf("static double g$augment("),
        generated.indexOf("static double g$skip("));
    assertFalse(augmentG.contains("tapes$ints.push(k);"), augmentG);
    assertFalse(augmentG.contains("tapes$doubles.push(s);"), augmentG);
    // h assigns both: they stay on its end state
    String augmentH = generated.substring(generated.indexOf("static double h$augment("),
        generated.indexOf("static double h$skip("));
    assertTrue(augmentH.contains("tapes$ints.push(n);"), augmentH);
    GradCheck.of(c, "demo.F", "f").atRandomPoints(8, r -> new Object[] {vector(r, 5, -1, 1), uniform(r, -1, 1)});
    GradCheck.of(c, "demo.F", "g").atRandomPoints(5, r -> new Object[] {vector(r, 5, -1, 1), 3, uniform(r, -1, 1)});
  }
}
