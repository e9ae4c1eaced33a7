package dev.adjoint.processor.modes;

import static dev.adjoint.processor.testing.GradCheck.uniform;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.records.RecordModeCheck;
import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import dev.adjoint.processor.testing.ModeCheck;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Calls of methods that take records or are instance methods, with a result other than {@code double} (an
 * array, a matrix, a record): the caller's {@code mJvp} is a tangent sweep through the callee's flat tangent
 * member {@code m$jvp} (which returns {@code MJvp$flat}, a record result packed), not the reverse-mode fallback.
 * {@link ModeCheck} and {@link RecordModeCheck} check mJvp against directional central differences and
 * mJacobian column by column; an instance method calling another with a {@code double} result has mHvp
 * (through the callee's tangent member {@code m$tan}), checked against differences of gradients.
 */
class RecordCalleeForwardModeTest {
  static final String SOURCE = """
      package demo;
      import dev.adjoint.Differentiable;
      final class F {
        record P(double a, double[] w) {
          @Differentiable
          double[] arr(double s) { return new double[] {a * s, Math.sin(w[0] * s), w[1] * a}; }

          @Differentiable
          S toS(double s) { return new S(a * s, w[1] * Math.cos(s)); }
        }

        record S(double x, double v) {}

        static final class C {
          final double k;
          final double[] w;

          C(double k, double[] w) {
            this.k = k;
            this.w = w;
          }

          @Differentiable
          double[] ea(double s) { return new double[] {k * s, w[0] * s * s}; }

          @Differentiable
          double e(double s) { return k * Math.sin(s) * w[0] + s * s; }

          @Differentiable
          double twice(double s) { return e(s) * e(s * s) + Math.cos(e(s)); }

          @Differentiable
          double both(double s) {
            double[] y = ea(s);
            return y[0] * y[1] + Math.exp(k * s);
          }
        }

        @Differentiable
        static double[] recArr(P p, double s) { return new double[] {p.a() * s, p.w()[0] * p.w()[1]}; }

        @Differentiable
        static double[][] recMat(P p, double s) { return new double[][] {{p.a() * s, 1}, {p.w()[0], s * s}}; }

        @Differentiable
        static S step(S s, double dt) { return new S(s.x() + dt * s.v(), s.v() - dt * Math.sin(s.x())); }

        @Differentiable
        static double callArr(double[] x, double s) {
          P p = new P(x[0], x);
          double[] y = p.arr(s);
          return y[0] * y[1] + y[2];
        }

        @Differentiable
        static double callToS(double[] x, double s) {
          P p = new P(x[0], x);
          S q = p.toS(s);
          return q.x() * q.v();
        }

        @Differentiable
        static double[] callRecArr(double[] x, double s) {
          P p = new P(x[1], x);
          double[] y = recArr(p, s);
          return new double[] {y[0] * y[1], y[1] * s};
        }

        @Differentiable
        static double callRecMat(double[] x, double s) {
          P p = new P(x[1], x);
          double[][] m = recMat(p, s);
          return m[0][0] * m[1][0] + m[1][1] * m[0][1];
        }

        @Differentiable
        static double callStep(double x0, double dt) {
          S s = new S(x0, 0.5);
          for (int i = 0; i < 3; i++) {
            s = step(s, dt);
          }
          return s.x() * s.v();
        }
      }
      """;

  private static final Map<String, Function<Random, Object[]>> CALLERS = Map.of(
      "callArr", r -> new Object[] {vector(r, 3, -1, 1), uniform(r, -1, 1)},
      "callToS", r -> new Object[] {vector(r, 2, -1, 1), uniform(r, -1, 1)},
      "callRecArr", r -> new Object[] {vector(r, 2, -1, 1), uniform(r, -1, 1)},
      "callRecMat", r -> new Object[] {vector(r, 2, -1, 1), uniform(r, -1, 1)},
      "callStep", r -> new Object[] {uniform(r, -1, 1), uniform(r, 0.1, 0.3)});

  @Test
  void callersOfRecordAndInstanceCalleesWithArrayOrRecordResultsHaveTangentSweeps() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", SOURCE);
    ModeCheck.requireTangentSweep(c, "demo.F");
    for (Map.Entry<String, Function<Random, Object[]>> e : CALLERS.entrySet()) {
      ModeCheck.of(c, "demo.F", e.getKey()).atRandomPoints(3, e.getValue());
      GradCheck.of(c, "demo.F", e.getKey()).atRandomPoints(2, e.getValue());
    }
    String source = c.generatedSource("demo.FGrad");
    assertTrue(source.contains("F_PGrad.arr$jvp(") && source.contains("F_PGrad.toS$jvp(")
        && source.contains("step$jvp(") && source.contains("recMat$jvp("), source);
    // an instance method calling an instance method with an array result
    String cSource = c.generatedSource("demo.F_CGrad");
    int start = cSource.indexOf("{", cSource.indexOf(" bothJvp("));
    String jvp = cSource.substring(start, cSource.indexOf("\n  }\n", start));
    assertFalse(jvp.contains("Vjp("), jvp);
    Random r = new Random(3);
    for (int trial = 0; trial < 3; trial++) {
      Object self = instance(c, uniform(r, 0.2, 1), vector(r, 2, -1, 1));
      double s = uniform(r, -1, 1);
      // an object's fields take no tangent
      RecordModeCheck.check(c, "demo.F_CGrad", "both", args -> CompiledCompanion.call(args[0], "both", args[1]),
          new Object[] {self, s}, new boolean[] {false, true}, r, null);
      // an instance method calling an instance method with a double result: mHvp through its tangent member
      RecordModeCheck.check(c, "demo.F_CGrad", "twice", args -> CompiledCompanion.call(args[0], "twice", args[1]),
          new Object[] {self, s}, new boolean[] {false, true}, r, true);
    }
  }

  private static Object instance(CompiledCompanion c, double k, double[] w) {
    try {
      java.lang.reflect.Constructor<?> make = c.load("demo.F$C").getDeclaredConstructor(double.class, double[].class);
      make.setAccessible(true);
      return make.newInstance(k, w);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }
}
