package dev.adjoint.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A seeded binary classification data set, generated in memory (nothing is downloaded): feature {@code j}
 * is Gaussian with standard deviation {@code 1 + j mod 4} (so that standardizing or not matters), and the
 * label is drawn with probability {@code σ(w·x + b + 1.5 tanh(x₀x₁))}: mostly linear, with an interaction a
 * linear model cannot express.
 *
 * @param x the rows
 * @param y the labels, 0 or 1
 */
public record SyntheticData(double[][] x, double[] y) {
  /**
   * Generates {@code n} rows of {@code d ≥ 2} features; the same arguments give the same data.
   *
   * @param n rows
   * @param d features
   * @param seed the random seed (the true weights depend only on {@code d})
   */
  public static SyntheticData generate(int n, int d, long seed) {
    double[] w = trueWeights(d);
    double[][] x = new double[n][];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = new double[d];
      y[i] = row(i, seed, w, x[i]);
    }
    return new SyntheticData(x, y);
  }

  /** The weights of the linear part (they depend only on {@code d}). */
  private static double[] trueWeights(int d) {
    if (d < 2) {
      throw new IllegalArgumentException("at least 2 features, got " + d);
    }
    SplittableRandom truth = new SplittableRandom(1_000 + d);
    double[] w = new double[d];
    for (int j = 0; j < d; j++) {
      w[j] = truth.nextGaussian() / scale(j);
    }
    return w;
  }

  /**
   * Row {@code i}, from its own random stream (so that a Spark partition can generate its rows alone and
   * get the same numbers as {@link #generate}): writes the features into {@code x}, returns the label.
   */
  private static double row(long i, long seed, double[] w, double[] x) {
    SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + i);
    double m = 0.3;
    for (int j = 0; j < x.length; j++) {
      x[j] = scale(j) * r.nextGaussian();
      m += w[j] * x[j];
    }
    m += 1.5 * Math.tanh(x[0] * x[1]);
    return r.nextDouble() < 1 / (1 + Math.exp(-m)) ? 1 : 0;
  }

  private static double scale(int j) {
    return 1 + j % 4;
  }

  /** The number of rows. */
  public int rows() {
    return x.length;
  }

  /** The number of features. */
  public int features() {
    return x[0].length;
  }

  /** The schema MLlib expects: a {@code features} vector and a {@code label} double. */
  public static StructType schema() {
    return new StructType()
        .add("features", new VectorUDT(), false)
        .add("label", DataTypes.DoubleType, false);
  }

  /**
   * The rows of {@code generate(n, d, seed)} as a {@code DataFrame} of {@code partitions} partitions of
   * consecutive rows, in order. Each partition generates its own rows on the executor, so tasks carry three
   * numbers rather than the data (as when a cluster reads its data from files).
   */
  public static Dataset<Row> frame(SparkSession spark, int n, int d, long seed, int partitions) {
    List<Integer> parts = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      parts.add(p);
    }
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    return spark.createDataFrame(context.parallelize(parts, partitions).flatMap(p -> {
      double[] w = trueWeights(d);
      long from = (long) n * p / partitions;
      long to = (long) n * (p + 1) / partitions;
      List<Row> rows = new ArrayList<>();
      for (long i = from; i < to; i++) {
        double[] x = new double[d];
        double y = row(i, seed, w, x);
        rows.add(RowFactory.create(Vectors.dense(x), y));
      }
      return rows.iterator();
    }), schema());
  }
}
