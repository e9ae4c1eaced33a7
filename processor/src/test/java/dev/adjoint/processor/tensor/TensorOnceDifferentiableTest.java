package dev.adjoint.processor.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.Autograd;
import dev.adjoint.Generator;
import dev.adjoint.Tensor;
import dev.adjoint.processor.testing.CompiledCompanion;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The graph node of a tensor method whose original method's eager graph is not the function its generated reverse
 * pass differentiates (a tensor read into a {@code double}, a call of a method that is not differentiable twice):
 * a reverse pass that records a graph
 * ({@code createGraph}) gets the generated first derivatives, checked against central differences and the plain
 * reverse pass, and a second derivative through it throws, saying why, instead of differentiating the eager graph
 * (which for {@code x.mul(x.sum().item())} gave the first derivative sum(x) instead of 2 sum(x)).
 */
class TensorOnceDifferentiableTest {
  private static final String SOURCE = """
      package demo;

      import dev.adjoint.AutogradFunction;
      import dev.adjoint.DerivativeOf;
      import dev.adjoint.Differentiable;
      import dev.adjoint.Tensor;

      public final class O {
        static final class Square extends AutogradFunction {
          @Override
          protected Tensor forward(Context ctx, Tensor... xs) {
            ctx.saveForBackward(xs[0]);
            return xs[0].square();
          }

          @Override
          protected Tensor[] backward(Context ctx, Tensor g) {
            return new Tensor[] {g.mul(ctx.savedTensors()[0]).mul(2.0)};
          }
        }

        @Differentiable
        public static Tensor readsItem(Tensor x) {
          return x.mul(x.sum().item()).sum();
        }

        @Differentiable
        public static Tensor readsFirst(Tensor x) {
          double first = x.select(0, 0).item();
          return x.tanh().mul(first * first).sum();
        }

        @Differentiable
        public static Tensor appliesFunction(Tensor x) {
          Tensor t = x.tanh();
          return new Square().apply(t).mul(x).sum();
        }

        @Differentiable
        public static Tensor scaled(Tensor x) {
          return x.mul(x.sum().item());
        }

        @Differentiable
        public static Tensor callsOnce(Tensor x) {
          Tensor s = x.sin();
          return scaled(s).exp().sum();
        }

        @Differentiable
        static double cube(double s) {
          return s * s * s;
        }

        @DerivativeOf("cube")
        static double cubeDerivative(double s, double upstream) {
          return upstream * 3 * s * s;
        }

        @Differentiable
        public static Tensor callsCustom(Tensor x, double s) {
          return x.mul(cube(s)).tanh().sum();
        }

        @Differentiable
        public static Tensor smooth(Tensor x) {
          return x.tanh().mul(x).sum();
        }
      }
      """;

  private static CompiledCompanion compiled;

  @BeforeAll
  static void compile() {
    compiled = CompiledCompanion.compile("demo.O", SOURCE);
  }

  private static Tensor node(String name, Tensor x) {
    return name.equals("callsCustom") ? (Tensor) compiled.callStatic("demo.OGrad", name, x, 1.3)
        : (Tensor) compiled.callStatic("demo.OGrad", name, x);
  }

  private static Tensor point() {
    return Tensor.randn(new Generator().manualSeed(5), 4).mul(0.6).add(0.3);
  }

  /** The value of the method at {@code x} with element {@code i} moved by {@code h}. */
  private static double valueAt(String name, double[] x, int i, double h) {
    double[] y = x.clone();
    y[i] += h;
    return Tensor.noGrad(() -> node(name, Tensor.of(y))).item();
  }

  private static final List<String> ONCE = List.of("readsItem", "readsFirst", "callsOnce");

  @Test
  void createGraphGivesTheGeneratedFirstDerivativesAndASecondOneThrowsSayingWhy() {
    for (String name : ONCE) {
      double[] x0 = point().toArray();
      double[] differences = new double[x0.length];
      for (int i = 0; i < x0.length; i++) {
        differences[i] = (valueAt(name, x0, i, 1e-6) - valueAt(name, x0, i, -1e-6)) / 2e-6;
      }
      Tensor x = Tensor.of(x0).requiresGrad();
      double[] plain = Autograd.grad(node(name, x), new Tensor[] {x}, null, false)[0].toArray();
      Tensor[] recorded = Autograd.grad(node(name, x), new Tensor[] {x}, null, false, true);
      double[] created = recorded[0].toArray();
      for (int i = 0; i < x0.length; i++) {
        assertEquals(differences[i], plain[i], 1e-6 * (1 + Math.abs(differences[i])), name + " plain [" + i + "]");
        assertEquals(plain[i], created[i], 1e-12 * (1 + Math.abs(plain[i])), name + " createGraph [" + i + "]");
      }
      assertTrue(java.util.Arrays.stream(plain).anyMatch(v -> Math.abs(v) > 1e-2), name + ": zeros check nothing");
      UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
          () -> Autograd.grad(recorded[0].sum(), new Tensor[] {x}, null, false), name);
      assertTrue(e.getMessage().startsWith("a second derivative through demo.O." + name + " (node "), e.getMessage());
      assertTrue(e.getMessage().contains("the node is differentiated once"), e.getMessage());
      assertThrows(UnsupportedOperationException.class, () -> Autograd.hessian(t -> node(name, t), Tensor.of(x0)),
          name);
    }
  }

  /** The bug this refusal replaces: the eager re-run gave sum(x) for the gradient 2 sum(x) of sum(x · sum(x)). */
  @Test
  void theItemGradientIsTwiceTheSum() {
    Tensor x = Tensor.of(0.5, 1.25, -0.75, 2.0).requiresGrad();
    Tensor g = Autograd.grad(node("readsItem", x), new Tensor[] {x}, null, false, true)[0];
    for (double v : g.toArray()) {
      assertEquals(2 * 3.0, v, 1e-12);
    }
  }

  @Test
  void theReasonsAreSaid() {
    Tensor x = point().requiresGrad();
    assertTrue(secondDerivativeError("readsItem", x).contains("it reads a tensor into a double"));
    assertTrue(secondDerivativeError("readsFirst", x).contains("it reads a tensor into a double"));
    assertTrue(secondDerivativeError("callsOnce", x).contains("it calls a method whose own eager graph"));
  }

  private static String secondDerivativeError(String name, Tensor x) {
    Tensor g = Autograd.grad(node(name, x), new Tensor[] {x}, null, false, true)[0];
    return assertThrows(UnsupportedOperationException.class, () -> Autograd.grad(g.sum(), new Tensor[] {x}, null,
        false)).getMessage();
  }

  /**
   * Methods whose eager graph is their function are still differentiated twice (second derivatives against
   * differences of gradients): plain tensor code, an AutogradFunction whose backward is written with tensor
   * operations (run recorded under createGraph, as in eager autograd) and a @DerivativeOf method of a double
   * parameter (a constant to the node).
   */
  @Test
  void methodsWithoutThemAreDifferentiatedTwice() {
    for (String name : List.of("smooth", "appliesFunction", "callsCustom")) {
      double[] x0 = point().toArray();
      Tensor x = Tensor.of(x0).requiresGrad();
      Tensor g = Autograd.grad(node(name, x), new Tensor[] {x}, null, false, true)[0];
      double[] first = g.toArray();
      double[] plain = gradient(name, x0);
      for (int k = 0; k < x0.length; k++) {
        assertEquals(plain[k], first[k], 1e-12 * (1 + Math.abs(plain[k])), name + " createGraph [" + k + "]");
      }
      double[] row = Autograd.grad(g.select(0, 1), new Tensor[] {x}, null, false)[0].toArray();
      for (int j = 0; j < x0.length; j++) {
        double[] plus = x0.clone();
        double[] minus = x0.clone();
        plus[j] += 1e-5;
        minus[j] -= 1e-5;
        double d = (gradient(name, plus)[1] - gradient(name, minus)[1]) / 2e-5;
        assertEquals(d, row[j], 1e-6 * (1 + Math.abs(d)), name + " H[1][" + j + "]");
      }
      assertTrue(java.util.Arrays.stream(row).anyMatch(v -> Math.abs(v) > 1e-2), name + ": zeros check nothing");
    }
  }

  private static double[] gradient(String name, double[] x0) {
    Tensor x = Tensor.of(x0).requiresGrad();
    return Autograd.grad(node(name, x), new Tensor[] {x}, null, false)[0].toArray();
  }
}
