package dev.adjoint.processor.property;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.adjoint.processor.testing.JavacOracle;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * javac is the oracle for the reader's typing and call resolution: over a file of tricky overloads, the
 * Java programs held in the processor's test sources, and programs of the random generators, every
 * expression the reader types and every call it resolves must agree with javac's attribution.
 */
class JavacOracleTest {
  @Test
  void trickyOverloadsAgreeWithJavac() throws IOException {
    String source;
    try (InputStream in = JavacOracleTest.class.getResourceAsStream("/oracle/Overloads.java")) {
      source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    JavacOracle.Outcome o = JavacOracle.check("Overloads.java", source);
    assertTrue(o.attributed(), "javac rejects the oracle file:\n" + o.javacErrors());
    assertEquals(List.of(), o.disagreements());
    // Counted when written: 82 calls, 489 expressions.
    assertTrue(o.calls() >= 80, "calls compared: " + o.calls());
    assertTrue(o.expressions() >= 400, "expressions compared: " + o.expressions());
  }

  @Test
  void programsInTheTestSourcesAgreeWithJavac(@org.junit.jupiter.api.io.TempDir Path generated) throws IOException {
    Map<String, String> programs = JavacOracle.programsInTestSources(Path.of("src/test/java"));
    List<String> disagreements = new ArrayList<>();
    int attributed = 0;
    int expressions = 0;
    int calls = 0;
    int k = 0;
    for (Map.Entry<String, String> p : programs.entrySet()) {
      JavacOracle.Outcome o = JavacOracle.check(p.getKey(), p.getValue());
      if (!o.attributed()) {
        // A program that uses its own companion attributes once the processor has written it.
        Path dir = java.nio.file.Files.createDirectories(generated.resolve("p" + k++));
        Path file = dir.resolve("Program.java");
        java.nio.file.Files.writeString(file, p.getValue());
        o = JavacOracle.checkFiles(p.getKey(), List.of(file), dir, e -> false);
      }
      if (o.attributed()) {
        attributed++;
        expressions += o.expressions();
        calls += o.calls();
        disagreements.addAll(o.disagreements());
      }
    }
    if (!disagreements.isEmpty()) {
      fail(disagreements.size() + " disagreements with javac:\n" + String.join("\n", disagreements));
    }
    // Programs that javac rejects alone even after the processor ran (fragments, deliberate Java errors,
    // refused programs that use their companion, several sources) are not compared. Counted when written:
    // 150 of 189 programs, 3,029 expressions, 106 calls.
    assertTrue(attributed >= 140, "programs compared: " + attributed + " of " + programs.size());
    assertTrue(expressions >= 2800, "expressions compared: " + expressions);
    assertTrue(calls >= 95, "calls compared: " + calls);
  }

  @Test
  void theSamplesAgreeWithJavac(@org.junit.jupiter.api.io.TempDir Path generated) throws IOException {
    List<Path> files;
    try (var walk = java.nio.file.Files.walk(Path.of("../samples/src/main/java"))) {
      // Charts draws with JFreeChart, which is not on this module's class path; it has no @Differentiable method.
      files = walk.filter(f -> f.toString().endsWith(".java") && !f.endsWith("Charts.java")).sorted().toList();
    }
    // Its callers' errors are tolerated: they are in plotting code, not in @Differentiable methods.
    JavacOracle.Outcome o = JavacOracle.checkFiles("samples", files, generated, e -> e.contains("Charts"));
    assertTrue(o.attributed(), "javac rejects the samples:\n" + o.javacErrors());
    assertEquals(List.of(), o.disagreements());
    // Counted when written: 434 expressions, 8 calls.
    assertTrue(o.expressions() >= 400 && o.calls() >= 8, "expressions compared: " + o.expressions() + ", calls: " + o.calls());
  }

  /** The oracle can fail: a reader answer changed by hand is reported with its line and both answers. */
  @Test
  void aWrongAnswerIsReported() {
    String source = """
        package demo;
        import dev.adjoint.Differentiable;
        final class F {
          static double g(int n) { return n; }
          @Differentiable static double h(double x) { return x; }
          @Differentiable static double f(double x) {
            return x * g(3) + h(x);
          }
        }
        """;
    JavacOracle.Outcome honest = JavacOracle.check("F.java", source);
    assertEquals(List.of(), honest.disagreements());
    JavacOracle.Outcome tampered = JavacOracle.check("F.java", source, r -> {
      if (r.resolvedCalls().isEmpty()) {
        return r; // h's own body
      }
      Map<com.sun.source.tree.Tree, String> types = new java.util.HashMap<>(r.expressionTypes());
      types.replaceAll((tree, type) -> tree.toString().equals("g(3)") ? "int" : type);
      Map<com.sun.source.tree.MethodInvocationTree, javax.lang.model.element.ExecutableElement> calls =
          new java.util.HashMap<>(r.resolvedCalls());
      javax.lang.model.element.ExecutableElement h = calls.entrySet().stream()
          .filter(e -> e.getKey().toString().equals("h(x)")).findFirst().orElseThrow().getValue();
      calls.replaceAll((tree, m) -> h);
      return new dev.adjoint.processor.read.MethodReader.Result(r.method(), r.problems(), r.originTrees(), types,
          calls);
    });
    assertEquals(List.of(
        "F.java line 7 'g(3)': the reader calls demo.F.h(double), javac demo.F.g(int)",
        "F.java line 7 'g(3)': the reader types it int, javac double"),
        tampered.disagreements().stream().sorted().toList());
  }

  /** Random programs of each generator compared ({@code -Dadjoint.randomPrograms=N} runs more). */
  static final int PROGRAMS = Integer.getInteger("adjoint.randomPrograms", 60);
  /** The first program's index ({@code -Dadjoint.randomProgramsFrom=K} reruns program K alone). */
  static final int FIRST = Integer.getInteger("adjoint.randomProgramsFrom", 0);

  @Test
  void randomProgramsAgreeWithJavac() {
    List<String> disagreements = new ArrayList<>();
    int expressions = 0;
    for (int k = FIRST; k < FIRST + PROGRAMS; k++) {
      String straight = new RandomProgramGradientTest.Generator(new Random(0x0AC1EL + k)).program().source();
      String loops = new RandomLoopProgramGradientTest.Generator(new Random(0x0AC1EL * 7 + k)).program();
      for (String source : List.of(straight, loops)) {
        JavacOracle.Outcome o = JavacOracle.check("random program " + k, source);
        if (!o.attributed()) {
          disagreements.add("program " + k + ": javac rejects\n" + source + "\n" + o.javacErrors());
          continue;
        }
        expressions += o.expressions();
        for (String d : o.disagreements()) {
          disagreements.add(d + "\nin\n" + source);
        }
      }
    }
    if (!disagreements.isEmpty()) {
      fail(disagreements.size() + " disagreements with javac:\n" + String.join("\n", disagreements));
    }
    if (FIRST == 0 && PROGRAMS >= 60) {
      assertTrue(expressions >= 3000, "expressions compared: " + expressions);
    }
  }
}
