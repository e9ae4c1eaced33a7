package dev.adjoint.runtime;

import dev.adjoint.Tensor;
import java.util.Arrays;

/**
 * Adjoint kernels for the reverse passes that the processor generates for {@code Tensor}-typed
 * {@code @Differentiable} methods. A {@code null} adjoint stands for zero, so that nothing is allocated for
 * values that never receive a gradient. Every kernel returns a new tensor and never writes to its inputs.
 * Generated code calls these inside {@link Tensor#noGrad(java.util.function.Supplier)}.
 */
public final class TensorAdjoints {
  private TensorAdjoints() {}

  /** {@code acc + contribution}, where a {@code null} accumulator is zero. */
  public static Tensor accumulate(Tensor acc, Tensor contribution) {
    return acc == null ? contribution : acc.add(contribution);
  }

  /** The gradient of an input {@code like} that was broadcast: {@code g} summed back to its shape. */
  public static Tensor unbroadcast(Tensor g, Tensor like) {
    return Arrays.equals(g.shape(), like.shape()) ? g : g.sumToSize(like.shape());
  }

  /** The gradient of a full reduction: the scalar {@code g} spread over {@code like}'s shape. */
  public static Tensor expandLike(Tensor g, Tensor like) {
    return Tensor.full(like.shape(), g.item());
  }

  /** The gradient of a reduction over {@code dim}: {@code g} broadcast back along it. */
  public static Tensor expandAlong(Tensor g, Tensor like, int dim, boolean keepDim) {
    int d = dim < 0 ? dim + like.dim() : dim;
    Tensor kept = keepDim ? g : g.unsqueeze(d);
    return kept.mul(Tensor.ones(like.shape()));
  }

  /** The gradient of {@code item()}: {@code g} in every position of {@code like}. */
  public static Tensor fill(double g, Tensor like) {
    return Tensor.full(like.shape(), g);
  }

  /**
   * {@code relu'}: {@code g} where {@code x > 0}, exactly 0 elsewhere (at 0 and NaN too, even for an infinite
   * or NaN {@code g}), as the eager {@link Tensor#relu()} and PyTorch's {@code threshold_backward}.
   */
  public static Tensor relu(Tensor g, Tensor x) {
    double[] gv = g.toArray();
    double[] xv = x.toArray();
    for (int i = 0; i < xv.length; i++) {
      gv[i] = xv[i] > 0 ? gv[i] : 0.0;
    }
    return Tensor.fromArray(gv, x.shape());
  }

  /** {@code abs'}: {@code g} times the sign of {@code x}: 0 at 0, NaN at NaN, as the eager {@link Tensor#abs()}. */
  public static Tensor abs(Tensor g, Tensor x) {
    double[] gv = g.toArray();
    double[] xv = x.toArray();
    for (int i = 0; i < xv.length; i++) {
      double v = xv[i];
      gv[i] *= v > 0 ? 1.0 : v < 0 ? -1.0 : v == 0 ? 0.0 : Double.NaN;
    }
    return Tensor.fromArray(gv, x.shape());
  }

  /** {@code d x^p / dx = p x^(p-1)}, and 0 everywhere for {@code p == 0}. */
  public static Tensor pow(Tensor g, Tensor x, double p) {
    if (p == 0.0) {
      return Tensor.zeros(x.shape());
    }
    double[] gv = g.toArray();
    double[] xv = x.toArray();
    if (p == 2.0) {
      for (int i = 0; i < xv.length; i++) {
        gv[i] *= 2.0 * xv[i]; // Math.pow(v, 1.0) is v
      }
    } else if (p == 3.0) {
      for (int i = 0; i < xv.length; i++) {
        gv[i] *= 3.0 * (xv[i] * xv[i]); // Math.pow(v, 2.0) is v * v
      }
    } else {
      for (int i = 0; i < xv.length; i++) {
        gv[i] *= p * Math.pow(xv[i], p - 1.0);
      }
    }
    return Tensor.fromArray(gv, x.shape());
  }

  /**
   * The gradient of {@code y = x.pow(p)} with respect to the exponent: {@code sum(g * y * log x)}, with
   * the entries where {@code x == 0} and {@code p >= 0} masked to 0 as PyTorch does.
   */
  public static double powExponent(Tensor g, Tensor x, double p, Tensor y) {
    double[] gv = g.toArray();
    double[] xv = x.toArray();
    double[] yv = y.toArray();
    double sum = 0.0;
    for (int i = 0; i < xv.length; i++) {
      if (!(xv[i] == 0.0 && p >= 0.0)) {
        sum += gv[i] * yv[i] * Math.log(xv[i]);
      }
    }
    return sum;
  }

  /**
   * The gradient of a full max or min {@code y} of {@code x}: split evenly among the entries equal to it, or,
   * when {@code y} is NaN (a NaN entry wins, as in PyTorch), among the NaN entries.
   */
  public static Tensor extremum(Tensor g, Tensor x, Tensor y) {
    double target = y.item();
    boolean nan = Double.isNaN(target);
    double[] values = x.toArray();
    boolean[] hit = new boolean[values.length];
    int ties = 0;
    for (int i = 0; i < values.length; i++) {
      hit[i] = nan ? Double.isNaN(values[i]) : values[i] == target;
      ties += hit[i] ? 1 : 0;
    }
    double share = g.item() / Math.max(1, ties);
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = hit[i] ? share : 0.0;
    }
    return Tensor.fromArray(out, x.shape());
  }

  /** The gradient of {@code y = softmax(x, dim)}: {@code y * (g - sum(g * y, dim))}. */
  public static Tensor softmax(Tensor g, Tensor y, int dim) {
    return y.mul(g.sub(g.mul(y).sum(dim, true)));
  }

  /** The gradient of {@code y = logSoftmax(x, dim)}: {@code g - exp(y) * sum(g, dim)}. */
  public static Tensor logSoftmax(Tensor g, Tensor y, int dim) {
    return g.sub(y.exp().mul(g.sum(dim, true)));
  }

  /** The gradient of the mean cross-entropy with respect to the logits: {@code (softmax - onehot) * g / N}. */
  public static Tensor crossEntropy(Tensor g, Tensor logits, int[] targets) {
    if (logits.dim() != 2) {
      return OpAdjoints.crossEntropy(g, logits, targets); // [N, C, d1, ...]: the eager K-dimensional rule
    }
    Tensor p = logits.softmax(1);
    int n = logits.shape()[0];
    int c = logits.shape()[1];
    double[] oneHot = new double[n * c];
    for (int i = 0; i < n; i++) {
      oneHot[i * c + targets[i]] = 1.0;
    }
    return p.sub(Tensor.fromArray(oneHot, n, c)).mul(g.item() / n);
  }

  /**
   * {@code dA} of {@code A.matmul(B)} for every rank {@link Tensor#matmul} accepts: {@code g · Bᵀ} on the
   * operands promoted to matrices (a 1-D {@code A} as a row, a 1-D {@code B} as a column), summed over the
   * batch dimension when {@code A} was broadcast over it.
   */
  public static Tensor matmulFirst(Tensor g, Tensor a, Tensor b) {
    if (a.dim() == 2 && b.dim() == 2) {
      return g.matmul(b.t());
    }
    Tensor b2 = b.dim() == 1 ? b.unsqueeze(1) : b;
    Tensor g2 = asProduct(g, a, b);
    Tensor a2 = a.dim() == 1 ? a.unsqueeze(0) : a;
    return g2.matmul(b2.transpose(-1, -2)).sumToSize(a2.shape()).reshape(a.shape());
  }

  /** {@code dB} of {@code A.matmul(B)} for every rank: {@code Aᵀ · g} on the promoted operands, batch summed. */
  public static Tensor matmulSecond(Tensor g, Tensor a, Tensor b) {
    if (a.dim() == 2 && b.dim() == 2) {
      return a.t().matmul(g);
    }
    Tensor a2 = a.dim() == 1 ? a.unsqueeze(0) : a;
    Tensor g2 = asProduct(g, a, b);
    Tensor b2 = b.dim() == 1 ? b.unsqueeze(1) : b;
    return a2.transpose(-1, -2).matmul(g2).sumToSize(b2.shape()).reshape(b.shape());
  }

  /** {@code g} with the dimensions {@code matmul} removed for 1-D operands put back (size 1). */
  private static Tensor asProduct(Tensor g, Tensor a, Tensor b) {
    Tensor g2 = b.dim() == 1 ? g.unsqueeze(g.dim()) : g;
    return a.dim() == 1 ? g2.unsqueeze(g2.dim() - 1) : g2;
  }

  /** A gradient that shares no storage with anything the caller holds; zeros of {@code like}'s shape for none. */
  public static Tensor fresh(Tensor gradient, Tensor like) {
    return gradient == null ? Tensor.zeros(like.shape()) : copy(gradient);
  }

  /**
   * A gradient for a graph node: {@code null} when no gradient reached the input (as the eager graph and
   * PyTorch leave an unused input's {@code grad()}), else a copy.
   */
  public static Tensor freshOrNull(Tensor gradient) {
    return gradient == null ? null : copy(gradient);
  }

  /** A leaf holding a copy of {@code t}'s values, copied once ({@code fromArray(toArray())} copies twice). */
  private static Tensor copy(Tensor t) {
    return t.detach().clone();
  }

  /** {@code gradient}, or zeros of {@code like}'s shape when no gradient reached that input. */
  public static Tensor orZeros(Tensor gradient, Tensor like) {
    return gradient == null ? Tensor.zeros(like.shape()) : gradient;
  }

  /**
   * Refuses a {@code static final} tensor that requires grad: generated code treats constants as constants
   * and would never give it a gradient, where eager autograd (and PyTorch) would.
   *
   * @param field the constant, as {@code Owner.NAME}
   * @param method the {@code @Differentiable} method that reads it
   */
  public static void requireConstant(Tensor constant, String field, String method) {
    if (constant != null && constant.isRequiresGrad()) {
      throw new IllegalStateException(method + " reads the static final tensor " + field + ", which requires"
          + " grad, but the code generated for " + method + " differentiates only with respect to its"
          + " parameters, so " + field + " would never receive a gradient: pass it to " + method + " as a"
          + " Tensor parameter, or call requiresGrad(false) on it if it is a constant");
    }
  }

  /** A copy of an array argument a graph node reads by reference, to check it later; null stays null. */
  public static int[] snapshot(int[] a) {
    return a == null ? null : a.clone();
  }

  /** A copy of an array argument a graph node reads by reference, to check it later; null stays null. */
  public static double[] snapshot(double[] a) {
    return a == null ? null : a.clone();
  }

  /** A deep copy of an array argument a graph node reads by reference, to check it later. */
  public static double[][] snapshot(double[][] a) {
    return a == null ? null : ArrayAdjoints.copyOf(a);
  }

  /** Throws PyTorch's in-place modification error if array argument {@code name} changed since its snapshot. */
  public static void requireUnchanged(int[] now, int[] then, String name, String method) {
    if (!Arrays.equals(now, then)) {
      throw modified(name, "int[]", method);
    }
  }

  /** Throws PyTorch's in-place modification error if array argument {@code name} changed since its snapshot. */
  public static void requireUnchanged(double[] now, double[] then, String name, String method) {
    if (!Arrays.equals(now, then)) {
      throw modified(name, "double[]", method);
    }
  }

  /** Throws PyTorch's in-place modification error if array argument {@code name} changed since its snapshot. */
  public static void requireUnchanged(double[][] now, double[][] then, String name, String method) {
    if (!Arrays.deepEquals(now, then)) {
      throw modified(name, "double[][]", method);
    }
  }

  private static IllegalStateException modified(String name, String type, String method) {
    return new IllegalStateException("one of the variables needed for gradient computation has been modified"
        + " by an inplace operation: the " + type + " argument '" + name + "' of " + method + " changed"
        + " between the call and the reverse pass, which reads it. Hint: do the update after backward(), or"
        + " pass a copy (" + name + ".clone()) to " + method + ".");
  }

  /** Throws unless {@code upstream} has exactly {@code output}'s shape. */
  public static void requireSameShape(Tensor upstream, Tensor output) {
    if (upstream == null) {
      throw new IllegalArgumentException("upstream must not be null");
    }
    if (!Arrays.equals(upstream.shape(), output.shape())) {
      throw Backward.mismatch(upstream.shape(), output.shape());
    }
  }

  /** The upstream {@code 1} of a scalar output, or PyTorch's error for any other shape. */
  public static Tensor implicitUpstream(Tensor output) {
    if (output.numel() != 1) {
      throw Backward.implicitUpstream(output.shape());
    }
    return Tensor.ones(output.shape());
  }
}
