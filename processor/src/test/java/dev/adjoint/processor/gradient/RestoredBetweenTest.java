package dev.adjoint.processor.gradient;

import static dev.adjoint.processor.gradient.ConstructGradientTest.wrap;
import static dev.adjoint.processor.testing.GradCheck.matrix;
import static dev.adjoint.processor.testing.GradCheck.uniform;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import org.junit.jupiter.api.Test;

/**
 * The to-be-recorded analysis does not store an assignment whose value a later read never sees because an
 * unconditional, restored assignment of the same variable lies on every way from the read back to it
 * ({@code dist = 0} before {@code dist += diff * diff} in the loop after it, read after that loop). Each shape is
 * gradient-checked against central differences, with the near misses that must still store: the resetting
 * assignment in a branch, after the accumulation, or a read inside the inner loop.
 */
class RestoredBetweenTest {
  @Test
  void accumulationResetEveryIterationIsNotStored() {
    String source = wrap("""
        @Differentiable static double f(double[][] p, double[][] c) {
          double cost = 0;
          for (int i = 0; i < p.length; i++) {
            double closest = Double.POSITIVE_INFINITY;
            for (int j = 0; j < c.length; j++) {
              double dist = 0;
              for (int l = 0; l < p[i].length; l++) {
                double diff = p[i][l] - c[j][l];
                dist += diff * diff;
              }
              closest = Math.min(closest, dist * c[j][0]);
            }
            cost += closest;
          }
          return cost;
        }
        """);
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    String generated = c.generatedSource("demo.FGrad").replaceAll("\\s+", " ");
    assertFalse(generated.contains("_doubles.push(dist); dist = dist + diff * diff;"), generated);
    assertTrue(generated.contains("_doubles.push(dist); dist = 0.0;"), generated);
    GradCheck.of(c, "demo.F", "f").atRandomPoints(5, r -> new Object[] {matrix(r, 3, 2, -1, 1), matrix(r, 3, 2, -1, 1)});
  }

  @Test
  void nearMissesStillStore() {
    // a: the reset is conditional; c: the reset lies between the loop and the read, so the read sees the reset's
    // value and the next iteration's loop is undone onto it. Accumulations (v = v + e) read nothing of v, so
    // only the reads after the loops decide; their stores must stay.
    String source = wrap("""
        @Differentiable static double f(double[] x, double y) {
          double s = 0;
          double a = y;
          double c = y;
          for (int i = 0; i < x.length; i++) {
            if (x[i] > 0) {
              a = 0.5 * y;
            }
            for (int l = 0; l < x.length; l++) {
              a = a + x[l] * x[i];
            }
            s += Math.sin(a);
            for (int l = 0; l < x.length; l++) {
              c = c + x[l] * y;
            }
            c = x[i] * y;
            s += Math.cos(c) * x[i];
          }
          return s + a * c;
        }
        """);
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    GradCheck.of(c, "demo.F", "f").atRandomPoints(8, r -> new Object[] {vector(r, 3, -1, 1), uniform(r, -1, 1)});
  }

  @Test
  void readBetweenTheResetAndTheLoop() {
    // llsq's shape, with s reading inner between the reset and the loop: that read sees the value the loop then
    // overwrites, so the loop's assignments must still be stored (they are not once that read is gone).
    String source = wrap("""
        @Differentiable static double f(double[] x, int n) {
          double s = 0;
          for (int i = 0; i < n; i++) {
            double t = -1 + i * 2.0 / (n - 1);
            double inner = Math.signum(t) + x[0] * t;
            s += inner * x[1];
            double mul = 1;
            for (int j = 0; j < x.length; j++) {
              inner -= x[j] * mul;
              mul *= t;
            }
            s += inner * inner;
          }
          return s / 2;
        }
        """);
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    String generated = c.generatedSource("demo.FGrad").replaceAll("\\s+", " ");
    assertTrue(generated.contains("_doubles.push(inner); inner = inner - x[j] * mul;"), generated);
    GradCheck.of(c, "demo.F", "f").atRandomPoints(6, r -> new Object[] {vector(r, 4, -1, 1), 5});
    CompiledCompanion without = CompiledCompanion.compile("demo.F", source.replace("s += inner * x[1];", ""));
    String lean = without.generatedSource("demo.FGrad").replaceAll("\\s+", " ");
    assertFalse(lean.contains("_doubles.push(inner); inner = inner - x[j] * mul;"), lean);
    GradCheck.of(without, "demo.F", "f").atRandomPoints(6, r -> new Object[] {vector(r, 4, -1, 1), 5});
  }
}
