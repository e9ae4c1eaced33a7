package dev.adjoint.processor.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.processor.testing.CompiledCompanion;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Incremental recompilation and long loops under a small heap, as real builds and real programs meet them. */
class RealBuildTest {
  private static final String CALLER = """
      package demo;

      import dev.adjoint.Differentiable;

      public final class B {
        @Differentiable
        public static double g(double x) {
          return 2 * A.f(x);
        }
      }
      """;

  private static String callee(String body) {
    return """
        package demo;

        import dev.adjoint.Differentiable;

        public final class A {
          @Differentiable
          public static double f(double x) {
            return %s;
          }
        }
        """.formatted(body);
  }

  @Test
  void recompilingOnlyTheChangedClassRegeneratesACorrectCompanion(@TempDir Path dir) {
    CompiledCompanion first = CompiledCompanion.compile(List.of(
        JavaFileObjects.forSourceString("demo.A", callee("x * x")),
        JavaFileObjects.forSourceString("demo.B", CALLER)), List.of());
    Map<String, Object> before = CompiledCompanion.components(first.callStatic("demo.BGrad", "gGradient", 3.0));
    assertEquals(12.0, (double) before.get("x"), "d/dx 2 x^2 at 3");

    // An incremental build recompiles A alone, with the earlier output (B, BGrad, old A) on the class path.
    Path previous = first.writeClassesTo(dir.resolve("previous"));
    CompiledCompanion onlyA = CompiledCompanion.compile(
        List.of(JavaFileObjects.forSourceString("demo.A", callee("x * x * x"))), List.of(previous.toFile()));
    assertTrue(onlyA.classNames().contains("demo.AGrad"), onlyA.classNames().toString());
    CompiledCompanion incremental = onlyA.withClassesFrom(first).withClassesFrom(onlyA);
    Map<String, Object> after = CompiledCompanion.components(incremental.callStatic("demo.BGrad", "gGradient", 3.0));
    assertEquals(54.0, (double) after.get("x"), "d/dx 2 x^3 at 3, through B's unchanged companion");
    assertTrue(onlyA.compilation().generatedSourceFiles().size() == 1, "only A's companion is regenerated");
  }

  @Test
  void tenMillionIterationsUnderA512MebibyteHeap(@TempDir Path dir) throws Exception {
    CompiledCompanion compiled = CompiledCompanion.compile(List.of(JavaFileObjects.forSourceString("demo.Long", """
        package demo;

        import dev.adjoint.Differentiable;

        public final class Long {
          @Differentiable
          public static double orbit(double x, int n) {
            double s = 0;
            for (int i = 0; i < n; i++) {
              s = s * 0.999999 + Math.sin(s + x * 1e-7 * i);
            }
            return s;
          }

          public static void main(String[] args) {
            int n = Integer.parseInt(args[0]);
            double x = 0.3;
            double g = LongGrad.orbitGradient(x, n).x();
            double h = 1e-6;
            double fd = (orbit(x + h, n) - orbit(x - h, n)) / (2 * h);
            System.out.println(g + " " + fd);
          }
        }
        """)), List.of());
    Path classes = compiled.writeClassesTo(dir);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = classes + File.pathSeparator + System.getProperty("java.class.path");
    Process p = new ProcessBuilder(java, "-Xmx512m", "-cp", classpath, "demo.Long", "10000000")
        .redirectErrorStream(true).start();
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "timed out");
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertEquals(0, p.exitValue(), output);
    String[] parts = output.split(" ");
    double gradient = Double.parseDouble(parts[0]);
    double finiteDifference = Double.parseDouble(parts[1]);
    assertEquals(finiteDifference, gradient, 1e-4 * Math.max(1, Math.abs(finiteDifference)), output);
  }
}
