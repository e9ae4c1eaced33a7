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
 * GradBench / ADBench ba1 ({@code evals/ba/data/ba1_n49_m7776_p31843.txt}): 49 cameras, 7,776 points, 31,843
 * observations. The file stores one camera, one point, one weight and one feature, which ADBench and GradBench
 * replicate; observation {@code o} sees point {@code o mod 7776} from camera {@code o mod 49}. Its values are
 * copied below, so nothing is downloaded. Every camera and point starts equal, as in ba1; the finite-difference
 * probes perturb single entries.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GbBaBench {
  static final int N = 49;
  static final int M = 7776;
  static final int P = 31843;
  static final double[] CAM = {-0.758453, -1.109613, -0.845551, 34.556073, 39.676747, 53.881673, 419.194514, 5.864426,
      -8.518870, 0.087812, 0.002739};
  static final double[] POINT = {7.203245, 0.001144, 3.023326};
  static final double WEIGHT = 0.417022;
  static final double[] FEATURE = {271.760969, 834.209256};
  double[][] cams;
  double[][] x;
  double[] w;
  double[][] feats;
  int[] obsCam;
  int[] obsPt;

  @Setup
  public void setup() {
    cams = new double[N][];
    for (int j = 0; j < N; j++) {
      cams[j] = CAM.clone();
    }
    x = new double[M][];
    for (int j = 0; j < M; j++) {
      x[j] = POINT.clone();
    }
    w = new double[P];
    java.util.Arrays.fill(w, WEIGHT);
    feats = new double[P][];
    obsCam = new int[P];
    obsPt = new int[P];
    for (int o = 0; o < P; o++) {
      feats[o] = FEATURE.clone();
      obsCam[o] = o % N;
      obsPt[o] = o % M;
    }
    GradBenchHandLstmBa.BaGradient hand = hand();
    GradBenchGrad.BaGradient adj = adjoint();
    GradBenchInputs.same("ba Adjoint vs hand cams", hand.cams, adj.cams());
    GradBenchInputs.same("ba Adjoint vs hand x", hand.x, adj.x());
    GradBenchInputs.same("ba Adjoint vs hand w", hand.w, adj.w());
    java.util.function.DoubleSupplier f = this::forward;
    GradBenchInputs.probeSome("ba hand vs central differences cams0", f, cams[0], hand.cams[0], 11, 1);
    GradBenchInputs.probeSome("ba hand vs central differences x0", f, x[0], hand.x[0], 3, 1);
    GradBenchInputs.probeSome("ba hand vs central differences w", f, w, hand.w, 3, 1);
    // the rotation-free branch (a zero Rodrigues vector) on a small problem of its own
    double[][] c0 = {CAM.clone()};
    c0[0][0] = 0;
    c0[0][1] = 0;
    c0[0][2] = 0;
    double[][] x0 = {POINT.clone()};
    double[] w0 = {WEIGHT};
    double[][] f0 = {FEATURE.clone()};
    int[] zero = {0};
    GradBenchHandLstmBa.BaGradient h0 = GradBenchHandLstmBa.ba(c0, x0, w0, f0, zero, zero);
    GradBenchInputs.same("ba Adjoint vs hand, zero rotation", h0.cams,
        GradBenchGrad.baGradient(c0, x0, w0, f0, zero, zero).cams());
    GradBenchInputs.probeSome("ba hand vs central differences, zero rotation, x", () -> GradBench.ba(c0, x0, w0, f0,
        zero, zero), x0[0], h0.x[0], 3, 1);
  }

  @Benchmark
  public double forward() {
    return GradBench.ba(cams, x, w, feats, obsCam, obsPt);
  }

  @Benchmark
  public GradBenchGrad.BaGradient adjoint() {
    return GradBenchGrad.baGradient(cams, x, w, feats, obsCam, obsPt);
  }

  @Benchmark
  public GradBenchHandLstmBa.BaGradient hand() {
    return GradBenchHandLstmBa.ba(cams, x, w, feats, obsCam, obsPt);
  }
}
