package dev.adjoint.processor.diagnostics;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.processor.testing.CompiledCompanion;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Calls whose method, as javac resolves them, Adjoint cannot call: refused on the call's line, never
 * replaced by another overload. Rows of {@code docs/diagnostics.md} under "calls".
 */
class OverloadDiagnosticsTest {
  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of("javac picks a private overload", """
            private static double g(int n) { return n; }
            @Differentiable static double g(double x) { return x; }
            @Differentiable static double f(double x) {
              return x * g(3); // ERROR
            }
            """, "javac calls F.g(int) here, which is private, so the generated companion cannot call it"),
        Arguments.of("javac picks an instance overload", """
            double g(int n) { return n; }
            @Differentiable static double g(double x) { return x; }
            @Differentiable static double f(double x) {
              return x * g(3); // ERROR
            }
            """, "javac calls F.g(int) here, which is not static"),
        Arguments.of("javac picks a float overload", """
            static int c(float v) { return 1; }
            static int c(double v) { return 2; }
            @Differentiable static double f(double x, int n) {
              return x * c(n); // ERROR
            }
            """, "javac calls F.c(float) here, whose parameter 'v' has type float, which Adjoint does not support"),
        Arguments.of("javac boxes for an Object parameter", """
            static int b(Object o) { return 1; }
            @Differentiable static double f(double x, int n) {
              return x * b(n); // ERROR
            }
            """, "javac calls F.b(java.lang.Object) here, whose parameter 'o' has type java.lang.Object"),
        Arguments.of("javac calls with variable arity", """
            static int v(int... a) { return a.length; }
            @Differentiable static double f(double x, int n) {
              return x * v(n, 2); // ERROR
            }
            """, "javac calls F.v(int...) with variable arity here, which Adjoint does not support"),
        Arguments.of("ambiguous overloads", """
            static int q(int a, double b) { return 1; }
            static int q(double a, int b) { return 2; }
            @Differentiable static double f(double x) {
              return x * q(1, 2); // ERROR
            }
            """, "the call q(int, int) is ambiguous, as javac says: F.q(int, double) and F.q(double, int)"),
        Arguments.of("generic overload", """
            static <T> T id(T t) { return t; }
            static int id(int n) { return n; }
            @Differentiable static double f(double x, int n) {
              return x * id(n); // ERROR
            }
            """, "'id' has the generic overload F.id(T), which Adjoint does not resolve"),
        Arguments.of("javac picks a helper returning float", """
            static float g(int n) { return n; }
            @Differentiable static double g(double x) { return x; }
            @Differentiable static double f(double x) {
              return x * g(3); // ERROR
            }
            """, "javac calls F.g(int) here, which returns float; a helper that is not @Differentiable may return"
            + " double, int, long, boolean or int[]"),
        Arguments.of("a plain helper returning double[]", """
            static double[] table(int n) { return new double[n]; }
            @Differentiable static double f(double x, int n) {
              return x * table(n)[0]; // ERROR
            }
            """, "javac calls F.table(int) here, which returns double[]; a helper that is not @Differentiable"),
        Arguments.of("var holding a char", """
            @Differentiable static double f(double x) {
              var k = 'a'; // ERROR
              return x * k;
            }
            """, "'var' makes 'k' a char, which Adjoint does not support: declare it int"),
        Arguments.of("Math function whose int overload returns float", """
            @Differentiable static double f(double x, int n) {
              return x * Math.signum(n); // ERROR
            }
            """, "javac calls Math.signum(float) here, which returns float; Adjoint has no float"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refusedOnTheCall(String name, String members, String message) {
    RefusedConstructDiagnosticsTest.assertRefused("demo.F", RefusedConstructDiagnosticsTest.wrap(members), message);
  }

  @Test
  void aProtectedHelperOfASuperclassInAnotherPackageIsRefused() {
    JavaFileObject base = JavaFileObjects.forSourceString("lib.Base", """
        package lib;
        public class Base {
          protected static int h(int n) {
            return n + 1;
          }
        }
        """);
    String source = """
        package demo;
        import dev.adjoint.Differentiable;
        final class F extends lib.Base {
          @Differentiable static double f(double x, int n) {
            return x * h(n); // ERROR
          }
        }
        """;
    JavaFileObject f = JavaFileObjects.forSourceString("demo.F", source);
    Compilation c = CompiledCompanion.compilation(List.of(base, f), List.of());
    assertThat(c).failed();
    assertThat(c).hadErrorContaining("javac calls Base.h(int) here, which the generated companion (in package"
        + " 'demo') cannot access").inFile(f).onLine(RefusedConstructDiagnosticsTest.markedLine(source));
    RefusedConstructDiagnosticsTest.assertNoInternalError(c);
  }

  /**
   * A companion written by an older processor (a gradient record and {@code fGradient}, but no
   * {@code f$record} or {@code reverse$}) on the class path: the call is refused with what to do, instead of
   * the caller's companion failing to compile.
   */
  @Test
  void aCompanionWhoseCalleesKeepTapesOfTheirOwnIsRefusedOnTheCall(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    // The companion the processor wrote before callees recorded onto their caller's tapes: f$record(x) and a
    // tape with reverse$, but no f$record(x, DoubleTape, IntTape, RefTape, RefTape).
    JavaFileObject oldCompanion = JavaFileObjects.forSourceString("lib.AGrad", """
        package lib;
        public final class AGrad {
          private AGrad() {}
          public record FGradient(double x) {}
          public static FTape f$record(double x) {
            return new FTape(x);
          }
          public static final class FTape {
            private final double x;
            FTape(double x) {
              this.x = x;
            }
            public double result$() {
              return Math.sin(x);
            }
            public FGradient reverse$(double upstream) {
              return new FGradient(upstream * Math.cos(x));
            }
          }
        }
        """);
    assertOlderCompanionRefused(oldCompanion, dir);
  }

  @Test
  void aCompanionOfAnOlderProcessorIsRefusedOnTheCall(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    JavaFileObject oldCompanion = JavaFileObjects.forSourceString("lib.AGrad", """
        package lib;
        public final class AGrad {
          private AGrad() {}
          public record FGradient(double x) {}
          public static FGradient fGradient(double x) {
            return new FGradient(Math.cos(x));
          }
        }
        """);
    assertOlderCompanionRefused(oldCompanion, dir);
  }

  /**
   * A companion from before the calls tape was dropped: its {@code m$augment} and {@code m$reverse} take four tapes
   * (the last a second {@code RefTape}) and no adjoint registers, which this version's callers do not pass.
   */
  @Test
  void aCompanionWhoseCallBoundaryTakesTheCallsTapeIsRefusedOnTheCall(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    JavaFileObject oldCompanion = JavaFileObjects.forSourceString("lib.AGrad", """
        package lib;
        import dev.adjoint.runtime.DoubleTape;
        import dev.adjoint.runtime.IntTape;
        import dev.adjoint.runtime.RefTape;
        public final class AGrad {
          private AGrad() {}
          public record FGradient(double x) {}
          public static double f$augment(double x, DoubleTape d, IntTape i, RefTape r, RefTape c) {
            d.push(x);
            return Math.sin(x);
          }
          public static double f$skip(DoubleTape d, IntTape i, RefTape r, RefTape c) {
            return 0;
          }
          public static FGradient f$reverse(double upstream, DoubleTape d, IntTape i, RefTape r, RefTape c,
              long atD, long atI, long atR, long atC) {
            return null;
          }
        }
        """);
    assertOlderCompanionRefused(oldCompanion, dir);
  }

  /**
   * A companion with this version's split-mode members but from before callers passed the scalar arguments again
   * ({@code f$reverse(upstream, tapes..., cursors..., registers)}, no {@code double x} after the upstream): a call
   * would not compile, so it is refused on the line.
   */
  @Test
  void aCompanionWhoseReverseDoesNotTakeTheScalarsAgainIsRefusedOnTheCall(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    JavaFileObject oldCompanion = JavaFileObjects.forSourceString("lib.AGrad", """
        package lib;
        import dev.adjoint.runtime.DoubleTape;
        import dev.adjoint.runtime.IntTape;
        import dev.adjoint.runtime.RefTape;
        public final class AGrad {
          private AGrad() {}
          public record FGradient(double x) {}
          public static double f$augment(double x, DoubleTape d, IntTape i, RefTape r) {
            d.push(x);
            return Math.sin(x);
          }
          public static double f$skip(DoubleTape d, IntTape i, RefTape r) {
            return 0;
          }
          public static FGradient f$reverse(double upstream, DoubleTape d, IntTape i, RefTape r, long atD, long atI,
              long atR, DoubleTape adjoints) {
            return null;
          }
        }
        """);
    assertOlderCompanionRefused(oldCompanion, dir);
  }

  /** A tensor method's tape from before callers passed the gradients they need ({@code reverse$(upstream, needs$)}). */
  @Test
  void aTensorCompanionWithoutTheNeedsMemberIsRefusedOnTheCall(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    JavaFileObject oldCompanion = JavaFileObjects.forSourceString("lib.AGrad", """
        package lib;
        import dev.adjoint.Tensor;
        import dev.adjoint.runtime.DoubleTape;
        import dev.adjoint.runtime.IntTape;
        import dev.adjoint.runtime.RefTape;
        public final class AGrad {
          private AGrad() {}
          public record FGradient(Tensor w, Tensor x) {}
          public static FTape f$record(Tensor w, Tensor x, DoubleTape d, IntTape i, RefTape r, RefTape c) {
            return new FTape(w, x);
          }
          public static final class FTape {
            private final Tensor w;
            private final Tensor x;
            FTape(Tensor w, Tensor x) {
              this.w = w;
              this.x = x;
            }
            public Tensor result$() {
              return x.matmul(w).tanh().sum();
            }
            public void skip$() {}
            public FGradient reverse$(Tensor upstream) {
              throw new UnsupportedOperationException();
            }
          }
        }
        """);
    JavaFileObject a = JavaFileObjects.forSourceString("lib.A", """
        package lib;
        import dev.adjoint.Differentiable;
        import dev.adjoint.Tensor;
        public final class A {
          @Differentiable
          public static Tensor f(Tensor w, Tensor x) {
            return x.matmul(w).tanh().sum();
          }
        }
        """);
    CompiledCompanion.compile(List.of(a, oldCompanion), List.of(), false).writeClassesTo(dir);
    String source = """
        package demo;
        import dev.adjoint.Differentiable;
        import dev.adjoint.NoGrad;
        import dev.adjoint.Tensor;
        import lib.A;
        public final class B {
          @Differentiable
          public static Tensor g(Tensor w, @NoGrad Tensor x) {
            return A.f(w, x).mul(2.0); // ERROR
          }
        }
        """;
    assertOlderCompanionRefused(source, dir);
  }

  /**
   * Compiles {@code lib.A.f(double)} with {@code oldCompanion}, the {@code lib.AGrad} an older version of Adjoint
   * generated, into {@code dir}: a call {@code 2 * A.f(x)} against it is refused on its line.
   */
  private static void assertOlderCompanionRefused(JavaFileObject oldCompanion, java.nio.file.Path dir) {
    JavaFileObject a = JavaFileObjects.forSourceString("lib.A", """
        package lib;
        import dev.adjoint.Differentiable;
        public final class A {
          @Differentiable
          public static double f(double x) {
            return Math.sin(x);
          }
        }
        """);
    CompiledCompanion.compile(List.of(a, oldCompanion), List.of(), false).writeClassesTo(dir);
    String source = """
        package demo;
        import dev.adjoint.Differentiable;
        import lib.A;
        final class B {
          @Differentiable static double g(double x) {
            return 2 * A.f(x); // ERROR
          }
        }
        """;
    assertOlderCompanionRefused(source, dir);
  }

  /**
   * Compiles {@code demo.B} ({@code source}, calling {@code A.f} on its {@code // ERROR} line) against the class
   * directory {@code dir}, whose {@code lib.AGrad} an older version of Adjoint generated: one refusal on that line.
   */
  private static void assertOlderCompanionRefused(String source, java.nio.file.Path dir) {
    JavaFileObject b = JavaFileObjects.forSourceString("demo.B", source);
    Compilation c = CompiledCompanion.compilation(List.of(b), List.of(dir.toFile()));
    assertThat(c).failed();
    assertThat(c).hadErrorContaining("'A.f' has a companion lib.AGrad generated by an older version of Adjoint")
        .inFile(b).onLine(RefusedConstructDiagnosticsTest.markedLine(source));
    assertThat(c).hadErrorContaining("recompile A with this version of Adjoint");
    assertThat(c).hadErrorCount(1);
    RefusedConstructDiagnosticsTest.assertNoInternalError(c);
  }
}
