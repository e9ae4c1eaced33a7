package dev.adjoint.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Rows of a Spark {@code DataFrame}, validated once, grouped into batches inside each partition and cached
 * on the executors. Each {@link #sumLossAndGradient} broadcasts the parameters and runs one
 * {@code treeAggregate}: every task adds its batches' generated gradients into one array (loss in the last
 * slot), and the partial arrays are added pairwise up a tree to the driver, as MLlib's own optimizers do.
 *
 * <p>Only serializable settings travel with each task (the {@link BatchLoss} record and the broadcast
 * parameters); the executors need this jar (the user's classes, the generated companions and the
 * adjoint runtime) and nothing else. Spark merges partial sums in the order tasks finish, so the last bits
 * of a sum may differ from run to run, as with any floating-point reduction on a cluster.
 */
public final class SparkData implements TrainingData, AutoCloseable {
  private static final Pattern ROW_ERROR =
      Pattern.compile("IllegalArgumentException: (row \\d+: [^\\n]*)");

  private final JavaSparkContext context;
  private final JavaRDD<Batch> batches;
  private final long rows;
  private final int features;
  private final int depth;

  private SparkData(JavaSparkContext context, JavaRDD<Batch> batches, long rows, int features, int depth) {
    this.context = context;
    this.batches = batches;
    this.rows = rows;
    this.features = features;
    this.depth = depth;
  }

  /**
   * Validates the rows of {@code frame} and caches them as batches, keeping the frame's partitioning.
   *
   * @param frame the data
   * @param featuresColumn a column of {@code org.apache.spark.ml.linalg.Vector} (as MLlib expects)
   * @param labelColumn a {@code double} column of 0 and 1
   * @param features the number of features every row must have
   * @param batchSize at most this many rows per batch inside a partition
   * @param depth the depth of {@code treeAggregate} (2 is MLlib's default)
   * @throws IllegalArgumentException naming the first bad row found (its 0-based index in the frame): a
   *     wrong feature count, a non-finite feature, a null, or a label other than 0 and 1
   */
  public static SparkData fromDataFrame(Dataset<Row> frame, String featuresColumn, String labelColumn,
      int features, int batchSize, int depth) {
    if (batchSize < 1 || depth < 1) {
      throw new IllegalArgumentException("batchSize and depth must be positive, got " + batchSize + " and "
          + depth);
    }
    JavaSparkContext context = JavaSparkContext.fromSparkContext(frame.sparkSession().sparkContext());
    JavaRDD<Batch> batches = frame.select(featuresColumn, labelColumn).javaRDD().zipWithIndex()
        .mapPartitions(rows -> toBatches(rows, features, batchSize))
        .persist(StorageLevel.MEMORY_AND_DISK());
    long count;
    try {
      count = batches.map(b -> (long) b.y().length).fold(0L, Long::sum);
    } catch (Exception e) { // SparkException is checked in Java but thrown undeclared by Scala
      batches.unpersist(false);
      throw rowError(e);
    }
    return new SparkData(context, batches, count, features, depth);
  }

  private static Iterator<Batch> toBatches(Iterator<Tuple2<Row, Long>> rows, int features, int batchSize) {
    List<Batch> out = new ArrayList<>();
    List<double[]> x = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    long first = -1;
    while (rows.hasNext()) {
      Tuple2<Row, Long> t = rows.next();
      Row row = t._1();
      long index = t._2();
      if (row.isNullAt(0) || row.isNullAt(1)) {
        throw new IllegalArgumentException("row " + index + ": null features or label");
      }
      double[] v = ((Vector) row.get(0)).toArray();
      double label = row.getDouble(1);
      Batch.checkRow(index, v, label, features);
      if (x.isEmpty()) {
        first = index;
      }
      x.add(v);
      y.add(label);
      if (x.size() == batchSize) {
        out.add(batch(first, x, y));
      }
    }
    if (!x.isEmpty()) {
      out.add(batch(first, x, y));
    }
    return out.iterator();
  }

  private static Batch batch(long first, List<double[]> x, List<Double> y) {
    double[] labels = new double[y.size()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = y.get(i);
    }
    Batch b = new Batch(first, x.toArray(new double[0][]), labels);
    x.clear();
    y.clear();
    return b;
  }

  /**
   * A failed job whose task threw a row error becomes that {@link IllegalArgumentException} on the driver
   * (Spark wraps it in a {@code SparkException} with the executor's stack trace in the message).
   */
  static RuntimeException rowError(Exception e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IllegalArgumentException && t.getMessage() != null && t.getMessage().startsWith("row ")) {
        return new IllegalArgumentException(t.getMessage(), e);
      }
    }
    Matcher m = ROW_ERROR.matcher(String.valueOf(e.getMessage()));
    if (m.find()) {
      return new IllegalArgumentException(m.group(1), e);
    }
    return e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
  }

  @Override
  public long count() {
    return rows;
  }

  @Override
  public int features() {
    return features;
  }

  /** The number of partitions. */
  public int partitions() {
    return batches.getNumPartitions();
  }

  @Override
  public double sumLossAndGradient(BatchLoss loss, double[] params, double[] gradient) {
    int dim = params.length;
    Broadcast<double[]> shared = context.broadcast(params.clone());
    try {
      double[] sum = batches.treeAggregate(new double[dim + 1], (acc, b) -> {
        acc[dim] += loss.addLossAndGradient(shared.value(), b.x(), b.y(), acc);
        return acc;
      }, (a, b) -> {
        for (int j = 0; j <= dim; j++) {
          a[j] += b[j];
        }
        return a;
      }, depth);
      System.arraycopy(sum, 0, gradient, 0, dim);
      return sum[dim];
    } finally {
      shared.destroy();
    }
  }

  /** Drops the cached batches. */
  @Override
  public void close() {
    batches.unpersist(false);
  }
}
