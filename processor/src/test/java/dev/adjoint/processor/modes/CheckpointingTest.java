package dev.adjoint.processor.modes;

import static dev.adjoint.processor.testing.GradCheck.uniform;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import dev.adjoint.runtime.Checkpoints;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Run-time checkpointing of long loops: with a budget forced tiny every loop below is checkpointed after its
 * first iterations, and its gradients (mVjp, the tape's backward, a retained graph's second backward) must be
 * bit-identical to store-all's and match central differences; the 10^7-step Euler loop of the issue runs in
 * a 64 MiB heap, where store-all cannot.
 */
class CheckpointingTest {
  static final String SOURCE = """
      package demo;
      import dev.adjoint.Differentiable;
      final class F {
        @Differentiable
        static double euler(double k, double c, int n) {
          double x = 1, v = 0;
          double h = 0.01;
          for (int i = 0; i < n; i++) {
            double a = -k * x - c * v;
            double xn = x + h * v;
            v = v + h * a;
            x = xn;
          }
          return x * x + v;
        }

        @Differentiable
        static double arrays(double[] p, int n) {
          double[] y = new double[p.length];
          double[][] m = new double[2][p.length];
          for (int j = 0; j < p.length; j++) { y[j] = p[j]; }
          double s = 0;
          for (int i = 0; i < n; i++) {
            double[] next = new double[y.length];
            for (int j = 0; j < y.length; j++) {
              next[j] = y[j] + 0.1 * Math.sin(y[(j + 1) % y.length] * p[j]);
              m[i % 2][j] = m[(i + 1) % 2][j] * 0.5 + next[j];
            }
            y = next.clone();
            s += y[i % y.length] * m[0][i % y.length];
          }
          s = s * y[0];
          y[0] = 7;
          return s + y[0] * m[1][0];
        }

        @Differentiable
        static double breaks(double x, double[] w, int n) {
          double s = x;
          int i = 0;
          while (true) {
            if (s > 50) {
              break;
            }
            if (i % 3 == 1) {
              s = s + w[i % w.length] * Math.cos(s);
              i++;
              continue;
            }
            s = s * 1.05 + Math.exp(-s * s) * x;
            i++;
            if (i >= n) {
              break;
            }
          }
          return s * x;
        }

        @Differentiable
        static double step(double x, double v, double k) { return x + 0.05 * v - 0.01 * k * x * x * x; }

        @Differentiable
        static double calls(double k, double[] init, int n) {
          double x = init[0], v = init[1];
          double e = 0;
          for (int i = 0; i < n; i++) {
            double xn = step(x, v, k);
            v = v - 0.05 * k * x;
            x = xn;
            e = e > x ? e : x;
            if (i == n + 5) {
              throw new IllegalStateException("never");
            }
          }
          return e + x * v;
        }

        @Differentiable
        static double inner(double[] w, double s, int m) {
          double acc = s;
          for (int j = 0; j < m; j++) {
            acc = Math.sin(acc * w[j % w.length]) + 0.5 * w[j % w.length];
          }
          return acc;
        }

        // Callees record onto the caller's tapes; their own checkpointed loops replay inside the caller's
        // replays, and the first call's reverse is never run (its arguments are inactive).
        @Differentiable
        static double nested(double x, double[] w, int n) {
          double t = 0.1;
          double[] c = {0.3, -0.2};
          for (int i = 0; i < n; i++) {
            t = 0.5 * t + x * inner(c, 0.1 * i, 7) + inner(w, t, 5 + i % 3) * inner(w, x, 4);
          }
          return t + inner(w, t * x, 6);
        }

        @Differentiable
        static double flags(double a, int n) {
          int[] counts = new int[3];
          boolean[] seen = new boolean[3];
          double r = a;
          for (int i = 0; i < n; i++) {
            counts[i % 3]++;
            seen[(int) (Math.abs(r) * 10) % 3] = true;
            r = seen[i % 3] ? r * 0.99 + Math.sin(r) * 0.1 : r + 0.01 * counts[i % 3];
          }
          return r * (seen[2] ? 2 : 1);
        }

        @Differentiable
        static double laterWrites(double a, int n) {
          double r = 0.5;
          double q = a;
          long count = 0;
          boolean odd = false;
          for (int i = 0; i < n; i++) {
            r = r + q * Math.sin(r);
            count += i % 3;
            odd = !odd;
          }
          q = r * r;
          return q + r * count + (odd ? r : 0);
        }

        // A counted loop counting down from a parameter, whose reverse reads its counter: its trip count is
        // computed where the reverse starts (from - j), and its branches on the counter are evaluated again.
        @Differentiable
        static double down(double[] w, double s, int from) {
          double acc = s;
          for (int j = from; j >= 0; j--) {
            if (j % 2 == 0) {
              acc = Math.sin(acc * w[j % w.length]) + w[(j + 1) % w.length];
            } else {
              acc = acc * 0.9 + Math.cos(acc) * w[j % w.length];
            }
          }
          return acc * s;
        }
      }
      """;

  static final Map<String, Function<Random, Object[]>> POINTS = Map.of(
      "euler", r -> new Object[] {uniform(r, 0.5, 2), uniform(r, 0.05, 0.3), 200 + r.nextInt(50)},
      "arrays", r -> new Object[] {vector(r, 3, -1, 1), 20 + r.nextInt(10)},
      "breaks", r -> new Object[] {uniform(r, 0.2, 0.9), vector(r, 4, -0.5, 0.5), 40 + r.nextInt(40)},
      "calls", r -> new Object[] {uniform(r, 0.5, 1.5), vector(r, 2, -1, 1), 60 + r.nextInt(30)},
      "laterWrites", r -> new Object[] {uniform(r, -0.5, 0.5), 30 + r.nextInt(20)},
      "flags", r -> new Object[] {uniform(r, -0.9, 0.9), 30 + r.nextInt(20)},
      "nested", r -> new Object[] {uniform(r, -1, 1), vector(r, 3, -1, 1), 15 + r.nextInt(10)},
      "down", r -> new Object[] {vector(r, 3, -1, 1), uniform(r, -1, 1), 20 + r.nextInt(10)});

  @Test
  void everyLoopOutsideOthersIsWrapped() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", SOURCE);
    String generated = c.generatedSource("demo.FGrad");
    assertTrue(generated.contains("Checkpoints.limit(_doubles, null, null)"), generated);
    assertTrue(generated.contains("while (Checkpoints.next(_checkpoints$1, _pass$1, _trips$1))"), generated);
    // a counted loop whose reverse reads its counter computes its trip count where the reverse starts
    assertTrue(generated.contains("int _reversed$1 = from - j;"), generated);
    // nested's callees record onto its tapes, which its checkpointed loop replays, all four of them
    assertTrue(generated.contains("inner$augment(w, t, 5 + i % 3, _doubles, _ints, _refs)"), generated);
    assertTrue(generated.contains("Checkpoints.limit(_doubles, _ints, _refs)"), generated);
    assertTrue(generated.contains(".inner$skip("), generated);
    for (String name : POINTS.keySet()) {
      int start = generated.indexOf("Gradient " + name + "Vjp(");
      String vjp = generated.substring(start, generated.indexOf("\n  }\n", start));
      assertTrue(vjp.contains("Checkpoints.limit("), vjp);
    }
  }

  @Test
  void checkpointedGradientsAreStoreAllsBitForBitAndMatchDifferences() throws Exception {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", SOURCE);
    for (Map.Entry<String, Function<Random, Object[]>> e : POINTS.entrySet()) {
      String name = e.getKey();
      Random random = new Random(7);
      for (int point = 0; point < 3; point++) {
        Object[] args = e.getValue().apply(random);
        Map<String, Object> storeAll;
        try (AutoCloseable off = Checkpoints.budget(-1)) {
          storeAll = vjp(c, name, args);
        }
        for (long budget : new long[] {0, 40, 300, 2000}) {
          try (AutoCloseable tiny = Checkpoints.budget(budget)) {
            assertBitIdentical(storeAll, vjp(c, name, args), name + " at " + Arrays.deepToString(args) + ", budget "
                + budget);
            // value, mVjp, tape, retained graph backward twice, inputs unchanged, central differences
            GradCheck.of(c, "demo.F", name).at(args);
          }
        }
      }
    }
  }

  @Test
  void aLoopCallingAHelperThatMayHaveEffectsStaysStoreAll() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", """
        package demo;
        import dev.adjoint.Differentiable;
        final class F {
          static int calls;
          static double noisy(double x) { calls++; return x; }
          @Differentiable
          static double f(double x, int n) {
            double s = x;
            for (int i = 0; i < n; i++) {
              double t = noisy(i);
              s = s * 0.9 + t * x;
            }
            return s;
          }
        }
        """);
    assertFalse(c.generatedSource("demo.FGrad").contains("Checkpoints"));
  }

  private static Map<String, Object> vjp(CompiledCompanion c, String name, Object[] args) {
    Object[] withUpstream = Arrays.copyOf(GradCheck.deepCopy(args), args.length + 1);
    withUpstream[args.length] = 1.0;
    return CompiledCompanion.components(c.callStatic("demo.FGrad", name + "Vjp", withUpstream));
  }

  /** Equal bits (Arrays.deepEquals compares doubles by their bits), component by component. */
  private static void assertBitIdentical(Map<String, Object> expected, Map<String, Object> actual, String where) {
    assertEquals(expected.keySet(), actual.keySet(), where);
    Object[] e = expected.values().toArray();
    Object[] a = actual.values().toArray();
    assertTrue(Arrays.deepEquals(e, a), where + ": " + Arrays.deepToString(e) + " vs " + Arrays.deepToString(a));
  }

  /** The acceptance case: 10^7 explicit Euler steps of a 2-state system, gradient in a 64 MiB heap. */
  @Test
  void tenMillionEulerStepsIn64MebibytesBitIdenticalToStoreAll(@TempDir Path dir) throws Exception {
    CompiledCompanion compiled = CompiledCompanion.compile(List.of(JavaFileObjects.forSourceString("demo.Euler", """
        package demo;

        import dev.adjoint.Differentiable;

        public final class Euler {
          @Differentiable
          public static double energy(double[] p, int n) {
            double x = 1, v = 0;
            double h = 1e-6;
            for (int i = 0; i < n; i++) {
              double a = -p[0] * x - p[1] * v;
              double xn = x + h * v;
              v = v + h * a;
              x = xn;
            }
            return x * x + v * v;
          }

          public static void main(String[] args) {
            double[] g = EulerGrad.energyGradient(new double[] {4.0, 0.3}, Integer.parseInt(args[0])).p();
            System.out.println(Double.toHexString(g[0]) + " " + Double.toHexString(g[1]));
          }
        }
        """)), List.of());
    int n = 10_000_000;
    Path classes = compiled.writeClassesTo(dir);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = classes + File.pathSeparator + System.getProperty("java.class.path");
    Process p = new ProcessBuilder(java, "-Xmx64m", "-cp", classpath, "demo.Euler", Integer.toString(n))
        .redirectErrorStream(true).start();
    assertTrue(p.waitFor(2, TimeUnit.MINUTES), "timed out");
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertEquals(0, p.exitValue(), output);
    // Store-all in this JVM's larger heap (160 MB of tape): the same bits.
    double[] storeAll;
    try (AutoCloseable off = Checkpoints.budget(-1)) {
      Object gradient = compiled.callStatic("demo.EulerGrad", "energyGradient", new double[] {4.0, 0.3}, n);
      storeAll = (double[]) CompiledCompanion.components(gradient).get("p");
    }
    assertEquals(Double.toHexString(storeAll[0]) + " " + Double.toHexString(storeAll[1]), output);
    // and both agree with central differences of the original
    for (int k = 0; k < 2; k++) {
      double[] plus = {4.0, 0.3};
      double[] minus = {4.0, 0.3};
      plus[k] += 1e-6;
      minus[k] -= 1e-6;
      double fd = ((double) compiled.callStatic("demo.Euler", "energy", plus, n)
          - (double) compiled.callStatic("demo.Euler", "energy", minus, n)) / 2e-6;
      assertTrue(GradCheck.close(fd, storeAll[k]), "d/dp" + k + ": " + storeAll[k] + " vs differences " + fd);
    }
  }
}
