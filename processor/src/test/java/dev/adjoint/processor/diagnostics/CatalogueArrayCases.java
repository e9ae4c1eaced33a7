package dev.adjoint.processor.diagnostics;

import static dev.adjoint.processor.diagnostics.CatalogueDiagnosticsTest.classPathWithoutCompanion;
import static dev.adjoint.processor.diagnostics.CatalogueDiagnosticsTest.row;
import static dev.adjoint.processor.diagnostics.DiagnosticsCatalogue.refused;
import static dev.adjoint.processor.diagnostics.DiagnosticsCatalogue.sources;

/**
 * The cases of {@code docs/diagnostics.md}'s rows on {@code int[]} and {@code boolean[]} locals, the JDK array
 * methods ({@code System.arraycopy}, {@code Arrays.fill}, {@code Arrays.copyOf}, {@code Arrays.copyOfRange})
 * and library methods, one {@code row(...)} entry per row (see {@link CatalogueDiagnosticsTest}).
 */
final class CatalogueArrayCases {
  private CatalogueArrayCases() {}

  static void register() {
    row("`System.arraycopy`, `Arrays.fill`, `Arrays.copyOf`, `Arrays.copyOfRange` on a `double[][]` (the JDK"
        + " copies row references)",
        refused("""
            @Differentiable static double f(double[][] m) {
              double[][] c = new double[2][2];
              System.arraycopy(m, 0, c, 0, 2); // ERROR
              return c[0][0];
            }
            """, "System.arraycopy of a double[][] copies row references, so rows would be shared: copy each row"),
        refused("""
            @Differentiable static double f(double[] x) {
              double[][] c = new double[2][];
              java.util.Arrays.fill(c, x.clone()); // ERROR
              return c[0][0];
            }
            """, "Arrays.fill of a double[][] puts the same row in every slot, so rows would be shared"),
        refused("""
            @Differentiable static double f(double[][] m) {
              double[][] c = java.util.Arrays.copyOf(m, 3); // ERROR
              return c[0][0];
            }
            """, "Arrays.copyOf of a double[][] copies row references, so rows would be shared"));
    row("`System.arraycopy` between arrays of different types", refused("""
        @Differentiable static double f(double[] x, int[] k) {
          double[] y = new double[2];
          System.arraycopy(k, 0, y, 0, 2); // ERROR
          return x[0] * y[0];
        }
        """, "System.arraycopy from int[] to double[] would throw an ArrayStoreException at run time: copy between"
        + " arrays of the same type"));
    row("`System.arraycopy` or `Arrays.fill` into a parameter or a constant",
        refused("""
            @Differentiable static double f(double[] x) {
              double[] y = {1, 2};
              System.arraycopy(y, 0, x, 0, 2); // ERROR
              return x[0];
            }
            """, "System.arraycopy would write into the parameter array 'x', which is not supported (inputs are"
            + " never mutated)"),
        refused("""
            static final double[] W = {1, 2};
            @Differentiable static double f(double x) {
              java.util.Arrays.fill(W, x); // ERROR
              return W[0];
            }
            """, "Arrays.fill can only write into a local array"));
    row("an array argument of `System.arraycopy`, `Arrays.copyOf`, `Arrays.copyOfRange` that is not a variable",
        refused("""
            @Differentiable static double[] g(double[] x) {
              return x.clone();
            }
            @Differentiable static double f(double[] x) {
              double[] y = java.util.Arrays.copyOf(g(x), 3); // ERROR
              return y[0];
            }
            """, "pass an array variable to Arrays.copyOf: assign the array to a local first"));
    row("`int[][]`, `boolean[][]`",
        refused("""
            @Differentiable static double f(double x) {
              int[][] t = null; // ERROR
              return x;
            }
            """, "type int[][] is not supported in a @Differentiable method: use an int[] and index it i * n + j"),
        refused("""
            @Differentiable static double f(double x) {
              return x * new int[2][2].length; // ERROR
            }
            """, "arrays of int of rank above 1 are not supported: use an int[] and index it i * n + j"));
    row("passing an `int[]` to a helper that is not `@Differentiable` and may write into it (an element write,"
        + " or passing it on)",
        refused("""
            static int shuffle(int[] p, int s) {
              int t = p[0];
              p[0] = p[s];
              p[s] = t;
              return t;
            }
            @Differentiable static double f(double[] x) {
              int[] p = {0, 1, 2};
              double y = x[p[1]] * x[0];
              int t = shuffle(p, 1); // ERROR
              return y + x[p[1]] * t;
            }
            """, "'shuffle' may write into the int[] passed to its parameter 'p' (or pass it on), which the reverse"
            + " pass would not see: make it return a new array instead, or pass it a copy (p.clone())"),
        refused("""
            static int count(int[] q) {
              return q.length;
            }
            static int outer(int[] p) {
              return count(p);
            }
            @Differentiable static double f(double[] x, int[] k) {
              return x[0] * outer(k); // ERROR
            }
            """, "'outer' may write into the int[] passed to its parameter 'p' (or pass it on)"));
    row("an `int[]` or `boolean[]` local assigned the result of a call that takes an `int[]` (it may return it)",
        refused("""
            static int[] rest(int[] k) {
              return k;
            }
            @Differentiable static double f(double[] x, int[] k) {
              int[] r = rest(k); // ERROR
              r[0] = 1;
              return x[k[0]];
            }
            """, "this call takes an int[] and may return it, so the variable could share that array: copy the"
            + " result, for example rest(k).clone()"));
    row("a local of a stream or functional-interface type (`DoubleStream s`, `DoubleUnaryOperator op`)",
        refused("""
            @Differentiable static double f(double x) {
              java.util.function.DoubleUnaryOperator op; // ERROR
              return x;
            }
            """, "streams and lambdas are not supported in a @Differentiable method: write a for loop"),
        refused("""
            @Differentiable static double f(double[] x) {
              java.util.stream.DoubleStream s = null; // ERROR
              return x[0];
            }
            """, "streams and lambdas are not supported in a @Differentiable method: write a for loop"));
    row("a library method (compiled, its source not in the compilation) with a `double` argument depending on"
        + " the inputs", sources(classPathWithoutCompanion("""
            package demo;
            public final class C {
              public static double lgamma(double x) {
                return Math.log(x);
              }
            }
            """),
        "'C.lgamma' is a library method with no derivative in Adjoint, and this passes it a value that depends on"
        + " the differentiable inputs: call it from a @Differentiable method of your own with a @DerivativeOf"
        + " derivative",
        "demo.F", """
            package demo;
            import dev.adjoint.Differentiable;
            final class F {
              @Differentiable static double f(double x) {
                return C.lgamma(x * x); // ERROR
              }
            }
            """));
  }
}
