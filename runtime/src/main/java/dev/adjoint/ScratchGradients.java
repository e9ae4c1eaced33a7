package dev.adjoint;

import java.util.Arrays;

/**
 * Reuse of gradient buffers inside one reverse pass. A built-in backward formula that computes a gradient into a
 * fresh array marks the result {@link Tensor#scratch}: nothing but the reverse pass references it. The one node
 * it flows to may then write its own result into that array instead of allocating another (the backward of
 * {@code tanh}, {@code sigmoid} and a product, element by element at the same index), and a leaf that has no
 * {@code grad()} yet takes the array as its gradient instead of a copy.
 *
 * <p>The mark is cleared wherever the tensor could be seen or read twice: when a pass records a graph
 * ({@code createGraph}), before a node whose rule is user or generated code ({@link Node#opaque}) receives it,
 * on every gradient such a node returns, when two gradients a node returns share storage (one tensor passed to
 * two inputs, or a view of it), when it is captured for {@link Autograd#grad}, and when a consumer takes its
 * array. So a tensor the user can reach never carries it, and never shares storage with a buffer that is reused.
 */
final class ScratchGradients {
  private ScratchGradients() {}

  /** {@code data} (fresh, owned by the caller) as a gradient of {@code shape} that the reverse pass alone holds. */
  static Tensor fresh(double[] data, int[] shape) {
    Tensor t = Tensor.wrap(data, shape);
    t.scratch = true;
    return t;
  }

  /**
   * An array for a gradient of {@code shape} computed element by element from {@code g}: {@code g}'s own
   * storage when {@code g} is scratch, plain and of that shape (the mark then moves to the result), else a fresh
   * array. Only for a rule that reads {@code g[i]} before it writes element {@code i}, and returns no other
   * tensor sharing {@code g}'s storage.
   */
  static double[] reuse(Tensor g, int[] shape) {
    if (g.scratch && g.plain && Arrays.equals(g.shapeRef(), shape)) {
      g.scratch = false;
      return g.storage;
    }
    return new double[Shapes.numel(shape)];
  }

  /** Before {@code n} runs on {@code g}: a user or generated rule, or a recorded pass, may keep {@code g}. */
  static void beforeApply(Node n, Tensor g, boolean createGraph) {
    if (createGraph || n.opaque) {
      g.scratch = false;
    }
  }

  /** After {@code n} returned {@code grads}: see the class comment for when a mark is cleared. */
  static void afterApply(Node n, Tensor[] grads, boolean createGraph) {
    for (int i = 0; i < grads.length; i++) {
      Tensor t = grads[i];
      if (t == null || !t.scratch) {
        continue;
      }
      if (createGraph || n.opaque) {
        t.scratch = false;
        continue;
      }
      for (int j = 0; j < grads.length; j++) {
        if (j != i && grads[j] != null && grads[j].storage == t.storage) {
          t.scratch = false;
          grads[j].scratch = false;
        }
      }
    }
  }

  /** Whether a leaf without a gradient may take {@code g}'s array as its {@code grad()} instead of a copy. */
  static boolean takeable(Tensor g, boolean createGraph) {
    return !createGraph && g.scratch && g.plain;
  }
}
