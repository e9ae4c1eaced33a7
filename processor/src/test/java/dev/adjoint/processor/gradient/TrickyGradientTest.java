package dev.adjoint.processor.gradient;

import static dev.adjoint.processor.gradient.ConstructGradientTest.check;
import static dev.adjoint.processor.gradient.ConstructGradientTest.wrap;
import static dev.adjoint.processor.testing.GradCheck.matrix;
import static dev.adjoint.processor.testing.GradCheck.uniform;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The places reverse-mode implementations usually get wrong: overwritten scalars and parameters,
 * reallocated arrays, continue in do/while, values needed after they were overwritten in loops, retained
 * graphs of programs that pop tapes.
 */
class TrickyGradientTest {
  @Test
  void overwritingAScalarParameter() {
    check("""
        @Differentiable static double f(double x, double y) {
          x = x * x + y;
          for (int i = 0; i < 3; i++) {
            x = Math.sin(x) * y;
            y = y * x;
          }
          return x + y;
        }
        """).atRandomPoints(5, r -> new Object[] {uniform(r, -1, 1), uniform(r, -1, 1)});
  }

  @Test
  void nonlinearSelfOverwriteUnderABranchInALoop() {
    check("""
        @Differentiable static double f(double x) {
          double s = x;
          for (int i = 0; i < 6; i++) {
            if (s > 0.5) {
              s = s * s * 0.7;
            } else {
              s = Math.exp(s) * x;
            }
          }
          return s;
        }
        """).atRandomPoints(8, r -> new Object[] {uniform(r, -1, 1.5)});
  }

  @Test
  void reallocatingALocalArrayInALoop() {
    check("""
        @Differentiable static double f(double[] x) {
          double[] a = x.clone();
          for (int k = 0; k < 3; k++) {
            double[] b = new double[a.length];
            for (int i = 0; i < a.length; i++) {
              b[i] = a[i] * a[(i + 1) % a.length] + x[i];
            }
            a = new double[b.length];
            for (int i = 0; i < b.length; i++) {
              a[i] = Math.tanh(b[i]);
            }
          }
          return a[0] + 2 * a[1] + 3 * a[2];
        }
        """).atRandomPoints(5, r -> new Object[] {vector(r, 3, -1, 1)});
  }

  @Test
  void arrayVariablesPingPongThroughCalls() {
    check("""
        @Differentiable static double[] step(double[] v, double h) {
          double[] out = new double[v.length];
          for (int i = 0; i < v.length; i++) {
            out[i] = v[i] + h * v[i] * v[i];
          }
          return out;
        }
        @Differentiable static double[] f(double[] v, double h) {
          double[] a = v.clone();
          double[] b = step(a, h);
          for (int k = 0; k < 3; k++) {
            a = step(b, h);
            b = step(a, h * 2);
          }
          return b;
        }
        """).atRandomPoints(5, r -> new Object[] {vector(r, 3, -0.5, 0.5), uniform(r, 0.05, 0.2)});
  }

  /** Regression (was d/dv = 0): an array variable reassigned from an expression reading it. */
  @Test
  void arrayVariableReassignedFromAnExpressionReadingIt() {
    check("""
        @Differentiable static double[] g(double[] v) {
          return new double[] {v[0] * v[1], v[1]};
        }
        @Differentiable static double[] f(double[] v) {
          double[] a = v.clone();
          a = g(a);
          return a;
        }
        """).at(new double[] {1, 2});
    check("""
        @Differentiable static double[] f(double[] v) {
          double[] a = v.clone();
          a = a.clone();
          a[0] = a[0] * a[1];
          return a;
        }
        """).at(new double[] {1, 2});
    check("""
        @Differentiable static double[] f(double[] v) {
          double[] a = v.clone();
          a = new double[] {a[0] * a[1], a[1]};
          return a;
        }
        """).at(new double[] {1, 2});
    check("""
        @Differentiable static double[][] g(double[][] m) {
          return new double[][] {{m[0][0] * m[0][1], m[0][1]}};
        }
        @Differentiable static double[][] f(double[][] m) {
          double[][] a = g(m);
          a = g(a);
          return a;
        }
        """).at((Object) new double[][] {{1, 2}});
  }

  /** Regression (gave 4.5, sq' at the new x, instead of 3): a parameter overwritten by a call reading it. */
  @Test
  void scalarParameterReassignedFromACallOfItself() {
    check("""
        @Differentiable static double sq(double x) {
          return x * x;
        }
        @Differentiable static double f(double x) {
          x = sq(x);
          return x;
        }
        """).at(1.5);
  }

  @Test
  void arrayVariableReassignedFromACallOfItself() {
    check("""
        @Differentiable static double[] step(double[] v, double h) {
          double[] out = new double[v.length];
          for (int i = 0; i < v.length; i++) {
            out[i] = v[i] + h * v[i] * v[i];
          }
          return out;
        }
        @Differentiable static double[] f(double[] v, double h) {
          double[] a = v.clone();
          for (int k = 0; k < 4; k++) {
            a = step(a, h);
          }
          return a;
        }
        """).atRandomPoints(5, r -> new Object[] {vector(r, 3, -0.5, 0.5), uniform(r, 0.05, 0.2)});
  }

  @Test
  void rowsOfALocalMatrixAssignedNewArrays() {
    check("""
        @Differentiable static double[] g(double[] v, double s) {
          return new double[] {v[0] * s, v[1] + s};
        }
        @Differentiable static double[][] f(double[][] m, double[] v) {
          double[][] c = new double[3][2];
          c[0] = new double[] {m[0][0] * v[0], 1};
          c[1] = m[1].clone();
          c[1][0] = c[1][0] * c[0][0];
          c[2] = g(v, m[0][1]);
          for (int i = 0; i < 2; i++) {
            c[2] = new double[] {c[1][i] * v[1], c[0][0] + v[i]};
          }
          return c;
        }
        """).atRandomPoints(5, r -> new Object[] {matrix(r, 2, 2, -1, 1), vector(r, 2, -1, 1)});
  }

  /** Regression (was d/dm = 0): a matrix row reassigned from an expression reading that row. */
  @Test
  void rowOfALocalMatrixReassignedFromItself() {
    check("""
        @Differentiable static double[][] f(double[][] m) {
          double[][] c = new double[1][2];
          c[0] = m[0].clone();
          c[0] = new double[] {c[0][0] * c[0][1], c[0][1]};
          return c;
        }
        """).atRandomPoints(3, r -> new Object[] {matrix(r, 1, 2, -1, 1)});
  }

  @Test
  void continueInsideDoWhileEvaluatesTheCondition() {
    check("""
        @Differentiable static double f(double x, int n) {
          double s = x;
          int i = 0;
          do {
            i++;
            if (i % 2 == 0) {
              continue;
            }
            s = s * x + 1;
          } while (i < n);
          return s;
        }
        """).atRandomPoints(8, r -> new Object[] {uniform(r, -1, 1), r.nextInt(7)});
  }

  @Test
  void breakInAnInnerLoopOnlyLeavesThatLoop() {
    check("""
        @Differentiable static double f(double[] x) {
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            int j = 0;
            while (j < x.length) {
              s += x[i] * x[j];
              if (s > 1) {
                break;
              }
              j++;
            }
            s = s * 0.5;
          }
          return s;
        }
        """).atRandomPoints(8, r -> new Object[] {vector(r, 4, -1, 1)});
  }

  @Test
  void returnInsideDoWhileAndInsideAnEnhancedFor() {
    check("""
        @Differentiable static double f(double x, double[] v) {
          double s = x;
          for (double e : v) {
            s = s * e + x;
            if (s > 2) {
              return s * e;
            }
          }
          do {
            s = s * 1.5;
            if (s < -2) {
              return s * x;
            }
          } while (s > -1 && s < 4);
          return s;
        }
        """).atRandomPoints(12, r -> new Object[] {uniform(r, -1.5, 1.5), vector(r, 3, -2, 2)});
  }

  @Test
  void siblingScopesReusingANameWithOtherTypes() {
    check("""
        @Differentiable static double f(double x) {
          double s = 0;
          {
            double t = x * x;
            s += t;
          }
          {
            int t = 3;
            s *= t;
          }
          for (int i = 0; i < 2; i++) {
            double[] t = {x, s};
            s += t[0] * t[1];
          }
          if (s > 0) {
            long t = 2;
            s = s * t;
          }
          return s;
        }
        """).atRandomPoints(5, r -> new Object[] {uniform(r, -1, 1)});
  }

  @Test
  void integerArithmeticInsideIndexingAndCompoundNarrowing() {
    check("""
        @Differentiable static double f(double[] x, double y) {
          int k = 0;
          k += y * 3;
          int j = Math.max(k, 0) % x.length;
          int m = Math.abs(k - 5) / 2;
          double s = x[j] * y + x[(m + x.length) % x.length] * x[0];
          s += ('b' - 'a' + 1) * x[1];
          return s;
        }
        """).atRandomPoints(8, r -> new Object[] {vector(r, 3, -1, 1), uniform(r, -2, 2)});
  }

  @Test
  void doubleRemainderAndUnaryMinus() {
    check("""
        @Differentiable static double f(double x, double y) {
          double a = x % 1.5;
          double b = (x * 3) % y;
          return -a * -y + -(b * b) + - -x;
        }
        """).atRandomPoints(8, r -> new Object[] {uniform(r, -4, 4), uniform(r, 0.5, 2)});
  }

  @Test
  void callsInConditionsAndWithRowsOfAMatrix() {
    check("""
        @Differentiable static double dot(double[] a, double[] b) {
          double s = 0;
          for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
          }
          return s;
        }
        @Differentiable static double f(double[][] m, double[] v) {
          double s = 0;
          for (int i = 0; i < m.length; i++) {
            if (dot(m[i], v) > 0) {
              s += dot(m[i], v) * dot(m[i], m[i]);
            } else {
              s -= dot(v, v) * m[i][0];
            }
          }
          return s;
        }
        """).atRandomPoints(8, r -> new Object[] {matrix(r, 3, 2, -1, 1), vector(r, 2, -1, 1)});
  }

  @Test
  void sameArrayPassedTwiceToACall() {
    check("""
        @Differentiable static double dot(double[] a, double[] b) {
          double s = 0;
          for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
          }
          return s;
        }
        @Differentiable static double f(double[] v) {
          return dot(v, v);
        }
        """).atRandomPoints(5, r -> new Object[] {vector(r, 3, -1, 1)});
  }

  @Test
  void recursionOverArrays() {
    check("""
        @Differentiable static double f(double[] v, int n) {
          if (n == 0) {
            return v[0];
          }
          double[] w = new double[v.length];
          for (int i = 0; i < v.length; i++) {
            w[i] = Math.sin(v[i]) + v[(i + 1) % v.length];
          }
          return f(w, n - 1) * v[n % v.length];
        }
        """).atRandomPoints(5, r -> new Object[] {vector(r, 3, -1, 1), r.nextInt(4)});
  }

  @Test
  void conditionalSelectingArrayElements() {
    check("""
        @Differentiable static double f(double[] x) {
          double[] a = new double[x.length];
          for (int i = 0; i < x.length; i++) {
            a[i] = x[i] > 0 ? x[i] * x[i] : (i > 0 ? a[i - 1] * x[i] : x[i]);
          }
          return a[x.length - 1] + a[0];
        }
        """).atRandomPoints(10, r -> new Object[] {vector(r, 4, -1, 1)});
  }

  @Test
  void retainedGraphOfAProgramThatPopsTapesMatchesFreshVjps() {
    String source = wrap("""
        @Differentiable static double[] f(double[] y0, double k) {
          double[] y = y0.clone();
          for (int step = 0; step < 10; step++) {
            double s = 0;
            for (int i = 0; i < y.length; i++) {
              if (y[i] > s) {
                s = y[i];
              }
              y[i] = y[i] - 0.1 * k * y[i] * y[i] + 0.05 * s;
            }
          }
          return y;
        }
        """);
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    GradCheck.of(c, "demo.F", "f").atRandomPoints(5, r -> new Object[] {vector(r, 3, -1, 1), uniform(r, 0.5, 2)});
    Random r = new Random(7);
    double[] y0 = vector(r, 3, -1, 1);
    double k = 1.3;
    double[] u1 = vector(r, 3, -1, 1);
    double[] u2 = vector(r, 3, -1, 1);
    Object tape = c.callStatic("demo.FGrad", "fForward", y0, k);
    Map<String, Object> a1 = CompiledCompanion.components(CompiledCompanion.call(tape, "backward", u1, true));
    Map<String, Object> a2 = CompiledCompanion.components(CompiledCompanion.call(tape, "backward", u2, true));
    Map<String, Object> a3 = CompiledCompanion.components(CompiledCompanion.call(tape, "backward", u1, false));
    Map<String, Object> f1 = CompiledCompanion.components(c.callStatic("demo.FGrad", "fVjp", y0, k, u1));
    Map<String, Object> f2 = CompiledCompanion.components(c.callStatic("demo.FGrad", "fVjp", y0, k, u2));
    for (Map<String, Object>[] pair : pairs(a1, f1, a2, f2, a3, f1)) {
      assertArrayEquals((double[]) pair[1].get("y0"), (double[]) pair[0].get("y0"));
      assertEquals((Double) pair[1].get("k"), (Double) pair[0].get("k"));
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object>[][] pairs(Map<String, Object>... maps) {
    Map<String, Object>[][] out = new Map[maps.length / 2][];
    for (int i = 0; i < out.length; i++) {
      out[i] = new Map[] {maps[2 * i], maps[2 * i + 1]};
    }
    return out;
  }
}
