package dev.adjoint;

import java.util.Arrays;
import java.util.Map;

/**
 * Gradient buffers of leaves that are known to hold zeros, so that a matrix product in the reverse pass writes
 * its result straight into one instead of into a fresh array that {@link Engine#accumulate} then adds in.
 *
 * <p>{@link Tensor#zeroGrad()} fills the buffer and notes the version it left ({@code Version.zeroedAt}); every
 * write to the storage afterwards (an in-place operation through any view, an accumulation) moves the version on,
 * so the buffer counts as zero only while the two still agree. The storage is never handed out ({@code toArray}
 * copies), so nothing else writes it.
 *
 * <p>Before a built-in node runs in a pass that accumulates into leaves and records nothing, {@link #arm} offers it,
 * per input, the zeroed buffer of that input's leaf when the node is the only contribution the leaf receives in
 * this pass (one edge into the leaf's accumulator and nothing arrived from elsewhere yet). The node may write its
 * gradient there and return the buffer itself ({@link MatmulOps}, and the element-wise rules of {@code tanh},
 * {@code sigmoid}, {@code exp}, {@code log}, products and quotients through {@link #writable}); {@link #collect} notes those, and the
 * accumulator then only moves the version on. Adding a gradient to zeros gives the gradient bitwise, except that a
 * {@code -0.0} would have become {@code +0.0}: the runtime's product kernels start every entry from {@code +0.0}, so
 * they never produce {@code -0.0}; a native backend may.
 */
final class LeafGrads {
  private LeafGrads() {}

  /** Zeroes the buffer of {@code t}'s gradient in place, if there is one ({@link Tensor#zeroGrad()}). */
  static void zero(Tensor grad) {
    if (grad.plain) {
      Arrays.fill(grad.storage, 0.0); // in place: no fresh array, no copy
    } else {
      grad.assign(new double[grad.numel()]);
    }
    grad.version.value++;
    grad.version.zeroedAt = grad.version.value;
  }

  /**
   * The gradient buffer of {@code leaf} when it is plain, holds zeros and no node saved it since it was zeroed (a
   * node that reads it, {@code b.mul(a.grad())}, must see the zeros, whenever it runs), else null.
   */
  private static Tensor zeroed(Tensor leaf) {
    Tensor grad = leaf.grad();
    return grad != null && grad.plain && grad.version.zeroedAt == grad.version.value
        && grad.version.savedAt < grad.version.zeroedAt ? grad : null;
  }

  /**
   * The zeroed buffer offered to input {@code i} of the running node {@code n} ({@link Node#zeroedGrad}) when it has
   * {@code shape} and shares storage with none of the tensors the rule reads ({@code reads}); else null. A rule that
   * writes its gradient {@code v} there stores {@code v + 0.0} (what {@link Engine#accumulate} would leave in the
   * zeroed buffer, {@code -0.0} made {@code +0.0}), so that the result is bitwise the accumulated one.
   */
  static Tensor writable(Node n, int i, int[] shape, Tensor... reads) {
    Tensor z = n.zeroedGrad(i);
    if (z == null || !z.plain || !Arrays.equals(z.shapeRef(), shape)) {
      return null;
    }
    for (Tensor t : reads) {
      if (t.storage == z.storage) {
        return null;
      }
    }
    return z;
  }

  /**
   * The array a built-in element-wise rule writes the gradient of input {@code i} into: the offered zeroed buffer
   * {@code leaf} when there is one, else {@code g}'s own array or a fresh one ({@link ScratchGradients#reuse}).
   */
  static double[] target(Tensor leaf, Tensor g, int[] shape) {
    return leaf != null ? leaf.storage : ScratchGradients.reuse(g, shape);
  }

  /** The gradient a rule returns for an input: the offered buffer it filled, or {@code r} marked scratch. */
  static Tensor result(Tensor leaf, double[] r, int[] shape) {
    return leaf != null ? leaf : ScratchGradients.fresh(r, shape);
  }

  /** The term a kernel adds to each gradient element: {@code +0.0} into a zeroed buffer, {@code -0.0} (no change) otherwise. */
  static double plusZero(Tensor leaf) {
    return leaf != null ? 0.0 : -0.0;
  }

  /**
   * Offers {@code n} the zeroed buffers of the leaves it alone feeds; {@code remaining} counts, per node, the edges
   * whose gradient has not arrived yet, {@code arrived} the gradients already summed per node. Returns whether
   * anything was offered.
   */
  static boolean arm(Node n, Map<Node, Integer> remaining, Map<Node, Tensor> arrived) {
    Tensor[] offered = null;
    for (int i = 0; i < n.next.length; i++) {
      Node child = n.next[i];
      if (child == null || !child.isAccumulator() || child.retainer != null
          || remaining.getOrDefault(child, 0) != 1 || arrived.containsKey(child)) {
        continue;
      }
      Tensor buffer = zeroed(child.leaf);
      if (buffer != null && Arrays.equals(buffer.shapeRef(), child.leaf.shapeRef())) {
        if (offered == null) {
          offered = new Tensor[n.next.length];
        }
        offered[i] = buffer;
      }
    }
    n.zeroedGrads = offered;
    return offered != null;
  }

  /**
   * After an armed node ran: notes in {@code written} the accumulators whose buffer the node filled (it returned the
   * buffer itself), and withdraws the offer.
   */
  static void collect(Node n, Tensor[] grads, Map<Node, Tensor> written) {
    Tensor[] offered = n.zeroedGrads;
    n.zeroedGrads = null;
    for (int i = 0; i < grads.length; i++) {
      if (offered[i] != null && grads[i] == offered[i]) {
        written.put(n.next[i], grads[i]);
      }
    }
  }
}
