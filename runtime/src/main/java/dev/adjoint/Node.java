package dev.adjoint;

import dev.adjoint.runtime.Backward;
import java.util.Arrays;

/**
 * One recorded operation of the graph: the function that maps the gradient of its output to the
 * gradients of its inputs, the edges to the inputs' own nodes, and the values it saved for that.
 *
 * <p>Saved tensors are read through {@link #saved(int)}, which refuses freed graphs and tensors modified
 * in place since they were saved (the version counter check). A node that saved nothing never becomes
 * "freed", as in PyTorch.
 */
final class Node {
  /** The reverse rule of an operation: gradients per input ({@code null} for none). */
  @FunctionalInterface
  interface Fn {
    Tensor[] apply(Tensor upstream, Node node);
  }

  final String name;
  /** Per input, the node its gradient flows to, or {@code null} when that input needs no gradient. */
  final Node[] next;
  /** For an {@code AccumulateGrad} node, the leaf whose {@code grad()} it feeds; otherwise null. */
  final Tensor leaf;

  /** The non-leaf output of this node that asked for its gradient ({@code retainGrad()}), or null. */
  Tensor retainer;

  /**
   * Whether the rule runs code outside the runtime's built-in formulas (a pullback, a custom function, a
   * generated node: the nodes made with a state), which may keep the gradient it receives.
   */
  final boolean opaque;

  /**
   * While the rule runs in a reverse pass, per input, the zeroed gradient buffer of that input's leaf it may write
   * its gradient into and return ({@link LeafGrads}); null when none is offered.
   */
  Tensor[] zeroedGrads;

  private final Fn fn;
  private Tensor[] saved;
  private int[] savedVersions;
  private Object state;
  private boolean released;

  Node(String name, Node[] next, Fn fn, Tensor[] saved, Object state) {
    this.name = name;
    this.next = next;
    this.fn = fn;
    this.leaf = null;
    if (saved != null && saved.length > 0) {
      this.saved = saved;
      this.savedVersions = new int[saved.length];
      for (int i = 0; i < saved.length; i++) {
        savedVersions[i] = saved[i].version.value;
        saved[i].version.savedAt = savedVersions[i];
      }
    }
    this.state = state;
    this.opaque = state != null;
  }

  private Node(Tensor leaf) {
    this.name = "AccumulateGrad";
    this.next = new Node[0];
    this.fn = null;
    this.leaf = leaf;
    this.opaque = false;
  }

  static Node accumulator(Tensor leaf) {
    return new Node(leaf);
  }

  boolean isAccumulator() {
    return leaf != null;
  }

  /** Whether input {@code i} wants a gradient (so the rule may skip computing it). */
  boolean needs(int i) {
    return next[i] != null;
  }

  /**
   * The zeroed gradient buffer of input {@code i}'s leaf that the rule may fill with the whole gradient of that
   * input and return as it, or null ({@link LeafGrads}).
   */
  Tensor zeroedGrad(int i) {
    return zeroedGrads == null ? null : zeroedGrads[i];
  }

  /** Saved tensor {@code i}, checked against freeing and in-place modification. */
  Tensor saved(int i) {
    if (released) {
      throw Backward.freedGraph();
    }
    Tensor t = saved[i];
    int now = t.version.value;
    if (now != savedVersions[i]) {
      throw new IllegalStateException(
          "one of the variables needed for gradient computation has been modified by an inplace operation:"
              + " tensor of shape " + Arrays.toString(t.shapeRef()) + " is at version " + now
              + "; expected version " + savedVersions[i] + " instead. Hint: the operation that saved it is "
              + name + "; do the in-place update after backward(), or use an out-of-place operation.");
    }
    return t;
  }

  /** The opaque saved state (a pullback), checked against freeing. */
  Object state() {
    if (released) {
      throw Backward.freedGraph();
    }
    return state;
  }

  Tensor[] apply(Tensor upstream) {
    return fn.apply(upstream, this);
  }

  /** Frees what the forward pass saved; later reads throw the freed-graph error. */
  void release() {
    if (saved != null || state != null) {
      saved = null;
      savedVersions = null;
      state = null;
      released = true;
    }
  }
}
