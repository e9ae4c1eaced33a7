package dev.adjoint;

/**
 * Sums and means over several dimensions at once, as PyTorch's {@code x.sum(dim=(0, 2), keepdim=...)}: the
 * dimensions are reduced one at a time by the single-dimension kernel with recording off, and the result is
 * one node whose adjoint broadcasts {@code g} back (divided by the count for a mean).
 */
final class MultiDimReductions {
  private MultiDimReductions() {}

  /**
   * Which dimensions of a tensor of rank {@code rank} are reduced: those in {@code dims} (negative counts
   * from the end), or all of them when {@code dims} is empty (as PyTorch 1.13 reads {@code dim=()}).
   */
  private static boolean[] reduced(int[] dims, int rank, String op) {
    boolean[] r = new boolean[rank];
    if (dims.length == 0) {
      java.util.Arrays.fill(r, true);
      return r;
    }
    for (int dim : dims) {
      int d = Shapes.dim(dim, rank);
      if (r[d]) {
        throw new IllegalArgumentException(op + ": dim " + d + " appears multiple times in the list of dims");
      }
      r[d] = true;
    }
    return r;
  }

  static Tensor sum(Tensor x, int[] dims, boolean keepDim) {
    return reduce(x, dims, keepDim, false);
  }

  static Tensor mean(Tensor x, int[] dims, boolean keepDim) {
    return reduce(x, dims, keepDim, true);
  }

  private static Tensor reduce(Tensor x, int[] dims, boolean keepDim, boolean mean) {
    String op = mean ? "mean" : "sum";
    int[] in = x.shapeRef();
    boolean[] r = reduced(dims, in.length, op);
    int[] kept = in.clone();
    int count = 1;
    int rank = 0;
    for (int d = 0; d < in.length; d++) {
      if (r[d]) {
        kept[d] = 1;
        count *= in[d];
      } else {
        rank++;
      }
    }
    int[] outShape = new int[keepDim ? in.length : rank];
    for (int d = 0, k = 0; d < in.length; d++) {
      if (keepDim) {
        outShape[d] = kept[d];
      } else if (!r[d]) {
        outShape[k++] = in[d];
      }
    }
    Tensor s = x;
    boolean previous = GradMode.set(false);
    try {
      for (int d = 0; d < in.length; d++) {
        if (r[d]) {
          s = s.sum(d, true);
        }
      }
      s = s.reshape(outShape);
      if (mean) {
        s = s.div(count);
      }
    } finally {
      GradMode.set(previous);
    }
    int n = count;
    // A fresh tensor for the result: s may still be x itself when no dimension is reduced.
    Tensor out = Tensor.wrap(s.toArray(), outShape);
    return GraphRecorder.record(out, mean ? "MeanBackward" : "SumBackward", new Tensor[] {x}, (g, node) -> {
      Tensor scaled = mean ? g.div(n) : g;
      return new Tensor[] {scaled.reshape(kept).expandTo(in)};
    }, null, null);
  }
}
