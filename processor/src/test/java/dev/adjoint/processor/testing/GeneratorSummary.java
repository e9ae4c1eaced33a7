package dev.adjoint.processor.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.function.Executable;

/**
 * What one random-program generator did in this run: programs checked, programs that failed, and points
 * redrawn because the central differences were unreliable there ({@link FiniteDifferences}), with the
 * programs that needed a redraw. A generator wraps each program's check in {@link #program} and prints
 * {@link #line} after all of them (JUnit's {@code @AfterAll}). Programs run one after another.
 */
public final class GeneratorSummary {
  private static final int LISTED = 20;
  /** A progress line every this many programs, so that a long run's log says how far it got. */
  private static final int PROGRESS = 500;
  private final String generator;
  private int run;
  private int failed;
  private long redrawn;
  private final List<String> redrawnPrograms = new ArrayList<>();

  public GeneratorSummary(String generator) {
    this.generator = generator;
  }

  /** Runs one program's check, counting it, its failure and the points it redrew; rethrows a failure. */
  public synchronized void program(String label, Executable check) throws Throwable {
    long before = FiniteDifferences.redraws();
    run++;
    try {
      check.execute();
    } catch (Throwable t) {
      failed++;
      throw t;
    } finally {
      long points = FiniteDifferences.redraws() - before;
      if (points > 0) {
        redrawn += points;
        redrawnPrograms.add(label + " (" + points + ")");
      }
      if (run % PROGRESS == 0) {
        progress("[progress] " + line());
      }
    }
  }

  /** One line: programs run, failed, points redrawn and the first programs that redrew. */
  public synchronized String line() {
    return generator + ": " + run + " programs run, " + failed + " failed, " + redrawn + " points redrawn in "
        + redrawnPrograms.size() + " programs (unreliable central differences)"
        + (redrawnPrograms.isEmpty() ? "" : ": " + String.join(", ", redrawnPrograms.subList(0,
            Math.min(LISTED, redrawnPrograms.size()))) + (redrawnPrograms.size() > LISTED ? ", ..." : ""));
  }

  /** Prints {@link #line} to standard output (Surefire shows it in the build log) and the progress file. */
  public void print() {
    progress("[summary] " + line());
  }

  /**
   * Prints {@code text} and appends it to {@code target/generator-progress.txt} (Surefire may hold a test
   * class's output until the class ends; the file says how far a long run got while it runs).
   */
  private static void progress(String text) {
    System.out.println(text);
    try {
      Files.writeString(Path.of("target", "generator-progress.txt"), Instant.now() + " " + text + "\n",
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException | RuntimeException e) {
      // no target directory: standard output only
    }
  }
}
