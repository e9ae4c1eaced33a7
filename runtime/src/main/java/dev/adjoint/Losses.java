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
    for (double p : input.values()) {
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
    double[] x = input.values();
    double[] y = target.values();
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
    return nllLoss(input, target, null, IGNORE_INDEX, reduction);
  }

  /** PyTorch's default {@code ignore_index}: a target that is never a class. */
  public static final int IGNORE_INDEX = -100;

  /** {@code F.cross_entropy(input, target)} over class indices: {@link Tensor#crossEntropy(Tensor, int[])}. */
  public static Tensor crossEntropy(Tensor input, int[] target) {
    return crossEntropy(input, target, null, IGNORE_INDEX, 0.0, Reduction.MEAN);
  }

  /**
   * {@code F.cross_entropy(input, target, weight, ignore_index, reduction, label_smoothing)} for logits
   * {@code input} of shape {@code [N, C]} and class indices {@code target}, or K-dimensional input {@code [N, C,
   * d1, ..., dK]} with the {@code N·d1·...·dK} targets in row-major order (the loss of every position; {@link
   * Reduction#NONE} gives shape {@code [N, d1, ..., dK]}): with {@code lp = logSoftmax(input)},
   * sample {@code i} (unless {@code target[i] == ignoreIndex}) loses
   * {@code (1 - ε)·(-w[t_i]·lp[i, t_i]) + ε/C·(-Σ_c w[c]·lp[i, c])}; {@link Reduction#MEAN} divides the sum by
   * {@code Σ w[t_i]} over the samples not ignored (their number without weights), exactly as PyTorch (all
   * ignored gives 0/0 = NaN, as there).
   *
   * @param weight per-class weights of shape {@code [C]}, or {@code null} for 1; no gradient flows to them
   * @param ignoreIndex a target value whose samples contribute nothing ({@link #IGNORE_INDEX} by default)
   * @param labelSmoothing {@code ε} in {@code [0, 1]}
   * @throws IllegalArgumentException for another input rank, a target count other than {@code N}, a weight of
   *     another shape or that requires grad, or {@code ε} outside {@code [0, 1]}
   * @throws IndexOutOfBoundsException for a target outside {@code [0, C)} that is not {@code ignoreIndex}
   */
  public static Tensor crossEntropy(Tensor input, int[] target, Tensor weight, int ignoreIndex,
      double labelSmoothing, Reduction reduction) {
    if (input.dim() > 2) {
      checkTargetCount("crossEntropy", input, target);
      return unflatten(crossEntropy(classesLast(input), target, weight, ignoreIndex, labelSmoothing, reduction),
          input, reduction);
    }
    int classes = checkLogits("crossEntropy", input, weight, labelSmoothing);
    Tensor logp = input.logSoftmax(1);
    Tensor nll = nllLoss(logp, target, weight, ignoreIndex, reduction);
    if (labelSmoothing == 0) {
      return nll;
    }
    int batch = input.size(0);
    double[] ignoredMask = new double[batch];
    double denominator = 0;
    for (int i = 0; i < batch; i++) {
      if (target[i] == ignoreIndex) {
        ignoredMask[i] = 1;
      } else {
        denominator += weight == null ? 1 : weight.get(target[i]);
      }
    }
    Tensor weighted = weight == null ? logp : logp.mul(weight.detach().reshape(1, classes));
    Tensor smooth = weighted.sum(1, false).neg().maskedFill(Tensor.wrap(ignoredMask, new int[] {batch}), 0.0);
    Tensor reduced = reduction == Reduction.NONE ? smooth
        : reduction == Reduction.SUM ? smooth.sum() : smooth.sum().div(denominator);
    return nll.mul(1 - labelSmoothing).add(reduced.mul(labelSmoothing / classes));
  }

  /**
   * {@code F.cross_entropy(input, target, weight, reduction, label_smoothing)} for class probabilities
   * {@code target} of the input's shape {@code [N, C]} (or {@code [N, C, d1, ..., dK]}, position by position): with {@code lp = logSoftmax(input)} and
   * {@code q = (1 - ε)·target + ε/C}, sample {@code i} loses {@code -Σ_c w[c]·q[i, c]·lp[i, c]};
   * {@link Reduction#MEAN} divides by {@code N} (not by the weights), as PyTorch. Gradients flow to the input
   * and to the target. PyTorch has no {@code ignore_index} for probability targets, and neither has this.
   */
  public static Tensor crossEntropy(Tensor input, Tensor target, Tensor weight, double labelSmoothing,
      Reduction reduction) {
    if (input.dim() > 2) {
      sameShape("crossEntropy (class probabilities)", input, target);
      return unflatten(crossEntropy(classesLast(input), classesLast(target), weight, labelSmoothing, reduction),
          input, reduction);
    }
    int classes = checkLogits("crossEntropy", input, weight, labelSmoothing);
    sameShape("crossEntropy (class probabilities)", input, target);
    Tensor q = labelSmoothing == 0 ? target : target.mul(1 - labelSmoothing).add(labelSmoothing / classes);
    Tensor terms = input.logSoftmax(1).mul(q);
    if (weight != null) {
      terms = terms.mul(weight.detach().reshape(1, classes));
    }
    Tensor perSample = terms.sum(1, false).neg();
    return reduction.apply(perSample);
  }

  /**
   * {@code F.nll_loss(input, target, weight, ignore_index, reduction)}: sample {@code i} loses
   * {@code -w[t_i]·input[i, t_i]}, or nothing when {@code target[i] == ignoreIndex};
   * {@link Reduction#MEAN} divides by {@code Σ w[t_i]} over the samples not ignored.
   *
   * @param weight per-class weights of shape {@code [C]}, or {@code null}; no gradient flows to them
   */
  public static Tensor nllLoss(Tensor input, int[] target, Tensor weight, int ignoreIndex, Reduction reduction) {
    if (input.dim() > 2) {
      checkTargetCount("nllLoss", input, target);
      return unflatten(nllLoss(classesLast(input), target, weight, ignoreIndex, reduction), input, reduction);
    }
    int classes = checkLogits("nllLoss", input, weight, 0);
    int batch = input.size(0);
    if (target.length != batch) {
      throw new IllegalArgumentException("nllLoss: " + target.length + " targets for a batch of " + batch);
    }
    double[] idx = new double[batch];
    double[] w = new double[batch];
    double[] ignoredMask = new double[batch];
    double denominator = 0;
    for (int i = 0; i < batch; i++) {
      if (target[i] == ignoreIndex) {
        ignoredMask[i] = 1;
        continue;
      }
      if (target[i] < 0 || target[i] >= classes) {
        throw new IndexOutOfBoundsException("target " + target[i] + " at position " + i + " is out of bounds for "
            + classes + " classes");
      }
      idx[i] = target[i];
      w[i] = weight == null ? 1 : weight.get(target[i]);
      denominator += w[i];
    }
    Tensor picked = input.gather(1, Tensor.wrap(idx, new int[] {batch, 1})).squeeze(1);
    Tensor perSample = picked.maskedFill(Tensor.wrap(ignoredMask, new int[] {batch}), 0.0).mul(Tensor.wrap(w, new int[] {batch})).neg();
    switch (reduction) {
      case NONE:
        return perSample;
      case SUM:
        return perSample.sum();
      default:
        return perSample.sum().div(denominator);
    }
  }

  /**
   * A K-dimensional input {@code [N, C, d1, ..., dK]} as {@code [N·d1·...·dK, C]}: the class dimension moved
   * last, the others flattened in row-major order (PyTorch's K-dimensional losses are this 2-D loss over
   * every position).
   */
  private static Tensor classesLast(Tensor input) {
    int r = input.dim();
    int[] dims = new int[r];
    dims[0] = 0;
    for (int i = 1; i < r - 1; i++) {
      dims[i] = i + 1;
    }
    dims[r - 1] = 1;
    return input.permute(dims).reshape(-1, input.size(1));
  }

  /** A per-position loss of a K-dimensional input back in shape {@code [N, d1, ..., dK]}; reduced ones as they are. */
  private static Tensor unflatten(Tensor loss, Tensor input, Reduction reduction) {
    return reduction == Reduction.NONE ? loss.reshape(Shapes.without(input.shapeRef(), 1)) : loss;
  }

  private static void checkTargetCount(String op, Tensor input, int[] target) {
    int[] positions = Shapes.without(input.shapeRef(), 1);
    if (target.length != Shapes.numel(positions)) {
      throw new IllegalArgumentException(op + ": input of shape " + Shapes.str(input.shapeRef()) + " needs "
          + Shapes.numel(positions) + " targets (shape " + Shapes.str(positions) + " in row-major order), got "
          + target.length);
    }
  }

  /** Checks an {@code [N, C]} input, an optional {@code [C]} weight and {@code ε}; returns {@code C}. */
  private static int checkLogits(String op, Tensor input, Tensor weight, double labelSmoothing) {
    if (input.dim() != 2) {
      throw new IllegalArgumentException(op + " expects input of shape [N, C] or [N, C, d1, ..., dK], got "
          + Shapes.str(input.shapeRef()));
    }
    int classes = input.size(1);
    if (weight != null && (weight.dim() != 1 || weight.size(0) != classes)) {
      throw new IllegalArgumentException(op + ": weight of shape " + Shapes.str(weight.shapeRef())
          + " for " + classes + " classes; it needs shape [" + classes + "]");
    }
    if (weight != null && weight.isRequiresGrad()) {
      throw new IllegalArgumentException(op + ": weight requires grad, but no gradient flows to class weights here;"
          + " pass weight.detach()");
    }
    if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
      throw new IllegalArgumentException("label_smoothing must be between 0.0 and 1.0. Got: " + labelSmoothing);
    }
    return classes;
  }

  private static void sameShape(String op, Tensor input, Tensor target) {
    if (!Arrays.equals(input.shapeRef(), target.shapeRef())) {
      throw new IllegalArgumentException(op + ": target of shape " + Shapes.str(target.shapeRef())
          + " differs from input of shape " + Shapes.str(input.shapeRef()) + "; reshape one to match");
    }
  }
}
