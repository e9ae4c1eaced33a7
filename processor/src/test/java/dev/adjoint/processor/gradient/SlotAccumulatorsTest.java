package dev.adjoint.processor.gradient;

import static dev.adjoint.processor.gradient.ConstructGradientTest.wrap;
import static dev.adjoint.processor.testing.GradCheck.matrix;
import static dev.adjoint.processor.testing.GradCheck.uniform;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import org.junit.jupiter.api.Test;

/**
 * {@code differentiate.SlotAccumulators}: repeated additions to one adjoint element in a straight run of the
 * reverse sweep go into a local and are written once. Gradient-checked against central differences on
 * per-element sums, matrices, elements overwritten in place and local arrays.
 */
class SlotAccumulatorsTest {
  @Test
  void repeatedAdditionsToOneElementAreWrittenOnce() {
    String source = wrap("""
        @Differentiable static double rosenbrock(double[] x) {
          double s = 0;
          for (int i = 0; i + 1 < x.length; i++) {
            double a = x[i + 1] - x[i] * x[i];
            double b = 1 - x[i];
            s += 100 * a * a + b * b;
          }
          return s;
        }
        @Differentiable static double matrix(double[][] a, double[] x) {
          double s = 0;
          for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < x.length; j++) {
              s += Math.sin(a[i][j]) * a[i][j] + a[i][j] * x[j] * x[j];
            }
          }
          return s;
        }
        """);
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    String generated = c.generatedSource("demo.FGrad");
    assertTrue(generated.contains("double _acc$1 = ") && generated.contains("_d_x[i] += _acc$1 + "), generated);
    assertTrue(generated.contains("_d_a[i][j] += _acc$"), generated);
    GradCheck rosenbrock = GradCheck.of(c, "demo.F", "rosenbrock");
    for (int n : new int[] {0, 1, 2, 5}) {
      rosenbrock.atRandomPoints(2, r -> new Object[] {vector(r, n, -1.5, 1.5)});
    }
    GradCheck.of(c, "demo.F", "matrix").atRandomPoints(4, r -> new Object[] {matrix(r, 3, 4, -1, 1),
        vector(r, 4, -1, 1)});
  }

  @Test
  void elementsOverwrittenInPlaceAndLocalArrays() {
    String source = wrap("""
        @Differentiable static double f(double[] w, double c, int steps) {
          double[] h = new double[w.length];
          double[] k = new double[w.length];
          for (int t = 0; t < steps; t++) {
            for (int i = 0; i < w.length; i++) {
              k[i] = h[i] * h[i] + w[i] * c;
              h[i] = Math.tanh(k[i] * h[i] + k[i] * w[i]) + h[i] * k[i];
            }
            for (int i = 1; i < w.length; i++) {
              h[i] = h[i] + h[i - 1] * h[i] - k[i - 1] * k[i - 1];
            }
          }
          double s = 0;
          for (int i = 0; i < w.length; i++) {
            s += h[i] * h[i] * w[i] + h[i] * k[i];
          }
          return s;
        }
        """);
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    GradCheck check = GradCheck.of(c, "demo.F", "f");
    for (int steps : new int[] {0, 1, 3}) {
      check.atRandomPoints(3, r -> new Object[] {vector(r, 4, -0.8, 0.8), uniform(r, -1, 1), steps});
    }
  }
}
