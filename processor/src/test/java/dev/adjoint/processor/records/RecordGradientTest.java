package dev.adjoint.processor.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Records as differentiable parameters and instance methods (design.md §7 "Records and objects"), every
 * gradient checked against central differences ({@link RecordCheck}).
 */
class RecordGradientTest {
  private static final CompiledCompanion COMPILED = CompiledCompanion.compile("demo.Fit", """
      package demo;

      import dev.adjoint.Differentiable;
      import dev.adjoint.NoGrad;

      public final class Fit {
        public record Params(double bias, double[] w, int n) {}

        public record Layer(double[][] w, double[] b) {}

        public record Net(Layer hidden, Layer out, double scale, boolean relu) {}

        public record Config(int steps, long seed, int[] order) {}

        @Differentiable
        public static double loss(Params p, double[][] x, double[] y) {
          double s = 0;
          for (int i = 0; i < y.length; i++) {
            double r = p.bias() - y[i];
            for (int j = 0; j < p.n(); j++) {
              r += p.w()[j] * x[i][j];
            }
            s += r * r;
          }
          return s;
        }

        @Differentiable
        public static double total(Params p, double[][] x, double[] y, @NoGrad Params prior) {
          double penalty = 0;
          for (int j = 0; j < p.w().length; j++) {
            double d = p.w()[j] - prior.w()[j];
            penalty += d * d;
          }
          return 2 * loss(p, x, y) + penalty + Math.sin(p.bias()) * prior.bias();
        }

        @Differentiable
        public static double[] residuals(Params p, double[][] x, double[] y) {
          double[] r = new double[y.length];
          for (int i = 0; i < y.length; i++) {
            r[i] = p.bias() - y[i];
            for (int j = 0; j < p.n(); j++) {
              r[i] += p.w()[j] * x[i][j];
            }
          }
          return r;
        }

        @Differentiable
        static double net(Net net, double[] x, Config config) {
          double s = 0;
          for (int k = 0; k < config.steps(); k++) {
            for (int i = 0; i < net.hidden().b().length; i++) {
              double h = net.hidden().b()[i];
              for (int j = 0; j < x.length; j++) {
                h += net.hidden().w()[i][j] * x[j];
              }
              h = net.relu() ? Math.max(h, 0) : Math.tanh(h);
              s += net.out().w()[0][i] * h;
            }
          }
          return net.scale() * s + net.out().b()[0];
        }

        @Differentiable
        static double layer(Layer l, double[] x) {
          double s = 0;
          for (int i = 0; i < l.b().length; i++) {
            double h = l.b()[i];
            for (int j = 0; j < x.length; j++) {
              h += l.w()[i][j] * x[j];
            }
            s += Math.tanh(h);
          }
          return s;
        }

        @Differentiable
        static double locals(Net net, double[] x, Params p) {
          var h = net.hidden();
          Layer o = net.out();
          double s = layer(h, x) + layer(o, x);
          Params q = new Params(p.bias() * 2, p.w(), p.n());
          double[] fresh = new double[p.n()];
          for (int j = 0; j < p.n(); j++) {
            fresh[j] = q.w()[j] * q.bias();
          }
          Params r = new Params(Math.exp(q.bias()), fresh.clone(), 2);
          fresh[0] = 100;
          Layer l2 = new Layer(new double[][] {{q.bias(), 1}, {2, q.w()[0]}}, new double[] {x[0], x[1]});
          for (int k = 0; k < 3; k++) {
            Params inLoop = new Params(s * k, r.w(), k);
            Net n2 = new Net(l2, h, inLoop.bias(), k == 1);
            s += inLoop.bias() * r.w()[0] + layer(n2.hidden(), x) * n2.scale() + loss(inLoop, h.w(), x);
          }
          return s + r.bias() * r.w()[1] + fresh[0];
        }

        @Differentiable
        static double loops(Params p, Layer l) {
          double s = 0;
          for (double v : p.w()) {
            s += v * v;
          }
          for (double[] row : l.w()) {
            s += row[0] * p.bias();
          }
          double[] c = p.w().clone();
          c[0] = 3 * c[0];
          double t = 0;
          for (int j = 0; j < c.length; j++) {
            t += c[j] * l.b()[j];
          }
          return s * t;
        }

        @Differentiable
        static double plain(double x, double[] w) {
          Params q = new Params(x * x, w, w.length);
          Layer l = new Layer(new double[][] {{x, 1}, {w[0], x}}, new double[] {x, w[1]});
          return loss(q, l.w(), l.b()) + layer(l, w) + q.w()[0] * x;
        }

        @Differentiable
        static double obscuring(Params Math, Params upstream, Params demo, double x) {
          return java.lang.Math.sin(Math.bias() * x) * upstream.bias() + demo.w()[0];
        }

        @Differentiable
        static double twoLayers(Net net, double[] x) {
          return layer(net.hidden(), x) * net.scale() + layer(net.out(), x);
        }
      }
      """);

  private static final Random RANDOM = new Random(12);

  private static Object params(Class<?> type, int n) {
    return RecordCheck.construct(type, GradCheck.uniform(RANDOM, -1, 1), GradCheck.vector(RANDOM, n, -1, 1), n);
  }

  private static Function<Object[], Double> original(String owner, String name) {
    Method m = CompiledCompanion.method(COMPILED.load(owner), name);
    return args -> ((Number) CompiledCompanion.invoke(m, null, args)).doubleValue();
  }

  @Test
  void aRecordParameterHasAGradientOfItsOwnType() {
    Class<?> params = COMPILED.load("demo.Fit$Params");
    for (int trial = 0; trial < 5; trial++) {
      Object p = params(params, 3);
      Object[] args = {p, GradCheck.matrix(RANDOM, 4, 3, -1, 1), GradCheck.vector(RANDOM, 4, -1, 1)};
      Object g = COMPILED.callStatic("demo.FitGrad", "lossGradient", args);
      RecordCheck.check(original("demo.Fit", "loss"), args, new String[] {"p", "x", "y"}, g);
      assertEquals(params, CompiledCompanion.components(g).get("p").getClass());
    }
  }

  @Test
  void recordsPassThroughCallsAndNoGradRecordsHaveNoComponent() {
    Class<?> params = COMPILED.load("demo.Fit$Params");
    for (int trial = 0; trial < 5; trial++) {
      Object[] args = {params(params, 3), GradCheck.matrix(RANDOM, 4, 3, -1, 1), GradCheck.vector(RANDOM, 4, -1, 1),
          params(params, 3)};
      Object g = COMPILED.callStatic("demo.FitGrad", "totalGradient", args);
      RecordCheck.check(original("demo.Fit", "total"), args, new String[] {"p", "x", "y", null}, g);
    }
  }

  @Test
  void anArrayResultTakesItsUpstreamAfterTheRecords() {
    Class<?> params = COMPILED.load("demo.Fit$Params");
    Function<Object[], double[]> residuals = args -> (double[]) CompiledCompanion.invoke(
        CompiledCompanion.method(COMPILED.load("demo.Fit"), "residuals"), null, args);
    for (int trial = 0; trial < 3; trial++) {
      Object[] args = {params(params, 2), GradCheck.matrix(RANDOM, 3, 2, -1, 1), GradCheck.vector(RANDOM, 3, -1, 1)};
      double[] upstream = GradCheck.vector(RANDOM, 3, -1, 1);
      Object[] vjpArgs = Arrays.copyOf(args, 4);
      vjpArgs[3] = upstream;
      Object g = CompiledCompanion.invoke(vjp("demo.FitGrad", "residualsVjp"), null, vjpArgs);
      RecordCheck.check(a -> dot(upstream, residuals.apply(a)), args, new String[] {"p", "x", "y"}, g);
    }
  }

  @Test
  void nestedRecordsAndNonDifferentiableComponents() {
    Class<?> layer = COMPILED.load("demo.Fit$Layer");
    Class<?> net = COMPILED.load("demo.Fit$Net");
    Class<?> config = COMPILED.load("demo.Fit$Config");
    for (boolean relu : new boolean[] {false, true}) {
      Object n = RecordCheck.construct(net,
          RecordCheck.construct(layer, GradCheck.matrix(RANDOM, 3, 2, -1, 1), GradCheck.vector(RANDOM, 3, -1, 1)),
          RecordCheck.construct(layer, GradCheck.matrix(RANDOM, 1, 3, -1, 1), GradCheck.vector(RANDOM, 1, -1, 1)),
          GradCheck.uniform(RANDOM, 0.5, 2), relu);
      Object c = RecordCheck.construct(config, 2, 7L, new int[] {1, 0});
      Object[] args = {n, GradCheck.vector(RANDOM, 2, -1, 1), c};
      Object g = COMPILED.callStatic("demo.FitGrad", "netGradient", args);
      RecordCheck.check(original("demo.Fit", "net"), args, new String[] {"net", "x", null}, g);
      Object[] two = {n, GradCheck.vector(RANDOM, 2, -1, 1)};
      Object g2 = COMPILED.callStatic("demo.FitGrad", "twoLayersGradient", two);
      RecordCheck.check(original("demo.Fit", "twoLayers"), two, new String[] {"net", "x"}, g2);
    }
  }

  @Test
  void recordLocalsFromRecordValuesAndFromCanonicalConstruction() {
    Class<?> layer = COMPILED.load("demo.Fit$Layer");
    Class<?> net = COMPILED.load("demo.Fit$Net");
    Class<?> params = COMPILED.load("demo.Fit$Params");
    for (int trial = 0; trial < 5; trial++) {
      Object n = RecordCheck.construct(net,
          RecordCheck.construct(layer, GradCheck.matrix(RANDOM, 3, 2, -1, 1), GradCheck.vector(RANDOM, 3, -1, 1)),
          RecordCheck.construct(layer, GradCheck.matrix(RANDOM, 1, 2, -0.5, 0.5), GradCheck.vector(RANDOM, 1, -1, 1)),
          GradCheck.uniform(RANDOM, 0.5, 2), false);
      Object[] args = {n, GradCheck.vector(RANDOM, 2, -0.5, 0.5), RecordCheck.construct(params,
          GradCheck.uniform(RANDOM, -0.5, 0.5), GradCheck.vector(RANDOM, 2, -0.5, 0.5), 2)};
      RecordCheck.check(original("demo.Fit", "locals"), args, new String[] {"net", "x", "p"},
          COMPILED.callStatic("demo.FitGrad", "localsGradient", args));
    }
  }

  @Test
  void enhancedForLoopsAndCopiesOfARecordsArrays() {
    Class<?> params = COMPILED.load("demo.Fit$Params");
    Class<?> layer = COMPILED.load("demo.Fit$Layer");
    for (int trial = 0; trial < 3; trial++) {
      Object[] args = {params(params, 3),
          RecordCheck.construct(layer, GradCheck.matrix(RANDOM, 2, 2, -1, 1), GradCheck.vector(RANDOM, 3, -1, 1))};
      String before = Arrays.toString(RecordCheck.slots(args[0])) + Arrays.toString(RecordCheck.slots(args[1]));
      RecordCheck.check(original("demo.Fit", "loops"), args, new String[] {"p", "l"},
          COMPILED.callStatic("demo.FitGrad", "loopsGradient", args));
      assertEquals(before, Arrays.toString(RecordCheck.slots(args[0])) + Arrays.toString(RecordCheck.slots(args[1])),
          "the records are not changed");
    }
  }

  @Test
  void aPlainMethodWithRecordLocalsKeepsEveryModeOfItsCompanion() {
    // GradCheck also checks mJvp and mJacobian, here computed by reverse mode through the record calls
    GradCheck.of(COMPILED, "demo.Fit", "plain").atRandomPoints(4, r -> new Object[] {GradCheck.uniform(r, -1, 1),
        GradCheck.vector(r, 2, -1, 1)});
  }

  @Test
  void recordParametersNamedLikeWhatTheCompanionSpellsStillWork() {
    Class<?> params = COMPILED.load("demo.Fit$Params");
    Object[] args = {params(params, 1), params(params, 1), params(params, 1), 0.7};
    RecordCheck.check(original("demo.Fit", "obscuring"), args, new String[] {"Math", "upstream", "demo", "x"},
        COMPILED.callStatic("demo.FitGrad", "obscuringGradient", args));
  }

  @Test
  void theForwardTapeAndValueAndGradientAgreeWithTheFusedPass() {
    Class<?> params = COMPILED.load("demo.Fit$Params");
    Object[] args = {params(params, 3), GradCheck.matrix(RANDOM, 4, 3, -1, 1), GradCheck.vector(RANDOM, 4, -1, 1)};
    Object fused = COMPILED.callStatic("demo.FitGrad", "lossGradient", args);
    Object tape = COMPILED.callStatic("demo.FitGrad", "lossForward", args);
    Object viaTape = CompiledCompanion.call(tape, "backward");
    assertEquals(Arrays.toString(RecordCheck.slots(fused)), Arrays.toString(RecordCheck.slots(viaTape)));
    Object pair = COMPILED.callStatic("demo.FitGrad", "lossValueAndGradient", args);
    assertEquals(original("demo.Fit", "loss").apply(args), (Double) CompiledCompanion.components(pair).get("value"));
    assertEquals(Arrays.toString(RecordCheck.slots(fused)),
        Arrays.toString(RecordCheck.slots(CompiledCompanion.components(pair).get("gradient"))));
    assertTrue(fused.toString().startsWith("LossGradient[p=Params[bias="), fused.toString());
  }

  private static Method vjp(String owner, String name) {
    return CompiledCompanion.method(COMPILED.load(owner), name);
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
