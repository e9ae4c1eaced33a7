package dev.adjoint.runtime;

import java.lang.ref.SoftReference;
import java.util.Arrays;

/**
 * Full-size tape chunks ({@value ChunkPositions#CHUNK} values) that released tapes gave back on this thread, for
 * the next tapes recorded on it: a gradient computed again and again (an optimiser's steps, a benchmark) records
 * into the chunks of the previous one instead of allocating and zeroing its whole tape anew. Per thread, so no
 * lock and no chunk shared between threads; soft, so the collector may drop it under memory pressure; bounded
 * ({@link #MAX_CHUNKS} per kind, at most a 1/64 of the heap per kind). A chunk is taken by exactly one tape and
 * given back only by {@code release()}, after which the tape holds no chunk; reference chunks come back cleared.
 */
final class TapeChunks {
  /** The most chunks of each kind a thread keeps. */
  static final int MAX_CHUNKS = 1024;

  /**
   * The first chunk of a tape grows by doubling up to this many values, then goes full-size at once: so a tiny
   * tape takes no full chunk, and any larger one holds only full-size chunks, which the pool takes back.
   */
  static final int FULL_FROM = ChunkPositions.CHUNK / 16;

  private static final ThreadLocal<SoftReference<TapeChunks>> POOL = new ThreadLocal<>();

  private static final int KEPT = (int) Math.max(4, Math.min(MAX_CHUNKS,
      Runtime.getRuntime().maxMemory() / 64 / (ChunkPositions.CHUNK * (long) Double.BYTES)));

  private final double[][] doubles = new double[KEPT][];
  private int doubleCount;
  private final int[][] ints = new int[KEPT][];
  private int intCount;
  private final Object[][] refs = new Object[KEPT][];
  private int refCount;

  private TapeChunks() {}

  /** This thread's pool, made when there is none (or the collector dropped it). */
  private static TapeChunks mine() {
    SoftReference<TapeChunks> held = POOL.get();
    TapeChunks pool = held == null ? null : held.get();
    if (pool == null) {
      pool = new TapeChunks();
      POOL.set(new SoftReference<>(pool));
    }
    return pool;
  }

  /** Whether this thread keeps a chunk of doubles. */
  static boolean hasDoubles() {
    return mine().doubleCount > 0;
  }

  /** Whether this thread keeps a chunk of ints. */
  static boolean hasInts() {
    return mine().intCount > 0;
  }

  /** Whether this thread keeps a chunk of references. */
  static boolean hasRefs() {
    return mine().refCount > 0;
  }

  /** A kept chunk of doubles (contents arbitrary), else a new one. */
  static double[] doubles() {
    TapeChunks pool = mine();
    if (pool.doubleCount == 0) {
      return new double[ChunkPositions.CHUNK];
    }
    double[] chunk = pool.doubles[--pool.doubleCount];
    pool.doubles[pool.doubleCount] = null;
    return chunk;
  }

  /** A kept chunk of ints (contents arbitrary), else a new one. */
  static int[] ints() {
    TapeChunks pool = mine();
    if (pool.intCount == 0) {
      return new int[ChunkPositions.CHUNK];
    }
    int[] chunk = pool.ints[--pool.intCount];
    pool.ints[pool.intCount] = null;
    return chunk;
  }

  /** A kept chunk of references (all null), else a new one. */
  static Object[] refs() {
    TapeChunks pool = mine();
    if (pool.refCount == 0) {
      return new Object[ChunkPositions.CHUNK];
    }
    Object[] chunk = pool.refs[--pool.refCount];
    pool.refs[pool.refCount] = null;
    return chunk;
  }

  /** Keeps the full-size chunks among {@code chunks} (up to the bound); the caller drops its hold on all of them. */
  static void keep(double[][] chunks) {
    TapeChunks pool = mine();
    for (double[] c : chunks) {
      if (c != null && c.length == ChunkPositions.CHUNK && pool.doubleCount < pool.doubles.length) {
        pool.doubles[pool.doubleCount++] = c;
      }
    }
  }

  /** {@link #keep(double[][])} for int chunks. */
  static void keep(int[][] chunks) {
    TapeChunks pool = mine();
    for (int[] c : chunks) {
      if (c != null && c.length == ChunkPositions.CHUNK && pool.intCount < pool.ints.length) {
        pool.ints[pool.intCount++] = c;
      }
    }
  }

  /**
   * {@link #keep(double[][])} for reference chunks, cleared first: a kept chunk must not hold on to what the
   * released tape pointed to.
   */
  static void keep(Object[][] chunks) {
    TapeChunks pool = mine();
    for (Object[] c : chunks) {
      if (c != null && c.length == ChunkPositions.CHUNK && pool.refCount < pool.refs.length) {
        Arrays.fill(c, null);
        pool.refs[pool.refCount++] = c;
      }
    }
  }

  /** The chunks of each kind this thread keeps now (for tests). */
  static int[] counts() {
    TapeChunks pool = mine();
    return new int[] {pool.doubleCount, pool.intCount, pool.refCount};
  }
}
