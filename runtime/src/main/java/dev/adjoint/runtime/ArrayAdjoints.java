package dev.adjoint.runtime;

/**
 * Array bookkeeping for generated reverse passes: zero adjoints shaped like their primal arrays,
 * accumulation, and defensive copies. Every method tolerates {@code null} rows as Java arrays allow.
 */
public final class ArrayAdjoints {
  private ArrayAdjoints() {}

  /** A zero array of {@code primal}'s length, or {@code null} for {@code null}. */
  public static double[] zerosLike(double[] primal) {
    return primal == null ? null : new double[primal.length];
  }

  /**
   * A zero array of {@code primal}'s length: {@code spent} itself, filled with zeros, when it has that length
   * (a reverse pass reusing an adjoint array it no longer reads), else a new one; {@code null} for {@code null}.
   */
  public static double[] zeroedLike(double[] spent, double[] primal) {
    if (primal == null) {
      return null;
    }
    if (spent == null || spent.length != primal.length) {
      return new double[primal.length];
    }
    java.util.Arrays.fill(spent, 0.0);
    return spent;
  }

  /** A zero matrix with {@code primal}'s (possibly ragged) shape, or {@code null} for {@code null}. */
  public static double[][] zerosLike(double[][] primal) {
    if (primal == null) {
      return null;
    }
    double[][] zeros = new double[primal.length][];
    for (int i = 0; i < primal.length; i++) {
      zeros[i] = zerosLike(primal[i]);
    }
    return zeros;
  }

  /** {@code target[i] += source[i]} for every element. */
  public static void addInto(double[] target, double[] source) {
    for (int i = 0; i < source.length; i++) {
      target[i] += source[i];
    }
  }

  /** {@code target[i][j] += source[i][j]} for every element. */
  public static void addInto(double[][] target, double[][] source) {
    for (int i = 0; i < source.length; i++) {
      if (source[i] != null) {
        addInto(target[i], source[i]);
      }
    }
  }

  /** A copy that shares nothing with {@code source}. */
  public static double[] copyOf(double[] source) {
    return source == null ? null : source.clone();
  }

  /** A deep copy that shares no row with {@code source}. */
  public static double[][] copyOf(double[][] source) {
    if (source == null) {
      return null;
    }
    double[][] copy = new double[source.length][];
    for (int i = 0; i < source.length; i++) {
      copy[i] = copyOf(source[i]);
    }
    return copy;
  }

  /**
   * The adjoint of {@code Arrays.copyOfRange(a, from, to)}: {@code target[from + k] += source[k]} for every
   * {@code k} with {@code from + k < target.length} (the copy's elements past {@code a}'s end were zeros).
   */
  public static void addRangeInto(double[] target, int from, double[] source) {
    int n = Math.min(source.length, target.length - from);
    for (int k = 0; k < n; k++) {
      target[from + k] += source[k];
    }
  }

  /**
   * Throws what {@code System.arraycopy(src, srcPos, dst, dstPos, length)} throws for these bounds
   * ({@link ArrayIndexOutOfBoundsException}), before a generated element-by-element copy starts.
   */
  public static void checkArraycopy(int srcLength, int srcPos, int dstLength, int dstPos, int length) {
    if (length < 0) {
      throw new ArrayIndexOutOfBoundsException("arraycopy: length " + length + " is negative");
    }
    if (srcPos < 0 || srcPos > srcLength - length) {
      throw new ArrayIndexOutOfBoundsException("arraycopy: source index " + srcPos + " with length " + length
          + " out of bounds for length " + srcLength);
    }
    if (dstPos < 0 || dstPos > dstLength - length) {
      throw new ArrayIndexOutOfBoundsException("arraycopy: destination index " + dstPos + " with length " + length
          + " out of bounds for length " + dstLength);
    }
  }

  /**
   * Throws what {@code Arrays.fill(a, from, to, v)} throws for these bounds, before a generated loop starts:
   * {@link IllegalArgumentException} when {@code from > to}, else {@link ArrayIndexOutOfBoundsException}.
   */
  public static void checkFill(int length, int from, int to) {
    if (from > to) {
      throw new IllegalArgumentException("fromIndex(" + from + ") > toIndex(" + to + ")");
    }
    if (from < 0) {
      throw new ArrayIndexOutOfBoundsException("Array index out of range: " + from);
    }
    if (to > length) {
      throw new ArrayIndexOutOfBoundsException("Array index out of range: " + to);
    }
  }
}
