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
  /** While a checkpointed segment is replayed: where the tape ended and was read before it, else -1. */
  private int baseFull = -1;
  private int baseTopSize;
  private int baseReadChunk;
  private int baseReadPosition;

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

  void clear() {
    full = 0;
    topSize = 0;
    readChunk = 0;
    readPosition = 0;
    baseFull = -1;
  }

  /**
   * Starts a replay: values pushed from now on go above everything stored, and reading them (after
   * {@link #rewind()}) never reaches below; {@link #endReplay()} drops them and puts the read cursor back.
   */
  void beginReplay() {
    if (baseFull >= 0) {
      throw new IllegalStateException("Adjoint internal error: nested replay of a checkpointed loop");
    }
    baseFull = full;
    baseTopSize = topSize;
    baseReadChunk = readChunk;
    baseReadPosition = readPosition;
  }

  /** Ends a replay: the tape ends where it ended at {@link #beginReplay()} and is read from where it was. */
  void endReplay() {
    if (baseFull < 0) {
      throw new IllegalStateException("Adjoint internal error: end of a replay that did not begin");
    }
    full = baseFull;
    topSize = baseTopSize;
    readChunk = baseReadChunk;
    readPosition = baseReadPosition;
    baseFull = -1;
  }
}
