package dev.adjoint.processor.gradient;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.CompilationSubject;
import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.Tensor;
import dev.adjoint.processor.testing.CompiledCompanion;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code @NoGrad} parameters: no gradient component, no adjoint work, and the rest still exact. */
class NoGradTest {
  private static final CompiledCompanion COMPILED = CompiledCompanion.compile("demo.D", """
      package demo;

      import dev.adjoint.Differentiable;
      import dev.adjoint.NoGrad;
      import dev.adjoint.Tensor;

      public final class D {
        @Differentiable
        public static double squaredError(double[] w, @NoGrad double[][] x, @NoGrad double[] y) {
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            double p = 0;
            for (int j = 0; j < w.length; j++) {
              p += w[j] * x[i][j];
            }
            s += (p - y[i]) * (p - y[i]);
          }
          return s;
        }

        @Differentiable
        public static double caller(double[] w, @NoGrad double[][] x) {
          double[] y = {1, 2};
          return 2 * squaredError(w, x, y);
        }

        @Differentiable
        public static Tensor scaled(Tensor w, @NoGrad Tensor x, @NoGrad double k) {
          return w.mul(x).mul(k).sum();
        }
      }
      """);

  @Test
  void noGradParametersHaveNoGradientComponent() {
    Class<?> record = COMPILED.load("demo.DGrad$SquaredErrorGradient");
    assertEquals(List.of("w"), Arrays.stream(record.getRecordComponents()).map(RecordComponent::getName).toList());
    Class<?> tensorRecord = COMPILED.load("demo.DGrad$ScaledGradient");
    assertEquals(List.of("w"),
        Arrays.stream(tensorRecord.getRecordComponents()).map(RecordComponent::getName).toList());
  }

  @Test
  void gradientsOfTheOtherParametersAreExact() {
    double[] w = {0.5, -1.5};
    double[][] x = {{1, 2}, {3, -1}};
    double[] y = {1, 2};
    // d/dw sum_i (w.x_i - y_i)^2 = sum_i 2 (w.x_i - y_i) x_i, by hand.
    double[] expected = new double[2];
    for (int i = 0; i < 2; i++) {
      double r = w[0] * x[i][0] + w[1] * x[i][1] - y[i];
      expected[0] += 2 * r * x[i][0];
      expected[1] += 2 * r * x[i][1];
    }
    Map<String, Object> g = CompiledCompanion.components(COMPILED.callStatic("demo.DGrad", "squaredErrorGradient", w, x, y));
    assertArrayEquals(expected, (double[]) g.get("w"), 1e-12);
    // Through a call.
    Map<String, Object> c = CompiledCompanion.components(COMPILED.callStatic("demo.DGrad", "callerGradient", w, x));
    assertArrayEquals(new double[] {2 * expected[0], 2 * expected[1]}, (double[]) c.get("w"), 1e-12);
  }

  @Test
  void tensorNodeRoutesGradientsOnlyToDifferentiableInputs() {
    Tensor w = Tensor.of(1, 2).requiresGrad();
    Tensor x = Tensor.of(3, 4).requiresGrad();
    Tensor out = (Tensor) COMPILED.callStatic("demo.DGrad", "scaled", w, x, 2.0);
    out.backward();
    assertArrayEquals(new double[] {6, 8}, w.grad().toArray());
    assertEquals(null, x.grad(), "a @NoGrad input is not part of the node");
  }

  @Test
  void aDifferentiableValuePassedToANoGradParameterIsRefused() {
    Compilation c = CompiledCompanion.compilation(List.of(JavaFileObjects.forSourceString("demo.G", """
        package demo;

        import dev.adjoint.Differentiable;
        import dev.adjoint.NoGrad;

        public final class G {
          @Differentiable
          public static double scale(double w, @NoGrad double x) {
            return w * x;
          }

          @Differentiable
          public static double f(double w, double x) {
            return scale(w, x * 2);
          }
        }
        """)), List.of());
    CompilationSubject.assertThat(c).hadErrorContaining("that is not differentiated (@NoGrad), so its gradient"
        + " would be lost").inFile(c.sourceFiles().get(0)).onLine(14);
  }

  @Test
  void allParametersNoGradIsRefused() {
    Compilation c = CompiledCompanion.compilation(List.of(JavaFileObjects.forSourceString("demo.E", """
        package demo;

        import dev.adjoint.Differentiable;
        import dev.adjoint.NoGrad;

        public final class E {
          @Differentiable
          public static double f(@NoGrad double x) {
            return x * x;
          }
        }
        """)), List.of());
    CompilationSubject.assertThat(c).hadErrorContaining("has no differentiable parameter")
        .inFile(c.sourceFiles().get(0)).onLine(8);
  }
}
