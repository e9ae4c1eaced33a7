package dev.adjoint.nn;

import dev.adjoint.Losses;
import dev.adjoint.Reduction;
import dev.adjoint.Tensor;

/** {@link Losses#mseLoss(Tensor, Tensor, Reduction)} as a module, as {@code torch.nn.MSELoss}. */
public final class MSELoss {
  private final Reduction reduction;

  /** The mean squared error ({@code reduction='mean'}). */
  public MSELoss() {
    this(Reduction.MEAN);
  }

  public MSELoss(Reduction reduction) {
    this.reduction = reduction;
  }

  /** The loss of {@code input} against {@code target} (same shape). */
  public Tensor forward(Tensor input, Tensor target) {
    return Losses.mseLoss(input, target, reduction);
  }
}
