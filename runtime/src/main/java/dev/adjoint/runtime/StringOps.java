package dev.adjoint.runtime;

/**
 * What generated code calls for {@code String} values, which a {@code @Differentiable} method may hold as
 * inactive data (a mode, a label) and switch on. Not API.
 */
public final class StringOps {
  private StringOps() {}

  /**
   * {@code a.equals(b)}, as the source wrote it: a {@code null} {@code a} throws the
   * {@code NullPointerException} the source would, as does a {@code switch} over a {@code null} string.
   *
   * @param a the receiver of {@code equals}
   * @param b its argument
   * @return whether the two strings are equal
   */
  public static boolean equals(String a, Object b) {
    return a.equals(b);
  }
}
