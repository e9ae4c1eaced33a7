package dev.adjoint;

/**
 * The in-place operations of {@link Tensor} ({@code addInPlace}, {@code copy_}, {@code fill_}, ...): they
 * write through the tensor's strides (so a change through a view reaches its base), bump the version counter
 * shared by everything viewing the storage (so a reverse pass that saved an older value throws), and, when
 * gradients are needed, record the change in the graph as PyTorch does, by moving the tensor onto a new node
 * whose input is its previous node.
 *
 * <p>A change of a view is recorded on its base ({@link CopySlices}, as PyTorch's {@code CopySlices}), and
 * the views of a changed base get nodes that see the change on their next use.
 *
 * <p>Refused, each with a message saying what to write instead: a leaf that requires grad outside {@code
 * noGrad} and a view of one (PyTorch's rules); an expanded view, whose elements share memory (PyTorch's rule);
 * and, when the change would be recorded, a tensor sharing storage with views taken from another tensor (a
 * {@code detach()}ed alias and its original both viewed), whose graphs would not all see the change.
 */
final class InPlaceOps {
  private InPlaceOps() {}

  /** {@code self = self op other} with {@code op} one of PointwiseKernels' ADD or SUB. */
  static Tensor binary(Tensor self, Tensor other, int op, String name) {
    int[] shape = self.shapeRef();
    int[] os = other.shapeRef();
    if (!Shapes.broadcastsTo(os, shape)) {
      throw new IllegalArgumentException(name + ": operand of shape " + Shapes.str(os)
          + " does not broadcast to this tensor's shape " + Shapes.str(shape));
    }
    boolean record = check(self, other, name);
    double[] d = self.values();
    double[] r = PointwiseKernels.arith(d, shape, other.values(), os, shape, op);
    write(self, r);
    if (record) {
      boolean sub = op == PointwiseKernels.SUB;
      rebase(self, new Tensor[] {self, other}, sub ? "SubBackward" : "AddBackward", (g, n) -> new Tensor[] {
          n.needs(0) ? g : null, n.needs(1) ? (sub ? g.neg() : g).sumToSize(os) : null});
    }
    return self;
  }

  /** {@code self *= factor}. */
  static Tensor scale(Tensor self, double factor) {
    boolean record = check(self, null, "mulInPlace");
    write(self, PointwiseKernels.arithScalar(self.values(), factor, PointwiseKernels.MUL));
    if (record) {
      rebase(self, new Tensor[] {self}, "MulBackward", (g, n) -> new Tensor[] {g.mul(factor)});
    }
    return self;
  }

  /** {@code self[...] = src} (broadcast). */
  static Tensor copy(Tensor self, Tensor src) {
    int[] shape = self.shapeRef();
    int[] ss = src.shapeRef();
    if (!Shapes.broadcastsTo(ss, shape)) {
      throw new IllegalArgumentException("copy_: source of shape " + Shapes.str(ss)
          + " does not broadcast to this tensor's shape " + Shapes.str(shape));
    }
    boolean record = check(self, src, "copy_");
    write(self, ShapeKernels.expand(src.values(), ss, shape));
    if (record) {
      rebase(self, new Tensor[] {self, src}, "CopyBackwards", (g, n) -> new Tensor[] {
          null, n.needs(1) ? g.sumToSize(ss) : null});
    }
    return self;
  }

  /** Every element set to {@code value}. */
  static Tensor fill(Tensor self, double value, String name) {
    boolean record = check(self, null, name);
    double[] r = new double[self.numel()];
    if (value != 0) {
      java.util.Arrays.fill(r, value);
    }
    write(self, r);
    if (record) {
      rebase(self, new Tensor[] {self}, value == 0 ? "ZeroBackward" : "FillBackward",
          (g, n) -> new Tensor[] {null});
    }
    return self;
  }

  private static void write(Tensor self, double[] values) {
    self.assign(values);
    self.version.value++;
  }

  /**
   * Applies the rules above; returns whether the change is to be recorded (grad mode on and the tensor or
   * the operand requires grad).
   */
  private static boolean check(Tensor self, Tensor other, String op) {
    if (StridedKernels.overlaps(self.shapeRef(), self.strides)) {
      throw new IllegalStateException("unsupported operation: more than one element of the written-to tensor"
          + " refers to a single memory location (" + op + " on an expanded tensor). Please clone() the tensor"
          + " before performing the operation.");
    }
    boolean record = GradMode.isEnabled()
        && (self.isRequiresGrad() || other != null && other.isRequiresGrad());
    if (!record) {
      return false;
    }
    if (self.isRequiresGrad() && self.isLeaf()) {
      throw new IllegalStateException("a leaf Variable that requires grad is being used in an in-place"
          + " operation (" + op + "): do optimizer updates inside Tensor.noGrad(...)");
    }
    if (self.base != null && self.base.isRequiresGrad() && self.base.isLeaf()) {
      throw new IllegalStateException("a view of a leaf Variable that requires grad is being used in an"
          + " in-place operation (" + op + "): do the update inside Tensor.noGrad(...), or clone() first");
    }
    Tensor root = self.base != null ? self.base : self;
    if (self.version.viewed && (self.version.mixedRoots || self.version.viewRoot != root)) {
      throw new IllegalStateException(op + " on a tensor whose storage also has views (select, slice, transpose,"
          + " ...) of another tensor (such as a detach()ed alias) is not recorded in the graph when gradients are"
          + " needed, since their graphs would not see it: clone() the tensor first, or use the out-of-place"
          + " operation");
    }
    if (self.base != null && StridedKernels.overlaps(root.shapeRef(), root.strides)) {
      throw new IllegalStateException(op + " on a view of a tensor whose elements share memory (an expanded"
          + " tensor) is not recorded in the graph: clone() the tensor before taking the view");
    }
    return true;
  }

  private static void rebase(Tensor self, Tensor[] inputs, String name, Node.Fn fn) {
    if (self.base != null) {
      CopySlices.record(self, inputs, name, fn);
      return;
    }
    CopySlices.baseChanged(self);
    Node[] next = new Node[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      next[i] = inputs[i].isRequiresGrad() ? inputs[i].gradEdge() : null;
    }
    self.rebase(new Node(name, next, fn, null, null));
  }
}
