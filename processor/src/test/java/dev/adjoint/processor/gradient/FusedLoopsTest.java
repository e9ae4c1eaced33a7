package dev.adjoint.processor.gradient;

import static dev.adjoint.processor.testing.CompiledCompanion.member;

import static dev.adjoint.processor.gradient.ConstructGradientTest.wrap;
import static dev.adjoint.processor.testing.GradCheck.uniform;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code differentiate.FusedLoops}: {@code mVjp} and {@code mValueAndGradient} run the reverse of each iteration
 * of a loop of independent per-element terms right after its forward; a sum used nonlinearly after the loop is
 * fused for a unit adjoint and scaled after ({@code DeferredSeeds}). Gradient-checked against central differences;
 * near misses (an iteration reading an earlier one's value, an array written in the loop, an accumulator read in
 * the loop, a loop not over a whole parameter array when the sum's adjoint comes after it, what follows the loop
 * throwing first) keep the separate sweeps and are checked too.
 */
class FusedLoopsTest {
  private static final String FUSED = "each iteration's reverse right after it";

  private static Method method(CompiledCompanion c, String name) {
    for (Method m : c.load("demo.FGrad").getDeclaredMethods()) {
      if (m.getName().equals(name)) {
        m.setAccessible(true);
        return m;
      }
    }
    throw new AssertionError(name);
  }

  private static Object component(Object record, int k) throws Exception {
    var accessor = record.getClass().getRecordComponents()[k].getAccessor();
    accessor.setAccessible(true);
    return accessor.invoke(record);
  }

  /** {@code mValueAndGradient} returns the original's value and {@code mVjp(1.0)}'s gradient. */
  private static void valueAndGradient(CompiledCompanion c, String name, Object... args) throws Exception {
    Method original = null;
    for (Method m : c.load("demo.F").getDeclaredMethods()) {
      if (m.getName().equals(name)) {
        original = m;
      }
    }
    original.setAccessible(true);
    double expected = (double) original.invoke(null, GradCheck.deepCopy(args));
    Object pair = method(c, name + "ValueAndGradient").invoke(null, GradCheck.deepCopy(args));
    assertEquals(expected, (double) component(pair, 0), name + " value");
    Object[] vjpArgs = java.util.Arrays.copyOf(GradCheck.deepCopy(args), args.length + 1);
    vjpArgs[args.length] = 1.0;
    Object vjp = method(c, name + "Vjp").invoke(null, vjpArgs);
    Object gradient = component(pair, 1);
    for (int k = 0; k < gradient.getClass().getRecordComponents().length; k++) {
      Object g = component(gradient, k);
      Object v = component(vjp, k);
      // the same terms, maybe added in another order (mVjp may keep the separate sweeps): equal to rounding
      double[] expect = v instanceof double[] a ? a : new double[] {(double) v};
      double[] actual = g instanceof double[] a ? a : new double[] {(double) g};
      assertEquals(expect.length, actual.length);
      for (int i = 0; i < expect.length; i++) {
        assertEquals(expect[i], actual[i], 1e-11 * Math.max(1, Math.abs(expect[i])), name + " gradient " + k);
      }
    }
  }

  private static final String QUALIFYING = """
      @Differentiable static double rosenbrock(double[] x) {
        double s = 0;
        for (int i = 0; i + 1 < x.length; i++) {
          double a = x[i + 1] - x[i] * x[i];
          double b = 1 - x[i];
          s += 100 * a * a + b * b;
        }
        return s;
      }
      @Differentiable static double llsq(double[] x, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
          double ti = -1 + i * 2.0 / (n - 1);
          double inner = Math.signum(ti);
          double mul = 1;
          for (int j = 0; j < x.length; j++) {
            inner -= x[j] * mul;
            mul *= ti;
          }
          sum += inner * inner;
        }
        return sum / 2;
      }
      @Differentiable static double shifted(double[] x, double c) {
        double m = x[0] * c;
        double s = 0;
        double t = 1;
        for (int i = 0; i < x.length; i++) {
          double d = x[i] - m;
          if (d > 0) {
            s += Math.exp(-d) * c;
          } else {
            s += d * d;
          }
          t -= Math.sin(d) * x[i];
        }
        return 3 * s - t / 2 + m;
      }
      """;

  @Test
  void sumsOfPerElementTermsRunEachIterationsReverseRightAfterIt() throws Exception {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", wrap(QUALIFYING));
    String generated = c.generatedSource("demo.FGrad");
    // Rosenbrock's mVjp skips the forward loop altogether (ForwardPruning): one loop already; its value and
    // gradient fuse the two loops.
    assertFalse(member(generated, "rosenbrockVjp").contains(FUSED), member(generated, "rosenbrockVjp"));
    String rosenbrock = member(generated, "rosenbrockValueAndGradient");
    assertTrue(rosenbrock.contains(FUSED) && !rosenbrock.contains("recomputed"), rosenbrock);
    String llsq = member(generated, "llsqVjp");
    assertTrue(llsq.contains(FUSED) && !llsq.contains("Checkpoints.of"), llsq);
    assertTrue(member(generated, "shiftedVjp").contains(FUSED), member(generated, "shiftedVjp"));
    // a fused member records no loop: it declares no checkpointing locals the separate sweeps would use
    for (String m : new String[] {"rosenbrockValueAndGradient", "llsqVjp", "llsqValueAndGradient", "shiftedVjp"}) {
      assertFalse(member(generated, m).contains("_checkpoints$") || member(generated, m).contains("_limit$"),
          member(generated, m));
    }
    // nor, in mVjp, the result it does not compute
    assertFalse(llsq.contains("double _result"), llsq);
    assertTrue(member(generated, "llsqValueAndGradient").contains("double _result"));
    GradCheck check = GradCheck.of(c, "demo.F", "rosenbrock");
    for (int n : new int[] {0, 1, 2, 5}) {
      check.atRandomPoints(2, r -> new Object[] {vector(r, n, -1.5, 1.5)});
    }
    GradCheck.of(c, "demo.F", "llsq").atRandomPoints(3, r -> new Object[] {vector(r, 4, -1.5, 1.5), 7});
    GradCheck.of(c, "demo.F", "llsq").atRandomPoints(1, r -> new Object[] {vector(r, 3, -1.5, 1.5), 0});
    GradCheck.of(c, "demo.F", "shifted").atRandomPoints(4,
        r -> new Object[] {vector(r, 5, -1.5, 1.5), uniform(r, -1, 1)});
    Random r = new Random(3);
    for (int n : new int[] {0, 1, 2, 6}) {
      valueAndGradient(c, "rosenbrock", (Object) vector(r, n, -1.5, 1.5));
    }
    valueAndGradient(c, "llsq", vector(r, 4, -1, 1), 9);
    valueAndGradient(c, "shifted", vector(r, 5, -1, 1), 0.7);
  }

  @Test
  void nearMissesKeepTheSeparateSweeps() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", wrap("""
        @Differentiable static double previous(double[] x) {
          double s = 0;
          double p = 0;
          for (int i = 0; i < x.length; i++) {
            s += p * x[i];
            p = x[i] * x[i];
          }
          return s;
        }
        @Differentiable static double nonlinearAfter(double[] x) {
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            s += x[i] * x[i];
          }
          return Math.log(1 + s);
        }
        @Differentiable static double arrayWritten(double[] x) {
          double[] y = new double[x.length];
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            y[i] = x[i] * x[i];
            s += y[i] * x[i];
          }
          return s + y[0];
        }
        @Differentiable static double readInLoop(double[] x) {
          double s = 1;
          for (int i = 0; i < x.length; i++) {
            s += s * x[i];
          }
          return s;
        }
        @Differentiable static double product(double[] x) {
          double s = 1;
          for (int i = 0; i < x.length; i++) {
            s *= Math.cos(x[i]);
          }
          return 2 * s;
        }
        @Differentiable static double localReadAfter(double[] x) {
          double s = 0;
          double d = 0;
          for (int i = 0; i < x.length; i++) {
            d = x[i] * 3;
            s += d * d;
          }
          return s + d;
        }
        @Differentiable static double rows(double[][] m) {
          double s = 0;
          for (int i = 0; i < m.length; i++) {
            double[] row = {m[i][0] * 2, m[i][1]};
            s += row[0] * row[1];
          }
          return s;
        }
        """));
    String generated = c.generatedSource("demo.FGrad");
    assertFalse(member(generated, "rowsVjp").contains(FUSED));
    // a local array in the loop (its adjoint is reset by a runtime call): not fused
    GradCheck.of(c, "demo.F", "rows").atRandomPoints(3, r -> new Object[] {GradCheck.matrix(r, 3, 2, -1, 1)});
    // the sum used nonlinearly after the loop: fused for a unit adjoint, scaled after (DeferredSeeds)
    assertTrue(member(generated, "nonlinearAfterVjp").contains("_scale$x"), member(generated, "nonlinearAfterVjp"));
    GradCheck.of(c, "demo.F", "nonlinearAfter").atRandomPoints(3, r -> new Object[] {vector(r, 4, -1, 1)});
    for (String m : new String[] {"previous", "arrayWritten", "readInLoop", "product", "localReadAfter"}) {
      assertFalse(member(generated, m + "Vjp").contains(FUSED), m + ":\n" + member(generated, m + "Vjp"));
      assertFalse(member(generated, m + "ValueAndGradient").contains(FUSED), m);
      GradCheck.of(c, "demo.F", m).atRandomPoints(3, r -> new Object[] {vector(r, 4, -1, 1)});
    }
  }

  @Test
  void anExceptionMidLoopLeavesNothingBehind() throws Exception {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", wrap("""
        @Differentiable static double sumTo(double[] x, int n, double c) {
          double s = 0;
          for (int i = 0; i < n; i++) {
            double d = x[i] * c;
            s += d * d;
          }
          return 2 * s;
        }
        """));
    String generated = c.generatedSource("demo.FGrad");
    // x[i] may leave the array: ForwardPruning keeps the forward loop, and the loop fuses
    assertTrue(member(generated, "sumToVjp").contains(FUSED), member(generated, "sumToVjp"));
    assertTrue(member(generated, "sumToValueAndGradient").contains(FUSED));
    GradCheck.of(c, "demo.F", "sumTo").atRandomPoints(3, r -> new Object[] {vector(r, 4, -1, 1), 3, uniform(r, -1, 1)});
    valueAndGradient(c, "sumTo", new double[] {0.5, -0.25, 2}, 3, 0.75);
    // n past the end: the original throws in its third iteration, and so do the fused members, as the tape does,
    // and the argument is not changed
    double[] x = {0.5, -0.25};
    double[] before = x.clone();
    Method original = c.load("demo.F").getDeclaredMethod("sumTo", double[].class, int.class, double.class);
    original.setAccessible(true);
    for (Method m : new Method[] {original, method(c, "sumToVjp"), method(c, "sumToValueAndGradient"),
        method(c, "sumToGradient"), method(c, "sumToForward")}) {
      Object[] args = m.getParameterCount() == 4 ? new Object[] {x, 3, 0.5, 1.0} : new Object[] {x, 3, 0.5};
      InvocationTargetException e = assertThrows(InvocationTargetException.class, () -> m.invoke(null, args));
      assertTrue(e.getCause() instanceof ArrayIndexOutOfBoundsException, m.getName() + ": " + e.getCause());
      assertArrayEquals(before, x, m.getName());
    }
    // and the next call is unaffected
    valueAndGradient(c, "sumTo", x, 2, 0.5);
  }

  @Test
  void whatFollowsTheLoopRunsFirstOnlyIfItCannotThrowFirst() throws Exception {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", wrap("""
        @Differentiable static double mean(double[] x) {
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            s += Math.sin(x[i]) * x[i];
          }
          return s / x.length;
        }
        @Differentiable static double otherLength(double[] x, int n, double[] y) {
          double s = 0;
          for (int i = 0; i < n; i++) {
            s += x[i] * x[i];
          }
          return s / y.length;
        }
        @Differentiable static double element(double[] x, int n, double[] w) {
          double s = 0;
          for (int i = 0; i < n; i++) {
            s += x[i] * x[i];
          }
          return s * w[2];
        }
        @Differentiable static double intDivision(double[] x, int n, int k) {
          double s = 0;
          for (int i = 0; i < n; i++) {
            s += x[i] * x[i];
          }
          return s * (4 / k);
        }
        """));
    String generated = c.generatedSource("demo.FGrad");
    // x.length: the loop condition reads it right after, and would throw the same
    assertTrue(member(generated, "meanValueAndGradient").contains(FUSED), member(generated, "meanValueAndGradient"));
    for (String m : new String[] {"otherLength", "element", "intDivision"}) {
      assertFalse(member(generated, m + "Vjp").contains(FUSED), member(generated, m + "Vjp"));
      assertFalse(member(generated, m + "ValueAndGradient").contains(FUSED));
    }
    GradCheck.of(c, "demo.F", "mean").atRandomPoints(3, r -> new Object[] {vector(r, 4, -1, 1)});
    valueAndGradient(c, "mean", (Object) new double[] {0.5, -1, 2});
    GradCheck.of(c, "demo.F", "otherLength").atRandomPoints(2, r -> new Object[] {vector(r, 4, -1, 1), 3,
        vector(r, 2, -1, 1)});
    GradCheck.of(c, "demo.F", "element").atRandomPoints(2, r -> new Object[] {vector(r, 4, -1, 1), 3,
        vector(r, 3, -1, 1)});
    GradCheck.of(c, "demo.F", "intDivision").atRandomPoints(2, r -> new Object[] {vector(r, 4, -1, 1), 3, 3});
    // the loop leaves x first: every member throws what the original throws
    Object[][] cases = {{"otherLength", new Object[] {new double[] {1}, 2, null}},
        {"element", new Object[] {new double[] {1}, 2, new double[] {1}}},
        {"intDivision", new Object[] {new double[] {1}, 2, 0}}};
    for (Object[] k : cases) {
      String name = (String) k[0];
      Object[] args = (Object[]) k[1];
      for (String m : new String[] {name + "Vjp", name + "ValueAndGradient", name + "Gradient"}) {
        Method member = method(c, m);
        Object[] call = member.getParameterCount() > args.length ? java.util.Arrays.copyOf(args, args.length + 1)
            : args.clone();
        if (call.length > args.length) {
          call[args.length] = 1.0;
        }
        InvocationTargetException e = assertThrows(InvocationTargetException.class, () -> member.invoke(null, call));
        assertTrue(e.getCause() instanceof ArrayIndexOutOfBoundsException, m + ": " + e.getCause());
      }
    }
  }

  @Test
  void aSumUsedNonlinearlyAfterTheLoopRunsForAUnitAdjointAndIsScaledAfter() throws Exception {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", wrap("""
        @Differentiable static double lse(double[] x) {
          double a = x[0];
          for (int i = 1; i < x.length; i++) {
            a = Math.max(a, x[i]);
          }
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            s += Math.exp(x[i] - a);
          }
          return Math.log(s) + a;
        }
        @Differentiable static double norm(double[] x, double c) {
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            double e = x[i] * c;
            if (e > 0) {
              s += e * e;
            } else {
              s -= e * c;
            }
          }
          return Math.sqrt(s + 1) * c;
        }
        @Differentiable static double bound(double[] x, int n) {
          double s = 0;
          for (int i = 0; i < n; i++) {
            s += x[i] * x[i];
          }
          return Math.log(s + 1);
        }
        @Differentiable static double fromOne(double[] x) {
          double s = 0;
          for (int i = 1; i < x.length; i++) {
            s += x[i] * x[i];
          }
          return Math.log(s + 1);
        }
        @Differentiable static double mirrored(double[] x) {
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            s += x[i] * x[x.length - 1 - i];
          }
          return Math.log(s + 2);
        }
        @Differentiable static double elementAfter(double[] x) {
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            s += x[i] * x[i];
          }
          return Math.log(s + 1) * x[0];
        }
        @Differentiable static double twoSums(double[] x) {
          double s = 0;
          double t = 0;
          for (int i = 0; i < x.length; i++) {
            s += x[i] * x[i];
            t += Math.cos(x[i]);
          }
          return Math.log(s + 1) * t;
        }
        """));
    String generated = c.generatedSource("demo.FGrad");
    for (String m : new String[] {"lseVjp", "lseValueAndGradient", "normVjp", "normValueAndGradient"}) {
      assertTrue(member(generated, m).contains(FUSED) && member(generated, m).contains("_scale$x"),
          member(generated, m));
    }
    // one exp per element: the fused iteration's forward reads the value its reverse binds (SharedValues)
    String lseVjp = member(generated, "lseVjp");
    assertEquals(1, lseVjp.lines().filter(l -> !l.trim().startsWith("//") && l.contains("Math.exp(")).count(),
        lseVjp);
    for (String m : new String[] {"bound", "fromOne", "mirrored", "elementAfter", "twoSums"}) {
      assertFalse(member(generated, m + "Vjp").contains(FUSED), member(generated, m + "Vjp"));
      assertFalse(member(generated, m + "ValueAndGradient").contains(FUSED), m);
    }
    GradCheck lse = GradCheck.of(c, "demo.F", "lse");
    for (int n : new int[] {1, 2, 5}) {
      lse.atRandomPoints(2, r -> new Object[] {vector(r, n, -2, 2)});
    }
    GradCheck norm = GradCheck.of(c, "demo.F", "norm");
    for (int n : new int[] {0, 1, 4}) {
      norm.atRandomPoints(3, r -> new Object[] {vector(r, n, -1, 1), uniform(r, 0.2, 1.5)});
    }
    GradCheck.of(c, "demo.F", "bound").atRandomPoints(2, r -> new Object[] {vector(r, 4, -1, 1), 3});
    for (String m : new String[] {"fromOne", "mirrored", "elementAfter", "twoSums"}) {
      GradCheck.of(c, "demo.F", m).atRandomPoints(2, r -> new Object[] {vector(r, 4, -1, 1)});
    }
    Random r = new Random(5);
    valueAndGradient(c, "lse", (Object) vector(r, 6, -2, 2));
    valueAndGradient(c, "norm", vector(r, 5, -1, 1), 0.8);
    valueAndGradient(c, "norm", new double[0], 0.8);
  }
}
