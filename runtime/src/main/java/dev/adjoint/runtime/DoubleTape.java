package dev.adjoint.runtime;

import java.util.Arrays;

/**
 * A growable stack of {@code double} values without boxing: the forward sweep pushes, the reverse sweep
 * pops. Popping only moves a read cursor, so {@link #rewind()} makes a retained tape readable again.
 *
 * <p>Used by generated companions; not thread-safe (each forward pass owns its tapes).
 */
public final class DoubleTape {
  private double[] data;
  private int size;
  private int cursor;

  /** An empty tape with a small initial capacity. */
  public DoubleTape() {
    this(16);
  }

  /** An empty tape that holds {@code capacity} values before it grows. */
  public DoubleTape(int capacity) {
    data = new double[Math.max(1, capacity)];
  }

  /** Appends {@code value}; amortized constant time. */
  public void push(double value) {
    if (size == data.length) {
      data = Arrays.copyOf(data, growTo(data.length));
    }
    data[size++] = value;
    cursor = size;
  }

  /** Returns the value below the read cursor and moves the cursor down. */
  public double pop() {
    if (cursor == 0) {
      throw new IllegalStateException("Adjoint internal error: reverse sweep read past the start of a tape");
    }
    return data[--cursor];
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
    data = new double[1];
    size = 0;
    cursor = 0;
  }

  static int growTo(int length) {
    if (length >= Integer.MAX_VALUE - 8) {
      throw new OutOfMemoryError("Adjoint tape exceeds the largest Java array; differentiate a shorter loop");
    }
    return (int) Math.min(Integer.MAX_VALUE - 8L, length * 2L);
  }
}
