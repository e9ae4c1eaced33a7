package dev.adjoint;

import java.util.Arrays;

/**
 * {@link Tensor}'s cat, stack, scatter, repeat, split and chunk: built on the kernels and on views, each recorded with its
 * adjoint (scatter's is a gather; repeat's a sum through the expanded view; split's pieces are views).
 */
final class JoinSplitOps {
  private JoinSplitOps() {}

  /**
   * A copy of {@code self} with {@code src}'s entries written (or added) where {@code index} points along
   * {@code d}, as {@code scatter}/{@code scatter_add}; {@code src} may be larger than {@code index}, whose
   * shape selects the entries used. Where indices repeat in {@code scatter} the last write wins and only it
   * gets a gradient.
   */
  static Tensor scatter(Tensor self, int d, Tensor index, Tensor src, boolean add) {
    String op = add ? "scatterAdd" : "scatter";
    int[] xs = self.shapeRef();
    int[] is = index.shapeRef();
    double[] iv = index.toArray();
    int[] off = ShapeKernels.gatherOffsets(iv, is, xs, d, op);
    int[] ss = src.shapeRef();
    if (ss.length != is.length) {
      throw new IllegalArgumentException(op + ": index of shape " + Shapes.str(is) + " and src of shape "
          + Shapes.str(ss) + " need the same number of dimensions");
    }
    Tensor used = src;
    for (int k = 0; k < is.length; k++) {
      if (is[k] > ss[k]) {
        throw new IllegalArgumentException(op + ": index of shape " + Shapes.str(is) + " is larger than src of"
            + " shape " + Shapes.str(ss) + " in dimension " + k);
      }
      if (is[k] < ss[k]) {
        used = used.narrow(k, 0, is[k]);
      }
    }
    double[] v = used.values();
    double[] r = self.toArray();
    boolean[] written = new boolean[r.length];
    double[] overwritten = new double[off.length];
    boolean anyOverwritten = false;
    int[] lastWriter = new int[r.length];
    for (int p = 0; p < off.length; p++) {
      if (!add && written[off[p]]) {
        overwritten[lastWriter[off[p]]] = 1; // a later write wins: the earlier one gets no gradient
        anyOverwritten = true;
      }
      r[off[p]] = add ? r[off[p]] + v[p] : v[p];
      written[off[p]] = true;
      lastWriter[off[p]] = p;
    }
    Tensor lost = anyOverwritten ? Tensor.wrap(overwritten, is.clone()) : null;
    Tensor out = Tensor.wrap(r, xs.clone());
    int[] usedShape = is.clone();
    Tensor usedSrc = used;
    return GraphRecorder.record(out, add ? "ScatterAddBackward" : "ScatterBackward", new Tensor[] {self, usedSrc},
        (g, n) -> new Tensor[] {
            n.needs(0) ? (add ? g : g.maskedFill(Tensor.wrap(mask(written), xs.clone()), 0.0)) : null,
            n.needs(1) ? srcGrad(g.gather(d, Tensor.wrap(iv, usedShape)), lost) : null},
        null, null);
  }

  private static Tensor srcGrad(Tensor gathered, Tensor lost) {
    return lost == null ? gathered : gathered.maskedFill(lost, 0.0);
  }

  private static double[] mask(boolean[] b) {
    double[] m = new double[b.length];
    for (int i = 0; i < b.length; i++) {
      m[i] = b[i] ? 1 : 0;
    }
    return m;
  }

  /** {@code self} tiled {@code repeats[i]} times along each dimension, as {@code torch.Tensor.repeat}. */
  static Tensor repeat(Tensor self, int[] repeats) {
    int[] s = self.shapeRef();
    if (repeats.length < s.length) {
      throw new IllegalArgumentException("repeat: number of repeat dims (" + repeats.length + ") can not be"
          + " smaller than number of dimensions of tensor (" + s.length + ")");
    }
    int r = repeats.length;
    int[] padded = new int[r];
    int lead = r - s.length;
    for (int i = 0; i < r; i++) {
      padded[i] = i < lead ? 1 : s[i - lead];
      if (repeats[i] < 0) {
        throw new IllegalArgumentException("repeat: repeats must be non-negative, got " + repeats[i]);
      }
    }
    // [1, p0, 1, p1, ...] expanded to [r0, p0, r1, p1, ...], then merged pairwise.
    int[] interleaved = new int[2 * r];
    int[] expanded = new int[2 * r];
    int[] out = new int[r];
    for (int i = 0; i < r; i++) {
      interleaved[2 * i] = 1;
      interleaved[2 * i + 1] = padded[i];
      expanded[2 * i] = repeats[i];
      expanded[2 * i + 1] = padded[i];
      out[i] = repeats[i] * padded[i];
    }
    return self.reshape(interleaved).expand(expanded).reshape(out);
  }

  /** Views of consecutive pieces of {@code sizes[i]} entries along {@code d}, as {@code split_with_sizes}. */
  static Tensor[] split(Tensor self, int[] sizes, int d) {
    int total = 0;
    for (int v : sizes) {
      if (v < 0) {
        throw new IllegalArgumentException("split: sizes must be non-negative, got " + v);
      }
      total += v;
    }
    if (total != self.size(d)) {
      throw new IllegalArgumentException("split_with_sizes expects split_sizes to sum exactly to " + self.size(d)
          + " (input tensor's size at dimension " + d + "), but got split_sizes=" + Arrays.toString(sizes));
    }
    Tensor[] parts = new Tensor[sizes.length];
    int start = 0;
    for (int i = 0; i < sizes.length; i++) {
      parts[i] = self.narrow(d, start, sizes[i]);
      start += sizes[i];
    }
    return parts;
  }

  /** Pieces of {@code size} entries along {@code d} (the last may be smaller), as {@code torch.split}. */
  static Tensor[] split(Tensor self, int size, int d) {
    if (size <= 0) {
      throw new IllegalArgumentException("split expects split_size be positive, but got split_size=" + size);
    }
    int n = self.size(d);
    int count = Math.max(1, (n + size - 1) / size);
    int[] sizes = new int[count];
    for (int i = 0; i < count; i++) {
      sizes[i] = Math.min(size, n - i * size);
    }
    return split(self, sizes, d);
  }

  /** {@code chunks} pieces or fewer of {@code ceil(size / chunks)} entries along {@code d}, as {@code torch.chunk}. */
  static Tensor[] chunk(Tensor self, int chunks, int d) {
    if (chunks <= 0) {
      throw new IllegalArgumentException("chunk expects `chunks` to be greater than 0, got: " + chunks);
    }
    int n = self.size(d);
    return split(self, Math.max(1, (n + chunks - 1) / chunks), d);
  }

  static Tensor stack(int dim, Tensor[] tensors) {
    if (tensors.length == 0) {
      throw new IllegalArgumentException("stack expects a non-empty list of tensors");
    }
    int[] s = tensors[0].shapeRef();
    for (int i = 1; i < tensors.length; i++) {
      if (!Arrays.equals(tensors[i].shapeRef(), s)) {
        throw new IllegalArgumentException("stack expects each tensor to be equal size, but got "
            + Shapes.str(s) + " at entry 0 and " + Shapes.str(tensors[i].shapeRef()) + " at entry " + i);
      }
    }
    int d = Shapes.dim(dim, s.length + 1);
    int[] sizes = new int[tensors.length];
    Arrays.fill(sizes, 1);
    int[] outShape = Shapes.with(s, d, tensors.length);
    Tensor out = Tensor.wrap(catData(tensors, outShape, d, sizes), outShape);
    return rec(out, "StackBackward", tensors.clone(), (g, n) -> {
      Tensor[] r = new Tensor[sizes.length];
      for (int i = 0; i < r.length; i++) {
        r[i] = n.needs(i) ? g.select(d, i) : null;
      }
      return r;
    });
  }

  static Tensor cat(int dim, Tensor[] tensors) {
    if (tensors.length == 0) {
      throw new IllegalArgumentException("cat expects a non-empty list of tensors");
    }
    int[] s = tensors[0].shapeRef();
    if (s.length == 0) {
      throw new IllegalArgumentException("zero-dimensional tensor cannot be concatenated");
    }
    int d = Shapes.dim(dim, s.length);
    int[] sizes = new int[tensors.length];
    int total = 0;
    for (int i = 0; i < tensors.length; i++) {
      int[] t = tensors[i].shapeRef();
      boolean ok = t.length == s.length;
      for (int k = 0; ok && k < s.length; k++) {
        ok = k == d || t[k] == s[k];
      }
      if (!ok) {
        throw new IllegalArgumentException("cat: sizes of tensors must match except in dimension " + d
            + "; got " + Shapes.str(s) + " at entry 0 and " + Shapes.str(t) + " at entry " + i);
      }
      sizes[i] = t[d];
      total += t[d];
    }
    int[] outShape = Shapes.replaced(s, d, total);
    Tensor out = Tensor.wrap(catData(tensors, outShape, d, sizes), outShape);
    return rec(out, "CatBackward", tensors.clone(), (g, n) -> {
      Tensor[] r = new Tensor[sizes.length];
      int off = 0;
      for (int i = 0; i < r.length; i++) {
        r[i] = n.needs(i) ? g.slice(d, off, off + sizes[i]) : null;
        off += sizes[i];
      }
      return r;
    });
  }

  static double[] catData(Tensor[] tensors, int[] outShape, int d, int[] sizes) {
    double[][] parts = new double[tensors.length][];
    for (int i = 0; i < parts.length; i++) {
      parts[i] = tensors[i].values();
    }
    return ShapeKernels.cat(parts, outShape, d, sizes);
  }

  private static Tensor rec(Tensor out, String name, Tensor[] inputs, Node.Fn fn) {
    return GraphRecorder.record(out, name, inputs, fn, null, null);
  }
}
