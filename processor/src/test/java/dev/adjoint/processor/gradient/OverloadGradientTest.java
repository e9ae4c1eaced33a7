package dev.adjoint.processor.gradient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import java.util.List;
import java.util.Map;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Calls resolve to the overload javac picks (JLS 15.12), through the whole processor: the companion's
 * value equals the original's, and the gradient is the one of the method javac calls.
 */
class OverloadGradientTest {
  @Test
  void aPlainIntOverloadBesideADifferentiableOneIsCalledForAnIntArgument() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", ConstructGradientTest.wrap("""
        static double g(int n) {
          return 10 * n;
        }
        @Differentiable static double g(double x) {
          return x * 0.9;
        }
        @Differentiable static double f(double x) {
          return x * g(3) + g(x);
        }
        """));
    // g(3) is g(int) = 30 (javac), not g(3.0) = 2.7: f(5) = 5 * 30 + 4.5, df/dx = 30 + 0.9.
    assertEquals(154.5, (double) c.callStatic("demo.FGrad", "f", 5.0), 1e-12);
    Map<String, Object> gradient = CompiledCompanion.components(c.callStatic("demo.FGrad", "fGradient", 5.0));
    assertEquals(30.9, (double) gradient.get("x"), 1e-12);
    GradCheck.of(c, "demo.F", "f").at(5.0).at(-1.25);
  }

  @Test
  void mathRoundOfAnIntIsRoundOfFloatAndAnInt() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", ConstructGradientTest.wrap("""
        @Differentiable static double f(double x, int i, long m) {
          int r = Math.round(i);
          int s = Math.round(m);
          long t = Math.round(x);
          return x * r + x * s + t;
        }
        """));
    // 2^24 + 1 is not a float: round(float) gives 2^24, round(double) would give 2^24 + 1.
    int i = (1 << 24) + 1;
    assertEquals(2.0 * (1 << 24) * 2 + 2, (double) c.callStatic("demo.FGrad", "f", 2.0, i, (long) i), 1e-6);
    Map<String, Object> gradient = CompiledCompanion.components(
        c.callStatic("demo.FGrad", "fGradient", 2.0, i, (long) i));
    assertEquals(2.0 * (1 << 24), (double) gradient.get("x"), 1e-6);
    GradCheck.of(c, "demo.F", "f").at(0.3, 7, 9L).at(-1.7, -3, 4L);
  }

  @Test
  void plainIntLongAndDoubleOverloadsAreCalledAsJavacCallsThem() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", ConstructGradientTest.wrap("""
        static int h(int n) {
          return n + 1;
        }
        static long h(long n) {
          return n + 20;
        }
        static double h(double n) {
          return n + 300;
        }
        static long k(long n) {
          return n * 2;
        }
        static double k(double n) {
          return n * 3;
        }
        @Differentiable static double f(double x, int n, long m) {
          int a = h(n);
          long b = h(m);
          long d = h(n + m);
          double e = h('a') + h(2) + h(2L) + k(n) + k('b') + Math.max(n, m) + Math.abs(-n);
          return x * a + x * x * b + d + e * x;
        }
        """));
    // h(4) = 5, h(6L) = 26, h(10L) = 30, e = (97 + 1) + 3 + 22 + 8 + 196 + 6 + 4 = 337.
    double x = 0.5;
    assertEquals(x * 5 + x * x * 26 + 30 + 337 * x, (double) c.callStatic("demo.FGrad", "f", x, 4, 6L), 1e-9);
    Map<String, Object> gradient = CompiledCompanion.components(c.callStatic("demo.FGrad", "fGradient", x, 4, 6L));
    assertEquals(5 + 2 * x * 26 + 337, (double) gradient.get("x"), 1e-9);
    GradCheck.of(c, "demo.F", "f").at(0.5, 4, 6L).at(-1.5, -2, 3L);
  }

  @Test
  void theEnclosingClassWithTheNameIsSearchedBeforeStaticImports() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", """
        package demo;
        import static demo.H.twice;
        import dev.adjoint.Differentiable;
        final class H {
          static int twice(int n) {
            return 2 * n;
          }
        }
        final class F {
          static double twice(double n) {
            return 3 * n;
          }
          static final class Inner {
            @Differentiable static double f(double x) {
              return x * twice(5);
            }
          }
          @Differentiable static double f(double x, int n) {
            return x * twice(n) + x * G.imported(n);
          }
        }
        final class G {
          @Differentiable static double imported(double x) {
            return x * twice(4);
          }
          static double imported(int n) {
            return n;
          }
        }
        """);
    // Inner: F.twice(5.0) = 15, F's own twice(double) shadows the import; G: the import H.twice(4) = 8.
    assertEquals(30.0, (double) c.callStatic("demo.F_InnerGrad", "f", 2.0), 1e-12);
    assertEquals(2.0 * 9 + 2.0 * 3, (double) c.callStatic("demo.FGrad", "f", 2.0, 3), 1e-12);
    assertEquals(16.0, (double) c.callStatic("demo.GGrad", "imported", 2.0), 1e-12);
    GradCheck.of(c, "demo.F$Inner", "f").at(0.7);
    GradCheck.of(c, "demo.F", "f").at(0.7, 3);
  }

  @Test
  void strictMathIsCalledAsWrittenNotMath() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", ConstructGradientTest.wrap("""
        @Differentiable static double f(double x) {
          return StrictMath.sin(x) * Math.exp(x) + StrictMath.pow(x, 3);
        }
        """));
    String generated = c.generatedSource("demo.FGrad");
    assertTrue(generated.contains("StrictMath.sin(x)") && generated.contains("StrictMath.pow(x, 3.0)"), generated);
    GradCheck.of(c, "demo.F", "f").at(0.4).at(-1.3);
  }

  @Test
  void aProtectedOverloadOfAnotherPackageIsNotACandidateOutsideSubclasses() {
    JavaFileObject util = JavaFileObjects.forSourceString("lib.Util", """
        package lib;
        public class Util {
          protected static int h(int n) {
            return n + 1;
          }
          public static int h(long n) {
            return (int) n + 2;
          }
        }
        """);
    JavaFileObject f = JavaFileObjects.forSourceString("demo.F", """
        package demo;
        import dev.adjoint.Differentiable;
        final class F {
          @Differentiable static double f(double x, int n) {
            return x * lib.Util.h(n);
          }
        }
        """);
    // javac calls h(long) (h(int) is not accessible here): f(x, 3) = 5x.
    CompiledCompanion c = CompiledCompanion.compile(List.of(util, f), List.of());
    assertEquals(10.0, (double) c.callStatic("demo.FGrad", "f", 2.0, 3), 1e-12);
    GradCheck.of(c, "demo.F", "f").at(0.5, 3);
  }
}
