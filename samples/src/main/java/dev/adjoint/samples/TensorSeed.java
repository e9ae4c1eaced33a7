package dev.adjoint.samples;

import dev.adjoint.Differentiable;
import dev.adjoint.Tensor;

/**
 * The seed article's functions over {@link Tensor}s, as {@code @Differentiable} methods: each compiles into
 * one node of the tensor graph whose reverse pass is generated code ({@code TensorSeedGrad}).
 */
public final class TensorSeed {
  private TensorSeed() {}

  /** Example 1: {@code b = a + 3; c = b * b * 3; out = c.mean()}. */
  @Differentiable
  public static Tensor meanOfSquares(Tensor a) {
    Tensor b = a.add(3);
    Tensor c = b.mul(b).mul(3);
    return c.mean();
  }

  /**
   * Examples 4 and 5: {@code k = [m0² + 3·m1, m1² + 2·m0]} for a 1×2 {@code m}, written as
   * {@code m² + m·mix} with {@code mix = [[0, 2], [3, 0]]}; the result has the article's shape [1, 2].
   */
  @Differentiable
  public static Tensor mixed(Tensor m, Tensor mix) {
    return m.square().add(m.matmul(mix));
  }

  /** Example 6: {@code z = x @ y}. */
  @Differentiable
  public static Tensor product(Tensor x, Tensor y) {
    return x.matmul(y);
  }

  /** Example 7: {@code (w * w).sum()}. */
  @Differentiable
  public static Tensor sumOfSquares(Tensor w) {
    return w.mul(w).sum();
  }
}
