package dev.adjoint.processor.records;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@code mJacobian} of instance methods and of methods with record parameters or a record result chooses forward
 * mode (one sweep of the flat tangent member per differentiable element of the arguments) when the arguments have
 * no more differentiable elements than the result, and reverse mode otherwise (design.md §7 "More modes").
 * Each case runs on both sides of that choice where it can, and {@link RecordModeCheck} checks every column
 * against central differences of the original and every row against {@code mVjp} with a one-hot upstream.
 */
class RecordJacobianModesTest {
  private static final CompiledCompanion COMPILED = CompiledCompanion.compile("demo.Modes", """
      package demo;

      import dev.adjoint.Differentiable;
      import dev.adjoint.NoGrad;

      public final class Modes {
        public record P(double a, double b, int k) {}

        public record Off(double c) {}

        public record Lin(double[][] m, Off o) {}

        public record S(double x, double v) {}

        public record Traj(double[] xs, double e) {}

        public record Poly(double a, double b) {
          @Differentiable
          public double[] at(@NoGrad double[] ts) {
            double[] r = new double[ts.length];
            for (int i = 0; i < ts.length; i++) {
              r[i] = a * Math.sin(b * ts[i]) + b * b * ts[i];
            }
            return r;
          }

          @Differentiable
          public S move(@NoGrad double dt) {
            return new S(a + dt * b, b - dt * Math.sin(a));
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
              out[i] = Math.sin(w[i] * x[i]) * scale + x[0] * x[i];
            }
            return out;
          }
        }

        @Differentiable
        public static double[] curve(P p, int n) {
          double[] r = new double[n];
          for (int i = 0; i < n; i++) {
            r[i] = Math.exp(-p.a() * i) * Math.cos(p.b() * i + p.k());
          }
          return r;
        }

        @Differentiable
        public static double[] grid(Lin l, double t, int n) {
          double[] r = new double[n];
          for (int i = 0; i < n; i++) {
            double s = l.o().c() * i;
            for (int j = 0; j < l.m().length; j++) {
              for (int q = 0; q < l.m()[j].length; q++) {
                s += l.m()[j][q] * Math.sin((i + j + q) * t);
              }
            }
            r[i] = s * s;
          }
          return r;
        }

        @Differentiable
        public static Traj roll(S s, double dt, int n) {
          double[] xs = new double[n];
          double x = s.x();
          double v = s.v();
          for (int i = 0; i < n; i++) {
            double nx = x + dt * v;
            v = v - dt * Math.sin(x);
            x = nx;
            xs[i] = x;
          }
          return new Traj(xs, 0.5 * v * v - Math.cos(x));
        }
      }
      """);

  private static final Random RANDOM = new Random(13);

  private static Function<Object[], Object> staticMethod(String name) {
    Method m = CompiledCompanion.method(COMPILED.load("demo.Modes"), name);
    return args -> CompiledCompanion.invoke(m, null, args);
  }

  private static Function<Object[], Object> instanceMethod(String owner, String name) {
    Method m = CompiledCompanion.method(COMPILED.load(owner), name);
    return args -> CompiledCompanion.invoke(m, args[0], Arrays.copyOfRange(args, 1, args.length));
  }

  private static Object record(String name, Object... components) {
    return RecordCheck.construct(COMPILED.load("demo.Modes$" + name), components);
  }

  private static double u() {
    return GradCheck.uniform(RANDOM, -1, 1);
  }

  /** The generated {@code nameJacobian} goes through the flat tangent member when inputs are fewer. */
  private static void requireForwardBranch(String companion, String name) {
    String source = COMPILED.generatedSource(companion);
    int at = source.indexOf("Jacobian " + name + "Jacobian(");
    assertTrue(at >= 0, source);
    String body = source.substring(at, source.indexOf("\n  }\n", at));
    assertTrue(body.contains("fewer inputs than outputs") && body.contains(name + "$jvp("), body);
    assertTrue(body.contains("one reverse sweep per result element"), body);
  }

  @Test
  void aRecordParameterWithManyResultsIsDifferentiatedColumnByColumn() {
    requireForwardBranch("demo.ModesGrad", "curve");
    for (int n : new int[] {1, 2, 6}) { // 2 inputs: reverse for n = 1, forward for n >= 2
      Object[] args = {record("P", u(), u(), 3), n};
      RecordModeCheck.check(COMPILED, "demo.ModesGrad", "curve", staticMethod("curve"), args,
          new boolean[] {true, false}, RANDOM);
    }
  }

  @Test
  void aNestedRecordWithAMatrixComponent() {
    requireForwardBranch("demo.ModesGrad", "grid");
    for (int n : new int[] {3, 6, 9}) { // 2x2 + 1 + 1 = 6 inputs
      Object[] args = {record("Lin", GradCheck.matrix(RANDOM, 2, 2, -1, 1), record("Off", u())), u(), n};
      RecordModeCheck.check(COMPILED, "demo.ModesGrad", "grid", staticMethod("grid"), args,
          new boolean[] {true, true, false}, RANDOM);
    }
  }

  @Test
  void aRecordResultWithAnArray() {
    requireForwardBranch("demo.ModesGrad", "roll");
    for (int n : new int[] {1, 2, 5}) { // 3 inputs, n + 1 result slots
      Object[] args = {record("S", u(), u()), GradCheck.uniform(RANDOM, 0.05, 0.2), n};
      RecordModeCheck.check(COMPILED, "demo.ModesGrad", "roll", staticMethod("roll"), args,
          new boolean[] {true, true, false}, RANDOM);
    }
  }

  @Test
  void anInstanceMethodOfAClassHasNoColumnsForItsFields() throws ReflectiveOperationException {
    requireForwardBranch("demo.Modes_ModelGrad", "predict");
    Class<?> model = COMPILED.load("demo.Modes$Model");
    for (int n : new int[] {1, 4}) { // as many inputs as results: forward
      Object self = model.getConstructor(double[].class, double.class).newInstance(GradCheck.vector(RANDOM, n, -1, 1),
          1.5);
      Object[] args = {self, GradCheck.vector(RANDOM, n, -1, 1)};
      RecordModeCheck.check(COMPILED, "demo.Modes_ModelGrad", "predict",
          instanceMethod("demo.Modes$Model", "predict"), args, new boolean[] {false, true}, RANDOM);
    }
  }

  @Test
  void anInstanceMethodOfARecordWithANoGradParameter() {
    requireForwardBranch("demo.Modes_PolyGrad", "at");
    for (int n : new int[] {1, 2, 5}) { // self's 2 components are the inputs
      Object[] args = {record("Poly", u(), u()), GradCheck.vector(RANDOM, n, -1, 1)};
      RecordModeCheck.check(COMPILED, "demo.Modes_PolyGrad", "at", instanceMethod("demo.Modes$Poly", "at"), args,
          new boolean[] {true, false}, RANDOM);
    }
  }

  @Test
  void anInstanceMethodOfARecordWithARecordResult() {
    requireForwardBranch("demo.Modes_PolyGrad", "move");
    for (int trial = 0; trial < 3; trial++) { // 2 inputs, 2 result slots: forward
      Object[] args = {record("Poly", u(), u()), u()};
      RecordModeCheck.check(COMPILED, "demo.Modes_PolyGrad", "move", instanceMethod("demo.Modes$Poly", "move"), args,
          new boolean[] {true, false}, RANDOM);
    }
  }
}
