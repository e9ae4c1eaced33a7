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
 * Unqualified calls from a nested class or record resolve as javac resolves them (JLS 15.12.1): in the innermost
 * class around the call that has a method of that name, else through a static import; the outer class's static
 * {@code @Differentiable} methods and plain helpers are reached from a nested class, with record arguments and
 * results too. Every gradient is checked against central differences of the original, whose value is javac's
 * binding (a wrong binding changes the value), the forward modes of the record cases by {@link RecordModeCheck}.
 * The javac oracle ({@code JavacOracleTest}) compares the bindings themselves.
 */
class EnclosingClassCallTest {
  static final String OUTER = """
      package demo;

      import static demo.Lib.imported;

      import dev.adjoint.Differentiable;
      import dev.adjoint.NoGrad;

      final class Lib {
        @Differentiable
        static double imported(Outer.P p) {
          return p.a() * p.w()[0] * p.w()[1];
        }
      }

      public final class Outer {
        public record P(double a, double[] w) {}

        public record S(double u, double v) {}

        public static final class Model {
          final double[] w;
          final double scale;

          public Model(double[] w, double scale) {
            this.w = w;
            this.scale = scale;
          }

          @Differentiable
          public double fit(P p) {
            return energy(p, w) * scale;
          }

          @Differentiable
          public static double both(double x, double[] y) {
            return square(x) * y[0] + wave(y[1] * x);
          }

          @Differentiable
          public static double viaImport(P p) {
            return imported(p) + p.a() * p.a();
          }

          @Differentiable
          public static double viaRecordResult(double x) {
            S s = lift(x);
            return s.u() * s.v();
          }

          static double twice(double x) {
            return 5 * x;
          }

          static double pick(double x) {
            return 3 * x;
          }

          @Differentiable
          public static double shadowed(double x) {
            return twice(x) * x + pick(2) * x;
          }
        }

        public record Spring(double k, double[] x) {
          @Differentiable
          public double stored() {
            return k * square(x[0]) + wave(k * x[1]) + stretch(this, k);
          }
        }

        @Differentiable
        public static double energy(P p, @NoGrad double[] y) {
          double s = p.a() * p.a() * p.a();
          for (int i = 0; i < y.length; i++) {
            s += Math.exp(p.a() * p.w()[i]) * y[i];
          }
          return s;
        }

        @Differentiable
        static double square(double x) {
          return x * x * x;
        }

        static double wave(double x) {
          return Math.sin(x) * x;
        }

        @Differentiable
        static double stretch(Spring s, double c) {
          return c * s.x()[0] * s.x()[1];
        }

        @Differentiable
        static S lift(double x) {
          return new S(x * x, Math.cos(x));
        }

        static double twice(double x) {
          return 2 * x;
        }

        static double pick(int n) {
          return 7 * n;
        }
      }
      """;

  private static final CompiledCompanion COMPILED = CompiledCompanion.compile("demo.Outer", OUTER);
  private static final Random RANDOM = new Random(23);

  private static Function<Object[], Object> method(String owner, String name, boolean instance) {
    Method m = CompiledCompanion.method(COMPILED.load(owner), name);
    return instance ? args -> CompiledCompanion.invoke(m, args[0], Arrays.copyOfRange(args, 1, args.length))
        : args -> CompiledCompanion.invoke(m, null, args);
  }

  private static Object p(int n) {
    return RecordCheck.construct(COMPILED.load("demo.Outer$P"), GradCheck.uniform(RANDOM, -1, 1),
        GradCheck.vector(RANDOM, n, -1, 1));
  }

  @Test
  void anInstanceMethodOfANestedClassCallsTheOutersStaticMethodWithARecord() throws ReflectiveOperationException {
    for (int trial = 0; trial < 3; trial++) {
      Object model = COMPILED.load("demo.Outer$Model").getConstructor(double[].class, double.class)
          .newInstance(GradCheck.vector(RANDOM, 2 + trial, -1, 1), GradCheck.uniform(RANDOM, 0.5, 1.5));
      Object[] args = {model, p(2 + trial)};
      Function<Object[], Object> fit = method("demo.Outer$Model", "fit", true);
      RecordCheck.check(a -> (Double) fit.apply(a), args, new String[] {null, "p"},
          COMPILED.callStatic("demo.Outer_ModelGrad", "fitGradient", args));
      RecordModeCheck.check(COMPILED, "demo.Outer_ModelGrad", "fit", fit, args, new boolean[] {false, true}, RANDOM);
      RecordModeCheck.checkHessian(COMPILED, "demo.Outer_ModelGrad", "fit", args, 1);
    }
  }

  @Test
  void aStaticMethodOfANestedClassCallsTheOutersDifferentiableMethodAndPlainHelper() {
    GradCheck.of(COMPILED, "demo.Outer$Model", "both").at(0.7, new double[] {1.3, -0.4})
        .at(-1.1, new double[] {0.2, 0.9});
  }

  @Test
  void aStaticImportIsSearchedWhenNoEnclosingClassHasTheName() {
    for (int trial = 0; trial < 3; trial++) {
      Object[] args = {p(2)};
      Function<Object[], Object> viaImport = method("demo.Outer$Model", "viaImport", false);
      RecordCheck.check(a -> (Double) viaImport.apply(a), args, new String[] {"p"},
          COMPILED.callStatic("demo.Outer_ModelGrad", "viaImportGradient", args));
      RecordModeCheck.check(COMPILED, "demo.Outer_ModelGrad", "viaImport", viaImport, args, new boolean[] {true},
          RANDOM);
    }
  }

  @Test
  void theOutersMethodReturningARecordIsCalledFromANestedClass() {
    GradCheck.of(COMPILED, "demo.Outer$Model", "viaRecordResult").at(0.8).at(-1.3);
  }

  @Test
  void aNestedRecordsInstanceMethodCallsTheOutersStaticMethods() {
    for (int trial = 0; trial < 3; trial++) {
      Object spring = RecordCheck.construct(COMPILED.load("demo.Outer$Spring"), GradCheck.uniform(RANDOM, -1, 1),
          GradCheck.vector(RANDOM, 2, -1, 1));
      Object[] args = {spring};
      Function<Object[], Object> stored = method("demo.Outer$Spring", "stored", true);
      RecordCheck.check(a -> (Double) stored.apply(a), args, new String[] {"self"},
          COMPILED.callStatic("demo.Outer_SpringGrad", "storedGradient", args));
      // storedHvp goes through square's gradient and mHvp, wave's (a plain helper) and stretch's tangent member
      RecordModeCheck.check(COMPILED, "demo.Outer_SpringGrad", "stored", stored, args, new boolean[] {true}, RANDOM,
          true);
      RecordModeCheck.checkHessian(COMPILED, "demo.Outer_SpringGrad", "stored", args, 0);
    }
  }

  @Test
  void theNestedClassesOwnMethodOfTheNameHidesTheOutersEvenWhenTheOutersFitsBetter() {
    // javac calls Model.twice (5x) and Model.pick(double) (3 * 2.0), not Outer.twice (2x) nor Outer.pick(int):
    // f(x) = 5x^2 + 6x, f'(x) = 10x + 6.
    double x = 0.75;
    assertEquals(5 * x * x + 6 * x, (double) COMPILED.callStatic("demo.Outer_ModelGrad", "shadowed", x), 1e-12);
    assertEquals(10 * x + 6, (double) CompiledCompanion.components(
        COMPILED.callStatic("demo.Outer_ModelGrad", "shadowedGradient", x)).get("x"), 1e-12);
    GradCheck.of(COMPILED, "demo.Outer$Model", "shadowed").at(x).at(-2.5);
  }
}
