package dev.adjoint.processor.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.Tensor;
import java.util.function.Function;
import java.util.function.IntPredicate;

/**
 * Central differences of a tensor method, for checking the gradients its generated node gives its inputs: the
 * original method runs without a graph on detached inputs, one element moved by {@code ±h} at a time.
 */
public final class TensorDifferences {
  private static final double H = 1e-6;

  private TensorDifferences() {}

  /**
   * The gradient of {@code sum(upstream · f(inputs..., extra...))} by central differences, one array per input
   * (in its elements' order); {@code f} gets the inputs followed by {@code extra}.
   */
  public static double[][] of(Function<Object[], Tensor> f, Tensor[] inputs, Tensor upstream, Object... extra) {
    double[][] out = new double[inputs.length][];
    for (int i = 0; i < inputs.length; i++) {
      double[] base = inputs[i].toArray();
      out[i] = new double[base.length];
      for (int k = 0; k < base.length; k++) {
        double[] up = base.clone();
        double[] down = base.clone();
        up[k] += H;
        down[k] -= H;
        out[i][k] = (eval(f, inputs, i, Tensor.fromArray(up, inputs[i].shape()), upstream, extra)
            - eval(f, inputs, i, Tensor.fromArray(down, inputs[i].shape()), upstream, extra)) / (2 * H);
      }
    }
    return out;
  }

  /** {@code sum(upstream · f(inputs with input i replaced, extra...))}, without a graph. */
  private static double eval(Function<Object[], Tensor> f, Tensor[] inputs, int i, Tensor replaced, Tensor upstream,
      Object[] extra) {
    Tensor[] moved = new Tensor[inputs.length];
    for (int j = 0; j < inputs.length; j++) {
      moved[j] = j == i ? replaced : inputs[j].detach();
    }
    return Tensor.noGrad(() -> f.apply(arguments(moved, extra)).mul(upstream).sum()).item();
  }

  /** {@code inputs} followed by {@code extra}: the arguments of a call. */
  public static Object[] arguments(Tensor[] inputs, Object... extra) {
    Object[] args = new Object[inputs.length + extra.length];
    System.arraycopy(inputs, 0, args, 0, inputs.length);
    System.arraycopy(extra, 0, args, inputs.length, extra.length);
    return args;
  }

  /** Fresh leaves with {@code inputs}' values; leaf {@code i} requires grad where {@code requires.test(i)}. */
  public static Tensor[] leaves(Tensor[] inputs, IntPredicate requires) {
    Tensor[] leaves = new Tensor[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      leaves[i] = inputs[i].detach().requiresGrad(requires.test(i));
    }
    return leaves;
  }

  /** {@code got} equals {@code scale · expected} element by element, to {@code 1e-6} relative to 1 + the value. */
  public static void assertClose(double[] expected, double[] got, double scale, String what) {
    assertEquals(expected.length, got.length, what);
    for (int k = 0; k < got.length; k++) {
      assertEquals(scale * expected[k], got[k], 1e-6 * (1 + Math.abs(scale * expected[k])), what + " element " + k);
    }
  }
}
