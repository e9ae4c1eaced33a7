package dev.adjoint.processor.gradient;

import static dev.adjoint.processor.testing.GradCheck.uniform;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import dev.adjoint.processor.testing.ModeCheck;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code String} data (parameters, locals, constants, {@code equals}, {@code switch} statements and
 * expressions over a string) and {@code boolean[]} parameters: never differentiated, the branch they select
 * is. Every gradient against central differences; the forward modes against the reverse mode.
 */
class StringAndFlagGradientTest {
  private static final String MODES = ConstructGradientTest.wrap("""
      static final String SQUARE = "square";
      @Differentiable static double f(double a, double[] x, String mode) {
        String kind = mode.equals("cube") || mode.isEmpty() ? "odd" : "even";
        double s = 0;
        switch (mode) {
          case SQUARE:
            s = a * a;
            break;
          case "cube":
            a = a * Math.sin(a);
          case "lin", "":
            s += a * x[0];
            break;
          default:
            s = x[1] * mode.length();
        }
        double t = switch (kind) {
          case "odd" -> s * x[1];
          default -> {
            yield s + Math.exp(x[0] * a);
          }
        };
        outer:
        for (int i = 0; i < x.length; i++) {
          switch (mode) {
            case "lin":
              continue outer;
            case "cube":
              if (i == 1) {
                break outer;
              }
              break;
            default:
              break;
          }
          t += x[i] * x[i] * (kind == "odd" ? 2 : 1);
        }
        return t;
      }
      """);

  @Test
  void switchesOverStringsSelectTheDifferentiatedBranch() {
    String[] modes = {"square", "cube", "lin", "", "other"};
    GradCheck check = GradCheck.of(MODES, "f");
    ModeCheck modes2 = ModeCheck.of(CompiledCompanion.compile("demo.F", MODES), "demo.F", "f");
    Random r = new Random(7);
    for (String mode : modes) {
      for (int k = 0; k < 3; k++) {
        Object[] args = {uniform(r, -1, 1), vector(r, 3, -1, 1), mode};
        check.at(args);
        modes2.at(args);
      }
    }
  }

  @Test
  void aNullStringSelectorThrowsAsJavasSwitchDoes() throws Exception {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", MODES);
    Class<?> companion = c.load("demo.FGrad");
    Method gradient = companion.getDeclaredMethod("fGradient", double.class, double[].class, String.class);
    gradient.setAccessible(true);
    InvocationTargetException e = assertThrows(InvocationTargetException.class,
        () -> gradient.invoke(null, 0.5, new double[] {1, 2, 3}, null));
    assertEquals(NullPointerException.class, e.getCause().getClass());
  }

  @Test
  void booleanArrayParametersAreFlags() {
    String source = ConstructGradientTest.wrap("""
        static double masked(double[] v, boolean[] keep) {
          double s = 0;
          for (int i = 0; i < v.length; i++) {
            if (keep[i]) {
              s += v[i] * v[i];
            }
          }
          return s;
        }
        @Differentiable static double f(double[] x, boolean[] mask, double w) {
          boolean[] flip = mask.clone();
          flip[0] = !flip[0];
          return w * masked(x, mask) + Math.sin(masked(x, flip)) + (mask[1] ? x[1] * w : 0);
        }
        """);
    GradCheck.of(source, "f").atRandomPoints(8,
        r -> new Object[] {vector(r, 3, -1, 1), new boolean[] {r.nextBoolean(), r.nextBoolean(), r.nextBoolean()},
            uniform(r, -1, 1)});
    ModeCheck.of(CompiledCompanion.compile("demo.F", source), "demo.F", "f").atRandomPoints(3,
        r -> new Object[] {vector(r, 3, -1, 1), new boolean[] {true, false, r.nextBoolean()}, uniform(r, -1, 1)});
  }
}
