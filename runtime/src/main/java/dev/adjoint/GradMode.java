package dev.adjoint;

/**
 * Whether operations on the current thread record the graph. With {@link ItemCapture}, the only mutable static
 * state of the runtime: a per-thread flag, so that {@link Tensor#noGrad(Runnable)} in one thread never affects
 * another.
 */
final class GradMode {
  private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

  private GradMode() {}

  static boolean isEnabled() {
    return ENABLED.get()[0];
  }

  /** Sets the flag and returns the previous value, for a {@code try/finally} restore. */
  static boolean set(boolean enabled) {
    boolean[] flag = ENABLED.get();
    boolean previous = flag[0];
    flag[0] = enabled;
    return previous;
  }
}
