package dev.adjoint;

/**
 * Restores this thread's recording flag when closed: what {@link Tensor#noGrad()} and
 * {@link Tensor#enableGrad()} return for try-with-resources. Close it on the thread that opened it.
 */
public final class GradModeGuard implements AutoCloseable {
  private final boolean previous;
  private boolean closed;

  GradModeGuard(boolean previous) {
    this.previous = previous;
  }

  /** Restores the flag as it was when this guard was opened; a second close does nothing. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      GradMode.set(previous);
    }
  }
}
