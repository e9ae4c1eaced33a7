package dev.adjoint.processor.property;

import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Calls of every {@code Math} function the processor supports, for the random-program generators, with
 * every argument a generated (variable) expression kept inside the function's domain and away from its
 * singular points: {@code log} of {@code exp(tanh(a))}, {@code asin} of {@code tanh(a) * 0.9}, {@code pow}
 * of a positive base to a variable exponent, and so on. Kinks and jumps ({@code abs}, {@code max},
 * {@code floor}, ...) get raw arguments: random points hit them with probability zero.
 */
final class MathCalls {
  /** Every supported function; {@code MathCallsTest} checks it against {@code MethodReader.mathFunctions()}. */
  static final List<String> FUNCTIONS = List.of("sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh",
      "exp", "expm1", "log", "log10", "log1p", "sqrt", "cbrt", "abs", "signum", "floor", "ceil", "rint", "round",
      "toRadians", "toDegrees", "atan2", "pow", "hypot", "max", "min", "fma", "copySign");

  private MathCalls() {}

  /** A call of {@code Math.f} whose arguments are drawn from {@code arg}. */
  static String call(String f, Random r, Supplier<String> arg) {
    return switch (f) {
      case "sin", "cos", "atan", "tanh", "abs", "signum", "floor", "ceil", "rint", "toRadians" ->
          "Math." + f + "(" + arg.get() + ")";
      // a long: used through a double product
      case "round" -> "(0.5 * Math.round(" + arg.get() + "))";
      case "tan", "sinh", "cosh", "exp", "expm1" -> "Math." + f + "(Math.tanh(" + arg.get() + "))";
      case "asin", "acos", "log1p" -> "Math." + f + "(Math.tanh(" + arg.get() + ") * 0.9)";
      case "log", "log10", "sqrt" -> "Math." + f + "(" + positive(r, arg.get()) + ")";
      case "cbrt" -> "Math.cbrt(" + (r.nextBoolean() ? "" : "-") + positive(r, arg.get()) + ")";
      case "toDegrees" -> "(Math.toDegrees(" + arg.get() + ") * 0.02)";
      case "pow" -> "Math.pow(" + positive(r, arg.get()) + ", Math.tanh(" + arg.get() + ") * 2)";
      // the second argument stays away from 0, so the origin (0/0) is never reached
      case "atan2" -> "Math.atan2(" + arg.get() + ", Math.tanh(" + arg.get() + ") " + (r.nextBoolean() ? "+" : "-")
          + " 1.25)";
      case "hypot", "max", "min" -> "Math." + f + "(" + arg.get() + ", " + arg.get() + ")";
      case "fma" -> "Math.fma(" + arg.get() + ", Math.tanh(" + arg.get() + "), " + arg.get() + ")";
      // the sign argument stays away from 0, where copySign jumps
      case "copySign" -> "Math.copySign(" + arg.get() + ", Math.tanh(" + arg.get() + ") "
          + (r.nextBoolean() ? "+" : "-") + " 1.25)";
      default -> throw new IllegalArgumentException("no generator for Math." + f);
    };
  }

  /** The {@code count} functions program {@code k} features: {@code (k + 10 j) % 29} for j below count. */
  static List<String> featured(int k, int count) {
    List<String> out = new java.util.ArrayList<>();
    for (int j = 0; j < count; j++) {
      out.add(FUNCTIONS.get((k + 10 * j) % FUNCTIONS.size()));
    }
    return out;
  }

  /** A call of a function drawn uniformly from {@link #FUNCTIONS}. */
  static String any(Random r, Supplier<String> arg) {
    return call(FUNCTIONS.get(r.nextInt(FUNCTIONS.size())), r, arg);
  }

  /** A value in [0.37, 2.8] that depends on {@code a}. */
  static String positive(Random r, String a) {
    return switch (r.nextInt(3)) {
      case 0 -> "Math.exp(Math.tanh(" + a + "))";
      case 1 -> "(1.5 + Math.sin(" + a + "))";
      default -> "(0.5 + Math.tanh(" + a + ") * Math.tanh(" + a + "))";
    };
  }

  /**
   * The trip counts of a program's evaluation points: one of them 0 (a loop that does not run), the
   * others drawn from 1 to {@code max}.
   */
  static int[] tripCounts(Random r, int points, int max) {
    int[] n = new int[points];
    int zero = r.nextInt(points);
    for (int i = 0; i < points; i++) {
      n[i] = i == zero ? 0 : 1 + r.nextInt(max);
    }
    return n;
  }
}
