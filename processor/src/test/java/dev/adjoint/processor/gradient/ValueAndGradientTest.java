package dev.adjoint.processor.gradient;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.Tensor;
import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code mValueAndGradient}: the original's value and the gradient that {@code mGradient} returns (itself
 * gradient-checked), from one call; gradient records print their arrays' values.
 */
class ValueAndGradientTest {
  static final String SOURCE = ConstructGradientTest.wrap("""
      @Differentiable static double f(double[] x, double y, double[][] m, int k) {
        return y * x[0] + 2 * x[1] + k * m[0][1] * y;
      }
      """);

  @Test
  void valueAndGradientOfADoubleResult() {
    CompiledCompanion compiled = CompiledCompanion.compile("demo.F", SOURCE);
    GradCheck.of(compiled, "demo.F", "f").at(new double[] {0.5, -1}, 1.5, new double[][] {{1, 2}, {3, 4}}, 3);
    Object[] args = {new double[] {0.5, -1}, 1.5, new double[][] {{1, 2}, {3, 4}}, 3};
    Object pair = compiled.callStatic("demo.FGrad", "fValueAndGradient", args);
    Map<String, Object> parts = CompiledCompanion.components(pair);
    // 1.5 * 0.5 + 2 * -1 + 3 * 2 * 1.5, by hand
    assertEquals(7.75, (double) parts.get("value"), 1e-12);
    assertEquals(compiled.callStatic("demo.F", "f", args), parts.get("value"));
    Map<String, Object> gradient = CompiledCompanion.components(parts.get("gradient"));
    assertArrayEquals(new double[] {1.5, 2}, (double[]) gradient.get("x"));
    assertEquals(0.5 + 6, (double) gradient.get("y"), 1e-12);
    assertArrayEquals(new double[][] {{0, 4.5}, {0, 0}}, (double[][]) gradient.get("m"));
    assertEquals("FGradient[x=[1.5, 2.0], y=6.5, m=[[0.0, 4.5], [0.0, 0.0]]]", parts.get("gradient").toString());
    assertEquals(parts.get("gradient").toString(),
        compiled.callStatic("demo.FGrad", "fGradient", args).toString());
  }

  @Test
  void valueAndGradientOfATensorResult() {
    CompiledCompanion compiled = CompiledCompanion.compile("demo.F", ConstructGradientTest.wrap("""
        @Differentiable static dev.adjoint.Tensor f(dev.adjoint.Tensor t, double s) {
          return t.mul(t).sum().mul(s);
        }
        """));
    Object pair = compiled.callStatic("demo.FGrad", "fValueAndGradient", Tensor.of(1, 2, 3), 0.5);
    Map<String, Object> parts = CompiledCompanion.components(pair);
    assertEquals(7.0, ((Tensor) parts.get("value")).item(), 1e-12);
    Map<String, Object> gradient = CompiledCompanion.components(parts.get("gradient"));
    assertArrayEquals(new double[] {1, 2, 3}, ((Tensor) gradient.get("t")).toArray(), 1e-12);
    assertEquals(14.0, (double) gradient.get("s"), 1e-12);
  }
}
