package dev.adjoint.processor.modes;

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
 * Nested gradients: a {@code @Differentiable} method that calls another method's generated gradient
 * ({@code FGrad.fGradient(x, y).y()}) is differentiated through that method's Hessian-vector product, and
 * its gradient matches central differences of the original (which itself runs the generated gradient);
 * its {@code mJvp} is a tangent sweep whose nested gradients' tangents are that method's Hessian-vector
 * products along the arguments' tangents.
 */
class NestedGradientTest {
  static final String SOURCE = """
      package demo;
      import dev.adjoint.Differentiable;
      final class F {
        /** GradBench saddle's objective, smooth in x and y. */
        @Differentiable
        static double objective(double[] x, double[] y) {
          return x[0] * x[0] + x[1] * x[1] - y[0] * y[0] - y[1] * y[1] + Math.sin(x[0] * y[1]) + x[1] * y[0] * 0.5;
        }

        /** max over y by gradient ascent (a few steps), then the objective there: min over x of this. */
        @Differentiable
        static double saddle(double[] x) {
          double[] y = {0.1, -0.2};
          for (int k = 0; k < 4; k++) {
            double[] gy = FGrad.objectiveGradient(x, y).y();
            for (int j = 0; j < 2; j++) {
              y[j] = y[j] + 0.3 * gy[j];
            }
          }
          return objective(x, y);
        }

        @Differentiable
        static double potential(double px, double py, double w) {
          return w / Math.sqrt(px * px + py * py + 1) + 0.1 * px * py;
        }

        /** GradBench particle's shape: the force (a gradient) inside an explicit ODE step. */
        @Differentiable
        static double particle(double w, double vx0) {
          double px = 0, py = 8, vx = vx0, vy = 0;
          double dt = 0.1;
          for (int i = 0; i < 30; i++) {
            double ax = -FGrad.potentialGradient(px, py, w).px();
            double ay = -FGrad.potentialGradient(px, py, w).py();
            vx = vx + dt * ax;
            vy = vy + dt * ay;
            px = px + dt * vx;
            py = py + dt * vy;
          }
          return px * px + py;
        }

        @Differentiable
        static double onMatrix(double[][] m, double[] v) {
          double r = 0;
          for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[i].length; j++) {
              r += Math.sin(m[i][j]) * v[j] * m[i][j];
            }
          }
          return r;
        }

        /** Nested gradients of a method with a double[][] parameter, through its mHvp with a matrix direction. */
        @Differentiable
        static double matrixGradient(double[] x) {
          double[][] m = {{x[0], x[1]}, {x[1] * x[0], 0.5}};
          double[][] gm = FGrad.onMatrixGradient(m, x).m();
          double[] gv = FGrad.onMatrixGradient(m, x).v();
          return gm[0][1] * gm[1][0] + gv[0] * x[1];
        }

        /** A gradient component of a scalar parameter, mixed with ordinary code. */
        @Differentiable
        static double mixed(double a, double[] b) {
          double g = FGrad.potentialGradient(a, b[0], b[1]).w();
          double[] gx = FGrad.objectiveGradient(b, b).x();
          return g * a + gx[1] * gx[0];
        }
      }
      """;

  @Test
  void saddleParticleAndMixedMatchCentralDifferences() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", SOURCE);
    String generated = c.generatedSource("demo.FGrad");
    assertTrue(generated.contains("FGrad.objectiveHvp("), generated);
    GradCheck.of(c, "demo.F", "saddle").atRandomPoints(4, r -> new Object[] {vector(r, 2, -1, 1)});
    GradCheck.of(c, "demo.F", "particle").atRandomPoints(4, r -> new Object[] {uniform(r, 0.5, 2),
        uniform(r, -0.5, 0.5)});
    GradCheck.of(c, "demo.F", "mixed").atRandomPoints(4, r -> new Object[] {uniform(r, -1, 1),
        vector(r, 2, -1, 1)});
    GradCheck.of(c, "demo.F", "matrixGradient").atRandomPoints(4, r -> new Object[] {vector(r, 2, -1, 1)});
  }

  @Test
  void forwardModeIsATangentSweepThroughTheInnerMethodsHvp() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", SOURCE);
    // every mJvp is a tangent sweep: a nested gradient's tangent is the inner method's mHvp along the tangents
    ModeCheck.requireTangentSweep(c, "demo.F");
    String generated = c.generatedSource("demo.FGrad");
    for (String name : new String[] {"saddle", "particle", "mixed", "matrixGradient"}) {
      int start = generated.indexOf(" " + name + "Jvp(");
      String jvp = generated.substring(start, generated.indexOf("\n  }\n", start));
      assertTrue(jvp.contains("Hvp("), jvp);
      // no mHvp of its own: that would take third derivatives
      assertFalse(ModeCheck.of(c, "demo.F", name).has("Hvp"), name);
      assertTrue(generated.contains("No {@code " + name + "Hvp}"), name);
    }
    // mJvp against directional central differences and against mVjp; mJacobian too
    ModeCheck.of(c, "demo.F", "particle").atRandomPoints(3, r -> new Object[] {uniform(r, 0.5, 2),
        uniform(r, -0.5, 0.5)});
    ModeCheck.of(c, "demo.F", "saddle").atRandomPoints(3, r -> new Object[] {vector(r, 2, -1, 1)});
    ModeCheck.of(c, "demo.F", "mixed").atRandomPoints(3, r -> new Object[] {uniform(r, -1, 1),
        vector(r, 2, -1, 1)});
    ModeCheck.of(c, "demo.F", "matrixGradient").atRandomPoints(3, r -> new Object[] {vector(r, 2, -1, 1)});
  }

  @Test
  void aCheckpointedLoopWithANestedGradientIsStoreAllsBitForBit() throws Exception {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", SOURCE);
    for (double w : new double[] {0.7, 1.3}) {
      Object storeAll;
      Object checkpointed;
      try (AutoCloseable off = Checkpoints.budget(-1)) {
        storeAll = CompiledCompanion.components(c.callStatic("demo.FGrad", "particleGradient", w, 0.2)).toString();
      }
      try (AutoCloseable on = Checkpoints.budget(0)) {
        checkpointed = CompiledCompanion.components(c.callStatic("demo.FGrad", "particleGradient", w, 0.2))
            .toString();
      }
      assertTrue(storeAll.equals(checkpointed), storeAll + " vs " + checkpointed);
    }
    assertTrue(c.generatedSource("demo.FGrad").contains("Checkpoints.limit("));
  }
}
