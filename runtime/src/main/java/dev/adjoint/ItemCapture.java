package dev.adjoint;

import java.util.ArrayList;
import java.util.List;

/**
 * The tensors read by {@link Tensor#item()} on the current thread while {@link Functional}'s second-order
 * functions of a {@code double}-valued method run it (so that double backward can go through the one-element
 * tensor the method's result was read from). Inactive (null) otherwise; {@code item()} consults it only for a
 * tensor that requires grad. Per thread, like {@link GradMode}.
 */
final class ItemCapture {
  private static final ThreadLocal<List<Tensor>> READS = new ThreadLocal<>();

  private ItemCapture() {}

  /** Records {@code t} when a capture is active on this thread. */
  static void read(Tensor t) {
    List<Tensor> reads = READS.get();
    if (reads != null) {
      reads.add(t);
    }
  }

  /**
   * Runs {@code f} with a capture active and returns the tensors that require grad it read with {@code item()};
   * the previous capture (if any) is restored.
   */
  static List<Tensor> during(Runnable f) {
    List<Tensor> previous = READS.get();
    List<Tensor> reads = new ArrayList<>();
    READS.set(reads);
    try {
      f.run();
    } finally {
      if (previous == null) {
        READS.remove();
      } else {
        READS.set(previous);
      }
    }
    return reads;
  }
}
