package dev.adjoint.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.optim.LbfgsMinimizer;
import org.junit.jupiter.api.Test;

/** The embedded trainer (threads, no Spark). */
class LocalDataTest {
  static final SyntheticData DATA = SyntheticData.generate(1_000, 5, 3);

  @Test
  void threadedGradientEqualsOneSerialPass() {
    double[] theta = Numbers.parameters(6, 7);
    double serialValue = LossesGrad.logisticLoss(theta, DATA.x(), DATA.y());
    double[] serial = LossesGrad.logisticLossGradient(theta, DATA.x(), DATA.y()).theta();
    double[] one = new double[6];
    double[] four = new double[6];
    double valueOne;
    double valueFour;
    BatchLoss loss = new LogisticRegressionLoss(0);
    try (LocalData d1 = new LocalData(DATA.x(), DATA.y(), 64, 1);
        LocalData d4 = new LocalData(DATA.x(), DATA.y(), 64, 4)) {
      valueOne = d1.sumLossAndGradient(loss, theta, one);
      valueFour = d4.sumLossAndGradient(loss, theta, four);
    }
    assertTrue(Numbers.relativeDifference(four, serial) < 1e-12, Numbers.relativeDifference(four, serial) + "");
    assertEquals(serialValue, valueFour, 1e-12 * Math.abs(serialValue));
    assertArrayEquals(one, four, 0, "the sum does not depend on the number of threads");
    assertEquals(valueOne, valueFour, 0);
  }

  @Test
  void mlpGradientEqualsOneSerialPass() {
    TanhMlpLoss loss = new TanhMlpLoss(4, 0);
    double[] p = Numbers.parameters(loss.parameterCount(5), 9);
    double[] serial = LossesGrad.mlpLossGradient(p, DATA.x(), DATA.y(), 4).p();
    double[] threaded = new double[p.length];
    try (LocalData d = new LocalData(DATA.x(), DATA.y(), 100, 3)) {
      d.sumLossAndGradient(loss, p, threaded);
    }
    assertTrue(Numbers.relativeDifference(threaded, serial) < 1e-12);
  }

  @Test
  void objectiveGradientMatchesCentralDifferences() {
    // The whole objective, penalty and 1/n included, against (f(p + h e_j) − f(p − h e_j)) / 2h.
    for (BatchLoss loss : new BatchLoss[] {new LogisticRegressionLoss(0.1), new TanhMlpLoss(3, 0.1)}) {
      try (LocalData d = new LocalData(DATA.x(), DATA.y(), 128, 2)) {
        double[] p = Numbers.parameters(loss.parameterCount(5), 11);
        double[] g = new double[p.length];
        Trainer.objective(d, loss, p, g);
        double h = 1e-6;
        for (int j = 0; j < p.length; j++) {
          double[] plus = p.clone();
          double[] minus = p.clone();
          plus[j] += h;
          minus[j] -= h;
          double numeric = (Trainer.objective(d, loss, plus, new double[p.length])
              - Trainer.objective(d, loss, minus, new double[p.length])) / (2 * h);
          assertEquals(numeric, g[j], 1e-7 + 1e-5 * Math.abs(numeric), loss + " parameter " + j);
        }
      }
    }
  }

  @Test
  void mlpTrainingLowersTheLoss() {
    TanhMlpLoss loss = new TanhMlpLoss(6, 1e-4);
    try (LocalData d = new LocalData(DATA.x(), DATA.y(), 128, 2)) {
      double[] start = loss.initialParameters(5, 1);
      double before = Trainer.objective(d, loss, start, new double[start.length]);
      Trainer.Result r = Trainer.train(d, loss, start, new LbfgsMinimizer(10, 30, 0, 0), null);
      assertTrue(r.loss() < 0.9 * before, before + " -> " + r.loss());
    }
  }

  @Test
  void badRowsAreNamed() {
    double[][] x = {{1, 2}, {3, 4}, {5}};
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new LocalData(x, new double[] {0, 1, 0}, 2, 1));
    assertEquals("row 2: 1 features, expected 2", e.getMessage());
    double[][] nan = {{1, 2}, {3, Double.NaN}};
    e = assertThrows(IllegalArgumentException.class, () -> new LocalData(nan, new double[] {0, 1}, 2, 1));
    assertEquals("row 1: feature 1 is NaN; clean or drop the row before training", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new LocalData(new double[][] {{1, 2}}, new double[] {2}, 2, 1));
    assertEquals("row 0: label 2.0, expected 0 or 1", e.getMessage());
  }
}
