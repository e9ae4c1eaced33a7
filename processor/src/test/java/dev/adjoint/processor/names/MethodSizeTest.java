package dev.adjoint.processor.names;

import static dev.adjoint.processor.testing.GradCheck.uniform;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.CompilationSubject;
import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Methods too large for one generated method: refused on the declaration with what to write, instead of
 * javac's "code too large" inside the companion. Large methods under the bound compile (every test
 * compilation fails on an error inside a generated file) and gradient-check.
 */
class MethodSizeTest {
  /** {@code f} with {@code n} copies of {@code statement} ({@code #} is the copy's number). */
  private static String source(String declarations, String statement, int n) {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < n; i++) {
      body.append("    ").append(statement.replace("#", Integer.toString(i))).append('\n');
    }
    return "package demo;\n\nimport dev.adjoint.Differentiable;\n\nfinal class F {\n"
        + "  @Differentiable static double f(double x) {\n"
        + "    " + declarations + "\n" + body + "    return s;\n  }\n}\n";
  }

  @Test
  void sevenHundredStraightLineStatementsAreRefusedOnTheMethod() {
    // javac's "code too large" comes at about 910 of these; the estimate refuses from about 600.
    String source = source("double s = x;", "s = s * x + Math.sin(s);", 700);
    JavaFileObject file = JavaFileObjects.forSourceString("demo.F", source);
    Compilation c = CompiledCompanion.compilation(List.of(file), List.of());
    CompilationSubject.assertThat(c).hadErrorContaining("'f' is too large to differentiate").inFile(file).onLine(6);
    CompilationSubject.assertThat(c).hadErrorContaining("split it into smaller @Differentiable methods")
        .inFile(file).onLine(6);
    org.junit.jupiter.api.Assertions.assertEquals(1, c.errors().size(), c.errors().toString());
  }

  @Test
  void manyLocalsUnderTheBoundCompileAndGradientCheck() {
    // Hundreds of locals: the densest code measured (wide loads and stores).
    String source = source("double s = x;", "double v# = s * x + 1.0; s = Math.sin(v#) * 0.5;", 400);
    GradCheck.of(source, "f").atRandomPoints(2, r -> new Object[] {uniform(r, -1, 1)});
  }

  @Test
  void manyBranchesUnderTheBoundCompileAndGradientCheck() {
    String source = source("double s = x;", "if (s > 0.#) { s = s * x; } else { s = s + x * 0.5; }", 360);
    GradCheck.of(source, "f").atRandomPoints(2, r -> new Object[] {uniform(r, 0.5, 1)});
  }
}
