package dev.adjoint.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A task that fails is retried and the sum is unchanged: {@code local[2,3]} allows 3 attempts per task. */
class SparkRetryTest {
  static SparkSession spark;
  /** Task attempts killed so far; local mode runs tasks in this JVM, so the tasks see this field. */
  static final AtomicInteger KILLED = new AtomicInteger();

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2,3]").appName("SparkRetryTest")
        .config("spark.ui.enabled", "false")
        // local mode talks to itself: keep the driver on loopback, never on a network interface
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** Logistic regression whose first attempt at partition 1 throws, once in the JVM's life. */
  record FailsOnce(LogisticRegressionLoss inner) implements BatchLoss {
    @Override
    public int parameterCount(int features) {
      return inner.parameterCount(features);
    }

    @Override
    public double addLossAndGradient(double[] params, double[][] x, double[] y, double[] gradient) {
      TaskContext task = TaskContext.get();
      if (task.partitionId() == 1 && task.attemptNumber() == 0 && KILLED.compareAndSet(0, 1)) {
        throw new IllegalStateException("killed on purpose: task attempt " + task.taskAttemptId());
      }
      return inner.addLossAndGradient(params, x, y, gradient);
    }

    @Override
    public double addPenaltyAndGradient(double[] params, double[] gradient) {
      return inner.addPenaltyAndGradient(params, gradient);
    }

    @Override
    public double margin(double[] params, double[] row) {
      return inner.margin(params, row);
    }
  }

  @Test
  void failedTaskIsRetriedAndTheResultIsUnchanged() {
    SyntheticData data = SyntheticData.generate(400, 3, 8);
    Dataset<Row> frame = SyntheticData.frame(spark, 400, 3, 8, 4);
    try (SparkData distributed = SparkData.fromDataFrame(frame, "features", "label", 3, 50, 2)) {
      double[] theta = Numbers.parameters(4, 3);
      double[] g = new double[4];
      double value = distributed.sumLossAndGradient(new FailsOnce(new LogisticRegressionLoss(0)), theta, g);
      assertEquals(1, KILLED.get(), "one task attempt was killed");
      double[] serial = LossesGrad.logisticLossGradient(theta, data.x(), data.y()).theta();
      assertTrue(Numbers.relativeDifference(g, serial) < 1e-12, Numbers.relativeDifference(g, serial) + "");
      double serialValue = LossesGrad.logisticLoss(theta, data.x(), data.y());
      assertEquals(serialValue, value, 1e-12 * serialValue);
    }
  }
}
