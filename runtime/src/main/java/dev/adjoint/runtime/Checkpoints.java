package dev.adjoint.runtime;

import java.util.Arrays;

/**
 * Checkpointing of one long loop, decided at run time (used by generated companions). The forward sweep
 * records the loop's iterations onto the tapes as usual until the recording of this loop passes the
 * budget; from then on it runs the remaining iterations without recording, in segments of {@code k}
 * iterations, {@code k} chosen so that one segment's recording fits the budget. At segment starts it keeps
 * snapshots of the loop-carried state (the variables the loop writes, and those it reads that later code
 * overwrites), as many as fit the budget, placed online by a {@link BinomialSchedule} since the number of
 * segments is known only at the loop's end. The reverse sweep then follows the schedule's actions: restore a
 * snapshot, run segments without recording, keep a snapshot, replay one segment with recording ({@link
 * DoubleTape#beginReplay()}), reverse it and drop its recording; last it reverses the recorded first
 * iterations. When every segment start fits a snapshot this is two-level checkpointing (one more run of the
 * loop's primal code than store-all); with fewer snapshots each segment is advanced at most {@code r} more
 * times, for the least {@code r} with {@code C(s + r, s) >= segments}, as in Griewank's revolve. Memory is
 * about three times the budget: the recorded first iterations, one replayed segment and the snapshots.
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

  /** The system property that caps the number of snapshots of one loop ({@code -Dadjoint.checkpoint.snapshots=64}). */
  public static final String SNAPSHOTS_PROPERTY = "adjoint.checkpoint.snapshots";

  /** Bytes counted per array header. */
  static final int ARRAY_BYTES = 16;

  private static final Snapshot[] NO_SNAPSHOTS = {};

  private final DoubleTape doubles;
  private final IntTape ints;
  private final RefTape refs;
  /** Bytes past those the tapes held when the loop started ({@code start}) that checkpoint it; negative: never. */
  private final long budget;
  private final long start;

  private boolean taping = true;
  /** Iterations recorded before checkpointing started. */
  private int prefix;
  /** Iterations per segment. */
  private int segment = 1;

  /**
   * The segments' state, made once the loop is checkpointed (or a test limits its slots): most loops run within
   * the budget, and recursion starts one loop per call.
   */
  private Segments seg;
  // The reversal's current action (see next).
  private boolean started;
  private boolean restoring;
  private int advancing;
  private boolean taking;
  private int replaying;
  private int reversing;
  private boolean done;

  private Checkpoints(DoubleTape doubles, IntTape ints, RefTape refs, long budget) {
    this(doubles, ints, refs, budget, CheckpointBudget.bytes(doubles, ints, refs));
  }

  private Checkpoints(DoubleTape doubles, IntTape ints, RefTape refs, long budget, long start) {
    this.doubles = doubles;
    this.ints = ints;
    this.refs = refs;
    this.budget = budget;
    this.start = start;
  }

  /**
   * Starts a loop that records onto the given tapes (null where the loop records nothing): budget from the
   * thread's override, the system property, or an eighth of the heap.
   */
  public static Checkpoints of(DoubleTape doubles, IntTape ints, RefTape refs) {
    return new Checkpoints(doubles, ints, refs, CheckpointBudget.current());
  }

  /**
   * Starts a loop that records onto the given tapes (null where the loop records nothing) without allocating: the
   * tapes' size in bytes past which the loop is checkpointed (start plus the thread's budget, as in {@link #of}),
   * {@link Long#MAX_VALUE} when checkpointing is off. The generated code keeps it in a local and calls {@link
   * #past} before each iteration; a loop that stays within the budget never makes a {@code Checkpoints}.
   */
  public static long limit(DoubleTape doubles, IntTape ints, RefTape refs) {
    long budget = CheckpointBudget.current();
    if (budget < 0) {
      return Long.MAX_VALUE;
    }
    long start = CheckpointBudget.bytes(doubles, ints, refs);
    return budget > Long.MAX_VALUE - start ? Long.MAX_VALUE : start + budget;
  }

  /**
   * Called before each iteration, with the iterations done, while the loop of {@link #limit} is recorded: null while
   * the recording is within the budget (run the iteration with recording), else the loop's checkpoints, made now
   * and no longer taping (the same decision as {@link #taping(int)} of a {@code Checkpoints} made by {@link #of}).
   */
  public static Checkpoints past(long limit, int trips, DoubleTape doubles, IntTape ints, RefTape refs) {
    if (limit == Long.MAX_VALUE || CheckpointBudget.bytes(doubles, ints, refs) <= limit) {
      return null;
    }
    long budget = Math.max(0, Math.min(CheckpointBudget.current(), limit)); // the budget limit was made with (a loop does not change it)
    Checkpoints made = new Checkpoints(doubles, ints, refs, budget, limit - budget);
    made.taping(trips);
    return made;
  }

  // ---- the reversal of a loop started with limit: cp is null when the loop stayed within its budget (every
  // iteration on the tapes), and then the reversal is one action that reverses all trips iterations ----

  /** Whether the reversal has another action; {@code pass} counts the actions done (from 0). */
  public static boolean next(Checkpoints cp, int pass, int trips) {
    return cp == null ? pass == 0 : cp.next(trips);
  }

  /** {@link #restoring()}, false for a loop within its budget. */
  public static boolean restoring(Checkpoints cp) {
    return cp != null && cp.restoring();
  }

  /** {@link #advancing()}, 0 for a loop within its budget. */
  public static int advancing(Checkpoints cp) {
    return cp == null ? 0 : cp.advancing();
  }

  /** {@link #taking()}, false for a loop within its budget. */
  public static boolean taking(Checkpoints cp) {
    return cp != null && cp.taking();
  }

  /** {@link #replaying()}, 0 for a loop within its budget. */
  public static int replaying(Checkpoints cp) {
    return cp == null ? 0 : cp.replaying();
  }

  /** {@link #reversing()}, every one of the {@code trips} iterations for a loop within its budget. */
  public static int reversing(Checkpoints cp, int trips) {
    return cp == null ? trips : cp.reversing();
  }

  /** {@link #reversed()}; nothing for a loop within its budget. */
  public static void reversed(Checkpoints cp) {
    if (cp != null) {
      cp.reversed();
    }
  }

  /**
   * Sets the budget of loops started on this thread until the returned guard is closed (try-with-resources):
   * {@code 0} checkpoints every loop that records anything, a negative value turns checkpointing off.
   */
  public static AutoCloseable budget(long bytes) {
    return CheckpointBudget.override(bytes);
  }

  /** The default budget in bytes: {@value #BUDGET_PROPERTY} if set, else an eighth of the maximum heap. */
  public static long defaultBudget() {
    return CheckpointBudget.defaultBudget();
  }

  private long bytes() {
    return CheckpointBudget.bytes(doubles, ints, refs);
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
    if (budget < 0 || now - start <= budget) {
      return true;
    }
    taping = false;
    prefix = trips;
    long perIteration = trips == 0 ? 1 : Math.max(1, (now - start) / trips);
    segment = (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.max(budget, 0) / perIteration));
    return false;
  }

  /**
   * Before an iteration without recording: whether to keep a snapshot of the state here, which the generated
   * code then writes with {@code put}. Segments start every {@code segment} iterations; the binomial schedule
   * decides which segment starts keep a snapshot (the first always does) and which older one gives up its slot.
   */
  public boolean snapshotDue(int trips) {
    if ((trips - prefix) % segment != 0) {
      return false;
    }
    int step = (trips - prefix) / segment;
    int slot = step == 0 ? 0 : schedule().store(step);
    if (slot < 0) {
      return false;
    }
    Snapshot writing = slot(slot); // makes the segments' state on the first snapshot
    seg.writing = writing;
    writing.clear();
    return true;
  }

  /** The schedule, made once the first snapshot shows the state's size; it holds step 0 in slot 0. */
  private BinomialSchedule schedule() {
    if (seg.schedule == null) {
      seg.schedule = new BinomialSchedule(slotCount(seg.snapshots[0].bytes()));
      if (seg.schedule.store(0) != 0) {
        throw new IllegalStateException("the first segment's snapshot must be in slot 0");
      }
    }
    return seg.schedule;
  }

  /**
   * Snapshots that fit the budget, at least two (the first segment's and one more), at most {@value
   * #SNAPSHOTS_PROPERTY} (default 65,536).
   */
  private int slotCount(long snapshotBytes) {
    if (seg.slotLimit > 0) {
      return seg.slotLimit;
    }
    long fit = Math.max(budget, 0) / Math.max(1, snapshotBytes);
    return (int) Math.max(2, Math.min(CheckpointBudget.maxSnapshots(), fit));
  }

  /** Limits the snapshots of this loop to {@code count >= 1} (tests); call before the loop starts. */
  void slotLimit(int count) {
    seg().slotLimit = count;
  }

  private Snapshot slot(int index) {
    Segments seg = seg();
    if (index >= seg.snapshots.length) {
      seg.snapshots = Arrays.copyOf(seg.snapshots, Math.max(index + 1, Math.max(4, seg.snapshots.length * 2)));
    }
    if (seg.snapshots[index] == null) {
      seg.snapshots[index] = new Snapshot();
    }
    return seg.snapshots[index];
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

  /** Number of snapshot slots of the schedule (0 if the loop was not checkpointed). */
  public int slots() {
    return seg == null || seg.schedule == null ? 0 : seg.schedule.slots();
  }

  // ---- the reversal of a loop that ran trips iterations: the generated code runs, while next(trips),
  // a restore if restoring(), advancing() iterations without recording, a snapshot if taking(), replaying()
  // iterations with recording, then reversing() iterations of reverse code, then reversed() ----

  /** Moves to the next action of the reversal; false once the loop was reversed. */
  public boolean next(int trips) {
    restoring = false;
    advancing = 0;
    taking = false;
    replaying = 0;
    reversing = 0;
    if (done) {
      done = false; // ready for another reversal (a retained graph's second backward)
      started = false;
      return false;
    }
    if (taping) {
      done = true;
      reversing = trips;
      return true;
    }
    if (!started) {
      started = true;
      schedule().finish(segments(trips));
    }
    if (!seg.schedule.next()) {
      // last, the recorded first iterations, from the state at the first segment's start
      done = true;
      restoring = true;
      seg.reading = seg.snapshots[seg.schedule.firstSlot()];
      seg.reading.rewind();
      reversing = prefix;
      return true;
    }
    if (seg.schedule.restore() >= 0) {
      restoring = true;
      seg.reading = seg.snapshots[seg.schedule.restore()];
      seg.reading.rewind();
    }
    advancing = seg.schedule.advance() * segment; // advances never reach the last, possibly shorter segment
    if (seg.schedule.keep() >= 0) {
      taking = true;
      seg.writing = slot(seg.schedule.keep());
      seg.writing.clear();
    }
    int step = seg.schedule.reversed();
    if (step >= 0) {
      replaying = Math.min(segment, trips - (prefix + step * segment));
    }
    return true;
  }

  /** Whether the action starts by restoring a snapshot (the generated code reads it with the getters). */
  public boolean restoring() {
    return restoring;
  }

  /** Iterations the action runs without recording, after the restore. */
  public int advancing() {
    return advancing;
  }

  /** Whether the action then keeps a snapshot (the generated code writes it with {@code put}). */
  public boolean taking() {
    return taking;
  }

  /** Iterations the action then replays with recording (above the tapes' contents); 0 if none. */
  public int replaying() {
    if (replaying > 0) {
      beginReplay();
    }
    return replaying;
  }

  /** Iterations whose reverse code runs next: the replayed ones, or at the end the recorded first ones. */
  public int reversing() {
    if (replaying > 0) {
      replayed();
      return replaying;
    }
    return reversing;
  }

  /** After the reverse code: a replay's recording is dropped and the tapes read on below it. */
  public void reversed() {
    if (replaying > 0) {
      endReplay();
    }
  }

  private void beginReplay() {
    if (doubles != null) {
      doubles.beginReplay();
    }
    if (ints != null) {
      ints.beginReplay();
    }
    if (refs != null) {
      refs.beginReplay();
    }
  }

  private void replayed() {
    if (doubles != null) {
      doubles.rewind();
    }
    if (ints != null) {
      ints.rewind();
    }
    if (refs != null) {
      refs.rewind();
    }
  }

  private void endReplay() {
    if (doubles != null) {
      doubles.endReplay();
    }
    if (ints != null) {
      ints.endReplay();
    }
    if (refs != null) {
      refs.endReplay();
    }
  }

  // ---- snapshot writes, in the order the generated code restores them (Snapshot) ----

  public void put(double value) {
    seg.writing.putDouble(value);
  }

  public void put(int value) {
    seg.writing.putInt(value);
  }

  public void put(long value) {
    put((int) value);
    put((int) (value >>> 32));
  }

  public void put(boolean value) {
    put(value ? 1 : 0);
  }

  /** The array and a copy of its elements. */
  public void put(double[] value) {
    seg.writing.putArray(value);
  }

  /** The array and a copy of its elements. */
  public void put(int[] value) {
    seg.writing.putArray(value);
  }

  /** The array and a copy of its elements. */
  public void put(boolean[] value) {
    seg.writing.putArray(value);
  }

  /** The matrix, its rows and a copy of each row. */
  public void put(double[][] value) {
    seg.writing.putMatrix(value);
  }

  // ---- snapshot reads ----

  public double getDouble() {
    return seg.reading.doubles[seg.reading.doubleRead++];
  }

  public int getInt() {
    return seg.reading.ints[seg.reading.intRead++];
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
    return seg.reading.getDoubles();
  }

  /** The array as it was referenced, with its elements as they were (written back into it). */
  public int[] getInts() {
    return seg.reading.getInts();
  }

  /** The array as it was referenced, with its elements as they were (written back into it). */
  public boolean[] getBooleans() {
    return seg.reading.getBooleans();
  }

  /** The matrix as it was referenced, with its rows and their elements as they were. */
  public double[][] getMatrix() {
    return seg.reading.getMatrix();
  }

  /** What a checkpointed loop keeps besides its counters. */
  private static final class Segments {
    /** The schedule of the segments once the recording passed the budget; null before. */
    BinomialSchedule schedule;
    int slotLimit;
    Snapshot[] snapshots = NO_SNAPSHOTS;
    /** The snapshot {@code put} writes to. */
    Snapshot writing;
    /** The snapshot the getters read from. */
    Snapshot reading;
  }

  /** The segments' state, made on first use. */
  private Segments seg() {
    if (seg == null) {
      seg = new Segments();
    }
    return seg;
  }
}
