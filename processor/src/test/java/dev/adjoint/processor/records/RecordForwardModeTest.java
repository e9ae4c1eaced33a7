package dev.adjoint.processor.records;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The forward-mode members ({@code mJvp}, {@code mJacobian}, {@code mHvp}) of methods that take records or
 * are instance methods (design.md §7 "More modes"), checked against central differences of the originals
 * ({@link RecordModeCheck}).
 */
class RecordForwardModeTest {
  private static final CompiledCompanion COMPILED = CompiledCompanion.compile("demo.Fit", """
      package demo;

      import dev.adjoint.Differentiable;
      import dev.adjoint.NoGrad;

      public final class Fit {
        public record Params(double bias, double[] w, int n) {}

        public record Layer(double[][] w, double[] b) {}

        public record Net(Layer hidden, double scale) {
          @Differentiable
          public double out(double[] x) {
            double s = 0;
            for (int i = 0; i < hidden.b().length; i++) {
              double h = hidden().b()[i];
              for (int j = 0; j < x.length; j++) {
                h += hidden.w()[i][j] * x[j];
              }
              s += Math.tanh(h);
            }
            return scale * s * s;
          }
        }

        public static class Model {
          final double[] w;
          final double scale;

          public Model(double[] w, double scale) {
            this.w = w;
            this.scale = scale;
          }

          @Differentiable
          public double[] predict(double[] x) {
            double[] out = new double[x.length];
            for (int i = 0; i < x.length; i++) {
              out[i] = Math.sin(w[i] * x[i]) * scale;
            }
            return out;
          }
        }

        @Differentiable
        public static double loss(Params p, double[][] x, double[] y, @NoGrad Params prior) {
          double s = 0;
          for (int i = 0; i < y.length; i++) {
            double r = p.bias() - y[i];
            for (int j = 0; j < p.n(); j++) {
              r += p.w()[j] * x[i][j] * prior.w()[j];
            }
            s += r * r * Math.exp(0.1 * p.bias());
          }
          return s;
        }

        @Differentiable
        public static double[] residuals(Params p, double[][] x, double[] y) {
          double[] r = new double[y.length];
          for (int i = 0; i < y.length; i++) {
            r[i] = Math.cos(p.bias()) - y[i];
            for (int j = 0; j < p.n(); j++) {
              r[i] += p.w()[j] * x[i][j];
            }
          }
          return r;
        }
      }
      """);

  private static final Random RANDOM = new Random(11);

  private static Object params(int n) {
    return RecordCheck.construct(COMPILED.load("demo.Fit$Params"), GradCheck.uniform(RANDOM, -1, 1),
        GradCheck.vector(RANDOM, n, -1, 1), n);
  }

  private static Function<Object[], Object> staticMethod(String name) {
    Method m = CompiledCompanion.method(COMPILED.load("demo.Fit"), name);
    return args -> CompiledCompanion.invoke(m, null, args);
  }

  private static Function<Object[], Object> instanceMethod(String owner, String name) {
    Method m = CompiledCompanion.method(COMPILED.load(owner), name);
    return args -> CompiledCompanion.invoke(m, args[0], Arrays.copyOfRange(args, 1, args.length));
  }

  @Test
  void aScalarResultOverRecordParametersHasJvpJacobianAndHvp() {
    for (int trial = 0; trial < 3; trial++) {
      Object[] args = {params(3), GradCheck.matrix(RANDOM, 4, 3, -1, 1), GradCheck.vector(RANDOM, 4, -1, 1),
          params(3)};
      RecordModeCheck.check(COMPILED, "demo.FitGrad", "loss", staticMethod("loss"), args,
          new boolean[] {true, true, true, false}, RANDOM);
    }
  }

  @Test
  void anArrayResultOverRecordParametersHasJvpAndJacobian() {
    for (int trial = 0; trial < 3; trial++) {
      Object[] args = {params(2), GradCheck.matrix(RANDOM, 3, 2, -1, 1), GradCheck.vector(RANDOM, 3, -1, 1)};
      RecordModeCheck.check(COMPILED, "demo.FitGrad", "residuals", staticMethod("residuals"), args,
          new boolean[] {true, true, true}, RANDOM);
    }
  }

  @Test
  void anInstanceMethodOfANestedRecordHasForwardModes() {
    Class<?> layer = COMPILED.load("demo.Fit$Layer");
    Class<?> net = COMPILED.load("demo.Fit$Net");
    for (int trial = 0; trial < 3; trial++) {
      Object self = RecordCheck.construct(net, RecordCheck.construct(layer, GradCheck.matrix(RANDOM, 2, 3, -1, 1),
          GradCheck.vector(RANDOM, 2, -1, 1)), GradCheck.uniform(RANDOM, 0.5, 1.5));
      Object[] args = {self, GradCheck.vector(RANDOM, 3, -1, 1)};
      RecordModeCheck.check(COMPILED, "demo.Fit_NetGrad", "out", instanceMethod("demo.Fit$Net", "out"), args,
          new boolean[] {true, true}, RANDOM);
    }
  }

  @Test
  void anInstanceMethodOfAClassTakesNoTangentForItsFields() throws ReflectiveOperationException {
    Class<?> model = COMPILED.load("demo.Fit$Model");
    for (int trial = 0; trial < 3; trial++) {
      Object self = model.getConstructor(double[].class, double.class).newInstance(GradCheck.vector(RANDOM, 3, -1, 1),
          1.5);
      Object[] args = {self, GradCheck.vector(RANDOM, 3, -1, 1)};
      RecordModeCheck.check(COMPILED, "demo.Fit_ModelGrad", "predict", instanceMethod("demo.Fit$Model", "predict"),
          args, new boolean[] {false, true}, RANDOM);
    }
  }

  @Test
  void aTangentShapedUnlikeItsComponentIsRefusedAtRunTime() {
    Object p = params(3);
    Object wrong = RecordCheck.construct(COMPILED.load("demo.Fit$Params"), 1.0, new double[2], 3);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> COMPILED.callStatic(
        "demo.FitGrad", "residualsJvp", p, new double[1][3], new double[1], wrong, new double[1][3], new double[1]));
    assertTrue(e.getMessage().contains("p.w()"), e.getMessage());
  }

  @Test
  void theForwardModesAreTangentSweeps() {
    String source = COMPILED.generatedSource("demo.FitGrad");
    assertTrue(source.replaceAll("\\s+", " ").contains("public static LossJvp lossJvp(Fit.Params p, double[][] x,"
        + " double[] y, Fit.Params prior, Fit.Params t$p, double[][] t$x, double[] t$y)"), source);
    assertTrue(!source.contains("computed by reverse mode"), source);
  }
}
