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
 * GradBench / ADBench lstm, l = 2 layers, c = 1,024 characters of b = 7 bits. GradBench takes the characters from
 * {@code evals/lstm/data/lstm_full.txt}; here they are 1,024 printable ASCII characters (32..126) drawn from a
 * SplitMix64 stream, 7 bits each as GradBench encodes them; parameters and initial state uniform in [0, 1) as
 * GradBench draws them ({@code np.random.random}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GbLstmBench {
  static final int L = 2;
  static final int C = 1024;
  static final int B = 7;
  double[][] mainParams;
  double[][] extraParams;
  double[][] state;
  double[][] sequence;

  @Setup
  public void setup() {
    mainParams = GradBenchInputs.uniformMatrix(110, 2 * L, 4 * B);
    extraParams = GradBenchInputs.uniformMatrix(111, 3, B);
    state = GradBenchInputs.uniformMatrix(112, 2 * L, B);
    double[] chars = Inputs.uniform(113, C, 32, 127);
    sequence = new double[C][B];
    for (int t = 0; t < C; t++) {
      int ch = (int) chars[t];
      for (int j = 0; j < B; j++) {
        sequence[t][j] = (ch >> (B - 1 - j)) & 1;
      }
    }
    GradBenchHandLstmBa.LstmGradient hand = hand();
    GradBenchGrad.LstmGradient adj = adjoint();
    GradBenchInputs.same("lstm Adjoint vs hand mainParams", hand.mainParams, adj.mainParams());
    GradBenchInputs.same("lstm Adjoint vs hand extraParams", hand.extraParams, adj.extraParams());
    java.util.function.DoubleSupplier f = this::forward;
    for (int r = 0; r < 2 * L; r++) {
      GradBenchInputs.probeSome("lstm hand vs central differences mainParams" + r, f, mainParams[r],
          hand.mainParams[r], 5, 1e-3);
    }
    for (int r = 0; r < 3; r++) {
      GradBenchInputs.probeSome("lstm hand vs central differences extraParams" + r, f, extraParams[r],
          hand.extraParams[r], 3, 1e-3);
    }
  }

  @Benchmark
  public double forward() {
    return GradBench.lstm(mainParams, extraParams, state, sequence);
  }

  @Benchmark
  public GradBenchGrad.LstmGradient adjoint() {
    return GradBenchGrad.lstmGradient(mainParams, extraParams, state, sequence);
  }

  @Benchmark
  public GradBenchHandLstmBa.LstmGradient hand() {
    return GradBenchHandLstmBa.lstm(mainParams, extraParams, state, sequence);
  }
}
