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
 * allocates no object (no tape object, no {@code Checkpoints}, no gradient record), and its share of the caller's
 * tapes is recorded into the chunks the thread's previous gradient released.
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
  void aCallAllocatesNothingOnceTheThreadHasTapeChunks() throws Throwable {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", SOURCE);
    Method gradient = CompiledCompanion.method(c.load("demo.FGrad"), "fGradient");
    // deep recursion: on a thread with a stack for it, which measures its own allocation
    long perCall = deep(() -> perCall(gradient));
    // Per call (measured: 0 bytes, JDK 17): mGradient releases its tapes when its reverse is done and the next
    // gradient on the thread records into their chunks (runtime TapeChunks), so the tape space of a call's
    // recording is allocated once per thread, not per gradient (73 bytes per call before; with a tape object per
    // call and a gradient record per call's reverse, before the static m$augment/m$reverse, 200 bytes).
    assertTrue(perCall <= BOUND, perCall + " bytes per call, bound " + BOUND);
  }

  @Test
  void aGradientRecordedIntoThePreviousOnesChunksIsTheSame() throws Exception {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", SOURCE);
    Method gradient = CompiledCompanion.method(c.load("demo.FGrad"), "fGradient");
    // on one thread, past the first chunk of the tapes: each gradient records over the previous one's values
    double[][] gradients = deep(() -> new double[][] {components(gradient.invoke(null, 0.3, 1500)),
        components(gradient.invoke(null, -0.7, 1200)), components(gradient.invoke(null, 0.3, 1500))});
    org.junit.jupiter.api.Assertions.assertArrayEquals(gradients[0], gradients[2]);
  }

  /** Runs {@code body} on a thread with a stack for deep recursion (and its own allocation count). */
  private static <T> T deep(java.util.concurrent.Callable<T> body) throws Exception {
    Object[] out = new Object[1];
    Throwable[] failed = new Throwable[1];
    Thread t = new Thread(null, () -> {
      try {
        out[0] = body.call();
      } catch (Throwable e) {
        failed[0] = e;
      }
    }, "deep", 256L << 20);
    t.start();
    t.join();
    if (failed[0] != null) {
      throw new AssertionError(failed[0]);
    }
    @SuppressWarnings("unchecked")
    T value = (T) out[0];
    return value;
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

  private static final long BOUND = 2;
}
