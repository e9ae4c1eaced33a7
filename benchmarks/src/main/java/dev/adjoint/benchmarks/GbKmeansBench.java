package dev.adjoint.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * GradBench kmeans: n = 1,000 points in d = 8 uniform in [0, 1), k = 100 centroids = the last k points (as GradBench:
 * every cluster non-empty), moved off the points. The gradient of the cost, and GradBench's {@code dir} (its J/H
 * function): the gradient divided elementwise by the Hessian-vector product with all ones, which is the Hessian's
 * diagonal because the Hessian is diagonal ({@code 2 n_j} on centroid j's coordinates), as GradBench's PyTorch
 * reference computes it ({@code vjp} and {@code vhp}); Adjoint's {@code kmeansHvp} is forward over reverse.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GbKmeansBench {
  double[][] points;
  double[][] centroids;
  double[][] ones;

  @Setup
  public void setup() {
    points = GradBenchInputs.uniformMatrix(104, 1000, 8);
    centroids = new double[100][];
    for (int j = 0; j < 100; j++) {
      centroids[j] = points[900 + j].clone();
    }
    // move the centroids off the points so that no distance is exactly zero (the min is then smooth)
    double[][] shift = GradBenchInputs.uniformMatrix(114, 100, 8);
    for (int j = 0; j < 100; j++) {
      for (int l = 0; l < 8; l++) {
        centroids[j][l] += 0.01 * shift[j][l];
      }
    }
    double[][] hand = hand();
    GradBenchInputs.same("kmeans Adjoint vs hand", hand, adjoint());
    for (int j : new int[] {0, 50, 99}) {
      GradBenchInputs.probeSome("kmeans hand vs central differences c" + j,
          () -> GradBench.kmeans(points, centroids), centroids[j], hand[j], 8, 1);
    }
    ones = new double[100][8];
    for (double[] row : ones) {
      java.util.Arrays.fill(row, 1.0);
    }
    double[][] dir = dirHand();
    GradBenchInputs.same("kmeans dir Adjoint vs hand", dir, dirAdjoint());
    // The Hessian's diagonal (the Hvp with ones) against central differences of the hand-written gradient.
    double[][] diagonal = GradBenchGrad.kmeansHvp(points, centroids, ones).centroids();
    for (int j : new int[] {0, 50, 99}) {
      for (int l : new int[] {0, 7}) {
        double c = centroids[j][l];
        double h = 1e-6;
        centroids[j][l] = c + h;
        double up = GradBenchHand.kmeans(points, centroids)[j][l];
        centroids[j][l] = c - h;
        double down = GradBenchHand.kmeans(points, centroids)[j][l];
        centroids[j][l] = c;
        Check.close("kmeans Hessian diagonal vs central differences of the gradient, c" + j + "[" + l + "]",
            (up - down) / (2 * h), diagonal[j][l], Check.FD);
      }
    }
  }

  @Benchmark
  public double forward() {
    return GradBench.kmeans(points, centroids);
  }

  @Benchmark
  public double[][] adjoint() {
    return GradBenchGrad.kmeansGradient(points, centroids).centroids();
  }

  @Benchmark
  public double[][] hand() {
    return GradBenchHand.kmeans(points, centroids);
  }

  /** GradBench's {@code dir}: Adjoint's gradient over Adjoint's Hessian-vector product with ones. */
  @Benchmark
  public double[][] dirAdjoint() {
    double[][] g = GradBenchGrad.kmeansGradient(points, centroids).centroids();
    double[][] h = GradBenchGrad.kmeansHvp(points, centroids, ones).centroids();
    for (int j = 0; j < g.length; j++) {
      for (int l = 0; l < g[j].length; l++) {
        g[j][l] /= h[j][l];
      }
    }
    return g;
  }

  /** GradBench's {@code dir} by hand (cluster means, as its manual tool). */
  @Benchmark
  public double[][] dirHand() {
    return GradBenchNestedHand.kmeansDir(points, centroids);
  }
}
