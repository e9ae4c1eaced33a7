package dev.adjoint.processor.diagnostics;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.diagnostics.RefusedConstructDiagnosticsTest.assertNoInternalError;
import static dev.adjoint.processor.diagnostics.RefusedConstructDiagnosticsTest.markedLine;
import static dev.adjoint.processor.diagnostics.RefusedConstructDiagnosticsTest.wrap;
import static dev.adjoint.processor.testing.GradCheck.uniform;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The processor never throws: odd sources give ordinary diagnostics (javac's or Adjoint's), never an
 * exception out of the compiler and never Adjoint's "internal error".
 */
class ProcessorRobustnessTest {
  static Compilation compile(String name, String source) {
    // compile() would rethrow an exception escaping the processor
    Compilation c = CompiledCompanion.compilation(name, source);
    assertNoInternalError(c);
    return c;
  }

  static void refused(String name, String source, String message) {
    JavaFileObject file = JavaFileObjects.forSourceString(name, source);
    Compilation c = CompiledCompanion.compilation(List.of(file), List.of());
    assertNoInternalError(c);
    assertThat(c).failed();
    assertThat(c).hadErrorContaining(message).inFile(file).onLine(markedLine(source));
  }

  @Test
  void genericMethod() {
    refused("demo.F", wrap("""
        @Differentiable static <T> double f(double x, T t) { // ERROR
          return x * x;
        }
        """), "must not be generic");
  }

  @Test
  void annotatedDefaultMethodOfAnInterface() {
    refused("demo.I", """
        package demo;
        import dev.adjoint.Differentiable;
        interface I {
          @Differentiable
          default double f(double x) { // ERROR
            return x * x;
          }
        }
        """, "must be in a class or a record, not in an interface");
  }

  @Test
  void annotationOnAConstructorOrAFieldIsRejectedByJavacItself() {
    refused("demo.F", """
        package demo;
        import dev.adjoint.Differentiable;
        final class F {
          @Differentiable // ERROR
          F(double x) {
          }
        }
        """, "not applicable");
    refused("demo.F", """
        package demo;
        import dev.adjoint.Differentiable;
        final class F {
          @Differentiable static double x = 1; // ERROR
        }
        """, "not applicable");
  }

  @Test
  void unrelatedTypeErrorElsewhere() {
    refused("demo.F", wrap("""
        @Differentiable static double f(double x) {
          return x * x;
        }
        static int g() {
          return "not an int"; // ERROR
        }
        """), "incompatible types");
  }

  @Test
  void missingImportOfTheAnnotation() {
    refused("demo.F", """
        package demo;
        final class F {
          @Differentiable // ERROR
          static double f(double x) {
            return x * x;
          }
        }
        """, "cannot find symbol");
  }

  @Test
  void undefinedNamesInsideTheMethod() {
    refused("demo.F", wrap("""
        @Differentiable static double f(double x) {
          return x * y; // ERROR
        }
        """), "cannot resolve 'y'");
    refused("demo.F", wrap("""
        @Differentiable static double f(double x) {
          return nowhere(x); // ERROR
        }
        """), "nowhere");
    refused("demo.F", wrap("""
        @Differentiable static double f(double x, Missing m) { // ERROR
          return x;
        }
        """), "Missing");
  }

  @Test
  void wrongArityCallOfADifferentiableMethod() {
    refused("demo.F", wrap("""
        @Differentiable static double g(double x) {
          return x * x;
        }
        @Differentiable static double f(double x) {
          return g(x, x); // ERROR
        }
        """), "takes 1 argument");
  }

  @Test
  void missingReturnAndUnreachableCodeAreJavacsErrors() {
    refused("demo.F", wrap("""
        @Differentiable static double f(double x) {
          if (x > 0) {
            return x;
          }
        } // ERROR
        """), "missing return statement");
    refused("demo.F", wrap("""
        @Differentiable static double f(double x) {
          return x;
          x = 2; // ERROR
        }
        """), "unreachable statement");
  }

  @Test
  void varWithAnArrayInitializer() {
    refused("demo.F", wrap("""
        @Differentiable static double f(double x) {
          var a = {x, x}; // ERROR
          return a[0];
        }
        """), "'var' cannot infer the type of an array initializer");
  }

  @Test
  void innerClass() {
    refused("demo.O", """
        package demo;
        import dev.adjoint.Differentiable;
        final class O {
          class Inner {
            @Differentiable
            static double f(double x) { // ERROR
              return x * x;
            }
          }
        }
        """, "inner class");
  }

  /**
   * javac's annotation processing API does not list elements of local and anonymous classes, so a
   * {@code @Differentiable} method there is skipped without a word: no companion, no error. The processor
   * has the message ("must be in a top-level or static nested class") but never gets to say it.
   */
  @Test
  void localAndAnonymousClassesAreRefusedNotIgnored() {
    refused("demo.O", """
        package demo;
        import dev.adjoint.Differentiable;
        final class O {
          static double g(double y) {
            class Local {
              @Differentiable
              static double f(double x) { // ERROR
                return x * x;
              }
            }
            return Local.f(y);
          }
        }
        """, "top-level or static nested class");
    refused("demo.O", """
        package demo;
        import dev.adjoint.Differentiable;
        final class O {
          static Object h() {
            return new Object() {
              @Differentiable
              double f(double x) { // ERROR
                return x * x;
              }
            };
          }
        }
        """, "@Differentiable");
  }

  @Test
  void aUserClassAlreadyNamedLikeTheCompanion() {
    JavaFileObject f = JavaFileObjects.forSourceString("demo.F", wrap("""
        @Differentiable static double f(double x) {
          return x * x;
        }
        """));
    JavaFileObject clash = JavaFileObjects.forSourceString("demo.FGrad", """
        package demo;
        final class FGrad {
        }
        """);
    Compilation c = CompiledCompanion.compilation(List.of(f, clash), List.of());
    assertNoInternalError(c);
    assertThat(c).failed();
    assertThat(c).hadErrorContaining("Adjoint could not write the companion demo.FGrad").inFile(f).onLine(3);
  }

  @Test
  void nestedStaticClassGetsOuterUnderscoreInnerGrad() {
    CompiledCompanion c = CompiledCompanion.compile("demo.Outer", """
        package demo;
        import dev.adjoint.Differentiable;
        public final class Outer {
          public static final class Inner {
            @Differentiable
            public static double f(double x, double y) {
              return Math.sin(x) * y;
            }
          }
        }
        """);
    assertTrue(c.classNames().contains("demo.Outer_InnerGrad"), c.classNames().toString());
    GradCheck.of(c, "demo.Outer$Inner", "f").atRandomPoints(3, r -> new Object[] {uniform(r, -1, 1), uniform(r, -1, 1)});
  }

  @Test
  void defaultPackageEnumAndInterfaceOwners() {
    CompiledCompanion c = CompiledCompanion.compile(List.of(
        JavaFileObjects.forSourceString("P", """
            import dev.adjoint.Differentiable;
            final class P {
              @Differentiable static double f(double x) { return x * x * x; }
            }
            """),
        JavaFileObjects.forSourceString("demo.E", """
            package demo;
            import dev.adjoint.Differentiable;
            enum E {
              A;
              @Differentiable static double f(double x) { return Math.exp(x) * x; }
            }
            """),
        JavaFileObjects.forSourceString("demo.I", """
            package demo;
            import dev.adjoint.Differentiable;
            interface I {
              @Differentiable static double f(double x) { return Math.cos(x) * x; }
            }
            """)), List.of());
    GradCheck.of(c, "P", "f").atRandomPoints(3, r -> new Object[] {uniform(r, -1, 1)});
    GradCheck.of(c, "demo.E", "f").atRandomPoints(3, r -> new Object[] {uniform(r, -1, 1)});
    GradCheck.of(c, "demo.I", "f").atRandomPoints(3, r -> new Object[] {uniform(r, -1, 1)});
  }

  @Test
  void staticImportsAndQualifiedMath() {
    GradCheck.of("""
        package demo;
        import static java.lang.Math.*;
        import dev.adjoint.Differentiable;
        final class F {
          @Differentiable static double f(double x, double y) {
            return sin(x) * PI + java.lang.Math.exp(y) * StrictMath.cos(x * y) + max(x, y) * E;
          }
        }
        """, "f").atRandomPoints(4, r -> new Object[] {uniform(r, -1, 1), uniform(r, -1, 1)});
  }

  @Test
  void deepExpressionsAndLongLoops() {
    StringBuilder chain = new StringBuilder("x");
    for (int i = 0; i < 300; i++) {
      chain.append(i % 2 == 0 ? " * (1 + 0.001 * y)" : " + 0.01 * x");
    }
    GradCheck.of(wrap("""
        @Differentiable static double f(double x, double y) {
          double c = %s;
          double s = c;
          for (int i = 0; i < 100000; i++) {
            s = s * 0.99999 + x * 1e-5;
          }
          return s;
        }
        """.formatted(chain)), "f").atRandomPoints(2, r -> new Object[] {uniform(r, -1, 1), uniform(r, -1, 1)});
  }

  @Test
  void mutualRecursion() {
    GradCheck.of(wrap("""
        @Differentiable static double even(double x, int n) {
          return n == 0 ? x : odd(x * 1.1, n - 1) + x;
        }
        @Differentiable static double odd(double x, int n) {
          if (n == 0) {
            return x * x;
          }
          return even(Math.sin(x), n - 1) * x;
        }
        """), "even").atRandomPoints(4, r -> new Object[] {uniform(r, -1, 1), r.nextInt(6)});
  }
}
