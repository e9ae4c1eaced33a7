package dev.adjoint.processor.property;

import static dev.adjoint.processor.testing.GradCheck.uniform;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.CompilationSubject;
import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GeneratorSummary;
import dev.adjoint.processor.testing.GradCheck;
import dev.adjoint.processor.testing.ModeCheck;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Property: random programs with the control flow and data flow the reverse sweep finds hardest, compiled
 * through the processor, pass the gradient check: nested loops that overwrite a local array in place, a
 * scalar carried and overwritten across iterations, int index arithmetic, {@code break}, {@code continue}
 * and {@code return} inside loops, branches, calls to other {@code @Differentiable} methods (scalar
 * and array), {@code int[]} index vectors and {@code System.arraycopy}, {@code Arrays.fill},
 * {@code Arrays.copyOfRange} on the local array, and calls of every supported {@code Math} function with variable arguments ({@link MathCalls};
 * program {@code k} starts from three featured functions {@code (k + 10 j) % 29} of its inputs, which every
 * later value depends on). Each program is checked at 3 points drawn from its
 * own seed, with loop bounds from 0 to 5 (one point runs the counted loops 0 times). The programs without
 * array calls run a second time with {@code g} written out, so that {@code fHvp} exists and is checked.
 * For the forward modes, about a third of the programs have a {@code @NoGrad double q} (sometimes overwritten
 * with a value that depends on the inputs), and some blocks call {@code outer} (a {@code double[][]} result,
 * which f's mHvp goes through: programs whose other calls are of {@code g} are inlined and must have one)
 * or read a nested gradient {@code FGrad.gGradient(a, b).a()}; a missing mHvp must be a documented case
 * ({@link ModeCheck#requireMembers}). Fixed seeds; {@code -Dadjoint.randomPrograms=N} runs more.
 */
class RandomLoopProgramGradientTest {
  static final int PROGRAMS = Integer.getInteger("adjoint.randomPrograms", 30);
  /** The first program's index ({@code -Dadjoint.randomProgramsFrom=K} reruns program K alone). */
  static final int FIRST = Integer.getInteger("adjoint.randomProgramsFrom", 0);
  static final long SEED = 0x5EEDL;
  static final int LENGTH = 4;
  private static final GeneratorSummary SUMMARY = new GeneratorSummary("RandomLoopProgramGradientTest");

  @AfterAll
  static void summary() {
    SUMMARY.print();
  }

  @TestFactory
  Stream<DynamicTest> randomLoopProgramsPassTheGradientCheck() {
    return IntStream.range(FIRST, FIRST + PROGRAMS).mapToObj(k -> {
      long seed = SEED * 131 + k;
      List<String> featured = MathCalls.featured(k, 3);
      String source = Vocabulary.rename(new Generator(new Random(seed), featured).withModes(true).program(),
          new Random(seed));
      return DynamicTest.dynamicTest("loop program " + k + " (seed " + seed + ", " + featured + ")",
          () -> SUMMARY.program("loop program " + k, () -> check(source, seed)));
    });
  }

  /**
   * mHvp (reverse mode over the tangent sweep) exists only for a method that calls no other
   * {@code @Differentiable} method: the same programs, those without array calls, with every call of
   * {@code g} written out in place, must have one, and it is checked (with everything else) against central
   * differences of mGradient. Program k here is program k above, inlined.
   */
  @TestFactory
  Stream<DynamicTest> inlinedLoopProgramsPassTheHessianVectorCheck() {
    return IntStream.range(FIRST, FIRST + PROGRAMS).mapToObj(k -> {
      long seed = SEED * 131 + k;
      List<String> featured = MathCalls.featured(k, 3);
      String inlined = inlineG(new Generator(new Random(seed), featured).withModes(true).program());
      if (inlined == null) {
        return null;
      }
      String source = Vocabulary.rename(inlined, new Random(seed));
      return DynamicTest.dynamicTest("inlined loop program " + k + " (seed " + seed + ", " + featured + ")",
          () -> SUMMARY.program("inlined loop program " + k, () -> {
            CompiledCompanion c = check(source, seed);
            if (c == null || !ModeCheck.of(c, "demo.F", "f").has("Hvp")) {
              throw new AssertionError("no fHvp for\n" + source);
            }
          }));
    }).filter(java.util.Objects::nonNull);
  }

  static final java.util.regex.Pattern ARRAY_CALL =
      java.util.regex.Pattern.compile("(?<![A-Za-z0-9_$.])(h|ident|pass|rowOf|tab)\\(|Gradient\\(");
  private static final java.util.regex.Pattern G_CALL = java.util.regex.Pattern.compile("(?<![A-Za-z0-9_$.])g\\(");

  /**
   * {@code source} with f's calls {@code g(a, b)} written {@code Math.tanh((a) * (b) + 0.3 * (a))}; null when f
   * calls an array method or reads a gradient (then f may have no mHvp, as documented).
   */
  static String inlineG(String source) {
    int body = source.indexOf("static double f(");
    String head = source.substring(0, body);
    String tail = source.substring(body);
    return ARRAY_CALL.matcher(tail).find() ? null : head + inline(tail);
  }

  private static String inline(String text) {
    java.util.regex.Matcher m = G_CALL.matcher(text);
    if (!m.find()) {
      return text;
    }
    List<String> args = new ArrayList<>();
    int depth = 0;
    int start = m.end();
    int i = start;
    for (; depth >= 0; i++) {
      char ch = text.charAt(i);
      if (ch == '(') {
        depth++;
      } else if (ch == ')') {
        depth--;
      } else if (ch == ',' && depth == 0) {
        args.add(text.substring(start, i).trim());
        start = i + 1;
      }
    }
    args.add(text.substring(start, i - 1).trim());
    String a = inline(args.get(0));
    String b = inline(args.get(1));
    return text.substring(0, m.start()) + "Math.tanh((" + a + ") * (" + b + ") + 0.3 * (" + a + "))"
        + inline(text.substring(i));
  }

  /**
   * Checks at 3 points drawn from {@code seed}; one of them has {@code n == 0}. Returns the compiled
   * companion, or null for a program that must be refused.
   */
  static CompiledCompanion check(String source, long seed) {
    try {
      if (source.contains("// REFUSED")) {
        checkRefused(source);
        return null;
      }
      CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
      // forward mode: GradCheck also checks mJvp, mJacobian and mHvp; here, that mJvp is a tangent sweep, and
      // that f has an mHvp unless it calls an array method other than outer or reads a gradient (the
      // documented cases; it may still have one when those calls' arguments are all constants)
      boolean q = source.contains("@NoGrad double");
      String body = source.substring(source.indexOf("static double f("));
      ModeCheck.requireMembers(c, "demo.F", "f", ARRAY_CALL.matcher(body).find()
          ? RandomProgramGradientTest.CALLS_WITHOUT_HVP : null, false);
      GradCheck check = GradCheck.of(c, "demo.F", "f");
      Random r = new Random(~seed);
      for (int n : MathCalls.tripCounts(r, 3, LENGTH + 1)) {
        // a point where the central differences are unreliable is redrawn with the same trip count
        check.atRedrawing(arguments(r, q, n), again -> arguments(again, q, n));
      }
      checkHelperCalls(c, q);
      return c;
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\nprogram:\n" + source, e);
    }
  }

  /** {@code (x, p, n)}, or {@code (x, p, q, n)} when f has the {@code @NoGrad double q}. */
  static Object[] arguments(Random r, boolean q, int n) {
    return q ? new Object[] {vector(r, LENGTH, -1, 1), uniform(r, -1, 1), uniform(r, -1, 1), n}
        : new Object[] {vector(r, LENGTH, -1, 1), uniform(r, -1, 1), n};
  }

  /**
   * A program that writes through (or into) an array a call result may share is refused, as documented:
   * the first such write (marked {@code // REFUSED} by the generator) has the error, and every error is one.
   */
  static void checkRefused(String source) {
    JavaFileObject file = JavaFileObjects.forSourceString("demo.F", source);
    Compilation c = CompiledCompanion.compilation(List.of(file), List.of());
    String[] lines = source.split("\n", -1);
    int line = 0;
    for (int i = 0; i < lines.length && line == 0; i++) {
      if (lines[i].contains("// REFUSED")) {
        line = i + 1;
      }
    }
    CompilationSubject.assertThat(c).hadErrorContaining("may be the same array").inFile(file).onLine(line);
    for (Diagnostic<? extends JavaFileObject> d : c.errors()) {
      String m = d.getMessage(null);
      if (!m.contains("may be the same array")) {
        throw new AssertionError("unexpected error on line " + d.getLineNumber() + ": " + m);
      }
    }
  }

  /** The helper {@code pick} counts its calls: every entry point of the companion runs it as often as f. */
  static void checkHelperCalls(CompiledCompanion c, boolean q) {
    Class<?> owner = c.load("demo.F");
    Class<?> companion = c.load("demo.FGrad");
    Random r = new Random(99);
    Object[] args = arguments(r, q, LENGTH);
    int expected = calls(owner, () -> CompiledCompanion.invoke(CompiledCompanion.method(owner, "f"), null,
        GradCheck.deepCopy(args)));
    Object[] vjpArgs = java.util.Arrays.copyOf(GradCheck.deepCopy(args), args.length + 1);
    vjpArgs[args.length] = 1.0;
    assertEquals(expected, calls(owner, () -> CompiledCompanion.invoke(
        CompiledCompanion.method(companion, "fVjp"), null, vjpArgs)), "helper calls of fVjp");
    assertEquals(expected, calls(owner, () -> CompiledCompanion.invoke(
        CompiledCompanion.method(companion, "fGradient"), null, GradCheck.deepCopy(args))), "helper calls of fGradient");
    assertEquals(expected, calls(owner, () -> CompiledCompanion.call(CompiledCompanion.invoke(
        CompiledCompanion.method(companion, "fForward"), null, GradCheck.deepCopy(args)), "backward", 1.0)),
        "helper calls of fForward(..).backward()");
  }

  private static int calls(Class<?> owner, Runnable run) {
    try {
      Field f = owner.getDeclaredField("calls");
      f.setAccessible(true);
      f.setInt(null, 0);
      run.run();
      return f.getInt(null);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  /** Programs over {@code double[] x} (length 4), {@code double p} and {@code int n}; values stay bounded. */
  static final class Generator {
    final Random r;
    final StringBuilder body = new StringBuilder();
    final List<String> featured;
    int indent = 2;
    int counter;
    /** Whether a call result that may be {@code y} exists: element writes into {@code y} are then refused. */
    boolean yViewed;
    /** Whether a refused line has been marked (only the first is). */
    boolean refusalMarked;
    /**
     * Whether forward modes get their own draws: a {@code @NoGrad double q} parameter (sometimes overwritten
     * with a value that depends on the inputs), calls of {@code outer} (a {@code double[][]} result) and
     * nested gradients {@code FGrad.gGradient(a, b).a()}.
     */
    boolean modes;
    /** Whether f has the {@code @NoGrad double q}. */
    boolean q;

    Generator withModes(boolean on) {
      this.modes = on;
      return this;
    }

    /** A generator whose three featured functions are drawn from {@code r} too. */
    Generator(Random r) {
      this(r, MathCalls.featured(r.nextInt(MathCalls.FUNCTIONS.size()), 3));
    }

    Generator(Random r, List<String> featured) {
      this.r = r;
      this.featured = featured;
    }

    String program() {
      q = modes && r.nextInt(3) == 0;
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
          """ + (q ? "import dev.adjoint.NoGrad;\n" : "") + """
          final class F {
            static int calls;
            static final double[][] T = {{0.5, -0.25, 0.75, 0.1}, {-0.6, 0.3, 0.2, -0.9}};

            static int pick(int a, int b) {
              calls++;
              return Math.floorMod(a * 3 + b, 4);
            }

            @Differentiable
            static double[] ident(double[] v, double c) {
              return v;
            }

            @Differentiable
            static double[] pass(double[] v, double c) {
              double[] w = ident(v, c);
              return w;
            }

            @Differentiable
            static double[] rowOf(double[][] m, int i) {
              return m[i];
            }

            @Differentiable
            static double[] tab(double c, int i) {
              return T[i];
            }

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

          """ + (modes ? """
            @Differentiable
            static double[][] outer(double[] v, double c) {
              double[][] m = new double[2][v.length];
              for (int i = 0; i < v.length; i++) {
                m[0][i] = Math.tanh(v[i] * c);
                m[1][i] = v[(i + 1) % v.length] * 0.5 - c * v[i];
              }
              return m;
            }

          """ : "") + "  @Differentiable\n  static double f(double[] x, double p, " + (q ? "@NoGrad double q, " : "")
          + "int n) {\n    int j = 0;\n" + body + "  }\n}\n";
    }

    void line(String text) {
      body.append("  ".repeat(indent)).append(text).append('\n');
    }

    /** {@code text}, an element write into {@code y}: marked when it must be refused. */
    void writeY(String text) {
      line(text + refusedIf(yViewed));
    }

    String refusedIf(boolean refused) {
      if (refused && !refusalMarked) {
        refusalMarked = true;
        return " // REFUSED";
      }
      return "";
    }

    void block() {
      if (modes && r.nextInt(4) == 0) {
        modesBlock();
        return;
      }
      switch (r.nextInt(7)) {
        case 0 -> {
          // Nested loops overwriting the local array in place, reading neighbours.
          line("for (int i = 0; i < n; i++) {");
          indent++;
          line("for (int k = 0; k < y.length; k++) {");
          indent++;
          writeY("y[k] = Math.tanh(" + scalar(2, "k") + " + 0.5 * y[(k + i + 1) % y.length]);");
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
          if (r.nextBoolean()) {
            // Writes into the array the call returned: the callee's reverse must still see it as returned.
            // Refused after an earlier view of y all the same: the alias policy goes by name, not by value.
            writeY("y[" + r.nextInt(LENGTH) + "] = " + scalar(1, "3") + ";");
          }
          line("if (" + scalar(1, "1") + " > " + scalar(1, "2") + ") {");
          line("  s = s + y[" + r.nextInt(LENGTH) + "] * p;");
          line("} else {");
          line("  s = s - Math.cos(y[" + r.nextInt(LENGTH) + "]);");
          line("}");
        }
        case 3 -> jdkArrays();
        case 4 -> aliasingCall();
        case 5 -> {
          // An element write whose index reads the array written.
          String index = "((int) (Math.abs(y[" + r.nextInt(LENGTH) + "]) * 3.0)) % y.length";
          writeY("y[" + index + "] " + (r.nextBoolean() ? "=" : "+=") + " " + scalar(1, "2") + " * 0.5;");
          line("s = s + y[" + index + "] * " + scalar(0, "3") + ";");
        }
        case 6 -> {
          // Helper calls in indices, in a loop: each must run once, the reverse reads what they returned.
          line("for (int i = 0; i < n; i++) {");
          indent++;
          line("s = s * 0.5 + x[pick(i, " + r.nextInt(4) + ")] * Math.sin(y[pick(n, i) % y.length] + "
              + scalar(1, "i") + ");");
          writeY("y[pick(i, j)] += 0.3 * x[pick(n, i)] * Math.tanh(s);");
          indent--;
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
          writeY("y[" + m + " % y.length] += " + scalar(1, "(" + m + " + 1) % y.length") + " * 0.5;");
          indent--;
          line("} while (" + m + " < n);");
        }
      }
    }

    /**
     * An {@code int[]} index vector written and read as indices, and the JDK array methods on {@code y}:
     * {@code System.arraycopy} (overlapping, or from {@code x}), {@code Arrays.fill} of a range,
     * {@code Arrays.copyOfRange} (padded past the end), sometimes inside a loop, so that the reverse sweep must
     * restore what each overwrites.
     */
    void jdkArrays() {
      String perm = "perm" + (counter++);
      line("int[] " + perm + " = new int[y.length];");
      line("for (int k = 0; k < " + perm + ".length; k++) {");
      line("  " + perm + "[k] = (k + " + (1 + r.nextInt(3)) + ") % y.length;");
      line("}");
      line(perm + "[" + r.nextInt(LENGTH) + "] = " + perm + "[" + r.nextInt(LENGTH) + "];");
      boolean loop = r.nextBoolean();
      if (loop) {
        line("for (int i = 0; i < n; i++) {");
        indent++;
      }
      String index = loop ? "i" : "1";
      int a = r.nextInt(LENGTH);
      int b = r.nextInt(LENGTH);
      int length = r.nextInt(LENGTH - Math.max(a, b) + 1);
      switch (r.nextInt(4)) {
        case 0 -> writeY("System.arraycopy(y, " + a + ", y, " + b + ", " + length + ");");
        case 1 -> writeY("System.arraycopy(x, " + a + ", y, " + b + ", " + length + ");");
        case 2 -> writeY("java.util.Arrays.fill(y, " + Math.min(a, b) + ", " + Math.max(a, b) + ", "
            + scalar(1, index) + ");");
        default -> {
          String c = "c" + (counter++);
          line("double[] " + c + " = java.util.Arrays.copyOfRange(y, " + a + ", " + (a + r.nextInt(4)) + ");");
          line("s = s + (" + c + ".length > 0 ? " + c + "[0] : 0.5) * " + scalar(1, index) + ";");
        }
      }
      line("s = s * 0.6 + Math.tanh(y[" + perm + "[" + index + " % " + perm + ".length]] * " + scalar(1, index)
          + ");");
      line(perm + "[" + index + " % " + perm + ".length] = " + perm + "[(" + index + " + 1) % " + perm + ".length];");
      if (loop) {
        indent--;
        line("}");
      }
    }

    /**
     * A call whose array result may be {@code y}, a row of a local matrix or a row of the constant table:
     * read through it; sometimes copied with {@code .clone()} (then written), sometimes written through
     * (refused).
     */
    void aliasingCall() {
      String v = "v" + (counter++);
      int kind = r.nextInt(4);
      boolean copy = r.nextInt(3) == 0;
      String call;
      switch (kind) {
        case 0 -> call = "ident(y, " + scalar(0, "1") + ")";
        case 1 -> call = "pass(y, p)";
        case 2 -> {
          String m = "m" + (counter++);
          line("double[][] " + m + " = new double[2][y.length];");
          line("for (int k = 0; k < y.length; k++) {");
          line("  " + m + "[k % 2][k] = " + scalar(1, "k") + ";");
          line("}");
          call = "rowOf(" + m + ", " + r.nextInt(2) + ")";
        }
        default -> call = "tab(p, " + r.nextInt(2) + ")";
      }
      line("double[] " + v + " = " + call + (copy ? ".clone();" : ";"));
      if (!copy && kind <= 1) {
        yViewed = true;
      }
      line("s = s + " + v + "[" + r.nextInt(LENGTH) + "] * " + scalar(1, "0") + ";");
      if (copy || r.nextInt(4) == 0) {
        line(v + "[" + r.nextInt(LENGTH) + "] = " + scalar(1, "2") + ";" + refusedIf(!copy));
        line("s = s + " + v + "[" + r.nextInt(LENGTH) + "] * p;");
      }
    }

    /**
     * A call of {@code outer} (a {@code double[][]} result) read in a loop, or a nested gradient of {@code g},
     * or {@code q} overwritten with a value that depends on the inputs (when f has it).
     */
    void modesBlock() {
      switch (r.nextInt(q ? 3 : 2)) {
        case 0 -> {
          String m = "mm" + (counter++);
          line("double[][] " + m + " = outer(y, " + scalar(1, "0") + ");");
          line("for (int k = 0; k < n; k++) {");
          line("  s = s * 0.7 + Math.tanh(" + m + "[k % 2][(k + 1) % " + m + "[0].length] * " + scalar(1, "k") + ");");
          line("}");
        }
        case 1 -> line("s = s * 0.5 + FGrad.gGradient(" + scalar(1, "1") + ", " + scalar(1, "2") + ")."
            + (r.nextBoolean() ? "a" : "b") + "();");
        default -> line("q = q * 0.5 + Math.tanh(" + scalar(1, "3") + ");");
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
      String constant = String.valueOf(Math.round(uniform(r, -1, 1) * 100) / 100.0);
      String[] leaves = modes ? new String[] {"p", element, "y[(" + index + ") % y.length]", "s", constant, q ? "q" : "p"}
          : new String[] {"p", element, "y[(" + index + ") % y.length]", "s", constant};
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
          "g(" + a + ", " + b + ")",
          "(" + a + " > 0 ? g(" + a + ", " + b + ") : g(" + b + ", 0.5) * " + a + ")",
          MathCalls.any(r, () -> scalar(depth - 1, index))));
      return forms.get(r.nextInt(forms.size()));
    }
  }
}
