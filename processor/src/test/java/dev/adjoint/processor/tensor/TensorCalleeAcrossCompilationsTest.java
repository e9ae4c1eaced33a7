package dev.adjoint.processor.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.Generator;
import dev.adjoint.Tensor;
import dev.adjoint.processor.testing.CompiledCompanion;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tensor method calling a tensor method of a class compiled earlier passes the gradients it needs to the
 * callee's compiled tape ({@code reverse$(upstream, needs$)}). (A companion without that member, from an older
 * processor, is refused on the call: {@code OverloadDiagnosticsTest}.)
 */
class TensorCalleeAcrossCompilationsTest {
  private static final JavaFileObject LIBRARY = JavaFileObjects.forSourceString("lib.A", """
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

  private static final String CALLER = """
      package demo;
      import dev.adjoint.Differentiable;
      import dev.adjoint.NoGrad;
      import dev.adjoint.Tensor;
      import lib.A;
      public final class B {
        @Differentiable
        public static Tensor g(Tensor w, @NoGrad Tensor x) {
          return A.f(w, x).mul(2.0);
        }
      }
      """;

  @Test
  void aCallerPassesTheGradientsItNeedsToACompiledCallee(@TempDir Path dir) {
    CompiledCompanion library = CompiledCompanion.compile(List.of(LIBRARY), List.of());
    library.writeClassesTo(dir);
    CompiledCompanion caller = CompiledCompanion.compile(List.of(JavaFileObjects.forSourceString("demo.B", CALLER)),
        List.of(dir.toFile())).withClassesFrom(library);
    assertTrue(caller.generatedSource("demo.BGrad").contains("new boolean[] {true, false}"),
        caller.generatedSource("demo.BGrad"));
    Tensor w = Tensor.randn(new Generator().manualSeed(1), 3, 2);
    Tensor x = Tensor.randn(new Generator().manualSeed(2), 4, 3);
    Tensor wl = w.detach().requiresGrad();
    ((Tensor) caller.callStatic("demo.BGrad", "g", wl, x)).backward();
    assertNull(x.grad());
    double[] base = w.toArray();
    double[] got = wl.grad().toArray();
    double h = 1e-6;
    for (int k = 0; k < base.length; k++) {
      double[] up = base.clone();
      double[] down = base.clone();
      up[k] += h;
      down[k] -= h;
      double expected = (value(caller, up, x) - value(caller, down, x)) / (2 * h);
      assertEquals(expected, got[k], 1e-6 * (1 + Math.abs(expected)), "element " + k);
    }
  }

  private static double value(CompiledCompanion caller, double[] w, Tensor x) {
    return Tensor.noGrad(() -> (Tensor) caller.callStatic("demo.B", "g", Tensor.fromArray(w, 3, 2), x)).item();
  }
}
