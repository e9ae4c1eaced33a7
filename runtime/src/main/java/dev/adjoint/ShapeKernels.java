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

  /** {@code x} of shape {@code from} summed down to {@code target}, which broadcasts to {@code from}. */
  static double[] sumTo(double[] x, int[] from, int[] target) {
    int[] idx = Shapes.broadcastIndex(target, from);
    double[] r = new double[Shapes.numel(target)];
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
}
