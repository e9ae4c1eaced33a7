package dev.adjoint;

import java.util.Arrays;

/** Shape arithmetic shared by the tensor kernels: validation, broadcasting and strided index maps. */
final class Shapes {
  private Shapes() {}

  static int numel(int[] shape) {
    long n = 1;
    for (int d : shape) {
      n *= d;
      if (n > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has too many elements");
      }
    }
    return (int) n;
  }

  /** A validated copy of a user-supplied shape. */
  static int[] checked(int[] shape) {
    if (shape == null) {
      throw new IllegalArgumentException("shape must not be null");
    }
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
    }
    numel(shape);
    return shape.clone();
  }

  /** The broadcast shape of {@code a} and {@code b} under NumPy's rules. */
  static int[] broadcast(int[] a, int[] b) {
    if (Arrays.equals(a, b)) {
      return a;
    }
    int r = Math.max(a.length, b.length);
    int[] out = new int[r];
    for (int i = 0; i < r; i++) {
      int da = i - (r - a.length) >= 0 ? a[i - (r - a.length)] : 1;
      int db = i - (r - b.length) >= 0 ? b[i - (r - b.length)] : 1;
      if (da != db && da != 1 && db != 1) {
        throw new IllegalArgumentException(
            "shapes " + Arrays.toString(a) + " and " + Arrays.toString(b) + " cannot be broadcast together"
                + " (dimension " + i + " of the result: " + da + " vs " + db + ")");
      }
      out[i] = da == 1 ? db : da;
    }
    return out;
  }

  /** Whether {@code in} broadcasts to exactly {@code out}. */
  static boolean broadcastsTo(int[] in, int[] out) {
    if (in.length > out.length) {
      return false;
    }
    for (int i = 0; i < in.length; i++) {
      int o = out[i + out.length - in.length];
      if (in[i] != o && in[i] != 1) {
        return false;
      }
    }
    return true;
  }

  /**
   * For every element of {@code out} (row-major), the flat offset of the element of {@code in} that
   * broadcasting maps onto it.
   */
  static int[] broadcastIndex(int[] in, int[] out) {
    int r = out.length;
    int[] strides = new int[r];
    int s = 1;
    for (int i = in.length - 1; i >= 0; i--) {
      strides[i + r - in.length] = in[i] == 1 ? 0 : s;
      s *= in[i];
    }
    return stridedIndex(out, strides, 0);
  }

  /** Flat offsets of a strided walk over {@code shape} starting at {@code base}. */
  static int[] stridedIndex(int[] shape, int[] strides, int base) {
    int r = shape.length;
    int n = numel(shape);
    int[] idx = new int[n];
    int[] counter = new int[r];
    int off = base;
    for (int k = 0; k < n; k++) {
      idx[k] = off;
      for (int d = r - 1; d >= 0; d--) {
        counter[d]++;
        off += strides[d];
        if (counter[d] < shape[d]) {
          break;
        }
        off -= strides[d] * shape[d];
        counter[d] = 0;
      }
    }
    return idx;
  }

  static int[] contiguousStrides(int[] shape) {
    int[] st = new int[shape.length];
    int s = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      st[i] = s;
      s *= shape[i];
    }
    return st;
  }

  /** A dimension index, negative ones counted from the end as in Python. */
  static int dim(int dim, int rank) {
    int d = dim < 0 ? dim + rank : dim;
    if (d < 0 || d >= rank) {
      throw new IndexOutOfBoundsException(
          "Dimension out of range (expected to be in range of [" + (-rank) + ", " + (rank - 1) + "], but got "
              + dim + ")");
    }
    return d;
  }

  /** Product of the dimensions before {@code dim}. */
  static int outer(int[] shape, int dim) {
    int n = 1;
    for (int i = 0; i < dim; i++) {
      n *= shape[i];
    }
    return n;
  }

  /** Product of the dimensions after {@code dim}. */
  static int inner(int[] shape, int dim) {
    int n = 1;
    for (int i = dim + 1; i < shape.length; i++) {
      n *= shape[i];
    }
    return n;
  }

  static int[] without(int[] shape, int dim) {
    int[] out = new int[shape.length - 1];
    for (int i = 0, j = 0; i < shape.length; i++) {
      if (i != dim) {
        out[j++] = shape[i];
      }
    }
    return out;
  }

  static int[] with(int[] shape, int dim, int size) {
    int[] out = new int[shape.length + 1];
    for (int i = 0, j = 0; i < out.length; i++) {
      out[i] = i == dim ? size : shape[j++];
    }
    return out;
  }

  static int[] replaced(int[] shape, int dim, int size) {
    int[] out = shape.clone();
    out[dim] = size;
    return out;
  }

  /** {@code shape} with dimensions {@code a..b} (normalised, {@code a <= b}) merged into one. */
  static int[] flattened(int[] shape, int a, int b) {
    int[] s = new int[shape.length - (b - a)];
    int merged = 1;
    for (int k = a; k <= b; k++) {
      merged *= shape[k];
    }
    System.arraycopy(shape, 0, s, 0, a);
    s[a] = merged;
    System.arraycopy(shape, b + 1, s, a + 1, shape.length - b - 1);
    return s;
  }

  /** {@code shape} without its dimensions of size 1. */
  static int[] squeezed(int[] shape) {
    int kept = 0;
    for (int v : shape) {
      kept += v == 1 ? 0 : 1;
    }
    int[] s = new int[kept];
    int j = 0;
    for (int v : shape) {
      if (v != 1) {
        s[j++] = v;
      }
    }
    return s;
  }

  static String str(int[] shape) {
    return Arrays.toString(shape);
  }
}
