package dev.adjoint.nn;

import dev.adjoint.Tensor;

/** Flattens dimensions {@code startDim..endDim} (default 1 to −1, keeping the batch), as {@code nn.Flatten}. */
public final class Flatten extends Module {
  private final int startDim;
  private final int endDim;

  public Flatten() {
    this(1, -1);
  }

  public Flatten(int startDim, int endDim) {
    this.startDim = startDim;
    this.endDim = endDim;
  }

  @Override
  public Tensor forward(Tensor input) {
    return input.flatten(startDim, endDim);
  }
}
