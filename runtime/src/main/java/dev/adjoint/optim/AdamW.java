package dev.adjoint.optim;

import dev.adjoint.Tensor;

/**
 * Adam with decoupled weight decay, as {@code torch.optim.AdamW} (default {@code weight_decay = 1e-2}): each
 * step first scales the parameter, {@code p ← p·(1 − γλ)}, then applies {@link Adam}'s update to the
 * undecayed gradient.
 */
public final class AdamW extends Adam {
  /** AdamW with PyTorch's defaults ({@code lr = 1e-3}, {@code weight_decay = 1e-2}). */
  public AdamW(Iterable<Tensor> params) {
    this(params, 1e-3);
  }

  /** AdamW with learning rate {@code lr} and the other defaults. */
  public AdamW(Iterable<Tensor> params, double lr) {
    this(params, lr, 0.9, 0.999, 1e-8, 1e-2);
  }

  /** AdamW with all options. */
  public AdamW(Iterable<Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
    super(params, lr, beta1, beta2, eps, weightDecay);
  }

  @Override
  Tensor decayed(Tensor p, Tensor g) {
    p.mulInPlace(1 - lr * weightDecay);
    return g;
  }
}
