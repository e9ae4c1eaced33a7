package dev.adjoint;

/**
 * In-place changes of views, recorded as PyTorch records them: the change of a view is a change of its base.
 *
 * <p>{@link #record} moves the base onto a {@code CopySlices} node whose reverse rule takes the base's gradient,
 * runs the in-place operation's own rule on the part the view covers, and sends the base's previous node the
 * gradient with that part replaced by the rule's gradient for the view's previous value (the operands get
 * theirs). Every view of the base, the changed one included, then has a stale node: {@link Tensor}'s {@code
 * sync} notices (the base's {@code graphEpoch} moved) and {@link #refresh} remakes the view's node as a strided
 * view of the base's current node ({@code AsStridedBackward}). An in-place change of a base that has views is
 * recorded on the base alone and refreshes the views the same way.
 */
final class CopySlices {
  private CopySlices() {}

  /**
   * Records the in-place operation {@code fn} (inputs {@code [view, operands...]}, as for a tensor that is not
   * a view) on the base of {@code view}.
   */
  static void record(Tensor view, Tensor[] inputs, String name, Node.Fn fn) {
    Tensor root = view.base;
    int[] idx = positions(view, root);
    int[] viewShape = view.shapeRef().clone();
    int[] rootShape = root.shapeRef().clone();
    Node[] next = new Node[inputs.length];
    next[0] = root.isRequiresGrad() ? root.gradEdge() : null;
    for (int i = 1; i < inputs.length; i++) {
      next[i] = inputs[i].isRequiresGrad() ? inputs[i].gradEdge() : null;
    }
    // The operation's own rule, run on the view's part of the base's gradient; it asks needs(0) for the
    // gradient of the view's previous value, wanted exactly when the base's previous node wants one.
    Node inner = new Node(name, next.clone(), fn, null, null);
    root.rebase(new Node("CopySlices", next, (g, n) -> {
      Tensor[] r = inner.apply(take(g, idx, viewShape));
      Tensor[] out = new Tensor[next.length];
      if (n.needs(0)) {
        out[0] = replace(g, idx, r[0], rootShape);
      }
      for (int i = 1; i < out.length; i++) {
        out[i] = r[i];
      }
      return out;
    }, null, null));
    root.graphEpoch++;
  }

  /** An in-place change recorded on a base itself: its views' nodes are remade on their next use. */
  static void baseChanged(Tensor root) {
    root.graphEpoch++;
  }

  /** Remakes the node of {@code view} (whose base was changed in place) as a view of the base's current node. */
  static void refresh(Tensor view) {
    Tensor root = view.base;
    if (!root.isRequiresGrad()) {
      return;
    }
    int[] rootShape = root.shapeRef().clone();
    view.rebase(new Node("AsStridedBackward", new Node[] {root.gradEdge()},
        (g, n) -> new Tensor[] {put(g, positions(view, root), rootShape)}, null, null));
  }

  /**
   * For each element of {@code view} (row-major), the row-major index of the element of {@code root} at the
   * same storage position.
   */
  static int[] positions(Tensor view, Tensor root) {
    int[] idx = Shapes.stridedIndex(view.shapeRef(), view.strides, view.offset);
    if (root.offset == 0 && root.storage.length == root.numel()
        && StridedKernels.isContiguous(root.shapeRef(), root.strides)) {
      return idx;
    }
    int[] inverse = new int[root.storage.length];
    java.util.Arrays.fill(inverse, -1);
    int[] rootIdx = Shapes.stridedIndex(root.shapeRef(), root.strides, root.offset);
    for (int j = 0; j < rootIdx.length; j++) {
      inverse[rootIdx[j]] = j;
    }
    for (int k = 0; k < idx.length; k++) {
      idx[k] = inverse[idx[k]];
      if (idx[k] < 0) {
        throw new IllegalStateException("internal error: a view element outside its base");
      }
    }
    return idx;
  }

  /** The elements of {@code g} at {@code idx}, of shape {@code shape}; its adjoint is {@link #put}. */
  static Tensor take(Tensor g, int[] idx, int[] shape) {
    double[] v = g.values();
    double[] r = new double[idx.length];
    for (int k = 0; k < idx.length; k++) {
      r[k] = v[idx[k]];
    }
    int[] inShape = g.shapeRef().clone();
    return GraphRecorder.record(Tensor.wrap(r, shape.clone()), "TakeBackward", new Tensor[] {g},
        (g2, n) -> new Tensor[] {put(g2, idx, inShape)}, null, null);
  }

  /** Zeros of {@code shape} with {@code x}'s elements added at {@code idx}; its adjoint is {@link #take}. */
  static Tensor put(Tensor x, int[] idx, int[] shape) {
    Tensor out = Tensor.wrap(ShapeKernels.scatterAdd(x.values(), idx, Shapes.numel(shape)), shape.clone());
    int[] xs = x.shapeRef().clone();
    return GraphRecorder.record(out, "PutBackward", new Tensor[] {x}, (g2, n) -> new Tensor[] {take(g2, idx, xs)},
        null, null);
  }

  /** {@code g} with the elements at {@code idx} replaced by {@code part}'s (zeros when {@code part} is null). */
  private static Tensor replace(Tensor g, int[] idx, Tensor part, int[] shape) {
    boolean graph = GradMode.isEnabled() && (g.isRequiresGrad() || part != null && part.isRequiresGrad());
    if (!graph) {
      double[] r = g.toArray();
      double[] p = part == null ? null : part.values();
      for (int k = 0; k < idx.length; k++) {
        r[idx[k]] = p == null ? 0 : p[k];
      }
      return Tensor.wrap(r, shape.clone());
    }
    boolean[] mask = new boolean[Shapes.numel(shape)];
    for (int i : idx) {
      mask[i] = true;
    }
    Tensor kept = g.maskZero(mask);
    return part == null ? kept : kept.add(put(part, idx, shape));
  }
}
