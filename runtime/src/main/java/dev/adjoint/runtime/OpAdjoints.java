package dev.adjoint.runtime;

import dev.adjoint.Autograd;
import dev.adjoint.Losses;
import dev.adjoint.Tensor;
import java.util.function.Function;

/**
 * Adjoint kernels for the masking, indexing, reduction and shape operations of {@code Tensor}-typed
 * {@code @Differentiable} methods that have no closed form in the processor's table ({@code clamp},
 * {@code where}, {@code maskedFill}, {@code gather}, {@code indexSelect}, {@code scatter}, {@code prod},
 * {@code cumsum}, {@code var}, {@code std}, {@code logsumexp}, {@code norm}, {@code amax}, reductions over
 * several dimensions, {@code permute}, {@code repeat}, {@code narrow}).
 *
 * <p>Each tensor gradient is the eager runtime's own: the operation runs again on a fresh leaf standing for
 * the input and the runtime's recorded backward rule gives the vector-Jacobian product with {@code g}, so a
 * generated node and eager autograd share one derivative per operation (the cost: the operation's forward runs
 * once more in the reverse pass, per input that needs a gradient). The gradients of {@code double} operands
 * ({@code clamp}'s bounds, {@code maskedFill}'s value), which the eager runtime does not differentiate, are
 * written out here. No kernel writes to its inputs. Generated code calls them inside
 * {@link Tensor#noGrad(java.util.function.Supplier)}.
 */
public final class OpAdjoints {
  private OpAdjoints() {}

  /**
   * The gradient of input {@code k} of {@code op(inputs)} for the upstream {@code g}: {@code op} runs with
   * recording on, input {@code k} replaced by a leaf sharing its storage (the others by detached aliases), and
   * the eager reverse pass runs from its result. Zeros of the input's shape when the result does not depend on it.
   */
  static Tensor pull(Tensor g, int k, Function<Tensor[], Tensor> op, Tensor... inputs) {
    // Every other input detached (sharing storage): the pass reaches nothing of the caller's graph.
    Tensor[] args = new Tensor[inputs.length];
    for (int j = 0; j < args.length; j++) {
      args[j] = inputs[j].detach();
    }
    Tensor leaf = args[k].requiresGrad();
    Tensor y = Tensor.enableGrad(() -> op.apply(args));
    if (!y.isRequiresGrad()) {
      return Tensor.zeros(leaf.shape());
    }
    return Tensor.enableGrad(() -> Autograd.grad(y, new Tensor[] {leaf}, g, false))[0];
  }

  private static Tensor pull(Tensor g, Tensor x, Function<Tensor, Tensor> op) {
    return pull(g, 0, a -> op.apply(a[0]), x);
  }

  /** {@code x.clamp(min, max)}'s gradient with respect to {@code x}. */
  public static Tensor clamp(Tensor g, Tensor x, double min, double max) {
    return pull(g, x, t -> t.clamp(min, max));
  }

  /** {@code x.clampMin(min)}'s gradient with respect to {@code x}. */
  public static Tensor clampMin(Tensor g, Tensor x, double min) {
    return pull(g, x, t -> t.clampMin(min));
  }

  /** {@code x.clampMax(max)}'s gradient with respect to {@code x}. */
  public static Tensor clampMax(Tensor g, Tensor x, double max) {
    return pull(g, x, t -> t.clampMax(max));
  }

  /**
   * The gradient of {@code x.clamp(min, max)} with respect to the lower bound: the sum of {@code g} where the
   * result is {@code min} because {@code x < min} (and {@code min <= max}; a larger {@code min} gives
   * {@code max} everywhere). A tie {@code x == min} sends its gradient to {@code x}, as the eager rule.
   */
  public static double clampLow(Tensor g, Tensor x, double min, double max) {
    if (min > max) {
      return 0.0;
    }
    return masked(g, x, v -> v < min);
  }

  /**
   * The gradient of {@code x.clamp(min, max)} with respect to the upper bound: the sum of {@code g} where
   * {@code x > max}, or everywhere but at NaN when {@code min > max} (the result is then {@code max}).
   */
  public static double clampHigh(Tensor g, Tensor x, double min, double max) {
    return masked(g, x, v -> v > max || (min > max && !Double.isNaN(v)));
  }

  /** {@code x.clampMin(min)}'s gradient with respect to {@code min}: the sum of {@code g} where {@code x < min}. */
  public static double clampMinBound(Tensor g, Tensor x, double min) {
    return masked(g, x, v -> v < min);
  }

  /** {@code x.clampMax(max)}'s gradient with respect to {@code max}: the sum of {@code g} where {@code x > max}. */
  public static double clampMaxBound(Tensor g, Tensor x, double max) {
    return masked(g, x, v -> v > max);
  }

  private interface DoubleTest {
    boolean test(double v);
  }

  private static double masked(Tensor g, Tensor x, DoubleTest where) {
    double[] gv = g.toArray();
    double[] xv = x.toArray();
    double sum = 0.0;
    for (int i = 0; i < xv.length; i++) {
      if (where.test(xv[i])) {
        sum += gv[i];
      }
    }
    return sum;
  }

  /** {@code x.maskedFill(mask, value)}'s gradient with respect to {@code x}. */
  public static Tensor maskedFill(Tensor g, Tensor x, Tensor mask, double value) {
    return pull(g, x, t -> t.maskedFill(mask, value));
  }

  /** {@code x.maskedFill(mask, value)}'s gradient with respect to {@code value}: {@code g} summed where filled. */
  public static double maskedFillValue(Tensor g, Tensor mask) {
    return Tensor.where(mask, g, Tensor.zeros(1)).sum().item();
  }

  /** {@code Tensor.where(condition, x, y)}'s gradient with respect to {@code x} ({@code k == 1}) or {@code y} (2). */
  public static Tensor where(Tensor g, int k, Tensor condition, Tensor x, Tensor y) {
    return pull(g, k, a -> Tensor.where(a[0], a[1], a[2]), condition, x, y);
  }

  /** {@code x.gather(dim, index)}'s gradient with respect to {@code x}. */
  public static Tensor gather(Tensor g, Tensor x, int dim, Tensor index) {
    return pull(g, x, t -> t.gather(dim, index));
  }

  /** {@code x.indexSelect(dim, index)}'s gradient with respect to {@code x}. */
  public static Tensor indexSelect(Tensor g, Tensor x, int dim, Tensor index) {
    return pull(g, x, t -> t.indexSelect(dim, index));
  }

  /** {@code x.indexSelect(dim, indices...)}'s gradient with respect to {@code x}. */
  public static Tensor indexSelect(Tensor g, Tensor x, int dim, int... indices) {
    int[] copy = indices.clone();
    return pull(g, x, t -> t.indexSelect(dim, copy));
  }

  /** {@code x.scatter(dim, index, src)}'s gradient with respect to {@code x} ({@code k == 0}) or {@code src} (1). */
  public static Tensor scatter(Tensor g, int k, Tensor x, int dim, Tensor index, Tensor src) {
    return pull(g, k, a -> a[0].scatter(dim, index, a[1]), x, src);
  }

  /** {@code x.scatterAdd(dim, index, src)}'s gradient with respect to {@code x} ({@code k == 0}) or {@code src} (1). */
  public static Tensor scatterAdd(Tensor g, int k, Tensor x, int dim, Tensor index, Tensor src) {
    return pull(g, k, a -> a[0].scatterAdd(dim, index, a[1]), x, src);
  }

  /** {@code x.amax()}'s gradient (split among ties, as the eager rule). */
  public static Tensor amax(Tensor g, Tensor x) {
    return pull(g, x, Tensor::amax);
  }

  /** {@code x.amin()}'s gradient. */
  public static Tensor amin(Tensor g, Tensor x) {
    return pull(g, x, Tensor::amin);
  }

  /** {@code x.amax(dim, keepDim)}'s gradient. */
  public static Tensor amax(Tensor g, Tensor x, int dim, boolean keepDim) {
    return pull(g, x, t -> t.amax(dim, keepDim));
  }

  /** {@code x.amin(dim, keepDim)}'s gradient. */
  public static Tensor amin(Tensor g, Tensor x, int dim, boolean keepDim) {
    return pull(g, x, t -> t.amin(dim, keepDim));
  }

  /** {@code x.prod()}'s gradient (exact with zero factors, as the eager rule). */
  public static Tensor prod(Tensor g, Tensor x) {
    return pull(g, x, Tensor::prod);
  }

  /** {@code x.prod(dim, keepDim)}'s gradient. */
  public static Tensor prod(Tensor g, Tensor x, int dim, boolean keepDim) {
    return pull(g, x, t -> t.prod(dim, keepDim));
  }

  /** {@code x.cumsum(dim)}'s gradient. */
  public static Tensor cumsum(Tensor g, Tensor x, int dim) {
    return pull(g, x, t -> t.cumsum(dim));
  }

  /** {@code x.var()}'s gradient. */
  public static Tensor var(Tensor g, Tensor x) {
    return pull(g, x, Tensor::var);
  }

  /** {@code x.var(unbiased)}'s gradient. */
  public static Tensor var(Tensor g, Tensor x, boolean unbiased) {
    return pull(g, x, t -> t.var(unbiased));
  }

  /** {@code x.var(dim, keepDim)}'s gradient. */
  public static Tensor var(Tensor g, Tensor x, int dim, boolean keepDim) {
    return pull(g, x, t -> t.var(dim, keepDim));
  }

  /** {@code x.var(dim, unbiased, keepDim)}'s gradient. */
  public static Tensor var(Tensor g, Tensor x, int dim, boolean unbiased, boolean keepDim) {
    return pull(g, x, t -> t.var(dim, unbiased, keepDim));
  }

  /** {@code x.std()}'s gradient. */
  public static Tensor std(Tensor g, Tensor x) {
    return pull(g, x, Tensor::std);
  }

  /** {@code x.std(unbiased)}'s gradient. */
  public static Tensor std(Tensor g, Tensor x, boolean unbiased) {
    return pull(g, x, t -> t.std(unbiased));
  }

  /** {@code x.std(dim, keepDim)}'s gradient. */
  public static Tensor std(Tensor g, Tensor x, int dim, boolean keepDim) {
    return pull(g, x, t -> t.std(dim, keepDim));
  }

  /** {@code x.std(dim, unbiased, keepDim)}'s gradient. */
  public static Tensor std(Tensor g, Tensor x, int dim, boolean unbiased, boolean keepDim) {
    return pull(g, x, t -> t.std(dim, unbiased, keepDim));
  }

  /** {@code x.logsumexp(dim, keepDim)}'s gradient. */
  public static Tensor logsumexp(Tensor g, Tensor x, int dim, boolean keepDim) {
    return pull(g, x, t -> t.logsumexp(dim, keepDim));
  }

  /** {@code x.norm()}'s gradient (0 at the zero vector, as PyTorch). */
  public static Tensor norm(Tensor g, Tensor x) {
    return pull(g, x, Tensor::norm);
  }

  /** {@code x.norm(dim, keepDim)}'s gradient. */
  public static Tensor norm(Tensor g, Tensor x, int dim, boolean keepDim) {
    return pull(g, x, t -> t.norm(dim, keepDim));
  }

  /** {@code x.sum(dims, keepDim)}'s gradient (several dimensions). */
  public static Tensor sum(Tensor g, Tensor x, int[] dims, boolean keepDim) {
    int[] copy = dims.clone();
    return pull(g, x, t -> t.sum(copy, keepDim));
  }

  /** {@code x.mean(dims, keepDim)}'s gradient (several dimensions). */
  public static Tensor mean(Tensor g, Tensor x, int[] dims, boolean keepDim) {
    int[] copy = dims.clone();
    return pull(g, x, t -> t.mean(copy, keepDim));
  }

  /** {@code x.permute(dims...)}'s gradient. */
  public static Tensor permute(Tensor g, Tensor x, int... dims) {
    int[] copy = dims.clone();
    return pull(g, x, t -> t.permute(copy));
  }

  /** {@code x.repeat(repeats...)}'s gradient (the tiles summed). */
  public static Tensor repeat(Tensor g, Tensor x, int... repeats) {
    int[] copy = repeats.clone();
    return pull(g, x, t -> t.repeat(copy));
  }

  /** {@code x.narrow(dim, start, length)}'s gradient. */
  public static Tensor narrow(Tensor g, Tensor x, int dim, int start, int length) {
    return pull(g, x, t -> t.narrow(dim, start, length));
  }

  /** {@code Losses.mseLoss(input, target)}'s gradient with respect to input ({@code k == 0}) or target (1). */
  public static Tensor mseLoss(Tensor g, int k, Tensor input, Tensor target) {
    return pull(g, k, a -> Losses.mseLoss(a[0], a[1]), input, target);
  }

  /** {@code Losses.l1Loss(input, target)}'s gradient with respect to {@code input} (0) or {@code target} (1). */
  public static Tensor l1Loss(Tensor g, int k, Tensor input, Tensor target) {
    return pull(g, k, a -> Losses.l1Loss(a[0], a[1]), input, target);
  }

  /** {@code Losses.binaryCrossEntropy(input, target)}'s gradient with respect to input (0) or target (1). */
  public static Tensor binaryCrossEntropy(Tensor g, int k, Tensor input, Tensor target) {
    return pull(g, k, a -> Losses.binaryCrossEntropy(a[0], a[1]), input, target);
  }

  /** {@code Losses.binaryCrossEntropyWithLogits(input, target)}'s gradient with respect to input (0) or target (1). */
  public static Tensor binaryCrossEntropyWithLogits(Tensor g, int k, Tensor input, Tensor target) {
    return pull(g, k, a -> Losses.binaryCrossEntropyWithLogits(a[0], a[1]), input, target);
  }

  /** {@code Losses.nllLoss(input, classes)}'s gradient with respect to {@code input}. */
  public static Tensor nllLoss(Tensor g, Tensor input, int[] classes) {
    int[] copy = classes.clone();
    return pull(g, input, t -> Losses.nllLoss(t, copy));
  }

  /** {@code Losses.crossEntropy(input, classes)}'s gradient with respect to {@code input}. */
  public static Tensor crossEntropy(Tensor g, Tensor input, int[] classes) {
    int[] copy = classes.clone();
    return pull(g, input, t -> Losses.crossEntropy(t, copy));
  }
}
