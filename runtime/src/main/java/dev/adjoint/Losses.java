package dev.adjoint;

import java.util.Arrays;

/**
 * Loss functions as {@code torch.nn.functional} defines them, each with a {@link Reduction} (PyTorch's
 * default is {@link Reduction#MEAN}). The input and target of an element-wise loss must have the same
 * shape, as PyTorch requires (it warns and broadcasts; here a different shape is refused). Gradients flow to
 * the input and, where PyTorch gives one, to the target.
 */
public final class Losses {
  private Losses() {}

  /** {@code mean((input - target)²)}, as {@code F.mse_loss}. */
  public static Tensor mseLoss(Tensor input, Tensor target) {
    return mseLoss(input, target, Reduction.MEAN);
  }

  /** {@code (input - target)²} reduced, as {@code F.mse_loss(input, target, reduction=...)}. */
  public static Tensor mseLoss(Tensor input, Tensor target, Reduction reduction) {
    sameShape("mseLoss", input, target);
    Tensor d = input.sub(target);
    return reduction.apply(d.mul(d));
  }

  /** {@code mean(|input - target|)}, as {@code F.l1_loss} (gradient {@code sign(input - target)}, 0 at 0). */
  public static Tensor l1Loss(Tensor input, Tensor target) {
    return l1Loss(input, target, Reduction.MEAN);
  }

  /** {@code |input - target|} reduced, as {@code F.l1_loss(input, target, reduction=...)}. */
  public static Tensor l1Loss(Tensor input, Tensor target, Reduction reduction) {
    sameShape("l1Loss", input, target);
    return reduction.apply(input.sub(target).abs());
  }

  /**
   * {@code -mean(y·log p + (1 - y)·log(1 - p))} for probabilities {@code p = input} in {@code [0, 1]}, as
   * {@code F.binary_cross_entropy}: each log is clamped to {@code >= -100}, as PyTorch does, so
   * {@code p = 0} or {@code 1} gives a finite loss.
   */
  public static Tensor binaryCrossEntropy(Tensor input, Tensor target) {
    return binaryCrossEntropy(input, target, Reduction.MEAN);
  }

  /** {@link #binaryCrossEntropy(Tensor, Tensor)} with a reduction. */
  public static Tensor binaryCrossEntropy(Tensor input, Tensor target, Reduction reduction) {
    sameShape("binaryCrossEntropy", input, target);
    for (double p : input.data) {
      if (!(p >= 0 && p <= 1)) {
        throw new IllegalArgumentException("binaryCrossEntropy: all elements of input should be between 0 and 1,"
            + " found " + p + " (for scores use binaryCrossEntropyWithLogits)");
      }
    }
    Tensor logP = input.log().clampMin(-100);
    Tensor log1mP = input.neg().add(1).log().clampMin(-100);
    Tensor perElement = target.mul(logP).add(target.neg().add(1).mul(log1mP)).neg();
    return reduction.apply(perElement);
  }

  /**
   * {@code binaryCrossEntropy(sigmoid(input), target)} computed stably from scores, as {@code
   * F.binary_cross_entropy_with_logits}: {@code max(x, 0) - x·y + log(1 + e^-|x|)}; gradient
   * {@code (sigmoid(x) - y)·g} for the input and {@code -x·g} for the target.
   */
  public static Tensor binaryCrossEntropyWithLogits(Tensor input, Tensor target) {
    return binaryCrossEntropyWithLogits(input, target, Reduction.MEAN);
  }

  /** {@link #binaryCrossEntropyWithLogits(Tensor, Tensor)} with a reduction. */
  public static Tensor binaryCrossEntropyWithLogits(Tensor input, Tensor target, Reduction reduction) {
    sameShape("binaryCrossEntropyWithLogits", input, target);
    double[] x = input.data;
    double[] y = target.data;
    double[] r = new double[x.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.max(x[i], 0) - x[i] * y[i] + Math.log1p(Math.exp(-Math.abs(x[i])));
    }
    Tensor perElement = GraphRecorder.record(Tensor.wrap(r, input.shapeRef().clone()),
        "BinaryCrossEntropyWithLogitsBackward", new Tensor[] {input, target}, (g, n) -> new Tensor[] {
            n.needs(0) ? g.mul(n.saved(0).sigmoid().sub(n.saved(1))) : null,
            n.needs(1) ? g.mul(n.saved(0).neg()) : null},
        new Tensor[] {input, target}, null);
    return reduction.apply(perElement);
  }

  /**
   * The negative log-likelihood of class indices {@code target} ({@code N} values in {@code [0, C)}) under
   * log-probabilities {@code input} of shape {@code [N, C]} (e.g. from {@link Tensor#logSoftmax}), averaged,
   * as {@code F.nll_loss}.
   */
  public static Tensor nllLoss(Tensor input, int[] target) {
    return nllLoss(input, target, Reduction.MEAN);
  }

  /** {@code -input[i, target[i]]} reduced, as {@code F.nll_loss(input, target, reduction=...)}. */
  public static Tensor nllLoss(Tensor input, int[] target, Reduction reduction) {
    if (input.dim() != 2) {
      throw new IllegalArgumentException("nllLoss expects input of shape [N, C], got " + Shapes.str(input.shapeRef()));
    }
    int batch = input.size(0);
    int classes = input.size(1);
    if (target.length != batch) {
      throw new IllegalArgumentException("nllLoss: " + target.length + " targets for a batch of " + batch);
    }
    double[] idx = new double[batch];
    for (int i = 0; i < batch; i++) {
      if (target[i] < 0 || target[i] >= classes) {
        throw new IndexOutOfBoundsException("target " + target[i] + " at position " + i + " is out of bounds for "
            + classes + " classes");
      }
      idx[i] = target[i];
    }
    Tensor picked = input.gather(1, Tensor.wrap(idx, new int[] {batch, 1})).squeeze(1);
    return reduction.apply(picked.neg());
  }

  private static void sameShape(String op, Tensor input, Tensor target) {
    if (!Arrays.equals(input.shapeRef(), target.shapeRef())) {
      throw new IllegalArgumentException(op + ": target of shape " + Shapes.str(target.shapeRef())
          + " differs from input of shape " + Shapes.str(input.shapeRef()) + "; reshape one to match");
    }
  }
}
