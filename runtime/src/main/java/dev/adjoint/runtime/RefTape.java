package dev.adjoint.runtime;

import java.util.Arrays;

/**
 * A growable stack of array references: the arrays a local array variable held before it was reassigned,
 * so the reverse sweep can put them back. Popping only moves a read cursor.
 */
public final class RefTape {
  private Object[] data = new Object[8];
  private int size;
  private int cursor;

  /** Appends {@code value} (may be {@code null}). */
  public void push(Object value) {
    if (size == data.length) {
      data = Arrays.copyOf(data, DoubleTape.growTo(data.length));
    }
    data[size++] = value;
    cursor = size;
  }

  /** Returns the reference below the read cursor, cast to the caller's array type. */
  @SuppressWarnings("unchecked")
  public <T> T pop() {
    if (cursor == 0) {
      throw new IllegalStateException("Adjoint internal error: reverse sweep read past the start of a tape");
    }
    return (T) data[--cursor];
  }

  /** Puts the read cursor back at the top. */
  public void rewind() {
    cursor = size;
  }

  /** Number of references pushed. */
  public int size() {
    return size;
  }

  /** Drops the stored references. */
  public void release() {
    data = new Object[1];
    size = 0;
    cursor = 0;
  }
}
