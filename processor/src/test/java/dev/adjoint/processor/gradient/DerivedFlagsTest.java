package dev.adjoint.processor.gradient;

import static dev.adjoint.processor.gradient.ConstructGradientTest.wrap;
import static dev.adjoint.processor.testing.GradCheck.uniform;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import dev.adjoint.runtime.Checkpoints;
import org.junit.jupiter.api.Test;

/**
 * The early-return flag read as the condition that set it ({@code differentiate.DerivedFlags}): a recursive call
 * whose base case returns under a condition on its never-reassigned parameters keeps no flag in its end state.
 * Where the base case's condition cannot be evaluated again (it reads an array element, a length or a reassigned
 * parameter), the flag is read as the branch's own record. Near misses keep the flag: a return inside a loop, under
 * a nested branch; two returns set the flag twice. Every program checked against central differences.
 */
class DerivedFlagsTest {
  private static String between(String text, String from, String to) {
    int start = text.indexOf(from);
    return text.substring(start, text.indexOf(to, start));
  }

  private static String augment(CompiledCompanion c, String method) {
    return between(c.generatedSource("demo.FGrad"), "static double " + method + "$augment(",
        "static double " + method + "$skip(");
  }

  @Test
  void aBaseCaseOnParametersKeepsNoFlag() throws Exception {
    String source = wrap(ReplayedConditionsTest.MINOR + """

        @Differentiable static double horner(double[] c, double x, int i) {
          if (i == c.length - 1) {
            return c[i];
          }
          double rest = horner(c, x, i + 1);
          return c[i] + x * rest;
        }
        """);
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    for (String m : new String[] {"minor", "horner"}) {
      String augment = augment(c, m);
      assertFalse(augment.contains("push(_returned"), augment);
      assertTrue(augment.contains("_returned = true"), augment);
    }
    // minor's base case is evaluated again; horner's reads c.length, so its side is recorded once and the flag
    // is read as that record
    String generated = c.generatedSource("demo.FGrad");
    assertTrue(between(generated, "DetOfMinorGradient minor$sweep(".replace("DetOfMinor", "Minor"), "return ")
        .contains("if (!(row == n - 1))"), generated);
    assertTrue(between(generated, "HornerGradient horner$sweep(", "return ").contains("if (!_branch$1)"),
        generated);
    GradCheck.of(c, "demo.F", "minor").atRandomPoints(3, r -> new Object[] {vector(r, 16, -1, 1), 4, 0, 0});
    GradCheck.of(c, "demo.F", "minor").atRandomPoints(3, r -> new Object[] {vector(r, 16, -1, 1), 4, 3, 7});
    for (long budget : new long[] {0, 300}) {
      try (AutoCloseable b = Checkpoints.budget(budget)) {
        GradCheck.of(c, "demo.F", "minor").atRandomPoints(2, r -> new Object[] {vector(r, 16, -1, 1), 4, 1, 4});
      }
    }
    GradCheck.of(c, "demo.F", "horner").atRandomPoints(4,
        r -> new Object[] {vector(r, 7, -1, 1), uniform(r, -1, 1), r.nextInt(7)});
  }

  @Test
  void nearMissesKeepTheFlag() throws Exception {
    String source = wrap("""
        // a return inside a loop
        @Differentiable static double inLoop(double x, int n) {
          for (int i = 0; i < 3; i++) {
            if (n == i) {
              return x * x;
            }
          }
          return n > 0 ? x * inLoop(x * 0.5, n - 1) : Math.sin(x);
        }

        // a return under a nested branch
        @Differentiable static double nested(double x, int n) {
          if (n > 0) {
            if (n % 2 == 0) {
              return x * nested(x * 0.5, n - 1);
            }
          }
          return n > 0 ? Math.sin(x) * nested(x * 0.75, n - 1) : x;
        }

        // a condition reading an array element: the branch's record stands for the flag
        @Differentiable static double element(double[] a, int[] stop, int i) {
          if (stop[i] != 0) {
            return a[i];
          }
          return a[i] * element(a, stop, i + 1);
        }

        // a condition on a reassigned parameter: the branch's record stands for the flag
        @Differentiable static double reassigned(double x, int n) {
          n = n - 1;
          if (n < 0) {
            return x;
          }
          return Math.cos(x) * reassigned(x * 0.9, n);
        }

        // a constant base case on an array element: its reverse still resets the result's adjoint, so the side is
        // recorded and stands for the flag
        @Differentiable static double constant(double[] a, int[] stop, int i) {
          if (stop[i] != 0) {
            return 1.0;
          }
          return a[i] * constant(a, stop, i + 1);
        }

        // two returns: the flag is set twice, not derived (the second guard is a recorded branch, as before)
        @Differentiable static double twice(double x, int n) {
          if (n == 0) {
            return x;
          }
          if (n == 1) {
            return x * x;
          }
          return Math.sin(x) * twice(x * 1.1, n - 2);
        }
        """);
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    for (String m : new String[] {"inLoop", "nested"}) {
      String augment = augment(c, m);
      assertTrue(augment.contains("push(_returned"), m + ": " + augment);
    }
    // a base case on an array element is not evaluated again, but its side is recorded once: the flag is read as
    // that record
    for (String m : new String[] {"element", "reassigned", "constant"}) {
      String augment = augment(c, m);
      assertFalse(augment.contains("push(_returned"), m + ": " + augment);
      assertTrue(augment.contains("push(_branch$1"), m + ": " + augment);
    }
    GradCheck.of(c, "demo.F", "inLoop").atRandomPoints(6, r -> new Object[] {uniform(r, -1, 1), r.nextInt(6)});
    GradCheck.of(c, "demo.F", "nested").atRandomPoints(6, r -> new Object[] {uniform(r, -1, 1), r.nextInt(6)});
    GradCheck.of(c, "demo.F", "element").atRandomPoints(4,
        r -> new Object[] {vector(r, 5, -1, 1), new int[] {0, 0, r.nextInt(2), 0, 1}, r.nextInt(3)});
    GradCheck.of(c, "demo.F", "reassigned").atRandomPoints(6, r -> new Object[] {uniform(r, -1, 1), r.nextInt(6)});
    GradCheck.of(c, "demo.F", "constant").atRandomPoints(4,
        r -> new Object[] {vector(r, 5, -1, 1), new int[] {0, 0, r.nextInt(2), 0, 1}, r.nextInt(3)});
    GradCheck.of(c, "demo.F", "twice").atRandomPoints(6, r -> new Object[] {uniform(r, -1, 1), r.nextInt(7)});
  }
}
