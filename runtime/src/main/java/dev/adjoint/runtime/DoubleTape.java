package dev.adjoint.runtime;

import java.util.Arrays;

/**
 * A stack of {@code double} values (values that assignments overwrite), without boxing: the forward sweep pushes, the reverse sweep pops. Storage is a
 * list of chunks: the first grows by doubling up to {@value #CHUNK} values, later ones have that size and
 * are never copied, so a long recording costs about 8 bytes per value and pushing never moves what
 * was stored. Popping only moves a read cursor: {@link #rewind()} before each reverse sweep, so a retained
 * tape can be read again.
 *
 * <p>Used by generated companions; not thread-safe (each forward pass owns its tapes).
 */
public final class DoubleTape {
  /** Values per chunk once the first chunk has grown. */
  public static final int CHUNK = ChunkPositions.CHUNK;

  private static final double[] EMPTY = new double[0];
  private static final double[][] NO_CHUNKS = new double[0][];
  private static final double[] NO_ADJOINTS = new double[0];

  private final ChunkPositions at = new ChunkPositions();
  private double[][] chunks = NO_CHUNKS;
  /** The adjoint registers ({@link #adjoint(int, double)}): grown once to the most any callee returns. */
  private double[] adjoints = NO_ADJOINTS;
  private double[] top = EMPTY;
  /** The adjoint array a caller gave up to the callee it is reversing ({@link #donate}), or null. */
  private double[] donated;

  /** Appends {@code value}; amortized constant time, never copies a full chunk. */
  public void push(double value) {
    if (at.topSize == top.length) {
      grow();
    }
    top[at.topSize++] = value;
  }

  private void grow() {
    int length = ChunkPositions.grownLength(top.length);
    if (length > TapeChunks.FULL_FROM || length > 0 && TapeChunks.hasDoubles()) {
      // full-size at once, a chunk a released tape gave back where there is one: past the small sizes the first
      // chunk goes to the pool too when the tape is released
      double[] chunk = TapeChunks.doubles();
      System.arraycopy(top, 0, chunk, 0, at.topSize);
      top = chunk;
    } else if (length > 0) {
      top = Arrays.copyOf(top, length);
    } else {
      at.full++;
      at.topSize = 0;
      // A chunk left above the end by an ended replay is reused.
      top = at.full < chunks.length && chunks[at.full] != null ? chunks[at.full] : TapeChunks.doubles();
    }
    if (at.full >= chunks.length) {
      chunks = Arrays.copyOf(chunks, Math.max(4, chunks.length * 2));
    }
    chunks[at.full] = top;
  }

  /** Returns the value below the read cursor and moves the cursor down. */
  public double pop() {
    int index = at.previous();
    return chunks[at.readChunk()][index];
  }

  /** Puts the read cursor at the top, where the next {@link #pop()} reads the last value pushed. */
  public void rewind() {
    at.rewind();
  }

  /**
   * The read cursor as a position (the number of values below it). Generated plumbing of the split-mode
   * call boundary: a callee recording onto its caller's tapes reads its own stretch with {@link #seek} and
   * puts the caller's cursor back, so that callers need not reverse their calls in any particular order.
   */
  public long cursor() {
    return at.cursor();
  }

  /** Puts the read cursor at {@code position}, a {@link #size()} or {@link #cursor()} of this tape. */
  public void seek(long position) {
    at.seek(position);
  }

  /** Number of values pushed. */
  public long size() {
    return at.size();
  }

  /**
   * Starts replaying a checkpointed segment of a loop (generated code, see {@code Checkpoints}): what is
   * pushed until {@link #endReplay()} goes above the stored values, and a {@link #rewind()} reads only it.
   */
  public void beginReplay() {
    at.beginReplay();
  }

  /** Drops what was pushed since {@link #beginReplay()} and reads on from where the cursor was then. */
  public void endReplay() {
    at.endReplay();
    top = chunks.length > at.full ? chunks[at.full] : top;
  }

  /**
   * Generated plumbing of the split-mode call boundary: a callee's reverse returns the adjoint of its {@code k}-th
   * {@code double} parameter in register {@code k} of its caller's tape, and the caller reads it right after the
   * call, so that a call allocates no gradient record.
   */
  public void adjoint(int k, double value) {
    if (k >= adjoints.length) {
      adjoints = Arrays.copyOf(adjoints, Math.max(4, 2 * k + 1));
    }
    adjoints[k] = value;
  }

  /** Register {@code k}, as the last {@link #adjoint(int, double)} to it set it. */
  public double adjoint(int k) {
    return adjoints[k];
  }

  /**
   * Generated plumbing of the split-mode call boundary: the caller passes {@code adjoint}, the adjoint of the
   * array variable a callee's result was assigned to, as that callee's upstream and gives it up: it only zeroes
   * it after the call. The callee may then use it as its result's adjoint instead of a copy ({@link
   * #takeDonated}). Returns {@code adjoint}; {@code donate(null)} forgets the mark.
   */
  public double[] donate(double[] adjoint) {
    donated = adjoint;
    return adjoint;
  }

  /**
   * Whether {@code upstream} is the array the caller gave up ({@link #donate}, the same object); forgets the mark
   * either way, so that calls the callee makes in turn see none.
   */
  public boolean takeDonated(double[] upstream) {
    boolean mine = upstream != null && upstream == donated;
    donated = null;
    return mine;
  }

  /**
   * Drops the stored values; the full-size chunks go to the next tapes recorded on this thread, so the tape must
   * not be read again (it may record anew).
   */
  public void release() {
    // the full-size chunks go to this thread's next tapes (TapeChunks)
    TapeChunks.keep(chunks);
    chunks = NO_CHUNKS;
    top = EMPTY;
    at.clear();
  }
}
