package dev.adjoint.processor.semantics;

import static dev.adjoint.processor.testing.CompiledCompanion.call;
import static dev.adjoint.processor.testing.CompiledCompanion.components;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.CompiledCompanion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code mForward} copies only the array arguments its tape reads after recording (design.md §2: changing an
 * argument between forward and backward does not change the tape). Whichever it copies, changing every argument
 * after the forward pass leaves value and gradient those of the original arguments; the expected numbers are
 * worked out by hand.
 */
class ForwardCopiesTest {
  static CompiledCompanion c;

  @BeforeAll
  static void compile() {
    c = CompiledCompanion.compile("demo.F", """
        package demo;
        import dev.adjoint.Differentiable;
        import dev.adjoint.NoGrad;
        public final class F {
          // the reverse pass reads neither array: the branch taken is kept, the terms are linear (a loop would
          // read them again: a checkpointed loop replays its iterations from the inputs)
          @Differentiable
          public static double shifted(double[] x, @NoGrad double[] shift) {
            double s = 3 * x[2] + shift[2];
            if (shift[0] > 0) {
              s += 2 * x[0] + shift[1];
            } else {
              s -= x[1];
            }
            return s;
          }
          // the reverse pass reads both: d/dw_i = 2 w_i data_i
          @Differentiable
          public static double weighted(double[] w, @NoGrad double[] data) {
            double s = 0;
            for (int i = 0; i < w.length; i++) {
              s += w[i] * w[i] * data[i];
            }
            return s;
          }
          @Differentiable
          static double total(double[] v, double k) {
            double s = 0;
            for (int i = 0; i < v.length; i++) {
              s += v[i] * k;
            }
            return s;
          }
          // a callee is given the array: its reverse reads it
          @Differentiable
          public static double viaCallee(double[] x, @NoGrad double[] d) {
            return total(d, x[0]) * x[1];
          }
        }
        """);
  }

  static Object st(String name, Object... args) {
    return c.callStatic("demo.FGrad", name, args);
  }

  @Test
  void arraysTheReversePassDoesNotReadAreNotCopiedAndChangingThemChangesNothing() {
    assertTrue(c.generatedSource("demo.FGrad").contains("return new ShiftedTape(x, shift);"),
        c.generatedSource("demo.FGrad"));
    double[] x = {1, 2, 3};
    double[] shift = {1, -1, 2};
    Object tape = st("shiftedForward", x, shift);
    x[0] = 40;
    shift[0] = -5;
    shift[1] = 5;
    shift[2] = 9;
    // 3 * 3 + 2 + (2 * 1 - 1)
    assertEquals(12.0, (Double) call(tape, "value"), 1e-12);
    assertArrayEquals(new double[] {2, 0, 3}, (double[]) components(call(tape, "backward")).get("x"), 1e-12);
  }

  @Test
  void arraysTheReversePassReadsAreCopied() {
    String generated = c.generatedSource("demo.FGrad");
    assertTrue(generated.contains("return new WeightedTape(ArrayAdjoints.copyOf(w), ArrayAdjoints.copyOf(data));"),
        generated);
    assertTrue(generated.contains("return new ViaCalleeTape(ArrayAdjoints.copyOf(x), ArrayAdjoints.copyOf(d));"),
        generated);
    double[] w = {1, -2};
    double[] data = {3, 0.5};
    Object tape = st("weightedForward", w, data);
    w[0] = 10;
    data[1] = 7;
    assertArrayEquals(new double[] {6, -2}, (double[]) components(call(tape, "backward")).get("w"), 1e-12);

    double[] x = {2, 3};
    double[] d = {1, 4};
    Object via = st("viaCalleeForward", x, d);
    x[0] = -1;
    d[1] = 100;
    // total(d, x0) * x1 = 5 x0 x1: gradient (5 x1, 5 x0) = (15, 10)
    assertEquals(30.0, (Double) call(via, "value"), 1e-12);
    assertArrayEquals(new double[] {15, 10}, (double[]) components(call(via, "backward")).get("x"), 1e-12);
  }
}
