package dev.adjoint.nn;

import dev.adjoint.Losses;
import dev.adjoint.Reduction;
import dev.adjoint.Tensor;

/** {@link Losses#binaryCrossEntropyWithLogits(Tensor, Tensor, Reduction)} as a module, as {@code torch.nn.BCEWithLogitsLoss}. */
public final class BCEWithLogitsLoss {
  private final Reduction reduction;

  /** the binary cross-entropy of logits, averaged ({@code reduction='mean'}). */
  public BCEWithLogitsLoss() {
    this(Reduction.MEAN);
  }

  /** the binary cross-entropy of logits with the given reduction. */
  public BCEWithLogitsLoss(Reduction reduction) {
    this.reduction = reduction;
  }

  /** The loss of {@code input} against {@code target} (same shape). */
  public Tensor forward(Tensor input, Tensor target) {
    return Losses.binaryCrossEntropyWithLogits(input, target, reduction);
  }
}
