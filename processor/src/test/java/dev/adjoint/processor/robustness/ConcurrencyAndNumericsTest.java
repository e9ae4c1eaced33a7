package dev.adjoint.processor.robustness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.CompiledCompanion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Companions are safe to call from many threads, and NaN and infinity flow through as PyTorch's do. */
class ConcurrencyAndNumericsTest {
  private static final CompiledCompanion COMPILED = CompiledCompanion.compile("demo.N", """
      package demo;

      import dev.adjoint.Differentiable;

      public final class N {
        @Differentiable
        public static double loss(double[] x, int steps) {
          double s = 0;
          double[] y = new double[x.length];
          for (int k = 0; k < steps; k++) {
            for (int i = 0; i < x.length; i++) {
              y[i] = Math.tanh(y[i] + x[i] * Math.sin(k + i));
              s += y[i] * y[i];
            }
          }
          return s;
        }

        @Differentiable
        public static double logOf(double x) {
          return Math.log(x) * 2;
        }

        @Differentiable
        public static double root(double x) {
          return Math.sqrt(x);
        }
      }
      """);

  private static double[] gradient(double[] x) {
    Object g = COMPILED.callStatic("demo.NGrad", "lossGradient", x, 25);
    return (double[]) CompiledCompanion.components(g).get("x");
  }

  @Test
  void eightThreadsGiveBitForBitTheSingleThreadedGradients() throws Exception {
    List<double[]> inputs = new ArrayList<>();
    List<double[]> expected = new ArrayList<>();
    java.util.Random random = new java.util.Random(42);
    for (int n = 0; n < 16; n++) {
      double[] x = new double[50];
      for (int i = 0; i < x.length; i++) {
        x[i] = random.nextGaussian();
      }
      inputs.add(x);
      expected.add(gradient(x));
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        results.add(pool.submit(() -> {
          for (int repeat = 0; repeat < 20; repeat++) {
            for (int n = 0; n < inputs.size(); n++) {
              assertArrayEquals(expected.get(n), gradient(inputs.get(n)));
            }
          }
          return true;
        }));
      }
      for (Future<Boolean> r : results) {
        assertTrue(r.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void nanAndInfinityPropagateWithoutExceptions() {
    Map<String, Object> atZero = CompiledCompanion.components(COMPILED.callStatic("demo.NGrad", "logOfGradient", 0.0));
    assertEquals(Double.POSITIVE_INFINITY, (double) atZero.get("x"), "d/dx 2 log x at 0 is +inf");
    Map<String, Object> negative = CompiledCompanion.components(
        COMPILED.callStatic("demo.NGrad", "logOfGradient", -1.0));
    assertEquals(-2.0, (double) negative.get("x"), "PyTorch's log backward is g / x even where log is NaN");
    Map<String, Object> nan = CompiledCompanion.components(
        COMPILED.callStatic("demo.NGrad", "rootGradient", Double.NaN));
    assertTrue(Double.isNaN((double) nan.get("x")));
    Map<String, Object> root0 = CompiledCompanion.components(COMPILED.callStatic("demo.NGrad", "rootGradient", 0.0));
    assertEquals(Double.POSITIVE_INFINITY, (double) root0.get("x"), "sqrt'(0) = +inf");
  }
}
