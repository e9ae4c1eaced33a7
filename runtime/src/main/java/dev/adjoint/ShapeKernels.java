package dev.adjoint;

/**
 * The copying loops behind {@link Tensor}'s shape operations, on row-major {@code double[]} storage and
 * without autograd: broadcasting (expand) and its adjoint (sum to size), transposes, slices and joins.
 */
final class ShapeKernels {
  private ShapeKernels() {}

  /** {@code x} of shape {@code from} broadcast to {@code to}. */
  static double[] expand(double[] x, int[] from, int[] to) {
    int[] idx = Shapes.broadcastIndex(from, to);
    double[] r = new double[idx.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = x[idx[i]];
    }
    return r;
  }

  /**
   * {@code x} of shape {@code from} broadcast to {@code to} for reading only: {@code x} itself when the shapes
   * are equal, else {@link #expand}'s copy. Callers must not write into the result.
   */
  static double[] expandForReading(double[] x, int[] from, int[] to) {
    return java.util.Arrays.equals(from, to) ? x : expand(x, from, to);
  }

  /** {@code x} of shape {@code from} summed down to {@code target}, which broadcasts to {@code from}. */
  static double[] sumTo(double[] x, int[] from, int[] target) {
    double[] r = new double[Shapes.numel(target)];
    if (r.length > 0 && PointwiseKernels.isTrailing(target, from)) {
      // a bias's gradient: the rows of x added into r one after another, the order of the general loop
      int w = r.length;
      for (int at = 0; at < x.length; at += w) {
        for (int j = 0; j < w; j++) {
          r[j] += x[at + j];
        }
      }
      return r;
    }
    int[] idx = Shapes.broadcastIndex(target, from);
    for (int i = 0; i < x.length; i++) {
      r[idx[i]] += x[i];
    }
    return r;
  }

  /** {@code x} of shape {@code shape} with dimensions {@code a} and {@code b} swapped. */
  static double[] transpose(double[] x, int[] shape, int a, int b) {
    if (shape.length == 2 && a != b) {
      return MatmulKernels.transpose(x, shape[0], shape[1]);
    }
    int[] outShape = shape.clone();
    outShape[a] = shape[b];
    outShape[b] = shape[a];
    int[] in = Shapes.contiguousStrides(shape);
    int[] st = in.clone();
    st[a] = in[b];
    st[b] = in[a];
    int[] idx = Shapes.stridedIndex(outShape, st, 0);
    double[] r = new double[idx.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = x[idx[i]];
    }
    return r;
  }

  /** The entries {@code s <= i < e} of dimension {@code d}. */
  static double[] slice(double[] x, int[] shape, int d, int s, int e) {
    int outer = Shapes.outer(shape, d);
    int len = shape[d];
    int inner = Shapes.inner(shape, d);
    int w = e - s;
    double[] r = new double[outer * w * inner];
    for (int o = 0; o < outer; o++) {
      System.arraycopy(x, (o * len + s) * inner, r, o * w * inner, w * inner);
    }
    return r;
  }

  /** {@code x} (shape {@code shape}) placed at {@code start} along {@code d} in zeros of shape {@code full}. */
  static double[] unslice(double[] x, int[] shape, int[] full, int d, int start) {
    int outer = Shapes.outer(full, d);
    int len = full[d];
    int inner = Shapes.inner(full, d);
    int w = shape[d];
    double[] r = new double[Shapes.numel(full)];
    for (int o = 0; o < outer; o++) {
      System.arraycopy(x, o * w * inner, r, (o * len + start) * inner, w * inner);
    }
    return r;
  }

  /** The parts joined along {@code d}, part {@code i} having size {@code sizes[i]} there. */
  static double[] cat(double[][] parts, int[] outShape, int d, int[] sizes) {
    int outer = Shapes.outer(outShape, d);
    int total = outShape[d];
    int inner = Shapes.inner(outShape, d);
    double[] r = new double[Shapes.numel(outShape)];
    int off = 0;
    for (int i = 0; i < parts.length; i++) {
      int w = sizes[i] * inner;
      for (int o = 0; o < outer; o++) {
        System.arraycopy(parts[i], o * w, r, (o * total + off) * inner, w);
      }
      off += sizes[i];
    }
    return r;
  }

  /** {@code newShape} with its one {@code -1} entry inferred for {@code numel} elements, checked. */
  static int[] inferShape(int[] newShape, int numel, int[] shape) {
    int[] s = newShape.clone();
    int infer = -1;
    long known = 1;
    for (int i = 0; i < s.length; i++) {
      if (s[i] == -1) {
        if (infer >= 0) {
          throw new IllegalArgumentException("only one dimension can be inferred in " + Shapes.str(newShape));
        }
        infer = i;
      } else if (s[i] < 0) {
        throw new IllegalArgumentException("invalid shape dimension " + s[i] + " in " + Shapes.str(newShape));
      } else {
        known *= s[i];
      }
    }
    if (infer >= 0) {
      if (known == 0 || numel % known != 0) {
        throw new IllegalArgumentException("shape " + Shapes.str(newShape) + " is invalid for input of size "
            + numel);
      }
      s[infer] = (int) (numel / known);
    }
    if (Shapes.numel(s) != numel) {
      throw new IllegalArgumentException("shape " + Shapes.str(newShape) + " is invalid for input of size "
          + numel + " (shape " + Shapes.str(shape) + ")");
    }
    return s;
  }

  /**
   * For each position of {@code index} (shape {@code is}), the offset in a tensor of shape {@code xs} that
   * {@code gather(dim, index)} reads: the position's own coordinates with the one along {@code d} replaced
   * by the index value, which must lie in {@code [0, xs[d])}.
   */
  static int[] gatherOffsets(double[] index, int[] is, int[] xs, int d) {
    return gatherOffsets(index, is, xs, d, "gather");
  }

  /** {@link #gatherOffsets(double[], int[], int[], int)} naming {@code op} in its errors. */
  static int[] gatherOffsets(double[] index, int[] is, int[] xs, int d, String op) {
    if (is.length != xs.length) {
      throw new IllegalArgumentException(op + ": index of shape " + Shapes.str(is) + " and input of shape "
          + Shapes.str(xs) + " need the same number of dimensions");
    }
    for (int k = 0; k < is.length; k++) {
      if (k != d && is[k] > xs[k]) {
        throw new IllegalArgumentException(op + ": index of shape " + Shapes.str(is) + " is larger than input"
            + " of shape " + Shapes.str(xs) + " apart from dimension " + d);
      }
    }
    int[] strides = Shapes.contiguousStrides(xs);
    int[] coord = new int[is.length];
    int[] off = new int[index.length];
    for (int p = 0; p < index.length; p++) {
      double v = index[p];
      int k = (int) v;
      if (k != v || k < 0 || k >= xs[d]) {
        throw new IndexOutOfBoundsException(op + ": index " + v + " is out of bounds for dimension " + d
            + " with size " + xs[d]);
      }
      int o = 0;
      for (int a = 0; a < coord.length; a++) {
        o += (a == d ? k : coord[a]) * strides[a];
      }
      off[p] = o;
      for (int a = coord.length - 1; a >= 0; a--) {
        if (++coord[a] < is[a]) {
          break;
        }
        coord[a] = 0;
      }
    }
    return off;
  }

  /** {@code r[p] = x[off[p]]}. */
  static double[] gather(double[] x, int[] off) {
    double[] r = new double[off.length];
    for (int p = 0; p < off.length; p++) {
      r[p] = x[off[p]];
    }
    return r;
  }

  /** Zeros of length {@code n} with {@code r[off[p]] += g[p]} (gather's adjoint). */
  static double[] scatterAdd(double[] g, int[] off, int n) {
    double[] r = new double[n];
    for (int p = 0; p < off.length; p++) {
      r[off[p]] += g[p];
    }
    return r;
  }

  /** The slices {@code indices[j]} along {@code d}, in that order (repeats allowed). */
  static double[] indexSelect(double[] x, int[] shape, int d, int[] indices) {
    int outer = Shapes.outer(shape, d);
    int len = shape[d];
    int inner = Shapes.inner(shape, d);
    int w = indices.length;
    double[] r = new double[outer * w * inner];
    for (int o = 0; o < outer; o++) {
      for (int j = 0; j < w; j++) {
        System.arraycopy(x, (o * len + indices[j]) * inner, r, (o * w + j) * inner, inner);
      }
    }
    return r;
  }

  /** Zeros of shape {@code full} with slice {@code indices[j]} along {@code d} increased by {@code g}'s slice j. */
  static double[] indexAdd(double[] g, int[] full, int d, int[] indices) {
    int outer = Shapes.outer(full, d);
    int len = full[d];
    int inner = Shapes.inner(full, d);
    int w = indices.length;
    double[] r = new double[Shapes.numel(full)];
    for (int o = 0; o < outer; o++) {
      for (int j = 0; j < w; j++) {
        int to = (o * len + indices[j]) * inner;
        int from = (o * w + j) * inner;
        for (int i = 0; i < inner; i++) {
          r[to + i] += g[from + i];
        }
      }
    }
    return r;
  }
}
