package dev.adjoint.processor.diagnostics;

import static dev.adjoint.processor.diagnostics.DiagnosticsCatalogue.refused;
import static dev.adjoint.processor.diagnostics.DiagnosticsCatalogue.source;
import static dev.adjoint.processor.diagnostics.DiagnosticsCatalogue.sources;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.processor.diagnostics.DiagnosticsCatalogue.Case;
import dev.adjoint.processor.diagnostics.DiagnosticsCatalogue.Reported;
import dev.adjoint.processor.diagnostics.DiagnosticsCatalogue.Row;
import dev.adjoint.processor.robustness.BuildEnvironmentTest;
import dev.adjoint.processor.testing.CompiledCompanion;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The diagnostics catalogue, {@code docs/diagnostics.md}, drives this test: every row of its tables must
 * have at least one case here, keyed by the row's first cell exactly as written in the Markdown, and every
 * case must get, on the line of its source marked {@code // ERROR} and in that source's file, an error that
 * starts with the case's expected message and matches one of the row's quoted messages. A row
 * without a case fails, and so does a case whose key no longer names a row.
 *
 * <p><b>Adding a refusal:</b> add its row to {@code docs/diagnostics.md}, then one {@code row(...)} entry
 * below, with the row's first cell as key and one or more cases: {@code refused(members, message)} wraps
 * class members into {@code demo.F} (which imports {@code Differentiable}, {@code NoGrad} and {@code Tensor});
 * {@code source(name, text, message)} takes a whole compilation unit; {@code sources(classpath, message,
 * name1, text1, ...)} several; a {@code Reported} case checks a message that has no source position. How
 * the quotes are matched is described in {@link DiagnosticsCatalogue}.
 */
class CatalogueDiagnosticsTest {
  static final Path CATALOGUE = locate("docs/diagnostics.md");
  static final Map<String, List<Case>> CASES = new LinkedHashMap<>();

  static void row(String refused, Case... cases) {
    if (CASES.put(refused, List.of(cases)) != null) {
      throw new IllegalStateException("two entries for the row " + refused);
    }
  }

  static {
    // ---------------------------------------------------------------- On the method
    row("abstract or native method",
        source("demo.A", """
            package demo;
            import dev.adjoint.Differentiable;
            abstract class A {
              @Differentiable
              abstract double f(double x); // ERROR
            }
            """, "@Differentiable method 'f' must have a body"),
        refused("""
            @Differentiable
            static native double f(double x); // ERROR
            """, "@Differentiable method 'f' must have a body"));
    row("private method", refused("""
        @Differentiable
        private static double f(double x) { // ERROR
          return x * x;
        }
        """, "@Differentiable method 'f' must not be private: its companion FGrad calls it"));
    row("generic method", refused("""
        @Differentiable
        static <T> double f(double x) { // ERROR
          return x * x;
        }
        """, "@Differentiable method 'f' must not be generic"));
    row("in a local or anonymous class", source("demo.O", """
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
        """, "@Differentiable methods must be in a top-level or static nested class"));
    row("in an inner (non-static) class", source("demo.O", """
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
        """, "@Differentiable methods of an inner class are not supported: make the class static"));
    row("in a private class", refused("""
        private static final class P {
          @Differentiable
          static double f(double x) { // ERROR
            return x * x;
          }
        }
        """, "@Differentiable methods must not be in a private class"));
    row("result not `double`, `double[]`, `double[][]`, `Tensor`", refused("""
        @Differentiable
        static int f(double x) { // ERROR
          return (int) x;
        }
        """, "@Differentiable method 'f' returns int: its result must be double, double[], double[][] or Tensor"));
    row("no differentiable parameter", refused("""
        @Differentiable
        static double f(int n, long m) { // ERROR
          return n * 2.0;
        }
        """, "@Differentiable method 'f' has no differentiable parameter"));
    row("unsupported parameter type", refused("""
        @Differentiable static double f(double x, Object p) { // ERROR
          return x;
        }
        """, "parameter 'p' has type java.lang.Object, which Adjoint does not support"));
    row("overloaded names (or names differing only in case)",
        refused("""
            @Differentiable static double f(double x) { // ERROR
              return x * x;
            }
            @Differentiable static double f(double x, double y) {
              return x * y;
            }
            """, "@Differentiable methods need distinct names: 'f' is overloaded"),
        refused("""
            @Differentiable static double f(double x) {
              return x * x;
            }
            @Differentiable static double F(double x) { // ERROR
              return x * x;
            }
            """, "@Differentiable methods need distinct names"));
    row("a class already named like the companion", sources(List.of(), "Adjoint could not write the companion demo.FGrad",
        "demo.F", """
            package demo;
            import dev.adjoint.Differentiable;
            final class F { // ERROR
              @Differentiable static double f(double x) {
                return x * x;
              }
            }
            """,
        "demo.FGrad", """
            package demo;
            final class FGrad {
            }
            """));
    row("a compiler without javac's Tree API (Eclipse's)", new Reported(() -> {
      List<String> errors = BuildEnvironmentTest.errorsFromACompilerWithoutTreeApi();
      assertTrue(errors.size() == 1, "one error: " + errors);
      return errors.get(0);
    }, "Adjoint ("));

    // ---------------------------------------------------------------- Statements
    row("`try`", refused("""
        @Differentiable static double f(double x) {
          try { // ERROR
            return x * x;
          } finally {
          }
        }
        """, "try statements are not supported in a @Differentiable method: move error handling to the caller"));
    row("`throw` of a checked exception", refused("""
        @Differentiable static double f(double x) throws Exception {
          if (x < 0) throw new java.io.IOException("negative"); // ERROR
          return x;
        }
        """, "only unchecked exceptions (a RuntimeException or an Error) can be thrown in a @Differentiable method"));
    row("`throw` of anything but `new E(...)`", refused("""
        static final IllegalStateException FAIL = new IllegalStateException();
        @Differentiable static double f(double x) {
          if (x < 0) throw FAIL; // ERROR
          return x;
        }
        """, "throw needs a new exception here: throw new IllegalArgumentException(\"...\")"));
    row("an exception created with more than a message", refused("""
        @Differentiable static double f(double x) {
          if (x < 0) throw new IllegalArgumentException(null, null); // ERROR
          return x;
        }
        """, "an exception here takes at most a message"));
    row("an exception message or print argument that is not a string expression", refused("""
        @Differentiable static double f(double x) {
          if (x < 0) throw new IllegalArgumentException(String.valueOf(x)); // ERROR
          return x;
        }
        """, "a message here is a string literal, + of strings and values, String.format or Arrays.toString"));
    row("printing a `Tensor`", refused("""
        @Differentiable static double f(Tensor t) {
          System.out.println(t); // ERROR
          return t.sum().item();
        }
        """, "printing a Tensor here is not supported: print its item() or an element"));
    row("`synchronized`", refused("""
        @Differentiable static double f(double x) {
          synchronized (F.class) { // ERROR
            x = x * 2;
          }
          return x;
        }
        """, "synchronized is not supported in a @Differentiable method"));
    row("a switch expression whose cases run statements (a block other than `{ yield e; }`)", refused("""
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
        """, "a switch expression whose cases run statements is not supported: use a switch statement that assigns"
            + " a local"));
    row("a switch expression whose selector calls a method", refused("""
        static int pick(int k) {
          return k % 3;
        }
        @Differentiable static double f(double x, int k) {
          return switch (pick(k)) { case 0 -> x; default -> x * x; }; // ERROR
        }
        """, "the selector of this switch expression calls a method: assign it to a local first"));
    row("an enum the companion cannot name (a `private` nested enum, or one nested in a private class) as a"
        + " parameter, local or constant", refused("""
        private enum Mode { A, B }
        @Differentiable static double f(double x, Mode mode) { // ERROR
          return mode == Mode.A ? x : x * x;
        }
        """, "the enum 'demo.F.Mode' is private, so the generated companion (a separate class in package demo)"
            + " cannot name it: make it package-private or public"), refused("""
        private static final class Hidden {
          enum Mode { A, B }
        }
        @Differentiable static double f(double x) {
          Hidden.Mode m = Hidden.Mode.B; // ERROR
          return switch (m) { case A -> x; case B -> x * x; };
        }
        """, "the enum 'demo.F.Hidden' is private, so the generated companion (a separate class in package demo)"
            + " cannot name it"));
    row("a label on a block or another statement", refused("""
        @Differentiable static double f(double x) {
          double s = x;
          block: { // ERROR
            if (s > 2) break block;
            s *= x;
          }
          return s;
        }
        """, "only loops and switch statements can be labeled here: put the label on a loop, or use a boolean flag"));
    row("local class declaration", refused("""
        @Differentiable static double f(double x) {
          class Local { // ERROR
          }
          return x * x;
        }
        """, "local classes are not supported in a @Differentiable method"));
    row("a call as a statement (other than `System.arraycopy`, `Arrays.fill`, printing)", refused("""
        @Differentiable static double g(double x) { return x; }
        @Differentiable static double f(double x) {
          g(x); // ERROR
          return x;
        }
        """, "a call as a statement is not supported here (its result would be unused): only System.arraycopy,"
        + " Arrays.fill and printing are statements"),
        refused("""
            @Differentiable static double f(double[] x) {
              double[] y = x.clone();
              java.util.Arrays.sort(y); // ERROR
              return y[0];
            }
            """, "a call as a statement is not supported here (its result would be unused)"));
    row("field write", refused("""
        static double last;
        @Differentiable static double f(double x) {
          last = x; // ERROR
          return x * x;
        }
        """, "assignment to 'last', which is not a local variable: field writes are not supported in a @Differentiable"
        + " method; return the value instead"));
    row("write into a parameter array", refused("""
        @Differentiable static double f(double[] x) {
          x[0] = 1; // ERROR
          return x[0] * x[1];
        }
        """, "writing into the parameter array 'x' is not supported (inputs are never mutated): copy it first"));
    row("reassigning an array parameter", refused("""
        @Differentiable static double f(double[] x) {
          x = new double[2]; // ERROR
          return x[0];
        }
        """, "reassigning the array parameter 'x' is not supported: assign to a new local array instead"));
    row("array alias `double[] b = a;` (also `int[]`, `boolean[]`)", refused("""
        @Differentiable static double f(double[] a) {
          double[] b = a; // ERROR
          return b[0];
        }
        """, "assigning an existing array to another variable makes an alias, which Adjoint does not support"),
        refused("""
            @Differentiable static double f(double[] a, int[] k) {
              int[] b = new int[2];
              b = k; // ERROR
              return a[b[0]];
            }
            """, "assigning an existing array to another variable makes an alias, which Adjoint does not support"));
    row("an existing array as a matrix row", refused("""
        @Differentiable static double f(double[][] m) {
          double[][] c = new double[2][2];
          c[0] = m[1]; // ERROR
          return c[0][0];
        }
        """, "assigning an existing array as a row makes an alias"));
    row("`double[][]` clone", refused("""
        @Differentiable static double f(double[][] m) {
          double[][] c = m.clone(); // ERROR
          return c[0][0];
        }
        """, "clone() of a double[][] is shallow and would share rows"));
    row("enhanced `for` whose body assigns the iterated array", refused("""
        @Differentiable static double f(double[] x) {
          double[] a = x.clone();
          double s = 0;
          for (double v : a) { // ERROR
            s += v;
            a = new double[3];
          }
          return s;
        }
        """, "the loop body assigns 'a', which the enhanced for loop iterates over"));
    row("assigning the enhanced `for` variable", refused("""
        @Differentiable static double f(double[] x) {
          double s = 0;
          for (double v : x) {
            v = v * 2; // ERROR
            s += v;
          }
          return s;
        }
        """, "the enhanced for loop variable 'v' is read-only here"));
    row("a local of another type (`Object`, `float`, `double[][][]`, …)",
        refused("""
            @Differentiable static double f(double x) {
              Object o = null; // ERROR
              return x;
            }
            """, "type Object is not supported in a @Differentiable method"),
        refused("""
            @Differentiable static double f(double x) {
              double[][][] t = new double[2][2][2]; // ERROR
              return x;
            }
            """, "type double[][][] is not supported in a @Differentiable method"));
    row("names starting with `_` or containing `$`",
        refused("""
            @Differentiable static double f(double x) {
              double _t = x * x; // ERROR
              return _t;
            }
            """, "names starting with '_' are reserved for generated code"),
        refused("""
            @Differentiable static double f(double x) {
              double t$ = x * x; // ERROR
              return t$;
            }
            """, "names containing '$' are reserved for generated code"));
    CatalogueExpressionCases.register();
    CatalogueCallCases.register();
    CatalogueArrayCases.register();
    CatalogueNameCases.register();
    CatalogueRecordCases.register();
  }

  @TestFactory
  Stream<DynamicNode> everyRowOfTheCatalogueHasACaseAndEveryCasePasses() {
    List<Row> rows = DiagnosticsCatalogue.rows(CATALOGUE);
    List<DynamicNode> nodes = new ArrayList<>();
    for (Row row : rows) {
      List<Case> cases = CASES.get(row.refused());
      if (cases == null || cases.isEmpty()) {
        nodes.add(DynamicTest.dynamicTest(row.toString(), () -> {
          throw new AssertionError("the catalogue row \"" + row.refused() + "\" (" + row.section() + ") has no case:"
              + " add row(\"" + row.refused() + "\", ...) to " + CatalogueDiagnosticsTest.class.getSimpleName());
        }));
        continue;
      }
      List<DynamicTest> tests = new ArrayList<>();
      for (int i = 0; i < cases.size(); i++) {
        Case c = cases.get(i);
        tests.add(DynamicTest.dynamicTest("case " + (i + 1) + ": " + c.message(), () -> {
          String reported = c.check();
          assertTrue(row.matches(reported), "the reported message \"" + reported + "\" does not match the row's"
              + " quoted message(s) " + row.quotes());
        }));
      }
      nodes.add(DynamicContainer.dynamicContainer(row.toString(), tests));
    }
    List<String> known = rows.stream().map(Row::refused).toList();
    for (String key : CASES.keySet()) {
      nodes.add(DynamicTest.dynamicTest("key names a row: " + key, () -> assertTrue(known.contains(key),
          "the cases for \"" + key + "\" name no row of " + CATALOGUE + " (reworded or removed?)")));
    }
    return nodes.stream();
  }

  /** {@code relative} resolved against the repository root (the first ancestor holding it). */
  static Path locate(String relative) {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.exists(dir.resolve(relative))) {
        return dir.resolve(relative);
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
  }

  /** {@code C} compiled without the processor into a temporary directory: a class path without CGrad. */
  static List<File> classPathWithoutCompanion(String text) {
    try {
      Path dir = Files.createTempDirectory("adjoint-nocompanion");
      CompiledCompanion.compile(List.of(JavaFileObjects.forSourceString("demo.C", text)), List.of(), false)
          .writeClassesTo(dir);
      return List.of(dir.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
