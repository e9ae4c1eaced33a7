package dev.adjoint;

import java.util.Arrays;

/**
 * The loops behind {@link Tensor}'s factories (nested arrays, ranges, filled and identity tensors): each
 * returns a fresh leaf that owns its array. Tensor's public static methods delegate here.
 */
final class TensorFactories {
  private TensorFactories() {}

  /** See {@link Tensor#of(double[][])}. */
  static Tensor of(double[][] rows) {
    int r = rows.length;
    int c = r == 0 ? 0 : rows[0].length;
    double[] d = new double[r * c];
    for (int i = 0; i < r; i++) {
      if (rows[i].length != c) {
        throw new IllegalArgumentException("ragged matrix: row " + i + " has " + rows[i].length
            + " values, row 0 has " + c);
      }
      System.arraycopy(rows[i], 0, d, i * c, c);
    }
    return Tensor.wrap(d, new int[] {r, c});
  }

  /** See {@link Tensor#of(double[][][])}. */
  static Tensor of(double[][][] blocks) {
    int b = blocks.length;
    int r = b == 0 ? 0 : blocks[0].length;
    int c = r == 0 ? 0 : blocks[0][0].length;
    double[] d = new double[b * r * c];
    for (int i = 0; i < b; i++) {
      if (blocks[i].length != r) {
        throw new IllegalArgumentException("ragged array: block " + i + " has " + blocks[i].length + " rows");
      }
      for (int j = 0; j < r; j++) {
        if (blocks[i][j].length != c) {
          throw new IllegalArgumentException("ragged array: block " + i + " row " + j + " has "
              + blocks[i][j].length + " values, expected " + c);
        }
        System.arraycopy(blocks[i][j], 0, d, (i * r + j) * c, c);
      }
    }
    return Tensor.wrap(d, new int[] {b, r, c});
  }

  /** See {@link Tensor#fromArray}. */
  static Tensor fromArray(double[] data, int[] shape) {
    int[] s = Shapes.checked(shape);
    if (Shapes.numel(s) != data.length) {
      throw new IllegalArgumentException("shape " + Shapes.str(s) + " needs " + Shapes.numel(s)
          + " values but " + data.length + " were given");
    }
    return Tensor.wrap(data.clone(), s);
  }

  /** See {@link Tensor#full}. */
  static Tensor full(int[] shape, double value) {
    int[] s = Shapes.checked(shape);
    double[] d = new double[Shapes.numel(s)];
    Arrays.fill(d, value);
    return Tensor.wrap(d, s);
  }

  /** See {@link Tensor#linspace}. */
  static Tensor linspace(double start, double end, int steps) {
    if (steps < 0) {
      throw new IllegalArgumentException("number of steps must be non-negative, got " + steps);
    }
    double[] d = new double[steps];
    if (steps == 1) {
      d[0] = start;
    } else if (steps > 1) {
      double step = (end - start) / (steps - 1);
      int half = steps / 2;
      for (int i = 0; i < steps; i++) {
        d[i] = i < half ? start + i * step : end - (steps - 1 - i) * step;
      }
    }
    return Tensor.wrap(d, new int[] {steps});
  }

  /** See {@link Tensor#logspace(double, double, int, double)}. */
  static Tensor logspace(double start, double end, int steps, double base) {
    double[] d = linspace(start, end, steps).storage;
    for (int i = 0; i < d.length; i++) {
      d[i] = Math.pow(base, d[i]);
    }
    return Tensor.wrap(d, new int[] {steps});
  }

  /** See {@link Tensor#arange(double, double, double)}. */
  static Tensor arange(double start, double end, double step) {
    if (step == 0 || Double.isNaN(step)) {
      throw new IllegalArgumentException("step must be nonzero");
    }
    double count = Math.ceil((end - start) / step);
    if (Double.isNaN(count) || count > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("bad range [" + start + ", " + end + ") with step " + step);
    }
    int n = (int) Math.max(0, count);
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = start + i * step;
    }
    return Tensor.wrap(d, new int[] {n});
  }

  /** See {@link Tensor#eye}. */
  static Tensor eye(int n) {
    Tensor t = Tensor.zeros(n, n);
    for (int i = 0; i < n; i++) {
      t.storage[i * n + i] = 1;
    }
    return t;
  }
}
