package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.ir.Origin;

/**
 * A construct that reads fine but cannot be differentiated exactly, found while differentiating (it
 * depends on activity). The processor reports it as a compile error on the origin's tree.
 */
public final class Refusal extends RuntimeException {
  private final transient Origin origin;

  public Refusal(Origin origin, String message) {
    super(message, null, false, false);
    this.origin = origin;
  }

  /** Where the refused construct is. */
  public Origin origin() {
    return origin;
  }
}
