package dev.adjoint.processor.diagnostics;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.CompilationSubject;
import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.processor.testing.CompiledCompanion;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaFileObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Names the companion could not declare or reach, refused on the user's line (the one marked
 * {@code // ERROR} in {@code demo/F.java}) by file, line and message.
 */
class NameDiagnosticsTest {
  static Stream<Arguments> refusals() {
    List<Arguments> cases = new ArrayList<>();
    for (String n : List.of("wait", "clone", "hashCode", "toString", "notify", "notifyAll", "finalize", "getClass")) {
      cases.add(Arguments.of("differentiable parameter " + n, """
          @Differentiable static double f(double x,
              double[] N) { // ERROR
            return x * N[0];
          }
          """.replace("N", n), "", "a differentiable parameter cannot be named '" + n + "'"));
    }
    cases.add(Arguments.of("method named like the gradient of another", """
        @Differentiable static double loss(double x) {
          return x * x;
        }
        @Differentiable static double lossGradient(double x) { // ERROR
          return 2 * x;
        }
        """, "", "the companion would declare lossGradient(double) twice"));
    cases.add(Arguments.of("method named like the vjp of another", """
        @Differentiable static double[] lossVjp(double[] x, double[] u) {
          return new double[] {x[0] * u[0]};
        }
        @Differentiable static double[] loss(double[] x) { // ERROR
          return new double[] {x[0]};
        }
        """, "", "the companion would declare lossVjp(double[], double[]) twice"));
    cases.add(Arguments.of("method named like the Jacobian of a method with a Tensor parameter", """
        @Differentiable static double loss(dev.adjoint.Tensor x) {
          return x.sum().item();
        }
        @Differentiable static double lossJacobian(dev.adjoint.Tensor y) { // ERROR
          return y.square().sum().item();
        }
        """, "", "the companion would declare lossJacobian(dev.adjoint.Tensor) twice"));
    cases.add(Arguments.of("method named like the Hessian of a double method of one tensor read at the end", """
        @Differentiable static double loss(dev.adjoint.Tensor x) {
          return x.square().sum().item();
        }
        @Differentiable static double lossHessian(dev.adjoint.Tensor y) { // ERROR
          return y.sum().item();
        }
        """, "", "the companion would declare lossHessian(dev.adjoint.Tensor) twice"));
    cases.add(Arguments.of("method named like the tape of another", """
        @Differentiable static double loss(double x) {
          return x * x;
        }
        @Differentiable static double lossForward(double y) { // ERROR
          return y;
        }
        """, "", "the companion would declare lossForward(double) twice"));
    cases.add(Arguments.of("constant of a private nested class", """
        private static final class K {
          static final double[] W = {1, 2};
        }
        @Differentiable static double f(double x) {
          return x * K.W[0]; // ERROR
        }
        """, "", "'K.W' is declared in demo.F.K, which is private"));
    cases.add(Arguments.of("helper of a private nested class", """
        private static final class K {
          static int pick(int n) {
            return n - 1;
          }
        }
        @Differentiable static double f(double[] x) {
          return x[K.pick(1)]; // ERROR
        }
        """, "", "javac calls K.pick(int) here, which the generated companion (in package 'demo') cannot access"));
    String base = """
        package other;
        import dev.adjoint.Differentiable;
        public class Base {
          protected static final double[] TABLE = {1, 2};
          protected static int pick(int n) {
            return n - 1;
          }
          @Differentiable
          protected static double sq(double x) {
            return x * x;
          }
        }
        """;
    cases.add(Arguments.of("protected constant of a superclass in another package", """
        static final class Sub extends other.Base {
          @Differentiable static double f(double x) {
            return x * other.Base.TABLE[0]; // ERROR
          }
        }
        """, base, "'Base.TABLE' is protected in package other"));
    cases.add(Arguments.of("protected helper of a superclass in another package", """
        static final class Sub extends other.Base {
          @Differentiable static double f(double[] x) {
            return x[other.Base.pick(1)]; // ERROR
          }
        }
        """, base, "javac calls Base.pick(int) here, which the generated companion (in package 'demo') cannot"
        + " access"));
    cases.add(Arguments.of("protected @Differentiable method of a superclass in another package", """
        static final class Sub extends other.Base {
          @Differentiable static double f(double x) {
            return other.Base.sq(x); // ERROR
          }
        }
        """, base, "javac calls Base.sq(double) here, which the generated companion (in package 'demo') cannot"
        + " access"));
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refusedOnItsLine(String name, String members, String otherSource, String message) {
    String source = "package demo;\n\nimport dev.adjoint.Differentiable;\n\nfinal class F {\n" + members + "}\n";
    JavaFileObject file = JavaFileObjects.forSourceString("demo.F", source);
    List<JavaFileObject> files = new ArrayList<>(List.of(file));
    if (!otherSource.isEmpty()) {
      files.add(JavaFileObjects.forSourceString("other.Base", otherSource));
    }
    Compilation c = CompiledCompanion.compilation(files, List.of());
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
