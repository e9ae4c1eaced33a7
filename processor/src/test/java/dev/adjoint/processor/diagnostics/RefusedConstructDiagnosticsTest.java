package dev.adjoint.processor.diagnostics;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.processor.testing.CompiledCompanion;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every construct outside the supported subset is a compile error on its own line, in the source's file,
 * saying what is wrong. The expected line is the one marked {@code // ERROR} in the source text.
 */
class RefusedConstructDiagnosticsTest {
  static final String MARK = "// ERROR";

  /** name, class body members (wrapped into demo.F), expected message fragment. */
  static Stream<Arguments> bodyConstructs() {
    return Stream.of(
        c("try", """
            @Differentiable static double f(double x) {
              try { // ERROR
                return x * x;
              } finally {
              }
            }
            """, "try statements are not supported"),
        c("lambda", """
            static double apply(double v, java.util.function.DoubleUnaryOperator op) { return op.applyAsDouble(v); }
            @Differentiable static double f(double x) {
              return apply(x, v -> v * 2); // ERROR
            }
            """, "lambdas are not supported"),
        c("method reference", """
            static double apply(double v, java.util.function.DoubleUnaryOperator op) { return op.applyAsDouble(v); }
            @Differentiable static double f(double x) {
              return apply(x, Math::sin); // ERROR
            }
            """, "method references are not supported"),
        c("synchronized", """
            @Differentiable static double f(double x) {
              synchronized (F.class) { // ERROR
                x = x * 2;
              }
              return x;
            }
            """, "synchronized is not supported"),
        c("object creation", """
            @Differentiable static double f(double x) {
              double r = new java.util.Random(1).nextDouble(); // ERROR
              return x * r;
            }
            """, "creating objects is not supported"),
        c("object creation of a boxed double", """
            @Differentiable static double f(double x) {
              double r = x * new Double(2.0).doubleValue(); // ERROR
              return r;
            }
            """, "creating objects is not supported"),
        c("static field write", """
            static double last;
            @Differentiable static double f(double x) {
              last = x; // ERROR
              return x * x;
            }
            """, "field writes are not supported"),
        c("qualified static field write", """
            static double last;
            @Differentiable static double f(double x) {
              F.last = x; // ERROR
              return x * x;
            }
            """, "field writes are not supported"),
        c("read of a non-final static field", """
            static double scale = 2;
            @Differentiable static double f(double x) {
              return x * scale; // ERROR
            }
            """, "'scale' is not a static final constant"),
        c("write into a parameter array", """
            @Differentiable static double f(double[] x) {
              x[0] = 1; // ERROR
              return x[0] * x[1];
            }
            """, "writing into the parameter array 'x'"),
        c("compound write into a parameter matrix", """
            @Differentiable static double f(double[][] x) {
              x[0][1] += 1; // ERROR
              return x[0][1];
            }
            """, "writing into the parameter array 'x'"),
        c("reassigning an array parameter", """
            @Differentiable static double f(double[] x) {
              x = new double[2]; // ERROR
              return x[0];
            }
            """, "reassigning the array parameter 'x'"),
        c("array aliasing", """
            @Differentiable static double f(double[] a) {
              double[] b = a; // ERROR
              return b[0];
            }
            """, "makes an alias"),
        c("a helper with an unsupported construct, called with a differentiable argument", """
            static double helper(double v) {
              Object o = null; // ERROR
              return v * 3;
            }
            @Differentiable static double f(double x) {
              return helper(x) + 1;
            }
            """, "in helper 'helper', called from 'f' at line 9: type Object is not supported"),
        c("a helper writing into its array parameter", """
            static double total(double[] v) {
              v[0] = 0; // ERROR
              return v[0] + v[1];
            }
            @Differentiable static double f(double[] x) {
              return 2 * total(x);
            }
            """, "in helper 'total', called from 'f' at line 9: writing into the parameter array 'v'"),
        c("a helper reached through another helper, with an argument depending on the inputs through a local", """
            static double inner(double v) {
              return v > 0 ? v : null; // ERROR
            }
            static double outer(double v) {
              return inner(v * v);
            }
            @Differentiable static double f(double x, int n) {
              double y = x * n;
              double z = 0.5 * n + inner(0.5 * n);
              return outer(y) + z;
            }
            """, "in helper 'inner', called from helper 'outer' at line 8, called from 'f' at line 13: null is not"
            + " supported"),
        c("unknown method of another class", """
            @Differentiable static double f(double x) {
              return x + Double.sum(x, 1.0); // ERROR
            }
            """, "'Double.sum' is a library method with no derivative in Adjoint, and this passes it a value that"
                + " depends on the differentiable inputs: compute the value with Math functions and loops in this"
                + " method"),
        c("a stream", """
            @Differentiable static double f(double[] x) {
              return java.util.Arrays.stream(x).sum(); // ERROR
            }
            """, "streams are not supported in a @Differentiable method: write a for loop"),
        c("?: between two copies", """
            @Differentiable static double f(double[] x, double[] y, boolean first) {
              double[] z = first ? x.clone() : y.clone(); // ERROR
              return z[0];
            }
            """, "?: between two new arrays is not supported: use if/else and assign the array in each branch"),
        c("float local", """
            @Differentiable static double f(double x) {
              float y = 2; // ERROR
              return x * y;
            }
            """, "float is not supported: use double"),
        c("float literal", """
            @Differentiable static double f(double x) {
              return x * 2.5f; // ERROR
            }
            """, "float is not supported"),
        c("switch expression whose cases run statements", """
            @Differentiable static double f(double x, int k) {
              double y = switch (k) {
                case 0 -> { // ERROR
                  double t = x * 2;
                  yield t * t;
                }
                default -> x * x;
              };
              return y;
            }
            """, "a switch expression whose cases run statements is not supported: use a switch statement that"
                + " assigns a local"),
        c("switch expression over a call", """
            static int pick(int k) {
              return k % 3;
            }
            @Differentiable static double f(double x, int k) {
              return switch (pick(k)) { case 0 -> x; default -> x * x; }; // ERROR
            }
            """, "the selector of this switch expression calls a method: assign it to a local first"),
        c("labeled block", """
            @Differentiable static double f(double x) {
              double s = x;
              block: { // ERROR
                if (s > 2) break block;
                s *= x;
              }
              return s;
            }
            """, "only loops and switch statements can be labeled here: put the label on a loop, or use a boolean"
                + " flag"),
        c("++ inside an expression", """
            @Differentiable static double f(double x) {
              int i = 0;
              double y = x * i++; // ERROR
              return y;
            }
            """, "++ and -- inside an expression are not supported"),
        c("assignment inside an expression", """
            @Differentiable static double f(double x) {
              double y;
              double z = (y = x) * 2; // ERROR
              return z;
            }
            """, "an assignment inside an expression is not supported"),
        c("StringBuilder local", """
            @Differentiable static double f(double x) {
              StringBuilder s = new StringBuilder(); // ERROR
              return x;
            }
            """, "type StringBuilder is not supported"),
        c("String method other than equals, length, isEmpty", """
            @Differentiable static double f(double x) {
              return x * "ab".indexOf('b'); // ERROR
            }
            """, "String.indexOf is not supported"),
        c("local name starting with _", """
            @Differentiable static double f(double x) {
              double _t = x * x; // ERROR
              return _t;
            }
            """, "names starting with '_' are reserved"),
        c("parameter name starting with _", """
            @Differentiable static double f(
                double _x) { // ERROR
              return _x * _x;
            }
            """, "names starting with '_' are reserved"),
        c("throw of a checked exception", """
            @Differentiable static double f(double x) throws Exception {
              if (x < 0) throw new java.io.IOException("negative"); // ERROR
              return x;
            }
            """, "only unchecked exceptions (a RuntimeException or an Error) can be thrown in a @Differentiable"
                + " method"),
        c("throw of something other than a new exception", """
            static final IllegalStateException FAIL = new IllegalStateException();
            @Differentiable static double f(double x) {
              if (x < 0) throw FAIL; // ERROR
              return x;
            }
            """, "throw needs a new exception here: throw new IllegalArgumentException(\"...\")"),
        c("exception with a cause", """
            @Differentiable static double f(double x) {
              if (x < 0) throw new IllegalArgumentException(null, null); // ERROR
              return x;
            }
            """, "an exception here takes at most a message"),
        c("exception message that is not a string expression", """
            @Differentiable static double f(double x) {
              if (x < 0) throw new IllegalArgumentException(String.valueOf(x)); // ERROR
              return x;
            }
            """, "a message here is a string literal, + of strings and values, String.format or Arrays.toString"),
        c("print of a Tensor", """
            @Differentiable static double f(dev.adjoint.Tensor t) {
              System.out.println(t); // ERROR
              return t.sum().item();
            }
            """, "printing a Tensor here is not supported: print its item() or an element"),
        c("call whose result is unused", """
            @Differentiable static double g(double x) { return x; }
            @Differentiable static double f(double x) {
              g(x); // ERROR
              return x;
            }
            """, "a call as a statement is not supported here (its result would be unused)"),
        c("narrowing a double without a cast", """
            @Differentiable static double f(double x) {
              int k = x * 2; // ERROR
              return k * x;
            }
            """, "expected int but this is double"),
        c("shallow clone of a matrix", """
            @Differentiable static double f(double[][] m) {
              double[][] c = m.clone(); // ERROR
              return c[0][0];
            }
            """, "clone() of a double[][] is shallow"),
        c("existing array assigned as a row", """
            @Differentiable static double f(double[][] m) {
              double[][] c = new double[2][2];
              c[0] = m[1]; // ERROR
              return c[0][0];
            }
            """, "assigning an existing array as a row makes an alias"),
        c("instance call on a value", """
            @Differentiable static double f(double[] x) {
              double[] y = x.clone();
              return y.hashCode() * x[0]; // ERROR
            }
            """, "calling 'hashCode' on a value is not supported"));
  }

  static Arguments c(String name, String members, String message) {
    return Arguments.of(name, members, message);
  }

  static String wrap(String members) {
    return "package demo;\nimport dev.adjoint.Differentiable;\nfinal class F {\n" + members + "\n}\n";
  }

  /** The 1-based line of the only line containing {@code // ERROR}. */
  static int markedLine(String source) {
    String[] lines = source.split("\n", -1);
    int found = -1;
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].contains(MARK)) {
        assertEquals(-1, found, "one marked line");
        found = i + 1;
      }
    }
    assertTrue(found > 0, "no " + MARK + " line in\n" + source);
    return found;
  }

  static Compilation assertRefused(String qualifiedName, String source, String message) {
    JavaFileObject file = JavaFileObjects.forSourceString(qualifiedName, source);
    Compilation compilation = CompiledCompanion.compilation(List.of(file), List.of());
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorContaining(message).inFile(file).onLine(markedLine(source));
    assertNoInternalError(compilation);
    return compilation;
  }

  static void assertNoInternalError(Compilation compilation) {
    for (Diagnostic<? extends JavaFileObject> d : compilation.diagnostics()) {
      String m = d.getMessage(null);
      // An exception's name followed by ': ' or a line end is a stack trace; messages may name exceptions.
      assertFalse(m.contains("internal error") || m.contains("uncaught exception")
          || m.matches("(?s).*Exception(: |\n|$).*") || m.contains("\tat "),
          "internal error reported: " + m);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bodyConstructs")
  void refusedOnItsLineByExactlyOneError(String name, String members, String message) {
    Compilation compilation = assertRefused("demo.F", wrap(members), message);
    long matching = compilation.errors().stream().filter(d -> d.getMessage(null).contains(message)).count();
    assertEquals(1, matching, "the error is reported once:\n" + CompiledCompanion.describe(compilation));
  }

  // ---------------------------------------------------------------- method-level rules

  @Test
  void instanceMethodWritingAFieldOrItsArray() {
    assertRefused("demo.F", wrap("""
        double scale = 1;
        @Differentiable double f(double x) {
          scale = 2; // ERROR
          return x * x;
        }
        """), "assignment to 'scale', which is not a local variable: field writes are not supported");
    assertRefused("demo.F", wrap("""
        final double[] w = {1, 2};
        @Differentiable double f(double x) {
          w[0] = x; // ERROR
          return x * x;
        }
        """), "writing into the parameter array 'this.w' is not supported (inputs are never mutated)");
    assertRefused("demo.F", wrap("""
        final double[] w = {1, 2};
        @Differentiable double f(double x) {
          this.w[0] = x; // ERROR
          return x * x;
        }
        """), "writing into the parameter array 'this.w' is not supported (inputs are never mutated)");
    assertRefused("demo.F", wrap("""
        record P(double a, double[] w) {}
        @Differentiable static double f(P p) {
          p.w()[0] = 1; // ERROR
          return p.a();
        }
        """), "writing into the parameter array 'p.w()' is not supported (inputs are never mutated)");
  }

  @Test
  void abstractMethodInAnAbstractClass() {
    assertRefused("demo.A", """
        package demo;
        import dev.adjoint.Differentiable;
        abstract class A {
          @Differentiable
          abstract double f(double x); // ERROR
        }
        """, "@Differentiable method 'f' must have a body");
  }

  @Test
  void privateMethod() {
    assertRefused("demo.F", wrap("""
        @Differentiable
        private static double f(double x) { // ERROR
          return x * x;
        }
        """), "must not be private");
  }

  @Test
  void noDifferentiableParameter() {
    assertRefused("demo.F", wrap("""
        @Differentiable
        static double f(int n, long m) { // ERROR
          return n * 2.0;
        }
        """), "has no differentiable parameter");
  }

  @Test
  void intResult() {
    assertRefused("demo.F", wrap("""
        @Differentiable
        static int f(double x) { // ERROR
          return (int) x;
        }
        """), "returns int: its result must be double, double[], double[][] or Tensor");
  }

  @Test
  void voidResult() {
    assertRefused("demo.F", wrap("""
        @Differentiable
        static void f(double x) { // ERROR
        }
        """), "returns nothing");
  }

  @Test
  void floatParameter() {
    assertRefused("demo.F", wrap("""
        @Differentiable
        static double f(double x,
            float y) { // ERROR
          return x * y;
        }
        """), "parameter 'y' has type float");
  }

  @Test
  void overloadedNames() {
    String source = wrap("""
        @Differentiable static double f(double x) { // ERROR
          return x * x;
        }
        @Differentiable static double f(double x, double y) {
          return x * y;
        }
        """);
    assertRefused("demo.F", source, "@Differentiable methods need distinct names: 'f' is overloaded");
    Compilation compilation = CompiledCompanion.compilation("demo.F", source);
    assertThat(compilation).hadErrorContaining("'f' is overloaded").inFile(compilation.sourceFiles().get(0))
        .onLine(markedLine(source) + 3);
  }

  @Test
  void namesDifferingOnlyInCase() {
    String source = wrap("""
        @Differentiable static double f(double x) {
          return x * x;
        }
        @Differentiable static double F(double x) { // ERROR
          return x * x;
        }
        """);
    assertRefused("demo.F", source, "distinct names");
  }

  @Test
  void everyProblemOfAMethodIsReportedInOneCompilation() {
    String source = wrap("""
        @Differentiable static double f(double[] x) {
          x[0] = 1;
          float y = 2;
          double[] b = x;
          return x[0];
        }
        """);
    JavaFileObject file = JavaFileObjects.forSourceString("demo.F", source);
    Compilation compilation = CompiledCompanion.compilation(List.of(file), List.of());
    assertThat(compilation).hadErrorContaining("writing into the parameter array").inFile(file).onLine(5);
    assertThat(compilation).hadErrorContaining("float is not supported").inFile(file).onLine(6);
    assertThat(compilation).hadErrorContaining("makes an alias").inFile(file).onLine(7);
    assertNoInternalError(compilation);
  }

  @Test
  void problemsInTwoFilesAreReportedInTheirOwnFiles() {
    String g = """
        package demo;
        import dev.adjoint.Differentiable;
        final class G {
          @Differentiable static double g(double x) {
            try { // ERROR
              return x;
            } finally {
            }
          }
        }
        """;
    String f = wrap("""
        @Differentiable static double f(double x) {
          float y = 2; // ERROR
          return x * y;
        }
        """);
    JavaFileObject gf = JavaFileObjects.forSourceString("demo.G", g);
    JavaFileObject ff = JavaFileObjects.forSourceString("demo.F", f);
    Compilation compilation = CompiledCompanion.compilation(List.of(gf, ff), List.of());
    assertThat(compilation).hadErrorContaining("try statements").inFile(gf).onLine(markedLine(g));
    assertThat(compilation).hadErrorContaining("float is not supported").inFile(ff).onLine(markedLine(f));
  }

  /**
   * One error per problem: a refused declaration (its type, a lambda, a parameter's type) is reported on its
   * own line, and the later uses of its variable are not reported again as "cannot resolve".
   */
  @Test
  void usesOfARefusedVariableAreNotReportedAgain() {
    String source = wrap("""
        @Differentiable static double f(double x, java.util.List<Double> label) {
          float y = 2;
          java.util.function.DoubleUnaryOperator g = t -> t * t;
          int[][] grid = new int[2][2];
          double z = x * y + g.applyAsDouble(x) + grid[0][0] + label.size();
          double w = x > 0 ? y : z;
          for (int i = 0; i < 3; i++) {
            z += y * i + grid[i][0];
          }
          return z + w + Math.sin(y);
        }
        """);
    Compilation compilation = CompiledCompanion.compilation(
        List.of(JavaFileObjects.forSourceString("demo.F", source)), List.of());
    List<String> errors = compilation.errors().stream().map(d -> d.getLineNumber() + ": " + d.getMessage(null))
        .toList();
    assertEquals(4, errors.size(), String.join("\n", errors));
    assertTrue(errors.get(0).startsWith("4: parameter 'label' has type java.util.List<java.lang.Double>"), errors.get(0));
    assertTrue(errors.get(1).startsWith("5: float is not supported"), errors.get(1));
    assertTrue(errors.get(2).startsWith("6: lambdas are not supported in a @Differentiable method: write a for loop"),
        errors.get(2));
    assertTrue(errors.get(3).startsWith("7: type int[][] is not supported"), errors.get(3));
    assertNoInternalError(compilation);
  }

  /** A ?: between two copies (clone, Arrays.copyOf) shares nothing: it is not called an alias. */
  @Test
  void conditionalBetweenTwoCopiesIsNotCalledAnAlias() {
    Compilation compilation = assertRefused("demo.F", wrap("""
        @Differentiable static double f(double[] a, double[] b) {
          double[] c = a[0] > 0 ? java.util.Arrays.copyOf(a, 2) : b.clone(); // ERROR
          return c[0];
        }
        """), "?: between two new arrays is not supported: use if/else and assign the array in each branch");
    assertFalse(CompiledCompanion.describe(compilation).contains("alias"), CompiledCompanion.describe(compilation));
  }
}
