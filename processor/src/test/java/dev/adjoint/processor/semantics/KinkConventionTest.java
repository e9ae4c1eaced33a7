package dev.adjoint.processor.semantics;

import static dev.adjoint.processor.testing.CompiledCompanion.components;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.processor.testing.CompiledCompanion;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** PyTorch's values at non-differentiable points (design.md section 2). */
class KinkConventionTest {
  static CompiledCompanion c;

  @BeforeAll
  static void compile() {
    c = CompiledCompanion.compile("demo.K", """
        package demo;
        import dev.adjoint.Differentiable;
        final class K {
          @Differentiable static double max(double x, double y) { return Math.max(x, y); }
          @Differentiable static double min(double x, double y) { return Math.min(x, y); }
          @Differentiable static double relu(double x) { return Math.max(x, 0); }
          @Differentiable static double reluIf(double x) { return x > 0 ? x : 0; }
          @Differentiable static double abs(double x) { return Math.abs(x); }
          @Differentiable static double sqrt(double x) { return Math.sqrt(x); }
          @Differentiable static double pow0(double x) { return Math.pow(x, 0); }
          @Differentiable static double powY(double x, double y) { return Math.pow(x, y); }
          @Differentiable static double hypot(double x, double y) { return Math.hypot(x, y); }
          @Differentiable static double floor(double x) { return Math.floor(x) + Math.ceil(x) + Math.rint(x)
              + Math.signum(x) + Math.round(x); }
        }
        """);
  }

  static List<Object> grad(String name, Object... args) {
    Map<String, Object> g = components(c.callStatic("demo.KGrad", name + "Gradient", args));
    return List.copyOf(g.values());
  }

  @Test
  void maxAndMinOfEqualValuesSplitTheGradientEvenly() {
    assertEquals(List.of(0.5, 0.5), grad("max", 1.25, 1.25));
    assertEquals(List.of(0.5, 0.5), grad("min", -2.0, -2.0));
    assertEquals(List.of(1.0, 0.0), grad("max", 2.0, 1.0));
    assertEquals(List.of(0.0, 1.0), grad("min", 2.0, 1.0));
    // Math.max(x, 0) is a max of equal values at 0: the design's max rule applies (PyTorch's max does the same)
    assertEquals(List.of(0.5), grad("relu", 0.0));
    assertEquals(List.of(1.0), grad("relu", 0.1));
    assertEquals(List.of(0.0), grad("relu", -0.1));
  }

  @Test
  void reluWrittenAsABranchHasDerivativeZeroAtZero() {
    assertEquals(List.of(0.0), grad("reluIf", 0.0));
    assertEquals(List.of(1.0), grad("reluIf", 1e-300));
  }

  @Test
  void absAtZeroIsZero() {
    assertEquals(List.of(0.0), grad("abs", 0.0));
    assertEquals(List.of(0.0), grad("abs", -0.0));
    assertEquals(List.of(-1.0), grad("abs", -3.0));
  }

  @Test
  void sqrtAtZeroIsPositiveInfinity() {
    assertEquals(List.of(Double.POSITIVE_INFINITY), grad("sqrt", 0.0));
    assertEquals(List.of(0.25), grad("sqrt", 4.0));
  }

  @Test
  void powWithExponentZeroHasDerivativeZeroEverywhere() {
    for (double x : new double[] {0.0, -0.0, 2.0, -3.0}) {
      assertEquals(List.of(0.0), grad("pow0", x), "at " + x);
    }
    assertEquals(0.0, grad("powY", 0.0, 0.0).get(0));
    assertEquals(0.0, grad("powY", 0.0, 0.0).get(1));
    assertEquals(0.0, grad("powY", 5.0, 0.0).get(0));
    assertEquals(3.0 * 4, (double) grad("powY", 2.0, 3.0).get(0), 1e-12);
    assertEquals(8 * Math.log(2), (double) grad("powY", 2.0, 3.0).get(1), 1e-12);
  }

  @Test
  void hypotAtTheOriginHasGradientZero() {
    assertEquals(List.of(0.0, 0.0), grad("hypot", 0.0, 0.0));
    assertEquals(List.of(0.6, 0.8), grad("hypot", 3.0, 4.0));
    assertEquals(List.of(-1.0, 0.0), grad("hypot", -2.0, 0.0));
  }

  @Test
  void piecewiseConstantFunctionsHaveZeroGradientEvenAtTheirJumps() {
    for (double x : new double[] {0.0, 0.5, 1.0, -2.5, 0.3}) {
      assertEquals(List.of(0.0), grad("floor", x), "at " + x);
    }
  }
}
