package dev.adjoint.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.Gradcheck;
import dev.adjoint.Generator;
import dev.adjoint.Tensor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training sample: the data, the losses' gradients, and held-out accuracy after training. */
class TrainingTest {
  private static Training.Run iris;
  private static Training.Run spirals;
  private static String irisProgress;

  @BeforeAll
  static void train() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    iris = Training.run(Datasets.iris(), Training.IRIS, new PrintStream(out, true, StandardCharsets.UTF_8));
    irisProgress = out.toString(StandardCharsets.UTF_8);
    spirals = Training.run(Training.spiralsData(), Training.SPIRALS, null);
  }

  @Test
  void irisIsFishersTable() {
    Datasets.Dataset data = Datasets.iris();
    assertEquals(150, data.size());
    assertArrayEquals(new String[] {"setosa", "versicolor", "virginica"}, data.classes());
    int[] counts = new int[3];
    double[] sums = new double[4];
    for (int i = 0; i < 150; i++) {
      counts[data.y()[i]]++;
      for (int j = 0; j < 4; j++) {
        sums[j] += data.x()[i][j];
      }
    }
    assertArrayEquals(new int[] {50, 50, 50}, counts);
    // Column means of Fisher's data (as R's datasets::iris has them).
    assertArrayEquals(new double[] {5.843333, 3.057333, 3.758, 1.199333},
        new double[] {sums[0] / 150, sums[1] / 150, sums[2] / 150, sums[3] / 150}, 5e-7);
    assertArrayEquals(new double[] {5.1, 3.5, 1.4, 0.2}, data.x()[0]);
    assertArrayEquals(new double[] {5.9, 3.0, 5.1, 1.8}, data.x()[149]);
    // Rows 35 and 38 (1-based) as Fisher published them; the UCI copy has two transcription errors there.
    assertArrayEquals(new double[] {4.9, 3.1, 1.5, 0.2}, data.x()[34]);
    assertArrayEquals(new double[] {4.9, 3.6, 1.4, 0.1}, data.x()[37]);
  }

  @Test
  void splitIsStratifiedAndDisjoint() {
    Datasets.Split split = Datasets.split(Datasets.iris(), 0.2, 1);
    assertEquals(120, split.train().size());
    assertEquals(30, split.heldOut().size());
    int[] held = new int[3];
    for (int y : split.heldOut().y()) {
      held[y]++;
    }
    assertArrayEquals(new int[] {10, 10, 10}, held);
    // No held-out flower is in the training set (Iris has a few duplicate rows, so compare multisets).
    java.util.Map<String, Integer> all = new java.util.HashMap<>();
    for (double[] row : Datasets.iris().x()) {
      all.merge(java.util.Arrays.toString(row), 1, Integer::sum);
    }
    for (double[] row : split.train().x()) {
      all.merge(java.util.Arrays.toString(row), -1, Integer::sum);
    }
    for (double[] row : split.heldOut().x()) {
      all.merge(java.util.Arrays.toString(row), -1, Integer::sum);
    }
    assertTrue(all.values().stream().allMatch(v -> v == 0), "train + held-out is exactly the data set");
  }

  @Test
  void logisticRegressionGradientMatchesCentralDifferences() {
    double[][] x = {{0.5, -1.2, 0.3}, {1.1, 0.4, -0.7}, {-0.3, 0.9, 1.5}, {0.0, -0.2, 0.8}};
    int[] y = {2, 0, 1, 2};
    double[] w = {0.1, -0.3, 0.2, 0.4, 0.0, -0.5, 0.3, 0.2, -0.1};
    double[] b = {0.05, -0.1, 0.2};
    ClassifiersGrad.SoftmaxRegressionLossGradient g = ClassifiersGrad.softmaxRegressionLossGradient(w, b, x, y);
    double h = 1e-6;
    for (int i = 0; i < w.length; i++) {
      double[] plus = w.clone();
      double[] minus = w.clone();
      plus[i] += h;
      minus[i] -= h;
      double fd = (Classifiers.softmaxRegressionLoss(plus, b, x, y) - Classifiers.softmaxRegressionLoss(minus, b, x, y))
          / (2 * h);
      assertEquals(fd, g.w()[i], 1e-8, "w[" + i + "]");
    }
    for (int i = 0; i < b.length; i++) {
      double[] plus = b.clone();
      double[] minus = b.clone();
      plus[i] += h;
      minus[i] -= h;
      double fd = (Classifiers.softmaxRegressionLoss(w, plus, x, y) - Classifiers.softmaxRegressionLoss(w, minus, x, y))
          / (2 * h);
      assertEquals(fd, g.b()[i], 1e-8, "b[" + i + "]");
    }
    // Same value as the tensor library's cross-entropy on the same scores.
    double expected = Tensor.crossEntropy(Tensor.of(Classifiers.softmaxRegressionScores(w, b, x)), y).item();
    assertEquals(expected, Classifiers.softmaxRegressionLoss(w, b, x, y), 1e-12);
  }

  @Test
  void networkLossNodeGradchecks() {
    Tensor x = Tensor.randn(new Generator().manualSeed(5), 6, 4);
    int[] y = {0, 2, 1, 1, 0, 2};
    Tensor[] parameters = {
      Tensor.randn(new Generator().manualSeed(1), 4, 5).requiresGrad(),
      Tensor.randn(new Generator().manualSeed(2), 5).requiresGrad(),
      Tensor.randn(new Generator().manualSeed(3), 5, 3).requiresGrad(),
      Tensor.randn(new Generator().manualSeed(4), 3).requiresGrad()
    };
    assertTrue(Gradcheck.gradcheck(p -> ClassifiersGrad.mlpLoss(p[0], p[1], p[2], p[3], x, y), parameters));
  }

  @Test
  void onIrisTheNetworkReachesNinetyPercentHeldOutAccuracy() {
    Training.Epoch last = last(iris.network());
    assertTrue(last.heldOutAccuracy() >= 0.9, "held-out accuracy " + last.heldOutAccuracy());
    assertTrue(last.trainAccuracy() >= 0.95, "training accuracy " + last.trainAccuracy());
    assertTrue(last.trainLoss() < 0.25 * iris.network().get(0).trainLoss(), "the loss fell");
    Training.Epoch logistic = last(iris.logistic());
    assertTrue(logistic.heldOutAccuracy() >= 0.85, "logistic regression " + logistic.heldOutAccuracy());
    // 30 flowers held out: accuracy is a multiple of 1/30.
    assertEquals(30, iris.split().heldOut().size());
  }

  @Test
  void onTheSpiralsOnlyTheNetworkSucceeds() {
    assertTrue(last(spirals.network()).heldOutAccuracy() >= 0.9, "network " + last(spirals.network()));
    // A linear classifier cannot separate interleaved spirals: a check that the data set is not trivial.
    assertTrue(last(spirals.logistic()).heldOutAccuracy() <= 0.75, "logistic " + last(spirals.logistic()));
  }

  @Test
  void onePrintedLinePerEpochAndModel() {
    List<String> lines = irisProgress.lines().toList();
    assertEquals(2 * Training.IRIS.epochs(), lines.size());
    assertTrue(lines.get(0).contains("epoch   1/" + Training.IRIS.epochs()), lines.get(0));
    assertTrue(lines.get(0).contains("loss ") && lines.get(0).contains("held-out acc ") && lines.get(0).endsWith("ms"),
        lines.get(0));
  }

  @Test
  void lossCurveIsAPng(@TempDir Path dir) throws Exception {
    Path png = dir.resolve("curve.png");
    Training.plot("Iris", iris, png);
    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(Charts.WIDTH, image.getWidth());
    assertEquals(Charts.HEIGHT, image.getHeight());
  }

  private static Training.Epoch last(List<Training.Epoch> epochs) {
    return epochs.get(epochs.size() - 1);
  }
}
