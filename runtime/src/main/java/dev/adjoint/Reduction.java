package dev.adjoint;

/** How a loss combines its per-element values, as PyTorch's {@code reduction} argument. */
public enum Reduction {
  /** The per-element losses, unreduced ({@code 'none'}). */
  NONE,
  /** Their mean ({@code 'mean'}, PyTorch's default). */
  MEAN,
  /** Their sum ({@code 'sum'}). */
  SUM;

  Tensor apply(Tensor perElement) {
    switch (this) {
      case NONE:
        return perElement;
      case SUM:
        return perElement.sum();
      default:
        return perElement.mean();
    }
  }
}
