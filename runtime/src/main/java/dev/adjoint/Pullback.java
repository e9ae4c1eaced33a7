package dev.adjoint;

/**
 * The reverse pass of a fused operation, the extension point for generated code: given the gradient
 * of the operation's output (same shape as the output), returns the gradient for each input, in the
 * order the inputs were given to {@link Tensor#fromPullback}, each of its input's shape, or
 * {@code null} for "no gradient flows to this input".
 *
 * <p>The annotation processor compiles a {@code @Differentiable} tensor method into one such node
 * instead of recording every elementary operation. The engine calls a pullback at most once per
 * reverse pass, and drops it after a reverse pass that does not retain the graph.
 */
@FunctionalInterface
public interface Pullback {
  /**
   * The vector-Jacobian product for the upstream gradient {@code upstream}.
   *
   * @return one gradient per input ({@code null} entries allowed), never {@code null} itself
   */
  Tensor[] apply(Tensor upstream);
}
