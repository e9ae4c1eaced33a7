package dev.adjoint.processor.gradient;

import static dev.adjoint.processor.testing.GradCheck.uniform;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Calls from one @Differentiable method to another: same class, other class, recursion, compiled class. */
class CallGradientTest {
  @Test
  void callsInTheSameClass() {
    GradCheck.of(ConstructGradientTest.wrap("""
        @Differentiable static double sq(double x) {
          return x * x;
        }
        @Differentiable static double[] scaled(double[] v, double a) {
          double[] out = new double[v.length];
          for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * a + sq(v[i]);
          }
          return out;
        }
        @Differentiable static double f(double x, double[] v) {
          double[] w = scaled(v, x);
          return sq(x) + w[0] * sq(w[1]) + sq(sq(x) - w[2]);
        }
        """), "f").atRandomPoints(5, r -> new Object[] {uniform(r, -1, 1), vector(r, 3, -1, 1)});
  }

  @Test
  void calleeWithNonDifferentiableParametersAndMatrixArgument() {
    GradCheck.of(ConstructGradientTest.wrap("""
        @Differentiable static double row(double[][] m, int i, double c) {
          double s = 0;
          for (double e : m[i]) {
            s += e * c;
          }
          return s;
        }
        @Differentiable static double f(double[][] m, double c) {
          return row(m, 0, c) * row(m, 1, c * c);
        }
        """), "f").atRandomPoints(5, r -> new Object[] {GradCheck.matrix(r, 2, 3, -1, 1), uniform(r, -1, 1)});
  }

  @Test
  void callIntoAnotherClassOfTheSameCompilation() {
    CompiledCompanion c = CompiledCompanion.compile(List.of(
        JavaFileObjects.forSourceString("demo.G", """
            package demo;
            import dev.adjoint.Differentiable;
            public final class G {
              @Differentiable
              public static double g(double x, double[] w) {
                return Math.sin(x) * w[0] + w[1] * w[1];
              }
            }
            """),
        JavaFileObjects.forSourceString("demo.F", ConstructGradientTest.wrap("""
            @Differentiable static double f(double x, double[] w) {
              double a = G.g(x * x, w);
              return a * G.g(a, w);
            }
            """))), List.of());
    GradCheck.of(c, "demo.F", "f").atRandomPoints(5, r -> new Object[] {uniform(r, -1, 1), vector(r, 2, -1, 1)});
    GradCheck.of(c, "demo.G", "g").atRandomPoints(3, r -> new Object[] {uniform(r, -1, 1), vector(r, 2, -1, 1)});
  }

  @Test
  void recursionOnAnInt() {
    GradCheck.of(ConstructGradientTest.wrap("""
        @Differentiable static double pow(double x, int n) {
          if (n == 0) {
            return 1;
          }
          return x * pow(x, n - 1);
        }
        @Differentiable static double f(double x, double y) {
          return pow(x, 5) + pow(y, 2) * pow(x * y, 3);
        }
        """), "f").atRandomPoints(5, r -> new Object[] {uniform(r, -1.5, 1.5), uniform(r, -1.5, 1.5)});
  }

  @Test
  void callOfAClassCompiledEarlierFromTheClassPath(@TempDir Path dir) {
    CompiledCompanion a = CompiledCompanion.compile("lib.A", """
        package lib;
        import dev.adjoint.Differentiable;
        public final class A {
          @Differentiable
          public static double f(double x, double[] w) {
            return Math.exp(x * w[0]) + w[1] * x;
          }
          @Differentiable
          public static double[] v(double[] w, double s) {
            return new double[] {w[0] * s, w[1] * w[0]};
          }
        }
        """);
    assertTrue(a.classNames().contains("lib.AGrad"), "A's companion: " + a.classNames());
    a.writeClassesTo(dir);
    CompiledCompanion b = CompiledCompanion.compile(List.of(JavaFileObjects.forSourceString("demo.B", """
        package demo;
        import dev.adjoint.Differentiable;
        import lib.A;
        final class B {
          @Differentiable
          static double f(double x, double[] w) {
            double[] t = A.v(w, x);
            double s = 0;
            for (int i = 0; i < 2; i++) {
              s += i == 0 ? A.f(x * i, t) : A.f(s, w);
            }
            t[0] = s;
            return A.f(x * x, t) * A.f(x, w) + s;
          }
        }
        """)), List.of(dir.toFile()));
    assertFalse(b.classNames().contains("lib.A"), "A must come from the class path, not this compilation");
    assertFalse(b.classNames().contains("lib.AGrad"));
    // B's companion calls A's compiled companion: load lib.* from the directory through a loader that also
    // sees B's classes.
    GradCheck.of(b.withClassesFrom(a), "demo.B", "f")
        .atRandomPoints(5, r -> new Object[] {uniform(r, -1, 1), vector(r, 2, -1, 1)});
  }
}
