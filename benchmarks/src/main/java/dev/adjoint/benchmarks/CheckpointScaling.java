package dev.adjoint.benchmarks;

import dev.adjoint.runtime.Checkpoints;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Issue 13's acceptance case for checkpointing, measured by hand (not JMH): the gradient of a plain
 * 10^7-step explicit Euler loop over a 2-state system ({@link LongLoops#euler}, no hint in the source) in a
 * 64 MiB heap, against the store-all gradient in a large heap. Each configuration runs in its own JVM
 * (forked by this main): the default budget in {@code -Xmx64m} (checkpointed), store-all
 * ({@code -Dadjoint.checkpoint.budget=-1}) in {@code -Xmx2g}, and store-all in {@code -Xmx64m} (which
 * runs out of memory: the tape is 160 MB), and the default budget in {@code -Xmx16m}.
 *
 * <p>Then the binomial schedule's trade of time for memory on a loop whose snapshots are large: {@link
 * LongLoops#heat} (30,000 steps over 1,000 cells, a 16 KB state, 240 MB of tape if stored) in {@code
 * -Xmx64m} (every segment start fits a snapshot: each segment is advanced once more), {@code -Xmx8m}
 * (fewer snapshots than segments: advanced up to twice), {@code -Xmx8m} with at most 4 snapshots
 * ({@code -Dadjoint.checkpoint.snapshots=4}: up to 7 times) and store-all in {@code -Xmx2g}.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar dev.adjoint.benchmarks.CheckpointScaling [n | euler n |
 * heat steps]}
 */
public final class CheckpointScaling {
  private static final double[] P = {4.0, 0.3};
  private static final double[] HEAT_P = {50.0, 0.5};
  private static final int HEAT_CELLS = 1_000;

  private CheckpointScaling() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length > 0 && args[0].equals("child")) {
      child(Integer.parseInt(args[1]));
      return;
    }
    if (args.length > 0 && args[0].equals("heatChild")) {
      heatChild(Integer.parseInt(args[1]));
      return;
    }
    boolean both = args.length == 0 || !(args[0].equals("euler") || args[0].equals("heat"));
    if (both || args[0].equals("euler")) {
      int n = args.length == 1 && both ? Integer.parseInt(args[0])
          : args.length > 1 ? Integer.parseInt(args[1]) : 10_000_000;
      euler(n);
    }
    if (both || args[0].equals("heat")) {
      heat(args.length > 1 && !both ? Integer.parseInt(args[1]) : 30_000);
    }
  }

  private static void heat(int steps) throws IOException, InterruptedException {
    System.out.printf("%ngradient of LongLoops.heat, %,d cells, %,d steps (median of 3 after 1 warm-up call)%n",
        HEAT_CELLS, steps);
    System.out.printf("%-60s %12s %12s  %s%n", "configuration", "median ms", "forward ms", "gradient");
    String[][] runs = {
        run("heatChild", steps, "-Xmx64m"),
        run("heatChild", steps, "-Xmx8m"),
        run("heatChild", steps, "-Xmx8m", "-D" + Checkpoints.SNAPSHOTS_PROPERTY + "=4"),
        run("heatChild", steps, "-Xmx2g", "-Dadjoint.checkpoint.budget=-1")};
    String[] names = {"-Xmx64m, default budget (checkpointed)", "-Xmx8m, default budget (checkpointed)",
        "-Xmx8m, at most 4 snapshots (checkpointed)", "-Xmx2g, budget -1 (store-all)"};
    for (int k = 0; k < runs.length; k++) {
      print(names[k], runs[k]);
    }
    String[] storeAll = runs[runs.length - 1];
    for (int k = 0; k + 1 < runs.length; k++) {
      if (runs[k].length > 3 && storeAll.length > 3) {
        System.out.printf("%s / store-all: %.2fx; gradients %s%n", names[k],
            Double.parseDouble(runs[k][0]) / Double.parseDouble(storeAll[0]),
            runs[k][2].equals(storeAll[2]) ? "bit-identical" : "DIFFER");
      }
    }
  }

  private static void euler(int n) throws IOException, InterruptedException {
    System.out.printf("gradient of LongLoops.euler, n = %,d steps (median of 7 after 3 warm-up calls)%n", n);
    System.out.printf("%-44s %12s %12s  %s%n", "configuration", "median ms", "forward ms", "gradient");
    String[] checkpointed = run("child", n, "-Xmx64m");
    String[] storeAll = run("child", n, "-Xmx2g", "-Dadjoint.checkpoint.budget=-1");
    String[] storeAllSmall = run("child", n, "-Xmx64m", "-Dadjoint.checkpoint.budget=-1");
    String[] checkpointedSmall = run("child", n, "-Xmx16m");
    print("-Xmx64m, default budget (checkpointed)", checkpointed);
    print("-Xmx16m, default budget (checkpointed)", checkpointedSmall);
    print("-Xmx2g, budget -1 (store-all)", storeAll);
    print("-Xmx64m, budget -1 (store-all)", storeAllSmall);
    if (checkpointed.length > 3 && storeAll.length > 3) {
      System.out.printf("checkpointed / store-all: %.2fx; gradients %s%n",
          Double.parseDouble(checkpointed[0]) / Double.parseDouble(storeAll[0]),
          checkpointed[2].equals(storeAll[2]) ? "bit-identical" : "DIFFER");
    }
  }

  private static void print(String configuration, String[] result) {
    if (result.length > 3) {
      System.out.printf("%-60s %12s %12s  %s (budget %s B)%n", configuration, result[0], result[1], result[2],
          result[3]);
    } else {
      System.out.printf("%-60s %s%n", configuration, String.join(" ", result));
    }
  }

  private static String[] run(String child, int n, String... jvmOptions) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(Arrays.asList(jvmOptions));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), CheckpointScaling.class.getName(), child,
        Integer.toString(n)));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    p.waitFor();
    String last = out.isEmpty() ? "(no output)" : out.lines().reduce((a, b) -> b).orElse("");
    return last.startsWith("ok ") ? last.substring(3).split(" ") : new String[] {last};
  }

  private static void child(int n) {
    try {
      double[] times = new double[7];
      double[] g = null;
      for (int k = -3; k < times.length; k++) {
        long start = System.nanoTime();
        g = LongLoopsGrad.eulerGradient(P, n).p();
        if (k >= 0) {
          times[k] = (System.nanoTime() - start) / 1e6;
        }
      }
      double[] forward = new double[7];
      for (int k = 0; k < forward.length; k++) {
        long start = System.nanoTime();
        LongLoops.euler(P, n);
        forward[k] = (System.nanoTime() - start) / 1e6;
      }
      Arrays.sort(times);
      Arrays.sort(forward);
      System.out.printf("ok %.1f %.1f %s,%s %d%n", times[times.length / 2], forward[forward.length / 2],
          Double.toHexString(g[0]), Double.toHexString(g[1]), Checkpoints.defaultBudget());
    } catch (OutOfMemoryError e) {
      System.out.println("OutOfMemoryError: " + e.getMessage());
    }
  }

  private static void heatChild(int steps) {
    try {
      double[] times = new double[3];
      double[] g = null;
      for (int k = -1; k < times.length; k++) {
        long start = System.nanoTime();
        g = LongLoopsGrad.heatGradient(HEAT_P, HEAT_CELLS, steps).p();
        if (k >= 0) {
          times[k] = (System.nanoTime() - start) / 1e6;
        }
      }
      double[] forward = new double[3];
      for (int k = 0; k < forward.length; k++) {
        long start = System.nanoTime();
        LongLoops.heat(HEAT_P, HEAT_CELLS, steps);
        forward[k] = (System.nanoTime() - start) / 1e6;
      }
      Arrays.sort(times);
      Arrays.sort(forward);
      System.out.printf("ok %.1f %.1f %s,%s %d%n", times[times.length / 2], forward[forward.length / 2],
          Double.toHexString(g[0]), Double.toHexString(g[1]), Checkpoints.defaultBudget());
    } catch (OutOfMemoryError e) {
      System.out.println("OutOfMemoryError: " + e.getMessage());
    }
  }
}
