package dev.adjoint.processor.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import dev.adjoint.processor.testing.CompiledCompanion;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code @DerivativeOf} methods whose signature the companion cannot call: refused on the method, once. */
class CustomDerivativeDiagnosticsTest {
  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of("names no @Differentiable method", """
            static double g(double x) { return x; }
            @DerivativeOf("g") static double gd(double x, double upstream) { return upstream; } // ERROR
            """, "@DerivativeOf(\"g\") names no @Differentiable method of F: annotate 'g' with @Differentiable"),
        Arguments.of("parameters not those of m followed by upstream", """
            @Differentiable static double g(double x, int n) { return x * n; }
            @DerivativeOf("g") static double gd(double x, double upstream) { return upstream; } // ERROR
            """, "@DerivativeOf method 'gd' must take the parameters of 'g' followed by the upstream adjoint:"
            + " (double x, int n, double upstream)"),
        Arguments.of("one differentiable parameter, array result", """
            @Differentiable static double g(double x, @NoGrad double c) { return x * c; }
            @DerivativeOf("g") static double[] gd(double x, double c, double u) { return null; } // ERROR
            """, "@DerivativeOf method 'gd' must return double: upstream times the derivative of 'g' with respect"
            + " to 'x'"),
        Arguments.of("several differentiable parameters, double result", """
            @Differentiable static double g(double x, double y) { return x * y; }
            @DerivativeOf("g") static double gd(double x, double y, double u) { return u; } // ERROR
            """, "@DerivativeOf method 'gd' must return double[]: upstream times the partial derivative with"
            + " respect to each of [x, y], in that order"),
        Arguments.of("instance method", """
            @Differentiable static double g(double x) { return x; }
            @DerivativeOf("g") double gd(double x, double u) { return u; } // ERROR
            """, "@DerivativeOf method 'gd' must be static"),
        Arguments.of("private method", """
            @Differentiable static double g(double x) { return x; }
            @DerivativeOf("g") private static double gd(double x, double u) { return u; } // ERROR
            """, "@DerivativeOf method 'gd' must not be private: the companion calls it"),
        Arguments.of("array parameters (not supported yet)", """
            @Differentiable static double g(double[] x) { return x[0]; }
            @DerivativeOf("g") static double[] gd(double[] x, double u) { return x; } // ERROR
            """, "@DerivativeOf(\"g\") is supported for methods of double, int, long and boolean parameters with"
            + " a double result; 'g' is double g(double[])"),
        Arguments.of("two derivatives", """
            @Differentiable static double g(double x) { return x; }
            @DerivativeOf("g") static double gd(double x, double u) { return u; }
            @DerivativeOf("g") static double ge(double x, double u) { return u; } // ERROR
            """, "'g' has two @DerivativeOf methods, 'gd' and 'ge': keep one"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refusedOnTheDerivative(String name, String members, String message) {
    String source = "package demo;\nimport dev.adjoint.Differentiable;\nimport dev.adjoint.DerivativeOf;\n"
        + "import dev.adjoint.NoGrad;\nfinal class F {\n" + members + "\n}\n";
    Compilation c = RefusedConstructDiagnosticsTest.assertRefused("demo.F", source, message);
    assertEquals(1, c.errors().size(), "one error per problem:\n" + CompiledCompanion.describe(c));
  }
}
