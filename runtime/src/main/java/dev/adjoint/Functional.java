package dev.adjoint;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Forward-mode and second-order derivatives of a function of several tensors, as PyTorch's
 * {@code torch.autograd.functional} computes them: {@link #jvp}, {@link #jacobian}, {@link #hvp} and
 * {@link #hessian}. The companions of {@code @Differentiable} methods with {@code Tensor} signatures call these
 * for their {@code mJvp}, {@code mJacobian}, {@code mHvp} and {@code mHessian}.
 *
 * <p>Everything is reverse mode: the tensor operations have reverse rules written with differentiable tensor
 * operations, and no forward (tangent) rules. {@link #jvp} therefore uses the double-vjp construction PyTorch's
 * {@code autograd.functional.jvp} uses: {@code J v = d/du <u J, v>}, one recorded reverse pass (the
 * vector-Jacobian product as a function of a dummy upstream {@code u}) and a reverse pass through it, so a JVP
 * costs the forward pass and about two reverse passes, whatever the number of inputs and outputs. This is exact
 * for every operation whose reverse rule is differentiable (every operation of {@link Tensor}); through an
 * {@link AutogradFunction} it needs the function's {@code backward} to be written with tensor operations (as
 * for any second derivative), and through a node without a second reverse rule it throws.
 *
 * <p>{@code f} is applied once per call, to fresh leaves sharing the inputs' values, with recording enabled
 * (also inside {@code noGrad}); no leaf's {@link Tensor#grad()} changes, and the results do not require grad.
 * An output that does not depend on an input gives zeros for it.
 */
public final class Functional {
  private Functional() {}

  /**
   * The value of {@code f} at {@code inputs} and its directional derivative {@code J v} along
   * {@code tangents} (one per input, of its shape): PyTorch's {@code torch.autograd.functional.jvp}, by
   * double vjp.
   *
   * @return {@code {value, tangent}}, the tangent shaped like the value
   * @throws IllegalArgumentException for a tangent of another shape than its input, or other counts
   */
  public static Tensor[] jvp(Function<Tensor[], Tensor> f, Tensor[] inputs, Tensor[] tangents) {
    sameShapes(inputs, tangents, "tangent");
    return Tensor.enableGrad(() -> {
      Tensor[] x = leaves(inputs);
      Tensor y = f.apply(x);
      Tensor value = y.detach();
      if (!y.isRequiresGrad()) {
        return new Tensor[] {value, Tensor.zeros(y.shapeRef())};
      }
      // the vector-Jacobian product as a recorded function of u (linear in it: u's values do not matter)
      Tensor u = Tensor.zeros(y.shapeRef()).requiresGrad();
      Tensor[] g = Autograd.grad(y, x, u, false, true);
      Tensor inner = contraction(g, tangents);
      if (inner == null) {
        return new Tensor[] {value, Tensor.zeros(y.shapeRef())};
      }
      return new Tensor[] {value, Autograd.grad(inner, new Tensor[] {u}, null, false)[0]};
    });
  }

  /**
   * The Hessian-vector product of a function with a one-element result: one tensor per input, the derivative
   * of {@code <grad f, v>} with respect to it ({@code directions} one per input, of its shape), by double
   * backward, as PyTorch's {@code torch.autograd.functional.hvp}: a recorded reverse pass and a reverse pass
   * through it.
   *
   * @throws IllegalArgumentException if {@code f}'s result has more than one element, for a direction of
   *     another shape than its input, or other counts
   */
  public static Tensor[] hvp(Function<Tensor[], Tensor> f, Tensor[] inputs, Tensor[] directions) {
    sameShapes(inputs, directions, "direction");
    return Tensor.enableGrad(() -> {
      Tensor[] x = leaves(inputs);
      Tensor y = scalar(f.apply(x), "hvp");
      Tensor[] none = zerosLike(inputs);
      if (!y.isRequiresGrad()) {
        return none;
      }
      Tensor[] g = Autograd.grad(y, x, null, false, true);
      Tensor inner = contraction(g, directions);
      if (inner == null) {
        return none;
      }
      return Autograd.grad(inner, x, null, false);
    });
  }

  /**
   * The Jacobian of {@code f} with respect to each input, as PyTorch's {@code torch.autograd.functional.jacobian}
   * shapes it: for input {@code k}, the result's shape followed by the input's shape. One reverse pass per
   * result element with a one-hot upstream (no second derivatives: through a generated node this is its
   * generated reverse pass).
   */
  public static Tensor[] jacobian(Function<Tensor[], Tensor> f, Tensor[] inputs) {
    return Tensor.enableGrad(() -> {
      Tensor[] x = leaves(inputs);
      Tensor y = f.apply(x);
      int m = y.numel();
      double[][] rows = new double[inputs.length][];
      for (int k = 0; k < inputs.length; k++) {
        rows[k] = new double[m * inputs[k].numel()];
      }
      if (y.isRequiresGrad()) {
        for (int i = 0; i < m; i++) {
          double[] onehot = new double[m];
          onehot[i] = 1;
          Tensor[] g = Autograd.grad(y, x, Tensor.fromArray(onehot, y.shapeRef()), i < m - 1);
          for (int k = 0; k < inputs.length; k++) {
            int n = inputs[k].numel();
            System.arraycopy(g[k].toArray(), 0, rows[k], i * n, n);
          }
        }
      }
      Tensor[] out = new Tensor[inputs.length];
      for (int k = 0; k < inputs.length; k++) {
        out[k] = Tensor.wrap(rows[k], concat(y.shapeRef(), inputs[k].shapeRef()));
      }
      return out;
    });
  }

  /**
   * The Hessian of a function of one tensor with a one-element result, shaped as PyTorch's
   * {@code torch.autograd.functional.hessian} shapes it: the input's shape twice. By double backward
   * ({@link Autograd#hessian}), one reverse pass through the recorded gradient per input element.
   *
   * @throws IllegalArgumentException if {@code f}'s result has more than one element
   */
  public static Tensor hessian(Function<Tensor[], Tensor> f, Tensor input) {
    Tensor h = Tensor.enableGrad(() -> Autograd.hessian(t -> scalar(f.apply(new Tensor[] {t}), "hessian"), input));
    return h.reshape(concat(input.shapeRef(), input.shapeRef()));
  }

  /**
   * {@link #hvp} of a {@code double}-valued function whose result is read from one one-element tensor by
   * {@link Tensor#item()}, its only read of a tensor into a {@code double} (as {@code return e.item();} at the end of
   * a method of tensors): double backward through that tensor's graph. {@code f} runs once, recorded, and the
   * tensor its result was read from is found by watching {@code item()} on this thread.
   *
   * @throws IllegalStateException if {@code f} read more than one tensor that depends on the inputs with
   *     {@code item()}, or its result is not the value read (then this graph is not its function)
   * @throws IllegalArgumentException for a direction of another shape than its input, or other counts
   */
  public static Tensor[] hvpOfItem(ToDoubleFunction<Tensor[]> f, Tensor[] inputs, Tensor[] directions) {
    return hvp(x -> itemSource(f, x, "hvpOfItem"), inputs, directions);
  }

  /**
   * {@link #hessian} of a {@code double}-valued function of one tensor whose result is read by {@code item()}
   * from one one-element tensor, as {@link #hvpOfItem} requires: shaped as the input's shape twice.
   *
   * @throws IllegalStateException as {@link #hvpOfItem}
   */
  public static Tensor hessianOfItem(ToDoubleFunction<Tensor[]> f, Tensor input) {
    return hessian(x -> itemSource(f, x, "hessianOfItem"), input);
  }

  /**
   * Runs {@code f} on the (recorded) inputs and returns the one-element tensor its result was read from, or the
   * result as a constant 0-dim tensor when it read no tensor that depends on the inputs (a function constant in
   * them).
   */
  private static Tensor itemSource(ToDoubleFunction<Tensor[]> f, Tensor[] x, String what) {
    double[] result = new double[1];
    List<Tensor> reads = ItemCapture.during(() -> result[0] = f.applyAsDouble(x));
    if (reads.isEmpty()) {
      return Tensor.of(result[0]);
    }
    Tensor read = reads.get(0);
    double value = read.detach().item();
    if (reads.size() > 1 || Double.doubleToLongBits(value) != Double.doubleToLongBits(result[0])) {
      throw new IllegalStateException(what + " needs a function whose result is the one value it reads from a"
          + " tensor with item(): it read " + reads.size() + " tensors that depend on the inputs"
          + (reads.size() == 1 ? " and returned " + result[0] + ", not the value read, " + value : ""));
    }
    return read;
  }

  /** {@code sum_k <g_k, v_k>} over the gradients that have a graph, or null when none has. */
  private static Tensor contraction(Tensor[] g, Tensor[] v) {
    Tensor sum = null;
    for (int k = 0; k < g.length; k++) {
      if (g[k].isRequiresGrad()) {
        Tensor term = g[k].mul(v[k].detach()).sum();
        sum = sum == null ? term : sum.add(term);
      }
    }
    return sum;
  }

  private static Tensor scalar(Tensor y, String what) {
    if (y.numel() != 1) {
      throw new IllegalArgumentException(what + " needs a function with a one-element result, got shape "
          + Shapes.str(y.shapeRef()));
    }
    return y;
  }

  private static Tensor[] leaves(Tensor[] inputs) {
    Tensor[] x = new Tensor[inputs.length];
    for (int k = 0; k < inputs.length; k++) {
      x[k] = inputs[k].detach().requiresGrad();
    }
    return x;
  }

  private static Tensor[] zerosLike(Tensor[] inputs) {
    Tensor[] z = new Tensor[inputs.length];
    for (int k = 0; k < inputs.length; k++) {
      z[k] = Tensor.zeros(inputs[k].shapeRef());
    }
    return z;
  }

  private static void sameShapes(Tensor[] inputs, Tensor[] vectors, String what) {
    if (inputs.length != vectors.length) {
      throw new IllegalArgumentException("one " + what + " per input: " + inputs.length + " inputs, "
          + vectors.length + " " + what + "s");
    }
    for (int k = 0; k < inputs.length; k++) {
      if (!Arrays.equals(inputs[k].shapeRef(), vectors[k].shapeRef())) {
        throw new IllegalArgumentException(what + " " + k + " has shape " + Shapes.str(vectors[k].shapeRef())
            + ", its input " + Shapes.str(inputs[k].shapeRef()));
      }
    }
  }

  private static int[] concat(int[] a, int[] b) {
    int[] s = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, s, a.length, b.length);
    return s;
  }
}
