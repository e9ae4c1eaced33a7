package dev.adjoint.processor.gradient;

import static dev.adjoint.processor.gradient.ConstructGradientTest.wrap;
import static dev.adjoint.processor.testing.GradCheck.uniform;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import org.junit.jupiter.api.Test;

/**
 * {@code v = -v} is undone in the reverse sweep by {@code v = -v} (negation flips the sign bit: exact), so the
 * value it overwrites is not stored (det's alternating sign). Gradient-checked against central differences: an
 * inactive sign, an active value negated in a loop, an int negated, and a negation followed by an assignment
 * that overwrites the negated value (which must still be stored, so that the undo sees the negated value).
 */
class NegationUndoTest {
  @Test
  void alternatingSignIsNotStored() {
    String source = wrap("""
        @Differentiable static double f(double[] x, double y) {
          double s = 0;
          double sign = 1;
          double v = y;
          int k = 3;
          for (int i = 0; i < x.length; i++) {
            s += sign * x[i] * Math.sin(v) * k;
            sign = -sign;
            v = -v;
            k = -k;
            v = v * x[i];
          }
          return s + v;
        }
        """);
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    String generated = c.generatedSource("demo.FGrad").replaceAll("\\s+", " ");
    assertTrue(generated.contains("sign = -sign; v = -v; k = -k; _doubles.push(v); v = v * x[i];"), generated);
    assertFalse(generated.contains("_doubles.push(sign)"), generated);
    assertFalse(generated.contains("_ints.push(k)"), generated);
    // the reverse undoes the flips by flipping again
    assertTrue(generated.contains("// line 13: k = -k; k = -k;"), generated);
    // v = v * x[i] overwrites the negated v, which the undo of v = -v reads: that one is stored.
    assertTrue(generated.contains("_doubles.push(v); v = v * x[i];"), generated);
    GradCheck.of(c, "demo.F", "f").atRandomPoints(8, r -> new Object[] {vector(r, 5, -1, 1), uniform(r, -1, 1)});
  }

  @Test
  void negationInBranchesAndAfterOverwrite() {
    String source = wrap("""
        @Differentiable static double f(double[] x) {
          double s = 0;
          double t = x[0];
          for (int i = 1; i < x.length; i++) {
            if (x[i] > 0) {
              t = -t;
            }
            s += t * x[i];
            t = -t;
            s += Math.exp(t) * x[i - 1];
          }
          t = -t;
          t = t * t + s;
          return t * s;
        }
        """);
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    GradCheck.of(c, "demo.F", "f").atRandomPoints(8, r -> new Object[] {vector(r, 6, -1, 1)});
  }
}
