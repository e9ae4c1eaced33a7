package dev.adjoint;

import java.util.Arrays;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Checks a function's reverse pass against central differences, as {@code torch.autograd.gradcheck}
 * does, with PyTorch's float64 defaults: {@code eps = 1e-6}, {@code atol = 1e-5}, {@code rtol = 1e-3}.
 *
 * <p>Returns {@code true} when every entry of the analytical Jacobian (reverse pass, one one-hot
 * upstream per output element) matches the numerical one ({@code |a - n| <= atol + rtol·|n|}) and a
 * second retained reverse pass gives bit-identical results; otherwise throws {@link AssertionError}
 * naming the first mismatching input, the entry, and the numerical and analytical values.
 */
public final class Gradcheck {
  /** PyTorch's default perturbation. */
  public static final double EPS = 1e-6;
  /** PyTorch's default absolute tolerance. */
  public static final double ATOL = 1e-5;
  /** PyTorch's default relative tolerance. */
  public static final double RTOL = 1e-3;

  private Gradcheck() {}

  /**
   * Gradient-checks {@code f} at {@code inputs} with the default tolerances. Only the inputs that
   * require grad are checked (at least one must); the others are passed as constants. The inputs are
   * never modified: {@code f} receives fresh leaves holding copies of their values.
   *
   * @return {@code true} (for use in assertions)
   * @throws AssertionError on the first mismatch, or if the reverse pass is not reproducible
   */
  public static boolean gradcheck(Function<Tensor[], Tensor> f, Tensor... inputs) {
    return gradcheck(f, EPS, ATOL, RTOL, inputs);
  }

  /** {@link #gradcheck(Function, Tensor...)} with explicit perturbation and tolerances. */
  public static boolean gradcheck(
      Function<Tensor[], Tensor> f, double eps, double atol, double rtol, Tensor... inputs) {
    int k = inputs.length;
    Tensor[] leaves = new Tensor[k];
    int differentiable = 0;
    for (int i = 0; i < k; i++) {
      leaves[i] = Tensor.wrap(inputs[i].toArray(), inputs[i].shapeRef().clone());
      if (inputs[i].isRequiresGrad()) {
        leaves[i].requiresGrad();
        differentiable++;
      }
    }
    if (differentiable == 0) {
      throw new IllegalArgumentException("gradcheck expects at least one input tensor to require gradient");
    }
    Tensor[] wrt = new Tensor[differentiable];
    int[] position = new int[differentiable];
    for (int i = 0, j = 0; i < k; i++) {
      if (leaves[i].isRequiresGrad()) {
        position[j] = i;
        wrt[j++] = leaves[i];
      }
    }
    Tensor out = f.apply(leaves);
    int m = out.numel();
    double[][][] analytical = analytical(out, wrt, m);
    double[][][] again = analytical(out, wrt, m);
    for (int j = 0; j < differentiable; j++) {
      for (int o = 0; o < m; o++) {
        if (!Arrays.equals(analytical[j][o], again[j][o])) {
          throw new AssertionError("Backward is not reentrant, i.e., running backward with the same input"
              + " and upstream twice (graph retained) gives different values for input " + position[j]
              + " at output entry " + o + ": " + Arrays.toString(analytical[j][o]) + " vs "
              + Arrays.toString(again[j][o]));
        }
      }
    }
    for (int j = 0; j < differentiable; j++) {
      int i = position[j];
      double[] x = inputs[i].values();
      for (int e = 0; e < x.length; e++) {
        double[] plus = evaluate(f, inputs, i, e, x[e] + eps);
        double[] minus = evaluate(f, inputs, i, e, x[e] - eps);
        for (int o = 0; o < m; o++) {
          double numerical = (plus[o] - minus[o]) / (2 * eps);
          double a = analytical[j][o][e];
          boolean close = a == numerical || Math.abs(a - numerical) <= atol + rtol * Math.abs(numerical);
          if (!close) {
            throw new AssertionError("Jacobian mismatch for input " + i + " (shape "
                + Shapes.str(inputs[i].shapeRef()) + ") at entry " + Shapes.str(unflatten(e, inputs[i].shapeRef()))
                + " with respect to output entry " + Shapes.str(unflatten(o, out.shapeRef())) + ": numerical "
                + numerical + ", analytical " + a + " (eps " + eps + ", atol " + atol + ", rtol " + rtol + ")");
          }
        }
      }
    }
    return true;
  }

  /**
   * Gradient-checks a generated gradient of a scalar function of a vector with the default tolerances,
   * for example {@code gradcheck(Losses::rosenbrock, x -> LossesGrad.rosenbrockGradient(x).x(), x0)}.
   *
   * @return {@code true} (for use in assertions)
   * @throws AssertionError on the first mismatch (naming the entry, the numerical and analytical values),
   *     if two calls of {@code gradient} differ, or if either function changed its argument
   */
  public static boolean gradcheck(
      ToDoubleFunction<double[]> f, Function<double[], double[]> gradient, double... x) {
    return gradcheckVjp(v -> new double[] {f.applyAsDouble(v)}, (v, upstream) -> {
      double[] g = gradient.apply(v);
      double[] scaled = new double[g.length];
      for (int i = 0; i < g.length; i++) {
        scaled[i] = upstream[0] * g[i];
      }
      return scaled;
    }, x);
  }

  /**
   * Gradient-checks a vector-Jacobian product of a vector function, with the default tolerances: the
   * Jacobian is built the seed article's way, one one-hot upstream per output entry, for example
   * {@code gradcheckVjp(Losses::k, (m, u) -> LossesGrad.kVjp(m, u).m(), m0)}.
   *
   * @return {@code true} (for use in assertions)
   * @throws AssertionError on the first mismatch, if two reverse passes differ, or if an argument changed
   */
  public static boolean gradcheckVjp(
      Function<double[], double[]> f, BiFunction<double[], double[], double[]> vjp, double... x) {
    double[] input = x.clone();
    double[] value = f.apply(x.clone());
    int m = value.length;
    double[][] rows = new double[m][];
    for (int o = 0; o < m; o++) {
      double[] upstream = new double[m];
      upstream[o] = 1;
      double[] first = vjp.apply(x, upstream);
      double[] second = vjp.apply(x, upstream.clone());
      if (!Arrays.equals(first, second)) {
        throw new AssertionError("Backward is not reentrant: two reverse passes with the same input and upstream"
            + " (output entry " + o + ") give " + Arrays.toString(first) + " and " + Arrays.toString(second));
      }
      if (first.length != x.length) {
        throw new AssertionError("the gradient has " + first.length + " entries but the input has " + x.length);
      }
      if (upstream[o] != 1 || !Arrays.equals(x, input)) {
        throw new AssertionError("the reverse pass changed its input or its upstream");
      }
      rows[o] = first;
    }
    for (int e = 0; e < x.length; e++) {
      double[] plus = x.clone();
      double[] minus = x.clone();
      plus[e] += EPS;
      minus[e] -= EPS;
      double[] fp = f.apply(plus);
      double[] fm = f.apply(minus);
      for (int o = 0; o < m; o++) {
        double numerical = (fp[o] - fm[o]) / (2 * EPS);
        double a = rows[o][e];
        boolean close = a == numerical || Math.abs(a - numerical) <= ATOL + RTOL * Math.abs(numerical);
        if (!close) {
          throw new AssertionError("Jacobian mismatch at input entry [" + e + "] with respect to output entry ["
              + o + "]: numerical " + numerical + ", analytical " + a + " (eps " + EPS + ", atol " + ATOL
              + ", rtol " + RTOL + ")");
        }
      }
    }
    if (!Arrays.equals(x, input)) {
      throw new AssertionError("the function changed its input");
    }
    return true;
  }

  /** {@code [input][output entry][input entry]} by one retained reverse pass per output entry. */
  private static double[][][] analytical(Tensor out, Tensor[] wrt, int m) {
    double[][][] a = new double[wrt.length][m][];
    for (int o = 0; o < m; o++) {
      Tensor[] g;
      if (out.isRequiresGrad()) {
        double[] onehot = new double[m];
        onehot[o] = 1;
        g = Autograd.grad(out, wrt, Tensor.fromArray(onehot, out.shapeRef()), true);
      } else {
        g = new Tensor[wrt.length];
        for (int j = 0; j < wrt.length; j++) {
          g[j] = Tensor.zeros(wrt[j].shapeRef());
        }
      }
      for (int j = 0; j < wrt.length; j++) {
        a[j][o] = g[j].values();
      }
    }
    return a;
  }

  private static double[] evaluate(Function<Tensor[], Tensor> f, Tensor[] inputs, int which, int entry, double v) {
    Tensor[] args = new Tensor[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      args[i] = Tensor.wrap(inputs[i].toArray(), inputs[i].shapeRef().clone());
    }
    args[which].storage[entry] = v;
    return Tensor.noGrad(() -> f.apply(args)).toArray();
  }

  private static int[] unflatten(int flat, int[] shape) {
    int[] index = new int[shape.length];
    for (int d = shape.length - 1; d >= 0; d--) {
      index[d] = flat % shape[d];
      flat /= shape[d];
    }
    return index;
  }
}
