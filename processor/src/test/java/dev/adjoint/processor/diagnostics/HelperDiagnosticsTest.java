package dev.adjoint.processor.diagnostics;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.adjoint.processor.diagnostics.RefusedConstructDiagnosticsTest.assertRefused;
import static dev.adjoint.processor.diagnostics.RefusedConstructDiagnosticsTest.wrap;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.processor.testing.CompiledCompanion;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Refusals inside plain helpers that a {@code @Differentiable} method calls with differentiable arguments:
 * on the helper's own line, naming the chain of calls, once per problem however often the helper is reached.
 */
class HelperDiagnosticsTest {
  @Test
  void aProblemOfAHelperReachedTwiceIsReportedOnce() {
    String source = wrap("""
        static double helper(double v) {
          Object o = null; // ERROR
          return v * 3;
        }
        @Differentiable static double f(double x) {
          return helper(x) + helper(x * x);
        }
        @Differentiable static double g(double x, double y) {
          return helper(y) * helper(x);
        }
        """);
    Compilation c = assertRefused("demo.F", source, "in helper 'helper', called from 'f' at line 9: type Object is"
        + " not supported");
    assertEquals(1, c.errors().size(), CompiledCompanion.describe(c));
  }

  @Test
  void aHelperInAnotherFileIsRefusedInThatFile() {
    String util = """
        package demo;
        final class Util {
          static double sq(double v) {
            double[] w = {v, v};
            double[] u = w; // ERROR
            return w[0] * u[1];
          }
        }
        """;
    String caller = wrap("""
        @Differentiable static double f(double x) {
          return Util.sq(x);
        }
        """);
    JavaFileObject utilFile = JavaFileObjects.forSourceString("demo.Util", util);
    Compilation c = CompiledCompanion.compilation(
        List.of(utilFile, JavaFileObjects.forSourceString("demo.F", caller)), List.of());
    assertThat(c).failed();
    assertThat(c).hadErrorContaining("in helper 'sq', called from 'f' at line 5: assigning an existing array to another variable makes an alias")
        .inFile(utilFile).onLine(RefusedConstructDiagnosticsTest.markedLine(util));
    RefusedConstructDiagnosticsTest.assertNoInternalError(c);
    assertEquals(1, c.errors().size(), CompiledCompanion.describe(c));
  }

  @Test
  void aHelperCalledOnlyWithConstantsIsNotRead() {
    // The helper is outside the subset, but its arguments do not depend on the inputs: it just runs.
    Compilation c = CompiledCompanion.compilation(List.of(JavaFileObjects.forSourceString("demo.F", wrap("""
        static double table(double v) {
          Object o = "unused";
          return v * 3 + o.hashCode() * 0;
        }
        @Differentiable static double f(double x, int n) {
          return x * table(0.5 * n);
        }
        """))), List.of());
    assertThat(c).succeeded();
  }

  @Test
  void aConstantHelperThatWritesIntoItsArrayIsRefused() {
    assertRefused("demo.F", wrap("""
        static int sortFirst(double[] v) {
          if (v[0] > v[1]) {
            v[0] = v[1]; // ERROR
          }
          return 0;
        }
        @Differentiable static double f(double[] x) {
          return x[sortFirst(x)];
        }
        """), "in helper 'sortFirst', called from 'f' at line 11: writing into the parameter array 'v'");
  }

  @Test
  void aWriteThroughAHelperResultThatMayBeItsArgumentIsRefused() {
    assertRefused("demo.F", wrap("""
        static double[] pick(double[] a, double[] b, int k) {
          if (k > 0) {
            return a;
          }
          return b;
        }
        @Differentiable static double f(double[] x, double[] y, int k) {
          double[] v = pick(x, y, k);
          v[0] = 2; // ERROR
          return v[0] * x[1];
        }
        """), "'v' may be the same array as 'x'");
  }

  @Test
  void aParameterTheGradientRecordCannotName() {
    assertRefused("demo.F", wrap("""
        static double helper(double wait) { // ERROR
          return wait * 3;
        }
        @Differentiable static double f(double x) {
          return helper(x);
        }
        """), "in helper 'helper', called from 'f' at line 8: a parameter that receives a differentiable value"
        + " cannot be named 'wait'");
  }

  @Test
  void theCallerOfABrokenHelperIsNotWrittenAndNothingElseFails() {
    JavaFileObject file = JavaFileObjects.forSourceString("demo.F", wrap("""
        static double helper(double v) {
          Object o = null;
          return v * 3;
        }
        @Differentiable static double f(double x) {
          return helper(x) + 1;
        }
        @Differentiable static double g(double x) {
          return x * x;
        }
        """));
    Compilation c = CompiledCompanion.compilation(List.of(file), List.of());
    assertThat(c).failed();
    assertEquals(1, c.errors().size(), CompiledCompanion.describe(c));
    assertEquals(List.of(), CompiledCompanion.errorsInGeneratedFiles(c, List.of(file)));
  }
}
