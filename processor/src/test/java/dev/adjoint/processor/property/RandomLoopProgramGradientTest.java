package dev.adjoint.processor.property;

import static dev.adjoint.processor.testing.GradCheck.uniform;
import static dev.adjoint.processor.testing.GradCheck.vector;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Property: random programs with the control flow and data flow the reverse sweep finds hardest, compiled
 * through the processor, pass the gradient check: nested loops that overwrite a local array in place, a
 * scalar carried and overwritten across iterations, int index arithmetic, {@code break}, {@code continue}
 * and {@code return} inside loops, branches, and calls to other {@code @Differentiable} methods (scalar
 * and array), and calls of every supported {@code Math} function with variable arguments ({@link MathCalls};
 * program {@code k} starts from three featured functions {@code (k + 10 j) % 29} of its inputs, which every
 * later value depends on). Each program is checked at 3 points drawn from its
 * own seed, with loop bounds from 0 to 5 (one point runs the counted loops 0 times). Fixed seeds;
 * {@code -Dadjoint.randomPrograms=N} runs more.
 */
class RandomLoopProgramGradientTest {
  static final int PROGRAMS = Integer.getInteger("adjoint.randomPrograms", 30);
  static final long SEED = 0x5EEDL;
  static final int LENGTH = 4;

  @TestFactory
  Stream<DynamicTest> randomLoopProgramsPassTheGradientCheck() {
    return IntStream.range(0, PROGRAMS).mapToObj(k -> {
      long seed = SEED * 131 + k;
      List<String> featured = MathCalls.featured(k, 3);
      String source = new Generator(new Random(seed), featured).program();
      return DynamicTest.dynamicTest("loop program " + k + " (seed " + seed + ", " + featured + ")",
          () -> check(source, seed));
    });
  }

  /** Checks at 3 points drawn from {@code seed}; one of them has {@code n == 0}. */
  static void check(String source, long seed) {
    try {
      CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
      GradCheck check = GradCheck.of(c, "demo.F", "f");
      Random r = new Random(~seed);
      for (int n : MathCalls.tripCounts(r, 3, LENGTH + 1)) {
        check.at(vector(r, LENGTH, -1, 1), uniform(r, -1, 1), n);
      }
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\nprogram:\n" + source, e);
    }
  }

  /** Programs over {@code double[] x} (length 4), {@code double p} and {@code int n}; values stay bounded. */
  static final class Generator {
    final Random r;
    final StringBuilder body = new StringBuilder();
    final List<String> featured;
    int indent = 2;
    int counter;

    Generator(Random r, List<String> featured) {
      this.r = r;
      this.featured = featured;
    }

    String program() {
      line("double[] y = " + (r.nextBoolean() ? "x.clone();" : "new double[x.length];"));
      List<String> featuredValues = new ArrayList<>();
      for (int i = 0; i < featured.size(); i++) {
        String input = r.nextBoolean() ? "p" : "x[" + r.nextInt(LENGTH) + "]";
        line("double f" + i + " = " + MathCalls.call(featured.get(i), r, () -> "(" + input + " + "
            + (r.nextBoolean() ? "x[" + r.nextInt(LENGTH) + "]" : String.valueOf(Math.round(uniform(r, -1, 1) * 100)
            / 100.0)) + ")") + ";");
        featuredValues.add("f" + i);
      }
      line("double s = 0.25 * x[0] + p + 0.3 * (" + String.join(" + ", featuredValues) + ");");
      int blocks = 1 + r.nextInt(3);
      for (int b = 0; b < blocks; b++) {
        block();
      }
      line("return " + scalar(2, "j") + " + s;");
      return """
          package demo;
          import dev.adjoint.Differentiable;
          final class F {
            @Differentiable
            static double g(double a, double b) {
              return Math.tanh(a * b + 0.3 * a);
            }

            @Differentiable
            static double[] h(double[] v, double c) {
              double[] out = new double[v.length];
              for (int i = 0; i < v.length; i++) {
                out[i] = Math.sin(v[i] * c) + 0.5 * v[(i + 1) % v.length];
              }
              return out;
            }

            @Differentiable
            static double f(double[] x, double p, int n) {
              int j = 0;
          """ + body + "  }\n}\n";
    }

    void line(String text) {
      body.append("  ".repeat(indent)).append(text).append('\n');
    }

    void block() {
      switch (r.nextInt(4)) {
        case 0 -> {
          // Nested loops overwriting the local array in place, reading neighbours.
          line("for (int i = 0; i < n; i++) {");
          indent++;
          line("for (int k = 0; k < y.length; k++) {");
          indent++;
          line("y[k] = Math.tanh(" + scalar(2, "k") + " + 0.5 * y[(k + i + 1) % y.length]);");
          maybeExit(true);
          indent--;
          line("}");
          // tanh keeps s bounded however many trips run (s * s here would grow doubly exponentially)
          line("s = s * 0.7 + Math.tanh(" + scalar(1, "i % y.length") + ");");
          indent--;
          line("}");
        }
        case 1 -> {
          // A while loop carrying a scalar, with an int index updated by arithmetic.
          line("j = 0;");
          line("while (j < n) {");
          indent++;
          line("s = Math.sin(s) * Math.tanh(" + scalar(1, "j") + ") + g(s, " + scalar(1, "j") + ");");
          // No continue here: it would skip the increment.
          maybeExit(false);
          line("j = j + 1;");
          indent--;
          line("}");
        }
        case 2 -> {
          // A call returning an array, assigned back to the same variable.
          line("y = h(y, " + scalar(1, "0") + ");");
          line("if (" + scalar(1, "1") + " > " + scalar(1, "2") + ") {");
          line("  s = s + y[" + r.nextInt(LENGTH) + "] * p;");
          line("} else {");
          line("  s = s - Math.cos(y[" + r.nextInt(LENGTH) + "]);");
          line("}");
        }
        default -> {
          // A do-while with a continue and an accumulation into the array.
          String m = "m" + (counter++);
          line("int " + m + " = 0;");
          line("do {");
          indent++;
          line(m + "++;");
          line("if (" + scalar(1, m + " % y.length") + " < -0.8) {");
          line("  continue;");
          line("}");
          line("y[" + m + " % y.length] += " + scalar(1, "(" + m + " + 1) % y.length") + " * 0.5;");
          indent--;
          line("} while (" + m + " < n);");
        }
      }
    }

    void maybeExit(boolean mayContinue) {
      switch (r.nextInt(6)) {
        case 0 -> line("if (" + scalar(1, "0") + " > 0.6) { break; }");
        case 1 -> line(mayContinue ? "if (" + scalar(1, "1") + " < -0.6) { continue; }" : "");
        case 2 -> line("if (" + scalar(1, "2") + " > 0.9) { return s * " + scalar(1, "3") + "; }");
        default -> { }
      }
    }

    /** A bounded scalar expression; {@code index} is an int expression valid as an index after {@code % 4}. */
    String scalar(int depth, String index) {
      String element = "x[(" + index + ") % x.length]";
      String[] leaves = {"p", element, "y[(" + index + ") % y.length]", "s",
          String.valueOf(Math.round(uniform(r, -1, 1) * 100) / 100.0)};
      if (depth == 0) {
        return leaves[r.nextInt(leaves.length)];
      }
      String a = scalar(depth - 1, index);
      String b = scalar(depth - 1, index);
      List<String> forms = new ArrayList<>(List.of(
          "(" + a + " + " + b + ")",
          "(" + a + " * " + b + ")",
          "Math.sin(" + a + ")",
          "Math.tanh(" + a + " - " + b + ")",
          "(" + a + " / (2 + Math.cos(" + b + ")))",
          "Math.exp(Math.tanh(" + a + "))",
          "(" + a + " > " + b + " ? " + a + " : " + b + " * 0.5)",
          MathCalls.any(r, () -> scalar(depth - 1, index))));
      return forms.get(r.nextInt(forms.size()));
    }
  }
}
