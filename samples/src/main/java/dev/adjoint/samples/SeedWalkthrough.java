// Run the demo from a fresh clone (no prior `mvn install` needed), from the repository root:
//
//   mvn -q -pl samples -am package -DskipTests -Pdemo
//
// (`-am` builds runtime and processor in the same reactor; the `demo` profile of samples/pom.xml runs this
// class with exec:java once samples is packaged. The process exits non-zero if any check shows ✗.)
package dev.adjoint.samples;

import dev.adjoint.runtime.Backward;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.StringJoiner;

/**
 * Walks through every example of the seed article ({@code seed/README.md}) with the companion that the
 * Adjoint processor generated for {@link Seed}, printing for each the function, input, value, upstream
 * and gradient next to the article's numbers with a ✓ or ✗.
 *
 * <p>The generated code is ordinary Java; read it in
 * {@code samples/target/generated-sources/annotations/dev/adjoint/samples/SeedGrad.java} after a build.
 */
public final class SeedWalkthrough {
  /** Where the processor writes the companion of {@link Seed}, relative to the repository root. */
  static final String GENERATED_SOURCE =
      "samples/target/generated-sources/annotations/dev/adjoint/samples/SeedGrad.java";

  /** Absolute and relative tolerance of every numeric comparison. */
  private static final double TOLERANCE = 1e-9;

  /** Column layout: a label column, then text wrapped at {@link #WIDTH}. */
  private static final String LABEL = "  %-10s";

  private static final int WIDTH = 110;

  private final PrintStream out;
  private int checks;
  private int failures;

  private SeedWalkthrough(PrintStream out) {
    this.out = out;
  }

  /**
   * Prints the walkthrough and exits with status 1 if any value differs from the article's.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    SeedWalkthrough walkthrough = new SeedWalkthrough(System.out);
    boolean ok = walkthrough.run();
    // The same article with tensors: eager autograd and generated graph nodes.
    ok &= new TensorWalkthrough(System.out).run();
    System.out.flush();
    if (!ok) {
      System.exit(1);
    }
  }

  /** Runs every example; returns whether all checks passed. */
  private boolean run() {
    out.println("Adjoint: the seed article \"PyTorch 中 backward() 详解\" in plain Java");
    out.println("The reverse passes below are generated Java; read them in");
    out.println("  " + GENERATED_SOURCE);
    example1();
    example2();
    example3();
    example3b();
    example4();
    example4b();
    example5();
    example5b();
    example6();
    example7();
    out.println();
    if (failures == 0) {
      out.printf("All %d checks match the article ✓%n", checks);
    } else {
      out.printf("%d of %d checks do NOT match the article ✗%n", failures, checks);
    }
    return failures == 0;
  }

  // ---------------------------------------------------------------------------------------------------
  // The examples

  private void example1() {
    header("1", "scalar output, implicit upstream");
    double[] a = {2, 3};
    row("function", "out = mean(c), c = b·b·3, b = a + 3");
    row("input", "a = " + vec(a));
    SeedGrad.MeanOfSquaresTape out = SeedGrad.meanOfSquaresForward(a);
    check("value", "out = " + num(out.value()), "91.5", close(out.value(), 91.5));
    row("upstream", "1 (implicit: out.backward())");
    double[] grad = out.backward().a();
    check("gradient", "a.grad = " + vec(grad), "[15, 18]", close(grad, 15, 18));
  }

  private void example2() {
    header("2", "implicit upstream on a non-scalar output");
    double[][] x = {{1, 1}, {1, 1}};
    row("function", "y = x + 1");
    row("input", "x = " + mat(x) + " (2×2 ones)");
    SeedGrad.PlusOneTape y = SeedGrad.plusOneForward(x);
    row("value", "y = " + mat(y.value()));
    row("upstream", "none: y.backward() does not compile, PlusOneTape only has backward(upstream[, retainGraph])");
    row("", "(PyTorch compiles the call and fails at run time instead)");
    boolean nonScalar = hasImplicitBackward(SeedGrad.PlusOneTape.class);
    boolean scalar = hasImplicitBackward(SeedGrad.MeanOfSquaresTape.class);
    check("gradient", "PlusOneTape.backward() exists: " + nonScalar
            + "   (scalar MeanOfSquaresTape.backward() exists: " + scalar + ")",
        "refused: " + Backward.IMPLICIT_UPSTREAM, !nonScalar && scalar);
  }

  private void example3() {
    header("3", "non-scalar output: the upstream multiplies");
    double[] m = {2, 3};
    row("function", "n = [m0², m1³]");
    row("input", "m = " + vec(m));
    SeedGrad.SquareAndCubeTape n = SeedGrad.squareAndCubeForward(m);
    check("value", "n = " + vec(n.value()), "[4, 27]", close(n.value(), 4, 27));
    double[] upstream = m.clone();
    row("upstream", vec(upstream) + " (m itself, as the article does: n.backward(m))");
    double[] grad = n.backward(upstream).m();
    check("gradient", "m.grad = " + vec(grad), "[8, 81] = [4·2, 27·3]", close(grad, 8, 81));
  }

  private void example3b() {
    header("3b", "same function, upstream of ones");
    double[] m = {2, 3};
    row("function", "n = [m0², m1³]");
    row("input", "m = " + vec(m));
    double[] upstream = {1, 1};
    row("upstream", vec(upstream));
    double[] grad = SeedGrad.squareAndCubeVjp(m, upstream).m();
    check("gradient", "m.grad = " + vec(grad), "[4, 27]", close(grad, 4, 27));
  }

  private void example4() {
    header("4", "mixed output: the upstream sums the Jacobian's rows");
    double[] m = {2, 3};
    row("function", "k = [m0² + 3·m1, m1² + 2·m0]");
    row("input", "m = " + vec(m));
    SeedGrad.MixedTape k = SeedGrad.mixedForward(m);
    row("value", "k = " + vec(k.value()));
    double[] upstream = {1, 1};
    row("upstream", vec(upstream));
    double[] grad = k.backward(upstream).m();
    check("gradient", "m.grad = " + vec(grad), "[6, 9]", close(grad, 6, 9));
  }

  private void example4b() {
    header("4b", "upstream of the wrong shape");
    double[] m = {2, 3};
    row("function", "k = [m0² + 3·m1, m1² + 2·m0]");
    row("input", "m = " + vec(m));
    double[] upstream = {1, 1, 1};
    row("upstream", vec(upstream) + " (shape [3]; k has shape [2], the article's k has shape [1, 2])");
    String message = failure(IllegalArgumentException.class, () -> SeedGrad.mixedForward(m).backward(upstream));
    check("error", message, "IllegalArgumentException naming both shapes",
        message.startsWith("IllegalArgumentException") && message.contains("[3]") && message.contains("[2]"));
  }

  private void example5() {
    header("5", "the Jacobian of k, one one-hot upstream per output");
    double[] m = {2, 3};
    row("function", "k = [m0² + 3·m1, m1² + 2·m0]");
    row("input", "m = " + vec(m));
    SeedGrad.MixedTape k = SeedGrad.mixedForward(m);
    // The returned gradient is a fresh array each time, so the article's m.grad.zero_() has no counterpart.
    double[] column0 = k.backward(new double[] {1, 0}, true).m(); // graph kept for the next call
    double[] column1 = k.backward(new double[] {0, 1}).m(); //       graph freed
    row("upstream", "[1, 0] with retainGraph=true, then [0, 1]");
    check("gradient", "m.grad = " + vec(column0) + " then " + vec(column1), "[4, 3] then [2, 6]",
        close(column0, 4, 3) && close(column1, 2, 6));
    double[][] j = {{column0[0], column1[0]}, {column0[1], column1[1]}}; // j[:, i] = column i
    check("jacobian", "j = " + mat(j) + " (j[:, i] = m.grad of upstream i)", "[[4, 2], [3, 6]]",
        close(j[0], 4, 2) && close(j[1], 3, 6));
  }

  private void example5b() {
    header("5b", "a third backward after the graph was freed");
    double[] m = {2, 3};
    row("function", "k = [m0² + 3·m1, m1² + 2·m0]");
    row("input", "m = " + vec(m));
    SeedGrad.MixedTape k = SeedGrad.mixedForward(m);
    k.backward(new double[] {1, 0}, true);
    k.backward(new double[] {0, 1});
    row("upstream", "[1, 0] retained, [0, 1] (frees the graph), then [1, 1]");
    String message = failure(IllegalStateException.class, () -> k.backward(new double[] {1, 1}));
    check("error", message, "IllegalStateException: Trying to backward through the graph a second time ...",
        message.startsWith("IllegalStateException: Trying to backward through the graph a second time"));
  }

  private void example6() {
    header("6", "matrix product and its Jacobian with respect to x");
    double[][] x = {{2, 1}};
    double[][] y = {{1, 2}, {3, 4}};
    row("function", "z = x · y      (x is 1×2, y is 2×2, loops over i, j, t)");
    row("input", "x = " + mat(x) + ", y = " + mat(y));
    SeedGrad.MatmulTape z = SeedGrad.matmulForward(x, y);
    double[][] value = z.value();
    check("value", "z = " + mat(value), "[[5, 8]]", value.length == 1 && close(value[0], 5, 8));
    double[] column0 = z.backward(new double[][] {{1, 0}}, true).x()[0];
    double[] column1 = z.backward(new double[][] {{0, 1}}).x()[0];
    row("upstream", "[[1, 0]] with retainGraph=true, then [[0, 1]]");
    check("gradient", "x.grad = " + vec(column0) + " then " + vec(column1), "[1, 3] then [2, 4]",
        close(column0, 1, 3) && close(column1, 2, 4));
    double[][] j = {{column0[0], column1[0]}, {column0[1], column1[1]}};
    check("jacobian", "j = " + mat(j) + " (j[:, i] = x.grad of upstream i)", "[[1, 2], [3, 4]]",
        close(j[0], 1, 2) && close(j[1], 3, 4));
  }

  private void example7() {
    header("7", "gradient accumulation over three backward calls");
    double[] w = {2, 3};
    row("function", "s = sum(w · w)");
    row("input", "w = " + vec(w));
    row("value", "s = " + num(SeedGrad.sumOfSquares(w)));
    row("upstream", "1 (implicit), three times, without zeroing");
    // PyTorch adds every backward into w.grad until zero_(). The companion returns a fresh gradient per
    // call instead (design.md section 2), so accumulating is the caller adding them up; tensor leaves
    // with a grad() that accumulates come with the Tensor API.
    double[] accumulated = new double[w.length];
    for (int call = 0; call < 3; call++) {
      double[] grad = SeedGrad.sumOfSquaresGradient(w).w();
      for (int i = 0; i < accumulated.length; i++) {
        accumulated[i] += grad[i];
      }
    }
    check("gradient", "w.grad = " + vec(accumulated) + " (3 × [4, 6])", "[12, 18]", close(accumulated, 12, 18));
  }

  // ---------------------------------------------------------------------------------------------------
  // Printing and checking

  private void header(String number, String title) {
    out.println();
    String text = "── example " + number + ": " + title + " ";
    out.println(text + "─".repeat(Math.max(3, WIDTH - text.length())));
  }

  /** Prints {@code text} after a label, wrapping long lines under the text's first column. */
  private void row(String label, String text) {
    String indent = " ".repeat(String.format(LABEL + " ", "").length());
    StringBuilder line = new StringBuilder(String.format(LABEL + " ", label));
    int start = line.length();
    for (String word : text.split(" ", -1)) {
      if (line.length() > start && line.length() + 1 + word.length() > WIDTH) {
        out.println(line.toString().stripTrailing());
        line.setLength(0);
        line.append(indent);
        start = line.length();
      } else if (line.length() > start) {
        line.append(' ');
      }
      line.append(word);
    }
    out.println(line);
  }

  /** Prints a result with the article's expectation and a mark, and counts the check. */
  private void check(String label, String actual, String expected, boolean ok) {
    checks++;
    if (!ok) {
      failures++;
    }
    row(label, actual);
    row("", (ok ? "✓" : "✗") + " article: " + expected);
  }

  /** Whether a tape class has a {@code backward()} without an upstream (only scalar outputs have one). */
  private static boolean hasImplicitBackward(Class<?> tape) {
    return Arrays.stream(tape.getMethods())
        .anyMatch(method -> method.getName().equals("backward") && method.getParameterCount() == 0);
  }

  /** Runs {@code action}, which must throw {@code expected}; returns {@code "Type: message"} or a description. */
  private static String failure(Class<? extends RuntimeException> expected, Runnable action) {
    try {
      action.run();
      return "no exception";
    } catch (RuntimeException e) {
      String text = e.getClass().getSimpleName() + ": " + e.getMessage();
      return expected.isInstance(e) ? text : "unexpected " + text;
    }
  }

  private static boolean close(double actual, double expected) {
    return Math.abs(actual - expected) <= TOLERANCE * Math.max(1, Math.abs(expected));
  }

  private static boolean close(double[] actual, double... expected) {
    if (actual == null || actual.length != expected.length) {
      return false;
    }
    for (int i = 0; i < expected.length; i++) {
      if (!close(actual[i], expected[i])) {
        return false;
      }
    }
    return true;
  }

  /** A number as a person writes it: {@code 15}, {@code 91.5}, at most six significant digits. */
  static String num(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return Double.toString(v);
    }
    String text = new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    return text.equals("-0") ? "0" : text;
  }

  static String vec(double[] v) {
    StringJoiner joiner = new StringJoiner(", ", "[", "]");
    for (double d : v) {
      joiner.add(num(d));
    }
    return joiner.toString();
  }

  static String mat(double[][] m) {
    StringJoiner joiner = new StringJoiner(", ", "[", "]");
    for (double[] row : m) {
      joiner.add(vec(row));
    }
    return joiner.toString();
  }
}
