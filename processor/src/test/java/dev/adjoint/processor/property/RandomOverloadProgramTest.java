package dev.adjoint.processor.property;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GeneratorSummary;
import dev.adjoint.processor.testing.GradCheck;
import dev.adjoint.processor.testing.JavacOracle;
import dev.adjoint.processor.testing.ModeCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Random overload sets (parameters {@code int}, {@code long}, {@code double}, and sometimes {@code float},
 * {@code char}, {@code Integer}, {@code Object}, {@code int...}; at most one {@code @Differentiable}
 * overload per name) called with random arguments ({@code int}, {@code long}, {@code double}, char
 * literals, constants, mixed arithmetic). javac is the oracle twice: its attribution must agree with the
 * reader on every call, and every program the processor accepts must give the original's value (each
 * overload returns a value of its own) and pass the gradient check. Calls javac rejects (ambiguous, none
 * applicable) or the processor refuses are dropped line by line. The forward modes of {@code f} are checked
 * too ({@code mJvp}, {@code mJacobian}, {@code mHvp}: {@link ModeCheck}, through {@link GradCheck}).
 */
class RandomOverloadProgramTest {
  /** Programs checked ({@code -Dadjoint.randomPrograms=N} runs more), from index {@link #FIRST}. */
  static final int PROGRAMS = Integer.getInteger("adjoint.randomPrograms", 24);
  /** The first program's index ({@code -Dadjoint.randomProgramsFrom=K} reruns program K alone). */
  static final int FIRST = Integer.getInteger("adjoint.randomProgramsFrom", 0);
  private static final GeneratorSummary SUMMARY = new GeneratorSummary("RandomOverloadProgramTest");

  @AfterAll
  static void summary() {
    SUMMARY.print();
  }

  @Test
  void randomOverloadsResolveAsJavacResolvesThem() throws Throwable {
    int[] counts = new int[2];
    List<String> failures = new ArrayList<>();
    for (int k = FIRST; k < FIRST + PROGRAMS; k++) {
      int program = k;
      try {
        SUMMARY.program("overload program " + k, () -> check(program, counts));
      } catch (AssertionError e) {
        failures.add("overload program " + k + ": " + e.getMessage());
      }
    }
    if (!failures.isEmpty()) {
      fail(failures.size() + " of " + PROGRAMS + " overload programs failed; the first:\n"
          + String.join("\n\n", failures.subList(0, Math.min(3, failures.size()))));
    }
    if (FIRST == 0 && PROGRAMS >= 24) {
      // Counted when written, over the first 24 programs: 203 calls compared with javac, 135 compiled and
      // gradient-checked.
      assertTrue(counts[0] >= 180, "calls compared with javac: " + counts[0]);
      assertTrue(counts[1] >= 110, "calls compiled and checked: " + counts[1]);
    }
  }

  /** Program {@code k}: adds its calls compared with javac to {@code counts[0]}, those checked to {@code counts[1]}. */
  private static void check(int k, int[] counts) {
    Generator g = new Generator(new Random(0x0E71L * 17 + k));
    g.generate();
    // javac's errors (ambiguous or inapplicable calls) drop those calls.
    JavacOracle.Outcome o = JavacOracle.check("overloads " + k, g.source());
    for (int attempt = 0; !o.attributed() && attempt < 4; attempt++) {
      g.drop(lines(o.javacErrors()));
      o = JavacOracle.check("overloads " + k, g.source());
    }
    assertTrue(o.attributed(), "javac rejects\n" + g.source() + "\n" + o.javacErrors());
    assertEquals(List.of(), o.disagreements(), "in\n" + g.source());
    counts[0] += o.calls();
    // The processor's refusals (a plain helper given a double, a float parameter, ...) drop those calls.
    Compilation c = CompiledCompanion.compilation(
        List.of(JavaFileObjects.forSourceString("demo.F", g.source())), List.of());
    for (int attempt = 0; c.status() != Compilation.Status.SUCCESS && attempt < 4; attempt++) {
      Set<Integer> refused = c.errors().stream().map(d -> (int) d.getLineNumber()).collect(Collectors.toSet());
      assertTrue(g.calls.keySet().containsAll(refused), "refused outside a call line:\n"
          + CompiledCompanion.describe(c) + "\n" + g.source());
      g.drop(refused);
      c = CompiledCompanion.compilation(List.of(JavaFileObjects.forSourceString("demo.F", g.source())), List.of());
    }
    assertTrue(c.status() == Compilation.Status.SUCCESS, CompiledCompanion.describe(c) + "\n" + g.source());
    counts[1] += g.calls.size();
    CompiledCompanion compiled = CompiledCompanion.compile("demo.F", g.source());
    try {
      // f has every forward-mode member (its calls are of double-valued @Differentiable overloads and plain
      // helpers, which have mHvp); GradCheck checks them at each point (ModeCheck: mJvp against directional
      // central differences, mHvp against central differences of the gradient)
      ModeCheck.requireMembers(compiled, "demo.F", "f", null, false);
      // x is redrawn in [-1.5, 1.5] where the central differences are unreliable (GradCheck.atRedrawing)
      GradCheck.of(compiled, "demo.F", "f")
          .atRedrawing(new Object[] {0.75, 3, 5L}, again -> new Object[] {GradCheck.uniform(again, -1.5, 1.5), 3, 5L})
          .atRedrawing(new Object[] {-1.25, -2, 7L},
              again -> new Object[] {GradCheck.uniform(again, -1.5, 1.5), -2, 7L});
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\nprogram:\n" + g.source(), e);
    }
  }

  private static Set<Integer> lines(String javacErrors) {
    Set<Integer> out = new TreeSet<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^(\\d+): ").matcher(javacErrors);
    while (m.find()) {
      out.add(Integer.parseInt(m.group(1)));
    }
    return out;
  }

  /** One program: overload sets of three names and a method {@code f} with one call per line. */
  static final class Generator {
    static final String[] SCALARS = {"int", "long", "double"};
    static final String[] RARE = {"float", "char", "Integer", "Object", "short"};
    static final String[] ARGUMENTS = {"n", "m", "x", "3", "4L", "2.5", "'c'", "K", "L", "D", "(n + m)",
        "(n * 2)", "(x * n)", "(m - 1)", "'a' + 1", "-n"};

    final Random r;
    final List<String> header = new ArrayList<>();
    /** Call lines by their 1-based line number in {@link #source()}. */
    final java.util.TreeMap<Integer, String> calls = new java.util.TreeMap<>();
    final List<String> names = List.of("a", "b", "c");
    final java.util.Map<String, Integer> arities = new java.util.HashMap<>();
    int signature = 1;

    Generator(Random r) {
      this.r = r;
    }

    void generate() {
      header.add("package demo;");
      header.add("import dev.adjoint.Differentiable;");
      header.add("final class F {");
      header.add("  static final int K = 7;");
      header.add("  static final long L = 5L;");
      header.add("  static final double D = 0.5;");
      for (String name : names) {
        overloads(name);
      }
      header.add("  @Differentiable static double f(double x, int n, long m) {");
      header.add("    double s = 0;");
      int line = header.size() + 1;
      for (int i = 0; i < 14; i++) {
        String name = names.get(r.nextInt(names.size()));
        int arity = r.nextInt(8) == 0 ? 1 + r.nextInt(2) : arities.get(name);
        List<String> args = new ArrayList<>();
        for (int a = 0; a < arity; a++) {
          args.add(ARGUMENTS[r.nextInt(ARGUMENTS.length)]);
        }
        calls.put(line++, "    s += " + name + "(" + String.join(", ", args) + ");");
      }
    }

    private void overloads(String name) {
      int count = 1 + r.nextInt(3);
      int arity = 1 + r.nextInt(2);
      arities.put(name, arity);
      boolean differentiable = r.nextBoolean();
      Set<String> seen = new java.util.HashSet<>();
      for (int o = 0; o < count; o++) {
        int n = r.nextInt(5) == 0 ? 3 - arity : arity;
        List<String> types = new ArrayList<>();
        for (int p = 0; p < n; p++) {
          types.add(r.nextInt(6) == 0 ? RARE[r.nextInt(RARE.length)] : SCALARS[r.nextInt(SCALARS.length)]);
        }
        boolean varargs = r.nextInt(8) == 0;
        if (varargs) {
          types.set(n - 1, "int...");
        }
        if (!seen.add(types.toString())) {
          continue;
        }
        boolean allDouble = types.stream().allMatch("double"::equals);
        StringBuilder params = new StringBuilder();
        StringBuilder terms = new StringBuilder();
        for (int p = 0; p < n; p++) {
          params.append(p == 0 ? "" : ", ").append(types.get(p)).append(" p").append(p);
          String t = types.get(p);
          String term = t.equals("Integer") || t.equals("Object") ? "1" : t.equals("int...") ? "p" + p + ".length"
              : "p" + p;
          terms.append(" + ").append(term).append(allDouble ? " * p" + p : "");
        }
        int sig = 100 * signature++;
        if (allDouble && differentiable) {
          differentiable = false;
          header.add("  @Differentiable static double " + name + "(" + params + ") {");
          header.add("    return " + sig + terms + ";");
        } else {
          String result = SCALARS[r.nextInt(SCALARS.length)];
          header.add("  static " + result + " " + name + "(" + params + ") {");
          header.add("    return (" + result + ") (" + sig + terms + ");");
        }
        header.add("  }");
      }
    }

    void drop(Set<Integer> lines) {
      lines.forEach(calls::remove);
    }

    /** The source; dropped call lines become empty lines so that line numbers stay put. */
    String source() {
      StringBuilder b = new StringBuilder();
      for (String h : header) {
        b.append(h).append('\n');
      }
      int first = header.size() + 1;
      int last = first + 14;
      for (int line = first; line < last; line++) {
        b.append(calls.getOrDefault(line, "")).append('\n');
      }
      b.append("    return s * x + x;\n  }\n}\n");
      return b.toString();
    }
  }
}
