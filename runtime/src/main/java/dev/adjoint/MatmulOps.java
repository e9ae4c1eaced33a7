package dev.adjoint;

import java.util.Arrays;

/**
 * {@link Tensor#matmul} and {@link Tensor#dot}: the rank cases of {@code torch.matmul} reduced to one matrix
 * product ({@code mm}) or a batch of them ({@code bmm}), each recorded with its adjoint. The products
 * themselves are {@link MatmulKernels}', or the active {@link dev.adjoint.spi.MatmulBackend}'s for large ones
 * ({@link BackendGemm}).
 */
final class MatmulOps {
  private MatmulOps() {}

  static Tensor matmul(Tensor a, Tensor other) {
    int ra = a.dim();
    int rb = other.dim();
    if (ra == 0 || rb == 0) {
      throw new IllegalArgumentException("both arguments to matmul need to be at least 1D, but they are "
          + ra + "D and " + rb + "D");
    }
    if (ra == 1 && rb == 1) {
      return dot(a, other);
    }
    if (ra == 2 && rb == 2) {
      return mm(a, other);
    }
    if (ra == 1) {
      return matmul(a.unsqueeze(0), other).squeeze(-2);
    }
    if (rb == 1) {
      return matmul(a, other.unsqueeze(1)).squeeze(-1);
    }
    int[] shape = a.shapeRef();
    int[] os = other.shapeRef();
    int n = shape[ra - 2];
    int k = shape[ra - 1];
    int m = os[rb - 1];
    if (os[rb - 2] != k) {
      throw new IllegalArgumentException("matmul: shapes " + Shapes.str(shape) + " and " + Shapes.str(os)
          + " cannot be multiplied (" + k + " columns against " + os[rb - 2] + " rows)");
    }
    if (rb == 2) {
      // Every row of every batch against the same matrix: one matrix product.
      return mm(a.reshape(a.numel() / Math.max(k, 1), k), other).reshape(Shapes.replaced(shape, ra - 1, m));
    }
    int[] batchA = Arrays.copyOf(shape, ra - 2);
    int[] batchB = Arrays.copyOf(os, rb - 2);
    int[] batch;
    try {
      batch = Shapes.broadcast(batchA, batchB);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("matmul: batch dimensions " + Shapes.str(batchA) + " and "
          + Shapes.str(batchB) + " do not broadcast (shapes " + Shapes.str(shape) + " and " + Shapes.str(os) + ")");
    }
    int nb = Shapes.numel(batch);
    Tensor a3 = a.expandTo(withLast(batch, n, k)).reshape(nb, n, k);
    Tensor b3 = other.expandTo(withLast(batch, k, m)).reshape(nb, k, m);
    return bmm(a3, b3).reshape(withLast(batch, n, m));
  }

  private static int[] withLast(int[] batch, int rows, int cols) {
    int[] s = Arrays.copyOf(batch, batch.length + 2);
    s[batch.length] = rows;
    s[batch.length + 1] = cols;
    return s;
  }

  static Tensor dot(Tensor a, Tensor other) {
    if (a.dim() != 1 || other.dim() != 1 || a.size(0) != other.size(0)) {
      throw new IllegalArgumentException("dot needs two 1-D tensors of equal length, got "
          + Shapes.str(a.shapeRef()) + " and " + Shapes.str(other.shapeRef()));
    }
    double s = 0;
    double[] x = a.values();
    double[] y = other.values();
    for (int i = 0; i < x.length; i++) {
      s += x[i] * y[i];
    }
    return GraphRecorder.record(Tensor.of(s), "DotBackward", new Tensor[] {a, other}, (g, n) -> new Tensor[] {
        n.needs(0) ? n.saved(1).mul(g) : null, n.needs(1) ? n.saved(0).mul(g) : null},
        new Tensor[] {a, other}, null);
  }

  /** The product of two matrices. */
  static Tensor mm(Tensor a, Tensor other) {
    int[] s = a.shapeRef();
    int[] os = other.shapeRef();
    if (s[1] != os[0]) {
      throw new IllegalArgumentException("mat1 and mat2 shapes cannot be multiplied (" + s[0] + "x" + s[1]
          + " and " + os[0] + "x" + os[1] + ")");
    }
    double[] r = new double[s[0] * os[1]];
    multiply(a, other, r);
    return GraphRecorder.record(Tensor.wrap(r, new int[] {s[0], os[1]}), "MmBackward", new Tensor[] {a, other},
        (g, n) -> new Tensor[] {
            n.needs(0) ? mmInto(g, n.saved(1).t(), n.zeroedGrad(0)) : null,
            n.needs(1) ? mmInto(n.saved(0).t(), g, n.zeroedGrad(1)) : null},
        new Tensor[] {a, other}, null);
  }

  /**
   * {@code a·b} written into {@code zeroed} (a leaf's zeroed gradient buffer of the product's shape, offered by the
   * reverse pass, see {@link LeafGrads}) and returned as it; {@link #mm} when none is offered or when an operand
   * reads that storage.
   */
  private static Tensor mmInto(Tensor a, Tensor b, Tensor zeroed) {
    if (zeroed == null || zeroed.storage == a.storage || zeroed.storage == b.storage
        || zeroed.storage.length != a.size(0) * b.size(1)) {
      return mm(a, b);
    }
    multiply(a, b, zeroed.storage);
    return zeroed;
  }

  /** {@code r += a·b} for matrices {@code a [n, k]}, {@code b [k, m]} and {@code r} row-major {@code [n, m]} zeros. */
  private static void multiply(Tensor a, Tensor other, double[] r) {
    int[] s = a.shapeRef();
    int[] os = other.shapeRef();
    if (!BackendGemm.mm(a, other, r, s[0], s[1], os[1])) {
      if (os[1] == 1 && s[1] > 1 && a.strides[0] == 1 && a.strides[1] >= s[0]) {
        // a transposed row-major matrix times a vector (the backward of a matrix-vector product)
        MatmulKernels.transposedMatrixVector(a.storage, a.offset, a.strides[1], other.values(), r, s[0], s[1]);
      } else if (!(a.plain && other.plain) && PackedMatmul.applies(s[0], s[1], os[1])
          && !MatmulKernels.mostlyZero(a.storage, a.offset, a.strides[0], a.strides[1], s[0], s[1])) {
        // a view (the transposed operands of the backward products): packed as read, not copied first
        PackedMatmul.mm(a.storage, a.offset, a.strides[0], a.strides[1], other.storage, other.offset,
            other.strides[0], other.strides[1], r, 0, s[0], s[1], os[1]);
      } else {
        MatmulKernels.mm(a.values(), 0, other.values(), 0, r, 0, s[0], s[1], os[1]);
      }
    }
  }

  /** The products of two batches of matrices, {@code [b, n, k]·[b, k, m]}. */
  static Tensor bmm(Tensor a, Tensor other) {
    int[] s = a.shapeRef();
    int[] os = other.shapeRef();
    int b = s[0];
    int n = s[1];
    int k = s[2];
    int m = os[2];
    if (os[0] != b || os[1] != k) {
      throw new IllegalArgumentException("bmm: shapes " + Shapes.str(s) + " and " + Shapes.str(os)
          + " cannot be multiplied");
    }
    double[] r = new double[b * n * m];
    if (!BackendGemm.bmm(a, other, r, b, n, k, m)) {
      double[] av = a.values();
      double[] bv = other.values();
      for (int i = 0; i < b; i++) {
        MatmulKernels.mm(av, i * n * k, bv, i * k * m, r, i * n * m, n, k, m);
      }
    }
    return GraphRecorder.record(Tensor.wrap(r, new int[] {b, n, m}), "BmmBackward", new Tensor[] {a, other},
        (g, nd) -> new Tensor[] {
            nd.needs(0) ? bmm(g, nd.saved(1).transpose(1, 2)) : null,
            nd.needs(1) ? bmm(nd.saved(0).transpose(1, 2), g) : null},
        new Tensor[] {a, other}, null);
  }
}
