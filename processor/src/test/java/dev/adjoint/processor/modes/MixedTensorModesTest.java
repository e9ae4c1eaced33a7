package dev.adjoint.processor.modes;

import static dev.adjoint.processor.modes.TensorArguments.concat;
import static dev.adjoint.processor.modes.TensorArguments.copy;
import static dev.adjoint.processor.modes.TensorArguments.difference;
import static dev.adjoint.processor.modes.TensorArguments.flatten;
import static dev.adjoint.processor.modes.TensorArguments.same;
import static dev.adjoint.processor.modes.TensorArguments.shapeOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.Generator;
import dev.adjoint.Tensor;
import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.FiniteDifferences;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code mJvp} and {@code mJacobian} of methods with a {@code Tensor} result and a differentiable {@code double},
 * {@code double[]} or {@code double[][]} beside their tensors (reverse mode through the generated pass, one
 * retained reverse pass per result element), against central differences of the ORIGINAL method: the tangent
 * against directional differences along random tangents, each Jacobian element by element, with PyTorch's shapes
 * (result ++ parameter, a {@code double} as a 0-dim tensor); on a chain with a scalar factor, tensors mixed with
 * arrays and a {@code @NoGrad} tensor, an {@code item()} read back into the tensor, a loop over an int, and a matrix
 * parameter; and the {@code mJvp} by reverse mode of a method of tensors alone that reads a tensor into a
 * {@code double} (its eager graph is not its function). They have no {@code mHvp} and the companion says why; a
 * tangent of another shape and a ragged matrix are refused.
 */
class MixedTensorModesTest {
  private static final String SOURCE = """
      package demo;

      import dev.adjoint.Differentiable;
      import dev.adjoint.NoGrad;
      import dev.adjoint.Tensor;

      public final class T {
        @Differentiable
        public static Tensor scaled(Tensor x, double s) {
          return x.mul(s).tanh();
        }

        @Differentiable
        public static Tensor blend(Tensor x, double[] w, double s, @NoGrad Tensor c) {
          return x.mul(w[0]).add(c.mul(w[1] * s)).sin().mul(x.sum().item() * s);
        }

        @Differentiable
        public static Tensor iterate(double s, Tensor x, int n) {
          Tensor y = x;
          for (int i = 0; i < n; i++) {
            y = y.mul(s).add(0.1 * i).tanh();
          }
          return y.sum();
        }

        @Differentiable
        public static Tensor readBack(Tensor x, Tensor y) {
          return x.mul(y.square().sum().item()).tanh();
        }

        @Differentiable
        public static Tensor affine(Tensor x, double[][] m) {
          return x.mul(m[0][1]).add(m[1][0] * m[0][0]).exp();
        }
      }
      """;

  private static CompiledCompanion compiled;

  @BeforeAll
  static void compile() {
    compiled = CompiledCompanion.compile("demo.T", SOURCE);
  }

  private static Tensor randn(long seed, int... shape) {
    return Tensor.randn(new Generator().manualSeed(seed), shape).mul(0.6);
  }

  /** Method name, arguments, and which are differentiable. */
  record Case(String name, Object[] args, boolean[] differentiable) {}

  static List<Case> cases() {
    return List.of(
        new Case("scaled", new Object[] {randn(1, 2, 3), 0.8}, new boolean[] {true, true}),
        new Case("blend", new Object[] {randn(2, 4), new double[] {0.7, -0.3}, 1.1, randn(3, 4)},
            new boolean[] {true, true, true, false}),
        new Case("iterate", new Object[] {0.9, randn(4, 3), 3}, new boolean[] {true, true, false}),
        new Case("iterate", new Object[] {0.9, randn(5, 3), 0}, new boolean[] {true, true, false}),
        new Case("affine", new Object[] {randn(6, 3, 2), new double[][] {{0.2, -0.5}, {0.4, 0.3}}},
            new boolean[] {true, true}),
        // tensors alone, but a tensor read into a double: the eager graph is not the function, mJvp by reverse mode
        new Case("readBack", new Object[] {randn(7, 2, 2), randn(8, 3)}, new boolean[] {true, true}));
  }

  private static Object run(String name, Object[] args) {
    Method m = CompiledCompanion.method(compiled.load("demo.T"), name);
    return ((Tensor) CompiledCompanion.invoke(m, null, args)).toArray();
  }

  private static Object companion(String member, Object... args) {
    return compiled.callStatic("demo.TGrad", member, args);
  }

  @Test
  void jvpMatchesDirectionalDifferencesOfTheOriginal() {
    long seed = 40;
    for (Case k : cases()) {
      Object[] v = tangents(k, seed++);
      Object[] before = copy(k.args());
      Object[] vBefore = copy(v);
      Map<String, Object> parts = CompiledCompanion.components(companion(k.name() + "Jvp", concat(k.args(), v)));
      Tensor value = (Tensor) parts.get("value");
      Tensor tangent = (Tensor) parts.get("tangent");
      Tensor expected = (Tensor) CompiledCompanion.invoke(CompiledCompanion.method(compiled.load("demo.T"),
          k.name()), null, copy(k.args()));
      assertArrayEquals(expected.shape(), value.shape(), k.name() + " value shape");
      assertArrayEquals(expected.toArray(), value.toArray(), k.name() + " value");
      assertArrayEquals(expected.shape(), tangent.shape(), k.name() + " tangent shape");
      assertTrue(same(before, k.args()) && same(vBefore, v), k.name() + ": arguments or tangents mutated");
      FiniteDifferences.atFixedPoint(() -> FiniteDifferences.check(h -> difference(
          (double[]) run(k.name(), shifted(k, v, h)), (double[]) run(k.name(), shifted(k, v, -h)), h),
          tangent.toArray(), k.name() + "Jvp tangent at " + Arrays.deepToString(k.args())));
    }
  }

  @Test
  void jacobianHasPyTorchsShapesAndMatchesCentralDifferences() {
    for (Case k : cases()) {
      List<Object> parts = new ArrayList<>(CompiledCompanion.components(
          companion(k.name() + "Jacobian", copy(k.args()))).values());
      int[] resultShape = ((Tensor) CompiledCompanion.invoke(CompiledCompanion.method(compiled.load("demo.T"),
          k.name()), null, copy(k.args()))).shape();
      int at = 0;
      for (int p = 0; p < k.args().length; p++) {
        if (!k.differentiable()[p]) {
          continue;
        }
        Tensor j = (Tensor) parts.get(at++);
        assertArrayEquals(concat(resultShape, shapeOf(k.args()[p])), j.shape(), k.name() + " parameter " + p);
        int n = flatten(k.args()[p]).length;
        double[] flat = j.toArray();
        double[][] actual = new double[flat.length / Math.max(n, 1)][n];
        for (int r = 0; r < actual.length; r++) {
          System.arraycopy(flat, r * n, actual[r], 0, n);
        }
        int parameter = p;
        FiniteDifferences.atFixedPoint(() -> FiniteDifferences.check(h -> columns(k, parameter, h), actual,
            k.name() + "Jacobian, parameter " + parameter));
      }
      assertTrue(at == parts.size(), k.name() + ": one Jacobian per differentiable parameter");
    }
  }

  @Test
  void noHvpAndTheCompanionSaysWhy() {
    Class<?> c = compiled.load("demo.TGrad");
    List<String> members = Arrays.stream(c.getDeclaredMethods()).map(Method::getName).toList();
    for (String name : List.of("scaled", "blend", "iterate", "affine")) {
      assertFalse(members.contains(name + "Hvp") || members.contains(name + "Hessian"), name + ": " + members);
      String says = compiled.generatedSource("demo.TGrad").replaceAll("\\s*\\n\\s*\\*?\\s*", " ");
      int at = says.indexOf("No {@code " + name + "Hvp}");
      assertTrue(at >= 0 && says.substring(at, Math.min(says.length(), at + 400))
          .contains("pass such a parameter as a {@code Tensor} for mHvp"), name + ": " + says);
    }
  }

  @Test
  void aTangentOfAnotherShapeAndARaggedMatrixAreRefused() {
    Case k = cases().get(1);
    Object[] v = tangents(k, 7);
    v[1] = new double[] {1, 2, 3};
    InvocationTargetException e = assertThrows(InvocationTargetException.class, () -> CompiledCompanion.method(
        compiled.load("demo.TGrad"), "blendJvp").invoke(null, concat(k.args(), v)));
    assertTrue(e.getCause() instanceof IllegalArgumentException
        && e.getCause().getMessage().contains("the tangent of 'w' must have its shape"), String.valueOf(e.getCause()));
    InvocationTargetException ragged = assertThrows(InvocationTargetException.class, () -> CompiledCompanion.method(
        compiled.load("demo.TGrad"), "affineJacobian").invoke(null, randn(9, 2),
        new double[][] {{0.2, -0.5}, {0.4}}));
    assertTrue(ragged.getCause() instanceof IllegalArgumentException
        && ragged.getCause().getMessage().contains("needs a rectangular matrix"), String.valueOf(ragged.getCause()));
  }

  // ------------------------------------------------------------ values

  /** The Jacobian of the original w.r.t. parameter p by central differences: rows the result's elements. */
  private static double[][] columns(Case k, int p, double h) {
    return TensorArguments.columns(a -> run(k.name(), a), k.args(), p, h);
  }

  private static Object[] tangents(Case k, long seed) {
    return TensorArguments.tangents(k.args(), k.differentiable(), seed);
  }

  /** The arguments moved by h along v (v one per differentiable parameter). */
  private static Object[] shifted(Case k, Object[] v, double h) {
    return TensorArguments.shifted(k.args(), k.differentiable(), v, h);
  }
}
