package dev.adjoint.runtime;

import java.util.Arrays;

/**
 * A stack of {@code double} values (values that assignments overwrite), without boxing: the forward sweep pushes, the reverse sweep
 * pops. Storage is a list of chunks: the first grows by doubling up to {@value #CHUNK} values, later ones
 * have that size and are never copied, so a long recording costs about 8 bytes per value and
 * pushing never moves what was stored. Popping only moves a read cursor: {@link #rewind()} before each
 * reverse sweep, so a retained tape can be read again.
 *
 * <p>Used by generated companions; not thread-safe (each forward pass owns its tapes).
 */
public final class DoubleTape {
  /** Values per chunk once the first chunk has grown. */
  public static final int CHUNK = 4096;

  private static final double[] EMPTY = new double[0];
  private static final double[][] NO_CHUNKS = new double[0][];

  /** Chunks {@code 0 .. full - 1} are full and {@value #CHUNK} long; {@code top} is being written. */
  private double[][] chunks = NO_CHUNKS;
  private int full;
  private double[] top = EMPTY;
  private int topSize;
  private int readChunk;
  private int readPosition;

  /** Appends {@code value}; amortized constant time, never copies a full chunk. */
  public void push(double value) {
    if (topSize == top.length) {
      grow();
    }
    top[topSize++] = value;
  }

  private void grow() {
    if (top.length < CHUNK) {
      top = Arrays.copyOf(top, Math.max(16, Math.min(CHUNK, top.length * 2)));
      if (chunks.length == 0) {
        chunks = new double[4][];
      }
      chunks[full] = top;
      return;
    }
    full++;
    if (full == chunks.length) {
      chunks = Arrays.copyOf(chunks, chunks.length * 2);
    }
    top = new double[CHUNK];
    topSize = 0;
    chunks[full] = top;
  }

  /** Returns the value below the read cursor and moves the cursor down. */
  public double pop() {
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
}
