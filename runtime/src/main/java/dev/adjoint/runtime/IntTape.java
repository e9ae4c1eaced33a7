package dev.adjoint.runtime;

import java.util.Arrays;

/**
 * A growable stack of {@code int} values (branch decisions, loop trip counts, overwritten indices) without
 * boxing. Popping only moves a read cursor, so {@link #rewind()} makes a retained tape readable again.
 */
public final class IntTape {
  private int[] data = new int[16];
  private int size;
  private int cursor;

  /** Appends {@code value}; amortized constant time. */
  public void push(int value) {
    if (size == data.length) {
      data = Arrays.copyOf(data, DoubleTape.growTo(data.length));
    }
    data[size++] = value;
    cursor = size;
  }

  /** Returns the value below the read cursor and moves the cursor down. */
  public int pop() {
    if (cursor == 0) {
      throw new IllegalStateException("Adjoint internal error: reverse sweep read past the start of a tape");
    }
    return data[--cursor];
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

  /** Puts the read cursor back at the top so a retained tape can be read again. */
  public void rewind() {
    cursor = size;
  }

  /** Number of values pushed. */
  public int size() {
    return size;
  }

  /** Drops the stored values and their memory. */
  public void release() {
    data = new int[1];
    size = 0;
    cursor = 0;
  }
}
