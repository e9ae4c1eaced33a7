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
}
