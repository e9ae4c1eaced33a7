package dev.adjoint.processor.gradient;

import static dev.adjoint.processor.gradient.ConstructGradientTest.wrap;
import static dev.adjoint.processor.testing.CompiledCompanion.member;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import org.junit.jupiter.api.Test;

/**
 * A split-mode caller gives up the adjoint array of {@code k = f(...)} (it only zeroes it after the call,
 * {@code DoubleTape.donate}), and a callee whose reverse starts by copying its upstream into its returned local's
 * fresh adjoint uses that array instead (emit.DonatedUpstream). All gradient-checked against central differences:
 * the Runge-Kutta shape of GradBench's ode, the same array passed twice, a callee returning its argument (no
 * copy to save: the mark is dropped), a value reading the variable it is assigned to ({@code k = f(k, x)}: no
 * donation), a callee that gives the array on to a callee of its own, and one whose returned local is made by a
 * call once. The user's upstream of {@code fVjp} is never written.
 */
class DonatedUpstreamTest {
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

  @Test
  void rungeKuttaStagesTakeTheCallersAdjointArray() {
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
              y[i] += 0.3 * (k1[i] + k2[i]);
            }
          }
          return y[n - 1] * y[0];
        }
        """);
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    String generated = c.generatedSource("demo.FGrad");
    assertTrue(generated.contains("_doubles.donate(_d_k1)"), generated);
    assertTrue(generated.contains("_doubles.donate(_d_k2)"), generated);
    assertTrue(member(generated, "rhs\\$sweep").contains("taken$ ? upstream"), member(generated, "rhs\\$sweep"));
    GradCheck.of(c, "demo.F", "f").atRandomPoints(6, r -> new Object[] {vector(r, 1 + r.nextInt(5), -1, 1),
        r.nextInt(4)});
    // the callee's own VJP: the user's upstream is read, never written
    double[] upstream = {0.5, -1.5, 2.0};
    c.callStatic("demo.FGrad", "rhsVjp", new double[] {0.1, 0.2, 0.3}, new double[] {1, 2, 3}, upstream);
    assertArrayEquals(new double[] {0.5, -1.5, 2.0}, upstream);
    GradCheck.of(c, "demo.F", "rhs").atRandomPoints(3, r -> new Object[] {vector(r, 3, -1, 1), vector(r, 3, -1, 1)});
  }

  @Test
  void theSameArrayPassedTwice() {
    GradCheck.of(wrap(RHS + """
        @Differentiable static double f(double[] x, int s) {
          double r = 0;
          for (int t = 0; t < s; t++) {
            double[] k = rhs(x, x);
            for (int i = 0; i < x.length; i++) {
              r += k[i] * (i + t + 1);
            }
          }
          return r;
        }
        """), "f").atRandomPoints(6, r -> new Object[] {vector(r, 1 + r.nextInt(5), -1, 1), 1 + r.nextInt(3)});
  }

  @Test
  void aCalleeReturningItsArgumentOrAValueReadingTheVariable() {
    String source = wrap("""
        @Differentiable static double[] scale(double[] a, double[] x) {
          double c = 0;
          for (int i = 0; i < a.length; i++) {
            c += a[i] * Math.cos(x[i]);
          }
          if (c > 100) {
            return x;
          }
          return a;
        }
        """ + RHS + """
        @Differentiable static double f(double[] x, int s) {
          double[] k = new double[x.length];
          for (int i = 0; i < x.length; i++) {
            k[i] = x[i] + 1;
          }
          double r = 0;
          for (int t = 0; t < s; t++) {
            double[] q = rhs(x, k);
            double[] m = scale(q, x);
            k = rhs(k, x);
            for (int i = 0; i < x.length; i++) {
              r += m[i] * k[i] * (i + 1);
            }
          }
          return r;
        }
        """);
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    String generated = member(c.generatedSource("demo.FGrad"), "f\\$sweep");
    // k = rhs(k, x) reads k: its adjoint is routed into, not given up
    assertFalse(generated.contains("donate(_d_k)"), generated);
    // scale returns its argument: nothing of its upstream to take over
    assertFalse(member(c.generatedSource("demo.FGrad"), "scale\\$sweep").contains("taken$"));
    GradCheck.of(c, "demo.F", "f").atRandomPoints(6, r -> new Object[] {vector(r, 1 + r.nextInt(5), -1, 1),
        r.nextInt(4)});
  }

  @Test
  void aCalleeGivesTheArrayOnOrMakesItsResultByACall() {
    String source = wrap(RHS + """
        @Differentiable static double[] twice(double[] x, double[] y, int s) {
          double[] z = new double[x.length];
          for (int t = 0; t < s; t++) {
            z = rhs(x, y);
          }
          double[] w = rhs(y, x);
          for (int i = 0; i < x.length; i++) {
            z[i] = z[i] * w[i] + y[i];
          }
          return z;
        }
        @Differentiable static double f(double[] x, int s) {
          double[] y = new double[x.length];
          for (int i = 0; i < x.length; i++) {
            y[i] = Math.cos(x[i]);
          }
          double r = 0;
          for (int t = 0; t < s; t++) {
            double[] k = twice(x, y, t + 1);
            for (int i = 0; i < x.length; i++) {
              r += k[i] * k[i] * (i + 1);
              y[i] += 0.1 * k[i];
            }
          }
          return r;
        }
        """);
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    String generated = c.generatedSource("demo.FGrad");
    assertTrue(member(generated, "f\\$sweep").contains("donate(_d_k)"), member(generated, "f\\$sweep"));
    GradCheck.of(c, "demo.F", "f").atRandomPoints(6, r -> new Object[] {vector(r, 1 + r.nextInt(5), -1, 1),
        1 + r.nextInt(3)});
    GradCheck.of(c, "demo.F", "twice").atRandomPoints(3, r -> new Object[] {vector(r, 3, -1, 1),
        vector(r, 3, -1, 1), 1 + r.nextInt(3)});
  }
}
