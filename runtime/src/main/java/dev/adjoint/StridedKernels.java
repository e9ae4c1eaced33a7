package dev.adjoint;

/**
 * Reading and writing the elements of a strided view of {@code double[]} storage, and the stride rules of
 * {@code view}: the kernels that let {@link Tensor} views (transposes, slices with a step, expansions)
 * share storage with their base. Every other kernel works on contiguous row-major arrays, which {@link
 * #gather} produces.
 */
final class StridedKernels {
  private StridedKernels() {}

  /** Whether {@code strides} are the row-major strides of {@code shape} (sizes 0 and 1 ignore their stride). */
  static boolean isContiguous(int[] shape, int[] strides) {
    int expected = 1;
    for (int d = shape.length - 1; d >= 0; d--) {
      if (shape[d] == 1) {
        continue;
      }
      if (shape[d] == 0) {
        return true;
      }
      if (strides[d] != expected) {
        return false;
      }
      expected *= shape[d];
    }
    return true;
  }

  /** The elements of the view {@code (offset, shape, strides)} of {@code storage} in row-major order. */
  static double[] gather(double[] storage, int offset, int[] shape, int[] strides) {
    int n = Shapes.numel(shape);
    double[] r = new double[n];
    if (n == 0) {
      return r;
    }
    if (isContiguous(shape, strides)) {
      System.arraycopy(storage, offset, r, 0, n);
      return r;
    }
    int rank = shape.length;
    if (rank == 2 && strides[0] == 1 && strides[1] == shape[0] && offset == 0) {
      // A transposed matrix (t() of a contiguous one): the blocked transpose is cache-friendly.
      return MatmulKernels.transpose(storage, shape[1], shape[0]);
    }
    int last = shape[rank - 1];
    int lastStride = strides[rank - 1];
    int rows = n / last;
    int[] counter = new int[rank];
    int base = offset;
    int p = 0;
    for (int row = 0; row < rows; row++) {
      int q = base;
      for (int j = 0; j < last; j++) {
        r[p++] = storage[q];
        q += lastStride;
      }
      base = nextRow(counter, shape, strides, base);
    }
    return r;
  }

  /** Writes {@code values} (row-major, one per element) into the view {@code (offset, shape, strides)}. */
  static void scatter(double[] values, double[] storage, int offset, int[] shape, int[] strides) {
    int n = values.length;
    if (n == 0) {
      return;
    }
    if (isContiguous(shape, strides)) {
      System.arraycopy(values, 0, storage, offset, n);
      return;
    }
    int rank = shape.length;
    int last = shape[rank - 1];
    int lastStride = strides[rank - 1];
    int rows = n / last;
    int[] counter = new int[rank];
    int base = offset;
    int p = 0;
    for (int row = 0; row < rows; row++) {
      int q = base;
      for (int j = 0; j < last; j++) {
        storage[q] = values[p++];
        q += lastStride;
      }
      base = nextRow(counter, shape, strides, base);
    }
  }

  /** Advances {@code counter} over all dimensions but the last; returns the storage offset of the next row. */
  private static int nextRow(int[] counter, int[] shape, int[] strides, int base) {
    for (int d = shape.length - 2; d >= 0; d--) {
      counter[d]++;
      base += strides[d];
      if (counter[d] < shape[d]) {
        return base;
      }
      base -= strides[d] * shape[d];
      counter[d] = 0;
    }
    return base;
  }

  /** Whether two elements of the view share a storage location (a dimension of size > 1 with stride 0). */
  static boolean overlaps(int[] shape, int[] strides) {
    for (int d = 0; d < shape.length; d++) {
      if (shape[d] > 1 && strides[d] == 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * The strides under which a tensor of {@code oldShape} and {@code oldStrides} can be viewed with {@code
   * newShape} without copying, or null if none exists: PyTorch's {@code computeStride} (a view may merge or
   * split only dimensions that are contiguous with each other).
   */
  static int[] viewStrides(int[] oldShape, int[] oldStrides, int[] newShape) {
    int[] newStrides = new int[newShape.length];
    int numel = Shapes.numel(oldShape);
    if (oldShape.length == 0) {
      java.util.Arrays.fill(newStrides, 1);
      return newStrides;
    }
    if (numel == 0) {
      return Shapes.contiguousStrides(newShape);
    }
    int viewD = newShape.length - 1;
    int chunkBase = oldStrides.length == 0 ? 1 : oldStrides[oldStrides.length - 1];
    long tensorNumel = 1;
    long viewNumel = 1;
    for (int d = oldShape.length - 1; d >= 0; d--) {
      tensorNumel *= oldShape[d];
      if (d == 0 || oldShape[d - 1] != 1 && oldStrides[d - 1] != tensorNumel * chunkBase) {
        while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1)) {
          newStrides[viewD] = (int) (viewNumel * chunkBase);
          viewNumel *= newShape[viewD];
          viewD--;
        }
        if (viewNumel != tensorNumel) {
          return null;
        }
        if (d > 0) {
          chunkBase = oldStrides[d - 1];
          tensorNumel = 1;
          viewNumel = 1;
        }
      }
    }
    if (viewD != -1) {
      return null;
    }
    return newStrides;
  }
}
