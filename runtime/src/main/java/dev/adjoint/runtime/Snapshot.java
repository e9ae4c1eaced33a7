package dev.adjoint.runtime;

import java.util.Arrays;

/**
 * One snapshot slot of a checkpointed loop ({@link Checkpoints}): the loop state's values in typed stores, reused
 * when the schedule gives the slot to another segment.
 */
final class Snapshot {
  double[] doubles = new double[4];
  int doubleCount;
  int[] ints = new int[4];
  int intCount;
  Object[] refs = new Object[4];
  int refCount;
  int doubleRead;
  int intRead;
  int refRead;
  /** Bytes of the arrays' copies. */
  long bytes;

  void clear() {
    Arrays.fill(refs, 0, refCount, null);
    bytes = 0;
    doubleCount = 0;
    intCount = 0;
    refCount = 0;
  }

  void rewind() {
    doubleRead = 0;
    intRead = 0;
    refRead = 0;
  }

  void putDouble(double value) {
    if (doubleCount == doubles.length) {
      doubles = Arrays.copyOf(doubles, doubleCount * 2);
    }
    doubles[doubleCount++] = value;
  }

  void putInt(int value) {
    if (intCount == ints.length) {
      ints = Arrays.copyOf(ints, intCount * 2);
    }
    ints[intCount++] = value;
  }

  void putRef(Object value) {
    if (refCount == refs.length) {
      refs = Arrays.copyOf(refs, refCount * 2);
    }
    refs[refCount++] = value;
  }

  /** The array and a copy of its elements. */
  void putArray(double[] value) {
    putRef(value);
    putRef(value == null ? null : value.clone());
    bytes += value == null ? 0 : Checkpoints.ARRAY_BYTES + value.length * 8L;
  }

  /** The array and a copy of its elements. */
  void putArray(int[] value) {
    putRef(value);
    putRef(value == null ? null : value.clone());
    bytes += value == null ? 0 : Checkpoints.ARRAY_BYTES + value.length * 4L;
  }

  /** The array and a copy of its elements. */
  void putArray(boolean[] value) {
    putRef(value);
    putRef(value == null ? null : value.clone());
    bytes += value == null ? 0 : Checkpoints.ARRAY_BYTES + value.length;
  }

  /** The matrix, its rows and a copy of each row. */
  void putMatrix(double[][] value) {
    putRef(value);
    if (value == null) {
      putRef(null);
      putRef(null);
      return;
    }
    double[][] copies = new double[value.length][];
    bytes += 2 * (Checkpoints.ARRAY_BYTES + value.length * 8L);
    for (int r = 0; r < value.length; r++) {
      copies[r] = value[r] == null ? null : value[r].clone();
      bytes += value[r] == null ? 0 : Checkpoints.ARRAY_BYTES + value[r].length * 8L;
    }
    putRef(value.clone());
    putRef(copies);
  }

  /** The array as it was referenced, with its elements as they were (written back into it). */
  double[] getDoubles() {
    double[] array = (double[]) refs[refRead++];
    double[] copy = (double[]) refs[refRead++];
    if (array != null) {
      System.arraycopy(copy, 0, array, 0, copy.length);
    }
    return array;
  }

  /** The array as it was referenced, with its elements as they were (written back into it). */
  int[] getInts() {
    int[] array = (int[]) refs[refRead++];
    int[] copy = (int[]) refs[refRead++];
    if (array != null) {
      System.arraycopy(copy, 0, array, 0, copy.length);
    }
    return array;
  }

  /** The array as it was referenced, with its elements as they were (written back into it). */
  boolean[] getBooleans() {
    boolean[] array = (boolean[]) refs[refRead++];
    boolean[] copy = (boolean[]) refs[refRead++];
    if (array != null) {
      System.arraycopy(copy, 0, array, 0, copy.length);
    }
    return array;
  }

  /** The matrix as it was referenced, with its rows and their elements as they were. */
  double[][] getMatrix() {
    double[][] matrix = (double[][]) refs[refRead++];
    double[][] rows = (double[][]) refs[refRead++];
    double[][] copies = (double[][]) refs[refRead++];
    if (matrix != null) {
      for (int r = 0; r < rows.length; r++) {
        matrix[r] = rows[r];
        if (rows[r] != null) {
          System.arraycopy(copies[r], 0, rows[r], 0, copies[r].length);
        }
      }
    }
    return matrix;
  }

  /** About the memory the snapshot holds: its values and the copies of arrays' elements. */
  long bytes() {
    return 3 * Checkpoints.ARRAY_BYTES + doubleCount * 8L + intCount * 4L + refCount * 8L + bytes;
  }
}
