package dev.adjoint.optim;

import dev.adjoint.Tensor;

/**
 * Stochastic gradient descent with PyTorch's {@code torch.optim.SGD} update: with weight decay
 * {@code λ}, momentum {@code μ}, dampening {@code τ} and learning rate {@code γ}, per step
 * <pre>
 *   g ← ∇ + λ·p
 *   b ← g on the first step, else μ·b + (1 − τ)·g        (if μ ≠ 0)
 *   g ← g + μ·b if nesterov, else b                       (if μ ≠ 0)
 *   p ← p − γ·g
 * </pre>
 */
public final class SGD extends Optimizer {
  private final double lr;
  private final double momentum;
  private final double dampening;
  private final double weightDecay;
  private final boolean nesterov;
  private final Tensor[] buffers;

  /** Plain SGD, {@code p ← p − lr·∇}. */
  public SGD(Iterable<Tensor> params, double lr) {
    this(params, lr, 0, 0, 0, false);
  }

  /** SGD with momentum (no dampening, weight decay or Nesterov). */
  public SGD(Iterable<Tensor> params, double lr, double momentum) {
    this(params, lr, momentum, 0, 0, false);
  }

  /**
   * SGD with all of PyTorch's options.
   *
   * @throws IllegalArgumentException for a negative rate, momentum or weight decay, or Nesterov without
   *     momentum or with dampening (PyTorch's checks)
   */
  public SGD(Iterable<Tensor> params, double lr, double momentum, double dampening, double weightDecay,
      boolean nesterov) {
    super(params);
    check(lr >= 0, "Invalid learning rate: " + lr);
    check(momentum >= 0, "Invalid momentum value: " + momentum);
    check(weightDecay >= 0, "Invalid weight_decay value: " + weightDecay);
    check(!nesterov || momentum > 0 && dampening == 0, "Nesterov momentum requires a momentum and zero dampening");
    this.lr = lr;
    this.momentum = momentum;
    this.dampening = dampening;
    this.weightDecay = weightDecay;
    this.nesterov = nesterov;
    this.buffers = new Tensor[this.params.size()];
  }

  @Override
  protected void update(int i, Tensor p, Tensor g) {
    Tensor d = weightDecay != 0 ? g.add(p.mul(weightDecay)) : g;
    if (momentum != 0) {
      Tensor b = buffers[i];
      b = b == null ? d.clone() : b.mul(momentum).add(d.mul(1 - dampening));
      buffers[i] = b;
      d = nesterov ? d.add(b.mul(momentum)) : b;
    }
    p.subInPlace(d.mul(lr));
  }
}
