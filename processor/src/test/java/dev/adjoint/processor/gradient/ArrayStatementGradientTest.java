package dev.adjoint.processor.gradient;

import static dev.adjoint.processor.testing.GradCheck.matrix;
import static dev.adjoint.processor.testing.GradCheck.uniform;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import org.junit.jupiter.api.Test;

/**
 * {@code int[]} and {@code boolean[]} locals and the JDK array methods ({@code System.arraycopy},
 * {@code Arrays.fill}, {@code Arrays.copyOf}, {@code Arrays.copyOfRange}): each method compiled through the
 * processor, its value compared with the original's, its reverse gradient and its {@code mJvp} with central
 * differences of the original, and its arguments checked unchanged ({@link GradCheck}).
 */
class ArrayStatementGradientTest {
  static final int POINTS = 5;

  static GradCheck check(String members) {
    return GradCheck.of(ConstructGradientTest.wrap(members), "f");
  }

  @Test
  void intArrayLocalsWrittenAndReadAsIndices() {
    check("""
        @Differentiable static double f(double[] x, int shift) {
          int n = x.length;
          int[] perm = new int[n];
          for (int i = 0; i < n; i++) {
            perm[i] = (i + shift) % n;
          }
          int t = perm[0];
          perm[0] = perm[n - 1];
          perm[n - 1] = t;
          perm[1]++;
          perm[1] %= n;
          int[] weights = {3, 1, 2};
          boolean[] seen = new boolean[n];
          double s = 0;
          for (int i = 0; i < n; i++) {
            if (!seen[perm[i]]) {
              seen[perm[i]] = true;
              s += weights[i % 3] * x[perm[i]] * x[i];
            }
            perm[i] = n - 1 - perm[i];
            s += Math.sin(x[perm[i]]) * s;
          }
          for (int p : perm) {
            s += x[p];
          }
          for (boolean b : seen) {
            s += b ? 1 : 0;
          }
          return s;
        }
        """).atRandomPoints(POINTS, r -> new Object[] {vector(r, 5, -1, 1), r.nextInt(5)});
  }

  @Test
  void intAndBooleanArraysReassignedAndOverwrittenInLoops() {
    // The reverse sweep needs each iteration's index vector and flags: references and elements restored.
    check("""
        @Differentiable static double f(double[] x, int n) {
          double s = 0.25;
          int[] idx = new int[0];
          boolean[] on = new boolean[x.length];
          for (int i = 0; i < n; i++) {
            idx = new int[1 + i % x.length];
            for (int k = 0; k < idx.length; k++) {
              idx[k] = (k * 3 + i) % x.length;
              on[idx[k]] = !on[idx[k]];
            }
            for (int k = 0; k < idx.length; k++) {
              s = on[idx[k]] ? s * x[idx[k]] + Math.sin(s) : s - x[idx[k]] * 0.5;
            }
          }
          return s + idx.length;
        }
        """).at(new double[] {0.3, -0.7, 0.5, 0.9}, 5).at(new double[] {-0.2, 0.4, 0.1, -0.6}, 2);
  }

  @Test
  void intArraysPassedToHelpersThatOnlyReadThem() {
    check("""
        static int largest(int[] p, int n) {
          int best = 0;
          for (int i = 1; i < n; i++) {
            if (p[i] > p[best]) {
              best = i;
            }
          }
          return p[best];
        }
        static int[] rotated(int n, int by) {
          int[] r = new int[n];
          for (int i = 0; i < n; i++) {
            r[i] = (i + by) % n;
          }
          return r;
        }
        @Differentiable static double f(double[] x, int k) {
          int[] p = rotated(x.length, k);
          double s = x[largest(p, x.length)] * x[p[0]];
          p[0] = largest(p, 2);
          return s + Math.sin(x[p[0]]) * x[p[1]];
        }
        """).at(new double[] {0.3, -0.7, 0.5, 0.9}, 1).at(new double[] {-0.2, 0.4, 0.1, -0.6}, 3);
  }

  @Test
  void intArrayWrittenInALoopWhoseReverseReadsItsOldValues() {
    // idx is rewritten every iteration; the reverse sweep reads idx[0] as it was in each iteration.
    check("""
        @Differentiable static double f(double[] x) {
          int[] idx = new int[1];
          double s = 1;
          for (int i = 0; i < 6; i++) {
            idx[0] = (idx[0] * 3 + 1) % x.length;
            s = s * x[idx[0]] + Math.cos(s);
          }
          int[] copy = idx.clone();
          copy[0] = 0;
          return s + x[idx[0]] * x[copy[0]];
        }
        """).atRandomPoints(POINTS, r -> new Object[] {vector(r, 4, -1, 1)});
  }

  @Test
  void intArrayWriteWhoseIndexReadsTheArrayInALoop() {
    // perm[i % perm.length] reads perm (its length): the slot and the saved element share the int tape.
    check("""
        @Differentiable static double f(double[] x, int n) {
          double s = 0.5;
          int[] perm = {3, 0, 2, 1};
          for (int i = 0; i < n; i++) {
            s = s * 0.6 + Math.tanh(x[perm[i % perm.length]] * s + x[i % 4]);
            perm[i % perm.length] = perm[(i + 1) % perm.length];
            perm[perm[0]] = (perm[perm[0]] + 1) % 4;
          }
          return s;
        }
        """).at(new double[] {0.3, -0.7, 0.5, 0.9}, 7).at(new double[] {-0.2, 0.4, 0.1, -0.6}, 3);
  }

  /**
   * GradBench's det by expansion in minors, written naturally in Java: each level passes the remaining
   * column indices as a new {@code int[]} to the recursive call.
   */
  static final String DET = """
      @Differentiable static double f(double[] a, int ell) {
        int[] cols = new int[ell];
        for (int j = 0; j < ell; j++) {
          cols[j] = j;
        }
        return minor(a, ell, 0, cols);
      }

      @Differentiable static double minor(double[] a, int ell, int row, int[] cols) {
        int n = cols.length;
        if (n == 1) {
          return a[row * ell + cols[0]];
        }
        double det = 0;
        double sign = 1;
        int[] rest = new int[n - 1];
        for (int j = 0; j < n; j++) {
          int k = 0;
          for (int c = 0; c < n; c++) {
            if (c != j) {
              rest[k] = cols[c];
              k++;
            }
          }
          det += sign * a[row * ell + cols[j]] * minor(a, ell, row + 1, rest);
          sign = -sign;
        }
        return det;
      }
      """;

  @Test
  void gradBenchDetWithIntIndexVectors() {
    check(DET).atRandomPoints(3, r -> new Object[] {vector(r, 16, 0, 1), 4})
        .at(new double[] {2, 1, 0, 1, 3, 1, 0, 1, 4}, 3);
  }

  @Test
  void arraycopyOfDoublesIntoLocalsAndRows() {
    check("""
        @Differentiable static double f(double[] x, double[][] m) {
          double[] y = new double[x.length + 2];
          System.arraycopy(x, 0, y, 1, x.length);
          double[][] rows = new double[2][3];
          System.arraycopy(m[1], 0, rows[0], 0, 3);
          System.arraycopy(y, 2, rows[1], 0, 3);
          double s = 0;
          for (int i = 0; i < 3; i++) {
            s += rows[0][i] * rows[1][i] + y[i] * Math.sin(rows[1][i]);
          }
          return s + y[0] + y[y.length - 1];
        }
        """).atRandomPoints(POINTS, r -> new Object[] {vector(r, 4, -1, 1), matrix(r, 2, 3, -1, 1)});
  }

  @Test
  void arraycopyWithinOneArrayInBothDirectionsInALoop() {
    // Overlapping copies behave as if through a temporary; each copy overwrites values the reverse sweep
    // needs, and the loop repeats it.
    check("""
        @Differentiable static double[] f(double[] x, int up) {
          double[] y = x.clone();
          for (int r = 0; r < 3; r++) {
            if ((r + up) % 2 == 0) {
              System.arraycopy(y, 0, y, 1, y.length - 1);
            } else {
              System.arraycopy(y, 1, y, 0, y.length - 1);
            }
            y[r] = y[r] * y[r + 1] + Math.exp(y[0]);
          }
          double[][] m = new double[2][y.length];
          System.arraycopy(y, 0, m[0], 0, y.length);
          int i = 0;
          System.arraycopy(m[i], 0, m[i], 2, 2);
          System.arraycopy(m[0], 1, m[i + 1], 0, 3);
          y[0] += m[0][2] * m[1][1];
          return y;
        }
        """).atRandomPoints(POINTS, r -> new Object[] {vector(r, 5, -1, 1), r.nextInt(2)});
  }

  @Test
  void fillWholeAndRangeWithActiveValuesInALoop() {
    check("""
        @Differentiable static double f(double[] x, double v) {
          double[] y = new double[x.length];
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            java.util.Arrays.fill(y, x[i] * v);
            java.util.Arrays.fill(y, 1, i + 1, Math.sin(y[0]) + s);
            for (int j = 0; j < y.length; j++) {
              s += y[j] * x[j];
            }
          }
          return s;
        }
        """).atRandomPoints(POINTS, r -> new Object[] {vector(r, 4, -1, 1), uniform(r, -1, 1)});
  }

  @Test
  void copyOfAndCopyOfRangeGrowShrinkAndPadWithZeros() {
    check("""
        @Differentiable static double[] f(double[] x, double t) {
          double[] a = java.util.Arrays.copyOf(x, x.length + 2);
          a[x.length + 1] = t * a[0];
          double[] b = java.util.Arrays.copyOfRange(a, 1, 3);
          double[] c = java.util.Arrays.copyOfRange(x, 2, x.length + 3);
          for (int i = 0; i < 3; i++) {
            b = java.util.Arrays.copyOf(b, b.length + 1);
            b[b.length - 1] = b[i] * t + c[i];
          }
          double[][] m = new double[2][];
          m[1] = java.util.Arrays.copyOf(b, 2);
          m[0] = java.util.Arrays.copyOfRange(m[1], 0, 4);
          b[0] += m[0][1] * a[x.length + 1];
          return b;
        }
        """).atRandomPoints(POINTS, r -> new Object[] {vector(r, 4, -1, 1), uniform(r, -1, 1)});
  }

  @Test
  void jdkArrayMethodsOnIntAndBooleanArrays() {
    check("""
        @Differentiable static double f(double[] x, int[] order) {
          int[] idx = java.util.Arrays.copyOf(order, order.length + 1);
          idx[order.length] = 0;
          int[] back = new int[idx.length];
          System.arraycopy(idx, 0, back, 0, idx.length);
          System.arraycopy(back, 0, back, 1, back.length - 1);
          boolean[] use = new boolean[idx.length];
          java.util.Arrays.fill(use, true);
          java.util.Arrays.fill(use, 1, 2, false);
          int[] ones = new int[3];
          java.util.Arrays.fill(ones, 1);
          int[] tail = java.util.Arrays.copyOfRange(back, 1, back.length);
          boolean[] flags = java.util.Arrays.copyOf(use, 2);
          double s = 0;
          for (int i = 0; i < idx.length; i++) {
            if (use[i] && (i >= flags.length || flags[i])) {
              s += x[idx[i]] * x[back[i]] * ones[i % 3];
            }
          }
          for (int i = 0; i < tail.length; i++) {
            s += Math.cos(x[tail[i]]);
          }
          return s;
        }
        """).atRandomPoints(POINTS, r -> new Object[] {vector(r, 4, -1, 1), new int[] {3, 1, 0, 2}});
  }

  @Test
  void staticImportsOfArraysMethods() {
    GradCheck.of("""
        package demo;
        import static java.util.Arrays.copyOf;
        import static java.util.Arrays.fill;
        import dev.adjoint.Differentiable;
        final class F {
          @Differentiable static double f(double[] x) {
            double[] y = copyOf(x, 3);
            fill(y, 1, 2, y[0] * y[2]);
            return y[0] * y[1] + y[2];
          }
        }
        """, "f").atRandomPoints(POINTS, r -> new Object[] {vector(r, 3, -1, 1)});
  }

  @Test
  void floorModFloorDivAndStrictMath() {
    check("""
        @Differentiable static double f(double x, int k) {
          int m = Math.floorMod(k, 3);
          int d = Math.floorDiv(k, 2);
          long ml = StrictMath.floorMod(-7L, 3L);
          double y = StrictMath.sin(x) * m + StrictMath.exp(x) * d + StrictMath.pow(x, 2) + ml;
          return y + StrictMath.hypot(x, 1.5) + Math.floorMod(-k, 4) * StrictMath.atan2(x, 2);
        }
        """).at(0.3, -5).at(-1.1, 4).at(0.7, 7).at(1.3, -1);
  }

  @Test
  void switchOverCharValuesAndLabels() {
    check("""
        @Differentiable static double f(double x, int k) {
          int[] codes = {'a', 'b', 'z', 'q'};
          double y = x;
          for (int i = 0; i < codes.length; i++) {
            switch (codes[(i + k) % 4]) {
              case 'a' -> y = y * x;
              case 'b', 'z' -> y += Math.sin(y);
              default -> y -= x / 3;
            }
          }
          switch (k > 1 ? 'u' : 'v') {
            case 'u':
              y *= 2;
            case 'v':
              y += x;
          }
          return y;
        }
        """).at(0.7, 0).at(0.7, 1).at(-0.4, 2).at(1.1, 3);
  }

  @Test
  void boundsChecksAndThrowsNextToVariablesNamedLikeGeneratedCode() {
    // A local named dev, Math or ArrayAdjoints is renamed in the companion, also inside forward-only statements.
    check("""
        @Differentiable static double f(double[] x, int n) {
          double[] dev = new double[x.length];
          int ArrayAdjoints = 1;
          System.arraycopy(x, 0, dev, ArrayAdjoints, x.length - ArrayAdjoints);
          double Math = dev[1] * x[0];
          if (Math > 100) {
            throw new IllegalArgumentException("too large: " + Math + " at " + ArrayAdjoints);
          }
          java.util.Arrays.fill(dev, 0, n, Math * 2);
          return dev[0] * dev[1] + dev[x.length - 1];
        }
        """).at(new double[] {0.3, -0.7, 0.5}, 1).at(new double[] {-0.2, 0.4, 0.1}, 2);
  }

  static final String BOUNDS = """
      @Differentiable static double f(double[] x, int from, int n) {
        double[] y = new double[4];
        System.arraycopy(x, from, y, 1, n);
        double[] z = new double[3];
        java.util.Arrays.fill(z, from, n, x[0]);
        double[] w = java.util.Arrays.copyOfRange(x, from, n);
        return y[1] * z[0] + w.length;
      }
      """;

  @Test
  void badBoundsThrowTheJdksExceptions() {
    CompiledCompanion compiled = CompiledCompanion.compile("demo.F", ConstructGradientTest.wrap(BOUNDS));
    GradCheck.of(compiled, "demo.F", "f").at(new double[] {0.5, -1.2, 0.3}, 0, 2).at(new double[] {0.5, 1, 2}, 1, 2);
    Object[][] bad = {{-1, 2}, {0, -1}, {2, 2}, {0, 4}, {2, 1}, {-1, -2}};
    for (Object[] b : bad) {
      Object[] args = {new double[] {0.5, -1.2, 0.3}, b[0], b[1]};
      RuntimeException expected = assertThrows(RuntimeException.class,
          () -> compiled.callStatic("demo.F", "f", args));
      for (String member : new String[] {"f", "fGradient"}) {
        RuntimeException actual = assertThrows(RuntimeException.class,
            () -> compiled.callStatic("demo.FGrad", member, args));
        assertEquals(expected.getClass(), actual.getClass(), member + " at " + b[0] + ", " + b[1]);
      }
    }
  }
}
