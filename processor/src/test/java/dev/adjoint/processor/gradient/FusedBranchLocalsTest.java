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
 * {@code differentiate.IterationLocals} and {@code FusedRestores}: a fused loop's iteration-local variables may be
 * written on both branches of an {@code if}, or on one branch and read only there (bundle adjustment's Rodrigues
 * rotation with its zero-angle branch), and an iteration-local variable nothing reads after its restore is neither
 * saved nor restored. Near misses (a variable written on one branch and read after the {@code if}, read on a branch
 * before it is written, written in a nested loop and read after it, written twice in an iteration) keep the
 * separate sweeps or their saves. All against central differences, both branches taken.
 */
class FusedBranchLocalsTest {
  private static final String FUSED = "each iteration's reverse right after it";

  @Test
  void branchLocalsFuseAndPushNothing() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", wrap("""
        @Differentiable static double rotate(double[][] cams, double[][] x, int[] cam) {
          double total = 0;
          for (int o = 0; o < x.length; o++) {
            int ci = cam[o];
            double r0 = cams[ci][0];
            double r1 = cams[ci][1];
            double sq = r0 * r0 + r1 * r1;
            double rx;
            double ry;
            if (sq > 0.3) {
              double theta = Math.sqrt(sq);
              double cos = Math.cos(theta);
              double sin = Math.sin(theta);
              rx = x[o][0] * cos - x[o][1] * sin * r0 / theta;
              ry = x[o][1] * cos + x[o][0] * sin * r1 / theta;
            } else {
              // (ba's zero-angle branch; here away from zero so that both branches are smooth where taken)
              rx = x[o][0] - x[o][1] * r0;
              ry = x[o][1] + x[o][0] * r1;
            }
            double u = rx / (cams[ci][2] + 3);
            double e = u * cams[ci][3] + ry * ry - cams[ci][4];
            total += e * e;
          }
          return total;
        }
        """));
    String vjp = member(c.generatedSource("demo.FGrad"), "rotateVjp");
    assertTrue(vjp.contains(FUSED), vjp);
    // every value the iteration's reverse reads is still in its variable: only the branch taken is recorded
    assertFalse(vjp.contains("_doubles.push"), vjp);
    GradCheck.of(c, "demo.F", "rotate").atRandomPoints(6, r -> {
      // rotations of both sizes: both branches are taken
      double[][] cams = matrix(r, 1 + r.nextInt(3), 5, -1, 1);
      int n = 1 + r.nextInt(4);
      int[] cam = new int[n];
      for (int o = 0; o < n; o++) {
        cam[o] = r.nextInt(cams.length);
      }
      return new Object[] {cams, matrix(r, n, 2, -1, 1), cam};
    });
  }

  @Test
  void nearMissesKeepTheirSavesOrTheSeparateSweeps() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", wrap("""
        @Differentiable static double carriedByOneBranch(double[] x) {
          double s = 0;
          double last = 1;
          for (int i = 0; i < x.length; i++) {
            if (x[i] > 0) {
              last = x[i] * x[i];
            }
            s += last * x[i];
          }
          return s;
        }
        @Differentiable static double readBeforeWrittenOnABranch(double[] x) {
          double s = 0;
          double t = 0.5;
          for (int i = 0; i < x.length; i++) {
            if (x[i] > 0) {
              s += t * x[i];
              t = x[i];
            } else {
              t = 2 * x[i];
            }
          }
          return s;
        }
        @Differentiable static double writtenInANestedLoopReadAfter(double[] x) {
          double s = 0;
          double q = 0;
          for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < i; j++) {
              q = x[j] * x[i];
            }
            s += q * x[i];
          }
          return s;
        }
        @Differentiable static double writtenTwice(double[] x) {
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            double t = Math.sin(x[i]);
            if (x[i] > 0) {
              t = t * x[i];
            } else {
              t = Math.exp(t);
            }
            s += t * t;
          }
          return s;
        }
        @Differentiable static double writtenOnBothBranchesOnly(double[] x) {
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            double t;
            if (x[i] > 0) {
              t = x[i] * x[i];
            } else {
              t = Math.sin(x[i]);
            }
            s += t * x[i];
          }
          return s;
        }
        """));
    String generated = c.generatedSource("demo.FGrad");
    // a value crosses iterations: the separate sweeps
    assertFalse(member(generated, "carriedByOneBranchVjp").contains(FUSED), member(generated,
        "carriedByOneBranchVjp"));
    assertFalse(member(generated, "readBeforeWrittenOnABranchVjp").contains(FUSED), member(generated,
        "readBeforeWrittenOnABranchVjp"));
    assertFalse(member(generated, "writtenInANestedLoopReadAfterVjp").contains(FUSED), member(generated,
        "writtenInANestedLoopReadAfterVjp"));
    // fused: t written twice keeps its saves (its second write's reverse reads the first's value)
    String twice = member(generated, "writtenTwiceVjp");
    assertTrue(twice.contains(FUSED), twice);
    assertTrue(twice.contains("_doubles.push(t)"), twice);
    String both = member(generated, "writtenOnBothBranchesOnlyVjp");
    assertTrue(both.contains(FUSED), both);
    assertFalse(both.contains("_doubles.push"), both);
    for (String m : new String[] {"carriedByOneBranch", "readBeforeWrittenOnABranch", "writtenInANestedLoopReadAfter",
        "writtenTwice", "writtenOnBothBranchesOnly"}) {
      GradCheck.of(c, "demo.F", m).atRandomPoints(6, r -> new Object[] {vector(r, 1 + r.nextInt(5), -1, 1)});
    }
  }
}
