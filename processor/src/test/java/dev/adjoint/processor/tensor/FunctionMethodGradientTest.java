package dev.adjoint.processor.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.Autograd;
import dev.adjoint.Gradcheck;
import dev.adjoint.Generator;
import dev.adjoint.Tensor;
import dev.adjoint.processor.testing.CompiledCompanion;
import java.util.Arrays;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An {@code AutogradFunction} applied inside {@code @Differentiable} tensor methods ({@code new C().apply(x)}
 * and a {@code static final} field, also of another class, also in a loop): the generated node
 * gradient-checked against central differences and compared with eager autograd on the original method; the
 * function's own {@code backward} decides the gradient (a straight-through estimator, which central
 * differences cannot see), {@code needsInputGrad} asks for one input at a time, and second derivatives through
 * the node match eager autograd's.
 */
class FunctionMethodGradientTest {
  private static final String SOURCE = """
      package demo;

      import dev.adjoint.AutogradFunction;
      import dev.adjoint.Differentiable;
      import dev.adjoint.Tensor;

      public final class F {
        static final class Cube extends AutogradFunction {
          @Override protected Tensor forward(Context ctx, Tensor... in) {
            ctx.saveForBackward(in[0]);
            return in[0].pow(3.0);
          }
          @Override protected Tensor[] backward(Context ctx, Tensor g) {
            Tensor x = ctx.savedTensors()[0];
            return new Tensor[] {ctx.needsInputGrad(0) ? g.mul(x.square().mul(3.0)) : null};
          }
        }

        /** x * y + x; counts its backward passes and the inputs they were asked for. */
        static final class MulAdd extends AutogradFunction {
          static int asked;
          static int passes;
          @Override protected Tensor forward(Context ctx, Tensor... in) {
            ctx.saveForBackward(in[0], in[1]);
            return in[0].mul(in[1]).add(in[0]);
          }
          @Override protected Tensor[] backward(Context ctx, Tensor g) {
            Tensor[] s = ctx.savedTensors();
            passes++;
            for (int i = 0; i < 2; i++) {
              asked += ctx.needsInputGrad(i) ? 1 : 0;
            }
            return new Tensor[] {ctx.needsInputGrad(0) ? g.mul(s[1].add(1.0)) : null,
                ctx.needsInputGrad(1) ? g.mul(s[0]) : null};
          }
        }

        /** round(x) forward, the identity backward. */
        static final class StraightThrough extends AutogradFunction {
          @Override protected Tensor forward(Context ctx, Tensor... in) {
            return in[0].add(0.5).floor();
          }
          @Override protected Tensor[] backward(Context ctx, Tensor g) {
            return new Tensor[] {g};
          }
        }

        static final AutogradFunction MUL_ADD = new MulAdd();

        static final class Holder {
          static final Cube CUBE = new Cube();
        }

        @Differentiable
        public static Tensor looped(Tensor a, Tensor b, int n) {
          Tensor s = a;
          for (int i = 0; i < n; i++) {
            s = i % 2 == 0 ? MUL_ADD.apply(s.tanh(), b) : new Cube().apply(s.mul(0.5));
          }
          return s.sum();
        }

        @Differentiable
        public static Tensor viaOtherClass(Tensor a) {
          return Holder.CUBE.apply(a.sin()).mean();
        }

        @Differentiable
        public static Tensor cube(Tensor a) {
          return new Cube().apply(a.tanh()).sum();
        }

        @Differentiable
        public static Tensor pair(Tensor a, Tensor b) {
          return MUL_ADD.apply(a.exp(), b).mul(a).sum().add(new Cube().apply(b).mean());
        }

        @Differentiable
        public static Tensor straight(Tensor a) {
          return new StraightThrough().apply(a.mul(3.0)).mul(a).sum();
        }
      }
      """;

  private static CompiledCompanion compiled;

  @BeforeAll
  static void compile() {
    compiled = CompiledCompanion.compile("demo.F", SOURCE);
  }

  private static Tensor call(String name, Object... args) {
    return (Tensor) compiled.callStatic("demo.FGrad", name, args);
  }

  private static Tensor original(String name, Object... args) {
    return (Tensor) compiled.callStatic("demo.F", name, args);
  }

  private static Tensor randn(long seed, int... shape) {
    return Tensor.randn(new Generator().manualSeed(seed), shape).requiresGrad();
  }

  private static Tensor[] leaves(Tensor[] inputs) {
    return Arrays.stream(inputs).map(t -> t.detach().requiresGrad()).toArray(Tensor[]::new);
  }

  /** The node's value and gradients equal eager autograd's on the original method. */
  private static void compareWithEager(String name, Tensor... inputs) {
    Tensor[] viaNode = leaves(inputs);
    Tensor[] eager = leaves(inputs);
    Tensor nodeValue = call(name, (Object[]) viaNode);
    Tensor eagerValue = original(name, (Object[]) eager);
    assertTrue(nodeValue.allClose(eagerValue, 1e-12, 1e-12), name + " forward value");
    nodeValue.backward();
    eagerValue.backward();
    for (int i = 0; i < inputs.length; i++) {
      assertTrue(viaNode[i].grad().allClose(eager[i].grad(), 1e-12, 1e-12),
          name + " input " + i + ": " + viaNode[i].grad() + " vs eager " + eager[i].grad());
    }
  }

  @Test
  void aFunctionCreatedInTheMethod() {
    Tensor a = randn(1, 3, 4);
    assertTrue(Gradcheck.gradcheck(xs -> call("cube", xs[0]), a));
    compareWithEager("cube", a);
    assertTrue(call("cube", a).gradFnName().contains("CubeBackward"));
  }

  @Test
  void aFunctionInAStaticFinalFieldWithTwoInputs() {
    Tensor a = randn(2, 2, 3);
    Tensor b = randn(3, 2, 3);
    assertTrue(Gradcheck.gradcheck(xs -> call("pair", xs[0], xs[1]), a, b));
    compareWithEager("pair", a, b);
  }

  @Test
  void aFunctionInAnotherClassesField() {
    Tensor a = randn(7, 2, 2);
    assertTrue(Gradcheck.gradcheck(xs -> call("viaOtherClass", xs[0]), a));
    compareWithEager("viaOtherClass", a);
  }

  @Test
  void appliedInALoop() {
    Tensor a = randn(8, 3);
    Tensor b = randn(9, 3);
    assertTrue(Gradcheck.gradcheck(xs -> (Tensor) compiled.callStatic("demo.FGrad", "looped", xs[0], xs[1], 5),
        a, b));
    Tensor[] viaNode = leaves(new Tensor[] {a, b});
    Tensor[] eager = leaves(new Tensor[] {a, b});
    ((Tensor) compiled.callStatic("demo.FGrad", "looped", viaNode[0], viaNode[1], 5)).backward();
    ((Tensor) compiled.callStatic("demo.F", "looped", eager[0], eager[1], 5)).backward();
    for (int i = 0; i < 2; i++) {
      assertTrue(viaNode[i].grad().allClose(eager[i].grad(), 1e-12, 1e-12),
          viaNode[i].grad() + " vs " + eager[i].grad());
    }
  }

  @Test
  void needsInputGradAsksForOneInputAtATime() throws ReflectiveOperationException {
    Class<?> mulAdd = compiled.load("demo.F$MulAdd");
    java.lang.reflect.Field asked = mulAdd.getDeclaredField("asked");
    java.lang.reflect.Field passes = mulAdd.getDeclaredField("passes");
    asked.setAccessible(true);
    passes.setAccessible(true);
    asked.setInt(null, 0);
    passes.setInt(null, 0);
    call("pair", randn(4, 3), randn(5, 3)).backward();
    assertEquals(2, passes.getInt(null)); // one pass per input,
    assertEquals(2, asked.getInt(null)); // each asking for its own gradient only
  }

  @Test
  void theFunctionsBackwardDecidesTheGradient() {
    // straight(a) = sum(round(3a) * a); with the straight-through rule d/da = 3a + round(3a), by hand.
    Tensor a = Tensor.of(0.1, -0.4, 0.45).requiresGrad();
    call("straight", a).backward();
    double[] expected = {0.3 + 0, -1.2 - 1, 1.35 + 1};
    double[] got = a.grad().toArray();
    for (int i = 0; i < 3; i++) {
      assertEquals(expected[i], got[i], 1e-12);
    }
    compareWithEager("straight", Tensor.of(0.1, -0.4, 0.45));
  }

  @Test
  void secondDerivativesThroughTheNodeMatchEager() {
    Tensor a = Tensor.randn(new Generator().manualSeed(6), 4);
    Function<Tensor, Tensor> viaNode = x -> call("cube", x);
    Function<Tensor, Tensor> eager = x -> original("cube", x);
    Tensor h = Autograd.hessian(viaNode, a);
    assertTrue(h.allClose(Autograd.hessian(eager, a), 1e-12, 1e-12), h.toString());
  }
}
