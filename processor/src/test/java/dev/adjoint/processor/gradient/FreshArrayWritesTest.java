package dev.adjoint.processor.gradient;

import static dev.adjoint.processor.gradient.ConstructGradientTest.wrap;
import static dev.adjoint.processor.testing.CompiledCompanion.member;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import org.junit.jupiter.api.Test;

/**
 * Element writes into an array allocated earlier in the same iteration save the values they overwrite only
 * where the reverse sweep reads the array between the allocation and the write (differentiate.FreshArrayWrites).
 * Each program is gradient-checked against central differences of the original method (GradCheck also runs the
 * original and compares values), with the variants where dropping the save would be wrong: a call reading the
 * array before it is overwritten again (Runge-Kutta stages), a recurrence reading earlier elements, a loop
 * reading elements not written yet, an allocation in a branch, a clone, the array passed twice, and a result
 * array read after the next call.
 */
class FreshArrayWritesTest {
  private static final String RHS = """
      @Differentiable static double[] rhs(double[] x, double[] y) {
        double[] z = new double[x.length];
        z[0] = x[0] * y[y.length - 1];
        for (int i = 1; i < x.length; i++) {
          z[i] = x[i] * Math.sin(y[i - 1]);
        }
        return z;
      }
      """;

  private static int count(String text, String what) {
    return text.split(java.util.regex.Pattern.quote(what), -1).length - 1;
  }

  @Test
  void rungeKuttaStagesSaveOnlyTheOverwritesACallReads() {
    String source = wrap(RHS + """
        @Differentiable static double f(double[] x, int s) {
          int n = x.length;
          double[] y = new double[n];
          for (int i = 0; i < n; i++) {
            y[i] = 0.5 * x[i];
          }
          for (int step = 0; step < s; step++) {
            double[] k1 = rhs(x, y);
            double[] tmp = new double[n];
            for (int i = 0; i < n; i++) {
              tmp[i] = y[i] + 0.25 * k1[i];
            }
            double[] k2 = rhs(x, tmp);
            for (int i = 0; i < n; i++) {
              tmp[i] = y[i] + 0.5 * k2[i];
            }
            double[] k3 = rhs(x, tmp);
            for (int i = 0; i < n; i++) {
              y[i] += 0.3 * (k1[i] + k2[i] + k3[i]);
            }
          }
          return y[n - 1] * y[0];
        }
        """);
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    String sweep = member(c.generatedSource("demo.FGrad"), "f\\$sweep");
    // the zeros of the fresh tmp are not restored; the stage k2's call reads is
    assertEquals(1, count(sweep, "tmp[i] = _doubles.pop()"), sweep);
    assertEquals(1, count(sweep, "y[i] = _doubles.pop()"), sweep);
    GradCheck.of(c, "demo.F", "f").atRandomPoints(6, r -> new Object[] {vector(r, 1 + r.nextInt(5), -1, 1),
        r.nextInt(4)});
  }

  @Test
  void aRecurrenceReadsWhatItOverwrites() {
    String source = wrap("""
        @Differentiable static double f(double[] x, int s) {
          double r = 0;
          for (int t = 0; t < s; t++) {
            double[] p = new double[x.length];
            p[0] = x[0];
            for (int i = 1; i < x.length; i++) {
              p[i] = Math.sin(p[i - 1]) * x[i];
            }
            for (int i = 0; i < x.length; i++) {
              p[i] = p[i] * p[i] + t;
            }
            r += p[x.length - 1] * (t + 1);
          }
          return r;
        }
        """);
    GradCheck.of(source, "f").atRandomPoints(6, r -> new Object[] {vector(r, 1 + r.nextInt(5), -1, 1),
        1 + r.nextInt(3)});
  }

  @Test
  void aLoopReadingElementsItWritesLater() {
    // iteration i reads q[i + 1] before iteration i + 1 overwrites it: the reverse of iteration i needs the old
    // value, so the writes are saved although nothing between the allocation and the loop reads q
    String source = wrap("""
        @Differentiable static double f(double[] x, int s) {
          double r = 0;
          for (int t = 0; t < s; t++) {
            double[] q = new double[x.length];
            for (int i = 0; i < x.length; i++) {
              q[i] = x[i] * (t + 1);
            }
            for (int i = 0; i < x.length; i++) {
              q[i] = Math.cos(x[i]) + 0.5 * t;
              if (i + 1 < x.length) {
                r += Math.sin(q[i + 1]) * q[i];
              }
            }
          }
          return r;
        }
        """);
    GradCheck.of(source, "f").atRandomPoints(6, r -> new Object[] {vector(r, 1 + r.nextInt(5), -1, 1),
        1 + r.nextInt(3)});
  }

  @Test
  void anAllocationInABranchOrACloneOrTheArrayPassedTwice() {
    String source = wrap(RHS + """
        @Differentiable static double f(double[] x, int s) {
          double[] w = x.clone();
          double r = 0;
          for (int t = 0; t < s; t++) {
            if (t % 2 == 0) {
              w = new double[x.length];
            }
            for (int i = 0; i < x.length; i++) {
              w[i] = w[i] * 0.5 + Math.sin(x[i] * (t + 1));
            }
            double[] k = rhs(w, w);
            double[] c = k.clone();
            for (int i = 0; i < x.length; i++) {
              c[i] = c[i] * c[i] + w[i];
            }
            double[] k2 = rhs(c, x);
            for (int i = 0; i < x.length; i++) {
              r += k[i] * k2[i] * (i + 1);
            }
          }
          return r;
        }
        """);
    GradCheck.of(source, "f").atRandomPoints(8, r -> new Object[] {vector(r, 1 + r.nextInt(5), -1, 1),
        1 + r.nextInt(4)});
  }

  @Test
  void aResultArrayReadAfterTheNextCall() {
    String source = wrap(RHS + """
        @Differentiable static double f(double[] x, int s) {
          double[] y = x.clone();
          double r = 0;
          double[] prev = rhs(x, y);
          for (int t = 0; t < s; t++) {
            double[] tmp = new double[x.length];
            for (int i = 0; i < x.length; i++) {
              tmp[i] = y[i] + 0.1 * prev[i];
            }
            double[] next = rhs(x, tmp);
            for (int i = 0; i < x.length; i++) {
              tmp[i] = next[i] * prev[i];
              r += tmp[i] * Math.cos(tmp[i]);
            }
            prev = next.clone();
            for (int i = 0; i < x.length; i++) {
              y[i] += 0.2 * tmp[i];
            }
          }
          return r + y[0];
        }
        """);
    GradCheck.of(source, "f").atRandomPoints(8, r -> new Object[] {vector(r, 1 + r.nextInt(5), -1, 1),
        1 + r.nextInt(4)});
  }
}
