package dev.adjoint;

/**
 * Indexing by index lists of {@link Tensor} ({@code gather}, {@code indexSelect}) and their adjoints (scatter-add,
 * index-add), each recorded so that it can be differentiated again. Tensor's public methods delegate here.
 */
final class IndexOps {
  private IndexOps() {}

  private static Tensor rec(Tensor out, String name, Tensor[] inputs, Node.Fn fn) {
    return GraphRecorder.record(out, name, inputs, fn, null, null);
  }

  /** See {@link Tensor#gather}; {@code d} is already normalised. */
  static Tensor gather(Tensor self, int d, Tensor index) {
    int[] off = ShapeKernels.gatherOffsets(index.values(), index.shapeRef(), self.shapeRef(), d);
    return gatherAt(self, off, index.shapeRef().clone());
  }

  /** The elements of {@code self} at storage-order offsets {@code off}, as a tensor of {@code outShape}. */
  private static Tensor gatherAt(Tensor self, int[] off, int[] outShape) {
    int[] in = self.shapeRef();
    return rec(Tensor.wrap(ShapeKernels.gather(self.values(), off), outShape), "GatherBackward",
        new Tensor[] {self}, (g, n) -> new Tensor[] {scatterAddAt(g, off, in)});
  }

  /** {@code g} added into zeros of shape {@code full} at offsets {@code off} (gather's adjoint). */
  private static Tensor scatterAddAt(Tensor g, int[] off, int[] full) {
    int[] in = g.shapeRef();
    return rec(Tensor.wrap(ShapeKernels.scatterAdd(g.values(), off, Shapes.numel(full)), full.clone()),
        "ScatterAddBackward", new Tensor[] {g}, (u, n) -> new Tensor[] {gatherAt(u, off, in)});
  }

  /** See {@link Tensor#indexSelect(int, int...)}; {@code d} is already normalised, {@code idx} checked. */
  static Tensor indexSelect(Tensor self, int d, int[] idx) {
    int[] in = self.shapeRef();
    Tensor out = Tensor.wrap(ShapeKernels.indexSelect(self.values(), in, d, idx),
        Shapes.replaced(in, d, idx.length));
    return rec(out, "IndexSelectBackward", new Tensor[] {self},
        (g, n) -> new Tensor[] {indexAdd(g, in, d, idx)});
  }

  /** The integer values of a 1-D index tensor, refused when one is not an integer. */
  static int[] indices(Tensor index) {
    if (index.dim() > 1) {
      throw new IllegalArgumentException("indexSelect: index must be 1-D, got shape " + Shapes.str(index.shapeRef()));
    }
    double[] iv = index.values();
    int[] idx = new int[iv.length];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = (int) iv[i];
      if (idx[i] != iv[i]) {
        throw new IllegalArgumentException("indexSelect: index " + iv[i] + " is not an integer");
      }
    }
    return idx;
  }

  /** {@code g} added into zeros of shape {@code full} at {@code idx} along {@code d} (indexSelect's adjoint). */
  private static Tensor indexAdd(Tensor g, int[] full, int d, int[] idx) {
    return rec(Tensor.wrap(ShapeKernels.indexAdd(g.values(), full, d, idx), full.clone()), "IndexAddBackward",
        new Tensor[] {g}, (u, n) -> new Tensor[] {indexSelect(u, d, idx)});
  }
}
