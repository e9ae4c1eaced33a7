package dev.adjoint.processor.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.adjoint.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * PyTorch as an oracle for processor tests, where {@code /usr/bin/python3} (or {@code python3}) imports torch:
 * runs a script and returns its output lines. Tests that use it are skipped (not passed) without PyTorch.
 */
public final class Torch {
  private static final String[] PYTHONS = {"/usr/bin/python3", "python3"};
  private static String python;
  private static boolean probed;

  private Torch() {}

  /** Runs {@code script} (after {@code import torch}); its non-blank output lines. */
  public static List<String> run(String script) {
    String p = python();
    assumeTrue(p != null, "PyTorch is not installed");
    try {
      return run(p, "import torch\n" + script);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** A Python expression for {@code t}'s values and shape in float64. */
  public static String literal(Tensor t) {
    StringBuilder b = new StringBuilder("torch.tensor([");
    for (double v : t.toArray()) {
      b.append(String.format(Locale.ROOT, "%.17g", v)).append(',');
    }
    b.append("], dtype=torch.float64).reshape(");
    for (int s : t.shape()) {
      b.append(s).append(',');
    }
    return b.append(')').toString();
  }

  /** The numbers of one output line, space-separated. */
  public static double[] numbers(String line) {
    String[] parts = line.trim().split("\\s+");
    double[] r = new double[parts.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = Double.parseDouble(parts[i]);
    }
    return r;
  }

  private static synchronized String python() {
    if (!probed) {
      probed = true;
      for (String p : PYTHONS) {
        try {
          if (run(p, "import torch\nprint('ok')").equals(List.of("ok"))) {
            python = p;
            break;
          }
        } catch (IOException | RuntimeException e) {
          // not this one
        }
      }
    }
    return python;
  }

  private static List<String> run(String python, String script) throws IOException {
    Path f = Files.createTempFile("torch", ".py");
    try {
      Files.writeString(f, script);
      Process proc = new ProcessBuilder(python, f.toString()).redirectErrorStream(true).start();
      String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!proc.waitFor(120, TimeUnit.SECONDS) || proc.exitValue() != 0) {
        throw new IllegalStateException("python failed:\n" + out);
      }
      List<String> lines = new ArrayList<>();
      for (String l : out.split("\n")) {
        if (!l.isBlank()) {
          lines.add(l.strip());
        }
      }
      return lines;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    } finally {
      Files.deleteIfExists(f);
    }
  }
}
