package dev.adjoint.processor.records;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@code mHessian} of instance methods and methods with record parameters (design.md §7 "More modes"): generated
 * for a {@code double} result with {@code mHvp} when exactly one public parameter has a gradient ({@code self} of
 * a record counts as one, an object's fields do not) and it is a {@code double[]} or a record; the Hessian is
 * over its double slots, depth first. Rows are checked against central differences of {@code mGradient}
 * ({@link RecordModeCheck#checkHessian}), the other modes by {@link RecordModeCheck#check}.
 */
class RecordHessianTest {
  private static final CompiledCompanion COMPILED = CompiledCompanion.compile("demo.Hess", """
      package demo;

      import dev.adjoint.Differentiable;
      import dev.adjoint.NoGrad;

      public final class Hess {
        public record Q(double[][] m) {}

        public record P(double a, double[] w, int n, Q q) {}

        public record Spring(double k, double[] x) {
          @Differentiable
          public double energy() {
            double s = 0;
            for (int i = 0; i < x.length; i++) {
              s += k * x[i] * x[i] * x[i] + Math.sin(k * x[i]);
            }
            return s;
          }

          @Differentiable
          public double scaled(@NoGrad double c, double[] y) {
            return c * k * y[0] * x[0] * y[0];
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
          public double loss(double[] x) {
            double s = 0;
            for (int i = 0; i < x.length; i++) {
              double r = Math.sin(w[i] * x[i]) * scale - x[0] * x[i];
              s += r * r;
            }
            return s;
          }

          @Differentiable
          public double fit(P p) {
            return Hess.energy(p, w) * scale;
          }

          @Differentiable
          public double pair(double a, double b) {
            return a * a * b * scale;
          }
        }

        @Differentiable
        public static double energy(P p, @NoGrad double[] y) {
          double s = p.a() * p.a() * p.a();
          for (int i = 0; i < p.n(); i++) {
            s += Math.exp(p.a() * p.w()[i]) * y[i];
            for (int j = 0; j < p.q().m()[i].length; j++) {
              s += p.q().m()[i][j] * p.q().m()[i][j] * p.w()[i] + Math.cos(p.q().m()[i][j] * p.a());
            }
          }
          return s;
        }

        @Differentiable
        public static double two(P p, double[] y) {
          return p.a() * y[0] * p.w()[0] * y[0];
        }
      }
      """);

  private static final Random RANDOM = new Random(17);

  private static Function<Object[], Object> staticMethod(String name) {
    Method m = CompiledCompanion.method(COMPILED.load("demo.Hess"), name);
    return args -> CompiledCompanion.invoke(m, null, args);
  }

  private static Function<Object[], Object> instanceMethod(String owner, String name) {
    Method m = CompiledCompanion.method(COMPILED.load(owner), name);
    return args -> CompiledCompanion.invoke(m, args[0], Arrays.copyOfRange(args, 1, args.length));
  }

  private static Object p(int n) {
    return RecordCheck.construct(COMPILED.load("demo.Hess$P"), GradCheck.uniform(RANDOM, -1, 1),
        GradCheck.vector(RANDOM, n, -1, 1), n,
        RecordCheck.construct(COMPILED.load("demo.Hess$Q"), (Object) GradCheck.matrix(RANDOM, n, 2, -1, 1)));
  }

  private static Object model(int n) throws ReflectiveOperationException {
    return COMPILED.load("demo.Hess$Model").getConstructor(double[].class, double.class)
        .newInstance(GradCheck.vector(RANDOM, n, -1, 1), GradCheck.uniform(RANDOM, 0.5, 1.5));
  }

  private static boolean has(String companion, String member) {
    return Arrays.stream(COMPILED.load(companion).getDeclaredMethods()).anyMatch(m -> m.getName().equals(member));
  }

  @Test
  void theHessianIsGeneratedForOnePartWithAGradientThatIsAVectorOrARecord() {
    assertEquals(true, has("demo.HessGrad", "energyHessian"), "a record and a @NoGrad array");
    assertEquals(true, has("demo.Hess_SpringGrad", "energyHessian"), "a record's own components");
    assertEquals(true, has("demo.Hess_ModelGrad", "lossHessian"), "an object's method of one double[]");
    assertEquals(true, has("demo.Hess_ModelGrad", "fitHessian"), "an object's method of one record");
    assertEquals(false, has("demo.HessGrad", "twoHessian"), "a record and an array");
    assertEquals(false, has("demo.Hess_SpringGrad", "scaledHessian"), "self and an array");
    assertEquals(false, has("demo.Hess_ModelGrad", "pairHessian"), "two doubles");
  }

  @Test
  void aRecordParameterWithNestedArraysAndMatrices() {
    for (int trial = 0; trial < 3; trial++) {
      Object[] args = {p(2 + trial), GradCheck.vector(RANDOM, 2 + trial, -1, 1)};
      RecordModeCheck.checkHessian(COMPILED, "demo.HessGrad", "energy", args, 0);
      RecordModeCheck.check(COMPILED, "demo.HessGrad", "energy", staticMethod("energy"), args,
          new boolean[] {true, false}, RANDOM);
    }
  }

  @Test
  void anInstanceMethodOfARecordOverItsComponents() {
    for (int trial = 0; trial < 3; trial++) {
      Object self = RecordCheck.construct(COMPILED.load("demo.Hess$Spring"), GradCheck.uniform(RANDOM, -1, 1),
          GradCheck.vector(RANDOM, 1 + trial, -1, 1));
      Object[] args = {self};
      RecordModeCheck.checkHessian(COMPILED, "demo.Hess_SpringGrad", "energy", args, 0);
      RecordModeCheck.check(COMPILED, "demo.Hess_SpringGrad", "energy", instanceMethod("demo.Hess$Spring", "energy"),
          args, new boolean[] {true}, RANDOM);
    }
  }

  @Test
  void anInstanceMethodOfAClassOverItsArrayOrRecordParameter() throws ReflectiveOperationException {
    for (int trial = 0; trial < 3; trial++) {
      Object[] loss = {model(3 + trial), GradCheck.vector(RANDOM, 3 + trial, -1, 1)};
      RecordModeCheck.checkHessian(COMPILED, "demo.Hess_ModelGrad", "loss", loss, 1);
      RecordModeCheck.check(COMPILED, "demo.Hess_ModelGrad", "loss", instanceMethod("demo.Hess$Model", "loss"), loss,
          new boolean[] {false, true}, RANDOM);
      Object[] fit = {model(2 + trial), p(2 + trial)};
      RecordModeCheck.checkHessian(COMPILED, "demo.Hess_ModelGrad", "fit", fit, 1);
      RecordModeCheck.check(COMPILED, "demo.Hess_ModelGrad", "fit", instanceMethod("demo.Hess$Model", "fit"), fit,
          new boolean[] {false, true}, RANDOM);
    }
  }
}
