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
    return Tensor.full(g.item(), like.shape());
  }

  /** The gradient of a reduction over {@code dim}: {@code g} broadcast back along it. */
  public static Tensor expandAlong(Tensor g, Tensor like, int dim, boolean keepDim) {
    int d = dim < 0 ? dim + like.dim() : dim;
    Tensor kept = keepDim ? g : g.unsqueeze(d);
    return kept.mul(Tensor.ones(like.shape()));
  }

  /** The gradient of {@code item()}: {@code g} in every position of {@code like}. */
  public static Tensor fill(double g, Tensor like) {
    return Tensor.full(g, like.shape());
  }

  /** {@code relu'}: 1 where {@code x > 0}, 0 elsewhere (0 at 0, as PyTorch). */
  public static Tensor relu(Tensor g, Tensor x) {
    return mask(g, x, v -> v > 0 ? 1.0 : 0.0);
  }

  /** {@code abs'}: the sign of {@code x}, 0 at 0. */
  public static Tensor abs(Tensor g, Tensor x) {
    return mask(g, x, v -> v > 0 ? 1.0 : v < 0 ? -1.0 : 0.0);
  }

  /** {@code d x^p / dx = p x^(p-1)}, and 0 everywhere for {@code p == 0}. */
  public static Tensor pow(Tensor g, Tensor x, double p) {
    return p == 0.0 ? Tensor.zeros(x.shape()) : mask(g, x, v -> p * Math.pow(v, p - 1.0));
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

  /** The gradient of a full max or min {@code y} of {@code x}: split evenly among the entries equal to it. */
  public static Tensor extremum(Tensor g, Tensor x, Tensor y) {
    double target = y.item();
    double[] values = x.toArray();
    int ties = 0;
    for (double v : values) {
      ties += v == target ? 1 : 0;
    }
    double share = g.item() / Math.max(1, ties);
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i] == target ? share : 0.0;
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
    Tensor p = logits.softmax(1);
    int n = logits.shape()[0];
    int c = logits.shape()[1];
    double[] oneHot = new double[n * c];
    for (int i = 0; i < n; i++) {
      oneHot[i * c + targets[i]] = 1.0;
    }
    return p.sub(Tensor.fromArray(oneHot, n, c)).mul(g.item() / n);
  }

  /** {@code dA} of {@code A.matmul(B)} for matrices: {@code g · Bᵀ}. */
  public static Tensor matmulFirst(Tensor g, Tensor a, Tensor b) {
    requireMatrices(a, b);
    return g.matmul(b.t());
  }

  /** {@code dB} of {@code A.matmul(B)} for matrices: {@code Aᵀ · g}. */
  public static Tensor matmulSecond(Tensor g, Tensor a, Tensor b) {
    requireMatrices(a, b);
    return a.t().matmul(g);
  }

  private static void requireMatrices(Tensor a, Tensor b) {
    if (a.dim() != 2 || b.dim() != 2) {
      throw new UnsupportedOperationException("matmul of tensors of rank " + a.dim() + " and " + b.dim()
          + " inside a @Differentiable method is not supported yet (only matrix products): reshape to 2-D, or"
          + " use Tensor's own autograd for this product");
    }
  }

  /** A gradient that shares no storage with anything the caller holds. */
  public static Tensor fresh(Tensor gradient, Tensor like) {
    return gradient == null ? Tensor.zeros(like.shape()) : Tensor.fromArray(gradient.toArray(), gradient.shape());
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

  private interface Derivative {
    double at(double x);
  }

  private static Tensor mask(Tensor g, Tensor x, Derivative derivative) {
    double[] gv = g.toArray();
    double[] xv = x.toArray();
    double[] out = new double[xv.length];
    for (int i = 0; i < xv.length; i++) {
      out[i] = gv[i] * derivative.at(xv[i]);
    }
    return Tensor.fromArray(out, x.shape());
  }
}
