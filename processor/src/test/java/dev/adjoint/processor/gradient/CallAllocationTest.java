package dev.adjoint.processor.gradient;

import static dev.adjoint.processor.gradient.ConstructGradientTest.wrap;
import static dev.adjoint.processor.testing.GradCheck.uniform;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

/**
 * What a call between differentiated methods allocates, measured exactly (allocated bytes of this thread, not time):
 * a recursive method whose every call runs a loop that records, so each call starts a checkpointed loop. A call
 * allocates no object (no tape object, no {@code Checkpoints}, no gradient record): only its share of the caller's
 * tapes.
 */
class CallAllocationTest {
  private static final String SOURCE = wrap("""
      @Differentiable static double f(double x, int n) {
        if (n == 0) {
          return x;
        }
        double s = 0;
        for (int i = 0; i < 3; i++) {
          s += Math.sin(x * i + s);
        }
        return s * f(x * 0.75, n - 1);
      }
      """);

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  @Test
  void gradientMatchesDifferences() {
    GradCheck.of(SOURCE, "f").atRandomPoints(5, r -> new Object[] {uniform(r, -1, 1), r.nextInt(6)});
  }

  @Test
  void aCallAllocatesTapeSpaceOnly() throws Throwable {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", SOURCE);
    Method gradient = CompiledCompanion.method(c.load("demo.FGrad"), "fGradient");
    long[] perCall = new long[1];
    Throwable[] failed = new Throwable[1];
    // deep recursion: on a thread with a stack for it, which measures its own allocation
    Thread t = new Thread(null, () -> {
      try {
        perCall[0] = perCall(gradient);
      } catch (Throwable e) {
        failed[0] = e;
      }
    }, "deep", 256L << 20);
    t.start();
    t.join();
    if (failed[0] != null) {
      throw failed[0];
    }
    // Per call (measured: 73 bytes, JDK 17, while x and n were pushed too), the tape space of its recording:
    // doubles (the loop's three saved sums, s, the result), ints (the loop's trip count, two branches, the lengths
    // of the call's stretches) and one reference (the loop's checkpoints, null); x and n, which f never assigns,
    // its caller passes again to m$reverse. With a tape object per call and a gradient record per call's
    // reverse, before the static m$augment/m$reverse, it was 200 bytes.
    assertTrue(perCall[0] <= BOUND, perCall[0] + " bytes per call, bound " + BOUND);
  }

  @Test
  void repeatedGradientsRecordIntoTheChunksOfThePreviousOne() throws Throwable {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", SOURCE);
    Method gradient = CompiledCompanion.method(c.load("demo.FGrad"), "fGradient");
    long[] perCall = new long[1];
    double[][] gradients = new double[2][];
    Throwable[] failed = new Throwable[1];
    Thread t = new Thread(null, () -> {
      try {
        gradients[0] = components(gradient.invoke(null, 0.3, 1500));
        perCall[0] = perCall(gradient);
        gradients[1] = components(gradient.invoke(null, 0.3, 1500));
      } catch (Throwable e) {
        failed[0] = e;
      }
    }, "deep", 256L << 20);
    t.start();
    t.join();
    if (failed[0] != null) {
      throw failed[0];
    }
    // mGradient releases its tapes when the reverse is done and the next gradient on the thread records into
    // their chunks (runtime TapeChunks): what grows with the depth is no allocation at all (measured: 0 bytes,
    // JDK 17; 73 bytes per call when every gradient allocated its tapes anew). Reused chunks hold the previous
    // gradient's values: the same gradient again, bit for bit.
    assertTrue(perCall[0] <= 2, perCall[0] + " bytes per call");
    org.junit.jupiter.api.Assertions.assertArrayEquals(gradients[0], gradients[1]);
  }

  /** The gradient record's one component, {@code x()}. */
  private static double[] components(Object record) throws Exception {
    Method x = record.getClass().getMethod("x");
    x.setAccessible(true);
    return new double[] {(double) x.invoke(record)};
  }

  /**
   * The difference between two depths, both past the tapes' first chunk (4096 values), per extra call: the
   * per-gradient constants (fresh tapes, their first chunk's growth) cancel.
   */
  private static long perCall(Method gradient) throws Exception {
    int shallow = 1000;
    int deep = 2000;
    for (int i = 0; i < 300; i++) {
      gradient.invoke(null, 0.3, shallow); // warm-up: compiled, escape analysis done
      gradient.invoke(null, 0.3, deep);
    }
    int gradients = 200;
    return (bytes(gradient, shallow, deep, gradients) - bytes(gradient, shallow, shallow, gradients))
        / ((long) gradients * (deep - shallow));
  }

  @Test
  void aRetainedGraphsReverseAllocatesNothingPerCall() throws Exception {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", SOURCE);
    Class<?> companion = c.load("demo.FGrad");
    int depth = 400;
    Object tape = CompiledCompanion.method(companion, "fForward").invoke(null, 0.3, depth);
    Method backward = tape.getClass().getMethod("backward", double.class, boolean.class);
    backward.setAccessible(true);
    for (int i = 0; i < 3000; i++) {
      backward.invoke(tape, 1.0, true);
    }
    int passes = 2000;
    long before = THREADS.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < passes; i++) {
      backward.invoke(tape, 1.0, true);
    }
    long perPass = (THREADS.getCurrentThreadAllocatedBytes() - before) / passes;
    // The callees' reverses return x's adjoint in the caller's tape's registers: what a reverse pass allocates
    // is its own result (measured: 72 bytes, JDK 17), nothing per call (a gradient record per call before:
    // 9,672 bytes).
    assertTrue(perPass < depth, perPass + " bytes per reverse pass of " + depth + " calls");
  }

  private static long bytes(Method gradient, int a, int b, int gradients) throws Exception {
    long before = THREADS.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < gradients; i++) {
      gradient.invoke(null, 0.3, a);
      gradient.invoke(null, 0.3, b);
    }
    return THREADS.getCurrentThreadAllocatedBytes() - before;
  }

  private static final long BOUND = 100;
}
