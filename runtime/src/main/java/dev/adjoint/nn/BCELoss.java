package dev.adjoint.nn;

import dev.adjoint.Losses;
import dev.adjoint.Reduction;
import dev.adjoint.Tensor;

/** {@link Losses#binaryCrossEntropy(Tensor, Tensor, Reduction)} as a module, as {@code torch.nn.BCELoss}. */
public final class BCELoss {
  private final Reduction reduction;

  /** the binary cross-entropy of probabilities, averaged ({@code reduction='mean'}). */
  public BCELoss() {
    this(Reduction.MEAN);
  }

  /** the binary cross-entropy of probabilities with the given reduction. */
  public BCELoss(Reduction reduction) {
    this.reduction = reduction;
  }

  /** The loss of {@code input} against {@code target} (same shape). */
  public Tensor forward(Tensor input, Tensor target) {
    return Losses.binaryCrossEntropy(input, target, reduction);
  }
}
