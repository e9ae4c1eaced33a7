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

  /** About the memory the snapshot holds: its values and the copies of arrays' elements. */
  long bytes() {
    return 3 * Checkpoints.ARRAY_BYTES + doubleCount * 8L + intCount * 4L + refCount * 8L + bytes;
  }
}
