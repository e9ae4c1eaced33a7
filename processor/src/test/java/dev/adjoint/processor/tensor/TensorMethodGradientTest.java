package dev.adjoint.processor.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.Gradcheck;
import dev.adjoint.Generator;
import dev.adjoint.Tensor;
import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.TensorEager;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tensor-typed {@code @Differentiable} methods: every supported operation, as one generated graph node,
 * gradient-checked against central differences of the forward pass (the runtime's {@link Gradcheck}) and
 * compared with the runtime's own eager autograd running the original method.
 */
class TensorMethodGradientTest {
  private static final String SOURCE = """
      package demo;

      import dev.adjoint.Differentiable;
      import dev.adjoint.Tensor;

      public final class T {
        @Differentiable
        public static Tensor arith(Tensor a, Tensor b, double c) {
          Tensor s = a.add(b).mul(a).sub(b.div(a.square().add(3.0)));
          return s.mul(c).add(c).sub(c).div(c).neg();
        }

        @Differentiable
        public static Tensor unary(Tensor a) {
          return a.exp().add(a.abs().log()).add(a.square().sqrt()).add(a.tanh()).add(a.sigmoid())
              .add(a.relu()).add(a.pow(3.0));
        }

        @Differentiable
        public static Tensor trig(Tensor a) {
          return a.sin().mul(a.cos()).add(a.abs().log1p()).add(a.expm1().mul(0.5)).add(a.cos().sin());
        }

        @Differentiable
        public static Tensor shapes(Tensor a, Tensor w) {
          Tensor m = a.matmul(w).t().transpose(0, 1).reshape(6).view(2, 3);
          return m.sum(1, false).mul(a.mean(0, true).sum());
        }

        @Differentiable
        public static Tensor reductions(Tensor a) {
          return a.sum().add(a.mean()).add(a.max()).add(a.min()).add(a.sum(0, true).mean())
              .add(a.mean(1, false).square().sum());
        }

        @Differentiable
        public static Tensor soft(Tensor a, int[] y) {
          return a.softmax(1).mul(a.logSoftmax(1)).sum().add(Tensor.crossEntropy(a, y));
        }

        @Differentiable
        public static Tensor dotItem(Tensor a, Tensor b) {
          double s = a.dot(b).item();
          return a.mul(s * s).sum();
        }

        @Differentiable
        public static Tensor detached(Tensor a, Tensor b) {
          return a.mul(b.detach()).sum();
        }

        @Differentiable
        public static double scalarOut(Tensor a, double k) {
          return a.mul(k).square().sum().item() + k * k;
        }

        @Differentiable
        public static Tensor loop(Tensor a, int n) {
          Tensor s = Tensor.zeros(a.shape());
          for (int i = 0; i < n; i++) {
            if (i % 2 == 0) {
              s = s.add(a.mul(i + 1.0));
            } else {
              s = s.sub(a.square()).tanh();
            }
          }
          return s.sum();
        }

        @Differentiable
        public static Tensor calls(Tensor a, Tensor b) {
          return arith(a, b, 1.5).sum().add(unary(a).mean());
        }

        @Differentiable
        public static Tensor constants(Tensor a) {
          Tensor shifted = a.matmul(Tensor.eye(a.size(1))).add(Tensor.ones(a.shape()));
          return shifted.square().mul(a.numel() + a.dim()).sum();
        }

        @Differentiable
        public static Tensor mlp(Tensor w1, Tensor b1, Tensor w2, Tensor x, int[] y) {
          Tensor h = x.matmul(w1).add(b1).tanh();
          return Tensor.crossEntropy(h.matmul(w2), y);
        }
      }
      """;

  private static CompiledCompanion compiled;

  @BeforeAll
  static void compile() {
    compiled = CompiledCompanion.compile("demo.T", SOURCE);
  }

  private static Tensor call(String name, Object... args) {
    return (Tensor) compiled.callStatic("demo.TGrad", name, args);
  }

  private static Tensor original(String name, Object... args) {
    return (Tensor) compiled.callStatic("demo.T", name, args);
  }

  private static Tensor randn(long seed, int... shape) {
    return Tensor.randn(new Generator().manualSeed(seed), shape).requiresGrad();
  }

  /** Gradcheck of the generated node, then the same value and gradients as eager autograd on the original. */
  private static void check(String name, Function<Tensor[], Object[]> args, Tensor... inputs) {
    TensorEager.check(name, a -> call(name, a), a -> original(name, a), args, 0, inputs);
  }

  @Test
  void arithmeticWithBroadcastingAndScalars() {
    check("arith", xs -> new Object[] {xs[0], xs[1], 0.7}, randn(1, 2, 3), randn(2, 3));
  }

  @Test
  void elementwiseFunctions() {
    check("unary", xs -> new Object[] {xs[0]}, randn(3, 3, 4));
  }

  @Test
  void sinCosLog1pExpm1() {
    check("trig", xs -> new Object[] {xs[0]}, randn(22, 3, 4));
  }

  @Test
  void matmulTransposeReshape() {
    check("shapes", xs -> new Object[] {xs[0], xs[1]}, randn(4, 2, 3), randn(5, 3, 3));
  }

  @Test
  void reductions() {
    check("reductions", xs -> new Object[] {xs[0]}, randn(6, 3, 4));
  }

  @Test
  void softmaxLogSoftmaxCrossEntropy() {
    int[] y = {2, 0, 1};
    check("soft", xs -> new Object[] {xs[0], y}, randn(7, 3, 4));
  }

  @Test
  void dotItemAndDetach() {
    // Inside a @Differentiable method item() is a double like any other and is differentiated; eager
    // autograd (like PyTorch's) leaves the graph at item(), so only central differences are the reference.
    Tensor[] inputs = {randn(8, 5), randn(9, 5)};
    assertTrue(Gradcheck.gradcheck(xs -> call("dotItem", xs[0], xs[1]), inputs));
    Tensor a = Tensor.randn(new Generator().manualSeed(8), 5);
    Tensor b = Tensor.randn(new Generator().manualSeed(9), 5);
    // d/db sum(a * (a.b)^2) = 2 (a.b) sum(a) a: a closed form, not the code under test.
    Map<String, Object> g = CompiledCompanion.components(compiled.callStatic("demo.TGrad", "dotItemGradient", a, b));
    Tensor expectedB = a.mul(2 * a.dot(b).item() * a.sum().item());
    assertTrue(((Tensor) g.get("b")).allClose(expectedB, 1e-9, 1e-12));
    // detach() stops the gradient: b gets zeros (not null), a gets b.
    Map<String, Object> d = CompiledCompanion.components(compiled.callStatic("demo.TGrad", "detachedGradient", a, b));
    assertTrue(((Tensor) d.get("a")).allClose(b, 1e-12, 0));
    assertTrue(((Tensor) d.get("b")).allClose(Tensor.zeros(5), 0, 0));
  }

  @Test
  void loopsAndBranchesOverTensors() {
    check("loop", xs -> new Object[] {xs[0], 5}, randn(10, 2, 2));
  }

  @Test
  void constantTensorsAndIntQueries() {
    check("constants", xs -> new Object[] {xs[0]}, randn(21, 2, 3));
  }

  @Test
  void callsBetweenTensorMethods() {
    check("calls", xs -> new Object[] {xs[0], xs[1]}, randn(11, 2, 3), randn(12, 3));
  }

  @Test
  void twoLayerNetworkLoss() {
    int[] y = {0, 2, 1, 1};
    check("mlp", xs -> new Object[] {xs[0], xs[1], xs[2], Tensor.randn(new Generator().manualSeed(13), 4, 3), y},
        randn(14, 3, 5), randn(15, 5), randn(16, 5, 3));
  }

  @Test
  void doubleResultWithTensorAndScalarParameters() {
    Tensor a = Tensor.randn(new Generator().manualSeed(17), 2, 3);
    double k = 0.8;
    Map<String, Object> g = CompiledCompanion.components(compiled.callStatic("demo.TGrad", "scalarOutGradient", a, k));
    // d/dk (k^2 |a|^2 + k^2) = 2k |a|^2 + 2k ; d/da = 2 k^2 a: closed forms, not the code under test.
    double norm2 = a.square().sum().item();
    assertEquals(2 * k * norm2 + 2 * k, (double) g.get("k"), 1e-9);
    assertTrue(((Tensor) g.get("a")).allClose(a.mul(2 * k * k), 1e-9, 1e-12));
  }

  @Test
  void resultIsOneNodeOfTheGraph() {
    Tensor a = Tensor.of(new double[][] {{2, 3}, {4, 1}}).requiresGrad();
    Tensor out = call("reductions", a);
    assertTrue(out.gradFnName().contains("ReductionsBackward"), out.gradFnName());
    out.backward();
    assertTrue(a.grad() != null);
  }

  @Test
  void tapeSemanticsForTensorResults() throws Exception {
    Tensor a = Tensor.randn(new Generator().manualSeed(18), 2, 3);
    Tensor b = Tensor.randn(new Generator().manualSeed(19), 3);
    Object tape = compiled.callStatic("demo.TGrad", "arithForward", a, b, 0.7);
    Tensor upstream = Tensor.randn(new Generator().manualSeed(20), 2, 3);
    Object first = CompiledCompanion.call(tape, "backward", upstream, true);
    Object second = CompiledCompanion.call(tape, "backward", upstream, true);
    assertEquals(CompiledCompanion.components(first).toString(), CompiledCompanion.components(second).toString());
    CompiledCompanion.call(tape, "backward", upstream, false);
    Method backward = tape.getClass().getMethod("backward", Tensor.class, boolean.class);
    InvocationTargetException freed = assertThrows(InvocationTargetException.class,
        () -> backward.invoke(tape, upstream, false));
    assertTrue(freed.getCause().getMessage().startsWith("Trying to backward through the graph a second time"));
    Object fresh = compiled.callStatic("demo.TGrad", "arithForward", a, b, 0.7);
    InvocationTargetException shape = assertThrows(InvocationTargetException.class,
        () -> backward.invoke(fresh, Tensor.ones(3), false));
    assertTrue(shape.getCause() instanceof IllegalArgumentException);
    assertTrue(shape.getCause().getMessage().contains("[3]") && shape.getCause().getMessage().contains("[2, 3]"),
        shape.getCause().getMessage());
    Method implicit = fresh.getClass().getMethod("backward");
    InvocationTargetException nonScalar = assertThrows(InvocationTargetException.class, () -> implicit.invoke(fresh));
    assertTrue(nonScalar.getCause().getMessage().contains("grad can be implicitly created only for scalar outputs"));
  }

  @Test
  void unsupportedTensorOperationIsACompileError() {
    var c = CompiledCompanion.compilation("demo.U", """
        package demo;

        import dev.adjoint.Differentiable;
        import dev.adjoint.Tensor;

        public final class U {
          @Differentiable
          public static Tensor f(Tensor a) {
            return a.addInPlace(a);
          }
        }
        """);
    com.google.testing.compile.CompilationSubject.assertThat(c)
        .hadErrorContaining("Tensor.addInPlace is not supported in a @Differentiable method")
        .inFile(c.sourceFiles().get(0)).onLine(9);
  }
}
