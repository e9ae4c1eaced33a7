package dev.adjoint.processor.gradient;

import static dev.adjoint.processor.gradient.ConstructGradientTest.wrap;
import static dev.adjoint.processor.testing.CompiledCompanion.member;
import static dev.adjoint.processor.testing.GradCheck.matrix;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import org.junit.jupiter.api.Test;

/**
 * {@code differentiate.ScratchRestores}: in a fused loop, the saves of a scratch array's elements whose restored value
 * nothing reads before a loop that writes the array whole puts every element back (gmm's triangular product {@code
 * qxc[t] += l[p] * xc[r]} between the covering loop and the next component) are dropped; the covering loop's saves
 * stay. Variants where the restored value is read (a write whose partial reads the old element, a write after the read
 * with no covering loop between it and the next component's read, an array read by a statement before the loop, an
 * array a call's reverse reads after a later rewrite) keep their saves. Each gradient against central differences, the
 * number of element saves asserted in the generated {@code mVjp}.
 */
class FusedScratchRestoresTest {
  private static final String FUSED = "each iteration's reverse right after it";

  /** gmm's per-point body over {@code k} components, with {@code TRIANGLE} and {@code AFTER} filled in. */
  private static final String MIXTURE = """
      @Differentiable static double NAME(double[] alphas, double[][] means, double[][] l, double[][] x) {
        int k = alphas.length;
        int d = x[0].length;
        double[] xc = new double[d];
        double[] qxc = new double[d];
        double slse = 0;
        for (int ix = 0; ix < x.length; ix++) {
          double se = 0;
          for (int ik = 0; ik < k; ik++) {
            for (int id = 0; id < d; id++) {
              xc[id] = x[ix][id] - means[ik][id];
              qxc[id] = Math.exp(l[ik][id]) * xc[id];
            }
            int p = d;
            for (int r = 0; r < d; r++) {
              for (int t = r + 1; t < d; t++) {
                TRIANGLE
                p++;
              }
            }
            double sq = 0;
            for (int id = 0; id < d; id++) {
              sq += qxc[id] * qxc[id];
            }
            AFTER
            se += Math.exp(alphas[ik] - 0.5 * sq);
          }
          slse += Math.log(se);
        }
        return slse;
      }
      """;

  private static String mixture(String name, String triangle, String after) {
    return MIXTURE.replace("NAME", name).replace("TRIANGLE", triangle).replace("AFTER", after);
  }

  @Test
  void restoresNothingReadsBeforeAWholeRewriteAreDropped() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", wrap(
        mixture("gmmLike", "qxc[t] += l[ik][p] * xc[r];", "")
        // the triangle's restores are read: its partial for l reads the element's old value
        + mixture("readsOld", "qxc[t] = qxc[t] * Math.cos(l[ik][p]) + xc[r];", "")
        // written after the read: that write's restore is read by the reverse of the read; the triangle's are not
        + mixture("writtenLater", "qxc[t] += l[ik][p] * xc[r];", "qxc[0] = sq * l[ik][0];")
        + """
        @Differentiable static double readBefore(double[][] x, double[] w) {
          int z = 0;
          double[] a = new double[w.length];
          a[z] = Math.sin(w[0]);
          // the reverse of this, after the loop's, reads a[z] as the statement above left it
          double s = a[z] * a[z];
          for (int i = 0; i < x.length; i++) {
            a[z] = x[i][0] * w[0];
            s += Math.sin(a[z] * w[0]);
          }
          return s;
        }
        @Differentiable static double lse(double[] v) {
          double m = v[0];
          for (int i = 1; i < v.length; i++) {
            m = Math.max(m, v[i]);
          }
          double s = 0;
          for (int i = 0; i < v.length; i++) {
            s += Math.exp(v[i] - m);
          }
          return Math.log(s) + m;
        }
        @Differentiable static double terms(double[][] x, double[] w) {
          int k = w.length;
          double[] term = new double[k];
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < k; j++) {
              term[j] = x[i][j] * w[j];
            }
            s += lse(term);
          }
          return s;
        }
        @Differentiable static double lseTwice(double[][] x, double[] w) {
          int d = w.length;
          double[] a = new double[d];
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < d; j++) {
              a[j] = x[i][j] * w[j];
            }
            s += lse(a);
            // the first call's reverse reads a as it was before this rewrite
            for (int j = 0; j < d; j++) {
              a[j] = a[j] * a[j] * w[j];
            }
            s += lse(a);
          }
          return s;
        }
        @Differentiable static double chained(double[][] x, double[] w) {
          int d = w.length;
          double[] a = new double[d];
          double[] b = new double[d];
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            for (int u = 0; u < 2; u++) {
              for (int j = 0; j < d; j++) {
                a[j] = x[i][j] * w[j] + u;
                b[j] = a[j] * a[j];
              }
              for (int j = 1; j < d; j++) {
                b[j] += a[j - 1] * w[j];
              }
              double q = 0;
              for (int j = 0; j < d; j++) {
                q += b[j] * b[j];
              }
              s += Math.sin(q);
            }
          }
          return s;
        }
        """));
    String generated = c.generatedSource("demo.FGrad");
    // name, array, element saves left in mVjp (readBefore: only the one in the loop; the write before the loop
    // overwrites a fresh array's zero, which nothing reads, so FreshArrayWrites saves nothing there)
    Object[][] expected = {
        {"gmmLike", "qxc", 1}, {"readsOld", "qxc", 2}, {"writtenLater", "qxc", 2}, {"readBefore", "a", 1},
        {"chained", "b", 1}, {"terms", "term", 0}, {"lseTwice", "a", 1}};
    for (Object[] e : expected) {
      String vjp = member(generated, e[0] + "Vjp");
      assertTrue(vjp.contains(FUSED), vjp);
      assertEquals((int) e[2], count(vjp, "_doubles.push(" + e[1] + "["), e[0] + ": " + vjp);
    }
    for (String m : new String[] {"gmmLike", "readsOld", "writtenLater"}) {
      GradCheck.of(c, "demo.F", m).atRandomPoints(4, r -> {
        int k = 1 + r.nextInt(3);
        int d = 1 + r.nextInt(4);
        return new Object[] {vector(r, k, -1, 1), matrix(r, k, d, -1, 1),
            matrix(r, k, d * (d + 1) / 2, -0.5, 0.5), matrix(r, 1 + r.nextInt(3), d, -1, 1)};
      });
    }
    for (String m : new String[] {"readBefore", "chained", "terms", "lseTwice"}) {
      GradCheck.of(c, "demo.F", m).atRandomPoints(4, r -> {
        int d = 1 + r.nextInt(4);
        return new Object[] {matrix(r, 1 + r.nextInt(3), d, -1, 1), vector(r, d, -1, 1)};
      });
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
