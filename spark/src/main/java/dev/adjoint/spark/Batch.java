package dev.adjoint.spark;

import java.io.Serializable;

/**
 * Consecutive rows of a data set, validated: every row has the same number of finite features and a label
 * of 0 or 1.
 *
 * @param firstRow the index of the first row in the data set (for messages)
 * @param x the rows
 * @param y their labels
 */
public record Batch(long firstRow, double[][] x, double[] y) implements Serializable {
  /**
   * Checks one row.
   *
   * @param row its index in the data set, 0-based
   * @throws IllegalArgumentException naming the row, on a wrong feature count, a non-finite feature or a
   *     label other than 0 and 1
   */
  public static void checkRow(long row, double[] features, double label, int expectedFeatures) {
    if (features == null) {
      throw new IllegalArgumentException("row " + row + ": features are missing (null)");
    }
    if (features.length != expectedFeatures) {
      throw new IllegalArgumentException("row " + row + ": " + features.length + " features, expected "
          + expectedFeatures);
    }
    for (int j = 0; j < features.length; j++) {
      if (!Double.isFinite(features[j])) {
        throw new IllegalArgumentException("row " + row + ": feature " + j + " is " + features[j]
            + "; clean or drop the row before training");
      }
    }
    if (label != 0 && label != 1) {
      throw new IllegalArgumentException("row " + row + ": label " + label + ", expected 0 or 1");
    }
  }
}
