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

  /**
   * Unqualified calls from nested classes and records (JLS 15.12.1): the innermost class around the call with a
   * method of that name, inherited ones included, is the only one searched, even when an outer class's method
   * would fit better; an outer class's static methods are reached when no closer class has the name, static
   * imports when no enclosing class has it. Every call listed is bound by the reader, and bound as javac binds it.
   */
  @Test
  void unqualifiedCallsFromNestedClassesBindAsJavacDoes() {
    String source = """
        package demo;

        import static demo.Lib.imported;

        import dev.adjoint.Differentiable;
        import dev.adjoint.NoGrad;

        final class Lib {
          @Differentiable static double imported(Outer.P p) { return p.a(); }
        }

        final class Outer {
          record P(double a, double[] w) {}
          record S(double u, double v) {}

          static class Base {
            static double scaled(double x) { return 4 * x; }
          }

          static final class Model {
            final double[] w;
            Model(double[] w) { this.w = w; }
            static double pick(double x) { return 3 * x; }
            static double twice(double x) { return 5 * x; }

            @Differentiable double fit(P p) { return energy(p, w); }
            @Differentiable static double both(double x) { return square(x) + wave(x); }
            @Differentiable static double hidden(double x) { return pick(2) * x + twice(x); }
            @Differentiable static double viaImport(P p) { return imported(p) + 1; }
            @Differentiable static double result(double x) {
              S s = lift(x);
              return s.u();
            }

            static final class Deeper extends Base {
              @Differentiable static double deep(double x) { return pick(1) * square(x) + scaled(1); }
            }
          }

          record Spring(double k, double[] x) {
            @Differentiable double stored() { return square(k) + stretch(this, k) + wave(x[0]); }
          }

          @Differentiable static double energy(P p, @NoGrad double[] y) { return p.a() * y[0]; }
          @Differentiable static double square(double x) { return x * x; }
          static double wave(double x) { return Math.sin(x); }
          @Differentiable static double stretch(Spring s, double c) { return c * s.k(); }
          @Differentiable static S lift(double x) { return new S(x, x); }
          static double pick(int n) { return 7 * n; }
          static double twice(double x) { return 2 * x; }
          static double scaled(int n) { return 6 * n; }
        }
        """;
    java.util.Set<String> read = new java.util.TreeSet<>();
    JavacOracle.Outcome o = JavacOracle.check("Outer.java", source, r -> {
      r.resolvedCalls().forEach((call, m) -> read.add(call + " -> " + JavacOracle.describe(m)));
      return r;
    });
    assertTrue(o.attributed(), "javac rejects the source:\n" + o.javacErrors());
    assertEquals(List.of(), o.disagreements());
    // What javac binds (JLS 15.12.1), written out by hand: each call was resolved by the reader, as javac does.
    for (String expected : List.of("energy(p, w) -> demo.Outer.energy(demo.Outer.P, double[])",
        "square(x) -> demo.Outer.square(double)", "wave(x) -> demo.Outer.wave(double)",
        "pick(2) -> demo.Outer.Model.pick(double)", "twice(x) -> demo.Outer.Model.twice(double)",
        "imported(p) -> demo.Lib.imported(demo.Outer.P)", "lift(x) -> demo.Outer.lift(double)",
        "pick(1) -> demo.Outer.Model.pick(double)", "scaled(1) -> demo.Outer.Base.scaled(double)",
        "square(k) -> demo.Outer.square(double)", "stretch(this, k) -> demo.Outer.stretch(demo.Outer.Spring, double)",
        "wave(x[0]) -> demo.Outer.wave(double)")) {
      assertTrue(read.contains(expected), expected + " among the calls the reader resolved: " + read);
    }
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
