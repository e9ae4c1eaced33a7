package dev.adjoint.nn;

import dev.adjoint.Losses;
import dev.adjoint.Reduction;
import dev.adjoint.Tensor;

/**
 * {@link Losses#nllLoss(Tensor, int[], Tensor, int, Reduction)} as a module, as {@code torch.nn.NLLLoss}: the
 * negative log-likelihood of log-probabilities {@code [N, C]} (or {@code [N, C, d1, ..., dK]}) at class indices.
 */
public final class NLLLoss {
  private final Tensor weight;
  private final int ignoreIndex;
  private final Reduction reduction;

  /** No class weights, {@code ignore_index=-100}, {@code reduction='mean'}. */
  public NLLLoss() {
    this(null, Losses.IGNORE_INDEX, Reduction.MEAN);
  }

  /**
   * @param weight per-class weights {@code [C]} (no gradient flows to them), or null
   * @param ignoreIndex a target value whose samples contribute nothing
   * @param reduction how the per-sample losses are combined
   */
  public NLLLoss(Tensor weight, int ignoreIndex, Reduction reduction) {
    this.weight = weight;
    this.ignoreIndex = ignoreIndex;
    this.reduction = reduction;
  }

  /** The loss of {@code input} at the class indices {@code target} (row-major for K dimensions). */
  public Tensor forward(Tensor input, int[] target) {
    return Losses.nllLoss(input, target, weight, ignoreIndex, reduction);
  }
}
