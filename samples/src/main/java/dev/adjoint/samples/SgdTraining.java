package dev.adjoint.samples;

import dev.adjoint.Generator;
import dev.adjoint.Tensor;
import dev.adjoint.optim.SGD;
import java.io.PrintStream;
import java.util.List;

/**
 * The smallest complete training loop: a two-layer tanh network on the standardized Iris measurements,
 * its loss the {@code @Differentiable} {@link Classifiers#mlpLoss}, and plain full-batch gradient descent
 * written against the runtime as a PyTorch user would write it ({@code optimizer.zeroGrad()},
 * {@code loss.backward()}, {@code optimizer.step()} with {@link SGD}).
 *
 * <p>Run: {@code mvn -q -pl samples -am package -DskipTests -Pdemo -Dexec.mainClass=dev.adjoint.samples.SgdTraining}
 */
public final class SgdTraining {
  private SgdTraining() {}

  /** The loss after each epoch, from the first to the last. */
  static double[] train(int epochs, double learningRate, PrintStream out) {
    Datasets.Split split = Datasets.standardize(Datasets.split(Datasets.iris(), 0.2, 7));
    Tensor x = Tensor.of(split.train().x());
    int[] y = split.train().y();
    int features = x.shape()[1];
    int hidden = 16;
    int classes = split.train().classes().length;
    Tensor w1 = Tensor.randn(new Generator().manualSeed(1), features, hidden).mul(0.5).requiresGrad();
    Tensor b1 = Tensor.zeros(hidden).requiresGrad();
    Tensor w2 = Tensor.randn(new Generator().manualSeed(2), hidden, classes).mul(0.5).requiresGrad();
    Tensor b2 = Tensor.zeros(classes).requiresGrad();
    SGD optimizer = new SGD(List.of(w1, b1, w2, b2), learningRate);
    double[] losses = new double[epochs];
    for (int epoch = 0; epoch < epochs; epoch++) {
      Tensor loss = ClassifiersGrad.mlpLoss(w1, b1, w2, b2, x, y);
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      losses[epoch] = loss.item();
      if (out != null && (epoch % 50 == 0 || epoch == epochs - 1)) {
        out.printf("epoch %4d  loss %.4f%n", epoch, losses[epoch]);
      }
    }
    return losses;
  }

  /**
   * Trains for 300 epochs with step size 0.1 and prints the loss every 50 epochs.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    double[] losses = train(300, 0.1, System.out);
    System.out.printf("loss fell from %.4f to %.4f%n", losses[0], losses[losses.length - 1]);
  }
}
