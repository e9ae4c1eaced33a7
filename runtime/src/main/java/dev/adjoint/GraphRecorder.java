package dev.adjoint;

import java.util.Arrays;
import java.util.function.Function;

/**
 * Graph bookkeeping for {@link Tensor}: attaching a node to an operation's result when recording is on,
 * and the nodes of user and generated pullbacks (with their checks on what a pullback returns, the
 * version check of saved tensors and the once-differentiable mark). Kernels know nothing of this class.
 */
final class GraphRecorder {
  private GraphRecorder() {}

  /**
   * Attaches a node to {@code out} when recording is on and an input requires grad; returns {@code out}.
   *
   * @param saved tensors the rule reads through {@link Node#saved(int)} (version-checked), or null
   * @param state an opaque value the rule reads through {@link Node#state()}, or null
   */
  static Tensor record(Tensor out, String name, Tensor[] inputs, Node.Fn fn, Tensor[] saved, Object state) {
    if (!GradMode.isEnabled()) {
      return out;
    }
    boolean any = false;
    for (Tensor t : inputs) {
      any |= t.isRequiresGrad();
    }
    if (!any) {
      return out;
    }
    Node[] next = new Node[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      next[i] = inputs[i].isRequiresGrad() ? inputs[i].gradEdge() : null;
    }
    out.attach(new Node(name, next, fn, saved, state));
    return out;
  }

  /** See {@link Tensor#fromPullback}. */
  static Tensor fromPullback(String name, Tensor value, Pullback pullback, Tensor[] inputs) {
    Node.Fn fn = pullbackRule(name, value, pullback, inputs);
    return record(value.shareStorage(), name, inputs, fn, null, pullback);
  }

  /** The reverse rule of a pullback node: runs the pullback (the node's state) and checks what it returns. */
  static Node.Fn pullbackRule(String name, Tensor value, Pullback pullback, Tensor[] inputs) {
    if (name == null || value == null || pullback == null || inputs == null) {
      throw new IllegalArgumentException("name, value, pullback and inputs must not be null");
    }
    int[][] inputShapes = new int[inputs.length][];
    for (int i = 0; i < inputs.length; i++) {
      if (inputs[i] == null) {
        throw new IllegalArgumentException("input " + i + " of " + name + " is null");
      }
      inputShapes[i] = inputs[i].shapeRef();
    }
    int[] outShape = value.shapeRef();
    return (g, n) -> {
      Object state = n.state();
      Pullback p = state instanceof RecomputedNode.State r ? r.pullback() : (Pullback) state;
      Tensor[] grads = p.apply(g);
      if (grads == null || grads.length != inputShapes.length) {
        throw new IllegalStateException("the pullback of " + name + " returned "
            + (grads == null ? "null" : grads.length + " gradients") + " for " + inputShapes.length
            + " inputs");
      }
      for (int i = 0; i < grads.length; i++) {
        if (grads[i] != null && !Arrays.equals(grads[i].shapeRef(), inputShapes[i])) {
          throw new IllegalStateException("the pullback of " + name + " returned a gradient of shape "
              + Shapes.str(grads[i].shapeRef()) + " for input " + i + " of shape " + Shapes.str(inputShapes[i])
              + " (output shape " + Shapes.str(outShape) + ")");
        }
      }
      return grads;
    };
  }

  /**
   * See {@link Tensor#fromGeneratedPullback}; with {@code original} not null, reverse passes that record a graph
   * differentiate the original method again ({@link RecomputedNode}) instead of refusing; {@code whyOnce}, when
   * not null, is why the node is differentiable once, said by the refusal.
   */
  static Tensor fromGeneratedPullback(String name, String method, Tensor value, Pullback pullback, Tensor[] saved,
      Function<Tensor[], Tensor> original, String whyOnce, Tensor[] inputs) {
    if (method == null || saved == null) {
      throw new IllegalArgumentException("method and saved must not be null");
    }
    for (int i = 0; i < saved.length; i++) {
      if (saved[i] == null) {
        throw new IllegalArgumentException("saved tensor " + i + " of " + name + " is null");
      }
    }
    Node.Fn rule = pullbackRule(name, value, pullback, inputs);
    Tensor[] kept = saved.clone();
    Node.Fn checked = (g, n) -> {
      for (int i = 0; i < kept.length; i++) {
        n.saved(i);
      }
      if (GradMode.isEnabled() && n.state() instanceof RecomputedNode.State r) {
        return RecomputedNode.gradients(name, r, g, n);
      }
      Tensor[] grads = rule.apply(g, n);
      if (GradMode.isEnabled()) {
        for (int i = 0; i < grads.length; i++) {
          if (grads[i] != null) {
            grads[i] = onceDifferentiable(grads[i], name, method, whyOnce, n.next);
          }
        }
      }
      return grads;
    };
    Object state = original == null ? pullback : new RecomputedNode.State(pullback, original, inputs.clone());
    return record(value.shareStorage(), name, inputs, checked, kept, state);
  }

  /**
   * {@code g} as a graph tensor whose own reverse rule refuses: a gradient that a generated node computed
   * without a graph, in a reverse pass that records one (PyTorch's {@code DelayedError}).
   */
  private static Tensor onceDifferentiable(Tensor g, String name, String method, String whyOnce, Node[] inputs) {
    Tensor marked = g.shareStorage();
    String message = whyOnce == null
        ? "a second derivative through " + method + " (node " + name + ") is not supported: its generated"
            + " reverse pass computes numbers, not a graph, so it can be differentiated only once. For higher"
            + " derivatives (Autograd.hessian, Autograd.grad with createGraph) call the original method " + method
            + " itself, so that Tensor's eager operations record every step."
        : "a second derivative through " + method + " (node " + name + ") is not supported: " + whyOnce
            + ", so the original method's eager graph is not the function its generated reverse pass"
            + " differentiates, and the generated pass computes numbers: the node is differentiated once (its"
            + " first derivatives, createGraph included, are exact). For higher derivatives write " + method
            + " with Tensor operations alone: keep values tensors (x.sum() rather than x.sum().item()) and call"
            + " only methods that are differentiable twice themselves.";
    marked.attach(new Node(name + "DoubleBackward", inputs, (up, n) -> {
      throw new UnsupportedOperationException(message);
    }, null, null));
    return marked;
  }
}
