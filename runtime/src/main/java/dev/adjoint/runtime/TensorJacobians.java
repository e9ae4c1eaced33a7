package dev.adjoint.runtime;

import dev.adjoint.Tensor;
import java.util.Arrays;

/**
 * Bookkeeping for the forward-mode members of a method with a {@code Tensor} result and a differentiable
 * {@code double}, {@code double[]} or {@code double[][]} parameter beside its tensors (whose {@code mJvp} and
 * {@code mJacobian} are computed by reverse mode, one reverse pass per result element): one-hot tensor
 * upstreams and Jacobians shaped as PyTorch's {@code autograd.functional.jacobian} shapes them, the result's
 * shape followed by the parameter's (a {@code double} a 0-dim tensor, a {@code double[]} of shape {@code [n]},
 * a {@code double[][]} of shape {@code [rows, columns]}). Reads values and records nothing.
 */
public final class TensorJacobians {
  private TensorJacobians() {}

  /** Zeros shaped like {@code like} with element {@code k} (row-major) set to 1. */
  public static Tensor oneHot(Tensor like, int k) {
    double[] e = new double[like.numel()];
    e[k] = 1.0;
    return Tensor.fromArray(e, like.shape());
  }

  /** A tensor shaped like {@code like} holding {@code values} (row-major). */
  public static Tensor shapedLike(double[] values, Tensor like) {
    return Tensor.fromArray(values, like.shape());
  }

  /** The Jacobian rows of a tensor parameter: shape {@code result ++ p}. */
  public static Tensor jacobian(double[][] rows, Tensor result, Tensor p) {
    return Tensor.fromArray(flatten(rows), concat(result.shape(), p.shape()));
  }

  /** The Jacobian rows of a {@code double} parameter (a 0-dim tensor): shaped like the result. */
  public static Tensor jacobian(double[][] rows, Tensor result, double p) {
    return Tensor.fromArray(flatten(rows), result.shape());
  }

  /** The Jacobian rows of a {@code double[]} parameter (shape {@code [n]}): shape {@code result ++ [n]}. */
  public static Tensor jacobian(double[][] rows, Tensor result, double[] p) {
    return Tensor.fromArray(flatten(rows), concat(result.shape(), new int[] {p.length}));
  }

  /**
   * The Jacobian rows of a {@code double[][]} parameter: shape {@code result ++ [rows, columns]}.
   *
   * @throws IllegalArgumentException if {@code p} is ragged or has a {@code null} row (it has no tensor shape)
   */
  public static Tensor jacobian(double[][] rows, Tensor result, double[][] p) {
    int columns = p.length == 0 || p[0] == null ? 0 : p[0].length;
    for (double[] row : p) {
      if (row == null || row.length != columns) {
        throw new IllegalArgumentException("a Jacobian with respect to a double[][] needs a rectangular matrix"
            + " (it is a tensor of shape [rows, columns]): got rows of lengths " + Backward.describe(p));
      }
    }
    return Tensor.fromArray(flatten(rows), concat(result.shape(), new int[] {p.length, columns}));
  }

  private static double[] flatten(double[][] rows) {
    int width = rows.length == 0 ? 0 : rows[0].length;
    double[] out = new double[rows.length * width];
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(rows[r], 0, out, r * width, width);
    }
    return out;
  }

  private static int[] concat(int[] a, int[] b) {
    int[] s = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, s, a.length, b.length);
    return s;
  }
}
