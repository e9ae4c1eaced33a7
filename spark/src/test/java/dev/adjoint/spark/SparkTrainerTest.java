package dev.adjoint.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.optim.LbfgsMinimizer;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The trainer on Spark in {@code local[2]}; one session for the class. */
class SparkTrainerTest {
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("SparkTrainerTest")
        .config("spark.ui.enabled", "false")
        // local mode talks to itself: keep the driver on loopback, never on a network interface
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1").config("spark.sql.shuffle.partitions", "2").getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** A frame whose partitions hold exactly the given numbers of consecutive rows of {@code data}. */
  static Dataset<Row> partitioned(SyntheticData data, int... sizes) {
    List<List<Row>> parts = new ArrayList<>();
    int next = 0;
    for (int size : sizes) {
      List<Row> part = new ArrayList<>();
      for (int i = 0; i < size; i++, next++) {
        part.add(RowFactory.create(Vectors.dense(data.x()[next]), data.y()[next]));
      }
      parts.add(part);
    }
    assertEquals(data.rows(), next);
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    return spark.createDataFrame(
        context.parallelize(parts, parts.size()).flatMap(List::iterator), SyntheticData.schema());
  }

  @Test
  void distributedGradientEqualsSingleMachine() {
    SyntheticData data = SyntheticData.generate(300, 4, 5);
    int[] sizes = {0, 1, 170, 0, 129};
    Dataset<Row> frame = partitioned(data, sizes);
    List<Integer> actual = new ArrayList<>();
    frame.javaRDD().glom().collect().forEach(p -> actual.add(p.size()));
    assertEquals(List.of(0, 1, 170, 0, 129), actual, "the partitions the test means to cover");
    try (SparkData distributed = SparkData.fromDataFrame(frame, "features", "label", 4, 64, 2)) {
      assertEquals(300, distributed.count());
      assertEquals(5, distributed.partitions());

      double[] theta = Numbers.parameters(5, 1);
      double[] g = new double[5];
      double value = distributed.sumLossAndGradient(new LogisticRegressionLoss(0), theta, g);
      double[] serial = LossesGrad.logisticLossGradient(theta, data.x(), data.y()).theta();
      double serialValue = LossesGrad.logisticLoss(theta, data.x(), data.y());
      assertTrue(Numbers.relativeDifference(g, serial) < 1e-12, Numbers.relativeDifference(g, serial) + "");
      assertEquals(serialValue, value, 1e-12 * serialValue);

      TanhMlpLoss mlp = new TanhMlpLoss(3, 0);
      double[] p = Numbers.parameters(mlp.parameterCount(4), 2);
      double[] gm = new double[p.length];
      double mlpValue = distributed.sumLossAndGradient(mlp, p, gm);
      double[] mlpSerial = LossesGrad.mlpLossGradient(p, data.x(), data.y(), 3).p();
      assertTrue(Numbers.relativeDifference(gm, mlpSerial) < 1e-12);
      assertEquals(LossesGrad.mlpLoss(p, data.x(), data.y(), 3), mlpValue, 1e-12 * mlpValue);
    }
  }

  @Test
  void trainingReachesMllibLoss() {
    double lambda = 0.01;
    Dataset<Row> frame = SyntheticData.frame(spark, 2_000, 4, 6, 3).cache();
    LogisticRegressionModel mllib = new LogisticRegression().setRegParam(lambda).setElasticNetParam(0)
        .setStandardization(false).setFitIntercept(true).setMaxIter(200).setTol(1e-12).fit(frame);
    double[] history = mllib.summary().objectiveHistory();
    double mllibLoss = history[history.length - 1];

    BatchLoss loss = new LogisticRegressionLoss(lambda);
    try (SparkData distributed = SparkData.fromDataFrame(frame, "features", "label", 4, 256, 2)) {
      // The objective is the same function: ours, evaluated at MLlib's coefficients, is MLlib's loss.
      double[] atMllib = new double[5];
      System.arraycopy(mllib.coefficients().toArray(), 0, atMllib, 0, 4);
      atMllib[4] = mllib.intercept();
      double ours = Trainer.objective(distributed, loss, atMllib, new double[5]);
      assertEquals(mllibLoss, ours, 1e-9 * mllibLoss);

      Trainer.Result r = Trainer.train(distributed, loss, new double[5], new LbfgsMinimizer(10, 200, 1e-7, 1e-12), null);
      assertEquals(mllibLoss, r.loss(), 1e-4 * mllibLoss, "ours " + r.loss() + ", MLlib " + mllibLoss);
      assertTrue(r.loss() <= mllibLoss * (1 + 1e-9), "ours " + r.loss() + ", MLlib " + mllibLoss);
    } finally {
      frame.unpersist();
    }
  }

  @Test
  void wrongFeatureCountNamesTheRow() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      rows.add(RowFactory.create(i == 13 ? Vectors.dense(1, 2, 3) : Vectors.dense(1, 2, 3, 4), 1.0));
    }
    Dataset<Row> frame = spark.createDataFrame(
        JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, 3), SyntheticData.schema());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SparkData.fromDataFrame(frame, "features", "label", 4, 8, 2));
    assertEquals("row 13: 3 features, expected 4", e.getMessage());
  }

  @Test
  void nanFeatureNamesTheRow() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      rows.add(RowFactory.create(Vectors.dense(1, i == 17 ? Double.NaN : 2, 3), 0.0));
    }
    Dataset<Row> frame = spark.createDataFrame(
        JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, 3), SyntheticData.schema());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SparkData.fromDataFrame(frame, "features", "label", 3, 8, 2));
    assertEquals("row 17: feature 1 is NaN; clean or drop the row before training", e.getMessage());
  }
}
