package dev.adjoint.benchmarks;

import java.util.Arrays;

/**
 * Issue 9's bound on recursion, measured by hand (not JMH, not a unit test): the gradient of a recursive
 * Horner at depth n and 2n. With the split-mode call boundary each level runs its callee's reverse on the
 * tape its forward kept, so the time doubles with n; rerunning each callee's forward pass in the reverse
 * sweep would quadruple it.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar dev.adjoint.benchmarks.RecursionScaling [n...]}
 *
 * <p>The timings run on a thread with a 1 GiB stack. The deepest recursion that fits the default stack (a
 * thread of default size) is probed first, once cold and once after two seconds of warm-up at depth 1,000:
 * compiled frames are smaller than interpreted ones.
 */
public final class RecursionScaling {
  private RecursionScaling() {}

  public static void main(String[] args) throws InterruptedException {
    int[] sizes = args.length == 0 ? new int[] {1000, 2000, 4000, 8000, 16000}
        : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
    Thread probe = new Thread(() -> {
      System.out.printf("default stack, cold: gradient works to depth %d (steps of 500)%n", deepestOnDefaultStack());
      double[] c = coefficients(1000);
      long start = System.nanoTime();
      while (System.nanoTime() - start < 2_000_000_000L) {
        RecursionGrad.hornerGradient(c, 0.999, 0);
      }
      System.out.printf("default stack, warm: gradient works to depth %d%n", deepestOnDefaultStack());
    });
    probe.start();
    probe.join();
    Thread timing = new Thread(null, () -> time(sizes), "timing", 1L << 30);
    timing.start();
    timing.join();
  }

  private static int deepestOnDefaultStack() {
    int works = 0;
    for (int n = 500; n <= 64000; n += 500) {
      try {
        RecursionGrad.hornerGradient(coefficients(n), 0.999, 0);
        works = n;
      } catch (StackOverflowError e) {
        break;
      }
    }
    return works;
  }

  private static double[] coefficients(int n) {
    double[] c = new double[n];
    for (int i = 0; i < n; i++) {
      c[i] = Math.sin(i + 1.0);
    }
    return c;
  }

  private static void time(int[] sizes) {
    double previous = Double.NaN;
    System.out.printf("%8s %14s %14s %14s %10s%n", "n", "forward ms", "gradient ms", "gradient/fwd", "vs n/2");
    for (int n : sizes) {
      double[] c = coefficients(n);
      double x = 0.999;
      check(c, x);
      double forward = median(() -> Recursion.horner(c, x, 0));
      double gradient = median(() -> RecursionGrad.hornerGradient(c, x, 0).x());
      System.out.printf("%8d %14.4f %14.4f %14.1f %10s%n", n, forward, gradient, gradient / forward,
          Double.isNaN(previous) ? "" : String.format("%.2fx", gradient / previous));
      previous = gradient;
    }
  }

  /** The gradient against the closed form: d/dx = sum i c[i] x^(i-1), d/dc[i] = x^i. */
  private static void check(double[] c, double x) {
    var g = RecursionGrad.hornerGradient(c, x, 0);
    double dx = 0;
    double power = 1;
    for (int i = 0; i < c.length; i++) {
      Check.close("horner d/dc[" + i + "]", new double[] {power}, new double[] {g.c()[i]}, Check.EXACT);
      if (i + 1 < c.length) {
        dx += (i + 1) * c[i + 1] * power;
      }
      power *= x;
    }
    Check.close("horner d/dx", new double[] {dx}, new double[] {g.x()}, Check.FD);
  }

  /** Median wall time in ms of batches of calls, after a warm-up of about a second. */
  private static double median(java.util.function.DoubleSupplier f) {
    double sink = 0;
    long warm = System.nanoTime();
    int perBatch = 0;
    while (System.nanoTime() - warm < 1_000_000_000L) {
      sink += f.getAsDouble();
      perBatch++;
    }
    perBatch = Math.max(1, perBatch / 10);
    double[] times = new double[15];
    for (int k = 0; k < times.length; k++) {
      long t = System.nanoTime();
      for (int r = 0; r < perBatch; r++) {
        sink += f.getAsDouble();
      }
      times[k] = (System.nanoTime() - t) / 1e6 / perBatch;
    }
    if (sink == 42) {
      System.out.println();
    }
    Arrays.sort(times);
    return times[times.length / 2];
  }
}
