package dev.adjoint.processor.gradient;

import static dev.adjoint.processor.testing.GradCheck.uniform;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * {@code throw} and printing run in the forward pass only: the companion throws the original's exception
 * with its message, prints exactly what the original prints, once per forward pass (never again in the
 * reverse sweep), and the gradient is the original's.
 */
class ForwardOnlyStatementTest {
  static final String THROWS = """
      @Differentiable static double f(double x, int k) {
        if (x <= 0) {
          throw new IllegalArgumentException("x must be positive, got " + x + " (k=" + k + ")");
        }
        double y = Math.log(x);
        for (int i = 0; i < k; i++) {
          y = y * x + 1;
          if (y > 1e6) throw new ArithmeticException("overflow at step " + i);
        }
        switch (k) {
          case 0, 1, 2, 3 -> y += x;
          default -> throw new IllegalStateException();
        }
        return y;
      }
      """;

  @Test
  void throwIsTheOriginalsExceptionAndTheGradientIsChecked() {
    CompiledCompanion compiled = CompiledCompanion.compile("demo.F", ConstructGradientTest.wrap(THROWS));
    GradCheck.of(compiled, "demo.F", "f").atRandomPoints(6, r -> new Object[] {uniform(r, 0.2, 2), r.nextInt(4)});
    for (Object[] args : new Object[][] {{-1.5, 2}, {0.0, 1}, {500.0, 3}, {1.5, 7}}) {
      RuntimeException expected = assertThrows(RuntimeException.class,
          () -> compiled.callStatic("demo.F", "f", args));
      for (String member : new String[] {"f", "fGradient"}) {
        RuntimeException actual = assertThrows(RuntimeException.class,
            () -> compiled.callStatic("demo.FGrad", member, args));
        assertEquals(expected.getClass(), actual.getClass(), member);
        assertEquals(expected.getMessage(), actual.getMessage(), member);
      }
    }
  }

  static final String PRINTS = """
      @Differentiable static double f(double[] x, int k) {
        System.out.println("start " + k + ": " + java.util.Arrays.toString(x));
        double s = 0;
        for (int i = 0; i < x.length; i++) {
          s += x[i] * x[i] * s + Math.sin(x[i]);
          System.out.printf("%d %.6f%n", i, s);
          System.out.print('[');
          System.out.print(i * 2 + 1);
          System.out.println(']');
          if (s > 100) {
            System.err.println("large");
          }
        }
        String.format("%f", s);
        System.out.println(String.format("end %.4f", s) + " " + (k + 1) + (s > 0));
        System.out.println();
        return s * s;
      }
      """;

  @Test
  void printsRunOncePerForwardPassAndNeverInTheReverseSweep() {
    CompiledCompanion compiled = CompiledCompanion.compile("demo.F", ConstructGradientTest.wrap(PRINTS));
    double[] x = {0.3, -1.2, 0.8};
    String once = captured(() -> compiled.callStatic("demo.F", "f", x.clone(), 4));
    assertFalse(once.isEmpty());
    assertEquals(once, captured(() -> compiled.callStatic("demo.FGrad", "f", x.clone(), 4)), "plain forward");
    assertEquals(once, captured(() -> compiled.callStatic("demo.FGrad", "fGradient", x.clone(), 4)), "fGradient");
    assertEquals(once, captured(() -> compiled.callStatic("demo.FGrad", "fVjp", x.clone(), 4, 2.0)), "fVjp");
    Object[] tape = new Object[1];
    assertEquals(once, captured(() -> tape[0] = compiled.callStatic("demo.FGrad", "fForward", x.clone(), 4)),
        "fForward");
    assertEquals("", captured(() -> CompiledCompanion.call(tape[0], "backward", 1.0)), "backward");
    assertEquals(once, captured(() -> compiled.callStatic("demo.FGrad", "fJvp", x.clone(), 4, new double[3])),
        "fJvp");
    PrintStream out = System.out;
    try {
      System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      GradCheck.of(compiled, "demo.F", "f").atRandomPoints(4, r -> new Object[] {vector(r, 4, -1, 1), 2});
    } finally {
      System.setOut(out);
    }
  }

  @Test
  void assertRunsAsInTheOriginal() throws Exception {
    CompiledCompanion compiled = CompiledCompanion.compile("demo.F", ConstructGradientTest.wrap("""
        @Differentiable static double f(double x, int k) {
          assert k >= 0 : "k = " + k;
          double y = x * x;
          for (int i = 0; i < k; i++) {
            y = Math.sin(y) + x;
            assert y < 10;
          }
          return y;
        }
        """));
    GradCheck.of(compiled, "demo.F", "f").atRandomPoints(5, r -> new Object[] {uniform(r, -2, 2), r.nextInt(4)});
    // Assertions disabled (the test loader's default): neither fails.
    assertEquals(compiled.callStatic("demo.F", "f", 1.0, -3), compiled.callStatic("demo.FGrad", "f", 1.0, -3));
    CompiledCompanion.components(compiled.callStatic("demo.FGrad", "fGradient", 1.0, -3));
    // Enabled, as with -ea: the original's assertion fails, and the companion's the same way.
    Path dir = compiled.writeClassesTo(Files.createTempDirectory("assert"));
    try (URLClassLoader enabled = new URLClassLoader(new URL[] {dir.toUri().toURL()},
        ForwardOnlyStatementTest.class.getClassLoader())) {
      enabled.setDefaultAssertionStatus(true);
      Method original = CompiledCompanion.method(enabled.loadClass("demo.F"), "f");
      AssertionError expected = assertThrows(AssertionError.class, () -> CompiledCompanion.invoke(original, null, 1.0,
          -3));
      assertEquals("k = -3", expected.getMessage());
      for (String member : new String[] {"f", "fGradient"}) {
        Method m = CompiledCompanion.method(enabled.loadClass("demo.FGrad"), member);
        AssertionError actual = assertThrows(AssertionError.class, () -> CompiledCompanion.invoke(m, null, 1.0, -3));
        assertEquals(expected.getMessage(), actual.getMessage(), member);
      }
    }
  }

  @Test
  void aCalleesPrintRunsOncePerCall() {
    CompiledCompanion compiled = CompiledCompanion.compile("demo.F", ConstructGradientTest.wrap("""
        @Differentiable static double g(double x) {
          System.out.println("g(" + x + ")");
          return x * x;
        }
        @Differentiable static double f(double x) {
          double s = 0;
          for (int i = 0; i < 3; i++) {
            s += g(x + i) * s + x;
          }
          return s;
        }
        """));
    String once = captured(() -> compiled.callStatic("demo.F", "f", 0.5));
    assertEquals(3, once.lines().count());
    assertEquals(once, captured(() -> compiled.callStatic("demo.FGrad", "fGradient", 0.5)), "fGradient");
    assertEquals(once, captured(() -> compiled.callStatic("demo.FGrad", "fVjp", 0.5, 1.0)), "fVjp");
  }

  private static String captured(Supplier<Object> run) {
    PrintStream out = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
      run.get();
    } finally {
      System.setOut(out);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
