package dev.adjoint.runtime;

import dev.adjoint.Tensor;

/**
 * Adjoint kernels for the indexing, joining and selecting operations of {@code Tensor}-typed
 * {@code @Differentiable} methods ({@code select}, {@code slice}, {@code cat}, {@code stack}, {@code max(dim)},
 * {@code pow(Tensor)}). Each is written with the eager runtime's own operations and follows its backward
 * rule: a view's gradient written into zeros of the input's shape through the same view, {@code max(dim)}'s
 * sent to the index {@link Tensor#argmax(int, boolean)} returns (as the eager {@code gather} it is built
 * on), {@code pow}'s masked where the eager rule masks it. No kernel writes to its inputs ({@link #catPiece}
 * returns a view of {@code g}, as the eager {@code cat}'s backward does); generated code calls them inside {@link Tensor#noGrad(java.util.function.Supplier)}.
 */
public final class ViewAdjoints {
  private ViewAdjoints() {}

  /** The gradient of {@code x.select(dim, index)}: zeros of {@code x}'s shape with {@code g} at the slice. */
  public static Tensor unselect(Tensor g, Tensor x, int dim, int index) {
    Tensor z = Tensor.zeros(x.shape());
    z.select(dim, index).copy_(g);
    return z;
  }

  /** The gradient of {@code x.slice(dim, start, end, step)}: {@code g} written back into zeros. */
  public static Tensor unslice(Tensor g, Tensor x, int dim, int start, int end, int step) {
    Tensor z = Tensor.zeros(x.shape());
    z.slice(dim, start, end, step).copy_(g);
    return z;
  }

  /** The gradient of {@code x.max(dim, keepDim)} (or {@code min}): {@code g} at the selected index only. */
  public static Tensor selected(Tensor g, Tensor x, int dim, boolean keepDim, boolean isMax) {
    int d = dim < 0 ? dim + x.dim() : dim;
    Tensor index = isMax ? x.argmax(d, true) : x.argmin(d, true);
    return Tensor.zeros(x.shape()).scatterAdd(d, index, keepDim ? g : g.unsqueeze(d));
  }

  /** The gradient of part {@code k} of {@code Tensor.cat(dim, parts)}: its piece of {@code g} (a view). */
  public static Tensor catPiece(Tensor g, int dim, int k, Tensor... parts) {
    int d = dim < 0 ? dim + g.dim() : dim;
    int start = 0;
    for (int j = 0; j < k; j++) {
      start += parts[j].size(d);
    }
    return g.narrow(d, start, parts[k].size(d));
  }

  /**
   * The gradient of {@code x.pow(e)} with respect to {@code x}: {@code g e x^(e-1)}, 0 where {@code e == 0},
   * summed back to {@code x}'s shape (the eager rule).
   */
  public static Tensor powBase(Tensor g, Tensor x, Tensor e) {
    Tensor full = g.mul(e).mul(x.pow(e.sub(1.0)));
    return TensorAdjoints.unbroadcast(full.maskedFill(e.eq(0.0), 0.0), x);
  }

  /**
   * The gradient of {@code y = x.pow(e)} with respect to {@code e}: {@code g y ln x}, 0 where {@code x == 0}
   * and {@code e >= 0}, summed back to {@code e}'s shape (the eager rule).
   */
  public static Tensor powExponent(Tensor g, Tensor x, Tensor e, Tensor y) {
    Tensor full = g.mul(y).mul(x.log());
    return TensorAdjoints.unbroadcast(full.maskedFill(x.eq(0.0).mul(e.ge(0.0)), 0.0), e);
  }
}
