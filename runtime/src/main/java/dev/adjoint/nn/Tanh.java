package dev.adjoint.nn;

import dev.adjoint.Tensor;

/** {@link Tensor#tanh()} element-wise, as {@code torch.nn.Tanh}. */
public final class Tanh extends Module {
  @Override
  public Tensor forward(Tensor input) {
    return input.tanh();
  }
}
