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
 * GradBench kmeans, gradient of the cost: n = 1,000 points in d = 8 uniform in [0, 1), k = 100 centroids = the
 * last k points (as GradBench: every cluster non-empty).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GbKmeansBench {
  double[][] points;
  double[][] centroids;

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
}
