package dev.adjoint.processor.gradient;

import static dev.adjoint.processor.testing.GradCheck.matrix;
import static dev.adjoint.processor.testing.GradCheck.uniform;
import static dev.adjoint.processor.testing.GradCheck.vector;

import dev.adjoint.processor.testing.GradCheck;
import org.junit.jupiter.api.Test;

/**
 * One gradient check per construct of the supported language: each method is compiled through the
 * processor and its reverse pass compared with central differences of the original method, w.r.t. every
 * differentiable parameter, at several fixed-seed random points.
 */
class ConstructGradientTest {
  static final int POINTS = 5;

  static String wrap(String members) {
    return "package demo;\nimport dev.adjoint.Differentiable;\nfinal class F {\n" + members + "\n}\n";
  }

  static GradCheck check(String members) {
    return GradCheck.of(wrap(members), "f");
  }

  @Test
  void localsAndVar() {
    check("""
        @Differentiable static double f(double x, double y) {
          double a = x * y;
          var b = a + Math.sin(x);
          double c;
          c = b * b - y;
          var d = c;
          return d / 2 + a;
        }
        """).atRandomPoints(POINTS, r -> new Object[] {uniform(r, -2, 2), uniform(r, -2, 2)});
  }

  @Test
  void assignmentAndEveryCompoundAssignmentOnDoubles() {
    check("""
        @Differentiable static double f(double x, double y) {
          double s = x;
          s += y * x;
          s -= 3 * y;
          s *= x + 2;
          s /= y * y + 1;
          s = s * s;
          s += s;
          s *= s;
          return s;
        }
        """).atRandomPoints(POINTS, r -> new Object[] {uniform(r, -1, 1), uniform(r, -1, 1)});
  }

  @Test
  void compoundAssignmentsOnArrayElementsAndInts() {
    check("""
        @Differentiable static double[] f(double[] x, double y) {
          double[] a = x.clone();
          int n = 1;
          n += 2;
          n *= 2;
          n -= 1;
          n /= 2;
          a[0] += y;
          a[1] -= y * a[0];
          a[2] *= y + a[1];
          a[0] /= a[2] * a[2] + 3;
          a[n - 1] += a[n - 2];
          return a;
        }
        """).atRandomPoints(POINTS, r -> new Object[] {vector(r, 3, -1, 1), uniform(r, -1, 1)});
  }

  @Test
  void incrementAndDecrementOnDoublesAndInts() {
    check("""
        @Differentiable static double f(double x) {
          double y = x * x;
          y++;
          y++;
          y--;
          ++y;
          --y;
          int n = 0;
          n++;
          n++;
          n--;
          ++n;
          --n;
          ++n;
          long m = 4;
          m--;
          double s = 0;
          for (int i = 0; i < n; i++) {
            s += y * x;
          }
          for (long j = 0; j < m; ++j) {
            s += x;
          }
          return s * y;
        }
        """).atRandomPoints(POINTS, r -> new Object[] {uniform(r, -2, 2)});
  }

  @Test
  void arrayElementReadsAndWritesInLocalArrays() {
    check("""
        @Differentiable static double f(double[] x) {
          double[] a = new double[x.length];
          for (int i = 0; i < x.length; i++) {
            a[i] = x[i] * x[i];
          }
          a[0] = a[0] + a[1];
          a[1] = a[0] * x[2];
          a[2] = a[2] * a[2];
          a[0] = 1.5;
          double s = 0;
          for (int i = 0; i < a.length; i++) {
            s += a[i] * x[i];
          }
          return s;
        }
        """).atRandomPoints(POINTS, r -> new Object[] {vector(r, 3, -1, 1)});
  }

  @Test
  void newArraysOfOneAndTwoDimensions() {
    check("""
        @Differentiable static double[][] f(double x, double[] v) {
          double[][] m = new double[2][v.length];
          double[] t = new double[3];
          t[1] = x * x;
          m[0][0] = x;
          m[1][2] = x * v[1];
          m[0][1] = m[1][2] * x + t[1];
          for (int j = 0; j < v.length; j++) {
            m[1][j] += v[j] * m[0][0];
          }
          return m;
        }
        """).atRandomPoints(POINTS, r -> new Object[] {uniform(r, -2, 2), vector(r, 3, -1, 1)});
  }

  @Test
  void arrayInitializers() {
    check("""
        @Differentiable static double f(double x, double y) {
          double[] a = {x, y, x * y};
          double[] b = new double[] {a[2], x, 2};
          double[][] m = new double[][] {{x, y}, {y * y, 1}};
          double[][] n = {{a[0]}, {b[1], m[1][0]}};
          return a[0] * b[0] + m[1][0] * m[0][0] + n[1][1] * n[0][0] + b[2] * m[0][1];
        }
        """).atRandomPoints(POINTS, r -> new Object[] {uniform(r, -2, 2), uniform(r, -2, 2)});
  }

  @Test
  void lengthAndClone() {
    check("""
        @Differentiable static double f(double[] x, double[][] w) {
          double[] c = x.clone();
          c[0] = c[0] * w.length;
          double s = 0;
          for (int i = 0; i < c.length; i++) {
            s += c[i] * w[0].length * x[i];
          }
          for (int i = 0; i < w.length; i++) {
            for (int j = 0; j < w[i].length; j++) {
              s += w[i][j] * c[j];
            }
          }
          return s;
        }
        """).atRandomPoints(POINTS, r -> new Object[] {vector(r, 3, -1, 1), matrix(r, 2, 3, -1, 1)});
  }

  @Test
  void cloneOfALocalArrayAndOfARow() {
    check("""
        @Differentiable static double[] f(double[] x, double[][] w) {
          double[] a = new double[] {x[0] * x[1], x[1]};
          double[] b = a.clone();
          b[0] = b[0] * 3;
          double[] row = w[1].clone();
          row[0] = row[0] * a[0];
          double[] out = new double[] {a[0] + b[0], b[1] * row[0], row[1]};
          return out;
        }
        """).atRandomPoints(POINTS, r -> new Object[] {vector(r, 2, -1, 1), matrix(r, 2, 2, -1, 1)});
  }

  @Test
  void ifElse() {
    check("""
        @Differentiable static double f(double x, double y) {
          double r;
          if (x > y) {
            r = x * x;
          } else if (x < -0.5) {
            r = Math.sin(y);
          } else {
            r = x * y;
            r = r + y;
          }
          if (r > 0) r = r * 2;
          else r = r - x;
          return r;
        }
        """).atRandomPoints(8, r -> new Object[] {uniform(r, -1, 1), uniform(r, -1, 1)});
  }

  @Test
  void conditionalExpression() {
    check("""
        @Differentiable static double f(double x, double y) {
          double a = x > 0 ? x * y : y - x;
          double b = (a < 0.2) ? Math.exp(a) : a * a;
          int k = x > y ? 2 : 3;
          return a + b * k + (y > 0 ? y : 0.5);
        }
        """).atRandomPoints(8, r -> new Object[] {uniform(r, -1, 1), uniform(r, -1, 1)});
  }

  @Test
  void forLoop() {
    check("""
        @Differentiable static double f(double[] x, double c) {
          double s = 0;
          for (int i = 0; i + 1 < x.length; i++) {
            double a = x[i + 1] - x[i] * x[i];
            double b = c - x[i];
            s += 100 * a * a + b * b;
          }
          return s;
        }
        """).atRandomPoints(POINTS, r -> new Object[] {vector(r, 4, -1, 1), uniform(r, 0, 2)});
  }

  @Test
  void enhancedForOverAVectorAndOverTheRowsOfAMatrix() {
    check("""
        @Differentiable static double f(double[] x, double[][] w) {
          double s = 0;
          for (double v : x) {
            s += v * v;
          }
          for (double[] row : w) {
            for (double e : row) {
              s += e * s * 0.5;
            }
          }
          var t = 0.0;
          for (var v : x) t = t * v + 1;
          return s + t;
        }
        """).atRandomPoints(POINTS, r -> new Object[] {vector(r, 3, -1, 1), matrix(r, 2, 3, -1, 1)});
  }

  @Test
  void whileAndDoWhile() {
    check("""
        @Differentiable static double f(double x, int n) {
          double s = x;
          int i = 0;
          while (i < n) {
            s = Math.sin(s) + x;
            i++;
          }
          do {
            s = s * x;
            i--;
          } while (i > 1);
          return s;
        }
        """).atRandomPoints(POINTS, r -> new Object[] {uniform(r, -1.5, 1.5), r.nextInt(5)});
  }

  @Test
  void whileLoopWithADifferentiableCondition() {
    check("""
        @Differentiable static double f(double x) {
          double s = 1;
          while (s < 10) {
            s = s * (1 + x * x);
          }
          return s * x;
        }
        """).atRandomPoints(POINTS, r -> new Object[] {uniform(r, 0.5, 1.5)});
  }

  @Test
  void breakAndContinueTogether() {
    check("""
        @Differentiable static double f(double[] x) {
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            if (x[i] < 0) continue;
            s += x[i] * s + x[i];
            if (s > 2) break;
          }
          return s;
        }
        """).atRandomPoints(10, r -> new Object[] {vector(r, 6, -1, 1.5)});
  }

  @Test
  void breakOutOfAWhileTrue() {
    check("""
        @Differentiable static double f(double x) {
          double s = x;
          int i = 0;
          while (true) {
            s = s * 1.5 + x;
            i++;
            if (i >= 4) {
              break;
            }
          }
          return s;
        }
        """).atRandomPoints(POINTS, r -> new Object[] {uniform(r, -2, 2)});
  }

  @Test
  void earlyReturnInLoopsAndBranches() {
    check("""
        @Differentiable static double f(double x, double[] y) {
          if (x > 1) return x * x;
          double s = x;
          for (int i = 0; i < y.length; i++) {
            s = s * y[i] + x;
            if (s > 3) {
              return s * y[i];
            }
          }
          if (s < -1) {
            return s * s;
          } else {
            s = s + 1;
          }
          return s * x;
        }
        """).atRandomPoints(12, r -> new Object[] {uniform(r, -1.5, 1.5), vector(r, 4, -2, 2.5)});
  }

  @Test
  void returnInsideAnInfiniteLoop() {
    check("""
        @Differentiable static double f(double x) {
          double s = x;
          while (true) {
            s = s + x * x + 0.5;
            if (s > 5) {
              return s * x;
            }
          }
        }
        """).atRandomPoints(POINTS, r -> new Object[] {uniform(r, -1, 1)});
  }

  @Test
  void numericCasts() {
    check("""
        @Differentiable static double f(double x, double y) {
          int k = (int) (x * 3);
          long m = (long) (y * 2);
          double a = (double) k * x + (double) m * y + (int) y;
          double b = (double) (x * y);
          int i = (int) m;
          long l = (long) k;
          return a + b + k + i * x + (double) l * y;
        }
        """).atRandomPoints(8, r -> new Object[] {uniform(r, -3, 3), uniform(r, -3, 3)});
  }

  @Test
  void staticFinalConstantsAndMathConstants() {
    check("""
        static final double SCALE = 2.5;
        static final int N = 3;
        static final double NEG = -0.25;
        static final double[] W = {0.5, -1.5, 2.0};
        static final double[][] M = {{1, 2}, {3, 4}};
        @Differentiable static double f(double[] x) {
          double s = 0;
          for (int i = 0; i < N; i++) {
            s += W[i] * x[i] * SCALE;
          }
          for (double w : W) {
            s += w * x[0] * x[0];
          }
          return s * Math.PI + Math.E * x[0] + M[1][0] * x[1] + NEG * x[2] * W.length;
        }
        """).atRandomPoints(POINTS, r -> new Object[] {vector(r, 3, -1, 1)});
  }

  @Test
  void lengthOfAStaticFinalArrayConstant() {
    check("""
        static final double[] W = {0.5, -1.5, 2.0};
        @Differentiable static double f(double x) {
          return x * W.length;
        }
        """).atRandomPoints(POINTS, r -> new Object[] {uniform(r, -1, 1)});
  }

  @Test
  void intLongBooleanParametersAndLocalsSteerControlFlow() {
    check("""
        @Differentiable static double f(double x, int n, long m, boolean flip) {
          boolean neg = x < 0;
          double s = 0;
          for (int i = 0; i < n; i++) {
            s += x * i;
          }
          for (long j = 0; j < m; j++) {
            s *= 1.1 + x;
          }
          if (flip != neg && n % 2 == 0) {
            s = -s;
          }
          boolean both = flip && !neg || n > 2;
          return both ? s * x : s + x;
        }
        """).atRandomPoints(12, r -> new Object[] {uniform(r, -1, 1), r.nextInt(5), (long) r.nextInt(3),
            r.nextBoolean()});
  }

  @Test
  void intArrayParameterIndexes() {
    check("""
        @Differentiable static double f(double[] x, int[] idx) {
          double s = 0;
          for (int i = 0; i < idx.length; i++) {
            s += x[idx[i]] * x[idx[i]] * (i + 1);
          }
          return s;
        }
        """).atRandomPoints(POINTS, r -> new Object[] {vector(r, 3, -1, 1), new int[] {2, 0, 2, 1}});
  }

  @Test
  void vectorResult() {
    check("""
        @Differentiable static double[] f(double[] m, double c) {
          double[] k = new double[2];
          k[0] = m[0] * m[0] + 3 * m[1];
          k[1] = m[1] * m[1] + 2 * m[0] * c;
          return k;
        }
        """).atRandomPoints(POINTS, r -> new Object[] {vector(r, 2, -1, 1), uniform(r, -2, 2)});
  }

  @Test
  void matrixResultFromMatrixInput() {
    check("""
        @Differentiable static double[][] f(double[][] a, double[] v) {
          double[][] out = new double[a.length][a[0].length];
          for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
              out[i][j] = Math.tanh(a[i][j] * v[j]) + a[i][j];
            }
          }
          return out;
        }
        """).atRandomPoints(POINTS, r -> new Object[] {matrix(r, 2, 3, -1, 1), vector(r, 3, -1, 1)});
  }

  @Test
  void returningAParameterArrayItself() {
    check("""
        @Differentiable static double[] f(double[] x) {
          return x;
        }
        """).atRandomPoints(POINTS, r -> new Object[] {vector(r, 3, -1, 1)});
  }

  @Test
  void returningARowOfAMatrixParameter() {
    check("""
        @Differentiable static double[] f(double[][] m, int i) {
          return m[i];
        }
        """).atRandomPoints(POINTS, r -> new Object[] {matrix(r, 3, 2, -1, 1), r.nextInt(3)});
  }

  @Test
  void explicitEulerOdeIntegration() {
    check("""
        @Differentiable static double[] f(double[] y0, double k, double dt) {
          double[] y = y0.clone();
          double[] dy = new double[y.length];
          for (int step = 0; step < 20; step++) {
            for (int i = 0; i < y.length; i++) {
              dy[i] = -k * y[i] + Math.sin(y[(i + 1) % y.length]);
            }
            for (int i = 0; i < y.length; i++) {
              y[i] += dt * dy[i];
            }
          }
          return y;
        }
        """).atRandomPoints(POINTS, r -> new Object[] {vector(r, 3, -1, 1), uniform(r, 0.5, 2), uniform(r, 0.01, 0.1)});
  }

  @Test
  void dynamicProgrammingOverwritingALocalArrayInPlace() {
    check("""
        @Differentiable static double f(double[] c) {
          int n = c.length;
          double[] best = new double[n];
          best[0] = c[0];
          for (int i = 1; i < n; i++) {
            best[i] = Math.min(best[i - 1] * 0.5, c[i] * c[i]) + c[i];
          }
          for (int pass = 0; pass < 3; pass++) {
            for (int i = n - 1; i > 0; i--) {
              best[i] = best[i] * best[i - 1] * 0.3 + c[i];
            }
          }
          return best[n - 1];
        }
        """).atRandomPoints(8, r -> new Object[] {vector(r, 5, -1, 1)});
  }

  @Test
  void nestedLoopsWithEarlyReturnBreakAndContinue() {
    check("""
        @Differentiable static double f(double[][] w, double x) {
          double s = x;
          for (int i = 0; i < w.length; i++) {
            for (int j = 0; j < w[i].length; j++) {
              if (w[i][j] < -0.5) continue;
              s = s * w[i][j] + x;
              if (s > 4) break;
              if (s < -4) return s * x;
            }
            s = Math.tanh(s) * 2;
          }
          return s;
        }
        """).atRandomPoints(12, r -> new Object[] {matrix(r, 3, 3, -1, 2), uniform(r, -2, 2)});
  }
}
