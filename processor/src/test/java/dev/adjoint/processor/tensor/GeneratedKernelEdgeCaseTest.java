package dev.adjoint.processor.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.Tensor;
import dev.adjoint.processor.testing.CompiledCompanion;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The generated tensor nodes' kernels at their edge cases, against values worked out by hand (PyTorch's
 * conventions): reductions along dimension 0 and a negative dimension without keepDim, ties of
 * {@code max}/{@code min} split the gradient, {@code relu'(0) = abs'(0) = 0},
 * {@code pow(x, 0)} has derivative 0, and the exponent's gradient is {@code sum(g y log x)} with the
 * entries at {@code x = 0} masked. Each of these once survived a hand-made mutation of the kernels.
 */
class GeneratedKernelEdgeCaseTest {
  private static CompiledCompanion compiled;

  @BeforeAll
  static void compile() {
    compiled = CompiledCompanion.compile("demo.K", """
        package demo;

        import dev.adjoint.Differentiable;
        import dev.adjoint.Tensor;

        public final class K {
          @Differentiable public static Tensor relu(Tensor a) { return a.relu().sum(); }
          @Differentiable public static Tensor abs(Tensor a) { return a.abs().sum(); }
          @Differentiable public static Tensor max(Tensor a) { return a.max().mul(2.0); }
          @Differentiable public static Tensor min(Tensor a) { return a.min().mul(2.0); }
          @Differentiable public static Tensor pow(Tensor a, double p) { return a.pow(p).sum(); }
          @Differentiable public static Tensor columns(Tensor a) { return a.sum(0, false).square().sum(); }
          @Differentiable public static Tensor rows(Tensor a) { return a.mean(-1, false).square().sum(); }
        }
        """);
  }

  private static Map<String, Object> gradient(String name, Object... args) {
    return CompiledCompanion.components(compiled.callStatic("demo.KGrad", name + "Gradient", args));
  }

  private static double[] tensor(Map<String, Object> g, String name) {
    return ((Tensor) g.get(name)).toArray();
  }

  private static Tensor of(double... values) {
    return Tensor.fromArray(values, values.length);
  }

  @Test
  void reluAndAbsHaveDerivativeZeroAtZero() {
    assertArrayEquals(new double[] {0, 0, 1}, tensor(gradient("relu", of(-1, 0, 2)), "a"));
    assertArrayEquals(new double[] {-1, 0, 1}, tensor(gradient("abs", of(-1, 0, 2)), "a"));
  }

  @Test
  void tiesOfMaxAndMinShareTheGradientEvenly() {
    assertArrayEquals(new double[] {0, 1, 1, 0}, tensor(gradient("max", of(1, 3, 3, -2)), "a"));
    assertArrayEquals(new double[] {0, 1, 0, 1}, tensor(gradient("min", of(1, -2, 4, -2)), "a"));
    assertArrayEquals(new double[] {0, 2, 0}, tensor(gradient("max", of(1, 3, 2)), "a"));
    assertArrayEquals(new double[] {2.0 / 3, 2.0 / 3, 2.0 / 3}, tensor(gradient("min", of(5, 5, 5)), "a"), 1e-15);
  }

  @Test
  void powOfATensorByAVariableExponent() {
    // d/da sum(a^p) = p a^(p-1); d/dp = sum(a^p ln a)
    Map<String, Object> g = gradient("pow", of(2, 3), 2.0);
    assertArrayEquals(new double[] {4, 6}, tensor(g, "a"), 1e-12);
    assertEquals(4 * Math.log(2) + 9 * Math.log(3), (double) g.get("p"), 1e-12);
    Map<String, Object> negative = gradient("pow", of(2, 0.5), -1.0);
    assertArrayEquals(new double[] {-0.25, -4}, tensor(negative, "a"), 1e-12);
    assertEquals(0.5 * Math.log(2) + 2 * Math.log(0.5), (double) negative.get("p"), 1e-12);
  }

  @Test
  void powAtZeroMasksTheExponentsGradientAndExponentZeroHasNoBaseGradient() {
    Map<String, Object> atZero = gradient("pow", of(0, 2), 2.0);
    assertArrayEquals(new double[] {0, 4}, tensor(atZero, "a"), 1e-12);
    assertEquals(4 * Math.log(2), (double) atZero.get("p"), 1e-12);
    Map<String, Object> zeroExponent = gradient("pow", of(0, 2, -3), 0.0);
    assertArrayEquals(new double[] {0, 0, 0}, tensor(zeroExponent, "a"));
    Map<String, Object> positive = gradient("pow", of(0, 2), 0.0);
    assertEquals(Math.log(2), (double) positive.get("p"), 1e-12);
  }

  @Test
  void reductionsAlongADimensionWithoutKeepDim() {
    Tensor a = Tensor.of(new double[][] {{1, 2, 3}, {4, 5, 7}});
    // columns: sums c = (5, 7, 10), d/da_ij = 2 c_j
    assertArrayEquals(new double[] {10, 14, 20, 10, 14, 20}, tensor(gradient("columns", a), "a"), 1e-12);
    // rows: means m = (2, 16/3), d/da_ij = 2 m_i / 3
    assertArrayEquals(new double[] {4.0 / 3, 4.0 / 3, 4.0 / 3, 32.0 / 9, 32.0 / 9, 32.0 / 9},
        tensor(gradient("rows", a), "a"), 1e-12);
  }
}
