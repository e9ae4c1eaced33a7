package dev.adjoint.nn;

import dev.adjoint.Tensor;

/** {@link Tensor#sigmoid()} element-wise, as {@code torch.nn.Sigmoid}. */
public final class Sigmoid extends Module {
  @Override
  public Tensor forward(Tensor input) {
    return input.sigmoid();
  }
}
