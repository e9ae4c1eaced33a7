package dev.adjoint.processor.diagnostics;

import static dev.adjoint.processor.diagnostics.CatalogueDiagnosticsTest.row;
import static dev.adjoint.processor.diagnostics.DiagnosticsCatalogue.refused;
import static dev.adjoint.processor.diagnostics.DiagnosticsCatalogue.source;
import static dev.adjoint.processor.diagnostics.DiagnosticsCatalogue.sources;

import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.processor.testing.CompiledCompanion;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The cases of {@code docs/diagnostics.md}'s rows on names, method size, helper calls, constants, older
 * companions and {@code @DerivativeOf}, one {@code row(...)} entry per row (see
 * {@link CatalogueDiagnosticsTest} for how to add one). {@code NameDiagnosticsTest}, {@code MethodSizeTest}
 * and {@code CustomDerivativeDiagnosticsTest} hold more variants.
 */
final class CatalogueNameCases {
  private CatalogueNameCases() {}

  /** {@code @DerivativeOf} members wrapped into {@code demo.F}, which imports what they need. */
  private static String derivative(String members) {
    return "package demo;\nimport dev.adjoint.Differentiable;\nimport dev.adjoint.DerivativeOf;\n"
        + "import dev.adjoint.NoGrad;\nfinal class F {\n" + members + "}\n";
  }

  static void register() {
    row("a differentiable parameter named `wait`, `clone`, `hashCode`, `toString`, `notify`, `notifyAll`,"
        + " `finalize` or `getClass`", refused("""
            @Differentiable static double f(double x,
                double[] wait) { // ERROR
              return x * wait[0];
            }
            """, "a differentiable parameter cannot be named 'wait': the gradient record FGradient has a component"
            + " named like each differentiable parameter"));
    row("two `@Differentiable` methods whose companion members clash (`loss` and `lossGradient(double)`,"
        + " `lossForward`, `lossVjp`)", refused("""
            @Differentiable static double loss(double x) {
              return x * x;
            }
            @Differentiable static double lossGradient(double x) { // ERROR
              return 2 * x;
            }
            """, "the companion would declare lossGradient(double) twice"),
        source("demo.R", """
            package demo;
            import dev.adjoint.Differentiable;
            record R(double a) {
              @Differentiable double loss(double x) {
                return a * x;
              }
              @Differentiable static double lossGradient(R r, double x) { // ERROR
                return r.a() * x;
              }
            }
            """, "the companion would declare lossGradient(demo.R, double) twice"),
        source("demo.R", """
            package demo;
            import dev.adjoint.Differentiable;
            record R(double a, double[] w) {
              @Differentiable double loss() {
                return a * w[0] * w[1];
              }
              @Differentiable static double lossHessian(R r) { // ERROR
                return r.a();
              }
            }
            """, "the companion would declare lossHessian(demo.R) twice"));
    row("a method whose generated sweeps would exceed the JVM's 64 KiB limit on a method's code (javac's"
        + " `code too large`; about 600 straight-line statements with `Math` calls)", refused(
            "@Differentiable static double f(double x) { // ERROR\n  double s = x;\n"
            + "  s = s * x + Math.sin(s);\n".repeat(700) + "  return s;\n}\n",
            "'f' is too large to differentiate: its generated sweeps come to about"));
    row("a `Tensor` argument of a helper or `@Differentiable` callee that is an expression, not a variable", refused("""
            static double total(Tensor v) { return v.sum().item(); }
            @Differentiable static double f(Tensor x) {
              return 2 * total(x.exp()); // ERROR
            }
            """, "pass a Tensor argument through a local variable (Tensor t = ...;) so that its gradient has somewhere"
            + " to go"));
    row("a `double` result of a `native` method (no body to read) that is not `@Differentiable`, with an argument"
        + " depending on the inputs (arguments that do not, such as `0.5 * n`, are constants and accepted)", refused("""
            static native double helper(double v);
            @Differentiable static double f(double x, int n) {
              double c = helper(0.5 * n);
              return helper(x) + c; // ERROR
            }
            """, "'F.helper' is not @Differentiable, and this passes it a value that depends on the differentiable"
            + " inputs, and it has no body Adjoint can read"));
    row("an unsupported construct in a plain helper (a static method that is not `@Differentiable`, source in this"
        + " compilation) that a `@Differentiable` method calls with a differentiable argument, or runs as a constant"
        + " with array arguments: reported on the helper's own line, with the calls that reach it, once however"
        + " often it is reached", refused("""
            static double helper(double v) {
              Object o = null; // ERROR
              return v * 3;
            }
            @Differentiable static double f(double x) {
              return helper(x) + helper(2 * x);
            }
            """, "in helper 'helper', called from 'f' at line 11: type Object is not supported"), refused("""
            static double inner(double v) {
              return v > 0 ? v : null; // ERROR
            }
            static double outer(double v) {
              return inner(v * v);
            }
            @Differentiable static double f(double x) {
              return outer(x);
            }
            """, "in helper 'inner', called from helper 'outer' at line 10, called from 'f' at line 13: null is"
            + " not supported"), refused("""
            static double mean(double[] v) {
              Object s = "mean"; // ERROR
              return v[0];
            }
            @Differentiable static double f(double x, @NoGrad double[] data) {
              return x * mean(data);
            }
            """, "in helper 'mean', called from 'f' at line 11: type Object is not supported"));
    row("a plain helper of another package whose body reads a constant or calls a method that the caller's"
        + " package cannot reach (its derivative is written into the caller's companion)", sources(List.of(),
            "in helper 'scaled', called from 'f' at line 5: 'Hidden.TABLE' is package-private in package lib, which"
            + " the companion (package demo, not a subclass) cannot reach",
            "lib.Hidden", """
                package lib;
                public final class Hidden {
                  private Hidden() {}
                  static final double[] TABLE = {1, 2};
                  public static double scaled(double x) {
                    return x * TABLE[0]; // ERROR
                  }
                }
                """,
            "demo.F", """
                package demo;
                import dev.adjoint.Differentiable;
                final class F {
                  @Differentiable static double f(double x) {
                    return lib.Hidden.scaled(x);
                  }
                }
                """));
    row("a plain helper that returns a value and writes into its array parameter (Java would change the caller's"
        + " array; the derivative would not follow; a `void` helper writing into one `double[]` parameter is"
        + " differentiated)", refused("""
            static double total(double[] v) {
              v[0] += v[1]; // ERROR
              return v[0];
            }
            @Differentiable static double f(double[] x) {
              return 2 * total(x);
            }
            """, "in helper 'total', called from 'f' at line 11: writing into the parameter array 'v' is not"
            + " supported"));
    row("a parameter of a plain helper that receives a differentiable value, named `wait`, `clone`, `hashCode`,"
        + " `toString`, `notify`, `notifyAll`, `finalize` or `getClass`", refused("""
            static double helper(double wait) { // ERROR
              return wait * 3;
            }
            @Differentiable static double f(double x) {
              return helper(x);
            }
            """, "in helper 'helper', called from 'f' at line 10: a parameter that receives a differentiable value"
            + " cannot be named 'wait'"));
    row("`@Differentiable` callee whose compiled companion an older Adjoint wrote (no static `m$augment` taking"
        + " the caller's tapes, or no `m$reverse`)",
        sources(olderCompanion(), "'A.f' has a companion lib.AGrad generated by an older version of Adjoint",
            "demo.B", """
                package demo;
                import dev.adjoint.Differentiable;
                import lib.A;
                final class B {
                  @Differentiable static double g(double x) {
                    return 2 * A.f(x); // ERROR
                  }
                }
                """));
    row("a constant the companion cannot reach (in a `private` nested class; `protected` or package-private in"
        + " another package)", refused("""
            private static final class K {
              static final double[] W = {1, 2};
            }
            @Differentiable static double f(double x) {
              return x * K.W[0]; // ERROR
            }
            """, "'K.W' is declared in demo.F.K, which is private, so the generated companion (a separate class in"
            + " package demo) cannot read this constant"));

    // ---------------------------------------------------------------- @DerivativeOf
    row("`@DerivativeOf(\"g\")` where the class has no `@Differentiable g`", source("demo.F", derivative("""
        static double g(double x) { return x; }
        @DerivativeOf("g") static double gd(double x, double upstream) { return upstream; } // ERROR
        """), "@DerivativeOf(\"g\") names no @Differentiable method of F: annotate 'g' with @Differentiable, in the"
        + " same class as its derivative"));
    row("parameters other than `g`'s followed by one `double`", source("demo.F", derivative("""
        @Differentiable static double g(double x, int n) { return x * n; }
        @DerivativeOf("g") static double gd(double x, double upstream) { return upstream; } // ERROR
        """), "@DerivativeOf method 'gd' must take the parameters of 'g' followed by the upstream adjoint:"
        + " (double x, int n, double upstream)"));
    row("result other than `double` (one differentiable parameter) or `double[]` (several)",
        source("demo.F", derivative("""
            @Differentiable static double g(double x, @NoGrad double c) { return x * c; }
            @DerivativeOf("g") static double[] gd(double x, double c, double u) { return null; } // ERROR
            """), "@DerivativeOf method 'gd' must return double: upstream times the derivative of 'g' with respect"
            + " to 'x'"),
        source("demo.F", derivative("""
            @Differentiable static double g(double x, double y) { return x * y; }
            @DerivativeOf("g") static double gd(double x, double y, double u) { return u; } // ERROR
            """), "@DerivativeOf method 'gd' must return double[]"));
    row("instance or private derivative", source("demo.F", derivative("""
        @Differentiable static double g(double x) { return x; }
        @DerivativeOf("g") double gd(double x, double u) { return u; } // ERROR
        """), "@DerivativeOf method 'gd' must be static"));
    row("`g` with array, `Tensor` or other parameters, or a result other than `double`",
        source("demo.F", derivative("""
            @Differentiable static double g(double[] x) { return x[0]; }
            @DerivativeOf("g") static double[] gd(double[] x, double u) { return x; } // ERROR
            """), "@DerivativeOf(\"g\") is supported for methods of double, int, long and boolean parameters with a"
            + " double result"));
    row("two derivatives of one method", source("demo.F", derivative("""
        @Differentiable static double g(double x) { return x; }
        @DerivativeOf("g") static double gd(double x, double u) { return u; }
        @DerivativeOf("g") static double ge(double x, double u) { return u; } // ERROR
        """), "'g' has two @DerivativeOf methods, 'gd' and 'ge': keep one"));
  }

  /** lib.A and a companion lib.AGrad as an older Adjoint wrote it, compiled into a temporary directory. */
  static List<File> olderCompanion() {
    try {
      Path dir = Files.createTempDirectory("adjoint-oldcompanion");
      CompiledCompanion.compile(List.of(JavaFileObjects.forSourceString("lib.A", """
          package lib;
          import dev.adjoint.Differentiable;
          public final class A {
            @Differentiable
            public static double f(double x) {
              return Math.sin(x);
            }
          }
          """), JavaFileObjects.forSourceString("lib.AGrad", """
          package lib;
          public final class AGrad {
            private AGrad() {}
            public record FGradient(double x) {}
            public static FGradient fGradient(double x) {
              return new FGradient(Math.cos(x));
            }
          }
          """)), List.of(), false).writeClassesTo(dir);
      return List.of(dir.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
