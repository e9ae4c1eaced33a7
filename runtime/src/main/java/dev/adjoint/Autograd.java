package dev.adjoint;

import java.util.function.Function;

/**
 * Functional autograd helpers in the spirit of {@code torch.autograd.grad} and
 * {@code torch.autograd.functional}: gradients returned as values, Jacobians and Hessians.
 */
public final class Autograd {
  private Autograd() {}

  /**
   * The vector-Jacobian product {@code upstream · d output / d input} for each of {@code inputs},
   * without touching any leaf's {@link Tensor#grad()}.
   *
   * <p>Unlike PyTorch (which raises unless {@code allow_unused=True}) an input the output does not
   * depend on gets a zero gradient of its shape, as design.md §2 asks for parameters. Inputs may be
   * leaves or intermediate (non-leaf) tensors of the graph; each must require grad. The returned
   * tensors are fresh copies that do not require grad.
   *
   * @param upstream of exactly the output's shape, or {@code null} for a one-element output
   * @param retainGraph keep the saved values for another reverse pass
   * @throws IllegalArgumentException for an upstream of another shape or an input that does not
   *     require grad
   * @throws IllegalStateException as {@link Tensor#backward(Tensor, boolean)}
   */
  public static Tensor[] grad(Tensor output, Tensor[] inputs, Tensor upstream, boolean retainGraph) {
    return grad(output, inputs, upstream, retainGraph, false);
  }

  /** {@link #grad(Tensor, Tensor[], Tensor, boolean)} for a one-element output with upstream 1, freeing the graph. */
  public static Tensor[] grad(Tensor output, Tensor... inputs) {
    return grad(output, inputs, null, false, false);
  }

  /**
   * Like {@link #grad(Tensor, Tensor[], Tensor, boolean)}; with {@code createGraph} the reverse pass is
   * itself recorded, so the returned gradients are differentiable again (double backward, as PyTorch's
   * {@code create_graph=True}); they then are graph tensors, not copies, and the graph is retained
   * whatever {@code retainGraph} says (the new graph refers to the old one's saved values).
   */
  public static Tensor[] grad(
      Tensor output, Tensor[] inputs, Tensor upstream, boolean retainGraph, boolean createGraph) {
    Tensor[] result = capture(output, inputs, upstream, retainGraph, createGraph);
    for (int i = 0; i < inputs.length; i++) {
      if (result[i] == null) {
        result[i] = Tensor.zeros(inputs[i].shapeRef());
      }
    }
    return result;
  }

  /**
   * PyTorch's {@code torch.autograd.grad(..., allow_unused=...)} exactly: an input the output does not depend
   * on gets {@code null} when {@code allowUnused}, and is refused with PyTorch's message otherwise (the other
   * overloads give zeros instead).
   *
   * @throws IllegalArgumentException for an unused input when {@code allowUnused} is false
   */
  public static Tensor[] grad(Tensor output, Tensor[] inputs, Tensor upstream, boolean retainGraph,
      boolean createGraph, boolean allowUnused) {
    Tensor[] result = capture(output, inputs, upstream, retainGraph, createGraph);
    for (int i = 0; i < inputs.length; i++) {
      if (result[i] == null && !allowUnused) {
        throw new IllegalArgumentException("One of the differentiated Tensors (input " + i + ") appears to not"
            + " have been used in the graph. Set allowUnused = true if this is the desired behavior.");
      }
    }
    return result;
  }

  /** The gradients of {@code inputs}, {@code null} where nothing reached an input. */
  private static Tensor[] capture(
      Tensor output, Tensor[] inputs, Tensor upstream, boolean retainGraph, boolean createGraph) {
    for (int i = 0; i < inputs.length; i++) {
      if (!inputs[i].isRequiresGrad()) {
        throw new IllegalArgumentException("input " + i + " (shape " + Shapes.str(inputs[i].shapeRef())
            + ") does not require grad, so it has no gradient; call requiresGrad() on it");
      }
    }
    Tensor up = Engine.checkedUpstream(output, upstream);
    Tensor[] captured = Engine.run(output, up, retainGraph || createGraph, createGraph, inputs);
    Tensor[] result = new Tensor[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      Tensor g = captured[i];
      if (g != null) {
        result[i] = createGraph ? g : Tensor.wrap(g.toArray(), g.shapeRef().clone());
      }
    }
    return result;
  }

  /**
   * The Jacobian of {@code f} at {@code x}, built the way the seed article builds it: one reverse pass
   * per output element with a one-hot upstream, the graph retained between passes and freed by the
   * last one. Row {@code i} is the gradient of output element {@code i}; the shape is
   * {@code [out.numel(), x.numel()]} (the article stores the transpose, {@code j[:, i]}).
   *
   * <p>The passes go through {@link #grad(Tensor, Tensor[], Tensor, boolean)} rather than
   * {@code backward()}, so that no leaf's {@code grad()} changes, neither {@code x}'s nor that of a
   * parameter {@code f} closes over. {@code f} is applied once, to a fresh leaf sharing {@code x}'s
   * values. An output that does not depend on {@code x} gives zeros.
   */
  public static Tensor jacobian(Function<Tensor, Tensor> f, Tensor x) {
    Tensor leaf = x.detach().requiresGrad();
    Tensor y = f.apply(leaf);
    int m = y.numel();
    int n = x.numel();
    double[] j = new double[m * n];
    if (y.isRequiresGrad()) {
      for (int i = 0; i < m; i++) {
        double[] onehot = new double[m];
        onehot[i] = 1;
        Tensor row = grad(y, new Tensor[] {leaf}, Tensor.fromArray(onehot, y.shapeRef()), i < m - 1)[0];
        System.arraycopy(row.values(), 0, j, i * n, n);
      }
    }
    return Tensor.wrap(j, new int[] {m, n});
  }

  /**
   * The Hessian of a scalar {@code f} at {@code x}, shape {@code [x.numel(), x.numel()]}, by double
   * backward (no finite differences): the gradient is computed with a recorded reverse pass, then each
   * of its entries is differentiated again with a one-hot upstream. Exact for every operation of
   * {@link Tensor} (all reverse rules are written with differentiable tensor operations). Through the node
   * of a generated static {@code @Differentiable} method the second pass runs the original method again with
   * recorded operations (exact); through a node that has no original to run it throws; through a user's {@link Pullback} node second derivatives are zero unless the pullback records its own graph.
   *
   * @throws IllegalArgumentException if {@code f} does not return a one-element tensor
   */
  public static Tensor hessian(Function<Tensor, Tensor> f, Tensor x) {
    Tensor leaf = x.detach().requiresGrad();
    Tensor y = f.apply(leaf);
    int n = x.numel();
    if (y.numel() != 1) {
      throw new IllegalArgumentException("hessian needs a function with a one-element result, got shape "
          + Shapes.str(y.shapeRef()));
    }
    double[] h = new double[n * n];
    if (y.isRequiresGrad()) {
      Tensor g = grad(y, new Tensor[] {leaf}, null, true, true)[0];
      if (g.isRequiresGrad()) {
        for (int i = 0; i < n; i++) {
          double[] onehot = new double[n];
          onehot[i] = 1;
          Tensor row = grad(g, new Tensor[] {leaf}, Tensor.fromArray(onehot, g.shapeRef()), i < n - 1)[0];
          System.arraycopy(row.values(), 0, h, i * n, n);
        }
      }
    }
    return Tensor.wrap(h, new int[] {n, n});
  }
}
