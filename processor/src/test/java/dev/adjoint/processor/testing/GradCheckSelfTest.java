package dev.adjoint.processor.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.JavaFileObjects;
import java.util.List;
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
}
