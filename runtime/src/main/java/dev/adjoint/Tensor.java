package dev.adjoint;

import dev.adjoint.runtime.Backward;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * A row-major array of {@code double} values of any rank with PyTorch's autograd semantics, so that
 * code written against {@code torch.Tensor} ports line by line.
 *
 * <p><b>Leaves and graph.</b> A tensor made by a factory ({@link #of}, {@link #zeros}, ...) is a leaf.
 * {@link #requiresGrad()} marks a leaf as a parameter; every operation on a tensor that requires grad
 * returns a non-leaf that records its producer (shown as {@code grad_fn=<MulBackward>}). {@link
 * #backward(Tensor, boolean)} runs the reverse pass and <em>accumulates</em> into the leaves'
 * {@link #grad()} until {@link #zeroGrad()}. Inside {@link #noGrad(Runnable)} nothing is recorded.
 *
 * <p><b>Storage and views.</b> A tensor is a strided view of a {@code double[]} storage: its element at an
 * index is at {@code storageOffset() + Σ index[d]·stride()[d]}. Views ({@link #t}, {@link #transpose}, {@link
 * #permute}, {@link #select}, {@link #slice}, {@link #narrow}, {@link #expand}, {@link #unsqueeze}, {@link
 * #squeeze}, {@link #view}, {@link #reshape} when the strides allow, {@link #split}, {@link #detach()}) share
 * storage and the version counter with their base; every other operation returns a fresh contiguous tensor
 * and never modifies its operands. Only the in-place operations ({@link #addInPlace}, {@link #subInPlace},
 * {@link #mulInPlace}, {@link #copy_}, {@link #fill_}, {@link #zero_}) change values: through a view they
 * change the base, each bumps the shared version counter, and a reverse pass that needs a value changed since
 * it was saved throws instead of returning a wrong gradient.
 *
 * <p><b>Shapes.</b> Element-wise operations broadcast as NumPy does; the gradient of a broadcast
 * operand is summed back to the operand's shape. A 0-dimensional tensor (shape {@code []}) is a scalar.
 *
 * <p>Not thread-safe: a graph belongs to the thread that builds it (tensors without grad may be read
 * concurrently).
 *
 * <p>This class holds a tensor's state (storage, geometry, graph fields) and the public API; the work is done
 * elsewhere in this package: operations and their adjoints in the {@code *Ops} classes ({@link ArithOps},
 * {@link PointwiseOps}, {@link ReductionOps}, {@link MatmulOps}, {@link IndexOps}, {@link JoinSplitOps},
 * {@link Views}, {@link InPlaceOps}, {@link Losses}), loops over {@code double[]} in the {@code *Kernels}
 * classes, factories in {@link TensorFactories}, recording in {@link GraphRecorder}, the reverse pass and
 * gradient accumulation in {@link Engine}.
 */
public final class Tensor {
  /** A version counter shared by tensors that share storage. */
  static final class Version {
    int value;
    /** Whether a view of the storage was taken. */
    boolean viewed;
    /** The tensor the views of this storage were taken from (their {@code base}), see {@link CopySlices}. */
    Tensor viewRoot;
    /** Whether views of this storage were taken from two different roots (in-place changes are then not recorded). */
    boolean mixedRoots;
    /** The {@link #value} at which {@link #zeroGrad()} left this storage all zeros ({@link LeafGrads}), or -1. */
    int zeroedAt = -1;
    /**
     * The {@link #value} at which a node last saved a tensor of this storage for its reverse rule, or -1: a zeroed
     * buffer saved since it was zeroed is read by the pass, so it is not offered for writing ({@link LeafGrads}).
     */
    int savedAt = -1;
  }

  /** The storage, shared by views; this tensor's elements are at {@code offset + Σ index[d]·strides[d]}. */
  final double[] storage;
  final int offset;
  private final int[] shape;
  final int[] strides;
  private final int numel;
  /** Whether the elements are exactly {@code storage}, in row-major order (the kernels' fast path). */
  final boolean plain;
  final Version version;
  /** For a view, the tensor that owns the storage (views of views name the first owner); else null. */
  final Tensor base;
  private boolean requiresGrad;
  private Node gradFn;
  private Tensor grad;
  private Node accumulator;
  /** On a base: bumped when an in-place change moves it onto a new node (its views' nodes are then stale). */
  int graphEpoch;
  /** On a view: the base's {@link #graphEpoch} its node was made for (see {@link CopySlices#refresh}). */
  int seenEpoch;
  /** A gradient only the reverse pass references; its one consumer may reuse the storage ({@link ScratchGradients}). */
  boolean scratch;

  private Tensor(double[] storage, int offset, int[] shape, int[] strides, Version version, Tensor base) {
    this.storage = storage;
    this.offset = offset;
    this.shape = shape;
    this.strides = strides;
    this.numel = Shapes.numel(shape);
    this.plain = offset == 0 && storage.length == numel && StridedKernels.isContiguous(shape, strides);
    this.version = version;
    this.base = base;
  }

  /** A fresh leaf owning {@code data} (not copied, row-major) with {@code shape} (not copied). */
  static Tensor wrap(double[] data, int[] shape) {
    return new Tensor(data, 0, shape, Shapes.contiguousStrides(shape), new Version(), null);
  }

  /** A view of this tensor's storage with another geometry (sharing the version counter), without graph state. */
  Tensor viewOfStorage(int newOffset, int[] newShape, int[] newStrides) {
    Tensor root = base != null ? base : this;
    version.viewed = true;
    if (version.viewRoot == null) {
      version.viewRoot = root;
    } else if (version.viewRoot != root) {
      version.mixedRoots = true;
    }
    Tensor view = new Tensor(storage, newOffset, newShape, newStrides, version, root);
    view.seenEpoch = root.graphEpoch;
    return view;
  }

  /** On a view whose base was changed in place since its node was made, remakes that node from the base's. */
  private void sync() {
    if (base != null && seenEpoch != base.graphEpoch) {
      seenEpoch = base.graphEpoch;
      CopySlices.refresh(this);
    }
  }

  /**
   * The elements in row-major order: the storage itself when this tensor is plain (so callers must not
   * write into it), else a fresh copy. Kernels read their operands through this.
   */
  double[] values() {
    return plain ? storage : StridedKernels.gather(storage, offset, shape, strides);
  }

  /** Overwrites the elements with {@code v} (row-major, {@code numel()} values), through the strides. */
  void assign(double[] v) {
    if (plain) {
      if (v != storage) {
        System.arraycopy(v, 0, storage, 0, numel);
      }
    } else {
      StridedKernels.scatter(v, storage, offset, shape, strides);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Creation

  /** A 0-dimensional tensor (a scalar, shape {@code []}), like {@code torch.tensor(v)}. */
  public static Tensor of(double value) {
    return wrap(new double[] {value}, new int[0]);
  }

  /** A 1-dimensional tensor of the given values (copied). */
  public static Tensor of(double... values) {
    return wrap(values.clone(), new int[] {values.length});
  }

  /** A 2-dimensional tensor from a rectangular matrix (copied); ragged rows are refused. */
  public static Tensor of(double[][] rows) {
    return TensorFactories.of(rows);
  }

  /** A 3-dimensional tensor from a rectangular nested array (copied); ragged arrays are refused. */
  public static Tensor of(double[][][] blocks) {
    return TensorFactories.of(blocks);
  }

  /** A tensor of the given shape holding a copy of {@code data} in row-major order. */
  public static Tensor fromArray(double[] data, int... shape) {
    return TensorFactories.fromArray(data, shape);
  }

  /** Zeros of the given shape ({@code zeros()} is a 0-dimensional zero). */
  public static Tensor zeros(int... shape) {
    int[] s = Shapes.checked(shape);
    return wrap(new double[Shapes.numel(s)], s);
  }

  /** Ones of the given shape. */
  public static Tensor ones(int... shape) {
    return full(shape, 1.0);
  }

  /** A tensor of the given shape filled with {@code value}, as {@code torch.full(shape, value)}. */
  public static Tensor full(int[] shape, double value) {
    return TensorFactories.full(shape, value);
  }

  /** Zeros of {@code like}'s shape (a leaf that does not require grad), as {@code torch.zeros_like}. */
  public static Tensor zerosLike(Tensor like) {
    return zeros(like.shape);
  }

  /** Ones of {@code like}'s shape, as {@code torch.ones_like}. */
  public static Tensor onesLike(Tensor like) {
    return ones(like.shape);
  }

  /** {@code value} in {@code like}'s shape, as {@code torch.full_like}. */
  public static Tensor fullLike(Tensor like, double value) {
    return full(like.shape, value);
  }

  /**
   * Standard normal samples of the given shape from the default generator, as {@code torch.randn(3, 5)}:
   * {@code randn(3, 5)} has shape {@code [3, 5]}. Reproducible after {@link #manualSeed(long)}; for a
   * stream of its own pass a {@link Generator}.
   */
  public static Tensor randn(int... shape) {
    return randn(Generator.DEFAULT, shape);
  }

  /** Standard normal samples of the given shape drawn from {@code generator}. */
  public static Tensor randn(Generator generator, int... shape) {
    int[] s = Shapes.checked(shape);
    return wrap(generator.normal(Shapes.numel(s)), s);
  }

  /** Standard normal samples of {@code like}'s shape from the default generator, as {@code torch.randn_like}. */
  public static Tensor randnLike(Tensor like) {
    return randn(like.shape);
  }

  /** Standard normal samples of {@code like}'s shape drawn from {@code generator}. */
  public static Tensor randnLike(Tensor like, Generator generator) {
    return randn(generator, like.shape);
  }

  /** Uniform samples in {@code [0, 1)} of the given shape from the default generator, as {@code torch.rand}. */
  public static Tensor rand(int... shape) {
    return rand(Generator.DEFAULT, shape);
  }

  /** Uniform samples in {@code [0, 1)} of the given shape drawn from {@code generator}. */
  public static Tensor rand(Generator generator, int... shape) {
    int[] s = Shapes.checked(shape);
    return wrap(generator.uniform(Shapes.numel(s)), s);
  }

  /**
   * Reseeds the default generator that {@link #randn(int...)} and {@link #rand(int...)} draw from, as
   * {@code torch.manual_seed}; returns that generator.
   */
  public static Generator manualSeed(long seed) {
    return Generator.DEFAULT.manualSeed(seed);
  }

  /**
   * {@code steps} evenly spaced values from {@code start} to {@code end} inclusive, as {@code
   * torch.linspace} (the first half counted from {@code start}, the second from {@code end}, so both ends
   * are exact).
   */
  public static Tensor linspace(double start, double end, int steps) {
    return TensorFactories.linspace(start, end, steps);
  }

  /** {@code 10^linspace(start, end, steps)}, as {@code torch.logspace}. */
  public static Tensor logspace(double start, double end, int steps) {
    return logspace(start, end, steps, 10.0);
  }

  /** {@code base^linspace(start, end, steps)}, as {@code torch.logspace(start, end, steps, base)}. */
  public static Tensor logspace(double start, double end, int steps, double base) {
    return TensorFactories.logspace(start, end, steps, base);
  }

  /** {@code [0, 1, ..., end)} as a 1-dimensional tensor. */
  public static Tensor arange(double end) {
    return arange(0, end, 1);
  }

  /** {@code [start, start + 1, ...)} up to but excluding {@code end}. */
  public static Tensor arange(double start, double end) {
    return arange(start, end, 1);
  }

  /** {@code start, start + step, ...} up to but excluding {@code end}, as {@code torch.arange}. */
  public static Tensor arange(double start, double end, double step) {
    return TensorFactories.arange(start, end, step);
  }

  /** The {@code n x n} identity matrix. */
  public static Tensor eye(int n) {
    return TensorFactories.eye(n);
  }

  // ---------------------------------------------------------------------------------------------
  // Read-out

  /** The value of a one-element tensor, as PyTorch's {@code item()}. */
  public double item() {
    if (numel != 1) {
      throw new IllegalStateException("a Tensor with " + numel
          + " elements cannot be converted to a scalar (item() needs exactly one element; shape "
          + Shapes.str(shape) + ")");
    }
    if (requiresGrad) {
      ItemCapture.read(this); // for Functional.hvpOfItem: where a double result left the graph
    }
    return storage[offset];
  }

  /**
   * Writes the values to {@code file} in NumPy's {@code .npy} format (little-endian {@code float64}, C order),
   * as {@code numpy.save} does: {@code numpy.load(file)} and {@code torch.from_numpy(numpy.load(file))} read it
   * back. Graph state is not saved.
   *
   * @throws java.io.IOException when the file cannot be written
   */
  public void save(java.nio.file.Path file) throws java.io.IOException {
    NpyFormat.save(this, file);
  }

  /**
   * Reads a NumPy {@code .npy} file (as {@code numpy.save} writes it) into a fresh leaf: {@code float64},
   * {@code float32}, integer and {@code bool} arrays in either byte order and C or Fortran order, converted to
   * {@code double}.
   *
   * @throws java.io.IOException when the file cannot be read, is not {@code .npy}, or holds another dtype
   *     (complex, strings, records, Python objects)
   */
  public static Tensor load(java.nio.file.Path file) throws java.io.IOException {
    return NpyFormat.load(file);
  }

  /** A row-major copy of the values. */
  public double[] toArray() {
    return plain ? storage.clone() : values();
  }

  /** The values of a 2-dimensional tensor as a fresh nested array. */
  public double[][] toArray2() {
    if (shape.length != 2) {
      throw new IllegalStateException("toArray2() needs a 2-dimensional tensor, this one has shape "
          + Shapes.str(shape));
    }
    double[][] out = new double[shape[0]][];
    double[] v = values();
    for (int i = 0; i < shape[0]; i++) {
      out[i] = Arrays.copyOfRange(v, i * shape[1], (i + 1) * shape[1]);
    }
    return out;
  }

  /** A copy of the shape. */
  public int[] shape() {
    return shape.clone();
  }

  int[] shapeRef() {
    return shape;
  }

  /**
   * A copy of the strides: how many storage elements apart neighbours along each dimension are, as PyTorch's
   * {@code stride()} (row-major for a fresh tensor; views such as {@link #t()} permute them, {@link #expand}
   * sets 0).
   */
  public int[] stride() {
    return strides.clone();
  }

  /** Where this tensor's first element is in its storage, as PyTorch's {@code storage_offset()}. */
  public int storageOffset() {
    return offset;
  }

  /** The size of dimension {@code dim} (negative counts from the end). */
  public int size(int dim) {
    return shape[Shapes.dim(dim, shape.length)];
  }

  /** The rank (number of dimensions); 0 for a scalar. */
  public int dim() {
    return shape.length;
  }

  /** The number of elements. */
  public int numel() {
    return numel;
  }

  /** The element at a full index (one index per dimension; negative counts from the end). */
  public double get(int... index) {
    if (index.length != shape.length) {
      throw new IllegalArgumentException("get needs " + shape.length + " indices for shape "
          + Shapes.str(shape) + ", got " + index.length);
    }
    int off = offset;
    for (int i = 0; i < index.length; i++) {
      off += checkIndex(index[i], i) * strides[i];
    }
    return storage[off];
  }

  private int checkIndex(int index, int dim) {
    int n = shape[dim];
    int k = index < 0 ? index + n : index;
    if (k < 0 || k >= n) {
      throw new IndexOutOfBoundsException("index " + index + " is out of bounds for dimension " + dim
          + " with size " + n);
    }
    return k;
  }

  // ---------------------------------------------------------------------------------------------
  // Leaves, grad mode and the graph

  /** Marks this leaf as requiring gradients (PyTorch's {@code requires_grad_()}); returns this. */
  public Tensor requiresGrad() {
    return requiresGrad(true);
  }

  /**
   * Sets whether this leaf requires gradients (PyTorch's {@code requires_grad_(flag)}). Returns this. On a
   * non-leaf, {@code true} changes nothing (it already requires grad) and {@code false} is refused with
   * PyTorch's message.
   */
  public Tensor requiresGrad(boolean flag) {
    sync();
    if (gradFn != null) {
      if (flag) {
        return this;
      }
      throw new IllegalStateException("you can only change requires_grad flags of leaf variables. If you want to"
          + " use a computed variable in a subgraph that doesn't require differentiation use"
          + " var_no_grad = var.detach().");
    }
    requiresGrad = flag;
    return this;
  }

  /**
   * Keeps the gradient of this non-leaf in {@link #grad()} during {@link #backward()}, as PyTorch's
   * {@code retain_grad()}; nothing to do on a leaf that requires grad. Returns this.
   *
   * @throws IllegalStateException on a tensor that does not require grad (PyTorch's message)
   */
  public Tensor retainGrad() {
    sync();
    if (!requiresGrad) {
      throw new IllegalStateException("can't retain_grad on Tensor that has requires_grad=False");
    }
    if (gradFn != null) {
      gradFn.retainer = this;
    }
    return this;
  }

  /** Whether {@link #grad()} is filled by reverse passes: a leaf that requires grad, or after {@link #retainGrad()}. */
  public boolean retainsGrad() {
    sync();
    return gradFn != null && gradFn.retainer == this;
  }

  /** Whether gradients flow to this tensor (a leaf marked so, or the result of a recorded operation). */
  public boolean isRequiresGrad() {
    sync();
    return requiresGrad;
  }

  /** Whether this tensor is a leaf (not produced by a recorded operation). */
  public boolean isLeaf() {
    sync();
    return gradFn == null;
  }

  /** The name of the node that produced this tensor ({@code "MulBackward"}), or null for a leaf. */
  public String gradFnName() {
    sync();
    return gradFn == null ? null : gradFn.name;
  }

  /**
   * The accumulated gradient: {@code null} until a reverse pass reaches this tensor, then a tensor of this
   * shape that later passes add to. A non-leaf keeps none unless {@link #retainGrad()} was called: its
   * {@code grad()} is then {@code null}, as in PyTorch (which also warns; read the leaf's {@code grad()}, or
   * use {@code Autograd.grad(output, new Tensor[] {thisTensor}, ...)} for an intermediate value).
   */
  public Tensor grad() {
    return grad;
  }

  /** Replaces the accumulated gradient (the reverse pass's accumulation, see {@link Engine#accumulate}). */
  void setGrad(Tensor g) {
    grad = g;
  }

  /**
   * Zeroes this leaf's accumulated gradient in place (as {@code x.grad.zero_()} does); does nothing if
   * there is none yet.
   *
   * @throws IllegalStateException on a non-leaf without {@link #retainGrad()}, which has no accumulated gradient
   */
  public void zeroGrad() {
    if (gradFn != null && !retainsGrad()) {
      throw new IllegalStateException("zeroGrad() on a tensor that is not a leaf: only leaves (and non-leaves"
          + " after retainGrad()) accumulate gradients (this one was produced by " + gradFn.name + ")");
    }
    if (grad != null) {
      LeafGrads.zero(grad);
    }
  }

  /** A leaf sharing this tensor's storage that does not require grad (cuts the graph). */
  public Tensor detach() {
    return new Tensor(storage, offset, shape, strides, version, null);
  }

  /** Runs {@code body} with recording disabled on this thread (PyTorch's {@code with torch.no_grad()}). */
  public static void noGrad(Runnable body) {
    boolean previous = GradMode.set(false);
    try {
      body.run();
    } finally {
      GradMode.set(previous);
    }
  }

  /** Evaluates {@code body} with recording disabled on this thread and returns its result. */
  public static <T> T noGrad(Supplier<T> body) {
    boolean previous = GradMode.set(false);
    try {
      return body.get();
    } finally {
      GradMode.set(previous);
    }
  }

  /**
   * Disables recording on this thread until the returned guard is closed, for try-with-resources:
   * {@code try (var g = Tensor.noGrad()) { ... }} (PyTorch's {@code with torch.no_grad():}).
   */
  public static GradModeGuard noGrad() {
    return new GradModeGuard(GradMode.set(false));
  }

  /**
   * Enables recording on this thread until the returned guard is closed, also inside a {@code noGrad} block
   * (PyTorch's {@code with torch.enable_grad():}).
   */
  public static GradModeGuard enableGrad() {
    return new GradModeGuard(GradMode.set(true));
  }

  /** Evaluates {@code body} with recording enabled on this thread, also inside {@code noGrad}. */
  public static <T> T enableGrad(Supplier<T> body) {
    try (GradModeGuard g = enableGrad()) {
      return body.get();
    }
  }

  /** Whether operations on this thread currently record the graph (false inside {@code noGrad}). */
  public static boolean isGradEnabled() {
    return GradMode.isEnabled();
  }

  /** The node gradients of this tensor flow into; creates a leaf's accumulator on first use. */
  Node gradEdge() {
    sync();
    if (gradFn != null) {
      return gradFn;
    }
    if (accumulator == null) {
      accumulator = Node.accumulator(this);
    }
    return accumulator;
  }

  /** Like {@link #gradEdge()} but without creating an accumulator (a leaf never used has none). */
  Node gradEdgeIfAny() {
    sync();
    return gradFn != null ? gradFn : accumulator;
  }

  /**
   * {@code backward(null)}: the reverse pass with the implicit upstream 1, only for one-element outputs.
   *
   * @throws IllegalStateException if this tensor has more than one element, does not require grad, or
   *     its graph was freed by an earlier reverse pass
   */
  public void backward() {
    backward(null, false);
  }

  /** The reverse pass with the given upstream gradient (exactly this tensor's shape); frees the graph. */
  public void backward(Tensor upstream) {
    backward(upstream, false);
  }

  /**
   * Computes {@code upstream · J} for every leaf this tensor depends on and adds it into the leaf's
   * {@link #grad()}.
   *
   * @param upstream the gradient of some scalar with respect to this tensor, of exactly this tensor's
   *     shape (no broadcasting); {@code null} means 1 and is allowed only for one-element tensors
   * @param retainGraph keep the saved values so that another reverse pass can run through the graph
   * @throws IllegalArgumentException if {@code upstream} has another shape (both shapes are named)
   * @throws IllegalStateException for an implicit upstream on a non-scalar output, a tensor that does
   *     not require grad, a freed graph, or a saved value modified in place
   */
  public void backward(Tensor upstream, boolean retainGraph) {
    backward(upstream, retainGraph, false);
  }

  /**
   * {@link #backward(Tensor, boolean)} that also records the reverse pass itself when {@code createGraph}
   * (PyTorch's {@code create_graph=True}): the accumulated {@link #grad()} values then have a graph of their
   * own, through which a further {@code backward()} computes second derivatives. {@code createGraph} implies
   * keeping this graph, as in PyTorch.
   */
  public void backward(Tensor upstream, boolean retainGraph, boolean createGraph) {
    Tensor up = Engine.checkedUpstream(this, upstream);
    Engine.run(this, up, retainGraph || createGraph, createGraph, null);
  }

  /**
   * A tensor holding {@code value}'s data (storage shared, as a view) whose reverse rule is
   * {@code pullback}: the extension point through which generated code adds one fused node to the
   * graph. When grad mode is on and any input requires grad the result is a non-leaf shown as
   * {@code grad_fn=<name>}; the engine calls the pullback with the result's gradient and routes the
   * returned gradients to the inputs' graphs. The pullback is dropped after a reverse pass that does
   * not retain the graph, and a further pass throws the freed-graph error. Otherwise the result is a
   * plain leaf. Second derivatives do not flow through a pullback unless the tensors it returns were
   * themselves recorded. The engine cannot version-check values the pullback captured; {@link
   * #fromGeneratedPullback} can, and is what generated code uses.
   *
   * @param name the node's name, e.g. {@code "LossBackward"}
   * @param value the forward result
   * @param pullback the reverse rule; must return one gradient (or null) per input, of its shape
   * @param inputs the tensors the value was computed from
   * @return the value as a graph tensor (or a plain leaf when nothing requires grad)
   */
  public static Tensor fromPullback(String name, Tensor value, Pullback pullback, Tensor... inputs) {
    return GraphRecorder.fromPullback(name, value, pullback, inputs);
  }

  /**
   * The node of a generated {@code @Differentiable} tensor method: {@link #fromPullback} with the two
   * guarantees PyTorch gives a custom function that saves its inputs and is marked
   * {@code once_differentiable}.
   *
   * <ul>
   *   <li>The pullback reads {@code saved} (the method's tensor arguments and the constants it read) by
   *       reference, so their versions are recorded now and checked when the node runs: a tensor changed in
   *       place in between ({@link #addInPlace}, {@link #subInPlace}, {@link #mulInPlace}, on it or on a view
   *       sharing its storage) makes the reverse pass throw PyTorch's "modified by an inplace operation"
   *       error instead of returning a gradient of the new values.
   *   <li>The pullback computes numbers, not a graph, so the gradients it returns cannot be differentiated
   *       again. When a reverse pass records a graph ({@code createGraph}, as {@link Autograd#hessian} does)
   *       the gradients leaving this node are marked: differentiating them again throws an error naming
   *       {@code method} instead of giving second derivatives of zero. The overload with an {@code original}
   *       differentiates such nodes twice instead.
   * </ul>
   *
   * @param name the node's name, e.g. {@code "LossBackward"}
   * @param method the source method, as the user should read it in an error, e.g. {@code "Model.loss"}
   * @param value the forward result
   * @param pullback the reverse rule; returns one gradient (or null for none) per input
   * @param saved the tensors the pullback reads by reference
   * @param inputs the differentiable inputs
   * @return the value as a graph tensor (or a plain leaf when nothing requires grad)
   */
  public static Tensor fromGeneratedPullback(
      String name, String method, Tensor value, Pullback pullback, Tensor[] saved, Tensor... inputs) {
    return GraphRecorder.fromGeneratedPullback(name, method, value, pullback, saved, null, null, inputs);
  }

  /**
   * {@link #fromGeneratedPullback(String, String, Tensor, Pullback, Tensor[], Tensor...)} for a node that can
   * also be differentiated twice. A reverse pass that records no graph runs {@code pullback}, as there. A
   * reverse pass that records one ({@code createGraph}, {@link Autograd#hessian}) instead applies
   * {@code original} (the source method, run with Tensor's recorded operations) to one identity alias per input
   * and differentiates its result with a recorded reverse pass, so the gradients leaving the node have a graph to
   * the inputs and to the upstream and second derivatives are exact. That costs one more forward pass of the
   * method, as PyTorch's {@code torch.utils.checkpoint} does.
   *
   * @param original the source method applied to its arguments with the differentiable tensor inputs replaced
   *     by the given tensors, in the order of {@code inputs}; it must compute the same function on every call
   */
  public static Tensor fromGeneratedPullback(String name, String method, Tensor value, Pullback pullback,
      Tensor[] saved, java.util.function.Function<Tensor[], Tensor> original, Tensor... inputs) {
    if (original == null) {
      throw new IllegalArgumentException("original must not be null");
    }
    return GraphRecorder.fromGeneratedPullback(name, method, value, pullback, saved, original, null, inputs);
  }

  /**
   * {@link #fromGeneratedPullback(String, String, Tensor, Pullback, Tensor[], Tensor...)} for the node of a
   * method whose eager graph is not the function its generated reverse pass differentiates (it reads a tensor
   * into a {@code double}, or calls a method that is not differentiable twice):
   * a reverse pass that records a graph gets the generated first derivatives, and differentiating them again
   * throws an {@link UnsupportedOperationException} that says {@code whyOnce} and what to write instead.
   *
   * @param whyOnce why the node is differentiable once, a clause such as "it reads a tensor into a double"
   */
  public static Tensor fromGeneratedPullback(String name, String method, Tensor value, Pullback pullback,
      Tensor[] saved, String whyOnce, Tensor... inputs) {
    if (whyOnce == null) {
      throw new IllegalArgumentException("whyOnce must not be null");
    }
    return GraphRecorder.fromGeneratedPullback(name, method, value, pullback, saved, null, whyOnce, inputs);
  }

  /** A tensor sharing this one's storage, shape and version counter, without graph state. */
  Tensor shareStorage() {
    return new Tensor(storage, offset, shape, strides, version, null);
  }

  /** Makes this tensor the output of {@code node} (a non-leaf that requires grad). */
  void attach(Node node) {
    gradFn = node;
    requiresGrad = true;
  }

  /** Attaches a node to {@code out} when recording is on and an input requires grad. */
  private static Tensor record(Tensor out, String name, Tensor[] inputs, Node.Fn fn, Tensor... saved) {
    return GraphRecorder.record(out, name, inputs, fn, saved, null);
  }

  // ---------------------------------------------------------------------------------------------
  // In-place updates (see InPlaceOps for the rules)

  /**
   * {@code this += other} (other broadcast to this shape), as {@code add_}; returns this. Writes through a
   * view into its base and bumps the version counter the view shares with it. Recorded in the graph on a
   * non-leaf (or when {@code other} requires grad), as PyTorch does; refused on a leaf that requires grad
   * outside {@link #noGrad()}, on an expanded view, and (when recording) on a view or a viewed tensor.
   */
  public Tensor addInPlace(Tensor other) {
    return InPlaceOps.binary(this, other, PointwiseKernels.ADD, "addInPlace");
  }

  /**
   * {@code this -= other} (other broadcast to this shape), as {@code sub_}; e.g. {@code
   * w.subInPlace(w.grad().mul(lr))}.
   */
  public Tensor subInPlace(Tensor other) {
    return InPlaceOps.binary(this, other, PointwiseKernels.SUB, "subInPlace");
  }

  /** {@code this *= factor}, as {@code mul_}; returns this. */
  public Tensor mulInPlace(double factor) {
    return InPlaceOps.scale(this, factor);
  }

  /**
   * Copies {@code src} (broadcast to this shape) into this tensor, as PyTorch's {@code copy_}; returns this.
   * The gradient goes to {@code src}, summed back to its shape.
   */
  public Tensor copy_(Tensor src) {
    return InPlaceOps.copy(this, src);
  }

  /** Sets every element to {@code value}, as PyTorch's {@code fill_}; returns this. */
  public Tensor fill_(double value) {
    return InPlaceOps.fill(this, value, "fill_");
  }

  /** Sets every element to zero, as PyTorch's {@code zero_}; returns this. */
  public Tensor zero_() {
    return InPlaceOps.fill(this, 0.0, "zero_");
  }

  /** The node this tensor's gradient flows into, or null for a leaf. */
  Node gradFn() {
    sync();
    return gradFn;
  }

  /** Moves a non-leaf onto {@code node} after an in-place change, keeping a retainGrad() request. */
  void rebase(Node node) {
    if (gradFn != null && gradFn.retainer == this) {
      gradFn.retainer = null;
      node.retainer = this;
    }
    gradFn = node;
    requiresGrad = true;
  }

  // ---------------------------------------------------------------------------------------------
  // Element-wise arithmetic with broadcasting

  /** {@code this + other}, broadcast. */
  public Tensor add(Tensor other) {
    return ArithOps.add(this, other);
  }

  /** {@code this + c}. */
  public Tensor add(double c) {
    return ArithOps.add(this, c);
  }

  /** {@code this - other}, broadcast. */
  public Tensor sub(Tensor other) {
    return ArithOps.sub(this, other);
  }

  /** {@code this - c}. */
  public Tensor sub(double c) {
    return ArithOps.sub(this, c);
  }

  /** {@code this * other} element-wise, broadcast. */
  public Tensor mul(Tensor other) {
    return ArithOps.mul(this, other);
  }

  /** {@code this * c}. */
  public Tensor mul(double c) {
    return ArithOps.mul(this, c);
  }

  /** {@code this / other} element-wise, broadcast; gradients {@code g/b} and {@code -g·a/b²}. */
  public Tensor div(Tensor other) {
    return ArithOps.div(this, other);
  }

  /** {@code this / c}. */
  public Tensor div(double c) {
    return ArithOps.div(this, c);
  }

  /** {@code -this}. */
  public Tensor neg() {
    return ArithOps.neg(this);
  }

  /**
   * This tensor broadcast to {@code target} (PyTorch's {@code expand}; {@code -1} keeps a size): a view in
   * which the repeated entries share storage (stride 0), so it cannot be written in place. The gradient is
   * summed back.
   */
  public Tensor expand(int... target) {
    return Views.expand(this, target);
  }

  Tensor expandTo(int[] target) {
    return Views.expandTo(this, target);
  }

  /**
   * Sums this tensor down to {@code shape}, to which it must broadcast (PyTorch's {@code sum_to_size}): the
   * gradient of a broadcast input.
   */
  public Tensor sumToSize(int... shape) {
    return sumTo(shape.clone());
  }

  Tensor sumTo(int[] target) {
    if (Arrays.equals(shape, target)) {
      return this;
    }
    double[] r = ShapeKernels.sumTo(values(), shape, target);
    int[] in = shape;
    return record(wrap(r, target.clone()), "SumToSizeBackward", new Tensor[] {this},
        (g, n) -> new Tensor[] {g.expandTo(in)});
  }

  /** Zeroes the entries where {@code mask} is true (a differentiable {@code masked_fill(mask, 0)}). */
  Tensor maskZero(boolean[] mask) {
    double[] r = PointwiseKernels.maskZero(values(), mask);
    return record(wrap(r, shape), "MaskedFillBackward", new Tensor[] {this},
        (g, n) -> new Tensor[] {g.maskZero(mask)});
  }

  // ---------------------------------------------------------------------------------------------
  // Element-wise functions

  /** {@code e^x}; gradient {@code g·y}. */
  public Tensor exp() {
    return PointwiseOps.exp(this);
  }

  /** Natural logarithm; gradient {@code g/x}. */
  public Tensor log() {
    return PointwiseOps.log(this);
  }

  /** Square root; gradient {@code g/(2y)}, {@code +inf} at 0 as in PyTorch. */
  public Tensor sqrt() {
    return PointwiseOps.sqrt(this);
  }

  /** {@code x^p}; gradient {@code g·p·x^(p-1)}, and 0 everywhere for {@code p == 0}. */
  public Tensor pow(double p) {
    return PointwiseOps.pow(this, p);
  }

  /**
   * {@code x^e} element-wise with broadcasting; gradients {@code g·e·x^(e-1)} (0 where {@code e == 0})
   * and {@code g·y·ln x} (0 where {@code x == 0} and {@code e >= 0}), as PyTorch masks them.
   */
  public Tensor pow(Tensor exponent) {
    return PointwiseOps.pow(this, exponent);
  }

  /** {@code x²}; gradient {@code 2xg}. */
  public Tensor square() {
    return PointwiseOps.square(this);
  }

  /** Hyperbolic tangent; gradient {@code g(1 - y²)}. */
  public Tensor tanh() {
    return PointwiseOps.tanh(this);
  }

  /** The logistic function {@code 1/(1+e^-x)}; gradient {@code g·y(1-y)}. */
  public Tensor sigmoid() {
    return PointwiseOps.sigmoid(this);
  }

  /** {@code max(x, 0)}; the gradient passes where {@code x > 0} only ({@code relu'(0) = 0}). */
  public Tensor relu() {
    return PointwiseOps.relu(this);
  }

  /** {@code |x|}; gradient {@code g·sign(x)} with {@code abs'(0) = 0}. */
  public Tensor abs() {
    return PointwiseOps.abs(this);
  }

  // ---------------------------------------------------------------------------------------------
  // Linear algebra

  /**
   * Matrix product as {@code torch.matmul}, for operands of any rank: 1-D·1-D is the dot product, 2-D·2-D the
   * matrix product, a 1-D operand is promoted to a row (left) or column (right) and the added dimension
   * removed, and the dimensions before the last two are batch dimensions, broadcast against each other (a
   * 2-D right operand is applied to every row of a batched left one). Gradients {@code dA = g·Bᵀ}, {@code dB
   * = Aᵀ·g}, summed over the batch dimensions an operand was broadcast along.
   */
  public Tensor matmul(Tensor other) {
    return MatmulOps.matmul(this, other);
  }

  /** The dot product of two 1-D tensors of equal length (a scalar). */
  public Tensor dot(Tensor other) {
    return MatmulOps.dot(this, other);
  }

  /** Swaps dimensions {@code d0} and {@code d1} (a view); the gradient is transposed back. */
  public Tensor transpose(int d0, int d1) {
    return Views.transpose(this, Shapes.dim(d0, dim()), Shapes.dim(d1, dim()), "TransposeBackward");
  }

  /** The transpose of a matrix ({@code transpose(0, 1)}, a view); tensors of rank below 2 are returned as a view. */
  public Tensor t() {
    if (dim() > 2) {
      throw new IllegalArgumentException("t() expects a tensor with <= 2 dimensions, but it has " + dim());
    }
    return dim() < 2 ? Views.view(this, shape, "TBackward") : Views.transpose(this, 0, 1, "TBackward");
  }

  /** The dimensions reordered (a view), as {@code torch.permute}: result dimension {@code i} is {@code dims[i]}. */
  public Tensor permute(int... dims) {
    return Views.permute(this, dims);
  }

  /** Whether the elements lie in storage in row-major order without gaps, as PyTorch's {@code is_contiguous}. */
  public boolean isContiguous() {
    return StridedKernels.isContiguous(shape, strides);
  }

  /**
   * This tensor if it is contiguous, else a contiguous copy, as {@code torch.Tensor.contiguous}; the gradient
   * passes unchanged.
   */
  public Tensor contiguous() {
    return isContiguous() ? this : cloneNamed("CloneBackward");
  }

  // ---------------------------------------------------------------------------------------------
  // Shape

  /**
   * The same values with another shape (one entry may be {@code -1}, inferred), as {@code torch.reshape}: a
   * view sharing storage and the version counter when the strides allow it (always for a contiguous tensor),
   * else a copy.
   */
  public Tensor reshape(int... newShape) {
    int[] s = inferShape(newShape);
    if (StridedKernels.viewStrides(shape, strides, s) != null) {
      return Views.view(this, s, "ViewBackward");
    }
    return cloneNamed("CloneBackward").view(s);
  }

  /**
   * The same values with another shape (one entry may be {@code -1}), sharing storage, as {@code
   * torch.Tensor.view}.
   *
   * @throws IllegalStateException when the strides of a non-contiguous tensor do not allow it (PyTorch's
   *     message; {@link #reshape} copies instead)
   */
  public Tensor view(int... newShape) {
    return Views.view(this, inferShape(newShape), "ViewBackward");
  }

  /** Inserts a dimension of size 1 at {@code dim} (a view). */
  public Tensor unsqueeze(int dim) {
    return Views.unsqueeze(this, Shapes.dim(dim, dim() + 1));
  }

  /** Removes dimension {@code dim} if its size is 1 (a view); otherwise returns a view of the same shape. */
  public Tensor squeeze(int dim) {
    int d = Shapes.dim(dim, dim());
    return Views.view(this, shape[d] == 1 ? Shapes.without(shape, d) : shape, "SqueezeBackward");
  }

  private int[] inferShape(int[] newShape) {
    return ShapeKernels.inferShape(newShape, numel, shape);
  }

  // ---------------------------------------------------------------------------------------------
  // Reductions

  /** The sum of all elements (a scalar); the gradient is {@code g} expanded. */
  public Tensor sum() {
    return ReductionOps.sum(this);
  }

  /** The sum along {@code dim}, keeping it as size 1 if {@code keepDim}. */
  public Tensor sum(int dim, boolean keepDim) {
    return ReductionOps.sum(this, dim, keepDim);
  }

  /** The mean of all elements (a scalar); gradient {@code g/n} expanded. */
  public Tensor mean() {
    return ReductionOps.mean(this);
  }

  /** The mean along {@code dim}, keeping it as size 1 if {@code keepDim}. */
  public Tensor mean(int dim, boolean keepDim) {
    return ReductionOps.mean(this, dim, keepDim);
  }

  /**
   * The sum over the dimensions {@code dims} (negative counts from the end; each at most once), keeping
   * them as size 1 if {@code keepDim}, as PyTorch's {@code x.sum(dim=(0, 2), keepdim=...)}; an empty
   * {@code dims} sums over all dimensions (as PyTorch 1.13 reads {@code dim=()}). The gradient is {@code g}
   * broadcast back.
   */
  public Tensor sum(int[] dims, boolean keepDim) {
    return MultiDimReductions.sum(this, dims, keepDim);
  }

  /** The mean over the dimensions {@code dims}, as {@link #sum(int[], boolean)} divided by their count. */
  public Tensor mean(int[] dims, boolean keepDim) {
    return MultiDimReductions.mean(this, dims, keepDim);
  }

  /** The largest element (a scalar); the gradient is split evenly among ties, as PyTorch's {@code amax}. */
  public Tensor max() {
    return ReductionOps.extremum(this, true);
  }

  /** The smallest element (a scalar); the gradient is split evenly among ties. */
  public Tensor min() {
    return ReductionOps.extremum(this, false);
  }

  /**
   * The largest values along {@code dim}, as {@code torch.max(x, dim).values}: the gradient of each slice
   * goes to one entry, the index {@link #argmax(int, boolean)} returns (the first maximum, or the first
   * NaN). {@link #amax(int, boolean)} splits it among ties instead; {@link #maxWithIndices} also returns
   * the indices.
   */
  public Tensor max(int dim, boolean keepDim) {
    return maxWithIndices(dim, keepDim).values();
  }

  /** The smallest values along {@code dim}, as {@code torch.min(x, dim).values} (gradient to one index). */
  public Tensor min(int dim, boolean keepDim) {
    return minWithIndices(dim, keepDim).values();
  }

  /** The result of {@link #maxWithIndices} and {@link #minWithIndices}: values, and indices as doubles. */
  public record ValuesIndices(Tensor values, Tensor indices) {}

  /**
   * {@code values, indices = torch.max(x, dim, keepdim)}: the values (gradient to the selected index) and
   * the index along {@code dim} of each (a tensor of integral doubles that does not require grad).
   */
  public ValuesIndices maxWithIndices(int dim, boolean keepDim) {
    return ReductionOps.selectExtremum(this, dim, keepDim, true);
  }

  /** {@code values, indices = torch.min(x, dim, keepdim)}. */
  public ValuesIndices minWithIndices(int dim, boolean keepDim) {
    return ReductionOps.selectExtremum(this, dim, keepDim, false);
  }

  /** The largest values along {@code dim}, as {@code torch.amax}: the gradient is split evenly among ties. */
  public Tensor amax(int dim, boolean keepDim) {
    return ReductionOps.extremum(this, dim, keepDim, true);
  }

  /** The smallest values along {@code dim}, as {@code torch.amin} (gradient split among ties). */
  public Tensor amin(int dim, boolean keepDim) {
    return ReductionOps.extremum(this, dim, keepDim, false);
  }

  /** The largest element (the same as {@link #max()}). */
  public Tensor amax() {
    return max();
  }

  /** The smallest element (the same as {@link #min()}). */
  public Tensor amin() {
    return min();
  }

  /** The index of the largest element of the flattened tensor (a scalar; the first, or the first NaN). */
  public Tensor argmax() {
    return ReductionOps.argExtremum(reshape(-1), 0, false, true);
  }

  /** The index of the smallest element of the flattened tensor (a scalar). */
  public Tensor argmin() {
    return ReductionOps.argExtremum(reshape(-1), 0, false, false);
  }

  /**
   * The indices of the largest values along {@code dim}, as {@code torch.argmax(x, dim, keepdim)}: integral
   * doubles, not requiring grad.
   */
  public Tensor argmax(int dim, boolean keepDim) {
    return ReductionOps.argExtremum(this, dim, keepDim, true);
  }

  /** The indices of the smallest values along {@code dim}. */
  public Tensor argmin(int dim, boolean keepDim) {
    return ReductionOps.argExtremum(this, dim, keepDim, false);
  }

  // ---------------------------------------------------------------------------------------------
  // Softmax and loss

  /** {@code exp(x) / sum(exp(x))} along {@code dim}, computed stably; gradient {@code y(g - Σ g·y)}. */
  public Tensor softmax(int dim) {
    return ReductionOps.softmax(this, dim);
  }

  /** {@code x - log(sum(exp(x)))} along {@code dim}, computed stably; gradient {@code g - e^y Σ g}. */
  public Tensor logSoftmax(int dim) {
    return ReductionOps.logSoftmax(this, dim);
  }

  /**
   * The cross-entropy loss of {@code logits} ({@code [N, C]}, unnormalized scores) against class
   * indices {@code targets} ({@code N} values in {@code [0, C)}), averaged over the batch, as
   * {@code torch.nn.functional.cross_entropy}. One fused node; gradient {@code (softmax(x) - onehot)·g/N}.
   * K-dimensional logits {@code [N, C, d1, ..., dK]} take their {@code N·d1·...·dK} targets in row-major order
   * ({@link Losses#crossEntropy(Tensor, int[])}).
   */
  public static Tensor crossEntropy(Tensor logits, int[] targets) {
    return ReductionOps.crossEntropy(logits, targets);
  }

  // ---------------------------------------------------------------------------------------------
  // Indexing, slicing, joining

  /**
   * The slice at {@code index} along {@code dim}, with that dimension removed (negative counts from the end):
   * a view, so an in-place change of it reaches this tensor.
   */
  public Tensor select(int dim, int index) {
    int d = Shapes.dim(dim, dim());
    return Views.select(this, d, checkIndex(index, d));
  }

  /** Indexes the leading dimensions, {@code t.index(i, j)} being {@code t[i][j]} (of lower rank). */
  public Tensor index(int... indices) {
    if (indices.length > dim()) {
      throw new IllegalArgumentException("too many indices (" + indices.length + ") for a tensor of shape "
          + Shapes.str(shape));
    }
    Tensor t = this;
    for (int i : indices) {
      t = t.select(0, i);
    }
    return t;
  }

  /**
   * The entries {@code start <= i < end} along {@code dim} (Python slice rules: negative bounds count
   * from the end, bounds are clamped), as {@code x[..., start:end]}: a view.
   */
  public Tensor slice(int dim, int start, int end) {
    return slice(dim, start, end, 1);
  }

  /**
   * The entries {@code start, start + step, ...} below {@code end} along {@code dim}, as {@code
   * x[..., start:end:step]} (a view; {@code step} must be positive, as in PyTorch).
   */
  public Tensor slice(int dim, int start, int end, int step) {
    int d = Shapes.dim(dim, dim());
    if (step <= 0) {
      throw new IllegalArgumentException("slice step must be positive, got " + step);
    }
    int n = shape[d];
    int s = Math.max(0, Math.min(n, start < 0 ? start + n : start));
    int e = Math.max(s, Math.min(n, end < 0 ? end + n : end));
    return Views.slice(this, d, s, e, step);
  }

  /** {@code length} entries from {@code start} along {@code dim} (a view), as {@code torch.narrow}. */
  public Tensor narrow(int dim, int start, int length) {
    int d = Shapes.dim(dim, dim());
    int n = shape[d];
    int s = start < 0 ? start + n : start;
    if (s < 0 || length < 0 || s + length > n) {
      throw new IndexOutOfBoundsException("narrow: start " + start + " and length " + length
          + " are out of range for dimension " + d + " of size " + n);
    }
    return Views.slice(this, d, s, s + length, 1);
  }

  /** Joins tensors of equal shape along a new dimension {@code dim}. */
  public static Tensor stack(int dim, Tensor... tensors) {
    return JoinSplitOps.stack(dim, tensors);
  }

  /** Joins tensors along the existing dimension {@code dim}; other dimensions must agree. */
  public static Tensor cat(int dim, Tensor... tensors) {
    return JoinSplitOps.cat(dim, tensors);
  }

  // ---------------------------------------------------------------------------------------------
  // Comparisons, masks and selection

  /** {@code this > other} element-wise, broadcast: a mask of 1.0 and 0.0 that does not require grad. */
  public Tensor gt(Tensor other) {
    return PointwiseOps.binary(this, other, PointwiseKernels.GT);
  }

  /** {@code this > c} as a mask. */
  public Tensor gt(double c) {
    return gt(of(c));
  }

  /** {@code this < other} as a mask (broadcast). */
  public Tensor lt(Tensor other) {
    return PointwiseOps.binary(this, other, PointwiseKernels.LT);
  }

  /** {@code this < c} as a mask. */
  public Tensor lt(double c) {
    return lt(of(c));
  }

  /** {@code this >= other} as a mask (broadcast). */
  public Tensor ge(Tensor other) {
    return PointwiseOps.binary(this, other, PointwiseKernels.GE);
  }

  /** {@code this >= c} as a mask. */
  public Tensor ge(double c) {
    return ge(of(c));
  }

  /** {@code this <= other} as a mask (broadcast). */
  public Tensor le(Tensor other) {
    return PointwiseOps.binary(this, other, PointwiseKernels.LE);
  }

  /** {@code this <= c} as a mask. */
  public Tensor le(double c) {
    return le(of(c));
  }

  /** {@code this == other} as a mask (broadcast; NaN equals nothing, as in PyTorch). */
  public Tensor eq(Tensor other) {
    return PointwiseOps.binary(this, other, PointwiseKernels.EQ);
  }

  /** {@code this == c} as a mask. */
  public Tensor eq(double c) {
    return eq(of(c));
  }

  /**
   * {@code condition ? x : y} element-wise, all three broadcast, as {@code torch.where}: a nonzero
   * {@code condition} entry (a mask from {@link #gt} etc.) takes {@code x}. The gradient goes to {@code x}
   * where the condition holds and to {@code y} elsewhere (each summed back to its shape); the condition gets
   * none.
   */
  public static Tensor where(Tensor condition, Tensor x, Tensor y) {
    return PointwiseOps.where(condition, x, y);
  }

  /** {@code where(condition, this, other)}, as PyTorch's {@code x.where(condition, y)}. */
  public Tensor where(Tensor condition, Tensor other) {
    return where(condition, this, other);
  }

  /**
   * A copy with {@code value} where {@code mask} (broadcast to this shape) is nonzero, as {@code
   * masked_fill}; the gradient passes only where the mask is zero.
   */
  public Tensor maskedFill(Tensor mask, double value) {
    return PointwiseOps.maskedFill(this, mask, value);
  }

  /**
   * Each entry limited to {@code [min, max]} (NaN stays NaN; {@code min > max} gives {@code max}), as
   * {@code torch.clamp}; the gradient passes where {@code min <= x <= max}, as PyTorch's.
   */
  public Tensor clamp(double min, double max) {
    return PointwiseOps.clamp(this, min, max);
  }

  /** {@code clamp(min, +inf)}. */
  public Tensor clampMin(double min) {
    return clamp(min, Double.POSITIVE_INFINITY);
  }

  /** {@code clamp(-inf, max)}. */
  public Tensor clampMax(double max) {
    return clamp(Double.NEGATIVE_INFINITY, max);
  }

  // ---------------------------------------------------------------------------------------------
  // More element-wise functions

  /** Sine; gradient {@code g·cos x}. */
  public Tensor sin() {
    return PointwiseOps.sin(this);
  }

  /** Cosine; gradient {@code -g·sin x}. */
  public Tensor cos() {
    return PointwiseOps.cos(this);
  }

  /** {@code ln(1 + x)}, accurate near 0; gradient {@code g/(1 + x)}. */
  public Tensor log1p() {
    return PointwiseOps.log1p(this);
  }

  /** {@code e^x - 1}, accurate near 0; gradient {@code g·(y + 1)}. */
  public Tensor expm1() {
    return PointwiseOps.expm1(this);
  }

  /** {@code -1}, {@code 0} or {@code 1} by sign (NaN stays NaN); the gradient is zero, as PyTorch's. */
  public Tensor sign() {
    return PointwiseOps.sign(this);
  }

  /** The largest integer not above each entry; the gradient is zero, as PyTorch's. */
  public Tensor floor() {
    return PointwiseOps.floor(this);
  }

  /** A contiguous copy (not sharing storage), as {@code torch.clone}; the gradient passes unchanged. */
  public Tensor clone() {
    return cloneNamed("CloneBackward");
  }

  private Tensor cloneNamed(String name) {
    return record(wrap(toArray(), shape), name, new Tensor[] {this}, (g, n) -> new Tensor[] {g});
  }

  // ---------------------------------------------------------------------------------------------
  // More reductions

  /** The product of all elements (a scalar), as {@code torch.prod}; exact gradients with zero entries. */
  public Tensor prod() {
    return reshape(-1).prod(0, false);
  }

  /**
   * The products along {@code dim}. The gradient of an entry is {@code g} times the product of the other
   * entries of its slice, exact when entries are zero; a second derivative through a slice holding a zero
   * is refused.
   */
  public Tensor prod(int dim, boolean keepDim) {
    return ReductionOps.prod(this, dim, keepDim);
  }

  /** Inclusive prefix sums along {@code dim}, as {@code torch.cumsum}; the gradient is the reversed cumsum. */
  public Tensor cumsum(int dim) {
    return ReductionOps.cumsum(this, Shapes.dim(dim, dim()), false);
  }

  /** The unbiased variance of all elements (divides by {@code n - 1}), as {@code torch.var}. */
  public Tensor var() {
    return var(true);
  }

  /** The variance of all elements, dividing by {@code n - 1} if {@code unbiased}, else by {@code n}. */
  public Tensor var(boolean unbiased) {
    return reshape(-1).var(0, unbiased, false);
  }

  /** The unbiased variance along {@code dim}. */
  public Tensor var(int dim, boolean keepDim) {
    return var(dim, true, keepDim);
  }

  /**
   * The variance along {@code dim}: {@code Σ(x - mean)² / (n - 1)} if {@code unbiased}, else {@code / n}
   * (one element with {@code unbiased} gives NaN, as in PyTorch). Differentiated through its definition.
   */
  public Tensor var(int dim, boolean unbiased, boolean keepDim) {
    return ReductionOps.var(this, dim, unbiased, keepDim);
  }

  /** The unbiased standard deviation of all elements, {@code sqrt(var())}. */
  public Tensor std() {
    return var().sqrt();
  }

  /** The standard deviation of all elements, {@code sqrt(var(unbiased))}. */
  public Tensor std(boolean unbiased) {
    return var(unbiased).sqrt();
  }

  /** The unbiased standard deviation along {@code dim}. */
  public Tensor std(int dim, boolean keepDim) {
    return var(dim, true, keepDim).sqrt();
  }

  /** The standard deviation along {@code dim}, {@code sqrt(var(dim, unbiased, keepDim))}. */
  public Tensor std(int dim, boolean unbiased, boolean keepDim) {
    return var(dim, unbiased, keepDim).sqrt();
  }

  /**
   * {@code log(Σ exp(x))} along {@code dim}, computed stably (each slice's finite maximum subtracted first),
   * as {@code torch.logsumexp}; the gradient is {@code g·softmax(x)}.
   */
  public Tensor logsumexp(int dim, boolean keepDim) {
    return ReductionOps.logsumexp(this, dim, keepDim);
  }

  /** The Euclidean (2-) norm of all elements, as {@code torch.linalg.norm} of the flattened tensor. */
  public Tensor norm() {
    return reshape(-1).norm(0, false);
  }

  /**
   * The Euclidean norm along {@code dim}; gradient {@code g·x/‖x‖}, and 0 where the norm is 0 (as PyTorch's).
   */
  public Tensor norm(int dim, boolean keepDim) {
    return ReductionOps.norm(this, dim, keepDim);
  }

  // ---------------------------------------------------------------------------------------------
  // More shape and indexing

  /** All dimensions flattened into one, as {@code torch.flatten} (a view when the strides allow, as reshape). */
  public Tensor flatten() {
    return flatten(0, -1);
  }

  /**
   * Dimensions {@code startDim..endDim} (inclusive, negative counts from the end) flattened into one (a view when
   * the strides allow, else a copy, as {@link #reshape}).
   */
  public Tensor flatten(int startDim, int endDim) {
    if (shape.length == 0) {
      return reshape(1);
    }
    int a = Shapes.dim(startDim, dim());
    int b = Shapes.dim(endDim, dim());
    if (a > b) {
      throw new IllegalArgumentException("flatten: startDim " + startDim + " comes after endDim " + endDim);
    }
    return reshape(Shapes.flattened(shape, a, b));
  }

  /** Every dimension of size 1 removed (a view), as {@code squeeze()}. */
  public Tensor squeeze() {
    return Views.view(this, Shapes.squeezed(shape), "SqueezeBackward");
  }

  /**
   * The entries of this tensor at {@code index} along {@code dim}, as {@code torch.gather}: {@code index}
   * (integral values) has this tensor's rank, no larger size in the other dimensions, and gives the
   * result's shape. The gradient is scattered back, adding where an index repeats.
   */
  public Tensor gather(int dim, Tensor index) {
    return IndexOps.gather(this, Shapes.dim(dim, dim()), index);
  }

  /**
   * A copy of this tensor with {@code src}'s entries written where {@code index} (integral values, this
   * tensor's rank) points along {@code dim}, as {@code torch.scatter}: {@code out[...][index[i][j]][...] =
   * src[i][j]} for {@code dim} in the middle. {@code src} may be larger than {@code index}. With repeated
   * indices the last write wins (PyTorch leaves the choice unspecified). Gradients: to this tensor where
   * nothing was written, to {@code src} gathered back at {@code index} (none to a write that was overwritten).
   */
  public Tensor scatter(int dim, Tensor index, Tensor src) {
    return JoinSplitOps.scatter(this, Shapes.dim(dim, dim()), index, src, false);
  }

  /** {@link #scatter(int, Tensor, Tensor)} writing {@code value} everywhere {@code index} points. */
  public Tensor scatter(int dim, Tensor index, double value) {
    return scatter(dim, index, full(index.shape, value));
  }

  /**
   * A copy of this tensor with {@code src}'s entries added where {@code index} points along {@code dim}
   * (repeats add up), as {@code torch.scatter_add}; gradients: {@code g} to this tensor, {@code g} gathered at
   * {@code index} to {@code src}.
   */
  public Tensor scatterAdd(int dim, Tensor index, Tensor src) {
    return JoinSplitOps.scatter(this, Shapes.dim(dim, dim()), index, src, true);
  }

  /**
   * This tensor tiled {@code repeats[i]} times along dimension {@code i} (leading repeats add dimensions), as
   * {@code torch.Tensor.repeat}: a copy; the gradient sums the tiles.
   */
  public Tensor repeat(int... repeats) {
    return JoinSplitOps.repeat(this, repeats.clone());
  }

  /**
   * Consecutive pieces of {@code splitSize} entries along {@code dim} (the last may be smaller), as views, as
   * {@code torch.split(x, splitSize, dim)}.
   */
  public Tensor[] split(int splitSize, int dim) {
    return JoinSplitOps.split(this, splitSize, Shapes.dim(dim, dim()));
  }

  /** Consecutive pieces of the given sizes (summing to the size of {@code dim}) as views, as {@code torch.split}. */
  public Tensor[] split(int[] sizes, int dim) {
    return JoinSplitOps.split(this, sizes.clone(), Shapes.dim(dim, dim()));
  }

  /**
   * At most {@code chunks} views of {@code ceil(size(dim) / chunks)} entries along {@code dim} (the last may be
   * smaller), as {@code torch.chunk}.
   */
  public Tensor[] chunk(int chunks, int dim) {
    return JoinSplitOps.chunk(this, chunks, Shapes.dim(dim, dim()));
  }

  /**
   * The slices at {@code indices} along {@code dim}, in that order (repeats allowed), as {@code
   * index_select}; the gradient is added back to each selected slice.
   */
  public Tensor indexSelect(int dim, int... indices) {
    int d = Shapes.dim(dim, dim());
    int[] idx = indices.clone();
    for (int i = 0; i < idx.length; i++) {
      idx[i] = checkIndex(idx[i], d);
    }
    return IndexOps.indexSelect(this, d, idx);
  }

  /** {@link #indexSelect(int, int...)} with a 1-D tensor of integral indices, as PyTorch spells it. */
  public Tensor indexSelect(int dim, Tensor index) {
    return indexSelect(dim, IndexOps.indices(index));
  }

  // ---------------------------------------------------------------------------------------------
  // Object methods

  /**
   * PyTorch's format: {@code tensor([[4., 3.],\n        [2., 6.]], grad_fn=<MmBackward>)}, with
   * {@code requires_grad=True} for leaves that require grad, and summarization beyond 1000 elements.
   */
  @Override
  public String toString() {
    sync();
    String suffix = gradFn != null ? "grad_fn=<" + gradFn.name + ">" : requiresGrad ? "requires_grad=True" : null;
    return TensorFormat.format(values(), shape, suffix);
  }

  /** Equal shape and equal values ({@code 0.0 == -0.0}, NaN equals NaN); grad state is ignored. */
  @Override
  public boolean equals(Object o) {
    return this == o || o instanceof Tensor && TensorEquality.equal(this, (Tensor) o);
  }

  /** Consistent with {@link #equals}: hashes the shape and the values ({@code -0.0} as {@code 0.0}). */
  @Override
  public int hashCode() {
    return TensorEquality.hash(this);
  }

  /**
   * Whether both tensors have the same shape and {@code |this - other| <= atol + rtol·|other|}
   * element-wise ({@code torch.allclose} without broadcasting; NaN is never close).
   */
  public boolean allClose(Tensor other, double rtol, double atol) {
    return TensorEquality.allClose(this, other, rtol, atol);
  }

  /** {@link #allClose(Tensor, double, double)} with PyTorch's defaults {@code rtol=1e-5, atol=1e-8}. */
  public boolean allClose(Tensor other) {
    return allClose(other, 1e-5, 1e-8);
  }
}
