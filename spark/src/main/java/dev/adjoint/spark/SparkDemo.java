package dev.adjoint.spark;

import dev.adjoint.optim.LbfgsMinimizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Trains on seeded synthetic data (see {@link SyntheticData}) with gradients from generated companions,
 * on Spark and on local threads, and puts the result next to MLlib's {@code LogisticRegression} on the same
 * data and settings: binary logistic regression, L2 strength λ on the weights only, no standardization,
 * L-BFGS with 10 correction pairs, the same iteration cap and the same relative tolerance on the loss.
 * Then a tanh network, which MLlib has no equivalent of, on the same data.
 *
 * <p>Locally, from the repository root: {@code mvn -q -pl spark -am package -DskipTests -Pdemo}. With
 * {@code spark-submit} it uses the cluster's master; alone it starts {@code local[2]}. Optional arguments
 * {@code key=value}: {@code rows} (100000), {@code features} (20), {@code partitions} (4), {@code lambda}
 * (0.001), {@code iterations} (100), {@code tol} (1e-9), {@code hidden} (8), {@code threads} (2), {@code mlpIterations} (50).
 */
public final class SparkDemo {
  private SparkDemo() {}

  public static void main(String[] args) {
    Map<String, String> o = new LinkedHashMap<>(Map.of("rows", "100000", "features", "20", "partitions", "4",
        "lambda", "0.001", "iterations", "100", "tol", "1e-9", "hidden", "8", "threads", "2",
        "mlpIterations", "50"));
    for (String a : args) {
      String[] kv = a.split("=", 2);
      if (kv.length != 2 || !o.containsKey(kv[0])) {
        throw new IllegalArgumentException("unknown argument " + a + "; known: " + o.keySet() + " as key=value");
      }
      o.put(kv[0], kv[1]);
    }
    int rows = Integer.parseInt(o.get("rows"));
    int d = Integer.parseInt(o.get("features"));
    int partitions = Integer.parseInt(o.get("partitions"));
    double lambda = Double.parseDouble(o.get("lambda"));
    int iterations = Integer.parseInt(o.get("iterations"));
    double tol = Double.parseDouble(o.get("tol"));
    int hidden = Integer.parseInt(o.get("hidden"));
    int threads = Integer.parseInt(o.get("threads"));
    int mlpIterations = Integer.parseInt(o.get("mlpIterations"));

    SyntheticData train = SyntheticData.generate(rows, d, 1);
    SyntheticData test = SyntheticData.generate(Math.max(1, rows / 5), d, 2);
    SparkSession.Builder builder = SparkSession.builder().appName("adjoint-spark-demo");
    if (!new SparkConf().contains("spark.master")) {
      builder.master("local[2]"); // run alone; spark-submit sets spark.master
      // local mode talks to itself: keep the driver on loopback, never on a network interface
      builder.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
    }
    SparkSession spark = builder.getOrCreate();
    try {
      System.out.printf(Locale.ROOT, "%d training rows, %d held-out rows, %d features, %d partitions, master %s%n",
          train.rows(), test.rows(), d, partitions, spark.sparkContext().master());
      Dataset<Row> frame = SyntheticData.frame(spark, rows, d, 1, partitions).cache();
      frame.count(); // materialized before any clock starts
      warmUp(spark, d, lambda);

      List<String[]> table = new ArrayList<>();
      LogisticRegressionLoss logistic = new LogisticRegressionLoss(lambda);
      LbfgsMinimizer lbfgs = new LbfgsMinimizer(10, iterations, 0, tol);

      System.out.println("\nLogistic regression, generated gradients summed by treeAggregate, L-BFGS on the driver:");
      long t0 = System.nanoTime();
      Trainer.Result onSpark;
      try (SparkData data = SparkData.fromDataFrame(frame, "features", "label", d, 1024, 2)) {
        onSpark = Trainer.train(data, logistic, new double[d + 1], lbfgs, System.out);
      }
      table.add(row("Adjoint + L-BFGS, Spark " + spark.sparkContext().master(), onSpark.loss(), logistic,
          onSpark.params(), train, test, onSpark.iterations(), t0));

      System.out.println("\nThe same, embedded (" + threads + " threads, no Spark):");
      t0 = System.nanoTime();
      Trainer.Result embedded;
      try (LocalData data = new LocalData(train.x(), train.y(), 1024, threads)) {
        embedded = Trainer.train(data, logistic, new double[d + 1], lbfgs, System.out);
      }
      table.add(row("Adjoint + L-BFGS, embedded, " + threads + " threads", embedded.loss(), logistic,
          embedded.params(), train, test, embedded.iterations(), t0));

      System.out.println("\nMLlib LogisticRegression (L-BFGS), the same settings:");
      t0 = System.nanoTime();
      LogisticRegressionModel mllib = new LogisticRegression().setRegParam(lambda).setElasticNetParam(0)
          .setStandardization(false).setFitIntercept(true).setMaxIter(iterations).setTol(tol).fit(frame);
      double[] history = mllib.summary().objectiveHistory();
      double[] mllibParams = new double[d + 1];
      System.arraycopy(mllib.coefficients().toArray(), 0, mllibParams, 0, d);
      mllibParams[d] = mllib.intercept();
      table.add(row("MLlib LogisticRegression", history[history.length - 1], logistic, mllibParams, train, test,
          mllib.summary().totalIterations(), t0));
      try (LocalData data = new LocalData(train.x(), train.y(), 1024, threads)) {
        System.out.printf(Locale.ROOT, "MLlib reports loss %.12f; our objective at MLlib's coefficients is %.12f%n",
            history[history.length - 1], Trainer.objective(data, logistic, mllibParams, new double[d + 1]));
      }

      System.out.println("\nA tanh network (" + hidden + " hidden units, λ = " + lambda + "), on Spark:");
      TanhMlpLoss mlp = new TanhMlpLoss(hidden, lambda);
      t0 = System.nanoTime();
      Trainer.Result network;
      try (SparkData data = SparkData.fromDataFrame(frame, "features", "label", d, 1024, 2)) {
        network = Trainer.train(data, mlp, mlp.initialParameters(d, 7),
            new LbfgsMinimizer(10, mlpIterations, 0, tol), System.out);
      }
      table.add(row("Adjoint tanh MLP (" + hidden + " hidden), Spark", network.loss(), mlp, network.params(),
          train, test, network.iterations(), t0));

      System.out.println();
      System.out.println("| Trainer | Final loss | Train accuracy | Held-out accuracy | Iterations | Wall time |");
      System.out.println("|---|---:|---:|---:|---:|---:|");
      for (String[] r : table) {
        System.out.println("| " + String.join(" | ", r) + " |");
      }
      frame.unpersist();
    } finally {
      spark.stop();
    }
  }

  /**
   * A few untimed iterations of both trainers on 2,000 rows, so that neither timing below includes the
   * JVM's and Spark's first-use costs (class loading, JIT, code generation).
   */
  private static void warmUp(SparkSession spark, int d, double lambda) {
    Dataset<Row> small = SyntheticData.frame(spark, 2_000, d, 3, 2).cache();
    try (SparkData data = SparkData.fromDataFrame(small, "features", "label", d, 1024, 2)) {
      Trainer.train(data, new LogisticRegressionLoss(lambda), new double[d + 1], new LbfgsMinimizer(10, 3, 0, 0), null);
    }
    new LogisticRegression().setRegParam(lambda).setStandardization(false).setMaxIter(3).fit(small);
    small.unpersist();
  }

  private static String[] row(String name, double loss, BatchLoss model, double[] params, SyntheticData train,
      SyntheticData test, int iterations, long t0) {
    double seconds = (System.nanoTime() - t0) / 1e9;
    return new String[] {
      name,
      String.format(Locale.ROOT, "%.10f", loss),
      String.format(Locale.ROOT, "%.4f", Trainer.accuracy(model, params, train.x(), train.y())),
      String.format(Locale.ROOT, "%.4f", Trainer.accuracy(model, params, test.x(), test.y())),
      Integer.toString(iterations),
      String.format(Locale.ROOT, "%.2f s", seconds)
    };
  }
}
