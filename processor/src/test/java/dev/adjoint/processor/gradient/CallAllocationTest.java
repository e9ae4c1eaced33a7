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
 * a recursive method whose every call runs a loop that records, so each call starts a checkpointed loop. A loop that
 * stays within its budget must allocate nothing for checkpointing (no {@code Checkpoints} per call).
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

  /** Calls per gradient: f(x, DEPTH) calls itself DEPTH times. */
  private static final int DEPTH = 200;

  @Test
  void gradientMatchesDifferences() {
    GradCheck.of(SOURCE, "f").atRandomPoints(5, r -> new Object[] {uniform(r, -1, 1), r.nextInt(6)});
  }

  @Test
  void aCallAllocatesItsTapeObjectAndTapeSpaceOnly() throws Exception {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", SOURCE);
    Method gradient = CompiledCompanion.method(c.load("demo.FGrad"), "fGradient");
    Object[] args = {0.3, DEPTH};
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    for (int i = 0; i < 3000; i++) {
      gradient.invoke(null, args); // warm-up: compiled, escape analysis done
    }
    int gradients = 2000;
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < gradients; i++) {
      gradient.invoke(null, args);
    }
    long perCall = (threads.getCurrentThreadAllocatedBytes() - before) / ((long) gradients * DEPTH);
    // Per call today (measured: 251 bytes, JDK 17): the callee's tape object with this method's end state and its
    // share of the tapes' arrays (three doubles, ints, the reference on the calls tape, growth copies). A
    // Checkpoints object per call, as before, made it 331 bytes.
    assertTrue(perCall <= BOUND, perCall + " bytes per call, bound " + BOUND);
  }

  private static final long BOUND = 290;
}
