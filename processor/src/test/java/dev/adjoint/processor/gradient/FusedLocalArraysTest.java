package dev.adjoint.processor.gradient;

import static dev.adjoint.processor.testing.CompiledCompanion.member;

import static dev.adjoint.processor.gradient.ConstructGradientTest.wrap;
import static dev.adjoint.processor.testing.GradCheck.matrix;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import org.junit.jupiter.api.Test;

/**
 * {@code differentiate.LateArrayAdjoints}: a fused loop ({@code FusedLoops}) in a method with local arrays, whose
 * adjoints are made right after the array's one top-level assignment before the loop. Gradient-checked against
 * central differences (and {@code mVjp} against the tape's separate sweeps); near misses (an array assigned twice,
 * or in a branch, or after the loop; a matrix whose rows may change; a matrix passed to a call) keep the separate
 * sweeps and are checked too.
 */
class FusedLocalArraysTest {
  private static final String FUSED = "each iteration's reverse right after it";

  @Test
  void localArraysAssignedOnceBeforeTheLoopFuse() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", wrap("""
        @Differentiable static double weighted(double[] x) {
          double[] w = new double[x.length];
          for (int j = 0; j < x.length; j++) {
            w[j] = Math.sin(x[j]);
          }
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            s += w[i] * x[i];
          }
          return 2 * s;
        }
        @Differentiable static double rows(double[][] a) {
          double[][] q = new double[a.length][2];
          for (int j = 0; j < a.length; j++) {
            q[j][0] = a[j][0] * a[j][1];
            q[j][1] = Math.exp(a[j][1]);
          }
          double s = 0;
          for (int i = 0; i < a.length; i++) {
            s += q[i][0] * q[i][1] + a[i][0];
          }
          return s;
        }
        @Differentiable static double copied(double[] x) {
          double[] w = x.clone();
          double[] v = new double[x.length];
          for (int j = 0; j < x.length; j++) {
            w[j] = w[j] * w[j];
            v[j] = w[j] + x[j];
          }
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            s += v[i] * w[i];
          }
          return s;
        }
        """));
    String generated = c.generatedSource("demo.FGrad");
    for (String m : new String[] {"weighted", "copied"}) {
      assertTrue(member(generated, m + "Vjp").contains(FUSED), member(generated, m + "Vjp"));
      GradCheck.of(c, "demo.F", m).atRandomPoints(4, r -> new Object[] {vector(r, 1 + r.nextInt(5), -1, 1)});
      GradCheck.of(c, "demo.F", m).at(new double[0]);
    }
    assertTrue(member(generated, "rowsVjp").contains(FUSED), member(generated, "rowsVjp"));
    GradCheck.of(c, "demo.F", "rows").atRandomPoints(4, r -> new Object[] {matrix(r, 1 + r.nextInt(4), 2, -1, 1)});
  }

  @Test
  void arraysThatMayChangeKeepTheSeparateSweeps() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", wrap("""
        @Differentiable static double reassigned(double[] x) {
          double[] w = new double[x.length];
          for (int j = 0; j < x.length; j++) {
            w[j] = Math.sin(x[j]);
          }
          w = new double[x.length];
          for (int j = 0; j < x.length; j++) {
            w[j] = x[j] * x[j];
          }
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            s += w[i] * x[i];
          }
          return s;
        }
        @Differentiable static double branched(double[] x) {
          double[] w;
          if (x.length > 2) {
            w = new double[x.length];
          } else {
            w = new double[x.length + 1];
          }
          for (int j = 0; j < x.length; j++) {
            w[j] = Math.sin(x[j]);
          }
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            s += w[i] * x[i];
          }
          return s;
        }
        @Differentiable static double rowReplaced(double[][] a) {
          double[][] q = new double[a.length][1];
          for (int j = 0; j < a.length; j++) {
            q[j] = new double[] {a[j][0] * a[j][1], 1};
          }
          double s = 0;
          for (int i = 0; i < a.length; i++) {
            s += q[i][0] * q[i][1];
          }
          return s;
        }
        @Differentiable static double passed(double[][] a) {
          double[][] q = new double[a.length][2];
          for (int j = 0; j < a.length; j++) {
            q[j][0] = a[j][0] * a[j][1];
            q[j][1] = a[j][1];
          }
          double t = scale(q);
          double s = t;
          for (int i = 0; i < a.length; i++) {
            s += q[i][0] * q[i][1];
          }
          return s;
        }
        @Differentiable static double scale(double[][] q) {
          double t = 0;
          for (int j = 0; j < q.length; j++) {
            t += 3 * q[j][0];
          }
          return t;
        }
        @Differentiable static double assignedAfter(double[] x) {
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            s += x[i] * x[i];
          }
          double[] w = new double[1];
          w[0] = s * s;
          return w[0];
        }
        """));
    String generated = c.generatedSource("demo.FGrad");
    for (String m : new String[] {"reassigned", "branched", "assignedAfter"}) {
      assertFalse(member(generated, m + "Vjp").contains(FUSED), member(generated, m + "Vjp"));
      GradCheck.of(c, "demo.F", m).atRandomPoints(4, r -> new Object[] {vector(r, 1 + r.nextInt(5), -1, 1)});
    }
    for (String m : new String[] {"rowReplaced", "passed"}) {
      assertFalse(member(generated, m + "Vjp").contains(FUSED), member(generated, m + "Vjp"));
      GradCheck.of(c, "demo.F", m).atRandomPoints(4, r -> new Object[] {matrix(r, 1 + r.nextInt(4), 2, -1, 1)});
    }
  }
}
