package dev.adjoint.runtime;

import java.util.Arrays;

/**
 * The checks and messages every reverse pass shares, worded as PyTorch words them so that users of
 * {@code backward()} recognize them.
 */
public final class Backward {
  /** PyTorch's message for a reverse pass through a graph whose saved values were freed. */
  public static final String FREED_GRAPH =
      "Trying to backward through the graph a second time (or directly access saved tensors after they"
          + " have already been freed). Saved intermediate values of the graph are freed when you call"
          + " .backward() or autograd.grad(). Specify retainGraph=true if you need to backward through the"
          + " graph a second time or if you need to access saved tensors after calling backward.";

  /** PyTorch's message for {@code backward()} without an upstream on a non-scalar output. */
  public static final String IMPLICIT_UPSTREAM = "grad can be implicitly created only for scalar outputs";

  private Backward() {}

  /** The exception for a second reverse pass through a freed graph. */
  public static IllegalStateException freedGraph() {
    return new IllegalStateException(FREED_GRAPH);
  }

  /** The exception for an implicit upstream on an output of the given shape. */
  public static IllegalStateException implicitUpstream(int[] outputShape) {
    return new IllegalStateException(
        IMPLICIT_UPSTREAM + " (the output has shape " + Arrays.toString(outputShape) + ")");
  }

  /** Throws unless {@code upstream} has exactly the shape of {@code output}; no broadcasting. */
  public static void requireSameShape(double[] upstream, double[] output) {
    if (upstream == null) {
      throw new IllegalArgumentException("upstream must not be null");
    }
    if (upstream.length != output.length) {
      throw mismatch(new int[] {upstream.length}, new int[] {output.length});
    }
  }

  /** Throws unless {@code upstream} has exactly the (possibly ragged) shape of {@code output}. */
  public static void requireSameShape(double[][] upstream, double[][] output) {
    if (upstream == null) {
      throw new IllegalArgumentException("upstream must not be null");
    }
    boolean same = upstream.length == output.length;
    for (int i = 0; same && i < output.length; i++) {
      same = upstream[i] != null && output[i] != null && upstream[i].length == output[i].length
          || upstream[i] == null && output[i] == null;
    }
    if (!same) {
      throw mismatch(describe(upstream), describe(output));
    }
  }

  /** The exception for an upstream whose shape is not the output's; shapes as {@link #describe} writes them. */
  public static IllegalArgumentException mismatch(int[] upstreamShape, int[] outputShape) {
    return mismatch(Arrays.toString(upstreamShape), Arrays.toString(outputShape));
  }

  private static IllegalArgumentException mismatch(String upstreamShape, String outputShape) {
    return new IllegalArgumentException(
        "Mismatch in shape: upstream has shape "
            + upstreamShape
            + " but the output has shape "
            + outputShape
            + ". The upstream gradient must have exactly the output's shape.");
  }

  /** The shape of a rectangular matrix {@code [rows, cols]}, or {@code [rows, -1]} when ragged. */
  public static int[] shapeOf(double[][] m) {
    if (m.length == 0) {
      return new int[] {0};
    }
    int cols = m[0] == null ? -1 : m[0].length;
    for (double[] row : m) {
      if (row == null || row.length != cols) {
        cols = -1;
      }
    }
    return new int[] {m.length, cols};
  }

  /**
   * A matrix's shape for a message: {@code [rows, cols]} when rectangular, else {@code [rows, ragged:
   * [len0, len1, ...]]} with {@code null} for a missing row.
   */
  public static String describe(double[][] m) {
    int[] shape = shapeOf(m);
    if (shape.length == 1 || shape[1] >= 0) {
      return Arrays.toString(shape);
    }
    StringBuilder rows = new StringBuilder();
    for (int i = 0; i < m.length; i++) {
      rows.append(i == 0 ? "" : ", ").append(m[i] == null ? "null" : String.valueOf(m[i].length));
    }
    return "[" + m.length + ", ragged: [" + rows + "]]";
  }
}
