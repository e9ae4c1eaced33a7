package dev.adjoint.processor.gradient;

import static dev.adjoint.processor.gradient.ConstructGradientTest.wrap;
import static dev.adjoint.processor.testing.GradCheck.uniform;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tiny pure scalar callees ({@code differentiate.Recomputable}): the caller calls the original in its forward
 * sweep and the callee's {@code m$pullback} on the restored arguments in its reverse sweep, with no tape per call.
 * Each shape is gradient-checked against central differences, and the generated caller is checked to take that
 * path (so a check that passes by keeping tapes cannot hide a broken recomputation).
 */
class RecomputedCalleeTest {
  private static final String CALLEES = """
      @Differentiable static double sig(double x) {
        return 1 / (1 + Math.exp(-x));
      }
      @Differentiable static double softplus(double x, int k) {
        double y = x;
        if (k > 1) {
          y = x * k;
        }
        return Math.log1p(Math.exp(y)) / Math.max(k, 1);
      }
      @Differentiable static double blend(double a, double b, boolean first) {
        return first ? a * Math.sin(b) : b * b - a;
      }
      """;

  private static String callerSource(String caller) {
    return wrap(CALLEES + caller);
  }

  /**
   * {@code generated} without its {@code mHvp} members: the Hessian-vector product differentiates the tangent
   * program, where a callee's value and tangent come from its tape (its reverse mode is not what is tested here).
   */
  static String withoutHvp(String generated) {
    return generated.replaceAll("(?s)\\n  (public )?static \\w+ \\w+Hvp\\(.*?\\n  }\\n", "\n");
  }

  private static void assertRecomputed(CompiledCompanion c, String... callees) {
    String generated = withoutHvp(c.generatedSource("demo.FGrad"));
    for (String callee : callees) {
      // Calls are qualified (FGrad.sig$pullback(...)); the companion's own declarations are not. A call whose
      // result a variable holds reads it through sig$atResult (HeldResultsTest): no tape either.
      assertTrue(generated.contains("." + callee + "$pullback(") || generated.contains("." + callee + "$atResult("),
          callee + " is recomputed:\n" + generated);
      assertFalse(generated.contains("." + callee + "$augment("), callee + " keeps no tape:\n" + generated);
    }
  }

  @Test
  void loopCarriedStateThroughTinyCallees() {
    // h is overwritten every iteration: the reverse must recompute each call on h's restored value.
    String source = callerSource("""
        @Differentiable static double f(double[] w0, double h0) {
          double[] w = w0.clone();
          double h = h0;
          double s = 0;
          for (int i = 0; i < w.length; i++) {
            h = sig(h * w[i] + 0.1 * i);
            s += softplus(h - w[i], i % 3) * sig(s);
            w[i] = h;
          }
          return s + h * sig(h);
        }
        """);
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    assertRecomputed(c, "sig", "softplus");
    GradCheck.of(c, "demo.F", "f").atRandomPoints(6, r -> new Object[] {vector(r, 5, -1.5, 1.5), uniform(r, -1, 1)});
  }

  @Test
  void nestedRepeatedAndConditionalCalls() {
    // sig(sig(x)): the inner call's value is the outer's argument; f(x) * f(x) and calls in ?: branches.
    String source = callerSource("""
        @Differentiable static double f(double x, double y, double[] v0) {
          double[] v = v0.clone();
          double a = sig(sig(x) * y);
          double b = sig(a) * sig(a);
          double c = x > 0 ? blend(x, y, true) : blend(y, x, v.length > 2);
          for (int i = 0; i < v.length; i++) {
            v[i] = i % 2 == 0 ? sig(v[i] * a) : blend(v[i], c, false);
            c = c * 0.5 + v[i];
          }
          return a + b + c * v[0];
        }
        """);
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    assertRecomputed(c, "sig", "blend");
    GradCheck.of(c, "demo.F", "f").atRandomPoints(8,
        r -> new Object[] {uniform(r, -1, 1), uniform(r, -1, 1), vector(r, 4, -1, 1)});
  }

  @Test
  void calleesThatAreNotTinyKeepTheirTape() {
    // A loop, an array parameter or a call of another differentiated method: the tape is kept.
    String source = wrap(CALLEES + """
        @Differentiable static double loops(double x) {
          double s = 0;
          for (int i = 0; i < 3; i++) {
            s += Math.sin(s + x);
          }
          return s;
        }
        @Differentiable static double calls(double x) {
          return sig(x) * x;
        }
        @Differentiable static double f(double x) {
          return loops(x) * calls(x) + sig(x);
        }
        """);
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    String generated = withoutHvp(c.generatedSource("demo.FGrad"));
    assertTrue(generated.contains(".loops$augment(") && generated.contains(".calls$augment("), generated);
    assertFalse(generated.contains("loops$pullback") || generated.contains("calls$pullback"), generated);
    assertRecomputed(c, "sig");
    GradCheck.of(c, "demo.F", "f").atRandomPoints(6, r -> new Object[] {uniform(r, -2, 2)});
  }

  @Test
  void calleeCompiledEarlierIsRecomputedFromItsCompanion(@TempDir Path dir) {
    CompiledCompanion lib = CompiledCompanion.compile(List.of(JavaFileObjects.forSourceString("lib.Act", """
        package lib;
        import dev.adjoint.Differentiable;
        public final class Act {
          @Differentiable public static double swish(double x) {
            return x / (1 + Math.exp(-x));
          }
        }
        """)), List.of());
    assertTrue(lib.generatedSource("lib.ActGrad").contains("swish$pullback("));
    lib.writeClassesTo(dir);
    CompiledCompanion c = CompiledCompanion.compile(List.of(JavaFileObjects.forSourceString("demo.F", """
        package demo;
        import dev.adjoint.Differentiable;
        final class F {
          @Differentiable static double f(double[] x) {
            double s = 0;
            for (int i = 0; i < x.length; i++) {
              s = lib.Act.swish(s + x[i]);
            }
            return s;
          }
        }
        """)), List.of(dir.toFile())).withClassesFrom(lib);
    String generated = withoutHvp(c.generatedSource("demo.FGrad"));
    assertTrue(generated.contains(".swish$pullback(") && !generated.contains(".swish$augment("), generated);
    GradCheck.of(c, "demo.F", "f").atRandomPoints(5, r -> new Object[] {vector(r, 4, -1, 1)});
  }

  /**
   * A loop of 20,000 tiny calls allocates no more than the same loop with the callee's body written inline
   * (the tapes of saved values are the same; a tape object per call would add about 600 KB).
   */
  @Test
  void tinyCallsAllocateNothingPerCall() throws Exception {
    String source = callerSource("""
        @Differentiable static double called(double[] w) {
          double h = 0;
          for (int i = 0; i < w.length; i++) {
            h = sig(h + w[i]);
          }
          return h;
        }
        @Differentiable static double inline(double[] w) {
          double h = 0;
          for (int i = 0; i < w.length; i++) {
            h = 1 / (1 + Math.exp(-(h + w[i])));
          }
          return h;
        }
        """);
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    Class<?> companion = c.load("demo.FGrad");
    double[] w = vector(new java.util.Random(7), 20_000, -1, 1);
    long called = Long.MAX_VALUE;
    long inline = 0;
    // Under a loaded machine the JIT may not have compiled both gradients after one batch of rounds;
    // measure again (at most 8 batches) before calling it a per-call allocation.
    for (int batch = 0; batch < 8 && called > inline + inline / 10 + 4096; batch++) {
      called = allocatedPerCall(CompiledCompanion.method(companion, "calledGradient"), w);
      inline = allocatedPerCall(CompiledCompanion.method(companion, "inlineGradient"), w);
    }
    assertTrue(called <= inline + inline / 10 + 4096,
        "a tiny call allocates per call: " + called + " bytes per gradient against " + inline + " inline");
  }

  /** The fewest bytes one call allocated, over repetitions after a warm-up that lets the JIT compile it. */
  private static long allocatedPerCall(Method gradient, double[] w) throws Exception {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    long best = Long.MAX_VALUE;
    for (int round = 0; round < 400; round++) {
      long before = threads.getThreadAllocatedBytes(id);
      gradient.invoke(null, (Object) w);
      long after = threads.getThreadAllocatedBytes(id);
      best = Math.min(best, after - before);
    }
    return best;
  }
}
