package dev.adjoint.processor.gradient;

import static dev.adjoint.processor.gradient.ConstructGradientTest.wrap;
import static dev.adjoint.processor.testing.GradCheck.uniform;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import dev.adjoint.processor.testing.ModeCheck;
import dev.adjoint.runtime.Checkpoints;
import org.junit.jupiter.api.Test;

/**
 * Branch conditions evaluated again in the reverse sweep ({@code differentiate.ReplayedConditions}) instead of a
 * recorded flag: conditions over loop counters of counted loops and parameters or locals that are never
 * reassigned. Each program is checked against central differences (gradient; mJvp and mHvp where generated),
 * including near misses that must keep the recorded flag: a condition reading a variable the loop modifies, a
 * reassigned parameter, a variable the branch itself assigns, an array element.
 */
class ReplayedConditionsTest {
  private static final String AGAIN = "(branch evaluated again)";
  private static final String TAKEN = "(branch taken)";

  /** det's minor: the recursion over a bit set of removed columns (also {@link DerivedFlagsTest}). */
  static final String MINOR = """
        @Differentiable static double minor(double[] a, int n, int row, int removed) {
          if (row == n - 1) {
            int last = 0;
            while ((removed & (1 << last)) != 0) {
              last++;
            }
            return a[row * n + last];
          }
          double det = 0;
          double sign = 1;
          for (int j = 0; j < n; j++) {
            if ((removed & (1 << j)) == 0) {
              det += sign * a[row * n + j] * minor(a, n, row + 1, removed | (1 << j));
              sign = -sign;
            }
          }
          return det;
        }
        """;

  private static String between(String text, String from, String to) {
    int start = text.indexOf(from);
    return text.substring(start, text.indexOf(to, start));
  }

  /** det's recursion: a branch on parameters at the top, one on a parameter bit set and the counter in the loop. */
  @Test
  void recursionOverABitSetRecordsNoBranch() throws Exception {
    String source = wrap(MINOR + """

        @Differentiable static double f(double[] a) {
          return minor(a, 3, 0, 0) + Math.sin(minor(a, 3, 1, 2));
        }
        """);
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    String generated = c.generatedSource("demo.FGrad");
    String augment = between(generated, "static double minor$augment(", "static double minor$skip(");
    // no flag per iteration, no boolean per call: both conditions are evaluated again in the reverse sweep
    assertFalse(augment.contains("_ints.push(1)"), augment);
    assertFalse(augment.contains("_branch$"), augment);
    assertFalse(generated.contains(TAKEN), generated);
    assertTrue(generated.contains(AGAIN), generated);
    // the loop over j is checkpointed at run time; its reverse computes its trip count from j
    assertTrue(augment.contains("Checkpoints.past("), augment);
    assertTrue(generated.contains("int _reversed$1 = j - 0;"), generated);
    GradCheck.of(c, "demo.F", "f").atRandomPoints(6, r -> new Object[] {vector(r, 9, -1, 1)});
    // within the budget, and checkpointed in every call (budget 0) or after a few levels' recording
    for (long budget : new long[] {-1, 0, 300}) {
      try (AutoCloseable b = Checkpoints.budget(budget)) {
        GradCheck.of(c, "demo.F", "minor").atRandomPoints(2, r -> new Object[] {vector(r, 16, -1, 1), 4, 0, 0});
        GradCheck.of(c, "demo.F", "minor").atRandomPoints(2, r -> new Object[] {vector(r, 16, -1, 1), 4, 1, 4});
      }
    }
    ModeCheck hvp = ModeCheck.of(c, "demo.F", "f");
    assertTrue(hvp.has("Hvp"));
    hvp.atRandomPoints(4, r -> new Object[] {vector(r, 9, -1, 1)});
  }

  /**
   * Loops with branches on their counter, an outer loop's counter, a parameter and a local assigned once before
   * them; a branch outside loops on a parameter; a counting-down loop; the counters used after the loops.
   */
  @Test
  void branchesOnCountersAndParametersInLoops() {
    String source = wrap("""
        @Differentiable static double f(double[] x, int k, double y) {
          int half = x.length / 2;
          double s = y;
          for (int i = 0; i < x.length; i++) {
            if (i % 2 == k % 2) {
              s = Math.sin(s) * x[i];
            } else if (i < half) {
              s += x[i] * s;
            } else {
              s = s * y + x[i];
            }
            for (int j = i; j < x.length; j++) {
              if (j > i + k && (j & 1) == 0) {
                s += Math.cos(x[j] * s);
              }
            }
          }
          for (int i = x.length - 1; i >= 0; i--) {
            if (i != k) {
              s = s * x[i] + Math.exp(-s * s);
            }
          }
          if (k > 1) {
            s = s * s;
          } else {
            s = Math.tanh(s) * y;
          }
          return s;
        }
        """);
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    String generated = c.generatedSource("demo.FGrad");
    assertFalse(generated.contains(TAKEN), generated);
    GradCheck check = GradCheck.of(c, "demo.F", "f");
    ModeCheck modes = ModeCheck.of(c, "demo.F", "f");
    assertTrue(modes.has("Hvp"));
    for (int k : new int[] {0, 1, 2, 5}) {
      check.atRandomPoints(2, r -> new Object[] {vector(r, 5, -1, 1), k, uniform(r, -1, 1)});
      modes.atRandomPoints(1, r -> new Object[] {vector(r, 5, -1, 1), k, uniform(r, -1, 1)});
    }
    check.at(new double[0], 1, 0.4);
  }

  /** A loop whose sweeps are fused (each iteration's reverse right after it): its branch reads the counter. */
  @Test
  void fusedLoopBranchingOnItsCounter() {
    String source = wrap("""
        @Differentiable static double f(double[] x, int k) {
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            if (i % 3 == k) {
              s += x[i] * x[i] * x[(i + 1) % x.length];
            } else {
              s += Math.sin(x[i] * k);
            }
          }
          return s;
        }
        """);
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    String vjp = CompiledCompanion.member(c.generatedSource("demo.FGrad"), "fVjp");
    assertTrue(vjp.contains("each iteration's reverse right after it") && vjp.contains(AGAIN), vjp);
    GradCheck check = GradCheck.of(c, "demo.F", "f");
    for (int k : new int[] {0, 1, 2}) {
      check.atRandomPoints(3, r -> new Object[] {vector(r, 7, -1, 1), k});
    }
  }

  /**
   * Near misses that keep the recorded flag: the condition reads a variable the loop modifies after the branch,
   * a parameter the method reassigns, a variable the branch itself assigns, an array element, a counter of a
   * loop that is not counted (it moves by two).
   */
  @Test
  void conditionsOnChangingValuesKeepTheirFlag() {
    String source = wrap("""
        @Differentiable static double f(double[] x, int k, double y) {
          double s = y;
          int m = 0;
          k = k + 1;
          for (int i = 0; i < x.length; i++) {
            if (m < 2) {
              s = Math.sin(s) + x[i];
            }
            m = m + (i % 3 == 0 ? 1 : 0);
            if (i < k) {
              s = s * x[i];
            }
            if (m > 1) {
              m = m - 2;
              s = s + Math.cos(s * x[i]);
            }
            if (x[i] > 0) {
              s = s * y;
            }
          }
          for (int i = 0; i < x.length; i += 2) {
            if (i > 1) {
              s += Math.exp(-s * s) * x[i];
            }
          }
          return s;
        }
        """);
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    String generated = c.generatedSource("demo.FGrad");
    // every branch keeps its flag
    assertFalse(generated.contains(AGAIN), generated);
    assertTrue(count(generated, TAKEN) >= 5, generated);
    GradCheck check = GradCheck.of(c, "demo.F", "f");
    ModeCheck modes = ModeCheck.of(c, "demo.F", "f");
    for (int k : new int[] {-1, 0, 2, 6}) {
      check.atRandomPoints(3, r -> new Object[] {vector(r, 6, -1, 1), k, uniform(r, -1, 1)});
      modes.atRandomPoints(1, r -> new Object[] {vector(r, 6, -1, 1), k, uniform(r, -1, 1)});
    }
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
      n++;
    }
    return n;
  }
}
