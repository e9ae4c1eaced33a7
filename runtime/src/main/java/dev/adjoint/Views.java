package dev.adjoint;

import java.util.Arrays;

/**
 * The strided views of {@link Tensor}: each is a new geometry (offset, sizes, strides) over the same storage
 * and version counter, recorded in the graph with its adjoint. Shape-only views ({@code view}, {@code
 * squeeze}, {@code unsqueeze}) send the gradient back by a reshape, permutations by the inverse permutation,
 * {@code expand} by a sum; the others ({@code select}, {@code slice}) by the generic adjoint {@link
 * #unview}: zeros of the input's shape with the gradient added at the view's elements.
 */
final class Views {
  private Views() {}

  /** A view's geometry. */
  record Geometry(int offset, int[] shape, int[] strides) {}

  /** A view as a function of the viewed tensor's geometry. */
  @FunctionalInterface
  interface Op {
    Geometry apply(int offset, int[] shape, int[] strides);
  }

  /** {@code x} with shape {@code s} (same number of elements), if its strides allow it. */
  static Tensor view(Tensor x, int[] s, String name) {
    int[] in = x.shapeRef();
    int[] st = StridedKernels.viewStrides(in, x.strides, s);
    if (st == null) {
      throw new IllegalStateException("view size is not compatible with input tensor's size and stride (at"
          + " least one dimension spans across two contiguous subspaces). Use .reshape(...) instead. (view "
          + Shapes.str(s) + " of a non-contiguous tensor of shape " + Shapes.str(in) + ")");
    }
    Tensor out = x.viewOfStorage(x.offset, s, st);
    return GraphRecorder.record(out, name, new Tensor[] {x}, (g, n) -> new Tensor[] {g.reshape(in)}, null, null);
  }

  /** {@code x} with a dimension of size 1 inserted at {@code d} (PyTorch's stride for it). */
  static Tensor unsqueeze(Tensor x, int d) {
    int[] in = x.shapeRef();
    int stride = d < in.length ? in[d] * x.strides[d] : 1;
    Tensor out = x.viewOfStorage(x.offset, Shapes.with(in, d, 1), Shapes.with(x.strides, d, stride));
    return GraphRecorder.record(out, "UnsqueezeBackward", new Tensor[] {x},
        (g, n) -> new Tensor[] {g.reshape(in)}, null, null);
  }

  /** Dimensions {@code a} and {@code b} swapped. */
  static Tensor transpose(Tensor x, int a, int b) {
    return transpose(x, a, b, "TransposeBackward");
  }

  static Tensor transpose(Tensor x, int a, int b, String name) {
    int[] dims = new int[x.dim()];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = i;
    }
    dims[a] = b;
    dims[b] = a;
    return permuted(x, dims, name);
  }

  /** Dimension {@code i} of the result is {@code dims[i]} of {@code x} (negative counts from the end). */
  static Tensor permute(Tensor x, int[] dims) {
    int r = x.dim();
    if (dims.length != r) {
      throw new IllegalArgumentException("permute: number of dims don't match in permute: " + dims.length
          + " dims for a tensor of shape " + Shapes.str(x.shapeRef()));
    }
    int[] p = new int[r];
    boolean[] seen = new boolean[r];
    for (int i = 0; i < r; i++) {
      p[i] = Shapes.dim(dims[i], r);
      if (seen[p[i]]) {
        throw new IllegalArgumentException("permute: repeated dim " + dims[i] + " in " + Arrays.toString(dims));
      }
      seen[p[i]] = true;
    }
    return permuted(x, p, "PermuteBackward");
  }

  private static Tensor permuted(Tensor x, int[] p, String name) {
    int[] in = x.shapeRef();
    int[] s = new int[p.length];
    int[] st = new int[p.length];
    int[] inverse = new int[p.length];
    for (int i = 0; i < p.length; i++) {
      s[i] = in[p[i]];
      st[i] = x.strides[p[i]];
      inverse[p[i]] = i;
    }
    Tensor out = x.viewOfStorage(x.offset, s, st);
    return GraphRecorder.record(out, name, new Tensor[] {x},
        (g, n) -> new Tensor[] {permuted(g, inverse, name)}, null, null);
  }

  /** Index {@code k} of dimension {@code d} (checked by the caller), the dimension removed. */
  static Tensor select(Tensor x, int d, int k) {
    return strided(x, (o, s, st) -> new Geometry(o + k * st[d], Shapes.without(s, d), Shapes.without(st, d)),
        "SelectBackward");
  }

  /** Entries {@code s, s + step, ...} below {@code e} of dimension {@code d} (bounds checked by the caller). */
  static Tensor slice(Tensor x, int d, int s, int e, int step) {
    int len = (e - s + step - 1) / step;
    return strided(x, (o, sh, st) -> new Geometry(o + s * st[d], Shapes.replaced(sh, d, len),
        Shapes.replaced(st, d, st[d] * step)), "SliceBackward");
  }

  /** {@code x} broadcast to {@code target} ({@code -1} keeps a size). */
  static Tensor expand(Tensor x, int[] target) {
    int[] shape = x.shapeRef();
    int[] t = target.clone();
    int off = t.length - shape.length;
    if (off < 0) {
      throw new IllegalArgumentException("expand: target " + Shapes.str(target) + " has fewer dimensions than "
          + Shapes.str(shape));
    }
    for (int i = 0; i < t.length; i++) {
      if (t[i] == -1) {
        if (i < off) {
          throw new IllegalArgumentException("expand: -1 is not allowed for a new leading dimension");
        }
        t[i] = shape[i - off];
      }
    }
    if (!Shapes.broadcastsTo(shape, t)) {
      throw new IllegalArgumentException("expand: shape " + Shapes.str(shape) + " cannot be expanded to "
          + Shapes.str(t));
    }
    return expandTo(x, Shapes.checked(t));
  }

  /** {@code x} broadcast to {@code target}, to which its shape broadcasts; {@code x} itself if equal. */
  static Tensor expandTo(Tensor x, int[] target) {
    int[] in = x.shapeRef();
    if (Arrays.equals(in, target)) {
      return x;
    }
    int off = target.length - in.length;
    int[] st = new int[target.length];
    for (int i = 0; i < in.length; i++) {
      st[off + i] = in[i] == target[off + i] ? x.strides[i] : 0;
    }
    Tensor out = x.viewOfStorage(x.offset, target.clone(), st);
    return GraphRecorder.record(out, "ExpandBackward", new Tensor[] {x},
        (g, n) -> new Tensor[] {g.sumToSize(in)}, null, null);
  }

  /** The view {@code op} of {@code x}, its gradient sent back by {@link #unview}. */
  static Tensor strided(Tensor x, Op op, String name) {
    Geometry v = op.apply(x.offset, x.shapeRef(), x.strides);
    Tensor out = x.viewOfStorage(v.offset(), v.shape(), v.strides());
    int[] in = x.shapeRef();
    return GraphRecorder.record(out, name, new Tensor[] {x}, (g, n) -> new Tensor[] {unview(g, in, op, name)},
        null, null);
  }

  /**
   * The adjoint of the view {@code op} of a tensor of shape {@code in}: zeros of that shape with {@code g}
   * added at the view's elements. Its own adjoint is the view again.
   */
  static Tensor unview(Tensor g, int[] in, Op op, String name) {
    Geometry rel = op.apply(0, in, Shapes.contiguousStrides(in));
    int[] idx = Shapes.stridedIndex(rel.shape(), rel.strides(), rel.offset());
    Tensor out = Tensor.wrap(ShapeKernels.scatterAdd(g.values(), idx, Shapes.numel(in)), in.clone());
    return GraphRecorder.record(out, name + "Backward", new Tensor[] {g},
        (g2, n) -> new Tensor[] {strided(g2, op, name)}, null, null);
  }
}
