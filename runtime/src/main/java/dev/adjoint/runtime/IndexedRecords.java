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
  private static final double[] NONE = new double[0];
  /** The largest array length every JVM allocates. */
  private static final long MAX_LENGTH = Integer.MAX_VALUE - 8;

  private IndexedRecords() {}

  /**
   * A fresh array for {@code trips} iterations of {@code perTrip} doubles each (none for a loop that does not
   * run), or null when the record would pass the checkpoint budget or cannot be one array: the caller then
   * records onto the tapes and checkpoints.
   */
  public static double[] allocate(long trips, int perTrip) {
    if (trips <= 0) {
      return NONE;
    }
    if (perTrip <= 0 || trips > MAX_LENGTH / perTrip) {
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
