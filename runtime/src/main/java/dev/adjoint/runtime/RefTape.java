package dev.adjoint.runtime;

import java.util.Arrays;

/**
 * A stack of references (arrays and tensors a variable held before it was reassigned), without boxing: the forward sweep pushes, the reverse sweep pops. Storage is a
 * list of chunks: the first grows by doubling up to {@value #CHUNK} values, later ones have that size and
 * are never copied, so a long recording costs about 8 bytes per value and pushing never moves what
 * was stored. Popping only moves a read cursor: {@link #rewind()} before each reverse sweep, so a retained
 * tape can be read again.
 *
 * <p>Used by generated companions; not thread-safe (each forward pass owns its tapes).
 */
public final class RefTape {
  /** Values per chunk once the first chunk has grown. */
  public static final int CHUNK = ChunkPositions.CHUNK;

  private static final Object[] EMPTY = new Object[0];
  private static final Object[][] NO_CHUNKS = new Object[0][];

  private final ChunkPositions at = new ChunkPositions();
  private Object[][] chunks = NO_CHUNKS;
  private Object[] top = EMPTY;

  /** Appends {@code value}; amortized constant time, never copies a full chunk. */
  public void push(Object value) {
    if (at.topSize == top.length) {
      grow();
    }
    top[at.topSize++] = value;
  }

  private void grow() {
    int length = ChunkPositions.grownLength(top.length);
    if (length > TapeChunks.FULL_FROM || length > 0 && TapeChunks.hasRefs()) {
      // full-size at once, a chunk a released tape gave back where there is one: past the small sizes the first
      // chunk goes to the pool too when the tape is released
      Object[] chunk = TapeChunks.refs();
      System.arraycopy(top, 0, chunk, 0, at.topSize);
      top = chunk;
    } else if (length > 0) {
      top = Arrays.copyOf(top, length);
    } else {
      at.full++;
      at.topSize = 0;
      // A chunk left above the end by an ended replay is reused.
      top = at.full < chunks.length && chunks[at.full] != null ? chunks[at.full] : TapeChunks.refs();
    }
    if (at.full >= chunks.length) {
      chunks = Arrays.copyOf(chunks, Math.max(4, chunks.length * 2));
    }
    chunks[at.full] = top;
  }

  /**
   * Pushes {@code value} and returns it, so that a forward sweep can keep a value inside the expression that
   * uses it ({@code _refs.pushed(x.matmul(w))}).
   */
  public <T> T pushed(T value) {
    push(value);
    return value;
  }

  /** Returns the reference below the read cursor, cast to the caller's type, and moves the cursor down. */
  @SuppressWarnings("unchecked")
  public <T> T pop() {
    int index = at.previous();
    return (T) chunks[at.readChunk()][index];
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
    long end = at.size();
    at.endReplay();
    // The replayed references are dropped, so that what they point to can be collected.
    for (long k = at.size(); k < end; k++) {
      chunks[(int) (k / CHUNK)][(int) (k % CHUNK)] = null;
    }
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
}
