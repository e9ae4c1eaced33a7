package dev.adjoint.processor.gradient;

import static dev.adjoint.processor.gradient.ConstructGradientTest.wrap;
import static dev.adjoint.processor.testing.CompiledCompanion.member;
import static dev.adjoint.processor.testing.GradCheck.matrix;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import dev.adjoint.processor.testing.ModeCheck;
import org.junit.jupiter.api.Test;

/**
 * {@code differentiate.IterationLocalArrays}: a fused loop ({@code FusedLoops}) whose iterations write elements of
 * scratch arrays allocated before it, each element an iteration reads written earlier in that iteration (gmm's
 * centred point, its triangular product, its per-component terms; an array also written and read before the
 * loop). Gradients against central differences, {@code mHvp} against differences of gradients (both through {@code
 * GradCheck}), the loop asserted fused. Near misses (an element read before the iteration writes it, a covering
 * loop one short, the array read after the loop, written on one branch only, a shifted read of the element the
 * covering loop leaves) keep the separate sweeps and are checked too; fused, each of them but the read after the
 * loop would give a wrong gradient.
 */
class FusedScratchArraysTest {
  private static final String FUSED = "each iteration's reverse right after it";

  @Test
  void scratchArraysEachIterationWritesFirstFuse() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", wrap("""
        @Differentiable static double centred(double[][] x, double[] mu) {
          int d = mu.length;
          double[] xc = new double[d];
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < d; j++) {
              xc[j] = x[i][j] - mu[j];
            }
            double q = 0;
            for (int j = 0; j < d; j++) {
              q += xc[j] * xc[j] * mu[j];
            }
            s += Math.sin(q);
          }
          return s;
        }
        @Differentiable static double usedBefore(double[][] x, double[] mu) {
          int d = mu.length;
          double[] a = new double[d];
          for (int j0 = 0; j0 < d; j0++) {
            a[j0] = Math.sin(mu[j0]);
          }
          // the reverse of this reads a[0] as it was before the loop
          double s = a[0] * a[0] * mu[0];
          for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < d; j++) {
              a[j] = x[i][j] * mu[j];
            }
            for (int j = 0; j < d; j++) {
              s += a[j] * Math.exp(a[j]);
            }
          }
          return s;
        }
        @Differentiable static double mixture(double[] alphas, double[][] means, double[][] l, double[][] x) {
          int k = alphas.length;
          int d = x[0].length;
          double[] term = new double[k];
          double[] xc = new double[d];
          double[] qxc = new double[d];
          double slse = 0;
          for (int ix = 0; ix < x.length; ix++) {
            for (int ik = 0; ik < k; ik++) {
              for (int id = 0; id < d; id++) {
                xc[id] = x[ix][id] - means[ik][id];
                qxc[id] = Math.exp(l[ik][id]) * xc[id];
              }
              int p = d;
              for (int r = 0; r < d; r++) {
                for (int t = r + 1; t < d; t++) {
                  qxc[t] += l[ik][p] * xc[r];
                  p++;
                }
              }
              double sq = 0;
              for (int id = 0; id < d; id++) {
                sq += qxc[id] * qxc[id];
              }
              term[ik] = alphas[ik] - 0.5 * sq;
            }
            double mx = term[0];
            for (int u = 1; u < k; u++) {
              mx = Math.max(mx, term[u]);
            }
            double se = 0;
            for (int u = 0; u < k; u++) {
              se += Math.exp(term[u] - mx);
            }
            slse += Math.log(se) + mx;
          }
          return slse;
        }
        @Differentiable static double bothBranches(double[][] x, double[] w) {
          double[] a = new double[w.length];
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            if (x[i][0] > 0) {
              for (int j = 0; j < w.length; j++) {
                a[j] = x[i][j] * w[j];
              }
            } else {
              for (int j = 0; j < w.length; j++) {
                a[j] = Math.exp(x[i][j] + w[j]);
              }
            }
            for (int j = 0; j < a.length; j++) {
              s += a[j] * a[j];
            }
          }
          return s;
        }
        @Differentiable static double sameBound(double[][] x, double[] w) {
          int n = w.length;
          double[] a = new double[n + 2];
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < n; j++) {
              a[j] = Math.cos(x[i][j] * w[j]);
              s += a[j] * w[j];
            }
            for (int t = 0; t < n; t++) {
              s += a[t] * x[i][t];
            }
          }
          return s;
        }
        """));
    String generated = c.generatedSource("demo.FGrad");
    for (String m : new String[] {"centred", "bothBranches", "sameBound", "usedBefore"}) {
      assertTrue(member(generated, m + "Vjp").contains(FUSED), member(generated, m + "Vjp"));
      ModeCheck.requireMembers(c, "demo.F", m, null, false);
      GradCheck.of(c, "demo.F", m).atRandomPoints(4, r -> {
        int d = 1 + r.nextInt(4);
        return new Object[] {matrix(r, r.nextInt(4), d, -1, 1), vector(r, d, -1, 1)};
      });
    }
    String mixture = member(generated, "mixtureVjp");
    assertTrue(mixture.contains(FUSED), mixture);
    ModeCheck.requireMembers(c, "demo.F", "mixture", null, false);
    GradCheck.of(c, "demo.F", "mixture").atRandomPoints(4, r -> {
      int k = 1 + r.nextInt(3);
      int d = 1 + r.nextInt(3);
      return new Object[] {vector(r, k, -1, 1), matrix(r, k, d, -1, 1), matrix(r, k, d * (d + 1) / 2, -0.5, 0.5),
          matrix(r, 1 + r.nextInt(3), d, -1, 1)};
    });
  }

  @Test
  void arraysAnIterationMayReadFromAnotherKeepTheSeparateSweeps() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", wrap("""
        @Differentiable static double readBeforeWritten(double[][] x, double[] mu) {
          int d = mu.length;
          double[] xc = new double[d];
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            s += xc[0] * x[i][0];
            for (int j = 0; j < d; j++) {
              xc[j] = x[i][j] - mu[j];
            }
            for (int j = 0; j < d; j++) {
              s += xc[j] * xc[j] * mu[j];
            }
          }
          return s;
        }
        @Differentiable static double oneShort(double[][] x, double[] mu) {
          int d = mu.length;
          double[] xc = new double[d];
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < d - 1; j++) {
              xc[j] = x[i][j] * mu[j];
            }
            for (int j = 0; j < d; j++) {
              s += xc[j] * xc[j] * mu[j];
            }
            // the one element the covering loop leaves: the next iteration reads it
            xc[d - 1] = x[i][d - 1] * mu[0];
          }
          return s;
        }
        @Differentiable static double readAfter(double[][] x, double[] mu) {
          int d = mu.length;
          double[] xc = new double[d];
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < d; j++) {
              xc[j] = x[i][j] - mu[j];
            }
            for (int j = 0; j < d; j++) {
              s += xc[j] * mu[j];
            }
          }
          return s + xc[0] * xc[0];
        }
        @Differentiable static double oneBranch(double[][] x, double[] mu) {
          int d = mu.length;
          double[] xc = new double[d];
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            if (x[i][0] > 0) {
              for (int j = 0; j < d; j++) {
                xc[j] = x[i][j] - mu[j];
              }
            }
            for (int j = 0; j < d; j++) {
              s += xc[j] * xc[j] * mu[j];
            }
          }
          return s;
        }
        @Differentiable static double shifted(double[][] x, double[] mu) {
          int d = mu.length;
          double[] xc = new double[d + 1];
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < d; j++) {
              xc[j] = x[i][j] - mu[j];
            }
            for (int j = 0; j < d; j++) {
              s += xc[j + 1] * mu[j];
            }
            xc[d] = x[i][0] * mu[0];
          }
          return s;
        }
        """));
    String generated = c.generatedSource("demo.FGrad");
    for (String m : new String[] {"readBeforeWritten", "oneShort", "readAfter", "oneBranch", "shifted"}) {
      assertFalse(member(generated, m + "Vjp").contains(FUSED), member(generated, m + "Vjp"));
      GradCheck.of(c, "demo.F", m).atRandomPoints(4, r -> {
        int d = 1 + r.nextInt(4);
        double[][] x = matrix(r, 3 + r.nextInt(3), d, -1, 1);
        for (int i = 0; i < x.length; i++) {
          // the branch taken, then not taken: an iteration that writes nothing reads the previous one's values
          x[i][0] = (i % 2 == 0 ? 1 : -1) * (0.1 + Math.abs(x[i][0]));
        }
        return new Object[] {x, vector(r, d, -1, 1)};
      });
    }
  }
}
