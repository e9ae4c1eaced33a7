package dev.adjoint;

import dev.adjoint.runtime.Backward;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reverse pass: visits every node reachable from the output once, in reverse topological order
 * (a node runs after all the nodes that consume its output), sums the adjoints arriving over several
 * uses, and either accumulates into the leaves' {@code grad()} or captures the gradients of chosen
 * inputs ({@link Autograd#grad}). Also checks the upstream a pass starts from and owns the accumulation into
 * {@code grad()}.
 */
final class Engine {
  private Engine() {}

  /**
   * Runs the reverse pass from {@code root} with upstream {@code rootGrad}.
   *
   * @param capture {@code null} to accumulate into leaves; otherwise the inputs whose gradients are
   *     returned (leaves' {@code grad()} untouched)
   * @return the captured gradients (entries {@code null} where nothing reached the input), or null
   */
  static Tensor[] run(Tensor root, Tensor rootGrad, boolean retainGraph, boolean createGraph, Tensor[] capture) {
    Node rootNode = root.gradEdge();
    IdentityHashMap<Node, List<Integer>> captureIndex = new IdentityHashMap<>();
    Tensor[] captured = capture == null ? null : new Tensor[capture.length];
    if (capture != null) {
      for (int i = 0; i < capture.length; i++) {
        Node n = capture[i].gradEdgeIfAny();
        if (n != null) {
          captureIndex.computeIfAbsent(n, k -> new ArrayList<>()).add(i);
        }
      }
    }

    // Post-order DFS (children before parents), iterative so deep graphs do not overflow the stack.
    List<Node> postOrder = new ArrayList<>();
    IdentityHashMap<Node, Integer> dependencies = new IdentityHashMap<>();
    IdentityHashMap<Node, Boolean> visited = new IdentityHashMap<>();
    ArrayDeque<Node> nodeStack = new ArrayDeque<>();
    ArrayDeque<int[]> childStack = new ArrayDeque<>();
    visited.put(rootNode, Boolean.TRUE);
    nodeStack.push(rootNode);
    childStack.push(new int[] {0});
    while (!nodeStack.isEmpty()) {
      Node n = nodeStack.peek();
      int[] c = childStack.peek();
      if (c[0] < n.next.length) {
        Node child = n.next[c[0]++];
        if (child != null) {
          dependencies.merge(child, 1, Integer::sum);
          if (visited.put(child, Boolean.TRUE) == null) {
            nodeStack.push(child);
            childStack.push(new int[] {0});
          }
        }
      } else {
        nodeStack.pop();
        childStack.pop();
        postOrder.add(n);
      }
    }

    // In capture mode only nodes leading to a captured node run.
    IdentityHashMap<Node, Boolean> leadsBelow = new IdentityHashMap<>();
    IdentityHashMap<Node, Boolean> needed = new IdentityHashMap<>();
    for (Node n : postOrder) {
      boolean below = false;
      for (Node child : n.next) {
        if (child != null && needed.containsKey(child)) {
          below = true;
        }
      }
      if (below) {
        leadsBelow.put(n, Boolean.TRUE);
      }
      if (capture == null || below || captureIndex.containsKey(n)) {
        needed.put(n, Boolean.TRUE);
      }
    }

    boolean previous = GradMode.set(createGraph);
    try {
      Map<Node, Tensor> buffer = new IdentityHashMap<>();
      // accumulators whose leaf buffer a node filled in place (LeafGrads), with the buffer it returned
      Map<Node, Tensor> filled = new IdentityHashMap<>();
      buffer.put(rootNode, rootGrad);
      ArrayDeque<Node> ready = new ArrayDeque<>();
      if (needed.containsKey(rootNode)) {
        ready.add(rootNode);
      }
      while (!ready.isEmpty()) {
        Node n = ready.poll();
        Tensor g = buffer.remove(n);
        if (capture != null) {
          List<Integer> idx = captureIndex.get(n);
          if (idx != null && g != null) {
            g.scratch = false;
            for (int i : idx) {
              captured[i] = g;
            }
          }
        }
        boolean execute = capture == null || leadsBelow.containsKey(n);
        if (capture == null && g != null && n.retainer != null) {
          accumulate(n.retainer, g, createGraph);
        }
        if (n.isAccumulator()) {
          if (capture == null && g != null) {
            if (filled.remove(n) == g) {
              g.version.value++; // the node wrote the gradient into the zeroed buffer: accumulated
            } else {
              accumulate(n.leaf, g, createGraph);
            }
          }
          continue;
        }
        Tensor[] grads = null;
        if (execute && g != null) {
          ScratchGradients.beforeApply(n, g, createGraph);
          boolean offered = capture == null && !createGraph && !n.opaque && LeafGrads.arm(n, dependencies, buffer);
          try {
            grads = n.apply(g);
          } finally {
            if (offered) {
              LeafGrads.collect(n, grads == null ? new Tensor[0] : grads, filled);
            }
          }
          ScratchGradients.afterApply(n, grads, createGraph);
          if (!retainGraph) {
            n.release();
          }
        }
        for (int i = 0; i < n.next.length; i++) {
          Node child = n.next[i];
          if (child == null || !needed.containsKey(child)) {
            continue;
          }
          if (grads != null && grads[i] != null) {
            buffer.merge(child, grads[i], createGraph ? Tensor::add : Engine::sum);
          }
          if (dependencies.merge(child, -1, Integer::sum) == 0) {
            ready.add(child);
          }
        }
      }
    } finally {
      GradMode.set(previous);
    }
    return captured;
  }

  /** Validates an upstream for a reverse pass from {@code root}; returns it or the implicit ones. */
  static Tensor checkedUpstream(Tensor root, Tensor upstream) {
    int[] shape = root.shapeRef();
    Tensor up;
    if (upstream == null) {
      if (root.numel() != 1) {
        throw Backward.implicitUpstream(shape);
      }
      up = Tensor.ones(shape);
    } else {
      if (!Arrays.equals(upstream.shapeRef(), shape)) {
        throw Backward.mismatch(upstream.shapeRef(), shape);
      }
      up = upstream;
    }
    if (!root.isRequiresGrad()) {
      throw new IllegalStateException("element 0 of tensors does not require grad and does not have a"
          + " grad_fn: this tensor of shape " + Shapes.str(shape) + " was not computed from a leaf that"
          + " requires grad (call requiresGrad() on the leaves, outside noGrad)");
    }
    return up;
  }

  /**
   * Two gradients of one node, summed (no graph recorded) into a tensor that only the reverse pass holds: into
   * {@code a}'s own array when it is such a tensor already and of the sum's shape ({@link ScratchGradients}; {@code
   * a[i] + b[i]} element by element, bitwise {@code a.add(b)}), else into a fresh one.
   */
  private static Tensor sum(Tensor a, Tensor b) {
    if (a.scratch && a.plain && a.storage != b.storage && Arrays.equals(a.shapeRef(), b.shapeRef())) {
      PointwiseKernels.addInto(a.storage, b.values());
      return a;
    }
    Tensor s = a.add(b);
    s.scratch = s != a && s != b && s.plain && s.base == null;
    return s;
  }

  /**
   * Adds {@code g} into {@code t}'s {@code grad()} (the first time a copy, or {@code g}'s own array when only the
   * reverse pass holds it, see {@link ScratchGradients}).
   */
  static void accumulate(Tensor t, Tensor g, boolean createGraph) {
    int[] shape = t.shapeRef();
    if (!Arrays.equals(g.shapeRef(), shape)) {
      throw new IllegalStateException("internal error: gradient of shape " + Shapes.str(g.shapeRef())
          + " for a tensor of shape " + Shapes.str(shape));
    }
    Tensor grad = t.grad();
    if (createGraph) {
      // The gradient keeps its graph (backward(upstream, retainGraph, true)), for a gradient of it.
      t.setGrad(grad == null ? g : grad.add(g));
    } else if (grad == null) {
      if (ScratchGradients.takeable(g, createGraph)) {
        g.scratch = false;
        t.setGrad(Tensor.wrap(g.storage, shape));
      } else {
        t.setGrad(Tensor.wrap(g.toArray(), shape));
      }
    } else if (grad.plain) {
      PointwiseKernels.addInto(grad.storage, g.values());
      grad.version.value++;
    } else {
      double[] sum = grad.values();
      PointwiseKernels.addInto(sum, g.values());
      grad.assign(sum);
      grad.version.value++;
    }
  }
}
