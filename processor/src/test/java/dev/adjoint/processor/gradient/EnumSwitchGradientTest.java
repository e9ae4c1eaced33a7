package dev.adjoint.processor.gradient;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import dev.adjoint.processor.testing.ModeCheck;
import org.junit.jupiter.api.Test;

/**
 * {@code switch} over an enum (statements in arrow and colon form with default and fall-through, switch
 * expressions, inside a loop), enum parameters, locals and constants compared with {@code ==}: each compiled
 * through the processor and checked (value, reverse mode, forward mode) against central differences of the
 * original at every constant of the enum.
 */
class EnumSwitchGradientTest {
  private static final String ENUM = """
      enum Mode { LINEAR, QUAD, CUBE, SINE, EXP }
      """;

  /** Checks {@code f(x, mode)} at every constant of {@code demo.F.Mode} and two points. */
  private static void atEveryMode(String members, double... xs) {
    CompiledCompanion compiled = CompiledCompanion.compile("demo.F",
        ConstructGradientTest.wrap(ENUM + members));
    ModeCheck.requireTangentSweep(compiled, "demo.F");
    GradCheck check = GradCheck.of(compiled, "demo.F", "f");
    if (System.getProperty("adjoint.printEnum") != null) {
      System.out.println(compiled.generatedSource("demo.FGrad"));
    }
    Object[] modes = compiled.load("demo.F$Mode").getEnumConstants();
    for (Object mode : modes) {
      for (double x : xs) {
        check.at(x, mode);
      }
    }
  }

  @Test
  void arrowStatementWithDefault() {
    atEveryMode("""
        @Differentiable static double f(double x, Mode mode) {
          double y = x;
          switch (mode) {
            case LINEAR -> y = 3 * x;
            case QUAD, CUBE -> {
              y = x * x;
              if (mode == Mode.CUBE) {
                y *= x;
              }
            }
            default -> y = Math.sin(x);
          }
          return y + x;
        }
        """, 0.7, -1.3);
  }

  @Test
  void colonStatementWithFallThroughAndDefaultInTheMiddle() {
    atEveryMode("""
        @Differentiable static double f(double x, Mode mode) {
          double y = x;
          switch (mode) {
            case LINEAR:
              y *= 2;
            case QUAD:
              y = y * y + 1;
              break;
            default:
              y = Math.sin(y);
            case CUBE:
              y += 3 * x;
              if (y > 2) {
                break;
              }
              y *= x;
            case EXP:
              y -= x * x * x;
          }
          return y;
        }
        """, 0.7, -1.3, 2.1);
  }

  @Test
  void switchExpressionsExhaustiveAndWithDefault() {
    atEveryMode("""
        @Differentiable static double f(double x, Mode mode) {
          double a = switch (mode) {
            case LINEAR -> x;
            case QUAD -> x * x;
            case CUBE -> x * x * x;
            case SINE -> Math.sin(x);
            case EXP -> Math.exp(x);
          };
          double b = switch (mode) {
            case QUAD, SINE: yield 2 * a;
            case EXP: yield a / x;
            default: yield a * x;
          };
          return a + b;
        }
        """, 0.7, -1.3);
  }

  @Test
  void inALoopWithEnumLocalsAndConstants() {
    atEveryMode("""
        static final Mode SPECIAL = Mode.SINE;

        @Differentiable static double f(double x, Mode mode) {
          double y = x;
          Mode m = mode;
          for (int i = 0; i < 4; i++) {
            switch (m) {
              case LINEAR -> y = y + x;
              case QUAD -> y = y * x;
              case CUBE -> {
                y = y * y * 0.5;
                m = Mode.LINEAR;
              }
              default -> y = Math.sin(y) + x;
            }
            if (m == SPECIAL) {
              m = Mode.QUAD;
            } else if (m != Mode.LINEAR && m != Mode.QUAD) {
              m = Mode.CUBE;
            }
          }
          return y;
        }
        """, 0.7, -1.3);
  }

  @Test
  void conditionalsOfEnumsAndCallsPassingThem() {
    atEveryMode("""
        @Differentiable static double g(double x, Mode m) {
          return switch (m) {
            case LINEAR, EXP -> Math.exp(x);
            default -> x * x;
          };
        }

        @Differentiable static double f(double x, Mode mode) {
          Mode other = x > 0.5 ? Mode.LINEAR : mode;
          double s = 0;
          for (int i = 0; i < 3; i++) {
            s += g(x + i, i == 1 ? other : mode);
          }
          return s + g(x, other == mode ? Mode.QUAD : other);
        }
        """, 0.7, -1.3);
  }
}
