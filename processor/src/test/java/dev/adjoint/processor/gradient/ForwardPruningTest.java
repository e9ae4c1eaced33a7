package dev.adjoint.processor.gradient;

import static dev.adjoint.processor.testing.CompiledCompanion.member;

import static dev.adjoint.processor.gradient.ConstructGradientTest.wrap;
import static dev.adjoint.processor.testing.GradCheck.uniform;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

/**
 * {@code differentiate.ForwardPruning}: {@code mVjp} skips a forward loop whose values nothing after it reads
 * and sets its counter's end value in closed form. Gradient-checked against central differences over empty
 * loops, starts past the bound and offsets; loops that may throw or whose values are read keep their forward
 * sweep.
 */
class ForwardPruningTest {
  private static final String SKIPPED = "forward loop skipped";

  private static Method accessible(CompiledCompanion c, String name, Class<?>... parameters) throws Exception {
    Method m = c.load("demo.FGrad").getDeclaredMethod(name, parameters);
    m.setAccessible(true);
    return m;
  }

  @Test
  void sumsOfPerElementTermsRunTheReverseLoopOnly() {
    String source = wrap("""
        @Differentiable static double rosenbrock(double[] x) {
          double s = 0;
          for (int i = 0; i + 1 < x.length; i++) {
            double a = x[i + 1] - x[i] * x[i];
            double b = 1 - x[i];
            s += 100 * a * a + b * b;
          }
          return s;
        }
        @Differentiable static double squares(double[] x, double c, int n) {
          double s = 0;
          for (int i = 2; i < n; i++) {
            s += c * c * i;
          }
          for (int i = 1; i < x.length; i++) {
            double d = x[i] - x[i - 1];
            s += d > 0 ? Math.exp(-d) * c : d * d;
          }
          return s;
        }
        """);
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    String generated = c.generatedSource("demo.FGrad");
    String vjp = member(generated, "rosenbrockVjp");
    assertTrue(vjp.contains(SKIPPED) && vjp.contains("i = Math.max(0, x.length - 1);"), vjp);
    assertFalse(vjp.contains("while (i + 1 < x.length)"), vjp);
    String squares = member(generated, "squaresVjp");
    assertEquals(2, squares.split(SKIPPED, -1).length - 1, squares);
    GradCheck rosenbrock = GradCheck.of(c, "demo.F", "rosenbrock");
    for (int n : new int[] {0, 1, 2, 5}) {
      rosenbrock.atRandomPoints(2, r -> new Object[] {vector(r, n, -1.5, 1.5)});
    }
    GradCheck check = GradCheck.of(c, "demo.F", "squares");
    for (int n : new int[] {0, 2, 3, 6}) {
      for (int len : new int[] {0, 1, 4}) {
        check.atRandomPoints(2, r -> new Object[] {vector(r, len, -1, 1), uniform(r, -1, 1), n});
      }
    }
  }

  @Test
  void valuesReadLaterOrElementsThatMayBeOutOfRangeKeepTheForwardLoop() throws Exception {
    String source = wrap("""
        @Differentiable static double readLater(double[] x) {
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            s += x[i] * x[i];
          }
          return Math.log(1 + s);
        }
        @Differentiable static double maybeOutOfRange(double[] x, int n) {
          double s = 0;
          for (int i = 0; i < n; i++) {
            s += x[i] * 2;
          }
          return s;
        }
        @Differentiable static double pastTheOffset(double[] x) {
          double s = 0;
          for (int i = 0; i + 1 < x.length; i++) {
            s += x[i + 2] * x[i];
          }
          return s;
        }
        @Differentiable static double integerDivision(double[] x, int k) {
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            s += x[i] * (i / k);
          }
          return s;
        }
        """);
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    String generated = c.generatedSource("demo.FGrad");
    for (String m : new String[] {"readLaterVjp", "maybeOutOfRangeVjp", "pastTheOffsetVjp", "integerDivisionVjp"}) {
      assertFalse(member(generated, m).contains(SKIPPED), m + ":\n" + member(generated, m));
    }
    GradCheck.of(c, "demo.F", "readLater").atRandomPoints(4, r -> new Object[] {vector(r, 4, -1, 1)});
    GradCheck.of(c, "demo.F", "maybeOutOfRange").atRandomPoints(4, r -> new Object[] {vector(r, 4, -1, 1), 3});
    GradCheck.of(c, "demo.F", "integerDivision").atRandomPoints(4, r -> new Object[] {vector(r, 4, -1, 1), 2});
    // The original throws where the forward loop leaves the array, and so does the gradient.
    Method gradient = accessible(c, "pastTheOffsetGradient", double[].class);
    InvocationTargetException e = assertThrows(InvocationTargetException.class,
        () -> gradient.invoke(null, (Object) new double[] {1, 2, 3}));
    assertTrue(e.getCause() instanceof ArrayIndexOutOfBoundsException, e.getCause().toString());
    Method division = accessible(c, "integerDivisionGradient", double[].class, int.class);
    e = assertThrows(InvocationTargetException.class, () -> division.invoke(null, new double[] {1, 2}, 0));
    assertTrue(e.getCause() instanceof ArithmeticException, e.getCause().toString());
  }

  @Test
  void aLengthReadAgainAfterTheLoopDoesNotKeepIt() throws Exception {
    String source = wrap("""
        @Differentiable static double mean(double[] a) {
          double sum = 0;
          for (int i = 0; i < a.length; i++) {
            double b = a[i] + 3;
            sum += b * b * 3;
          }
          return sum / a.length;
        }
        @Differentiable static double other(double[] a, double[] y) {
          double sum = 0;
          for (int i = 0; i < a.length; i++) {
            sum += a[i] * a[i];
          }
          return sum / y.length;
        }
        """);
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    String generated = c.generatedSource("demo.FGrad");
    assertTrue(member(generated, "meanVjp").contains(SKIPPED), member(generated, "meanVjp"));
    // y.length is read first after the loop: a null y must throw there, so the loop's value stays
    assertFalse(member(generated, "otherVjp").contains(SKIPPED), member(generated, "otherVjp"));
    GradCheck mean = GradCheck.of(c, "demo.F", "mean");
    for (int n : new int[] {1, 2, 5}) {
      mean.atRandomPoints(2, r -> new Object[] {vector(r, n, -1.5, 1.5)});
    }
    GradCheck.of(c, "demo.F", "other").atRandomPoints(3, r -> new Object[] {vector(r, 3, -1, 1), vector(r, 2, -1, 1)});
    Method other = accessible(c, "otherGradient", double[].class, double[].class);
    InvocationTargetException e = assertThrows(InvocationTargetException.class,
        () -> other.invoke(null, new double[] {1}, null));
    assertTrue(e.getCause() instanceof NullPointerException, e.getCause().toString());
  }

  @Test
  void aNullArrayStillThrowsWhereTheLoopConditionWould() throws Exception {
    String source = wrap("""
        @Differentiable static double f(double c, double[] y) {
          double s = 0;
          for (int i = 0; i < y.length; i++) {
            s += y[i] * y[i];
          }
          return s + 3 * c;
        }
        """);
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    assertTrue(member(c.generatedSource("demo.FGrad"), "fVjp").contains(SKIPPED));
    GradCheck.of(c, "demo.F", "f").atRandomPoints(3, r -> new Object[] {uniform(r, -1, 1), vector(r, 3, -1, 1)});
    Method gradient = accessible(c, "fGradient", double.class, double[].class);
    InvocationTargetException e = assertThrows(InvocationTargetException.class,
        () -> gradient.invoke(null, 1.0, null));
    assertTrue(e.getCause() instanceof NullPointerException, e.getCause().toString());
  }
}
