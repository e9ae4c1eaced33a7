package dev.adjoint.processor.gradient;

import static dev.adjoint.processor.gradient.ConstructGradientTest.wrap;
import static dev.adjoint.processor.testing.GradCheck.uniform;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import dev.adjoint.runtime.Checkpoints;
import org.junit.jupiter.api.Test;

/**
 * A counted loop's record kept in an array indexed by its counter ({@code differentiate.IndexedRecording}, the
 * runtime's {@code IndexedRecords}) instead of on the tape: softmax's {@code exp} values, loops counting down,
 * starting from a parameter, with an offset or an inclusive bound, several values per iteration. Each shape is
 * gradient-checked against central differences, also under a budget so small that the loop is checkpointed
 * instead; loops whose trip count is not known before they run, or whose iterations record a varying number of
 * values, keep the tape.
 */
class IndexedRecordingTest {
  private static final String INDEXED = "IndexedRecords.allocate(";

  private static String vjp(String generated, String name) {
    int start = generated.indexOf("Gradient " + name + "Vjp(");
    return generated.substring(start, generated.indexOf("\n  }\n", start));
  }

  private static void checkWithBudgets(GradCheck check, Object... args) throws Exception {
    check.at(args);
    for (long budget : new long[] {0, 64}) {
      try (AutoCloseable tiny = Checkpoints.budget(budget)) {
        check.at(args);
      }
    }
  }

  @Test
  void softmaxCrossEntropyKeepsItsExpValuesInAnArray() throws Exception {
    String source = wrap("""
        @Differentiable static double f(double[] logits, int target) {
          double m = logits[0];
          for (int i = 1; i < logits.length; i++) {
            m = Math.max(m, logits[i]);
          }
          double s = 0;
          for (int i = 0; i < logits.length; i++) {
            s += Math.exp(logits[i] - m);
          }
          return Math.log(s) + m - logits[target];
        }

        @Differentiable static double twice(double[] logits, int target) {
          double r = 0;
          for (int k = 0; k < 2; k++) {
            r = r * 0.5 + f(logits, (target + k) % logits.length);
          }
          return r;
        }
        """);
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    String generated = c.generatedSource("demo.FGrad");
    String vjp = vjp(generated, "f");
    assertTrue(vjp.contains("_saved$"), generated);
    assertTrue(generated.contains(INDEXED + "(long) logits.length - (long) i, 1)"), generated);
    assertTrue(generated.contains("] = _k$"), generated);
    GradCheck check = GradCheck.of(c, "demo.F", "f");
    // records of IndexedRecords.MIN_LENGTH values and more go into the array, shorter ones stay on the tape
    check.atRandomPoints(3, r -> new Object[] {vector(r, 40, -2, 2), r.nextInt(40)});
    check.atRandomPoints(2, r -> new Object[] {vector(r, 6, -2, 2), r.nextInt(6)});
    checkWithBudgets(check, vector(new java.util.Random(3), 36, -2, 2), 2);
    check.at(new double[] {0.4}, 0);
    // through the split-mode call boundary: the array travels on the caller's tapes
    GradCheck twice = GradCheck.of(c, "demo.F", "twice");
    twice.atRandomPoints(3, r -> new Object[] {vector(r, 40, -2, 2), r.nextInt(40)});
    checkWithBudgets(twice, vector(new java.util.Random(4), 36, -2, 2), 4);
  }

  @Test
  void countingDownFromParametersWithOffsetsInclusiveBoundsAndSeveralValues() throws Exception {
    String source = wrap("""
        @Differentiable static double f(double[] x, int k, double c) {
          double s = c;
          for (int i = k; i + 1 < x.length; i++) {
            double e = Math.exp(x[i + 1] * s);
            s = s * 0.5 + e * Math.sin(x[i] * s);
          }
          for (int i = x.length - 1; i >= k; i--) {
            s = Math.cos(s * x[i]) + s * c;
          }
          int n = x.length - 2;
          for (int j = 1; j <= n; j++) {
            s = s * Math.tanh(x[j] + s);
          }
          for (int j = n; j > 0; j = j - 1) {
            s += Math.log(1 + x[j] * x[j] * s * s);
          }
          return s;
        }

        @Differentiable static double euler(double k, double c, int steps) {
          double x = 1;
          double v = 0;
          double loss = 0;
          for (int t = 0; t < steps; t++) {
            double a = -k * x - c * v;
            x = x + 0.01 * v;
            v = v + 0.01 * a;
            loss += x * x;
          }
          return loss * 0.01;
        }
        """);
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    String generated = c.generatedSource("demo.FGrad");
    String vjp = vjp(generated, "f");
    assertEquals(4, vjp.split(INDEXED.replace("(", "\\("), -1).length - 1, generated);
    GradCheck check = GradCheck.of(c, "demo.F", "f");
    // k at the start, in the middle, at the end (empty loops) and past it (a negative trip count)
    for (int k : new int[] {0, 2, 4, 5, 7}) {
      check.atRandomPoints(2, r -> new Object[] {vector(r, 5, -0.8, 0.8), k, uniform(r, -0.5, 0.5)});
    }
    for (int k : new int[] {0, 3}) {
      check.atRandomPoints(2, r -> new Object[] {vector(r, 40, -0.8, 0.8), k, uniform(r, -0.5, 0.5)});
    }
    checkWithBudgets(check, vector(new java.util.Random(5), 40, -0.8, 0.8), 1, 0.25);
    check.at(new double[] {0.3}, 0, 0.5);
    // a reverse that never reads its counter: the array indexed by the iteration's number
    assertTrue(vjp(generated, "euler").contains(INDEXED + "(long) steps - (long) t, 2)"), generated);
    GradCheck euler = GradCheck.of(c, "demo.F", "euler");
    for (int steps : new int[] {0, 1, 7, 40}) {
      euler.atRandomPoints(2, r -> new Object[] {uniform(r, 0.5, 2), uniform(r, 0, 0.5), steps});
    }
    checkWithBudgets(euler, 1.5, 0.2, 30);
  }

  @Test
  void varyingRecordsOrBoundsKeepTheTape() throws Exception {
    String source = wrap("""
        @Differentiable static double branch(double[] x) {
          double s = 1;
          for (int i = 0; i < x.length; i++) {
            if (x[i] > 0) {
              s = s * Math.exp(x[i] * s);
            } else {
              s = s + x[i];
            }
          }
          return s;
        }

        @Differentiable static double movingBound(double[] x, int n) {
          double s = 1;
          for (int i = 0; i < n; i++) {
            s = Math.sin(s * x[i % x.length]);
            n = n - (s > 2 ? 1 : 0);
          }
          return s;
        }

        @Differentiable static double inner(double[] x) {
          double s = 1;
          for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < i; j++) {
              s = Math.sin(s * x[j]);
            }
          }
          return s;
        }

        @Differentiable static double stopped(double[] x) {
          double s = 1;
          for (int i = 0; i < x.length; i++) {
            if (s > 5) {
              break;
            }
            s = s * Math.exp(x[i] * s);
          }
          return s;
        }
        """);
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    String generated = c.generatedSource("demo.FGrad");
    for (String name : new String[] {"branch", "movingBound", "inner", "stopped"}) {
      assertFalse(vjp(generated, name).contains(INDEXED), generated);
    }
    GradCheck.of(c, "demo.F", "branch").atRandomPoints(4, r -> new Object[] {vector(r, 5, -1, 1)});
    GradCheck.of(c, "demo.F", "movingBound").atRandomPoints(4, r -> new Object[] {vector(r, 3, -1, 1), 5});
    GradCheck.of(c, "demo.F", "inner").atRandomPoints(4, r -> new Object[] {vector(r, 4, -1, 1)});
    GradCheck.of(c, "demo.F", "stopped").atRandomPoints(4, r -> new Object[] {vector(r, 5, -0.5, 1)});
  }
}
