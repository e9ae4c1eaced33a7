package dev.adjoint.runtime;

import java.util.Arrays;

/**
 * Binomial checkpointing of a sequence of steps whose number is known only at its end (used by
 * {@link Checkpoints}; a step there is a segment of loop iterations). {@code slots} snapshots are available,
 * the first holding step 0 for the whole reversal.
 *
 * <p><b>Forward, online.</b> {@link #store(int)} is asked at the start of every step whether to keep a
 * snapshot of it and in which slot; the answer follows the minimal-repetition dynamic checkpointing of Wang,
 * Moin and Iaccarino (SIAM J. Sci. Comput. 31(4), 2009): every snapshot has a level; while slots are free a
 * step is kept at level 0; else the latest snapshot whose level is below that of a later one is dropped and
 * the step kept at level 0; else the latest snapshot is dropped and the step kept one level above it. At any
 * step count the snapshots kept allow a reversal with revolve's optimal repetition number.
 *
 * <p><b>Reverse, offline.</b> Once the count {@code n} is known ({@link #finish(int)}), the intervals between
 * the kept snapshots are reversed last to first, each by Griewank's binomial recursion (revolve) with the
 * slots then free: to reverse {@code l} steps from a snapshot with {@code c} slots (the snapshot's own
 * included), advance {@code m} steps, keep a snapshot, reverse the last {@code l - m} steps with {@code c - 1}
 * slots, drop it and reverse the first {@code m} with {@code c}. With {@code r} the least repetition number
 * for which {@code beta(c, r) = C(c + r, c) >= l}, the split {@code m = min(beta(c, r - 1), l - beta(c - 1, r -
 * 1))} attains revolve's minimum of {@code r l - beta(c + 1, r - 1)} advanced steps. {@link #next()} hands out
 * the reversal as actions: restore a slot, advance some steps, keep a slot, record and reverse one step.
 *
 * <p>Every step is recorded and reversed exactly once, last to first. Not thread-safe.
 */
final class BinomialSchedule {
  private static final int RELEASE = -1;
  private static final int REBUILD = -2;

  private final int slots;
  // Snapshots kept online, by step: step, level and slot of each, sorted by step.
  private int[] steps;
  private int[] levels;
  private int[] slotOf;
  private int kept;
  // Free slots (a stack).
  private final int[] free;
  private int freeCount;

  // Reversal: a stack of tasks, each (first step, end step, slots, slot of the first step) or a release.
  private int[] tasks = new int[64];
  private int taskCount;
  private int reversals;
  /** The step the restored state is at and may be advanced from, or -1 (after a reverse). */
  private int position = -1;

  // The current action.
  private int restore;
  private int advance;
  private int keep;
  private int reversed;

  /** A schedule with {@code slots >= 1} snapshots. */
  BinomialSchedule(int slots) {
    if (slots < 1) {
      throw new IllegalArgumentException("at least one snapshot slot is needed, not " + slots);
    }
    this.slots = slots;
    int initial = Math.min(slots, 64);
    steps = new int[initial];
    levels = new int[initial];
    slotOf = new int[initial];
    free = new int[slots];
    for (int s = slots - 1; s >= 0; s--) {
      free[freeCount++] = s;
    }
  }

  /** Number of snapshot slots. */
  int slots() {
    return slots;
  }

  /**
   * At the start of {@code step} (0, 1, 2, ... in order): the slot to keep its snapshot in, or -1 to keep
   * none. A slot handed out again was dropped from the step it held.
   */
  int store(int step) {
    if (step == 0) {
      return add(0, Integer.MAX_VALUE, take());
    }
    if (freeCount > 0) {
      return add(step, 0, take());
    }
    if (kept < 2) {
      return -1; // one slot: only step 0 is kept
    }
    int higher = -1;
    for (int j = kept - 1; j > 0; j--) {
      if (levels[j] < higher) {
        int slot = slotOf[j];
        remove(j);
        return add(step, 0, slot);
      }
      higher = Math.max(higher, levels[j]);
    }
    int last = kept - 1;
    int slot = slotOf[last];
    int level = levels[last] + 1;
    remove(last);
    return add(step, level, slot);
  }

  private int take() {
    return free[--freeCount];
  }

  private int add(int step, int level, int slot) {
    if (kept == steps.length) {
      steps = Arrays.copyOf(steps, kept * 2);
      levels = Arrays.copyOf(levels, kept * 2);
      slotOf = Arrays.copyOf(slotOf, kept * 2);
    }
    steps[kept] = step;
    levels[kept] = level;
    slotOf[kept] = slot;
    kept++;
    return slot;
  }

  private void remove(int j) {
    System.arraycopy(steps, j + 1, steps, j, kept - j - 1);
    System.arraycopy(levels, j + 1, levels, j, kept - j - 1);
    System.arraycopy(slotOf, j + 1, slotOf, j, kept - j - 1);
    kept--;
  }

  /** The steps whose snapshots are kept, in order (for tests). */
  int[] keptSteps() {
    return Arrays.copyOf(steps, kept);
  }

  /** The slot holding step 0. */
  int firstSlot() {
    return slotOf[0];
  }

  /**
   * Starts a reversal of the {@code n >= 1} steps that ran (step 0 was stored). A reversal after the first (a
   * retained graph's second backward) first advances from step 0 again to refill the snapshots kept online,
   * whose slots the first reversal gave to others.
   */
  void finish(int n) {
    if (kept == 0 || steps[0] != 0) {
      throw new IllegalStateException("step 0 was not stored");
    }
    freeCount = 0;
    for (int slot = slots - 1; slot >= 0; slot--) {
      boolean held = false;
      for (int j = 0; j < kept && !held; j++) {
        held = slotOf[j] == slot;
      }
      if (!held) {
        free[freeCount++] = slot;
      }
    }
    taskCount = 0;
    for (int j = 0; j < kept; j++) {
      if (j > 0) {
        pushRelease(slotOf[j]);
      }
      int end = j + 1 < kept ? steps[j + 1] : n;
      push(steps[j], end, slots - j, slotOf[j]);
    }
    if (reversals > 0) {
      for (int j = kept - 1; j > 0; j--) {
        push(REBUILD, steps[j], 0, slotOf[j]);
      }
    }
    reversals++;
    position = -1;
  }

  private void push(int first, int end, int count, int slot) {
    if (taskCount + 4 > tasks.length) {
      tasks = Arrays.copyOf(tasks, tasks.length * 2);
    }
    tasks[taskCount++] = first;
    tasks[taskCount++] = end;
    tasks[taskCount++] = count;
    tasks[taskCount++] = slot;
  }

  private void pushRelease(int slot) {
    push(RELEASE, 0, 0, slot);
  }

  /**
   * The next action of the reversal, or false once every step was reversed (step 0's slot stays kept).
   * Read it with {@link #restore()}, {@link #advance()}, {@link #keep()} and {@link #reversed()}, in that order.
   */
  boolean next() {
    restore = -1;
    advance = 0;
    keep = -1;
    reversed = -1;
    while (taskCount > 0) {
      taskCount -= 4;
      int first = tasks[taskCount];
      int end = tasks[taskCount + 1];
      int count = tasks[taskCount + 2];
      int slot = tasks[taskCount + 3];
      if (first == RELEASE) {
        free[freeCount++] = slot;
        continue;
      }
      if (first == REBUILD) {
        if (position < 0 || position > end) {
          restore = slotOf[0];
          position = 0;
        }
        advance = end - position;
        keep = slot;
        position = end;
        return true;
      }
      int length = end - first;
      if (position != first) {
        restore = slot;
      }
      if (length == 1) {
        reversed = first;
        position = -1;
        return true;
      }
      if (count <= 1 || freeCount == 0) {
        // no slot to spare: advance from the snapshot to the last step, then the rest the same way
        push(first, end - 1, count, slot);
        advance = length - 1;
        reversed = end - 1;
        position = -1;
        return true;
      }
      int split = split(length, count);
      int fresh = take();
      push(first, first + split, count, slot);
      pushRelease(fresh);
      push(first + split, end, count - 1, fresh);
      advance = split;
      keep = fresh;
      position = first + split;
      return true;
    }
    return false;
  }

  /** Slot to restore the state from before the action, or -1 to go on from the current state. */
  int restore() {
    return restore;
  }

  /** Steps to advance without recording. */
  int advance() {
    return advance;
  }

  /** Slot to keep a snapshot of the state in after advancing, or -1. */
  int keep() {
    return keep;
  }

  /** The step to record and reverse after advancing, or -1. */
  int reversed() {
    return reversed;
  }

  /** Revolve's first advance for {@code length >= 2} steps from a snapshot with {@code count >= 2} slots. */
  static int split(int length, int count) {
    int r = repetitions(length, count);
    long m = Math.min(beta(count, r - 1), length - beta(count - 1, r - 1));
    return (int) Math.max(1, Math.min(length - 1, m));
  }

  /** The least {@code r} with {@code beta(count, r) >= length}. */
  static int repetitions(long length, int count) {
    int r = 0;
    while (beta(count, r) < length) {
      r++;
    }
    return r;
  }

  /**
   * {@code C(s + r, s)}, the most steps {@code s} snapshots reverse advancing none more than {@code r} times
   * (saturates past {@code Integer.MAX_VALUE}).
   */
  static long beta(int s, int r) {
    if (r < 0 || s < 0) {
      return r < 0 ? 0 : 1;
    }
    long b = 1;
    int small = Math.min(s, r);
    for (int i = 1; i <= small; i++) {
      b = b * (s + r - small + i) / i; // exact: a product of i consecutive integers divided by i!
      if (b > Integer.MAX_VALUE) {
        return Long.MAX_VALUE / 4;
      }
    }
    return b;
  }

  /** Revolve's minimum number of advanced steps to reverse {@code length} steps with {@code count} slots. */
  static long optimal(int length, int count) {
    if (length <= 1) {
      return 0;
    }
    int r = repetitions(length, count);
    return (long) r * length - beta(count + 1, r - 1);
  }
}
