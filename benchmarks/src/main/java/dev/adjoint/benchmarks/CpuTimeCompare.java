package dev.adjoint.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Issue 11's tensor workloads timed in process CPU time instead of wall-clock time: on the shared 2-CPU machine
 * the load of other sessions multiplies JMH's wall-clock times (and PyTorch's) several-fold and unevenly, while
 * the CPU time a process itself spends is affected far less. Runs the {@code @Benchmark} methods of
 * {@link PointwiseBench}, {@link MlpBench}, {@link LogisticRegressionBench}, and {@link MlpBlasBench} and {@link
 * LogisticRegressionBlasBench} when a native BLAS loads, on their own {@code @Setup} (which checks the gradients
 * first), the same way {@code pytorch_bench.py --cpu} times PyTorch: warm-up, then the median over 7 runs of the
 * CPU time per call, each run long enough (0.3 s of CPU) to be timed. Process CPU time includes the JVM's GC and
 * JIT threads.
 *
 * <pre>
 * java -Dadjoint.matmul=java -cp benchmarks/target/benchmarks.jar dev.adjoint.benchmarks.CpuTimeCompare
 * /usr/bin/python3 benchmarks/pytorch_bench.py out.json --cpu --only=Pointwise,Mlp,LogisticRegression
 * </pre>
 */
public final class CpuTimeCompare {
  private CpuTimeCompare() {}

  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private static long cpu() {
    return OS.getProcessCpuTime();
  }

  private record Row(String name, Supplier<Object> call) {}

  public static void main(String[] args) {
    List<Row> rows = new ArrayList<>();
    PointwiseBench pw = new PointwiseBench();
    pw.setup();
    rows.add(new Row("Pointwise forward", pw::forward));
    rows.add(new Row("Pointwise grad", pw::tensorGrad));
    MlpBench mlp = new MlpBench();
    mlp.setup();
    rows.add(new Row("Mlp forward", mlp::forward));
    rows.add(new Row("Mlp tensorGrad", mlp::tensorGrad));
    rows.add(new Row("Mlp generatedGrad", mlp::generatedGrad));
    LogisticRegressionBench lr = new LogisticRegressionBench();
    lr.setup();
    rows.add(new Row("LogisticRegression forward", lr::forward));
    rows.add(new Row("LogisticRegression tensorGrad", lr::tensorGrad));
    rows.add(new Row("LogisticRegression generatedGrad", lr::generatedGrad));
    MlpBlasBench blas = null;
    try {
      blas = new MlpBlasBench();
      blas.setup();
    } catch (RuntimeException | LinkageError e) {
      System.out.println("MlpBlasBench skipped: " + e.getMessage());
      blas = null;
    }
    if (blas != null) {
      MlpBlasBench b = blas;
      rows.add(new Row("MlpBlas tensorGrad", b::tensorGrad));
      rows.add(new Row("MlpBlas generatedGrad", b::generatedGrad));
      LogisticRegressionBlasBench lrBlas = new LogisticRegressionBlasBench();
      lrBlas.setup();
      rows.add(new Row("LogisticRegressionBlas forward", lrBlas::forward));
      rows.add(new Row("LogisticRegressionBlas tensorGrad", lrBlas::tensorGrad));
      rows.add(new Row("LogisticRegressionBlas generatedGrad", lrBlas::generatedGrad));
    }
    String only = args.length > 0 ? args[0] : null;
    for (Row row : rows) {
      if (only != null && !row.name().matches(".*(" + only + ").*")) {
        continue;
      }
      if (row.name().contains("Blas ")) {
        dev.adjoint.spi.Backends.useMatmul(NativeBlas.require());
      } else {
        dev.adjoint.spi.Backends.useMatmul(null);
      }
      double[] samples = measure(row.call());
      double[] sorted = samples.clone();
      Arrays.sort(sorted);
      System.out.printf(Locale.ROOT, "%-34s %10.3f ms CPU per call (min %.3f, max %.3f)%n", row.name(),
          sorted[sorted.length / 2] / 1e6, sorted[0] / 1e6, sorted[sorted.length - 1] / 1e6);
    }
  }

  private static double[] measure(Supplier<Object> call) {
    long warm = cpu();
    while (cpu() - warm < 2_000_000_000L) {
      call.get();
    }
    int loops = 1;
    while (true) {
      long t0 = cpu();
      for (int i = 0; i < loops; i++) {
        call.get();
      }
      long elapsed = cpu() - t0;
      if (elapsed >= 300_000_000L) {
        break;
      }
      // process CPU time may advance in clock ticks (10 ms): a run below one tick reads as 0, so grow by at
      // most 10x per step instead of extrapolating from it
      loops = elapsed < 20_000_000L ? loops * 10
          : Math.max(loops * 2, (int) Math.min(loops * 10L, (long) (loops * 300_000_000.0 / elapsed * 1.1)));
    }
    double[] samples = new double[7];
    for (int r = 0; r < samples.length; r++) {
      long t0 = cpu();
      for (int i = 0; i < loops; i++) {
        call.get();
      }
      samples[r] = (double) (cpu() - t0) / loops;
    }
    return samples;
  }
}
