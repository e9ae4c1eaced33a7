package dev.adjoint.nn;

import dev.adjoint.Tensor;

/** {@link Tensor#relu()} element-wise, as {@code torch.nn.ReLU}. */
public final class ReLU extends Module {
  @Override
  public Tensor forward(Tensor input) {
    return input.relu();
  }
}
