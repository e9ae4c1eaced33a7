package dev.adjoint.processor.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.JavaFileObjects;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The checker itself can fail: it is not vacuous. */
class GradCheckSelfTest {
  private static final String F_SQUARE = """
      package demo;
      import dev.adjoint.Differentiable;
      final class F {
        @Differentiable
        static double f(double x) {
          return x * x;
        }
        @Differentiable
        static double[] v(double x, double y) {
          return new double[] {x * x, x * y};
        }
      }
      """;

  /** Same values as F_SQUARE at x = 1, different derivatives; compiled without the processor. */
  private static final String F_LINE = """
      package demo;
      final class F {
        static double f(double x) {
          return 3 * x - 2;
        }
        static double[] v(double x, double y) {
          return new double[] {3 * x - 2, x * y};
        }
      }
      """;

  /**
   * Processed: {@code w} takes its middle branch at x = 1 and its last at x = 0; {@code jump} jumps at 0
   * (its derivative, 1 away from 0, is right).
   */
  private static final String F_BRANCHES = """
      package demo;
      import dev.adjoint.Differentiable;
      final class F {
        @Differentiable
        static double w(double x) {
          if (x > 2) {
            return 3 * x - 2;
          }
          if (x > 0) {
            return x * x;
          }
          return x * x - 1;
        }
        @Differentiable
        static double jump(double x) {
          return x > 0 ? x + 1 : x;
        }
        @Differentiable
        static double tilted(double x) {
          return x * x;
        }
      }
      """;

  /**
   * Compiled without the processor: the same values as F_BRANCHES at x = 1 and x = 0, but {@code w} takes
   * the other branch at x = 1 (derivative 3, the companion's 2) and jumps at 0 (so central differences at 0
   * are unreliable); {@code tilted}'s derivative at 1 is 2.02, 1% off the companion's 2.
   */
  private static final String F_BRANCHES_ORIGINAL = """
      package demo;
      final class F {
        static double w(double x) {
          if (x > 0) {
            return 3 * x - 2;
          }
          return x * x - 1;
        }
        static double jump(double x) {
          return x > 0 ? x + 1 : x;
        }
        static double tilted(double x) {
          return x * x + 0.02 * (x - 1);
        }
      }
      """;

  @Test
  void closenessIsGradchecks() {
    assertTrue(GradCheck.close(1.0, 1.0 + 5e-6));
    assertTrue(GradCheck.close(1000.0, 1000.9));
    assertFalse(GradCheck.close(1.0, 1.01));
    assertFalse(GradCheck.close(0.0, 2e-5));
    assertThrows(AssertionFailedError.class, () -> GradCheck.compare(new double[] {1, 2}, new double[] {1, 2.1}, "v"));
    assertThrows(AssertionFailedError.class, () -> GradCheck.compare(new double[] {1, 2}, new double[] {1}, "v"));
    assertThrows(AssertionFailedError.class, () -> GradCheck.compare(1.0, new double[] {1}, "v"));
  }

  @Test
  void aCorrectCompanionPasses() {
    CompiledCompanion right = CompiledCompanion.compile("demo.F", F_SQUARE);
    GradCheck.of(right, "demo.F", "f").at(1.0);
    GradCheck.of(right, "demo.F", "v").at(1.0, 0.5);
  }

  @Test
  void expectationsComeFromTheOriginalMethodSoAMismatchedCompanionFails() {
    CompiledCompanion right = CompiledCompanion.compile("demo.F", F_SQUARE);
    CompiledCompanion other = CompiledCompanion.compile(
        List.of(JavaFileObjects.forSourceString("demo.F", F_LINE)), List.of(), false);
    assertFalse(other.classNames().contains("demo.FGrad"), "compiled without the processor");
    CompiledCompanion swapped = right.replacing("demo.F", other);
    AssertionFailedError scalar = assertThrows(AssertionFailedError.class,
        () -> GradCheck.of(swapped, "demo.F", "f").at(1.0));
    assertTrue(scalar.getMessage().contains("central differences"), scalar.getMessage());
    AssertionFailedError vector = assertThrows(AssertionFailedError.class,
        () -> GradCheck.of(swapped, "demo.F", "v").at(1.0, 0.5));
    assertTrue(vector.getMessage().contains("central differences"), vector.getMessage());
  }

  private static CompiledCompanion branchesSwapped() {
    CompiledCompanion processed = CompiledCompanion.compile("demo.F", F_BRANCHES);
    CompiledCompanion original = CompiledCompanion.compile(
        List.of(JavaFileObjects.forSourceString("demo.F", F_BRANCHES_ORIGINAL)), List.of(), false);
    return processed.replacing("demo.F", original);
  }

  private static Object[] redrawToOne(Random r) {
    return new Object[] {1.0};
  }

  @Test
  void aGradientOnePercentWrongFailsAndIsNeverRedrawn() {
    CompiledCompanion swapped = branchesSwapped();
    AssertionFailedError fixed = assertThrows(AssertionFailedError.class,
        () -> GradCheck.of(swapped, "demo.F", "tilted").at(1.0));
    assertTrue(fixed.getMessage().contains("(central differences) but the companion gave 2.0"), fixed.getMessage());
    // the three step sizes agree on 2.02, so the point is not redrawn: the error is reported
    GradCheck redrawing = GradCheck.of(swapped, "demo.F", "tilted");
    long before = FiniteDifferences.redraws();
    AssertionFailedError failed = assertThrows(AssertionFailedError.class,
        () -> redrawing.atRedrawing(new Object[] {1.0}, r -> new Object[] {GradCheck.uniform(r, 0.5, 1.5)}));
    assertTrue(failed.getMessage().contains("(central differences) but the companion gave 2.0"), failed.getMessage());
    assertEquals(before, FiniteDifferences.redraws());
    assertEquals(0, redrawing.redraws());
  }

  @Test
  void aCompanionOnTheWrongBranchFails() {
    CompiledCompanion swapped = branchesSwapped();
    AssertionFailedError fixed = assertThrows(AssertionFailedError.class,
        () -> GradCheck.of(swapped, "demo.F", "w").at(1.0));
    assertTrue(fixed.getMessage().contains("but the companion gave 2.0"), fixed.getMessage());
    AssertionFailedError redrawing = assertThrows(AssertionFailedError.class,
        () -> GradCheck.of(swapped, "demo.F", "w").atRedrawing(new Object[] {1.0}, GradCheckSelfTest::redrawToOne));
    assertTrue(redrawing.getMessage().contains("but the companion gave 2.0"), redrawing.getMessage());
  }

  @Test
  void aPointAtAJumpIsUnreliableAFixedOneFailsARedrawnOnePasses() {
    CompiledCompanion right = CompiledCompanion.compile("demo.F", F_BRANCHES);
    // at 0 the differences span the jump: about 1/(2h) at every step h, so they disagree with each other
    AssertionFailedError fixed = assertThrows(AssertionFailedError.class,
        () -> GradCheck.of(right, "demo.F", "jump").at(0.0));
    assertTrue(fixed.getMessage().contains("unreliable at this point"), fixed.getMessage());
    assertTrue(fixed.getMessage().contains("disagree with each other"), fixed.getMessage());
    GradCheck redrawn = GradCheck.of(right, "demo.F", "jump").atRedrawing(new Object[] {0.0},
        r -> new Object[] {GradCheck.uniform(r, 0.5, 1.5)});
    assertEquals(1, redrawn.redraws());
  }

  @Test
  void aRedrawDoesNotHideAWrongGradientAtTheNextPoint() {
    // w's central differences at 0 span the original's jump (unreliable); at the redrawn point, 1, the
    // companion's 2 is wrong (the original's derivative is 3) and that must fail the check
    CompiledCompanion swapped = branchesSwapped();
    GradCheck check = GradCheck.of(swapped, "demo.F", "w");
    long before = FiniteDifferences.redraws();
    AssertionFailedError failed = assertThrows(AssertionFailedError.class,
        () -> check.atRedrawing(new Object[] {0.0}, GradCheckSelfTest::redrawToOne));
    assertTrue(failed.getMessage().contains("w at [1.0]") && failed.getMessage().contains("expected 2.99999"),
        failed.getMessage());
    assertEquals(before + 1, FiniteDifferences.redraws());
  }

  @Test
  void aProgramWhoseEveryPointIsUnreliableFails() {
    CompiledCompanion right = CompiledCompanion.compile("demo.F", F_BRANCHES);
    AssertionFailedError failed = assertThrows(AssertionFailedError.class,
        () -> GradCheck.of(right, "demo.F", "jump").atRedrawing(new Object[] {0.0}, r -> new Object[] {0.0}));
    assertTrue(failed.getMessage().contains("unreliable at all " + FiniteDifferences.MAX_POINTS + " points"),
        failed.getMessage());
  }

  @Test
  void threeStepsThatAgreeAreReliableOtherwiseNot() {
    assertTrue(FiniteDifferences.reliable(2.0, 2.0005, 1.9998));
    assertFalse(FiniteDifferences.reliable(-499998.5, -249998.5, 1000001.5));
    assertFalse(FiniteDifferences.reliable(-2530686.8, -2649551.6, -2495708.3)); // program 9319's, 0.5% apart
    assertFalse(FiniteDifferences.reliable(Double.NaN, Double.NaN, Double.NaN));
    // a smooth function with a wrong derivative is a failure, not an unreliable estimate
    assertThrows(AssertionFailedError.class, () -> FiniteDifferences.check(h -> {
      double x = 0.3;
      return (Math.sin(x + h) - Math.sin(x - h)) / (2 * h);
    }, Math.cos(0.3) * 1.01, "sin'"));
    FiniteDifferences.check(h -> (Math.sin(0.3 + h) - Math.sin(0.3 - h)) / (2 * h), Math.cos(0.3), "sin'");
    // a unit step at the point: (1 - 0) / (2h) doubles when h halves
    assertThrows(FiniteDifferences.Unreliable.class, () -> FiniteDifferences.check(h -> 1 / (2 * h), 0.0, "step"));
  }

  @Test
  void noGradParametersAreReadFromTheClassFileAndHeldFixedInEveryMode() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", """
        package demo;
        import dev.adjoint.Differentiable;
        import dev.adjoint.NoGrad;
        final class F {
          @Differentiable
          static double f(@NoGrad double a, double p, @Deprecated @NoGrad double[] c, int n, double q) {
            double r = (a + p) * p * q + c[0] * n;
            a -= Math.tanh(p * q);
            return r + a * p;
          }
        }
        """);
    assertEquals(java.util.Set.of(0, 2), c.noGradParameters(CompiledCompanion.method(c.load("demo.F"), "f")));
    // gradient components p and q only; mJvp, mHvp take tangents for p and q only (checked in GradCheck)
    assertTrue(ModeCheck.of(c, "demo.F", "f").has("Hvp"));
    GradCheck.of(c, "demo.F", "f").atRandomPoints(3, r -> new Object[] {GradCheck.uniform(r, -1, 1),
        GradCheck.uniform(r, -1, 1), GradCheck.vector(r, 2, -1, 1), 2, GradCheck.uniform(r, -1, 1)});
  }
}
