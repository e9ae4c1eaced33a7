package dev.adjoint.optim;

import dev.adjoint.Tensor;

/**
 * Adam with PyTorch's {@code torch.optim.Adam} update and defaults ({@code lr = 1e-3}, {@code betas =
 * (0.9, 0.999)}, {@code eps = 1e-8}, no weight decay): at step {@code t},
 * <pre>
 *   g ← ∇ + λ·p
 *   m ← β₁·m + (1 − β₁)·g,   v ← β₂·v + (1 − β₂)·g²
 *   p ← p − γ·(m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
 * </pre>
 * {@link AdamW} decays the weights directly instead of adding {@code λ·p} to the gradient.
 */
public class Adam extends Optimizer {
  final double lr;
  final double beta1;
  final double beta2;
  final double eps;
  final double weightDecay;
  private final Tensor[] m;
  private final Tensor[] v;
  private final int[] steps;

  /** Adam with PyTorch's defaults. */
  public Adam(Iterable<Tensor> params) {
    this(params, 1e-3);
  }

  /** Adam with learning rate {@code lr} and the other defaults. */
  public Adam(Iterable<Tensor> params, double lr) {
    this(params, lr, 0.9, 0.999, 1e-8, 0);
  }

  /** Adam with all options (PyTorch's checks: rates, eps and decay non-negative, betas in [0, 1)). */
  public Adam(Iterable<Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
    super(params);
    check(lr >= 0, "Invalid learning rate: " + lr);
    check(eps >= 0, "Invalid epsilon value: " + eps);
    check(beta1 >= 0 && beta1 < 1, "Invalid beta parameter at index 0: " + beta1);
    check(beta2 >= 0 && beta2 < 1, "Invalid beta parameter at index 1: " + beta2);
    check(weightDecay >= 0, "Invalid weight_decay value: " + weightDecay);
    this.lr = lr;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    int n = this.params.size();
    this.m = new Tensor[n];
    this.v = new Tensor[n];
    this.steps = new int[n];
  }

  /** The gradient Adam's moments see: {@code g + λ·p} (AdamW overrides to decay {@code p} instead). */
  Tensor decayed(Tensor p, Tensor g) {
    return weightDecay != 0 ? g.add(p.mul(weightDecay)) : g;
  }

  @Override
  protected final void update(int i, Tensor p, Tensor g) {
    Tensor d = decayed(p, g);
    int t = ++steps[i];
    m[i] = m[i] == null ? d.mul(1 - beta1) : m[i].mul(beta1).add(d.mul(1 - beta1));
    v[i] = v[i] == null ? d.mul(d).mul(1 - beta2) : v[i].mul(beta2).add(d.mul(d).mul(1 - beta2));
    double bias1 = 1 - Math.pow(beta1, t);
    double bias2 = 1 - Math.pow(beta2, t);
    Tensor denom = v[i].div(bias2).sqrt().add(eps);
    p.subInPlace(m[i].div(bias1).div(denom).mul(lr));
  }
}
