package dev.adjoint.runtime;

import java.util.Arrays;

/**
 * A stack of {@code int} values (branch decisions and trip counts inside loops, overwritten ints, longs and booleans), without boxing: the forward sweep pushes, the reverse sweep pops. Storage is a
 * list of chunks: the first grows by doubling up to {@value #CHUNK} values, later ones have that size and
 * are never copied, so a long recording costs about 4 bytes per value and pushing never moves what
 * was stored. Popping only moves a read cursor: {@link #rewind()} before each reverse sweep, so a retained
 * tape can be read again.
 *
 * <p>Used by generated companions; not thread-safe (each forward pass owns its tapes).
 */
public final class IntTape {
  /** Values per chunk once the first chunk has grown. */
  public static final int CHUNK = ChunkPositions.CHUNK;

  private static final int[] EMPTY = new int[0];
  private static final int[][] NO_CHUNKS = new int[0][];

  private final ChunkPositions at = new ChunkPositions();
  private int[][] chunks = NO_CHUNKS;
  private int[] top = EMPTY;

  /**
   * Pushes {@code flag} after {@code value} was computed and returns {@code value}: a forward sweep records
   * which side of a {@code ?:} ran, after that side's own records ({@code c ? _ints.pushed(1, a) : ...}).
   */
  public double pushed(int flag, double value) {
    push(flag);
    return value;
  }

  /** {@link #pushed(int, double)} for a reference value (a tensor). */
  public <T> T pushed(int flag, T value) {
    push(flag);
    return value;
  }

  /** Appends {@code value}; amortized constant time, never copies a full chunk. */
  public void push(int value) {
    if (at.topSize == top.length) {
      grow();
    }
    top[at.topSize++] = value;
  }

  private void grow() {
    int length = ChunkPositions.grownLength(top.length);
    if (length > TapeChunks.FULL_FROM || length > 0 && TapeChunks.hasInts()) {
      // full-size at once, a chunk a released tape gave back where there is one: past the small sizes the first
      // chunk goes to the pool too when the tape is released
      int[] chunk = TapeChunks.ints();
      System.arraycopy(top, 0, chunk, 0, at.topSize);
      top = chunk;
    } else if (length > 0) {
      top = Arrays.copyOf(top, length);
    } else {
      at.full++;
      at.topSize = 0;
      // A chunk left above the end by an ended replay is reused.
      top = at.full < chunks.length && chunks[at.full] != null ? chunks[at.full] : TapeChunks.ints();
    }
    if (at.full >= chunks.length) {
      chunks = Arrays.copyOf(chunks, Math.max(4, chunks.length * 2));
    }
    chunks[at.full] = top;
  }

  /** Returns the value below the read cursor and moves the cursor down. */
  public int pop() {
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

  /** Appends a {@code long} as two ints; read it back with {@link #popLong()}. */
  public void pushLong(long value) {
    push((int) value);
    push((int) (value >>> 32));
  }

  /** Reads back a value written by {@link #pushLong(long)}. */
  public long popLong() {
    long high = pop();
    long low = pop() & 0xFFFFFFFFL;
    return (high << 32) | low;
  }
}
