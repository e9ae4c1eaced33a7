package dev.adjoint.optim;

import dev.adjoint.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A gradient-based optimizer over a fixed list of parameters, as {@code torch.optim.Optimizer}: after
 * {@code loss.backward()}, {@link #step()} updates every parameter that has a gradient, in place and without
 * recording; {@link #zeroGrad()} clears the accumulated gradients before the next pass.
 *
 * <p>A parameter whose {@code grad()} is still null (no reverse pass reached it) is skipped, as PyTorch skips
 * {@code p.grad is None}. Per-parameter state (momentum, moment estimates) is created on a parameter's first
 * update.
 */
public abstract class Optimizer {
  /** The parameters, in the order given. */
  protected final List<Tensor> params;

  /**
   * @param params leaf tensors that require grad (non-leaves are refused, as PyTorch's "can't optimize a
   *     non-leaf Tensor")
   */
  protected Optimizer(Iterable<Tensor> params) {
    List<Tensor> list = new ArrayList<>();
    for (Tensor p : params) {
      if (p == null) {
        throw new IllegalArgumentException("parameter " + list.size() + " is null");
      }
      if (!p.isLeaf()) {
        throw new IllegalArgumentException("can't optimize a non-leaf Tensor (parameter " + list.size()
            + " was produced by " + p.gradFnName() + "); pass the leaves, or detach().requiresGrad()");
      }
      if (!p.isRequiresGrad()) {
        throw new IllegalArgumentException("parameter " + list.size() + " does not require grad; call"
            + " requiresGrad() on it");
      }
      list.add(p);
    }
    if (list.isEmpty()) {
      throw new IllegalArgumentException("optimizer got an empty parameter list");
    }
    this.params = List.copyOf(list);
  }

  /** The parameters this optimizer updates (unmodifiable). */
  public List<Tensor> parameters() {
    return params;
  }

  /** Zeroes every parameter's accumulated gradient in place (PyTorch's {@code zero_grad(set_to_none=False)}). */
  public void zeroGrad() {
    for (Tensor p : params) {
      p.zeroGrad();
    }
  }

  /** One update of every parameter that has a gradient; runs without recording. */
  public final void step() {
    Tensor.noGrad(() -> {
      for (int i = 0; i < params.size(); i++) {
        Tensor p = params.get(i);
        Tensor g = p.grad();
        if (g != null) {
          update(i, p, g);
        }
      }
    });
  }

  /** Updates parameter {@code i} ({@code p}, with gradient {@code g}) in place; called with grad mode off. */
  protected abstract void update(int i, Tensor p, Tensor g);

  static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
