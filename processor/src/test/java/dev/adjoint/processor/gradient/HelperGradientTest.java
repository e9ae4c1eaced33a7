package dev.adjoint.processor.gradient;

import static dev.adjoint.processor.testing.GradCheck.matrix;
import static dev.adjoint.processor.testing.GradCheck.uniform;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import dev.adjoint.processor.testing.ModeCheck;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Plain static helpers (no {@code @Differentiable}) whose source is in the compilation, called with
 * differentiable arguments: differentiated automatically, transitively, recursion included (design.md §7
 * "Calls"). Every gradient is checked against central differences.
 */
class HelperGradientTest {
  @Test
  void scalarHelper() {
    GradCheck.of(ConstructGradientTest.wrap("""
        static double sq(double x) {
          return x * x;
        }
        @Differentiable static double f(double x, double y) {
          return sq(x) * y + sq(sq(y) - x);
        }
        """), "f").atRandomPoints(5, r -> new Object[] {uniform(r, -1, 1), uniform(r, -1, 1)});
  }

  @Test
  void arrayArgumentsAndArrayResults() {
    GradCheck.of(ConstructGradientTest.wrap("""
        static double dot(double[] a, double[] b) {
          double s = 0;
          for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
          }
          return s;
        }
        static double[] axpy(double a, double[] x, double[] y) {
          double[] out = new double[x.length];
          for (int i = 0; i < x.length; i++) {
            out[i] = a * x[i] + Math.sin(y[i]);
          }
          return out;
        }
        static double[][] outer(double[] u, double[] v) {
          double[][] m = new double[u.length][v.length];
          for (int i = 0; i < u.length; i++) {
            for (int j = 0; j < v.length; j++) {
              m[i][j] = u[i] * v[j];
            }
          }
          return m;
        }
        static double trace(double[][] m) {
          double t = 0;
          for (int i = 0; i < m.length; i++) {
            t += m[i][i] * m[i][i];
          }
          return t;
        }
        @Differentiable static double f(double a, double[] x, double[] y) {
          double[] z = axpy(a, x, y);
          double[][] m = outer(z, x);
          z[0] = z[0] * 3;
          return dot(z, y) + trace(m) + dot(z, z);
        }
        """), "f").atRandomPoints(5, r -> new Object[] {uniform(r, -1, 1), vector(r, 3, -1, 1), vector(r, 3, -1, 1)});
  }

  @Test
  void helperCallingHelperAndArrayResultOfTheMethod() {
    GradCheck.of(ConstructGradientTest.wrap("""
        static double softplus(double x) {
          return Math.log1p(Math.exp(x));
        }
        static double[] layer(double[] w, double[] x) {
          double[] out = new double[x.length];
          for (int i = 0; i < x.length; i++) {
            out[i] = softplus(w[i] * x[i] + w[0]);
          }
          return out;
        }
        static double[] twoLayers(double[] w, double[] x) {
          double[] h = layer(w, x);
          return layer(w, h);
        }
        @Differentiable static double[] f(double[] w, double[] x) {
          return twoLayers(w, x);
        }
        """), "f").atRandomPoints(5, r -> new Object[] {vector(r, 3, -1, 1), vector(r, 3, -1, 1)});
  }

  @Test
  void helpersInConditionsLoopsAndBranchesOfConditionals() {
    GradCheck.of(ConstructGradientTest.wrap("""
        static double sq(double x) {
          return x * x;
        }
        static double cube(double x) {
          return x * sq(x);
        }
        @Differentiable static double f(double x, double[] v) {
          double s = x > 0 ? sq(x) : cube(x);
          if (sq(x) > 0.25) {
            s += cube(v[0]);
          }
          for (int i = 0; i < v.length; i++) {
            s += i % 2 == 0 ? sq(v[i] * s) : cube(v[i]) * s;
          }
          return s;
        }
        """), "f").atRandomPoints(8, r -> new Object[] {uniform(r, -1, 1), vector(r, 3, -1, 1)});
  }

  @Test
  void aHelperReturningItsArgumentIsAView() {
    GradCheck.of(ConstructGradientTest.wrap("""
        static double[] pick(double[] a, double[] b, int k) {
          if (k > 0) {
            return a;
          }
          return b;
        }
        @Differentiable static double f(double[] x, double[] y, int k) {
          double[] v = pick(x, y, k);
          return v[0] * x[1] + v[1] * y[0];
        }
        """), "f").atRandomPoints(4, r -> new Object[] {vector(r, 2, -1, 1), vector(r, 2, -1, 1), r.nextInt(2)});
  }

  @Test
  void aHelperOverloadingATinyDifferentiableMethodKeepsItsOwnBoundary() {
    // mix(double) is tiny and recomputed by its callers (m$pullback); the plain overload mix(double, double)
    // must still go through its own specialisation, not through the other method's pullback.
    GradCheck.of(ConstructGradientTest.wrap("""
        static double mix(double a, double b) {
          return a * b + Math.sin(a);
        }
        @Differentiable static double mix(double a) {
          return 3 * a * a;
        }
        @Differentiable static double f(double x, double y) {
          return mix(x, y) + mix(y) * mix(y, x);
        }
        """), "f").atRandomPoints(5, r -> new Object[] {uniform(r, -1, 1), uniform(r, -1, 1)});
  }

  @Test
  void directRecursion() {
    GradCheck.of(ConstructGradientTest.wrap("""
        static double power(double x, int n) {
          if (n == 0) {
            return 1;
          }
          return x * power(x, n - 1);
        }
        static double sumTail(double[] v, int from) {
          return from == v.length ? 0 : v[from] * v[from] + sumTail(v, from + 1);
        }
        @Differentiable static double f(double x, double[] v) {
          return power(x, 3) + sumTail(v, 0) * power(x, 2);
        }
        """), "f").atRandomPoints(5, r -> new Object[] {uniform(r, -1, 1), vector(r, 4, -1, 1)});
  }

  @Test
  void mutualRecursion() {
    GradCheck.of(ConstructGradientTest.wrap("""
        static double even(double x, int n) {
          if (n == 0) {
            return x;
          }
          return Math.sin(odd(x * 1.1, n - 1));
        }
        static double odd(double x, int n) {
          return Math.cos(even(x + 0.3, n - 1)) * x;
        }
        @Differentiable static double f(double x) {
          return even(x, 6) + odd(x, 3);
        }
        """), "f").atRandomPoints(5, r -> new Object[] {uniform(r, -1, 1)});
  }

  @Test
  void sameHelperWithActiveAndInactiveArguments() {
    CompiledCompanion c = CompiledCompanion.compile(List.of(JavaFileObjects.forSourceString("demo.F",
        ConstructGradientTest.wrap("""
            static double mix(double a, double b) {
              return a * Math.exp(b) + b * b;
            }
            @Differentiable static double f(double x, int n) {
              double c = 0.25 * n - 1;
              double k = mix(0.5 * n, c);
              return mix(x, c) + mix(c, x) * k + mix(x, x);
            }
            """))), List.of());
    GradCheck.of(c, "demo.F", "f").atRandomPoints(5, r -> new Object[] {uniform(r, -1, 1), 3});
    Class<?> companion = c.load("demo.FGrad");
    // One specialisation per activity pattern; the inactive call mix(0.5 * n, c) is a constant.
    List<String> records = java.util.Arrays.stream(companion.getDeclaredMethods()).map(Method::getName)
        .filter(n -> n.endsWith("$record")).sorted().toList();
    assertEquals(List.of("f$record", "mix$01$record", "mix$10$record", "mix$11$record"), records);
    for (Method m : companion.getDeclaredMethods()) {
      if (m.getName().startsWith("mix$")) {
        assertFalse(Modifier.isPublic(m.getModifiers()), m + " is public");
      }
    }
    for (Class<?> nested : companion.getDeclaredClasses()) {
      if (nested.getSimpleName().startsWith("Mix$")) {
        assertFalse(Modifier.isPublic(nested.getModifiers()), nested + " is public");
      }
    }
  }

  @Test
  void constantHelpersTakingArrays() {
    // mean(data) does not depend on the inputs, argmax(x) returns an int: both run as they are.
    GradCheck.of(ConstructGradientTest.wrap("""
        static double mean(double[] v) {
          double s = 0;
          for (double e : v) {
            s += e;
          }
          return s / v.length;
        }
        static int argmax(double[] v) {
          int best = 0;
          for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
              best = i;
            }
          }
          return best;
        }
        @Differentiable static double f(double[] x, int n) {
          double[] data = new double[n];
          for (int i = 0; i < n; i++) {
            data[i] = i * 0.5;
          }
          int k = argmax(x);
          return x[k] * mean(data) + mean(x) * x[0];
        }
        """), "f").atRandomPoints(5, r -> new Object[] {vector(r, 4, -1, 1), 3});
  }

  @Test
  void privateHelpersRunThroughTheirSpecialisation() {
    // The companion cannot call a private helper: even its constant calls run through a specialisation.
    GradCheck.of(ConstructGradientTest.wrap("""
        private static double sq(double x) {
          return x * x;
        }
        private static final class Maths {
          private static double poly(double[] c, double x, int i) {
            return i == c.length ? 0 : c[i] + x * poly(c, x, i + 1);
          }
        }
        @Differentiable static double f(double x, double[] c, int n) {
          double k = sq(0.5 * n);
          if (sq(x) > 0.1) {
            k += Maths.poly(c, 0.5 * n, 0);
          }
          return sq(x) * k + Maths.poly(c, x, 0);
        }
        """), "f").atRandomPoints(6, r -> new Object[] {uniform(r, -1, 1), vector(r, 3, -1, 1), 2});
  }

  @Test
  void overloadsResolveAsJavacDoes() {
    GradCheck.of(ConstructGradientTest.wrap("""
        static double h(double x) {
          return x * x * x;
        }
        static double h(double[] v) {
          return v[0] * v[1];
        }
        static int h(int n) {
          return n + 1;
        }
        static double h(long n) {
          return 1000;
        }
        static double h(double x, double y) {
          return x / (1 + y * y);
        }
        @Differentiable static double f(double x, double[] v, int n) {
          return h(x) + h(v) * h(n) + h(x, h(v)) + h((long) n) + h(n * 1.0);
        }
        """), "f").atRandomPoints(5, r -> new Object[] {uniform(r, -1, 1), vector(r, 2, -1, 1), 2});
  }

  @Test
  void helpersInOtherClassesOfTheCompilation() {
    CompiledCompanion c = CompiledCompanion.compile(List.of(
        JavaFileObjects.forSourceString("demo.Util", """
            package demo;
            final class Util {
              private Util() {}
              static double sq(double x) {
                return x * x;
              }
              static double norm2(double[] v) {
                double s = 0;
                for (double e : v) {
                  s += sq(e);
                }
                return s;
              }
            }
            """),
        JavaFileObjects.forSourceString("demo.F", ConstructGradientTest.wrap("""
            static double sq(double x) {
              return Math.sin(x);
            }
            @Differentiable static double f(double x, double[] v) {
              return Util.sq(x) * Util.norm2(v) + sq(x);
            }
            """))), List.of());
    GradCheck.of(c, "demo.F", "f").atRandomPoints(5, r -> new Object[] {uniform(r, -1, 1), vector(r, 3, -1, 1)});
  }

  @Test
  void multivariateLogGammaAsInGradBenchGmm() {
    CompiledCompanion c = CompiledCompanion.compile(List.of(JavaFileObjects.forSourceString("demo.F",
        ConstructGradientTest.wrap("""
            static double logGamma(double x) {
              if (x < 0.5) {
                return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
              }
              double[] c = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
                  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
                  1.5056327351493116e-7};
              x -= 1;
              double a = c[0];
              double t = x + 7.5;
              for (int i = 1; i < 9; i++) {
                a += c[i] / (x + i);
              }
              return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
            }
            static double logGammaDistrib(double a, int p) {
              double out = 0.25 * p * (p - 1) * Math.log(Math.PI);
              for (int j = 1; j <= p; j++) {
                out += logGamma(a + 0.5 * (1 - j));
              }
              return out;
            }
            @Differentiable static double f(double a, int n, int d) {
              return logGammaDistrib(a, d) - logGammaDistrib(0.5 * n, d);
            }
            """))), List.of());
    GradCheck.of(c, "demo.F", "f").atRandomPoints(5, r -> new Object[] {uniform(r, 0.2, 4), 7, 3});
    // Γ(5) = 24: the helper's value is exact, and d/da log Γ(a) at a = 5 is ψ(5) = 25/12 − γ.
    Object g = c.callStatic("demo.FGrad", "fGradient", 5.0, 4, 1);
    assertEquals(25.0 / 12 - 0.5772156649015329, (double) CompiledCompanion.components(g).get("a"), 1e-9);
  }

  @Test
  void forwardModeThroughHelpers() {
    CompiledCompanion c = CompiledCompanion.compile(List.of(JavaFileObjects.forSourceString("demo.F",
        ConstructGradientTest.wrap("""
            static double sq(double x) {
              return x * x;
            }
            static double[] scale(double[] v, double s) {
              double[] out = new double[v.length];
              for (int i = 0; i < v.length; i++) {
                out[i] = sq(v[i]) * s;
              }
              return out;
            }
            @Differentiable static double f(double x, double[] v) {
              double[] w = scale(v, x);
              return sq(w[0]) + w[1] * x;
            }
            """))), List.of());
    GradCheck.of(c, "demo.F", "f").atRandomPoints(3, r -> new Object[] {uniform(r, -1, 1), vector(r, 2, -1, 1)});
    ModeCheck.of(c, "demo.F", "f").atRandomPoints(3, r -> new Object[] {uniform(r, -1, 1), vector(r, 2, -1, 1)});
  }
}
