package dev.adjoint.optim;

import dev.adjoint.Tensor;

/**
 * RMSprop with PyTorch's {@code torch.optim.RMSprop} update and defaults ({@code lr = 1e-2}, {@code alpha =
 * 0.99}, {@code eps = 1e-8}, no weight decay, momentum or centering):
 * <pre>
 *   g ← ∇ + λ·p
 *   s ← α·s + (1 − α)·g²
 *   a ← √(s − ḡ²) + ε with ḡ ← α·ḡ + (1 − α)·g if centered, else √s + ε
 *   b ← μ·b + g/a, p ← p − γ·b   if μ > 0, else   p ← p − γ·g/a
 * </pre>
 */
public final class RMSprop extends Optimizer {
  private final double lr;
  private final double alpha;
  private final double eps;
  private final double weightDecay;
  private final double momentum;
  private final boolean centered;
  private final Tensor[] square;
  private final Tensor[] mean;
  private final Tensor[] buffer;

  /** RMSprop with PyTorch's defaults. */
  public RMSprop(Iterable<Tensor> params) {
    this(params, 1e-2);
  }

  /** RMSprop with learning rate {@code lr} and the other defaults. */
  public RMSprop(Iterable<Tensor> params, double lr) {
    this(params, lr, 0.99, 1e-8, 0, 0, false);
  }

  /** RMSprop with all options (PyTorch's checks: all non-negative). */
  public RMSprop(Iterable<Tensor> params, double lr, double alpha, double eps, double weightDecay,
      double momentum, boolean centered) {
    super(params);
    check(lr >= 0, "Invalid learning rate: " + lr);
    check(eps >= 0, "Invalid epsilon value: " + eps);
    check(momentum >= 0, "Invalid momentum value: " + momentum);
    check(weightDecay >= 0, "Invalid weight_decay value: " + weightDecay);
    check(alpha >= 0, "Invalid alpha value: " + alpha);
    this.lr = lr;
    this.alpha = alpha;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.momentum = momentum;
    this.centered = centered;
    int n = this.params.size();
    this.square = new Tensor[n];
    this.mean = new Tensor[n];
    this.buffer = new Tensor[n];
  }

  @Override
  protected void update(int i, Tensor p, Tensor g) {
    Tensor d = weightDecay != 0 ? g.add(p.mul(weightDecay)) : g;
    Tensor sq = d.mul(d).mul(1 - alpha);
    square[i] = square[i] == null ? sq : square[i].mul(alpha).add(sq);
    Tensor avg;
    if (centered) {
      mean[i] = mean[i] == null ? d.mul(1 - alpha) : mean[i].mul(alpha).add(d.mul(1 - alpha));
      avg = square[i].sub(mean[i].mul(mean[i])).sqrt().add(eps);
    } else {
      avg = square[i].sqrt().add(eps);
    }
    if (momentum > 0) {
      buffer[i] = buffer[i] == null ? d.div(avg) : buffer[i].mul(momentum).add(d.div(avg));
      p.subInPlace(buffer[i].mul(lr));
    } else {
      p.subInPlace(d.div(avg).mul(lr));
    }
  }
}
