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
 * Counted reverse loops ({@code differentiate.ReverseLoops}): a loop whose counter moves by one in its last
 * statement from a start that cannot change is replayed over its counter ({@code while (i > start) { i = i - 1;
 * ... }}), with no trip count recorded. Each shape is gradient-checked against central differences, including
 * empty loops, starts that are parameters and lengths, loops counting down, a counter reused after the loop, and
 * loops that must keep their trip count (a break).
 */
class CountedReverseLoopTest {
  private static final String OVER_COUNTER = "iterations in reverse order over its counter";

  private static int count(String text, String part) {
    int n = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
      n++;
    }
    return n;
  }

  @Test
  void startsFromParametersLengthsAndCountsDown() {
    String source = wrap("""
        @Differentiable static double f(double[] x, int k, double c) {
          double s = 0;
          for (int i = k; i < x.length; i++) {
            s += x[i] * x[i] * c;
          }
          for (int i = x.length - 1; i >= 1; i--) {
            s = Math.sin(s) + x[i] * x[i - 1];
          }
          for (int i = 0; i < x.length; i += 1) {
            for (int j = i; j < x.length; j = j + 1) {
              s += x[i] * Math.cos(x[j] * s);
            }
          }
          return s;
        }
        """);
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    String generated = c.generatedSource("demo.FGrad");
    // The inner loop in fVjp and in the tape's reverse (and the Hessian-vector product's) runs over its counter.
    // Loops outside all others that record something are planned for checkpointing first (Checkpointing: the
    // budget is decided at run time), which replays them over their recorded trip count.
    assertTrue(count(generated, OVER_COUNTER) >= 2, generated);
    GradCheck check = GradCheck.of(c, "demo.F", "f");
    // k = 0, in the middle, at the end (an empty first loop) and past the end (start above the bound).
    for (int k : new int[] {0, 2, 5, 7}) {
      check.atRandomPoints(2, r -> new Object[] {vector(r, 5, -1, 1), k, uniform(r, -1, 1)});
    }
    check.at(new double[] {0.3}, 0, 1.5);
  }

  @Test
  void counterReusedAfterTheLoopAndWhileLoops() {
    String source = wrap("""
        @Differentiable static double f(double[] x) {
          double s = 0;
          int i = 0;
          while (i < x.length) {
            s += x[i] * s + x[i];
            i++;
          }
          s *= x[i - 1];
          i = 1;
          while (i < x.length) {
            if (x[i] > 0) {
              i++;
              continue;
            }
            s += Math.exp(x[i] * s);
            i++;
          }
          s += x[i - 2];
          return s;
        }
        """);
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    // Both while loops are outside all others and record, so checkpointing's plan replays them (trip count).
    GradCheck.of(c, "demo.F", "f").atRandomPoints(8, r -> new Object[] {vector(r, 4, -1, 1)});
  }

  @Test
  void breakOrAnUnstableStartKeepsTheTripCount() {
    String source = wrap("""
        @Differentiable static double f(double[] x, int k) {
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            if (s > 2) {
              break;
            }
            s += x[i] * x[i];
          }
          int m = k;
          m = m + 1;
          for (int i = m; i < x.length; i++) {
            s += x[i] * s;
          }
          for (int i = 0; i < x.length; i++) {
            s += x[i] * Math.sin(s);
            i = i + 0;
          }
          return s;
        }
        """);
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    String generated = c.generatedSource("demo.FGrad");
    assertFalse(generated.contains(OVER_COUNTER), generated);
    GradCheck check = GradCheck.of(c, "demo.F", "f");
    for (int k : new int[] {0, 2, 6}) {
      check.atRandomPoints(3, r -> new Object[] {vector(r, 5, -1.5, 1.5), k});
    }
  }
}
