package dev.adjoint.runtime;

/**
 * Partial derivatives of the piecewise and singular {@link Math} functions, following PyTorch's
 * conventions at the points where the derivative is not defined. Generated reverse passes call these so
 * that every mode uses one definition.
 */
public final class Partials {
  private Partials() {}

  /** {@code d max(a, b) / da}: 1 where {@code a > b}, 0.5 where equal (the gradient is split), else 0. */
  public static double maxFirst(double a, double b) {
    return a > b ? 1.0 : a == b ? 0.5 : 0.0;
  }

  /** {@code d max(a, b) / db}. */
  public static double maxSecond(double a, double b) {
    return maxFirst(b, a);
  }

  /** {@code d min(a, b) / da}: 1 where {@code a < b}, 0.5 where equal, else 0. */
  public static double minFirst(double a, double b) {
    return a < b ? 1.0 : a == b ? 0.5 : 0.0;
  }

  /** {@code d min(a, b) / db}. */
  public static double minSecond(double a, double b) {
    return minFirst(b, a);
  }

  /** {@code d |x| / dx}: the sign of {@code x}, 0 at 0 (PyTorch's {@code abs'(0) = 0}). */
  public static double abs(double x) {
    return x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0;
  }

  /** {@code d pow(x, y) / dx}: {@code y * x^(y-1)}, and 0 everywhere when {@code y == 0}. */
  public static double powBase(double x, double y) {
    return y == 0.0 ? 0.0 : y * Math.pow(x, y - 1.0);
  }

  /**
   * {@code d pow(x, y) / dy}: {@code x^y * log(x)}, and 0 where {@code x == 0} and {@code y >= 0} (as
   * PyTorch masks it).
   */
  public static double powExponent(double x, double y, double result) {
    return x == 0.0 && y >= 0.0 ? 0.0 : result * Math.log(x);
  }

  /** {@code d atan2(y, x) / dy = x / (x^2 + y^2)}. */
  public static double atan2First(double y, double x) {
    return x / (x * x + y * y);
  }

  /** {@code d atan2(y, x) / dx = -y / (x^2 + y^2)}. */
  public static double atan2Second(double y, double x) {
    return -y / (x * x + y * y);
  }

  /** {@code d hypot(a, b) / da = a / hypot(a, b)}; 0 at the origin, as PyTorch masks it. */
  public static double hypotFirst(double a, double result) {
    return result == 0.0 ? 0.0 : a / result;
  }
}
