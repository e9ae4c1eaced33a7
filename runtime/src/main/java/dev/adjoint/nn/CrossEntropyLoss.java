package dev.adjoint.nn;

import dev.adjoint.Losses;
import dev.adjoint.Reduction;
import dev.adjoint.Tensor;

/**
 * {@link Losses#crossEntropy(Tensor, int[], Tensor, int, double, Reduction)} as a module, as {@code
 * torch.nn.CrossEntropyLoss}: logits {@code [N, C]} (or {@code [N, C, d1, ..., dK]}) against class indices or
 * class probabilities.
 */
public final class CrossEntropyLoss {
  private final Tensor weight;
  private final int ignoreIndex;
  private final double labelSmoothing;
  private final Reduction reduction;

  /** No class weights, {@code ignore_index=-100}, no label smoothing, {@code reduction='mean'}. */
  public CrossEntropyLoss() {
    this(null, Losses.IGNORE_INDEX, 0, Reduction.MEAN);
  }

  /**
   * @param weight per-class weights {@code [C]} (no gradient flows to them), or null
   * @param ignoreIndex a target index whose samples contribute nothing (class-index targets only)
   * @param labelSmoothing {@code ε} in {@code [0, 1]}
   * @param reduction how the per-sample losses are combined
   */
  public CrossEntropyLoss(Tensor weight, int ignoreIndex, double labelSmoothing, Reduction reduction) {
    this.weight = weight;
    this.ignoreIndex = ignoreIndex;
    this.labelSmoothing = labelSmoothing;
    this.reduction = reduction;
  }

  /** The loss of the logits {@code input} at the class indices {@code target}. */
  public Tensor forward(Tensor input, int[] target) {
    return Losses.crossEntropy(input, target, weight, ignoreIndex, labelSmoothing, reduction);
  }

  /** The loss of the logits {@code input} against class probabilities {@code target} (the input's shape). */
  public Tensor forward(Tensor input, Tensor target) {
    return Losses.crossEntropy(input, target, weight, labelSmoothing, reduction);
  }
}
