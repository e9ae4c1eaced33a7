package dev.adjoint.processor.diagnostics;

import static dev.adjoint.processor.diagnostics.CatalogueDiagnosticsTest.row;
import static dev.adjoint.processor.diagnostics.DiagnosticsCatalogue.refused;
import static dev.adjoint.processor.diagnostics.DiagnosticsCatalogue.sources;

import java.util.List;

/**
 * The cases of {@code docs/diagnostics.md}'s rows on calls as javac resolves them and on arrays that a
 * call result may share, one {@code row(...)} entry per row (see {@link CatalogueDiagnosticsTest} for how to
 * add one). {@code AliasDiagnosticsTest} and {@code OverloadDiagnosticsTest} hold more variants.
 */
final class CatalogueCallCases {
  private static final String ID = """
      @Differentiable static double[] id(double[] x) {
        return x;
      }
      """;

  private CatalogueCallCases() {}

  static void register() {
    row("a call of a `void` helper that writes into none of its `double[]` parameters (it only prints or checks,"
        + " or writes into a `double[][]` or `int[]` parameter)", refused("""
            static void show(double[] v) {
              System.out.println(v[0]);
            }
            @Differentiable static double f(double[] x) {
              show(x); // ERROR
              return x[0];
            }
            """, "'show' returns nothing and writes into none of its double[] parameters"), refused("""
            static void scale(double[][] m, double a) {
              m[0][0] *= a;
            }
            @Differentiable static double f(double x) {
              double[][] m = {{x}};
              scale(m, 2); // ERROR
              return m[0][0];
            }
            """, "'scale' returns nothing and writes into none of its double[] parameters"));
    row("a call of a `void` helper that writes into two or more of its array parameters", refused("""
        static void split(double[] x, double[] lo, double[] hi) {
          for (int i = 0; i < x.length; i++) {
            lo[i] = Math.min(x[i], 0);
            hi[i] = Math.max(x[i], 0);
          }
        }
        @Differentiable static double f(double[] x) {
          double[] a = new double[x.length];
          double[] b = new double[x.length];
          split(x, a, b); // ERROR
          return a[0] + b[0];
        }
        """, "'split' writes into 2 of its array parameters; Adjoint differentiates a void helper that writes into"
        + " one double[] parameter"));
    row("a call of a `void` helper that passes the array it writes into again as another argument (Java's reads"
        + " would see the writes; the derivative writes a copy)", refused("""
            static void axpy(double a, double[] x, double[] y) {
              for (int i = 0; i < x.length; i++) {
                y[i] += a * x[i];
              }
            }
            @Differentiable static double f(double a, double[] x) {
              double[] v = x.clone();
              axpy(a, v, v); // ERROR
              return v[0];
            }
            """, "'axpy' writes into its parameter 'y' while it reads 'x', and here both may be the same array 'v'"),
        refused("""
            static void axpy(double a, double[] x, double[] y) {
              for (int i = 0; i < x.length; i++) {
                y[i] += a * x[i];
              }
            }
            @Differentiable static double f(double a, double[] x) {
              double[][] m = {x.clone(), x.clone()};
              int j = x.length > 5 ? 1 : 0;
              axpy(a, m[0], m[j]); // ERROR
              return m[1][0];
            }
            """, "'axpy' writes into its parameter 'y' while it reads 'x', and here both may be the same array 'm'"));
    row("a write through a local that a call result may share with an argument, a row of one, or a `static final`"
        + " array (from the callee's alias summary; a companion without one counts as \"may alias anything\")",
        refused(ID + """
            @Differentiable static double f(double[] x) {
              double[] y = id(x);
              y[0] *= 2; // ERROR
              return y[0] + x[0];
            }
            """, "'y' may be the same array as 'x' (id may return its argument or a row of it), and a write through"
            + " one would change the other: copy the result, double[] y = id(x).clone();"));
    row("a write into a local array while a call result that may share it exists (also from an earlier loop"
        + " iteration)", refused(ID + """
            @Differentiable static double f(double[] x) {
              double[] z = x.clone();
              double[] y = id(z);
              z[1] = 3; // ERROR
              return y[1];
            }
            """, "writing into 'z' would also change 'y', which may be the same array (id may return its argument"
            + " or a row of it): copy the result"));
    row("a matrix row assigned a call result that may share an argument or a constant", refused(ID + """
        @Differentiable static double f(double[] x) {
          double[][] m = new double[2][];
          m[0] = id(x); // ERROR
          return m[0][0];
        }
        """, "'m[0]' would be the same array as 'x' (id may return its argument or a row of it): assign a copy"
        + " instead, m[0] = id(x).clone();"));
    row("a call of a generated derivative other than a gradient's component (`FGrad.fVjp(x, y, u)`, `mHvp`,"
        + " `FGrad.fGradient(x, y)` itself)", refused("""
            @Differentiable static double g(double[] x, double[] y) { return x[0] * y[0] - y[0] * y[0]; }
            @Differentiable static double f(double[] x) {
              double[] y = {0.5};
              double[] gy = FGrad.gVjp(x, y, 1.0).y(); // ERROR
              return g(x, gy);
            }
            """, "'FGrad.gVjp' is a generated derivative; of those, a @Differentiable method can call only a"
            + " gradient and read one of its components, as in FGrad.gGradient(...).x()"));
    row("a nested gradient `FGrad.fGradient(x, y).y()` of a method without `mHvp` (it calls a method with tensor"
        + " code inside, has a `@DerivativeOf` derivative, ...; the companion's Javadoc says why)",
        refused("""
            @Differentiable static double h(double a) {
              Tensor t = Tensor.ones(2).mul(a);
              return t.mul(t).sum().item();
            }
            @Differentiable static double g(double x, double y) {
              return h(x) * y + Math.sin(x);
            }
            @Differentiable static double f(double x) {
              double d = FGrad.gGradient(x, 2.0).y(); // ERROR
              return d * x;
            }
            """, "the nested gradient FGrad.gGradient(...) is differentiated through gHvp, which FGrad does not"
            + " have"));
    row("a nested gradient of a method whose result is not `double` or whose differentiable parameters are not"
        + " `double`, `double[]` or `double[][]`", refused("""
            @Differentiable static double g(Tensor t) { return t.sum().item(); }
            @Differentiable static double f(double x) {
              Tensor t = Tensor.ones(2).mul(x);
              Tensor d = FGrad.gGradient(t).t(); // ERROR
              return d.sum().item();
            }
            """, "the gradient FGrad.gGradient(...).t() can be differentiated only when the differentiable"
            + " parameters of 'g' are double, double[] or double[][]"));
    row("a nested gradient's component that the gradient record does not have", refused("""
        @Differentiable static double g(double x, double y) { return x * y; }
        @Differentiable static double f(double x) {
          return FGrad.gGradient(x, 1.0).z(); // ERROR
        }
        """, "the gradient record of 'g' has the components x, y, not 'z'"));
    row("a call whose method, as javac resolves it (JLS 15.12), is private", refused("""
        private static double g(int n) { return n; }
        @Differentiable static double g(double x) { return x; }
        @Differentiable static double f(double x) {
          return x * g(3); // ERROR
        }
        """, "javac calls F.g(int) here, which is private, so the generated companion cannot call it"));
    row("a call whose method, as javac resolves it, the companion cannot access (`protected` in a superclass of"
        + " another package, in a private class)", sources(List.of(),
        "javac calls Base.h(int) here, which the generated companion (in package 'demo') cannot access",
        "lib.Base", """
            package lib;
            public class Base {
              protected static int h(int n) {
                return n + 1;
              }
            }
            """,
        "demo.F", """
            package demo;
            import dev.adjoint.Differentiable;
            final class F extends lib.Base {
              @Differentiable static double f(double x, int n) {
                return x * h(n); // ERROR
              }
            }
            """));
    row("a call whose method, as javac resolves it, is an instance method", refused("""
        double g(int n) { return n; }
        @Differentiable static double g(double x) { return x; }
        @Differentiable static double f(double x) {
          return x * g(3); // ERROR
        }
        """, "javac calls F.g(int) here, which is not static"));
    row("a call whose method, as javac resolves it, has a parameter of another type (`float`, `Object`, …)",
        refused("""
            static int c(float v) { return 1; }
            static int c(double v) { return 2; }
            @Differentiable static double f(double x, int n) {
              return x * c(n); // ERROR
            }
            """, "javac calls F.c(float) here, whose parameter 'v' has type float, which Adjoint does not support"));
    row("a call of a helper that is not `@Differentiable` returning another type (`float`, `double[]`, …)",
        refused("""
            static float g(int n) { return n; }
            @Differentiable static double g(double x) { return x; }
            @Differentiable static double f(double x) {
              return x * g(3); // ERROR
            }
            """, "javac calls F.g(int) here, which returns float; a helper that is not @Differentiable may return"
            + " double, int, long, boolean or int[]"));
    row("`var` initialised with a `char` (`var k = 'a';`)", refused("""
        @Differentiable static double f(double x) {
          var k = 'a'; // ERROR
          return x * k;
        }
        """, "'var' makes 'k' a char, which Adjoint does not support: declare it int"));
    row("a call javac makes with variable arity", refused("""
        static int v(int... a) { return a.length; }
        @Differentiable static double f(double x, int n) {
          return x * v(n, 2); // ERROR
        }
        """, "javac calls F.v(int...) with variable arity here, which Adjoint does not support"));
    row("an ambiguous call, or one no method applies to", refused("""
        static int q(int a, double b) { return 1; }
        static int q(double a, int b) { return 2; }
        @Differentiable static double f(double x) {
          return x * q(1, 2); // ERROR
        }
        """, "the call q(int, int) is ambiguous, as javac says: F.q(int, double) and F.q(double, int)"));
    row("an unqualified call `g(...)` from a nested class that has its own method `g` none of which applies, while"
        + " an outer class's `g` would (javac searches only the innermost class with a method of that name, JLS"
        + " 15.12.1)", refused("""
            static final class Inner {
              static double g(double x) { return x; }
              @Differentiable static double f(double x) {
                return g(x, 2.0); // ERROR
              }
            }
            @Differentiable static double g(double x, double y) { return x * y; }
            """, "no method g(double, double) applies to these arguments: Inner.g(double) takes 1 argument; javac"
            + " looks for 'g' only in Inner, the innermost class around this call with a method of that name (JLS"
            + " 15.12.1), which hides F.g: write F.g(...) to call it"),
        refused("""
            record P(double a) {}
            static final class Inner {
              static double energy(double x) { return x; }
              @Differentiable static double f(P p) {
                return energy(p, 2.0); // ERROR
              }
            }
            @Differentiable static double energy(P p, double y) { return p.a() * y; }
            """, "cannot resolve the method 'energy' for these arguments; javac looks for 'energy' only in Inner, the"
            + " innermost class around this call with a method of that name (JLS 15.12.1), which hides F.energy:"
            + " write F.energy(...) to call it"));
    row("a call to a name with a generic overload", refused("""
        static <T> T id(T t) { return t; }
        static int id(int n) { return n; }
        @Differentiable static double f(double x, int n) {
          return x * id(n); // ERROR
        }
        """, "'id' has the generic overload F.id(T), which Adjoint does not resolve"));
    row("a `Math` call javac resolves to a `float` overload (`Math.signum(int)`)", refused("""
        @Differentiable static double f(double x, int n) {
          return x * Math.signum(n); // ERROR
        }
        """, "javac calls Math.signum(float) here, which returns float; Adjoint has no float"));
    row("a helper call (a static method that is not `@Differentiable`) inside a branch of `?:` or right of"
        + " `&&`/`\\|\\|`, in a statement the reverse pass re-evaluates", refused("""
            static int pick(int n) {
              return n - 1;
            }
            @Differentiable static double f(double[] x, boolean b) {
              double s = b ? x[pick(2)] : x[0]; // ERROR
              return s;
            }
            """, "the helper call F.pick(...) is inside ?: or right of && or ||, where it may not run, and Adjoint"
            + " must run every helper call exactly once: call it in a statement of its own first"));
  }
}
