package dev.adjoint.processor.gradient;

import static dev.adjoint.processor.testing.GradCheck.uniform;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Plain helpers declared in another class of the same package and in another package of the same
 * compilation: their specialisations are written into the caller's companion, so their bodies may use what
 * that companion can reach (public members of other packages; anything non-private of its own). Gradients
 * against central differences.
 */
class OtherPackageHelperTest {
  private static final JavaFileObject LIB = JavaFileObjects.forSourceString("lib.Kernels", """
      package lib;
      public final class Kernels {
        private Kernels() {}
        public static final double SCALE = 1.5;
        public static final double[] WEIGHTS = {0.5, -1.0, 2.0};
        public static double softplus(double x) {
          return Math.log1p(Math.exp(x)) * SCALE + cube(x) * WEIGHTS[1];
        }
        static double cube(double x) {
          return x * x * x;
        }
        private static double twice(double x) {
          return 2 * x;
        }
        public static double dot(double[] a, double[] b) {
          double s = 0;
          for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i] * WEIGHTS[i % 3];
          }
          return s + twice(cube(2.0));
        }
        public static void axpy(double a, double[] x, double[] y) {
          for (int i = 0; i < x.length; i++) {
            y[i] += a * softplus(x[i]);
          }
        }
      }
      """);

  @Test
  void helpersOfAnotherPackageAndAnotherClass() {
    JavaFileObject same = JavaFileObjects.forSourceString("demo.Local", """
        package demo;
        final class Local {
          private Local() {}
          static double sq(double x) {
            return x * lib.Kernels.softplus(x);
          }
        }
        """);
    JavaFileObject f = JavaFileObjects.forSourceString("demo.F", """
        package demo;
        import dev.adjoint.Differentiable;
        import lib.Kernels;
        final class F {
          @Differentiable static double f(double a, double[] x) {
            double[] y = x.clone();
            Kernels.axpy(a, x, y);
            return Kernels.softplus(a) + Local.sq(x[0]) + Kernels.dot(y, x);
          }
        }
        """);
    CompiledCompanion c = CompiledCompanion.compile(List.of(LIB, same, f), List.of());
    GradCheck.of(c, "demo.F", "f").atRandomPoints(6, r -> new Object[] {uniform(r, -1, 1), vector(r, 3, -1, 1)});
  }

  @Test
  void aHelperOfAnotherPackageReadingWhatOnlyItsPackageSeesIsRefusedOnItsLine() {
    JavaFileObject lib = JavaFileObjects.forSourceString("lib.Hidden", """
        package lib;
        public final class Hidden {
          private Hidden() {}
          static final double[] TABLE = {1, 2};
          public static double scaled(double x) {
            return x * TABLE[0];
          }
        }
        """);
    JavaFileObject f = JavaFileObjects.forSourceString("demo.F", """
        package demo;
        import dev.adjoint.Differentiable;
        final class F {
          @Differentiable static double f(double x) {
            return lib.Hidden.scaled(x);
          }
        }
        """);
    Compilation compilation = CompiledCompanion.compilation(List.of(lib, f), List.of());
    String errors = CompiledCompanion.describe(compilation);
    assertTrue(compilation.errors().size() == 1, errors);
    assertTrue(compilation.errors().get(0).getLineNumber() == 6, errors);
    assertTrue(compilation.errors().get(0).getMessage(null).startsWith(
        "in helper 'scaled', called from 'f' at line 5: 'Hidden.TABLE' is package-private in package lib, which the"
        + " companion (package demo, not a subclass) cannot reach"), errors);
    assertTrue(CompiledCompanion.errorsInGeneratedFiles(compilation, List.of(lib, f)).isEmpty(), errors);
  }
}
