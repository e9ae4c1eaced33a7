package dev.adjoint.processor.emit;

import static dev.adjoint.processor.testing.CompiledCompanion.call;
import static dev.adjoint.processor.testing.CompiledCompanion.components;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.CompiledCompanion;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code mVjp} and the tape's {@code reverse$} run one copy of the reverse sweep, the companion's static
 * {@code m$sweep}, each from its own forward sweep's end state (the tape's recorded by {@code m$augment} and popped
 * by {@code m$reverse}); both give the gradient worked out by hand,
 * a retained tape gives it twice, and a parameter named like the tape class does not hide the sweep.
 */
class SharedSweepTest {
  static CompiledCompanion c;

  @BeforeAll
  static void compile() {
    c = CompiledCompanion.compile("demo.F", """
        package demo;
        import dev.adjoint.Differentiable;
        public final class F {
          // x^n by an overwritten scalar: the reverse sweep pops the tape
          @Differentiable
          public static double power(double x, int n) {
            double p = 1;
            int t = 0;
            while (t < n) {
              p = p * x;
              t++;
            }
            return p;
          }
          // a parameter named like the tape class, GTape
          @Differentiable
          public static double g(double x, double GTape) {
            return x * GTape * GTape;
          }
        }
        """);
  }

  static Object st(String name, Object... args) {
    return c.callStatic("demo.FGrad", name, args);
  }

  @Test
  void vjpAndTheTapeCallTheOneReverseSweep() {
    String generated = c.generatedSource("demo.FGrad");
    // one reverse sweep per method in reverse mode (fHvp's sweep has its own comment)
    Matcher sweeps = Pattern.compile("(?m)^\\s*// reverse sweep$").matcher(generated);
    int count = 0;
    while (sweeps.find()) {
      count++;
    }
    assertEquals(2, count, generated);
    assertTrue(generated.contains("private static PowerGradient power$sweep("), generated);
    // the end state the sweep reads: not the result; then the tapes go back to the thread's pool
    String flat = generated.replaceAll("\\s+", " ");
    assertTrue(flat.contains("PowerGradient _gradient$ = power$sweep(x, n, p, t, _trips$1, _checkpoints$1, _saved$1,"
        + " _doubles, upstream, null); // nothing reads the tapes again: their chunks go to this thread's next gradient"
        + " (TapeChunks) _doubles.release(); return _gradient$;"), generated);
    // the tape records through power$augment and reverses through power$reverse, which pops the end state; the
    // parameters, which power never assigns, the tape keeps and passes again (as a split-mode caller does)
    assertTrue(generated.contains("this.state$_result = power$augment(x, n, this._doubles, this._ints, this._refs);"),
        generated);
    assertTrue(generated.replaceAll("\\s+", " ").contains("return power$reverse(upstream, this.arg$x, this.arg$n,"
        + " this._doubles, this._ints, this._refs,"), generated);
    assertTrue(generated.contains("PowerGradient gradient$ = power$sweep(arg$x, arg$n, p, t, _trips$1,"
        + " _checkpoints$1,"), generated);
    // gVjp runs the recompute pullback, whose forward sweep is the one it would have written
    assertTrue(generated.contains("return g$pullback(x, GTape, upstream, null);"), generated);
    assertTrue(generated.contains("return g$sweep(x, GTape, upstream, adjoints$);"), generated);
  }

  @Test
  void bothPathsGiveTheGradient() {
    // d/dx x^3 = 3 x^2 = 6.75 at 1.5, times upstream 2
    assertEquals(13.5, (Double) components(st("powerVjp", 1.5, 3, 2.0)).get("x"), 1e-12);
    Object tape = st("powerForward", 1.5, 3);
    assertEquals(3.375, (Double) call(tape, "value"), 1e-12);
    assertEquals(13.5, (Double) components(call(tape, "backward", 2.0, true)).get("x"), 1e-12);
    assertEquals(6.75, (Double) components(call(tape, "backward")).get("x"), 1e-12);
    // x GTape^2 at (2, 3): (GTape^2, 2 x GTape) = (9, 12)
    Object g = st("gGradient", 2.0, 3.0);
    assertEquals(9.0, (Double) components(g).get("x"), 1e-12);
    assertEquals(12.0, (Double) components(g).get("GTape"), 1e-12);
    Object gBack = call(st("gForward", 2.0, 3.0), "backward");
    assertEquals(9.0, (Double) components(gBack).get("x"), 1e-12);
    assertEquals(12.0, (Double) components(gBack).get("GTape"), 1e-12);
  }
}
