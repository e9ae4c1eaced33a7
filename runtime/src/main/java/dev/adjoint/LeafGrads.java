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
 * gradient there and return the buffer itself ({@link MatmulOps}); {@link #collect} notes those, and the
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

  /** The gradient buffer of {@code leaf} when it is plain and holds zeros, else null. */
  private static Tensor zeroed(Tensor leaf) {
    Tensor grad = leaf.grad();
    return grad != null && grad.plain && grad.version.zeroedAt == grad.version.value ? grad : null;
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
