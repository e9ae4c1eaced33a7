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
 * The rows of {@code docs/diagnostics.md} that the other diagnostics tests do not already cover, each
 * asserted by file, line (the line marked {@code // ERROR}) and message.
 */
class CatalogueDiagnosticsTest {
  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of("unsupported parameter type", """
            @Differentiable static double f(double x, String label) { // ERROR
              return x;
            }
            """, "parameter 'label' has type java.lang.String, which Adjoint does not support"),
        Arguments.of("int[] local", """
            @Differentiable static double f(double x) {
              int[] counts = new int[3]; // ERROR
              return x;
            }
            """, "int[] locals are not supported"),
        Arguments.of("method call on a value", """
            @Differentiable static double f(double[] x) {
              return x.length + (x.equals(x) ? x[0] : 0); // ERROR
            }
            """, "calling 'equals' on a value is not supported"),
        Arguments.of("private non-constant static final", """
            private static final double[] W = {1, 2};
            @Differentiable static double f(double x) {
              return x * W[0]; // ERROR
            }
            """, "the private constant 'W' is not a compile-time constant"),
        Arguments.of("++ inside an expression", """
            @Differentiable static double f(double[] x) {
              int i = 0;
              return x[i++]; // ERROR
            }
            """, "++ and -- inside an expression are not supported"),
        Arguments.of("assignment inside an expression", """
            @Differentiable static double f(double x) {
              double y;
              return (y = x) * 2; // ERROR
            }
            """, "an assignment inside an expression is not supported"),
        Arguments.of("cast to float", """
            @Differentiable static double f(double x) {
              return (float) x; // ERROR
            }
            """, "float is not supported"),
        Arguments.of("array argument that is not a variable", """
            @Differentiable static double g(double[] v) {
              return v[0] * v[0];
            }
            @Differentiable static double f(double[] x) {
              return g(x.clone()); // ERROR
            }
            """, "pass an array argument through a local variable"),
        Arguments.of("a local of a class type", """
            @Differentiable static double f(double x) {
              Object o = null; // ERROR
              return x;
            }
            """, "type Object is not supported"),
        Arguments.of("rank-3 array", """
            @Differentiable static double f(double x) {
              double[][][] t = new double[2][2][2]; // ERROR
              return x;
            }
            """, "type double[][][] is not supported"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refusedOnItsLine(String name, String members, String message) {
    String source = "package demo;\n\nimport dev.adjoint.Differentiable;\n\nfinal class F {\n" + members + "}\n";
    JavaFileObject file = JavaFileObjects.forSourceString("demo.F", source);
    Compilation c = CompiledCompanion.compilation(List.of(file), List.of());
    String[] lines = source.split("\n", -1);
    int line = 0;
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].contains("// ERROR")) {
        line = i + 1;
        break;
      }
    }
    CompilationSubject.assertThat(c).hadErrorContaining(message).inFile(file).onLine(line);
  }
}
