package dev.adjoint.runtime;

/**
 * Where a chunked tape writes and reads. The tapes keep their own typed chunks; this class keeps the
 * bookkeeping they share: chunks {@code 0 .. full - 1} are full and {@value #CHUNK} long, the top chunk
 * holds {@code topSize} values, and the read cursor moves down from where {@link #rewind()} put it.
 */
final class ChunkPositions {
  /** Values per chunk once the first chunk has grown. */
  static final int CHUNK = 4096;

  int full;
  int topSize;
  private int readChunk;
  private int readPosition;
  /**
   * While checkpointed segments are replayed: where the tape ended and was read before each, four ints a
   * replay, innermost last. Replays nest when a callee recording onto its caller's tapes replays a segment of
   * its own inside the caller's replay; each ends before the one it is inside.
   */
  private int[] bases = NO_BASES;
  private int replays;

  private static final int[] NO_BASES = new int[0];

  /** The length the top chunk grows to by copying, or 0 when it is full-sized and a new chunk must start. */
  static int grownLength(int length) {
    return length < CHUNK ? Math.max(16, Math.min(CHUNK, length * 2)) : 0;
  }

  /** Moves the read cursor down one value; the value is at {@link #readChunk()}, the returned index. */
  int previous() {
    if (readPosition == 0) {
      if (readChunk == 0) {
        throw new IllegalStateException("Adjoint internal error: reverse sweep read past the start of a tape");
      }
      readChunk--;
      readPosition = CHUNK;
    }
    return --readPosition;
  }

  /** The chunk the read cursor is in. */
  int readChunk() {
    return readChunk;
  }

  void rewind() {
    readChunk = full;
    readPosition = topSize;
  }

  long size() {
    return (long) full * CHUNK + topSize;
  }

  /** The read cursor as a position: the number of values below it. */
  long cursor() {
    return (long) readChunk * CHUNK + readPosition;
  }

  /** Puts the read cursor at {@code position} (at most {@link #size()}): the next read is the value below it. */
  void seek(long position) {
    readChunk = (int) (position / CHUNK);
    readPosition = (int) (position % CHUNK);
  }

  void clear() {
    full = 0;
    topSize = 0;
    readChunk = 0;
    readPosition = 0;
    replays = 0;
  }

  void beginReplay() {
    if (4 * replays + 4 > bases.length) {
      bases = java.util.Arrays.copyOf(bases, Math.max(8, 2 * bases.length));
    }
    bases[4 * replays] = full;
    bases[4 * replays + 1] = topSize;
    bases[4 * replays + 2] = readChunk;
    bases[4 * replays + 3] = readPosition;
    replays++;
  }

  void endReplay() {
    if (replays == 0) {
      throw new IllegalStateException("Adjoint internal error: end of a replay that did not begin");
    }
    replays--;
    full = bases[4 * replays];
    topSize = bases[4 * replays + 1];
    readChunk = bases[4 * replays + 2];
    readPosition = bases[4 * replays + 3];
  }
}
