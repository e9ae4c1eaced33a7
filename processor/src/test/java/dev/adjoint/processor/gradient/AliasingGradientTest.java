package dev.adjoint.processor.gradient;

import static dev.adjoint.processor.testing.GradCheck.matrix;
import static dev.adjoint.processor.testing.GradCheck.uniform;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.CompilationSubject;
import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, items 1, 4 and 5: array results that alias arguments, rows or constants; helper calls that
 * must run exactly once; element writes whose index reads the array written. Every accepted program is
 * gradient-checked against central differences of the original method (GradCheck also asserts that no
 * argument changes); the refusals are asserted in {@code diagnostics/AliasDiagnosticsTest}.
 */
class AliasingGradientTest {
  private static final String IDS = """
      static final double[][] T = {{1.5, -2.0, 0.5}, {0.25, 3.0, -1.0}};
      @Differentiable static double[] id(double[] x) {
        return x;
      }
      @Differentiable static double[] row(double[][] m, int i) {
        return m[i];
      }
      @Differentiable static double[] table(double[] x, int i) {
        return T[i];
      }
      @Differentiable static double[] wrap(double[] x) {
        double[] y = id(x);
        return y;
      }
      @Differentiable static double[] fresh(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
          y[i] = x[i] * x[i];
        }
        return y;
      }
      """;

  @Test
  void readingThroughAliasingResultsIsExact() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", ConstructGradientTest.wrap(IDS + """
        @Differentiable static double f(double[] x, double[][] m) {
          double[] y = id(x);
          double[] r = row(m, 1);
          double[] t = table(x, 0);
          double[] w = wrap(y);
          return y[0] * x[1] + r[0] * w[2] + t[1] * x[0] + r[1] * r[1];
        }
        """));
    GradCheck.of(c, "demo.F", "f").atRandomPoints(4, r -> new Object[] {vector(r, 3, -1, 1), matrix(r, 2, 3, -1, 1)});
    for (String name : List.of("id", "wrap", "fresh")) {
      GradCheck.of(c, "demo.F", name).atRandomPoints(2, r -> new Object[] {vector(r, 3, -1, 1)});
    }
  }

  @Test
  void cloneOfACallResultIsACopyAndDifferentiated() {
    // The example with the copy its refusal asks for: d/dx0 (2 x0 + x0) = 3.
    CompiledCompanion c = CompiledCompanion.compile("demo.F", ConstructGradientTest.wrap(IDS + """
        @Differentiable static double f(double[] x) {
          double[] y = id(x).clone();
          y[0] *= 2;
          double[] z = fresh(x).clone();
          z[1] = z[1] * y[0];
          return y[0] + x[0] + z[1];
        }
        """));
    GradCheck.of(c, "demo.F", "f").atRandomPoints(4, r -> new Object[] {vector(r, 3, -1, 1)});
    Object g = CompiledCompanion.invoke(CompiledCompanion.method(c.load("demo.FGrad"), "fGradient"), null,
        (Object) new double[] {1, 0, 0});
    assertArrayEquals(new double[] {3, 0, 0}, (double[]) CompiledCompanion.call(g, "x"), 1e-12);
  }

  @Test
  void freshResultsStayWritableAlsoThroughRecursion() {
    GradCheck.of(ConstructGradientTest.wrap(IDS + """
        @Differentiable static double[] rec(double[] x, int n) {
          if (n == 0) {
            return fresh(x);
          }
          double[] y = rec(x, n - 1);
          y[0] = y[0] * x[1];
          return y;
        }
        @Differentiable static double f(double[] x) {
          double[] z = x.clone();
          z[2] = z[2] * 3;
          double[] y = rec(z, 2);
          y[1] += x[0];
          return y[0] + y[1] * z[2];
        }
        """), "f").atRandomPoints(4, r -> new Object[] {vector(r, 3, -1, 1)});
  }

  @Test
  void writesBeforeTheViewExistsAreExact() {
    GradCheck.of(ConstructGradientTest.wrap(IDS + """
        @Differentiable static double f(double[] x) {
          double[] z = new double[3];
          for (int i = 0; i < 3; i++) {
            z[i] = x[i] * x[(i + 1) % 3];
          }
          double[] y = wrap(z);
          double s = 0;
          for (double e : y) {
            s += e * z[0];
          }
          return s;
        }
        """), "f").atRandomPoints(4, r -> new Object[] {vector(r, 3, -1, 1)});
  }

  @Test
  void viewsOfViewsInSiblingScopesAndLoops() {
    GradCheck.of(ConstructGradientTest.wrap(IDS + """
        @Differentiable static double f(double[] x, double c) {
          double s = 0;
          if (c > 0) {
            double[] y = id(x);
            double[] w = wrap(y);
            s += y[0] * w[1];
          } else {
            double y = c * 2;
            s += y * x[2];
          }
          double[] z = new double[3];
          z[0] = x[0] * c;
          double[] v = id(z);
          while (s < 3) {
            s += v[0] * 0.5 + 1;
            v = wrap(v);
          }
          return s + v[0];
        }
        """), "f").atRandomPoints(6, r -> new Object[] {vector(r, 3, -1, 1), uniform(r, -1, 1)});
  }

  @Test
  void summaryTravelsInTheCompanion(@TempDir Path dir) {
    CompiledCompanion lib = CompiledCompanion.compile(List.of(JavaFileObjects.forSourceString("lib.A", """
        package lib;
        import dev.adjoint.Differentiable;
        public final class A {
          @Differentiable public static double[] id(double[] x, double[][] m) {
            return x;
          }
          @Differentiable public static double[] row(double[] x, double[][] m) {
            return m[1];
          }
          @Differentiable public static double[] fresh(double[] x, double[][] m) {
            return new double[] {x[0] * m[0][0], x[1]};
          }
        }
        """)), List.of());
    String companion = lib.generatedSource("lib.AGrad");
    assertTrue(companion.replaceAll("\\s+", " ").contains("@ResultAlias( parameters = {0} ) public static double[] id"),
        companion);
    assertTrue(companion.replaceAll("\\s+", " ").contains("@ResultAlias( parameters = {1} ) public static double[] row"),
        companion);
    assertTrue(companion.replaceAll("\\s+", " ").contains("@ResultAlias public static double[] fresh"), companion);
    lib.writeClassesTo(dir);
    String caller = """
        package demo;
        import dev.adjoint.Differentiable;
        final class F {
          @Differentiable static double f(double[] x, double[][] m) {
            double[] y = lib.A.fresh(x, m);
            y[0] *= y[1];
            double[] v = lib.A.id(x, m);
            double[] r = lib.A.row(x, m);
            return y[0] + v[1] * r[0];
          }
        }
        """;
    CompiledCompanion c = CompiledCompanion.compile(List.of(JavaFileObjects.forSourceString("demo.F", caller)),
        List.of(dir.toFile())).withClassesFrom(lib);
    GradCheck.of(c, "demo.F", "f").atRandomPoints(3, r -> new Object[] {vector(r, 2, -1, 1), matrix(r, 2, 2, -1, 1)});
    for (String write : List.of("v[0] = 1;", "r[1] = 2;", "m[1][0] = 0;")) {
      String refused = caller.replace("return y[0]", write + " return y[0]");
      JavaFileObject file = JavaFileObjects.forSourceString("demo.F", refused);
      Compilation bad = CompiledCompanion.compilation(List.of(file), List.of(dir.toFile()));
      CompilationSubject.assertThat(bad).hadErrorContaining(write.startsWith("m") ? "writing into the parameter"
          : "may be the same array as").inFile(file).onLine(9);
    }
  }

  @Test
  void companionWithoutSummaryMayAliasAnything(@TempDir Path dir) {
    String source = """
        package lib;
        import dev.adjoint.Differentiable;
        public final class B {
          @Differentiable public static double[] fresh(double[] x) {
            return new double[] {x[0], x[1]};
          }
        }
        """;
    CompiledCompanion lib = CompiledCompanion.compile("lib.B", source);
    // The same companion as an older processor wrote it: no ResultAlias annotation.
    String old = lib.generatedSource("lib.BGrad").replaceAll("@ResultAlias(\\([^)]*\\))?", "");
    CompiledCompanion plain = CompiledCompanion.compile(List.of(JavaFileObjects.forSourceString("lib.B", source),
        JavaFileObjects.forSourceString("lib.BGrad", old)), List.of(), false);
    plain.writeClassesTo(dir);
    JavaFileObject file = JavaFileObjects.forSourceString("demo.F", """
        package demo;
        import dev.adjoint.Differentiable;
        final class F {
          @Differentiable static double f(double[] x) {
            double[] y = lib.B.fresh(x);
            y[0] *= 2;
            return y[0];
          }
        }
        """);
    Compilation c = CompiledCompanion.compilation(List.of(file), List.of(dir.toFile()));
    CompilationSubject.assertThat(c).hadErrorContaining("'y' may be the same array as 'x' or a static final array")
        .inFile(file).onLine(6);
  }

  // ------------------------------------------------------------------ item 5: self-indexed writes

  @Test
  void elementWriteWhoseIndexReadsTheArrayWritten() {
    GradCheck.of(ConstructGradientTest.wrap("""
        @Differentiable static double f(double[] x) {
          double[] a = new double[4];
          a[1] = x[0];
          a[2] = x[1];
          a[(int) a[0]] = 2.5 + x[2];
          a[(int) a[0]] *= x[0];
          return a[0] * a[2] + a[1];
        }
        """), "f").atRandomPoints(5, r -> new Object[] {vector(r, 3, -0.4, 0.4)});
  }

  @Test
  void selfIndexedWritesInLoopsAndMatrices() {
    GradCheck.of(ConstructGradientTest.wrap("""
        @Differentiable static double f(double[] x) {
          double[] a = new double[3];
          double s = 0;
          for (int i = 0; i < 3; i++) {
            a[(int) a[0]] = x[i] + 1.2 * i;
            s += a[(int) a[0]] * x[i];
            a[(int) a[0]] += x[i] * s;
          }
          double[][] m = new double[3][2];
          for (int j = 0; j < 2; j++) {
            m[(int) m[0][0]][j] = x[j] + 1.1 * j + 1.1;
            m[(int) m[0][0]][(int) m[0][0] - 1] *= s;
          }
          m[(int) m[0][0] + 1] = new double[] {x[2] * m[2][0], m[1][1]};
          return s + a[0] * a[1] + m[0][0] * m[1][1] + m[1][0] + m[0][1] + m[2][0] * m[2][1];
        }
        """), "f").atRandomPoints(6, r -> new Object[] {vector(r, 3, 0.1, 0.7)});
  }

  // ------------------------------------------------------------------ item 4: helpers run once

  private static final String COUNTED = """
      package demo;
      import dev.adjoint.Differentiable;
      final class F {
        static int calls;
        static int pick(int n) {
          calls++;
          return calls % n;
        }
        static boolean coin() {
          calls++;
          return calls % 2 == 0;
        }
        @Differentiable static double f(double[] x, double c) {
          double s = 0;
          for (int i = 0; i < 4; i++) {
            s += x[pick(3)] * Math.sin(c * x[pick(3)]) * (coin() ? 2 : 1);
          }
          double[] a = new double[3];
          a[pick(3)] += c * x[pick(3)];
          a[pick(3)] = a[pick(2)] * c + (pick(5) > 2 ? x[0] : x[1]);
          int k = pick(3);
          return s + a[0] + a[1] * x[k] + a[2];
        }
      }
      """;

  /**
   * Helpers in loop conditions, in arguments of differentiable calls, in returns and in increments. (Not
   * inside a differentiable callee: its pullback runs it again today, see the call boundary work.)
   */
  private static final String COUNTED_ELSEWHERE = COUNTED.replace("""
        @Differentiable static double f(double[] x, double c) {
          double s = 0;
          for (int i = 0; i < 4; i++) {
            s += x[pick(3)] * Math.sin(c * x[pick(3)]) * (coin() ? 2 : 1);
          }
          double[] a = new double[3];
          a[pick(3)] += c * x[pick(3)];
          a[pick(3)] = a[pick(2)] * c + (pick(5) > 2 ? x[0] : x[1]);
          int k = pick(3);
          return s + a[0] + a[1] * x[k] + a[2];
        }
      """, """
        @Differentiable static double g(double u, double[] v) {
          return u * v[1];
        }
        @Differentiable static double f(double[] x, double c) {
          double s = c;
          int i = 0;
          while (pick(4) != 0 && i < 6) {
            s = s * 0.5 + g(x[pick(3)] * c, x);
            i++;
            if (s > 5) {
              return s * x[pick(3)];
            }
          }
          double[] a = new double[3];
          a[pick(3)]++;
          a[pick(3)] += s;
          for (int j = 0; j < 3; j = j + pick(2) + 1) {
            a[j] *= x[pick(3)] + c;
          }
          return a[0] + a[1] * s + a[2] * x[pick(3)];
        }
      """);

  @Test
  void helperCallsRunOnceAlsoInConditionsCallsReturnsAndIncrements() {
    assertTrue(COUNTED_ELSEWHERE.contains("while (pick(4) != 0"), COUNTED_ELSEWHERE);
    helperCallsRunOnce(COUNTED_ELSEWHERE);
  }

  @Test
  void helperCallsRunOnceAndTheReverseReadsWhatTheyReturned() {
    CompiledCompanion c = helperCallsRunOnce(COUNTED);
    String generated = c.generatedSource("demo.FGrad");
    int sections = 0;
    for (int at = generated.indexOf("// reverse sweep"); at >= 0; at = generated.indexOf("// reverse sweep", at + 1)) {
      // the code of the sweep, without its comments (which quote the source line)
      // (a tape's reverse$ builds its gradient record before it puts its caller's tape cursors back)
      int returned = generated.indexOf("return new ", at);
      int built = generated.indexOf("gradient$ = new ", at);
      String reverse = generated.substring(at, built >= 0 && (returned < 0 || built < returned) ? built : returned)
          .replaceAll("(?m)^\\s*//.*$", "");
      assertTrue(!reverse.contains("pick(") && !reverse.contains("coin("), "a reverse sweep calls a helper:\n"
          + reverse);
      assertTrue(reverse.contains("_call$"), "the reverse sweep reads the stored helper results:\n" + reverse);
      sections++;
    }
    assertTrue(sections >= 2, generated);
    assertTrue(generated.contains("_call$1 = demo.F.pick(3)") || generated.contains("_call$1 = F.pick(3)"),
        generated);
  }

  /** Compiles {@code source}; its helpers run as often in every companion entry point as in f; gradient-checked. */
  private static CompiledCompanion helperCallsRunOnce(String source) {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    Class<?> owner = c.load("demo.F");
    Class<?> companion = c.load("demo.FGrad");
    Field calls = field(owner, "calls");
    Method original = CompiledCompanion.method(owner, "f");
    Random random = new Random(7);
    for (int trial = 0; trial < 4; trial++) {
      double[] x = vector(random, 3, -1, 1);
      double cc = uniform(random, -1, 1);
      int start = trial * 5;
      Supplier<Double> run = () -> (Double) CompiledCompanion.invoke(original, null, x.clone(), cc);
      set(calls, start);
      double value = run.get();
      int perRun = (int) get(calls) - start;
      // mGradient, mVjp and mForward(..).backward() each run the helpers exactly as often as f does.
      for (String entry : List.of("fGradient", "fVjp", "fForward")) {
        set(calls, start);
        double[] arg = x.clone();
        Object out = entry.equals("fVjp")
            ? CompiledCompanion.invoke(CompiledCompanion.method(companion, entry), null, arg, cc, 1.0)
            : CompiledCompanion.invoke(CompiledCompanion.method(companion, entry), null, arg, cc);
        if (entry.equals("fForward")) {
          assertEquals(value, (Double) CompiledCompanion.call(out, "value"), 0);
          out = CompiledCompanion.call(out, "backward", 1.0);
        }
        assertEquals(perRun, (int) get(calls) - start, entry + " runs the helpers as often as f");
        assertArrayEquals(x, arg, entry + " leaves x unchanged");
        // central differences of the original, each run from the same helper state
        double[] gx = (double[]) CompiledCompanion.call(out, "x");
        double gc = (Double) CompiledCompanion.call(out, "c");
        for (int i = 0; i < 3; i++) {
          final int at = i;
          double h = 1e-6;
          double[] plus = x.clone();
          plus[at] += h;
          double[] minus = x.clone();
          minus[at] -= h;
          set(calls, start);
          double fp = (Double) CompiledCompanion.invoke(original, null, plus, cc);
          set(calls, start);
          double fm = (Double) CompiledCompanion.invoke(original, null, minus, cc);
          assertEquals((fp - fm) / (2 * h), gx[at], 1e-5 + 1e-3 * Math.abs(gx[at]), entry + " d/dx" + at);
        }
        set(calls, start);
        double fp = (Double) CompiledCompanion.invoke(original, null, x.clone(), cc + 1e-6);
        set(calls, start);
        double fm = (Double) CompiledCompanion.invoke(original, null, x.clone(), cc - 1e-6);
        assertEquals((fp - fm) / 2e-6, gc, 1e-5 + 1e-3 * Math.abs(gc), entry + " d/dc");
      }
    }
    return c;
  }

  private static Field field(Class<?> owner, String name) {
    try {
      Field f = owner.getDeclaredField(name);
      f.setAccessible(true);
      return f;
    } catch (NoSuchFieldException e) {
      throw new AssertionError(e);
    }
  }

  private static void set(Field f, int value) {
    try {
      f.setInt(null, value);
    } catch (IllegalAccessException e) {
      throw new AssertionError(e);
    }
  }

  private static Object get(Field f) {
    try {
      return f.getInt(null);
    } catch (IllegalAccessException e) {
      throw new AssertionError(e);
    }
  }

}
