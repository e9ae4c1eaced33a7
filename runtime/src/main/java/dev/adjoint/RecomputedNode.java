package dev.adjoint;

import java.util.Arrays;
import java.util.function.Function;

/**
 * Double backward through the node of a generated {@code @Differentiable} tensor method. The generated reverse
 * pass computes numbers; when a reverse pass records a graph ({@code createGraph}, {@link Autograd#hessian}) the
 * node instead runs the original method again with {@link Tensor}'s recorded operations on aliases of its
 * inputs and differentiates that with a recorded reverse pass, so the gradients it returns carry a graph to the
 * inputs and to the upstream (what PyTorch does for a custom function whose backward is written with
 * differentiable operations). The first-order pass never comes here.
 */
final class RecomputedNode {
  private RecomputedNode() {}

  /**
   * What such a node keeps until a reverse pass that does not retain the graph frees it.
   *
   * @param pullback the generated reverse pass, for reverse passes that record no graph
   * @param original the original method applied to aliases of {@code inputs} (in order), with the generated
   *     checks of the method's array arguments
   * @param inputs the node's differentiable tensor inputs
   */
  record State(Pullback pullback, Function<Tensor[], Tensor> original, Tensor[] inputs) {}

  /**
   * The gradients of the node's inputs for {@code upstream}, as graph tensors: the original method runs on
   * one identity alias per input (so two inputs that are the same tensor, or one computed from the other, each
   * get their own partial derivative, as the generated pass gives them) and the reverse pass from its result
   * is recorded. {@code null} where the result does not depend on an input.
   */
  static Tensor[] gradients(String name, State state, Tensor upstream, Node node) {
    Tensor[] inputs = state.inputs();
    Tensor[] aliases = new Tensor[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      aliases[i] = node.needs(i)
          ? GraphRecorder.record(inputs[i].shareStorage(), name + "Input", new Tensor[] {inputs[i]},
              (g, n) -> new Tensor[] {g}, null, null)
          : inputs[i];
    }
    Tensor y = state.original().apply(aliases);
    if (y == null || !Arrays.equals(y.shapeRef(), upstream.shapeRef())) {
      throw new IllegalStateException("recomputing " + name + " for a second derivative gave "
          + (y == null ? "null" : "shape " + Shapes.str(y.shapeRef())) + " where the first call gave shape "
          + Shapes.str(upstream.shapeRef()) + ": the method must compute the same function on every call");
    }
    Tensor[] result = new Tensor[inputs.length];
    if (!y.isRequiresGrad()) {
      return result;
    }
    Tensor[] captured = Engine.run(y, upstream, true, true, aliases);
    for (int i = 0; i < inputs.length; i++) {
      result[i] = node.needs(i) ? captured[i] : null;
    }
    return result;
  }
}
