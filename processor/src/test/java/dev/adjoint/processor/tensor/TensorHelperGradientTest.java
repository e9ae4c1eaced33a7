package dev.adjoint.processor.tensor;

import dev.adjoint.Generator;
import dev.adjoint.Tensor;
import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.TensorEager;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Plain static helpers (no {@code @Differentiable}) that take and return {@code Tensor}s, called from
 * {@code @Differentiable} tensor methods: differentiated automatically like helpers of {@code double}s, each
 * call one node of the caller's graph. Gradient-checked against central differences of the generated node
 * and compared with eager autograd running the original method.
 */
class TensorHelperGradientTest {
  private static final String SOURCE = """
      package demo;

      import dev.adjoint.Differentiable;
      import dev.adjoint.Tensor;

      public final class T {
        static Tensor sq(Tensor x) {
          return x.mul(x);
        }

        static Tensor layer(Tensor w, Tensor x, double scale) {
          Tensor h = w.matmul(x);
          return sq(h).tanh().mul(scale);
        }

        static Tensor norm(Tensor x, int depth) {
          if (depth == 0) {
            return x;
          }
          Tensor y = x.div(sq(x).sum().add(1.0).sqrt());
          return norm(y, depth - 1);
        }

        @Differentiable
        public static Tensor net(Tensor a, Tensor w, double s) {
          Tensor b = sq(a);
          Tensor h = layer(w, b, s);
          return norm(h, 2).add(h.mean()).sum();
        }

        @Differentiable
        public static Tensor constantHelperArguments(Tensor a) {
          Tensor fixed = Tensor.ones(2, 2);
          Tensor c = sq(fixed);
          return a.mul(c).add(sq(a)).sum();
        }
      }
      """;

  private static CompiledCompanion compiled;

  @BeforeAll
  static void compile() {
    compiled = CompiledCompanion.compile("demo.T", SOURCE);
  }

  private static Tensor randn(long seed, int... shape) {
    return Tensor.randn(new Generator().manualSeed(seed), shape).requiresGrad();
  }

  private static void check(String name, Function<Tensor[], Object[]> args, Tensor... inputs) {
    TensorEager.check(name, a -> (Tensor) compiled.callStatic("demo.TGrad", name, a),
        a -> (Tensor) compiled.callStatic("demo.T", name, a), args, 0, inputs);
  }

  @Test
  void helpersTakingAndReturningTensorsRecursionIncluded() {
    check("net", xs -> new Object[] {xs[0], xs[1], 0.8}, randn(1, 3, 2), randn(2, 3, 3));
  }

  @Test
  void aHelperCalledWithConstantTensorsRunsAsIs() {
    check("constantHelperArguments", xs -> new Object[] {xs[0]}, randn(3, 2, 2));
  }
}
