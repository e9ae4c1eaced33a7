package dev.adjoint.processor.gradient;

import static dev.adjoint.processor.testing.GradCheck.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.processor.read.MethodReader;
import dev.adjoint.processor.testing.GradCheck;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code Math} function the design lists, inside a small expression of two doubles, gradient-checked
 * on a safe domain (piecewise functions at random points, which are away from their kinks with
 * probability one).
 */
class MathFunctionGradientTest {
  /** function, expression in x and y, x domain, y domain. */
  static Stream<Arguments> functions() {
    return Stream.of(
        f("sin", "Math.sin(x * y) + x", -2, 2, -2, 2),
        f("cos", "Math.cos(x * y) * x", -2, 2, -2, 2),
        f("tan", "Math.tan(x) * y", -1.2, 1.2, -2, 2),
        f("asin", "Math.asin(x) * y", -0.9, 0.9, -2, 2),
        f("acos", "Math.acos(x) + y * Math.acos(y)", -0.9, 0.9, -0.9, 0.9),
        f("atan", "Math.atan(x * y)", -3, 3, -3, 3),
        f("atan2", "Math.atan2(y, x)", -2, 2, -2, 2),
        f("sinh", "Math.sinh(x) * y", -2, 2, -2, 2),
        f("cosh", "Math.cosh(x - y)", -2, 2, -2, 2),
        f("tanh", "Math.tanh(x) * y + Math.tanh(y)", -2, 2, -2, 2),
        f("exp", "Math.exp(x * y)", -1.5, 1.5, -1.5, 1.5),
        f("expm1", "Math.expm1(x) * y", -1.5, 1.5, -2, 2),
        f("log", "Math.log(x) * y", 0.2, 3, -2, 2),
        f("log10", "Math.log10(x * y)", 0.2, 3, 0.2, 3),
        f("log1p", "Math.log1p(x) + y", -0.8, 3, -2, 2),
        f("sqrt", "Math.sqrt(x) * y", 0.2, 3, -2, 2),
        f("cbrt", "Math.cbrt(x) * y", 0.2, 3, -2, 2),
        f("cbrt of negatives", "Math.cbrt(x) * y", -3, -0.2, -2, 2),
        f("pow", "Math.pow(x, y)", 0.2, 3, -2, 2),
        f("pow with int exponent", "Math.pow(x, 3) + Math.pow(y, 2)", -2, 2, -2, 2),
        // x * x in the companion: under division and product, beside exponents left to Math.pow.
        f("pow with literal exponents in context",
            "y / Math.pow(x, 2) - Math.pow(x * y, 2) * Math.pow(y, 3.0) + Math.pow(x, 2.0) / Math.pow(y, -1)",
            0.5, 2, 0.5, 2),
        f("hypot", "Math.hypot(x, y)", 0.2, 2, -2, 2),
        f("abs", "Math.abs(x) * y + Math.abs(y)", -2, 2, -2, 2),
        f("max", "Math.max(x, y) * x", -2, 2, -2, 2),
        f("min", "Math.min(x, y) * y + Math.min(x, 0.3)", -2, 2, -2, 2),
        f("signum", "Math.signum(x) * y + x", -2, 2, -2, 2),
        f("floor", "Math.floor(x) * y + x * x", -3, 3, -2, 2),
        f("ceil", "Math.ceil(x * 2) * y + x", -3, 3, -2, 2),
        f("round", "Math.round(x * 3) * y + x", -3, 3, -2, 2),
        f("rint", "Math.rint(x) * y + x * y", -3, 3, -2, 2),
        f("toRadians", "Math.toRadians(x) * y", -90, 90, -2, 2),
        f("toDegrees", "Math.toDegrees(x) + y", -2, 2, -2, 2),
        f("fma", "Math.fma(x, y, x * x) + Math.fma(y, 2.0, 1)", -2, 2, -2, 2),
        f("copySign", "Math.copySign(x * y, y - 0.5) + Math.copySign(2.0, x) * x", -2, 2, -2, 2),
        f("floorMod and floorDiv", "x * Math.floorMod((int) (y * 10), 3) + y * Math.floorDiv((int) (x * 10), -4)",
            -2, 2, -2, 2),
        f("StrictMath", "StrictMath.sin(x) * StrictMath.fma(x, y, 1) + StrictMath.copySign(y, -1.0)", -2, 2, -2,
            2),
        f("Double tests", "(Double.isNaN(x / y) || Double.isInfinite(1 / x) ? 0 : x * y)"
            + " + (Double.isFinite(Math.log(y)) ? y * y : x)", -2, 2, -2, 2),
        f("composition", "Math.exp(Math.sin(x)) * Math.sqrt(1 + y * y) / Math.cosh(x * y)", -2, 2, -2, 2));
  }

  static Arguments f(String name, String expression, double xlo, double xhi, double ylo, double yhi) {
    return Arguments.of(name, expression, xlo, xhi, ylo, yhi);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("functions")
  void gradientOf(String name, String expression, double xlo, double xhi, double ylo, double yhi) {
    GradCheck.of(ConstructGradientTest.wrap(
            "@Differentiable static double f(double x, double y) {\n  return " + expression + ";\n}\n"), "f")
        .atRandomPoints(6, r -> new Object[] {uniform(r, xlo, xhi), uniform(r, ylo, yhi)});
  }

  @Test
  void everyFunctionTheDesignListsIsCovered() {
    Set<String> listed = new TreeSet<>(Set.of("sin", "cos", "tan", "asin", "acos", "atan", "atan2", "sinh", "cosh",
        "tanh", "exp", "expm1", "log", "log10", "log1p", "sqrt", "cbrt", "pow", "hypot", "abs", "max", "min",
        "signum", "floor", "ceil", "round", "rint", "toRadians", "toDegrees", "fma", "copySign", "floorMod",
        "floorDiv"));
    Set<String> covered = functions().map(a -> ((String) a.get()[1]))
        .flatMap(e -> java.util.regex.Pattern.compile("Math\\.(\\w+)\\(").matcher(e).results().map(m -> m.group(1)))
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(listed, covered);
    // floorMod and floorDiv have only int and long overloads: constants of the derivative, no rule.
    listed.removeAll(Set.of("floorMod", "floorDiv"));
    assertEquals(listed, new TreeSet<>(MethodReader.mathFunctions()), "functions the reader accepts");
  }
}
