package dev.adjoint.processor.property;

import static dev.adjoint.processor.testing.GradCheck.uniform;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import dev.adjoint.processor.testing.ModeCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Property: every random small program of the supported language, compiled through the processor, passes
 * the gradient check. Programs are straight-line arithmetic over 2-3 doubles with calls of every supported
 * {@code Math} function (every argument a variable expression kept in the function's domain, see
 * {@link MathCalls}), compound assignments, an if on a comparison, a ?:, and a loop with an int bound and
 * an accumulator. Program {@code k} first computes three featured functions,
 * {@code MathCalls.FUNCTIONS[(k + 10 j) % 29]} for j = 0, 1, 2, of a parameter plus an expression, and
 * returns their sum plus the rest, so the default 30 programs feature every function about three times. Each program is checked at 3 points drawn from its own seed, one of them with 0 loop
 * trips. Fixed seeds; {@code -Dadjoint.randomPrograms=N} runs more; a failure prints the program.
 */
class RandomProgramGradientTest {
  static final int PROGRAMS = Integer.getInteger("adjoint.randomPrograms", 30);
  /** The first program's index ({@code -Dadjoint.randomProgramsFrom=K} reruns program K alone). */
  static final int FIRST = Integer.getInteger("adjoint.randomProgramsFrom", 0);
  static final long SEED = 0xAD101L;

  @TestFactory
  Stream<DynamicTest> randomProgramsPassTheGradientCheck() {
    return IntStream.range(FIRST, FIRST + PROGRAMS).mapToObj(k -> {
      long seed = SEED * 31 + k;
      List<String> featured = MathCalls.featured(k, 3);
      Program generated = new Generator(new Random(seed), featured).program();
      Program p = new Program(Vocabulary.rename(generated.source(), new Random(seed)), generated.doubles());
      return DynamicTest.dynamicTest("program " + k + " (seed " + seed + ", " + featured + ")",
          () -> check(p, seed));
    });
  }

  /** Checks {@code p} at 3 points drawn from {@code seed}; one of them runs the loops 0 times. */
  static void check(Program p, long seed) {
    try {
      CompiledCompanion c = CompiledCompanion.compile("demo.F", p.source);
      // forward mode: GradCheck also checks mJvp, mJacobian and mHvp; here, that mJvp is a tangent sweep
      ModeCheck.requireTangentSweep(c, "demo.F");
      GradCheck check = GradCheck.of(c, "demo.F", "f");
      Random r = new Random(~seed);
      int[] trips = MathCalls.tripCounts(r, 3, 4);
      for (int n : trips) {
        Object[] args = new Object[p.doubles + 1];
        for (int i = 0; i < p.doubles; i++) {
          args[i] = uniform(r, -1.5, 1.5);
        }
        args[p.doubles] = n;
        check.at(args);
      }
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\nprogram:\n" + p.source, e);
    }
  }

  record Program(String source, int doubles) {}

  /** Random programs; every value stays bounded so that central differences stay accurate. */
  static final class Generator {
    final Random r;
    final List<String> scope = new ArrayList<>();
    final StringBuilder body = new StringBuilder();
    final List<String> featured;
    int temps;

    /** A generator whose three featured functions are drawn from {@code r} too. */
    Generator(Random r) {
      this(r, MathCalls.featured(r.nextInt(MathCalls.FUNCTIONS.size()), 3));
    }

    Generator(Random r, List<String> featured) {
      this.r = r;
      this.featured = featured;
    }

    Program program() {
      int doubles = 2 + r.nextInt(2);
      StringBuilder params = new StringBuilder();
      for (int i = 0; i < doubles; i++) {
        scope.add("x" + i);
        params.append("double x").append(i).append(", ");
      }
      params.append("int n");
      StringBuilder result = new StringBuilder();
      List<String> featuredTemps = new ArrayList<>();
      for (String f : featured) {
        String t = "t" + temps++;
        String x = scope.get(r.nextInt(doubles));
        line("double " + t + " = " + MathCalls.call(f, r, () -> "(" + x + " + " + expr(1) + ")") + ";");
        result.append(t).append(" + ");
        featuredTemps.add(t);
      }
      scope.addAll(featuredTemps);
      int statements = 2 + r.nextInt(4);
      for (int s = 0; s < statements; s++) {
        statement();
      }
      line("return " + result + expr(3) + ";");
      String source = "package demo;\nimport dev.adjoint.Differentiable;\nfinal class F {\n"
          + "  @Differentiable\n  static double f(" + params + ") {\n" + body + "  }\n}\n";
      return new Program(source, doubles);
    }

    void line(String text) {
      body.append("    ").append(text).append('\n');
    }

    void statement() {
      switch (r.nextInt(5)) {
        case 0, 1 -> {
          String t = "t" + temps++;
          line("double " + t + " = " + expr(3) + ";");
          scope.add(t);
        }
        case 2 -> {
          String target = pickLocal();
          if (target == null) {
            target = "t" + temps++;
            line("double " + target + " = " + expr(2) + ";");
            scope.add(target);
          }
          String op = new String[] {"+=", "-=", "*=", "/="}[r.nextInt(4)];
          String value = op.equals("/=") ? "(1.5 + Math.sin(" + expr(2) + "))" : "Math.tanh(" + expr(2) + ")";
          line(target + " " + op + " " + value + ";");
        }
        case 3 -> {
          String t = "t" + temps++;
          line("double " + t + " = " + expr(1) + ";");
          line("if (" + expr(2) + " > " + expr(1) + ") {");
          line("  " + t + " = " + expr(2) + ";");
          line("} else {");
          line("  " + t + " = " + t + " * " + expr(2) + ";");
          line("}");
          scope.add(t);
        }
        default -> {
          String acc = "acc" + temps++;
          line("double " + acc + " = " + expr(2) + ";");
          scope.add(acc);
          line("for (int i = 0; i < n; i++) {");
          line("  " + acc + " = Math.tanh(" + acc + " * 0.8 + (" + expr(2) + ") * (i + 1) * 0.2);");
          line("}");
        }
      }
    }

    /** A temp or accumulator (never a parameter, so that parameters are not overwritten here). */
    String pickLocal() {
      List<String> locals = scope.stream().filter(v -> !v.startsWith("x")).toList();
      return locals.isEmpty() ? null : locals.get(r.nextInt(locals.size()));
    }

    String leaf() {
      if (r.nextInt(5) == 0) {
        return String.valueOf(Math.round(uniform(r, -2, 2) * 100) / 100.0);
      }
      return scope.get(r.nextInt(scope.size()));
    }

    String expr(int depth) {
      if (depth == 0 || r.nextInt(5) == 0) {
        return leaf();
      }
      String a = expr(depth - 1);
      return switch (r.nextInt(12)) {
        case 0 -> "(" + a + " + " + expr(depth - 1) + ")";
        case 1 -> "(" + a + " - " + expr(depth - 1) + ")";
        case 2, 3 -> "(" + a + " * " + expr(depth - 1) + ")";
        case 4 -> "(" + a + " / (1.5 + Math.sin(" + expr(depth - 1) + ")))";
        case 5 -> "(" + a + " > " + expr(depth - 1) + " ? " + expr(depth - 1) + " : " + expr(depth - 1) + ")";
        default -> MathCalls.any(r, () -> expr(depth - 1));
      };
    }
  }
}
