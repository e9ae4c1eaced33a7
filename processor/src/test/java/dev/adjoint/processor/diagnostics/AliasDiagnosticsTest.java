package dev.adjoint.processor.diagnostics;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.CompilationSubject;
import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.processor.testing.CompiledCompanion;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaFileObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 9, items 1 and 4: writes through (or into) arrays that a call result may share, and helper calls
 * that Java runs only conditionally; each refusal asserted by file, line (marked {@code // ERROR}) and
 * message. The accepted neighbours of these programs are gradient-checked in
 * {@code gradient/AliasingGradientTest}.
 */
class AliasDiagnosticsTest {
  private static final String CALLEES = """
      static final double[][] T = {{1.5, -2.0}, {0.25, 3.0}};
      static int pick(int n) {
        return n - 1;
      }
      @Differentiable static double[] id(double[] x) {
        return x;
      }
      @Differentiable static double[][] idm(double[][] m) {
        return m;
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
      @Differentiable static double[] rec(double[] x, int n) {
        if (n == 0) {
          return x;
        }
        double[] y = rec(x, n - 1);
        return y;
      }
      """;

  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of("System.arraycopy into a call result that may be the argument", """
            @Differentiable static double f(double[] x) {
              double[] z = x.clone();
              double[] y = id(z);
              System.arraycopy(x, 0, y, 0, 1); // ERROR
              return y[0] + z[0];
            }
            """, "'y' may be the same array as 'z' (id may return its argument or a row of it), and a write through"
            + " one would change the other"),
        Arguments.of("Arrays.fill into an array that a call result may share", """
            @Differentiable static double f(double[] x) {
              double[] z = x.clone();
              double[] y = id(z);
              java.util.Arrays.fill(z, 1, 2, x[0]); // ERROR
              return y[1];
            }
            """, "writing into 'z' would also change 'y', which may be the same array"),
        Arguments.of("write through a call result that may be the argument", """
            @Differentiable static double f(double[] x) {
              double[] y = id(x);
              y[0] *= 2; // ERROR
              return y[0] + x[0];
            }
            """, "'y' may be the same array as 'x' (id may return its argument or a row of it), and a write through"
            + " one would change the other: copy the result, double[] y = id(x).clone();"),
        Arguments.of("write into a local that a call result may be", """
            @Differentiable static double f(double[] x) {
              double[] z = x.clone();
              double[] y = id(z);
              z[1] = 3; // ERROR
              return y[1];
            }
            """, "writing into 'z' would also change 'y', which may be the same array (id may return its argument"
            + " or a row of it): copy the result, double[] y = id(z).clone();"),
        Arguments.of("write into a local that a call result of an earlier iteration may be", """
            @Differentiable static double f(double[] x) {
              double[] z = x.clone();
              double[] y = new double[2];
              double s = 0;
              for (int i = 0; i < 2; i++) {
                z[0] += x[1]; // ERROR
                y = id(z);
                s += y[0];
              }
              return s;
            }
            """, "writing into 'z' would also change 'y'"),
        Arguments.of("write through a row of a matrix argument", """
            @Differentiable static double f(double[][] m) {
              double[] r = row(m, 0);
              r[1] = r[0]; // ERROR
              return r[1];
            }
            """, "'r' may be the same array as 'm' (row may return its argument or a row of it)"),
        Arguments.of("write through a static final row", """
            @Differentiable static double f(double[] x) {
              double[] t = table(x, 1);
              t[0] = x[0]; // ERROR
              return t[0];
            }
            """, "'t' may be the same array as a static final array (table may return a static final array)"),
        Arguments.of("write through a result that aliases through another call", """
            @Differentiable static double f(double[] x) {
              double[] y = wrap(x);
              y[0] = 1; // ERROR
              return y[0];
            }
            """, "'y' may be the same array as 'x' (wrap may return its argument or a row of it)"),
        Arguments.of("write through a result that aliases through recursion", """
            @Differentiable static double f(double[] x) {
              double[] y = rec(x, 3);
              y[1] = 1; // ERROR
              return y[1];
            }
            """, "'y' may be the same array as 'x' (rec may return its argument or a row of it)"),
        Arguments.of("write through a matrix result", """
            @Differentiable static double f(double[][] m) {
              double[][] w = idm(m);
              w[0][0] = 2; // ERROR
              return w[0][0];
            }
            """, "copy the result's rows into a new double[m][n]"),
        Arguments.of("a row assigned a call result that may be the argument", """
            @Differentiable static double f(double[] x) {
              double[][] m = new double[2][];
              m[0] = id(x); // ERROR
              return m[0][0];
            }
            """, "'m[0]' would be the same array as 'x' (id may return its argument or a row of it): assign a copy"
            + " instead, m[0] = id(x).clone();"),
        Arguments.of("helper call in a branch of ?:", """
            @Differentiable static double f(double[] x, boolean b) {
              double s = b ? x[pick(2)] : x[0]; // ERROR
              return s;
            }
            """, "the helper call F.pick(...) is inside ?: or right of && or ||, where it may not run, and Adjoint"
            + " must run every helper call exactly once: call it in a statement of its own first"),
        Arguments.of("helper call right of &&", """
            @Differentiable static double f(double[] x, boolean b) {
              double s = x[0];
              s *= b && pick(3) > 1 ? 2 : 1; // ERROR
              return s;
            }
            """, "the helper call F.pick(...) is inside ?: or right of && or ||"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refusedOnItsLine(String name, String members, String message) {
    String source = "package demo;\n\nimport dev.adjoint.Differentiable;\n\nfinal class F {\n" + CALLEES + members
        + "}\n";
    JavaFileObject file = JavaFileObjects.forSourceString("demo.F", source);
    Compilation c = CompiledCompanion.compilation(List.of(file), List.of());
    String[] lines = source.split("\n", -1);
    int line = 0;
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].contains("// ERROR")) {
        line = i + 1;
      }
    }
    CompilationSubject.assertThat(c).hadErrorContaining(message).inFile(file).onLine(line);
    CompilationSubject.assertThat(c).hadErrorCount(1);
  }
}
