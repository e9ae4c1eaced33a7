package dev.adjoint.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Softmax cross-entropy over 1,000 logits against one class. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SoftmaxCrossEntropyBench {
  static final int N = 1000;
  double[] logits;
  int target;

  @Setup
  public void setup() {
    logits = Inputs.normal(3, N, 3.0);
    target = 7;
    double[] hand = hand();
    Check.close("softmaxCrossEntropy adjoint", hand, adjoint(), Check.EXACT);
    Check.close("softmaxCrossEntropy hipparchus", hand, hipparchus(), Check.EXACT);
    Check.close("softmaxCrossEntropy finite differences", hand, finiteDiff(), Check.FD);
  }

  @Benchmark
  public double forward() {
    return Functions.softmaxCrossEntropy(logits, target);
  }

  @Benchmark
  public double[] adjoint() {
    return FunctionsGrad.softmaxCrossEntropyGradient(logits, target).logits();
  }

  @Benchmark
  public double[] hand() {
    return Hand.softmaxCrossEntropy(logits, target);
  }

  @Benchmark
  public double[] hipparchus() {
    return ForwardMode.softmaxCrossEntropy(logits, target);
  }

  @Benchmark
  public double[] finiteDiff() {
    return FiniteDifferences.gradient(l -> Functions.softmaxCrossEntropy(l, target), logits);
  }
}
