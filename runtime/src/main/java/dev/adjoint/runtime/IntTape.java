package dev.adjoint.runtime;

import java.util.Arrays;

/**
 * A stack of {@code int} values (branch decisions, trip counts, overwritten ints, longs and booleans), without boxing: the forward sweep pushes, the reverse sweep
 * pops. Storage is a list of chunks: the first grows by doubling up to {@value #CHUNK} values, later ones
 * have that size and are never copied, so a long recording costs about 4 bytes per value and
 * pushing never moves what was stored. Popping only moves a read cursor: {@link #rewind()} before each
 * reverse sweep, so a retained tape can be read again.
 *
 * <p>Used by generated companions; not thread-safe (each forward pass owns its tapes).
 */
public final class IntTape {
  /** Values per chunk once the first chunk has grown. */
  public static final int CHUNK = 4096;

  private static final int[] EMPTY = new int[0];
  private static final int[][] NO_CHUNKS = new int[0][];

  /** Chunks {@code 0 .. full - 1} are full and {@value #CHUNK} long; {@code top} is being written. */
  private int[][] chunks = NO_CHUNKS;
  private int full;
  private int[] top = EMPTY;
  private int topSize;
  private int readChunk;
  private int readPosition;

  /** Appends {@code value}; amortized constant time, never copies a full chunk. */
  public void push(int value) {
    if (topSize == top.length) {
      grow();
    }
    top[topSize++] = value;
  }

  private void grow() {
    if (top.length < CHUNK) {
      top = Arrays.copyOf(top, Math.max(16, Math.min(CHUNK, top.length * 2)));
      if (chunks.length == 0) {
        chunks = new int[4][];
      }
      chunks[full] = top;
      return;
    }
    full++;
    if (full == chunks.length) {
      chunks = Arrays.copyOf(chunks, chunks.length * 2);
    }
    top = new int[CHUNK];
    topSize = 0;
    chunks[full] = top;
  }

  /** Returns the value below the read cursor and moves the cursor down. */
  public int pop() {
    if (readPosition == 0) {
      if (readChunk == 0) {
        throw new IllegalStateException("Adjoint internal error: reverse sweep read past the start of a tape");
      }
      readChunk--;
      readPosition = CHUNK;
    }
    return chunks[readChunk][--readPosition];
  }

  /** Puts the read cursor at the top, where the next {@link #pop()} reads the last value pushed. */
  public void rewind() {
    readChunk = full;
    readPosition = topSize;
  }

  /** Number of values pushed. */
  public long size() {
    return (long) full * CHUNK + topSize;
  }

  /** Drops the stored values and their memory. */
  public void release() {
    chunks = NO_CHUNKS;
    top = EMPTY;
    full = 0;
    topSize = 0;
    readChunk = 0;
    readPosition = 0;
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
