package dev.adjoint.processor.records;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import java.lang.reflect.Method;
import com.google.testing.compile.JavaFileObjects;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Instance methods (design.md §7): every companion member takes {@code self} first; a record's gradient has
 * a {@code self} component of its own type, an object's fields are constants. Checked against central
 * differences.
 */
class InstanceMethodGradientTest {
  private static final CompiledCompanion COMPILED = CompiledCompanion.compile("demo.Model", """
      package demo;

      import dev.adjoint.Differentiable;

      public class Model {
        final double[] w;
        double scale;
        final int n;
        final Quad prior;
        final Label label = new Label("a model");
        private final double[] unread = {1, 2};

        record Label(String text) {}

        public Model(double[] w, double scale, Quad prior) {
          this.w = w;
          this.scale = scale;
          this.n = w.length;
          this.prior = prior;
        }

        @Differentiable
        public double predict(double[] x) {
          double s = 0;
          for (int i = 0; i < n; i++) {
            s += w[i] * x[i];
          }
          return Math.tanh(s) * this.scale;
        }

        @Differentiable
        public double loss(double[] x, double y) {
          double p = predict(x) - y;
          return p * p + this.predict(x) + prior.eval(y) + prior.a();
        }

        public record Quad(double a, double b, int k) {
          @Differentiable
          public double eval(double x) {
            return a * x * x + b() * x + this.a * k + this.b() * this.a();
          }

          @Differentiable
          public double twice(double x) {
            return 2 * eval(x) + this.eval(x * x);
          }

          @Differentiable
          public static double sum(Quad q, Quad r, double x) {
            return q.eval(x) * r.twice(x);
          }
        }
      }
      """);

  private static final Random RANDOM = new Random(5);

  private static Object model() {
    Class<?> quad = COMPILED.load("demo.Model$Quad");
    Object prior = RecordCheck.construct(quad, 0.5, -0.25, 3);
    try {
      return COMPILED.load("demo.Model").getConstructor(double[].class, double.class, quad)
          .newInstance(GradCheck.vector(RANDOM, 3, -1, 1), 1.5, prior);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  /** The original instance method, {@code args[0]} its object. */
  private static Function<Object[], Double> original(String owner, String name) {
    Method m = CompiledCompanion.method(COMPILED.load(owner), name);
    return args -> ((Number) CompiledCompanion.invoke(m, args[0], Arrays.copyOfRange(args, 1, args.length)))
        .doubleValue();
  }

  @Test
  void anObjectsFieldsAreConstantsAndSelfComesFirst() {
    Object model = model();
    for (int trial = 0; trial < 5; trial++) {
      Object[] args = {model, GradCheck.vector(RANDOM, 3, -1, 1)};
      Object g = COMPILED.callStatic("demo.ModelGrad", "predictGradient", args);
      RecordCheck.check(original("demo.Model", "predict"), args, new String[] {null, "x"}, g);
      Object[] loss = {model, GradCheck.vector(RANDOM, 3, -1, 1), GradCheck.uniform(RANDOM, -1, 1)};
      Object gl = COMPILED.callStatic("demo.ModelGrad", "lossGradient", loss);
      RecordCheck.check(original("demo.Model", "loss"), loss, new String[] {null, "x", "y"}, gl);
      Method primal = Arrays.stream(COMPILED.load("demo.ModelGrad").getMethods())
          .filter(m -> m.getName().equals("loss") && m.getParameterTypes()[0] == COMPILED.load("demo.Model"))
          .findFirst().orElseThrow();
      assertEquals(original("demo.Model", "loss").apply(loss), (Double) CompiledCompanion.invoke(primal, null, loss));
    }
  }

  private static final CompiledCompanion CHAIN = CompiledCompanion.compile("demo.Chain", """
      package demo;

      import dev.adjoint.Differentiable;

      public class Chain {
        final int[] order;
        final double decay;

        public Chain(int[] order, double decay) {
          this.order = order;
          this.decay = decay;
        }

        @Differentiable
        public double power(double x, int n) {
          return n == 0 ? 1 : x * this.power(x, n - 1);
        }

        @Differentiable
        public double[] permuted(double[] x) {
          double[] y = new double[order.length];
          for (int i = 0; i < order.length; i++) {
            y[i] = x[order[i]] * power(decay, i);
          }
          return y;
        }

        @Differentiable
        public double energy(double[] x, Picked picked) {
          double s = 0;
          for (int i = 0; i < x.length; i++) {
            s += power(x[i], 3) * picked.weight();
          }
          for (int k = 0; k < picked.at().length; k++) {
            s += x[picked.at()[k]] * picked.weight();
          }
          return s;
        }

        public record Picked(int[] at, double weight) {}
      }
      """);

  private static Object chain() {
    try {
      return CHAIN.load("demo.Chain").getConstructor(int[].class, double.class).newInstance(new int[] {2, 0, 1}, 0.9);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void recursionArrayResultsAndCallsInLoops() {
    Object chain = chain();
    Method power = CompiledCompanion.method(CHAIN.load("demo.Chain"), "power");
    Method permuted = CompiledCompanion.method(CHAIN.load("demo.Chain"), "permuted");
    Method energy = CompiledCompanion.method(CHAIN.load("demo.Chain"), "energy");
    Class<?> picked = CHAIN.load("demo.Chain$Picked");
    for (int trial = 0; trial < 5; trial++) {
      Object[] args = {chain, GradCheck.uniform(RANDOM, -1.5, 1.5), 4};
      RecordCheck.check(a -> (Double) CompiledCompanion.invoke(power, a[0], a[1], a[2]), args,
          new String[] {null, "x", null}, CHAIN.callStatic("demo.ChainGrad", "powerGradient", args));
      double[] x = GradCheck.vector(RANDOM, 3, -1, 1);
      double[] upstream = GradCheck.vector(RANDOM, 3, -1, 1);
      Object g = CompiledCompanion.invoke(CompiledCompanion.method(CHAIN.load("demo.ChainGrad"), "permutedVjp"), null,
          chain, x, upstream);
      RecordCheck.check(a -> RecordGradientTest.dot(upstream, (double[]) CompiledCompanion.invoke(permuted, a[0], a[1])),
          new Object[] {chain, x}, new String[] {null, "x"}, g);
      Object pick = RecordCheck.construct(picked, new int[] {0, 2, 2}, GradCheck.uniform(RANDOM, -1, 1));
      Object[] e = {chain, x, pick};
      RecordCheck.check(a -> (Double) CompiledCompanion.invoke(energy, a[0], a[1], a[2]), e,
          new String[] {null, "x", "picked"}, CHAIN.callStatic("demo.ChainGrad", "energyGradient", e));
    }
  }

  @Test
  void aRetainedTapeOfAnInstanceMethodGivesTheSameGradientTwice() {
    Object chain = chain();
    double[] x = {0.3, -0.2, 0.5};
    Object tape = CompiledCompanion.invoke(CompiledCompanion.method(CHAIN.load("demo.ChainGrad"), "permutedForward"),
        null, chain, x);
    double[] upstream = {1, 2, 3};
    Object first = CompiledCompanion.call(tape, "backward", upstream, true);
    Object second = CompiledCompanion.call(tape, "backward", upstream, false);
    assertEquals(Arrays.toString(RecordCheck.slots(first)), Arrays.toString(RecordCheck.slots(second)));
    assertEquals(Arrays.toString((double[]) CompiledCompanion.invoke(CompiledCompanion.method(
        CHAIN.load("demo.Chain"), "permuted"), chain, (Object) x)), Arrays.toString(RecordCheck.slots(
        CompiledCompanion.call(tape, "value"))));
  }

  @Test
  void aNonFinalFieldIsReadWhenTheCompanionIsCalled() throws ReflectiveOperationException {
    Object model = model();
    Object[] args = {model, GradCheck.vector(RANDOM, 3, -1, 1)};
    java.lang.reflect.Field scale = COMPILED.load("demo.Model").getDeclaredField("scale");
    scale.setAccessible(true);
    scale.setDouble(model, -3.0);
    Object g = COMPILED.callStatic("demo.ModelGrad", "predictGradient", args);
    RecordCheck.check(original("demo.Model", "predict"), args, new String[] {null, "x"}, g);
  }

  @Test
  void recordsAndInstanceMethodsOfAClassCompiledEarlier(@TempDir Path dir) {
    CompiledCompanion lib = CompiledCompanion.compile("lib.Poly", """
        package lib;
        import dev.adjoint.Differentiable;
        public record Poly(double a, double[] c, int degree) {
          @Differentiable
          public double at(double x) {
            double s = a;
            double p = 1;
            for (int k = 0; k < degree; k++) {
              p *= x;
              s += c[k] * p;
            }
            return s;
          }

          @Differentiable
          public static double both(Poly p, Poly q, double x) {
            return p.at(x) * q.at(-x);
          }
        }
        """);
    lib.writeClassesTo(dir);
    CompiledCompanion user = CompiledCompanion.compile(List.of(JavaFileObjects.forSourceString("demo.Use", """
        package demo;
        import dev.adjoint.Differentiable;
        import lib.Poly;
        final class Use {
          @Differentiable
          static double f(Poly p, Poly q, double x) {
            return Poly.both(p, q, x) + p.at(x * x) + Math.sin(q.c()[0]);
          }
        }
        """)), List.of(dir.toFile())).withClassesFrom(lib);
    Class<?> poly = user.load("lib.Poly");
    Method f = CompiledCompanion.method(user.load("demo.Use"), "f");
    for (int trial = 0; trial < 5; trial++) {
      Object p = RecordCheck.construct(poly, GradCheck.uniform(RANDOM, -1, 1), GradCheck.vector(RANDOM, 3, -1, 1), 3);
      Object q = RecordCheck.construct(poly, GradCheck.uniform(RANDOM, -1, 1), GradCheck.vector(RANDOM, 2, -1, 1), 2);
      Object[] args = {p, q, GradCheck.uniform(RANDOM, -1, 1)};
      RecordCheck.check(a -> (Double) CompiledCompanion.invoke(f, null, a), args, new String[] {"p", "q", "x"},
          user.callStatic("demo.UseGrad", "fGradient", args));
    }
  }

  @Test
  void aRecordsGradientHasASelfComponent() {
    Class<?> quad = COMPILED.load("demo.Model$Quad");
    for (int trial = 0; trial < 5; trial++) {
      Object q = RecordCheck.construct(quad, GradCheck.uniform(RANDOM, -1, 1), GradCheck.uniform(RANDOM, -1, 1), 2);
      Object r = RecordCheck.construct(quad, GradCheck.uniform(RANDOM, -1, 1), GradCheck.uniform(RANDOM, -1, 1), 3);
      double x = GradCheck.uniform(RANDOM, -1, 1);
      Object[] args = {q, x};
      RecordCheck.check(original("demo.Model$Quad", "eval"), args, new String[] {"self", "x"},
          COMPILED.callStatic("demo.Model_QuadGrad", "evalGradient", args));
      RecordCheck.check(original("demo.Model$Quad", "twice"), args, new String[] {"self", "x"},
          COMPILED.callStatic("demo.Model_QuadGrad", "twiceGradient", args));
      Method sum = CompiledCompanion.method(quad, "sum");
      Object[] three = {q, r, x};
      RecordCheck.check(a -> (Double) CompiledCompanion.invoke(sum, null, a), three, new String[] {"q", "r", "x"},
          COMPILED.callStatic("demo.Model_QuadGrad", "sumGradient", three));
    }
  }
}
