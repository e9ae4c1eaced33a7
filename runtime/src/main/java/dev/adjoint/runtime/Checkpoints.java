package dev.adjoint.runtime;

import java.util.Arrays;

/**
 * Checkpointing of one long loop, decided at run time (used by generated companions). The forward sweep
 * records the loop's iterations onto the tapes as usual until the recording of this loop passes the
 * budget; from then on it runs the remaining iterations without recording and keeps a snapshot of the
 * loop-carried state (the variables the loop writes, and those it reads that later code overwrites) at
 * the start of every segment of {@code k} iterations, {@code k} chosen so that one segment's recording
 * fits the budget. The reverse sweep takes the segments last to first: it restores a segment's snapshot,
 * replays the segment with recording ({@link DoubleTape#beginReplay()}), reverses it and drops its
 * recording, then reverses the recorded first iterations from the first snapshot. Memory is about twice
 * the budget plus the snapshots; time is one more run of the loop's primal code than store-all
 * (two-level checkpointing).
 *
 * <p>The budget is {@value #BUDGET_PROPERTY} (bytes; suffixes {@code k}, {@code m}, {@code g}; a negative
 * value turns checkpointing off), else an eighth of the maximum heap. {@link #budget(long)} overrides it on
 * the current thread, for example to force checkpointing in a test.
 *
 * <p>Not thread-safe: each forward pass owns its checkpoints, as it owns its tapes.
 */
public final class Checkpoints {
  /** The system property that sets the default budget in bytes ({@code -Dadjoint.checkpoint.budget=16m}). */
  public static final String BUDGET_PROPERTY = "adjoint.checkpoint.budget";

  /** Bytes counted per reference a tape holds (arrays and callees' tapes count as a small object each). */
  private static final int REF_BYTES = 64;

  // Snapshot stores start empty: most loops stay within the budget and never take a snapshot.
  private static final double[] NO_DOUBLES = new double[0];
  private static final int[] NO_INTS = new int[0];
  private static final Object[] NO_REFS = new Object[0];

  private static final long DEFAULT_BUDGET = defaultBudget();

  /** Per-thread overrides of the budget ({@link #budget(long)}); empty means the default. */
  private static final ThreadLocal<long[]> OVERRIDE = ThreadLocal.withInitial(() -> new long[] {Long.MIN_VALUE});

  private final DoubleTape doubles;
  private final IntTape ints;
  private final RefTape refs;
  private final RefTape calls;
  /** Bytes the tapes held when the loop started, plus the budget: past it, the loop is checkpointed. */
  private final long limit;
  private final long budget;
  private final long start;

  private boolean taping = true;
  /** Iterations recorded before checkpointing started. */
  private int prefix;
  /** Iterations per segment. */
  private int segment = 1;

  // Snapshots: one after another in typed stores; snapshot j starts at offsets[3j .. 3j+2].
  private double[] doubleStore = NO_DOUBLES;
  private int doubleCount;
  private int[] intStore = NO_INTS;
  private int intCount;
  private Object[] refStore = NO_REFS;
  private int refCount;
  private int[] offsets = NO_INTS;
  private int snapshots;
  // Read positions while a snapshot is restored.
  private int doubleRead;
  private int intRead;
  private int refRead;

  private Checkpoints(DoubleTape doubles, IntTape ints, RefTape refs, RefTape calls, long budget) {
    this.doubles = doubles;
    this.ints = ints;
    this.refs = refs;
    this.calls = calls;
    this.budget = budget;
    this.start = bytes();
    this.limit = budget < 0 ? Long.MAX_VALUE : start + budget;
  }

  /**
   * Starts a loop that records onto the given tapes (null where the loop records nothing): budget from the
   * thread's override, the system property, or an eighth of the heap.
   */
  public static Checkpoints of(DoubleTape doubles, IntTape ints, RefTape refs, RefTape calls) {
    long override = OVERRIDE.get()[0];
    return new Checkpoints(doubles, ints, refs, calls, override != Long.MIN_VALUE ? override : DEFAULT_BUDGET);
  }

  /**
   * Sets the budget of loops started on this thread until the returned guard is closed (try-with-resources):
   * {@code 0} checkpoints every loop that records anything, a negative value turns checkpointing off.
   */
  public static AutoCloseable budget(long bytes) {
    long[] slot = OVERRIDE.get();
    long previous = slot[0];
    slot[0] = bytes;
    return () -> slot[0] = previous;
  }

  /** The default budget in bytes: {@value #BUDGET_PROPERTY} if set, else an eighth of the maximum heap. */
  public static long defaultBudget() {
    String text = System.getProperty(BUDGET_PROPERTY);
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
      throw new IllegalArgumentException(BUDGET_PROPERTY + " must be a number of bytes such as 16m, not '" + text
          + "'", e);
    }
  }

  private long bytes() {
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
    if (calls != null) {
      b += calls.size() * REF_BYTES;
    }
    return b;
  }

  /**
   * Called before each iteration with the iterations done: whether to run it with recording. Once the
   * recording passes the budget, the answer is false for the rest of the loop.
   */
  public boolean taping(int trips) {
    if (!taping) {
      return false;
    }
    long now = bytes();
    if (now <= limit) {
      return true;
    }
    taping = false;
    prefix = trips;
    long perIteration = trips == 0 ? 1 : Math.max(1, (now - start) / trips);
    segment = (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.max(budget, 0) / perIteration));
    return false;
  }

  /** Before an iteration without recording: whether it starts a segment, whose snapshot follows. */
  public boolean snapshotDue(int trips) {
    if ((trips - prefix) % segment != 0) {
      return false;
    }
    if (3 * snapshots + 3 > offsets.length) {
      offsets = Arrays.copyOf(offsets, Math.max(12, offsets.length * 2));
    }
    offsets[3 * snapshots] = doubleCount;
    offsets[3 * snapshots + 1] = intCount;
    offsets[3 * snapshots + 2] = refCount;
    snapshots++;
    return true;
  }

  /** Whether the loop was checkpointed (else every iteration is on the tapes). */
  public boolean checkpointed() {
    return !taping;
  }

  /** Iterations on the tapes: all of them unless the loop was checkpointed. */
  public int recorded(int trips) {
    return taping ? trips : prefix;
  }

  /** Number of segments of a loop that ran {@code trips} iterations (0 if it was not checkpointed). */
  public int segments(int trips) {
    return taping ? 0 : (trips - prefix + segment - 1) / segment;
  }

  /**
   * Puts the read position at the snapshot of segment {@code index} (from 0) and returns the segment's
   * number of iterations in a loop that ran {@code trips}.
   */
  public int restore(int index, int trips) {
    doubleRead = offsets[3 * index];
    intRead = offsets[3 * index + 1];
    refRead = offsets[3 * index + 2];
    int first = prefix + index * segment;
    return Math.min(segment, trips - first);
  }

  /** Starts replaying a segment: what it records goes above the tapes' contents. */
  public void beginReplay() {
    if (doubles != null) {
      doubles.beginReplay();
    }
    if (ints != null) {
      ints.beginReplay();
    }
    if (refs != null) {
      refs.beginReplay();
    }
    if (calls != null) {
      calls.beginReplay();
    }
  }

  /** After the replay, before its reverse: the tapes are read from what the replay recorded. */
  public void replayed() {
    if (doubles != null) {
      doubles.rewind();
    }
    if (ints != null) {
      ints.rewind();
    }
    if (refs != null) {
      refs.rewind();
    }
    if (calls != null) {
      calls.rewind();
    }
  }

  /** After the segment's reverse: its recording is dropped and the tapes read on below it. */
  public void endReplay() {
    if (doubles != null) {
      doubles.endReplay();
    }
    if (ints != null) {
      ints.endReplay();
    }
    if (refs != null) {
      refs.endReplay();
    }
    if (calls != null) {
      calls.endReplay();
    }
  }

  // ---- snapshot writes, in the order the generated code restores them ----

  public void put(double value) {
    if (doubleCount == doubleStore.length) {
      doubleStore = Arrays.copyOf(doubleStore, Math.max(16, doubleCount * 2));
    }
    doubleStore[doubleCount++] = value;
  }

  public void put(int value) {
    if (intCount == intStore.length) {
      intStore = Arrays.copyOf(intStore, Math.max(16, intCount * 2));
    }
    intStore[intCount++] = value;
  }

  public void put(long value) {
    put((int) value);
    put((int) (value >>> 32));
  }

  public void put(boolean value) {
    put(value ? 1 : 0);
  }

  private void putRef(Object value) {
    if (refCount == refStore.length) {
      refStore = Arrays.copyOf(refStore, Math.max(16, refCount * 2));
    }
    refStore[refCount++] = value;
  }

  /** The array and a copy of its elements. */
  public void put(double[] value) {
    putRef(value);
    putRef(value == null ? null : value.clone());
  }

  /** The array and a copy of its elements. */
  public void put(int[] value) {
    putRef(value);
    putRef(value == null ? null : value.clone());
  }

  /** The array and a copy of its elements. */
  public void put(boolean[] value) {
    putRef(value);
    putRef(value == null ? null : value.clone());
  }

  /** The matrix, its rows and a copy of each row. */
  public void put(double[][] value) {
    putRef(value);
    if (value == null) {
      putRef(null);
      putRef(null);
      return;
    }
    double[][] copies = new double[value.length][];
    for (int r = 0; r < value.length; r++) {
      copies[r] = value[r] == null ? null : value[r].clone();
    }
    putRef(value.clone());
    putRef(copies);
  }

  // ---- snapshot reads ----

  public double getDouble() {
    return doubleStore[doubleRead++];
  }

  public int getInt() {
    return intStore[intRead++];
  }

  public long getLong() {
    long low = getInt() & 0xFFFFFFFFL;
    long high = getInt();
    return (high << 32) | low;
  }

  public boolean getBoolean() {
    return getInt() != 0;
  }

  /** The array as it was referenced, with its elements as they were (written back into it). */
  public double[] getDoubles() {
    double[] array = (double[]) refStore[refRead++];
    double[] copy = (double[]) refStore[refRead++];
    if (array != null) {
      System.arraycopy(copy, 0, array, 0, copy.length);
    }
    return array;
  }

  /** The array as it was referenced, with its elements as they were (written back into it). */
  public int[] getInts() {
    int[] array = (int[]) refStore[refRead++];
    int[] copy = (int[]) refStore[refRead++];
    if (array != null) {
      System.arraycopy(copy, 0, array, 0, copy.length);
    }
    return array;
  }

  /** The array as it was referenced, with its elements as they were (written back into it). */
  public boolean[] getBooleans() {
    boolean[] array = (boolean[]) refStore[refRead++];
    boolean[] copy = (boolean[]) refStore[refRead++];
    if (array != null) {
      System.arraycopy(copy, 0, array, 0, copy.length);
    }
    return array;
  }

  /** The matrix as it was referenced, with its rows and their elements as they were. */
  public double[][] getMatrix() {
    double[][] matrix = (double[][]) refStore[refRead++];
    double[][] rows = (double[][]) refStore[refRead++];
    double[][] copies = (double[][]) refStore[refRead++];
    if (matrix != null) {
      for (int r = 0; r < rows.length; r++) {
        matrix[r] = rows[r];
        if (rows[r] != null) {
          System.arraycopy(copies[r], 0, rows[r], 0, copies[r].length);
        }
      }
    }
    return matrix;
  }
}
