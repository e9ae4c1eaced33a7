package dev.adjoint;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * PyTorch as an oracle, where it is installed: runs a Python script after {@code import torch} and returns
 * its standard output lines. Tests that use it are skipped (not passed) on machines without PyTorch. The
 * runtime's tests and (through the runtime's test-jar) the processor's use it.
 */
public final class TorchOracle {
  private static final String[] PYTHONS = {"python3", "/usr/bin/python3"};
  private static String python;
  private static boolean probed;

  private TorchOracle() {}

  /** The first Python that imports torch, or null. */
  static synchronized String python() {
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

  /**
   * Runs {@code script}, after {@code import torch}, under a Python with torch (the test is skipped without
   * one); its non-blank output lines.
   */
  public static List<String> run(String script) {
    String p = python();
    assumeTrue(p != null, "PyTorch is not installed");
    try {
      return run(p, "import torch\n" + script);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> run(String python, String script) throws IOException {
    Path f = Files.createTempFile("oracle", ".py");
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

  /** A Python literal for a tensor's values and shape: {@code torch.tensor([...], dtype=torch.float64).reshape(...)}. */
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

  /** Parses a line of space-separated numbers. */
  public static double[] numbers(String line) {
    String[] parts = line.trim().split("\\s+");
    if (line.isBlank()) {
      return new double[0];
    }
    double[] r = new double[parts.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = Double.parseDouble(parts[i]);
    }
    return r;
  }
}
