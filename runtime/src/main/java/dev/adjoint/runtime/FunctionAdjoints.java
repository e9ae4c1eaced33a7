package dev.adjoint.runtime;

import dev.adjoint.Autograd;
import dev.adjoint.AutogradFunction;
import dev.adjoint.Tensor;

/**
 * The reverse rule of an {@link AutogradFunction} applied inside a {@code @Differentiable} tensor method. The
 * generated forward sweep runs {@code f.apply(...)} without recording, so no {@code Context} survives to the
 * reverse sweep; there the function is applied again with recording on, input {@code k} a fresh leaf and the
 * others detached aliases (so {@code ctx.needsInputGrad(j)} is true for {@code j == k} only), and its own
 * {@code backward} gives the gradient, as under {@code torch.utils.checkpoint}. The function's
 * {@code forward} therefore runs once more per input that needs a gradient and must compute the same result
 * each time. Generated code calls this inside {@link Tensor#noGrad(java.util.function.Supplier)}.
 */
public final class FunctionAdjoints {
  private FunctionAdjoints() {}

  /**
   * The gradient of input {@code k} of {@code function.apply(inputs)} for the upstream {@code g}: zeros of the
   * input's shape when the function's {@code backward} returns none for it.
   */
  public static Tensor gradient(Tensor g, int k, AutogradFunction function, Tensor... inputs) {
    Tensor[] args = new Tensor[inputs.length];
    for (int j = 0; j < args.length; j++) {
      args[j] = inputs[j].detach();
    }
    Tensor leaf = args[k].requiresGrad();
    Tensor y = Tensor.enableGrad(() -> function.apply(args));
    if (!y.isRequiresGrad()) {
      return Tensor.zeros(leaf.shape());
    }
    return Tensor.enableGrad(() -> Autograd.grad(y, new Tensor[] {leaf}, g, false))[0];
  }
}
