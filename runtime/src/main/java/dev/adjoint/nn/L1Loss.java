package dev.adjoint.nn;

import dev.adjoint.Losses;
import dev.adjoint.Reduction;
import dev.adjoint.Tensor;

/** {@link Losses#l1Loss(Tensor, Tensor, Reduction)} as a module, as {@code torch.nn.L1Loss}. */
public final class L1Loss {
  private final Reduction reduction;

  /** the mean absolute error, averaged ({@code reduction='mean'}). */
  public L1Loss() {
    this(Reduction.MEAN);
  }

  /** the mean absolute error with the given reduction. */
  public L1Loss(Reduction reduction) {
    this.reduction = reduction;
  }

  /** The loss of {@code input} against {@code target} (same shape). */
  public Tensor forward(Tensor input, Tensor target) {
    return Losses.l1Loss(input, target, reduction);
  }
}
