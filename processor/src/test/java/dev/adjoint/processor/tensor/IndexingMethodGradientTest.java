package dev.adjoint.processor.tensor;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.Generator;
import dev.adjoint.Tensor;
import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.TensorEager;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code select}, {@code slice}, {@code cat}, {@code stack}, {@code max(dim)}, {@code min(dim)},
 * {@code unsqueeze}, {@code expand} and {@code pow(Tensor)} inside {@code @Differentiable} methods: each
 * generated node gradient-checked against central differences and compared with the runtime's eager
 * autograd running the original method.
 */
class IndexingMethodGradientTest {
  private static final String SOURCE = """
      package demo;

      import dev.adjoint.Differentiable;
      import dev.adjoint.Tensor;

      public final class I {
        @Differentiable
        public static Tensor views(Tensor a) {
          Tensor row = a.select(0, 1).mul(a.select(-1, 0).sum());
          Tensor cols = a.slice(1, 1, 4).square().sum(1, false);
          Tensor stepped = a.slice(1, 0, 4, 2).tanh();
          return row.sum().add(cols.sum()).add(stepped.sum()).add(a.select(1, -1).exp().sum());
        }

        @Differentiable
        public static Tensor joins(Tensor a, Tensor b, Tensor c) {
          Tensor rows = Tensor.cat(0, a, b.square(), a.mul(c));
          Tensor cols = Tensor.cat(-1, a, c);
          Tensor stacked = Tensor.stack(1, a, b, c.sin());
          return rows.tanh().sum().add(cols.exp().mean()).add(stacked.mul(stacked.select(2, 0).unsqueeze(2)).sum());
        }

        @Differentiable
        public static Tensor extremes(Tensor a) {
          Tensor m = a.max(1, false).mul(a.min(0, true).sum());
          return m.sum().add(a.square().max(-1, true).sum());
        }

        @Differentiable
        public static Tensor rowMax(Tensor a) {
          return a.max(1, false).sum();
        }

        @Differentiable
        public static Tensor broadcasts(Tensor a, Tensor v) {
          Tensor e = v.unsqueeze(0).expand(3, -1);
          Tensor f = v.expand(2, 3, 4).sum(0, false);
          return a.mul(e).sum().add(f.square().mean()).add(a.unsqueeze(-1).mul(v).sum());
        }

        @Differentiable
        public static Tensor powers(Tensor a, Tensor e) {
          return a.exp().pow(e).sum().add(a.abs().add(0.5).pow(e.sum(0, true)).mean());
        }
      }
      """;

  private static CompiledCompanion compiled;

  @BeforeAll
  static void compile() {
    compiled = CompiledCompanion.compile("demo.I", SOURCE);
  }

  private static Tensor call(String name, Object... args) {
    return (Tensor) compiled.callStatic("demo.IGrad", name, args);
  }

  private static Tensor original(String name, Object... args) {
    return (Tensor) compiled.callStatic("demo.I", name, args);
  }

  private static Tensor randn(long seed, int... shape) {
    return Tensor.randn(new Generator().manualSeed(seed), shape).requiresGrad();
  }

  /** Gradcheck of the generated node, then the same value and gradients as eager autograd on the original. */
  private static void check(String name, Function<Tensor[], Object[]> args, Tensor... inputs) {
    TensorEager.check(name, a -> call(name, a), a -> original(name, a), args, 0, inputs);
  }

  private static Object[] all(Tensor[] xs) {
    return xs;
  }

  @Test
  void selectAndSliceWithStep() {
    check("views", IndexingMethodGradientTest::all, randn(1, 3, 5));
  }

  @Test
  void catAndStackOfSeveralTensors() {
    check("joins", IndexingMethodGradientTest::all, randn(2, 2, 3), randn(3, 2, 3), randn(4, 2, 3));
  }

  @Test
  void maxAndMinAlongADimension() {
    check("extremes", IndexingMethodGradientTest::all, randn(5, 3, 4));
  }

  @Test
  void maxAlongADimensionSendsTiesToOneIndex() {
    // PyTorch's max(dim).values: the gradient of each row goes to the first maximum only (not split as amax).
    Tensor a = Tensor.of(new double[][] {{1, 3, 3, 0}, {2, 2, 2, 2}, {0, -1, 5, 5}}).requiresGrad();
    Tensor b = Tensor.of(new double[][] {{1, 3, 3, 0}, {2, 2, 2, 2}, {0, -1, 5, 5}}).requiresGrad();
    call("extremes", a).backward();
    original("extremes", b).backward();
    assertTrue(a.grad().allClose(b.grad(), 1e-12, 0), a.grad() + " vs eager " + b.grad());
    Tensor c = Tensor.of(new double[][] {{1, 3, 3, 0}, {2, 2, 2, 2}, {0, -1, 5, 5}}).requiresGrad();
    call("rowMax", c).backward();
    Tensor firstMaxima = Tensor.of(new double[][] {{0, 1, 0, 0}, {1, 0, 0, 0}, {0, 0, 1, 0}});
    assertTrue(c.grad().allClose(firstMaxima, 0, 0), c.grad().toString());
  }

  @Test
  void unsqueezeAndExpand() {
    check("broadcasts", IndexingMethodGradientTest::all, randn(6, 3, 4), randn(7, 4));
  }

  @Test
  void powWithATensorExponent() {
    check("powers", IndexingMethodGradientTest::all, randn(8, 2, 3), randn(9, 2, 3));
  }
}
