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

  /**
   * Arguments whose reads the caller changes after the call in ways other than assigning a local: an element of
   * an int array and of a double array it writes later, a counter in an array it increments after the call, a
   * call on one side of a {@code ?:}, and calls in a
   * loop whose recording is checkpointed (the arguments replayed, not kept).
   */
  @Test
  void argumentsReadFromArraysHelpersConditionalsAndCheckpointedLoops() throws Exception {
    String source = wrap("""
        @Differentiable static double g(double[] x, int k, double s) {
          return x[k % x.length] * Math.sin(s) + s * s * k;
        }

        @Differentiable static double f(double[] x, double y) {
          int[] idx = {1, 2, 0};
          double[] w = {y, 2 * y, x[0]};
          int[] counter = {0};
          double t = 0;
          for (int i = 0; i < 6; i++) {
            int j = i % 3;
            t += g(x, idx[j], w[j]);
            idx[j] = (idx[j] + 2) % 4;
            w[j] = w[j] * x[1] + t;
            t += g(x, counter[0] % 3, t * 0.1);
            counter[0] = counter[0] + j + 1;
            t += y > 0.2 ? g(x, j, y * t) : g(x, 3 - j, w[(j + 1) % 3]);
          }
          return t;
        }
        """);
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    GradCheck.of(c, "demo.F", "f").atRandomPoints(6, r -> new Object[] {vector(r, 4, -1, 1), uniform(r, -1, 1)});
    for (long budget : new long[] {0, 40}) {
      try (AutoCloseable tiny = dev.adjoint.runtime.Checkpoints.budget(budget)) {
        GradCheck.of(c, "demo.F", "f").atRandomPoints(3, r -> new Object[] {vector(r, 4, -1, 1),
            uniform(r, -1, 1)});
      }
    }
  }
}
