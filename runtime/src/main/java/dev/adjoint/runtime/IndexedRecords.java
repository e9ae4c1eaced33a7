package dev.adjoint.runtime;

/**
 * The record of a counted loop kept in one array indexed by the iteration instead of on the {@link DoubleTape}
 * (used by generated companions). When a loop's trip count is known before it runs and each iteration records
 * the same number of doubles, the forward sweep stores iteration {@code t}'s values at {@code t * perTrip + c}
 * and the reverse sweep reads them back there: no capacity test, no budget test per iteration, no cursor, the
 * loop a person writes when they keep {@code exp} values for the reverse pass. The array counts against the
 * same budget as the tapes ({@link Checkpoints}); a loop whose record would pass it is checkpointed as before.
 */
public final class IndexedRecords {
  /**
   * Records shorter than this stay on the tape, which holds them in space the tapes already have: a short loop in
   * a recursive method or a callee allocates no array per call.
   */
  public static final int MIN_LENGTH = 32;
  /** The largest array length every JVM allocates. */
  private static final long MAX_LENGTH = Integer.MAX_VALUE - 8;

  private IndexedRecords() {}

  /**
   * A fresh array for {@code trips} iterations of {@code perTrip} doubles each, or null when the record is
   * shorter than {@link #MIN_LENGTH}, would pass the checkpoint budget or cannot be one array: the caller then
   * records onto the tapes and checkpoints.
   */
  public static double[] allocate(long trips, int perTrip) {
    if (trips <= 0 || perTrip <= 0 || trips > MAX_LENGTH / perTrip || trips * perTrip < MIN_LENGTH) {
      return null;
    }
    long length = trips * perTrip;
    long budget = CheckpointBudget.current();
    if (budget >= 0 && length * Double.BYTES + Checkpoints.ARRAY_BYTES > budget) {
      return null;
    }
    return new double[(int) length];
  }
}
