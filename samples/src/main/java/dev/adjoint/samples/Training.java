package dev.adjoint.samples;

import dev.adjoint.Generator;
import dev.adjoint.Tensor;
import dev.adjoint.optim.Adam;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Training sample: multinomial logistic regression and a one-hidden-layer tanh network, trained by
 * mini-batch Adam on Fisher's Iris measurements (shipped in {@code src/main/resources/iris.csv}) and on two
 * seeded interleaved spirals, with gradients from the companion {@code ClassifiersGrad} that the processor
 * generates for {@link Classifiers}.
 *
 * <ul>
 *   <li>Logistic regression: the loss is plain loops over {@code double[]}; one call of
 *       {@code ClassifiersGrad.softmaxRegressionLossGradient} gives the gradient as arrays, and Adam updates
 *       the arrays.
 *   <li>Network: the loss is written with {@link Tensor} operations; {@code ClassifiersGrad.mlpLoss} returns
 *       a graph node, {@code backward()} accumulates into the leaves' {@code grad()}, and Adam updates the
 *       leaves in place inside {@link Tensor#noGrad(Runnable)}, as a PyTorch optimizer does.
 * </ul>
 *
 * <p>Each epoch prints a line (epoch, training loss, training and held-out accuracy, time); the loss curves
 * go to {@code samples/target/plots/training-iris.png} and {@code training-spirals.png}.
 *
 * <p>Run it from the repository root with
 * {@code mvn -q -pl samples -am package -DskipTests -Pdemo -Dexec.mainClass=dev.adjoint.samples.Training}.
 */
public final class Training {
  private Training() {}

  /**
   * How to train.
   *
   * @param epochs passes over the training set
   * @param batchSize examples per step
   * @param learningRate Adam's step size
   * @param hidden the network's hidden units
   * @param seed seeds the initialization and the batch order
   */
  public record Settings(int epochs, int batchSize, double learningRate, int hidden, long seed) {}

  /** Settings for Iris. */
  static final Settings IRIS = new Settings(40, 16, 0.02, 16, 1);

  /** Settings for the spirals. */
  static final Settings SPIRALS = new Settings(150, 32, 0.02, 32, 2);

  /** The spirals data set: 300 points per spiral, 1.25 turns, noise 0.04, seed 11. */
  static Datasets.Dataset spiralsData() {
    return Datasets.spirals(300, 1.25, 0.04, 11);
  }

  /**
   * A classifier under training.
   */
  interface Model {
    /** The name printed on progress lines and in the chart's legend. */
    String name();

    /** One optimizer step on a batch; returns the batch's loss before the step. */
    double step(double[][] x, int[] y);

    /** The mean cross-entropy on a data set. */
    double loss(double[][] x, int[] y);

    /** Class scores, one row per example. */
    double[][] scores(double[][] x);
  }

  /**
   * Multinomial logistic regression over arrays: gradients from
   * {@code ClassifiersGrad.softmaxRegressionLossGradient}, Adam on the arrays.
   */
  static final class LogisticRegression implements Model {
    private final double[] w;
    private final double[] b;
    private final ArrayAdam adamW;
    private final ArrayAdam adamB;

    LogisticRegression(int features, int classes, double learningRate) {
      // Zero is a fine start for a convex loss.
      this.w = new double[features * classes];
      this.b = new double[classes];
      this.adamW = new ArrayAdam(w.length, learningRate);
      this.adamB = new ArrayAdam(b.length, learningRate);
    }

    @Override
    public String name() {
      return "logistic regression";
    }

    @Override
    public double step(double[][] x, int[] y) {
      ClassifiersGrad.SoftmaxRegressionLossTape tape = ClassifiersGrad.softmaxRegressionLossForward(w, b, x, y);
      double loss = tape.value();
      ClassifiersGrad.SoftmaxRegressionLossGradient g = tape.backward();
      adamW.step(w, g.w());
      adamB.step(b, g.b());
      return loss;
    }

    @Override
    public double loss(double[][] x, int[] y) {
      return Classifiers.softmaxRegressionLoss(w, b, x, y);
    }

    @Override
    public double[][] scores(double[][] x) {
      return Classifiers.softmaxRegressionScores(w, b, x);
    }
  }

  /**
   * The tanh network over tensors: leaves with {@code requiresGrad()}, {@code backward()} on the loss node
   * that {@code ClassifiersGrad.mlpLoss} returns, Adam in place under {@code Tensor.noGrad}.
   */
  static final class Network implements Model {
    private final Tensor w1;
    private final Tensor b1;
    private final Tensor w2;
    private final Tensor b2;
    private final Adam adam;

    Network(int features, int hidden, int classes, double learningRate, long seed) {
      // Xavier-style scaling of seeded normal draws.
      this.w1 = Tensor.randn(new Generator().manualSeed(seed), features, hidden)
          .mul(Math.sqrt(1.0 / features)).requiresGrad();
      this.b1 = Tensor.zeros(hidden).requiresGrad();
      this.w2 = Tensor.randn(new Generator().manualSeed(seed + 1), hidden, classes)
          .mul(Math.sqrt(1.0 / hidden)).requiresGrad();
      this.b2 = Tensor.zeros(classes).requiresGrad();
      this.adam = new Adam(List.of(w1, b1, w2, b2), learningRate);
    }

    @Override
    public String name() {
      return "tanh network (" + w1.size(1) + " hidden)";
    }

    @Override
    public double step(double[][] x, int[] y) {
      Tensor loss = ClassifiersGrad.mlpLoss(w1, b1, w2, b2, Tensor.of(x), y);
      double value = loss.item();
      adam.zeroGrad();
      loss.backward();
      adam.step();
      return value;
    }

    @Override
    public double loss(double[][] x, int[] y) {
      return Tensor.noGrad(() -> ClassifiersGrad.mlpLoss(w1, b1, w2, b2, Tensor.of(x), y)).item();
    }

    @Override
    public double[][] scores(double[][] x) {
      return Tensor.noGrad(() -> ClassifiersGrad.mlpLogits(w1, b1, w2, b2, Tensor.of(x))).toArray2();
    }
  }

  /** Adam (Kingma and Ba, 2015) over arrays updated in place. */
  static final class ArrayAdam {
    private final double[] m;
    private final double[] v;
    private final double learningRate;
    private double beta1Power = 1;
    private double beta2Power = 1;

    ArrayAdam(int n, double learningRate) {
      this.m = new double[n];
      this.v = new double[n];
      this.learningRate = learningRate;
    }

    void step(double[] parameter, double[] gradient) {
      beta1Power *= 0.9;
      beta2Power *= 0.999;
      for (int i = 0; i < parameter.length; i++) {
        m[i] = 0.9 * m[i] + 0.1 * gradient[i];
        v[i] = 0.999 * v[i] + 0.001 * gradient[i] * gradient[i];
        parameter[i] -= learningRate * (m[i] / (1 - beta1Power)) / (Math.sqrt(v[i] / (1 - beta2Power)) + 1e-8);
      }
    }
  }

  /**
   * One epoch's numbers.
   *
   * @param epoch 1-based
   * @param trainLoss mean loss on the whole training set after the epoch
   * @param heldOutLoss mean loss on the held-out set after the epoch
   * @param trainAccuracy training accuracy after the epoch
   * @param heldOutAccuracy held-out accuracy after the epoch
   * @param millis the epoch's training time
   */
  public record Epoch(int epoch, double trainLoss, double heldOutLoss, double trainAccuracy,
      double heldOutAccuracy, double millis) {}

  /**
   * Trains {@code model} and records every epoch.
   *
   * @param progress where to print a line per epoch, or {@code null}
   * @return one record per epoch
   */
  static List<Epoch> train(Model model, Datasets.Split split, Settings settings, PrintStream progress) {
    Datasets.Dataset train = split.train();
    Datasets.Dataset heldOut = split.heldOut();
    Random random = new Random(settings.seed());
    int[] order = new int[train.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    List<Epoch> epochs = new ArrayList<>();
    for (int epoch = 1; epoch <= settings.epochs(); epoch++) {
      shuffle(order, random);
      long t0 = System.nanoTime();
      for (int start = 0; start < order.length; start += settings.batchSize()) {
        int end = Math.min(order.length, start + settings.batchSize());
        double[][] x = new double[end - start][];
        int[] y = new int[end - start];
        for (int i = start; i < end; i++) {
          x[i - start] = train.x()[order[i]];
          y[i - start] = train.y()[order[i]];
        }
        model.step(x, y);
      }
      double millis = (System.nanoTime() - t0) / 1e6;
      Epoch e = new Epoch(epoch, model.loss(train.x(), train.y()), model.loss(heldOut.x(), heldOut.y()),
          accuracy(model.scores(train.x()), train.y()), accuracy(model.scores(heldOut.x()), heldOut.y()), millis);
      epochs.add(e);
      if (progress != null) {
        progress.printf(Locale.ROOT,
            "%-8s %-26s epoch %3d/%d   loss %.4f   held-out loss %.4f   acc %.3f   held-out acc %.3f   %6.2f ms%n",
            train.name(), model.name(), e.epoch(), settings.epochs(), e.trainLoss(), e.heldOutLoss(),
            e.trainAccuracy(), e.heldOutAccuracy(), e.millis());
      }
    }
    return epochs;
  }

  /** The fraction of rows whose largest score is at the true class. */
  static double accuracy(double[][] scores, int[] y) {
    int right = 0;
    for (int i = 0; i < y.length; i++) {
      int best = 0;
      for (int c = 1; c < scores[i].length; c++) {
        if (scores[i][c] > scores[i][best]) {
          best = c;
        }
      }
      if (best == y[i]) {
        right++;
      }
    }
    return (double) right / y.length;
  }

  private static void shuffle(int[] a, Random random) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /** The results of both models on one data set. */
  record Run(Datasets.Split split, List<Epoch> logistic, List<Epoch> network) {}

  /** Splits (stratified, 20% held out), standardizes, and trains both models. */
  static Run run(Datasets.Dataset data, Settings settings, PrintStream progress) {
    Datasets.Split split = Datasets.standardize(Datasets.split(data, 0.2, settings.seed()));
    int features = data.features().length;
    int classes = data.classes().length;
    List<Epoch> logistic = train(new LogisticRegression(features, classes, settings.learningRate()), split,
        settings, progress);
    List<Epoch> network = train(new Network(features, settings.hidden(), classes, settings.learningRate(),
        settings.seed()), split, settings, progress);
    return new Run(split, logistic, network);
  }

  /** Loss curves of both models, training solid and held-out dashed. */
  static void plot(String title, Run run, Path png) throws IOException {
    List<Charts.Series> series = new ArrayList<>();
    series.add(curve("logistic regression, training", run.logistic(), false));
    series.add(curve("logistic regression, held-out", run.logistic(), true));
    series.add(curve("tanh network, training", run.network(), false));
    series.add(curve("tanh network, held-out", run.network(), true));
    Charts.lines(title, "epoch", "mean cross-entropy", series, false, Set.of(1, 3), png);
  }

  private static Charts.Series curve(String name, List<Epoch> epochs, boolean heldOut) {
    double[] x = new double[epochs.size()];
    double[] y = new double[epochs.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = epochs.get(i).epoch();
      y[i] = heldOut ? epochs.get(i).heldOutLoss() : epochs.get(i).trainLoss();
    }
    return new Charts.Series(name, x, y);
  }

  /**
   * Trains both models on Iris and on the spirals, prints a line per epoch and a summary, and writes the
   * loss curves.
   *
   * @param args optional: the directory for the PNGs (default {@code samples/target/plots})
   * @throws IOException if a PNG cannot be written
   */
  public static void main(String[] args) throws IOException {
    Path dir = args.length > 0 ? Path.of(args[0]) : Charts.plotDirectory();
    Datasets.Dataset iris = Datasets.iris();
    System.out.printf(Locale.ROOT, "Iris: %d flowers, %d measurements, %d species; 20%% held out (stratified)%n",
        iris.size(), iris.features().length, iris.classes().length);
    Run irisRun = run(iris, IRIS, System.out);
    Datasets.Dataset spirals = spiralsData();
    System.out.printf(Locale.ROOT, "%nSpirals: %d points on two interleaved spirals (seeded); 20%% held out%n",
        spirals.size());
    Run spiralsRun = run(spirals, SPIRALS, System.out);

    System.out.println();
    System.out.printf(Locale.ROOT, "%-8s %-22s %10s %10s %14s%n", "data", "model", "loss", "train acc", "held-out acc");
    summary("iris", "logistic regression", irisRun.logistic());
    summary("iris", "tanh network", irisRun.network());
    summary("spirals", "logistic regression", spiralsRun.logistic());
    summary("spirals", "tanh network", spiralsRun.network());

    Path irisPng = dir.resolve("training-iris.png");
    Path spiralsPng = dir.resolve("training-spirals.png");
    plot("Iris (120 training, 30 held-out flowers): loss per epoch", irisRun, irisPng);
    plot("Two spirals (" + spiralsRun.split().train().size() + " training, " + spiralsRun.split().heldOut().size()
        + " held-out points): loss per epoch", spiralsRun, spiralsPng);
    System.out.println();
    System.out.println("wrote " + irisPng.toAbsolutePath().normalize());
    System.out.println("wrote " + spiralsPng.toAbsolutePath().normalize());
  }

  private static void summary(String data, String model, List<Epoch> epochs) {
    Epoch last = epochs.get(epochs.size() - 1);
    System.out.printf(Locale.ROOT, "%-8s %-22s %10.4f %10.3f %14.3f%n", data, model, last.trainLoss(),
        last.trainAccuracy(), last.heldOutAccuracy());
  }
}
