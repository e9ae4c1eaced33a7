package dev.adjoint.runtime;

/**
 * The memory side of {@link Checkpoints}: the budget a loop's recording may use (the thread's override, the
 * system property {@value Checkpoints#BUDGET_PROPERTY}, or an eighth of the heap), the cap on snapshots
 * ({@value Checkpoints#SNAPSHOTS_PROPERTY}), and the bytes the tapes hold.
 */
final class CheckpointBudget {
  /** Bytes counted per reference a tape holds (arrays and callees' tapes count as a small object each). */
  private static final int REF_BYTES = 64;

  private static final long DEFAULT_BUDGET = defaultBudget();

  /** Per-thread overrides of the budget ({@link #override(long)}); empty means the default. */
  private static final ThreadLocal<long[]> OVERRIDE = ThreadLocal.withInitial(() -> new long[] {Long.MIN_VALUE});

  private CheckpointBudget() {}

  /** The budget of a loop started now on this thread: its override, else the default. */
  static long current() {
    long override = OVERRIDE.get()[0];
    return override != Long.MIN_VALUE ? override : DEFAULT_BUDGET;
  }

  /** {@link Checkpoints#budget(long)}. */
  static AutoCloseable override(long bytes) {
    long[] slot = OVERRIDE.get();
    long previous = slot[0];
    slot[0] = bytes;
    return () -> slot[0] = previous;
  }

  /** The default budget in bytes: {@value Checkpoints#BUDGET_PROPERTY} if set, else an eighth of the maximum heap. */
  static long defaultBudget() {
    String text = System.getProperty(Checkpoints.BUDGET_PROPERTY);
    if (text != null && !text.isBlank()) {
      return parseBytes(text.trim());
    }
    return Runtime.getRuntime().maxMemory() / 8;
  }

  /** {@code 123}, {@code 64k}, {@code 16m}, {@code 1g} (powers of 1024); negative values allowed. */
  static long parseBytes(String text) {
    char last = Character.toLowerCase(text.charAt(text.length() - 1));
    long unit = switch (last) {
      case 'k' -> 1L << 10;
      case 'm' -> 1L << 20;
      case 'g' -> 1L << 30;
      default -> 1;
    };
    String digits = unit == 1 ? text : text.substring(0, text.length() - 1);
    try {
      return Long.parseLong(digits.trim()) * unit;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(Checkpoints.BUDGET_PROPERTY + " must be a number of bytes such as 16m, not '"
          + text + "'", e);
    }
  }

  /** The cap on snapshots from {@value Checkpoints#SNAPSHOTS_PROPERTY}, else 65,536. */
  static int maxSnapshots() {
    String text = System.getProperty(Checkpoints.SNAPSHOTS_PROPERTY);
    if (text == null || text.isBlank()) {
      return 1 << 16;
    }
    try {
      int count = Integer.parseInt(text.trim());
      if (count >= 2) {
        return count;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(Checkpoints.SNAPSHOTS_PROPERTY + " must be a whole number of at least 2, not '"
        + text + "'");
  }

  /** The bytes the tapes (null where a loop records nothing) hold. */
  static long bytes(DoubleTape doubles, IntTape ints, RefTape refs) {
    long b = 0;
    if (doubles != null) {
      b += doubles.size() * Double.BYTES;
    }
    if (ints != null) {
      b += ints.size() * Integer.BYTES;
    }
    if (refs != null) {
      b += refs.size() * REF_BYTES;
    }
    return b;
  }
}
