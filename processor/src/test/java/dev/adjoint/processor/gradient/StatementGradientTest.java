package dev.adjoint.processor.gradient;

import static dev.adjoint.processor.testing.GradCheck.uniform;
import static dev.adjoint.processor.testing.GradCheck.vector;

import dev.adjoint.processor.testing.GradCheck;
import org.junit.jupiter.api.Test;

/**
 * {@code switch} statements and expressions, labeled {@code break} and {@code continue}: each compiled
 * through the processor, its value compared with the original's and its gradient with central differences
 * of the original, at every selector value around the labels (so a wrong fallthrough changes the value).
 */
class StatementGradientTest {
  static GradCheck check(String members) {
    return GradCheck.of(ConstructGradientTest.wrap(members), "f");
  }

  static void everySelector(GradCheck check, double x) {
    for (int k = -2; k <= 7; k++) {
      check.at(x, k);
    }
  }

  @Test
  void switchStatementWithFallthroughDefaultInTheMiddleAndBreaks() {
    GradCheck c = check("""
        @Differentiable static double f(double x, int k) {
          double y = x;
          switch (k) {
            case 0:
              y *= 2;
            case 1:
            case 2:
              y = y * y + 1;
              break;
            default:
              y = Math.sin(y);
            case 4:
              y += 3 * x;
              if (y > 2) {
                break;
              }
              y *= x;
            case 5:
              y -= x * x * x;
          }
          return y;
        }
        """);
    everySelector(c, 0.7);
    everySelector(c, -1.3);
  }

  @Test
  void groupsThatAssignTheSelector() {
    GradCheck c = check("""
        @Differentiable static double f(double x, int k) {
          double y = x;
          switch (k) {
            case 0:
              k = 2;
              y *= 3;
              break;
            case 1:
              y += x;
            case 2:
              k = 3;
              y = y * y;
            case 3:
              y -= x * k;
              break;
            case 4:
              k = 1;
          }
          switch (k) {
            case 1 -> {
              k = 2;
              y = Math.exp(y);
            }
            case 2 -> y *= y;
            default -> y += k;
          }
          return y + k;
        }
        """);
    everySelector(c, 0.7);
  }

  @Test
  void switchStatementWithoutFallthroughAndArrowForm() {
    GradCheck c = check("""
        @Differentiable static double f(double x, int k) {
          double y = 1;
          switch (k) {
            case 1: y = x * x; break;
            case 2, 3: y = Math.exp(x); break;
            default: y = x / 3;
          }
          switch (k % 3) {
            case 0 -> y *= x;
            case 1 -> {
              if (y > 1) {
                break;
              }
              y += x;
            }
            default -> y -= 2 * x;
          }
          return y;
        }
        """);
    everySelector(c, 0.4);
    everySelector(c, 1.9);
  }

  @Test
  void switchInsideALoopWithContinueAndReturn() {
    GradCheck c = check("""
        @Differentiable static double f(double[] x, int k) {
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            switch ((i + k) % 4) {
              case 0:
                continue;
              case 1:
                s += x[i] * x[i];
                break;
              case 2:
                if (s > 3) {
                  return s * x[i];
                }
              default:
                s += Math.sin(x[i]) * s;
            }
            s += x[i];
          }
          return s;
        }
        """);
    for (int k = 0; k < 4; k++) {
      c.at(new double[] {0.5, -1.2, 2.0, 0.3, 1.1, -0.7}, k);
      c.at(new double[] {2.5, 1.2, 2.0, 1.3, 1.1, 0.7}, k);
    }
  }

  @Test
  void switchWhoseEveryGroupReturns() {
    GradCheck c = check("""
        @Differentiable static double f(double x, int k) {
          switch (k) {
            case 0: return x;
            case 3: { return Math.exp(x); }
            default: return x * x;
          }
        }
        """);
    everySelector(c, 0.3);
  }

  @Test
  void varargsParameterIsADoubleArrayInTheCompanion() {
    check("""
        @Differentiable static double f(double y, double... xs) {
          double s = y;
          for (double x : xs) {
            s = s * x + Math.sin(x);
          }
          return s + xs.length;
        }
        """).atRandomPoints(5, r -> new Object[] {uniform(r, -1, 1), vector(r, 3, -1, 1)});
  }

  @Test
  void switchExpressions() {
    GradCheck c = check("""
        @Differentiable static double f(double x, int k) {
          double a = switch (k) {
            case 0, 1 -> x * x;
            case 2 -> { yield Math.cos(x); }
            case 3 -> 4;
            default -> x / 2;
          };
          int m = switch (k + 1) { case 2: yield 5; case 3: yield 7; default: yield 1; };
          boolean odd = switch (k) { case 1, 3, 5 -> true; default -> false; };
          return odd ? a * m : a + m * x;
        }
        """);
    everySelector(c, 0.8);
  }

  @Test
  void labeledBreakAndContinue() {
    check("""
        @Differentiable static double f(double[] x, double t) {
          double s = 0;
          outer:
          for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x.length; j++) {
              if (j > i) {
                continue outer;
              }
              s += x[i] * x[j] * t;
              if (s > 4) {
                break outer;
              }
            }
            s += 1;
          }
          search:
          while (true) {
            int j = 0;
            do {
              s = s * 0.5 + x[j];
              j++;
              if (j == 2) {
                break search;
              }
            } while (j < x.length);
          }
          return s;
        }
        """).atRandomPoints(8, r -> new Object[] {vector(r, 4, -1.5, 1.5), uniform(r, 0.1, 2)});
  }

  @Test
  void labeledBreakOutOfASwitchInsideLoops() {
    GradCheck c = check("""
        @Differentiable static double f(double x, int k) {
          double y = x;
          loop:
          for (int i = 0; i < 5; i++) {
            sw:
            switch ((i + k) % 3) {
              case 0:
                for (int j = 0; j < 3; j++) {
                  y = y * 0.9 + x;
                  if (j == i) {
                    break sw;
                  }
                  if (y > 3) {
                    break loop;
                  }
                }
                y -= x;
              case 1:
                y += x * x;
                continue loop;
              default:
                y = Math.sin(y);
            }
            y *= 1.1;
          }
          return y;
        }
        """);
    everySelector(c, 0.6);
    everySelector(c, 1.7);
  }
}
