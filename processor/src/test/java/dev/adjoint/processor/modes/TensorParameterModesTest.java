package dev.adjoint.processor.modes;

import static dev.adjoint.processor.modes.TensorArguments.bump;
import static dev.adjoint.processor.modes.TensorArguments.concat;
import static dev.adjoint.processor.modes.TensorArguments.copy;
import static dev.adjoint.processor.modes.TensorArguments.difference;
import static dev.adjoint.processor.modes.TensorArguments.same;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * {@code mJvp} and {@code mJacobian} of methods with {@code Tensor} parameters and a {@code double} or
 * {@code double[]} result (reverse mode: for a {@code double} result the tangent is the gradient dotted with the
 * tangents), against central differences of the ORIGINAL method (directional for {@code mJvp}, element by
 * element for {@code mJacobian}), on chains of tensor operations read into doubles, tensors mixed with
 * {@code double} and {@code double[]} parameters, a {@code @NoGrad} tensor, a loop with a branch and a call of a
 * {@code Tensor} method. {@code mHvp} and {@code mHessian} of the methods whose result is one tensor read at the end
 * ({@code return e.item();}: a chain, a loop building the tensor, calls of a {@code Tensor} method and of a plain
 * helper) against central differences of the generated gradient; the others have no {@code mHvp} and the companion
 * says why.
 */
class TensorParameterModesTest {
  private static final String SOURCE = """
      package demo;

      import dev.adjoint.Differentiable;
      import dev.adjoint.NoGrad;
      import dev.adjoint.Tensor;

      public final class S {
        @Differentiable
        public static double energy(Tensor x) {
          return x.mul(x).tanh().sum().item();
        }

        @Differentiable
        public static double mixed(Tensor x, double s, double[] w) {
          return x.mul(s).sin().sum().item() * s + w[0] * x.exp().mean().item() * w[1];
        }

        @Differentiable
        public static double looped(Tensor x, @NoGrad Tensor c, int n) {
          double acc = 0.25;
          for (int i = 0; i < n; i++) {
            if (acc > 1) {
              acc = acc * 0.5;
            }
            acc += x.mul(c).add(0.5 * i).tanh().sum().item() * acc;
          }
          return acc;
        }

        @Differentiable
        public static double[] moments(Tensor x, double s) {
          return new double[] {x.sum().item() * s, x.square().mean().item(), s * s, x.exp().sum().item()};
        }

        @Differentiable
        public static Tensor inner(Tensor x, Tensor y) {
          return x.matmul(y).tanh();
        }

        @Differentiable
        public static double chained(Tensor x, Tensor y, @NoGrad Tensor c, int n) {
          Tensor z = x;
          for (int i = 0; i < n; i++) {
            z = z.mul(y).add(c).tanh();
          }
          return z.square().mean().item();
        }

        @Differentiable
        public static double callsInnerOnce(Tensor x, Tensor y) {
          Tensor z = inner(x, y);
          return z.square().sum().item();
        }

        static Tensor squash(Tensor x, Tensor y) {
          return x.sub(y).sigmoid().mul(x);
        }

        @Differentiable
        public static double callsHelper(Tensor x, @NoGrad Tensor y) {
          return squash(x, y).exp().sum().item();
        }

        @Differentiable
        public static double callsInner(Tensor x, Tensor y) {
          Tensor z = inner(x, y);
          return z.square().sum().item() + x.sum().item();
        }
      }
      """;

  private static CompiledCompanion compiled;

  @BeforeAll
  static void compile() {
    compiled = CompiledCompanion.compile("demo.S", SOURCE);
  }

  private static Tensor randn(long seed, int... shape) {
    return Tensor.randn(new Generator().manualSeed(seed), shape).mul(0.6);
  }

  /** The cases: method name and arguments; the differentiable ones are the Tensors not marked, doubles, arrays. */
  record Case(String name, Object[] args, boolean[] differentiable) {}

  static List<Case> cases() {
    return List.of(
        new Case("energy", new Object[] {randn(1, 2, 3)}, new boolean[] {true}),
        new Case("mixed", new Object[] {randn(2, 4), 0.7, new double[] {0.3, -1.2}}, new boolean[] {true, true, true}),
        new Case("looped", new Object[] {randn(3, 3), randn(4, 3), 4}, new boolean[] {true, false, false}),
        new Case("looped", new Object[] {randn(5, 3), randn(6, 3), 0}, new boolean[] {true, false, false}),
        new Case("moments", new Object[] {randn(7, 2, 2), -0.4}, new boolean[] {true, true}),
        new Case("callsInner", new Object[] {randn(8, 2, 3), randn(9, 3, 2)}, new boolean[] {true, true}),
        new Case("chained", new Object[] {randn(10, 2, 2), randn(11, 2, 2), randn(12, 2, 2), 3},
            new boolean[] {true, true, false, false}),
        new Case("callsInnerOnce", new Object[] {randn(13, 2, 3), randn(14, 3, 2)}, new boolean[] {true, true}),
        new Case("callsHelper", new Object[] {randn(15, 3), randn(16, 3)}, new boolean[] {true, false}));
  }

  /** The cases whose result is one tensor read at the end ({@code return e.item();}): they have mHvp. */
  static List<Case> itemCases() {
    return cases().stream().filter(k -> List.of("energy", "chained", "callsInnerOnce", "callsHelper")
        .contains(k.name())).toList();
  }

  private static Method original(String name) {
    return CompiledCompanion.method(compiled.load("demo.S"), name);
  }

  private static Object run(String name, Object[] args) {
    return CompiledCompanion.invoke(original(name), null, args);
  }

  private static Object companion(String member, Object... args) {
    return compiled.callStatic("demo.SGrad", member, args);
  }

  @Test
  void membersAreJvpAndJacobianAndHvpOnlyForOneReadAtTheEndAndTheCompanionSaysWhy() {
    String generated = compiled.generatedSource("demo.SGrad");
    Class<?> c = compiled.load("demo.SGrad");
    List<String> members = Arrays.stream(c.getDeclaredMethods()).map(Method::getName).toList();
    for (String name : List.of("energy", "chained", "callsInnerOnce", "callsHelper")) {
      assertTrue(members.contains(name + "Jvp") && members.contains(name + "Jacobian")
          && members.contains(name + "Hvp"), name + ": " + members);
      assertEquals(name.equals("energy") || name.equals("callsHelper"), members.contains(name + "Hessian"),
          name + ": " + members);
    }
    for (String name : List.of("mixed", "looped", "moments", "callsInner")) {
      assertTrue(members.contains(name + "Jvp") && members.contains(name + "Jacobian"), name + ": " + members);
      assertFalse(members.contains(name + "Hvp") || members.contains(name + "Hessian"), name + ": " + members);
      if (!name.equals("moments")) {
        int at = generated.indexOf("No {@code " + name + "Hvp}");
        assertTrue(at >= 0 && generated.substring(at, generated.indexOf("\n *\n", at) < 0 ? generated.length()
            : generated.indexOf("\n *\n", at)).replaceAll("\\s*\\n\\s*\\*?\\s*", " ")
            .contains("return the one-element Tensor, or end with return e.item() as the method's only read, for"
                + " mHvp"), name + ": no reason given\n" + generated);
      }
    }
  }

  /** {@code mHvp} against central differences of the gradient along the direction (the generated reverse mode). */
  @Test
  void hvpMatchesDifferencesOfGradients() {
    long seed = 300;
    for (Case k : itemCases()) {
      Object[] v = tangents(k, seed++);
      Object[] before = copy(k.args());
      List<Object> hv = new ArrayList<>(CompiledCompanion.components(companion(k.name() + "Hvp",
          concat(k.args(), v))).values());
      assertTrue(same(before, k.args()), k.name() + ": arguments mutated");
      int at = 0;
      for (int p = 0; p < k.args().length; p++) {
        if (!k.differentiable()[p]) {
          continue;
        }
        int component = at++;
        Tensor actual = (Tensor) hv.get(component);
        assertTrue(Arrays.equals(((Tensor) k.args()[p]).shape(), actual.shape()), k.name() + ": Hv shape");
        FiniteDifferences.atFixedPoint(() -> FiniteDifferences.check(h -> difference(
            gradient(k, shifted(k, v, h), component), gradient(k, shifted(k, v, -h), component), h),
            actual.toArray(), k.name() + "Hvp, parameter " + component));
      }
    }
  }

  /** {@code mHessian} of a one-tensor method: shape x ++ x, row k against differences of gradients along e_k. */
  @Test
  void hessianMatchesDifferencesOfGradients() {
    Case k = cases().get(0);
    Tensor x = (Tensor) k.args()[0];
    Tensor hessian = (Tensor) companion("energyHessian", copy(k.args()));
    assertTrue(Arrays.equals(new int[] {2, 3, 2, 3}, hessian.shape()), Arrays.toString(hessian.shape()));
    double[] flat = hessian.toArray();
    int n = x.numel();
    double[][] actual = new double[n][n];
    for (int r = 0; r < n; r++) {
      System.arraycopy(flat, r * n, actual[r], 0, n);
    }
    FiniteDifferences.atFixedPoint(() -> FiniteDifferences.check(h -> {
      double[][] rows = new double[n][];
      for (int r = 0; r < n; r++) {
        Object[] plus = {bump(x, r, h)};
        Object[] minus = {bump(x, r, -h)};
        rows[r] = (double[]) difference(gradient(k, plus, 0), gradient(k, minus, 0), h);
      }
      return rows;
    }, actual, "energyHessian"));
  }

  /** The generated gradient's component {@code component} (reverse mode), flattened. */
  private static double[] gradient(Case k, Object[] args, int component) {
    List<Object> g = new ArrayList<>(CompiledCompanion.components(companion(k.name() + "Gradient", args)).values());
    return ((Tensor) g.get(component)).toArray();
  }

  @Test
  void jvpMatchesDirectionalDifferencesOfTheOriginal() {
    long seed = 100;
    for (Case k : cases()) {
      Object[] v = tangents(k, seed++);
      Object[] before = copy(k.args());
      Object[] vBefore = copy(v);
      Object result = companion(k.name() + "Jvp", concat(k.args(), v));
      Map<String, Object> parts = CompiledCompanion.components(result);
      Object expected = run(k.name(), copy(k.args()));
      assertTrue(Arrays.deepEquals(new Object[] {expected}, new Object[] {parts.get("value")}), k.name() + " value");
      assertTrue(same(before, k.args()) && same(vBefore, v), k.name() + ": arguments or tangents mutated");
      FiniteDifferences.atFixedPoint(() -> FiniteDifferences.check(h -> difference(
          run(k.name(), shifted(k, v, h)), run(k.name(), shifted(k, v, -h)), h), parts.get("tangent"),
          k.name() + "Jvp tangent at " + Arrays.deepToString(k.args())));
    }
  }

  @Test
  void jacobianMatchesCentralDifferencesElementByElement() {
    for (Case k : cases()) {
      List<Object> matrices = new ArrayList<>(CompiledCompanion.components(
          companion(k.name() + "Jacobian", copy(k.args()))).values());
      int m = 0;
      for (int p = 0; p < k.args().length; p++) {
        if (!k.differentiable()[p]) {
          continue;
        }
        double[][] actual = (double[][]) matrices.get(m++);
        int parameter = p;
        FiniteDifferences.atFixedPoint(() -> FiniteDifferences.check(h -> columns(k, parameter, h), actual,
            k.name() + "Jacobian, parameter " + parameter));
      }
      assertEquals(m, matrices.size(), k.name() + ": one Jacobian per differentiable parameter");
    }
  }

  @Test
  void aTangentOfAnotherShapeIsRefused() {
    Case k = cases().get(1);
    Object[] v = tangents(k, 7);
    v[0] = randn(3, 5);
    InvocationTargetException e = assertThrows(InvocationTargetException.class, () -> CompiledCompanion.method(
        compiled.load("demo.SGrad"), "mixedJvp").invoke(null, concat(k.args(), v)));
    assertTrue(e.getCause() instanceof IllegalArgumentException, String.valueOf(e.getCause()));
    assertTrue(e.getCause().getMessage().contains("the tangent of 'x' must have its shape"), e.getCause().getMessage());
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
