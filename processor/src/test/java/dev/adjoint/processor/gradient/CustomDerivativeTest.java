package dev.adjoint.processor.gradient;

import static dev.adjoint.processor.testing.GradCheck.uniform;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import org.junit.jupiter.api.Test;

/**
 * {@code @DerivativeOf}: the method's body is run (it may hold what Adjoint would refuse, as a library
 * does), its reverse pass calls the supplied derivative; gradient-checked against central differences.
 */
class CustomDerivativeTest {
  /** erf by its Taylor series (accurate to rounding for |x| <= 2), written as a library would. */
  private static final String ERF = """
      @Differentiable static double erf(double x) {
        try {
          double term = x;
          double sum = x;
          for (int n = 1; n < 80; n++) {
            term *= -x * x / n;
            sum += term / (2 * n + 1);
          }
          return 2 / Math.sqrt(Math.PI) * sum;
        } catch (RuntimeException e) {
          throw new IllegalStateException(e);
        }
      }
      @DerivativeOf("erf") static double erfDerivative(double x, double upstream) {
        return upstream * 2 / Math.sqrt(Math.PI) * Math.exp(-x * x);
      }
      """;

  private static String wrap(String members) {
    return "package demo;\nimport dev.adjoint.Differentiable;\nimport dev.adjoint.DerivativeOf;\n"
        + "import dev.adjoint.NoGrad;\nfinal class F {\n" + members + "\n}\n";
  }

  @Test
  void aSpecialFunctionWithItsDerivativeIsGradientChecked() {
    GradCheck.of(wrap(ERF + """
        @Differentiable static double f(double x, double y) {
          return erf(x * y) + x * erf(y) * erf(y);
        }
        """), "f").atRandomPoints(6, r -> new Object[] {uniform(r, -1.2, 1.2), uniform(r, -1.2, 1.2)});
    GradCheck.of(wrap(ERF), "erf").atRandomPoints(6, r -> new Object[] {uniform(r, -2, 2)});
  }

  @Test
  void severalParametersInLoopsAndNonDifferentiableOnes() {
    GradCheck.of(wrap("""
        @Differentiable static double h(double a, int n, double b, @NoGrad double c) {
          return a * a * b + n * b + c * a;
        }
        @DerivativeOf("h") static double[] hAdjoint(double a, int n, double b, double c, double upstream) {
          return new double[] {upstream * (2 * a * b + c), upstream * (a * a + n)};
        }
        @Differentiable static double f(double[] v, double s) {
          double total = 0;
          for (int i = 0; i + 1 < v.length; i++) {
            total += h(v[i], i, v[i + 1] * s, 0.5 * i) * (i == 1 ? h(s, 2, 3.0, 1.5) : 1);
          }
          return total;
        }
        """), "f").atRandomPoints(6, r -> new Object[] {vector(r, 4, -1, 1), uniform(r, -1, 1)});
  }

  /** A wrong derivative gives a wrong gradient: the derivative supplied is what the reverse pass uses. */
  @Test
  void theSuppliedDerivativeIsTheOneUsed() throws Exception {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", wrap("""
        @Differentiable static double g(double x) {
          return x * x;
        }
        @DerivativeOf("g") static double gDerivative(double x, double upstream) {
          return upstream * 7 * x;
        }
        """));
    Object gradient = CompiledCompanion.method(c.load("demo.FGrad"), "gGradient").invoke(null, 3.0);
    java.lang.reflect.Method x = gradient.getClass().getMethod("x");
    x.setAccessible(true);
    assertEquals(21.0, (double) x.invoke(gradient));
    assertFalse(c.generatedSource("demo.FGrad").contains("x * x"), "the body is not differentiated");
    Object jvp = CompiledCompanion.method(c.load("demo.FGrad"), "gJvp").invoke(null, 3.0, 2.0);
    java.lang.reflect.Method tangent = jvp.getClass().getMethod("tangent");
    tangent.setAccessible(true);
    assertEquals(42.0, (double) tangent.invoke(jvp), "forward mode uses the supplied derivative too");
  }

  /**
   * GradBench GMM's {@code logGammaDistrib(0.5 * n, d)}: a plain helper whose double argument does not depend
   * on the inputs is a constant, as is an int helper of an input (derivative zero, like {@code Math.round}).
   */
  @Test
  void plainHelpersOfValuesThatAreNotInputsAreConstants() {
    GradCheck.of(wrap("""
        static double logGammaDistrib(double a, int p) {
          double r = 0.25 * p * (p - 1) * Math.log(Math.PI);
          for (int j = 1; j <= p; j++) {
            r += a + 0.5 * (1 - j) * 1.5;
          }
          return r;
        }
        static int bucket(double v) {
          return v < 0 ? 0 : 1;
        }
        @Differentiable static double f(double[] x, int n, int d) {
          double prior = logGammaDistrib(0.5 * n, d);
          return prior * x[0] * x[bucket(x[1])] + x[1];
        }
        """), "f").atRandomPoints(6, r -> new Object[] {vector(r, 2, -1, 1), 3, 2});
  }
}
