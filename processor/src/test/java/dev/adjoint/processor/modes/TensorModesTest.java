package dev.adjoint.processor.modes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.Generator;
import dev.adjoint.Tensor;
import dev.adjoint.TorchOracle;
import dev.adjoint.processor.testing.CompiledCompanion;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code mJvp}, {@code mJacobian}, {@code mHvp} and {@code mHessian} of methods with {@code Tensor} signatures
 * ({@code emit.TensorModes}): JVPs against directional central differences of the generated primal, Jacobians
 * against central differences column by column, HVPs and Hessians against central differences of
 * {@code mGradient} (the generated reverse pass, a different code path), on matmul, tanh/exp/log chains,
 * reductions, broadcasting, loops, branches and a small MLP loss; the MLP's against PyTorch where installed.
 */
class TensorModesTest {
  private static final String SOURCE = """
      package demo;

      import dev.adjoint.AutogradFunction;
      import dev.adjoint.Differentiable;
      import dev.adjoint.Losses;
      import dev.adjoint.NoGrad;
      import dev.adjoint.Tensor;

      public final class T {
        static final Tensor SHIFT = Tensor.of(0.5, -1.0, 0.25);

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
        public static Tensor product(Tensor a, Tensor b) {
          return a.matmul(b).tanh();
        }

        @Differentiable
        public static Tensor chain(Tensor x) {
          return x.exp().add(1.0).log().mul(x).sin().sum();
        }

        @Differentiable
        public static Tensor reduce(Tensor x) {
          return x.mul(x.sum(1, true)).tanh().mean(0, false).mul(x.square().sum());
        }

        @Differentiable
        public static Tensor broadcast(Tensor x, Tensor b) {
          return x.add(b).sigmoid().mul(b).div(x.exp().add(2.0)).add(SHIFT).square().sum();
        }

        @Differentiable
        public static Tensor looped(Tensor x, int n, boolean flip) {
          for (int i = 0; i < n; i++) {
            x = x.mul(x.sum()).tanh();
          }
          if (flip) {
            return x.exp().sum();
          }
          return x.square().sum();
        }

        @Differentiable
        public static Tensor mlp(Tensor x, Tensor w1, Tensor b1, Tensor w2, @NoGrad Tensor target) {
          Tensor h = x.matmul(w1).add(b1).tanh();
          return h.matmul(w2).sub(target).square().mean();
        }

        @Differentiable
        public static Tensor labelled(Tensor logits, Tensor y, int[] labels) {
          return Tensor.crossEntropy(logits.mul(1.5), labels)
              .add(Losses.binaryCrossEntropyWithLogits(logits.mul(y), y.sigmoid()));
        }

        @Differentiable
        public static Tensor readsItem(Tensor x) {
          double s = x.sum().item();
          return x.mul(s);
        }

        @Differentiable
        public static Tensor appliesFunction(Tensor x) {
          return new Square().apply(x).sum();
        }

        @Differentiable
        public static Tensor callsOther(Tensor x) {
          return chain(x).mul(2.0);
        }

        static Tensor layer(Tensor x, Tensor w) {
          return x.matmul(w).tanh();
        }

        @Differentiable
        public static Tensor deep(Tensor x, Tensor w1, Tensor w2) {
          Tensor h = layer(x, w1);
          return layer(h, w2).sum();
        }

        @Differentiable
        public static Tensor callsItem(Tensor x) {
          return readsItem(x).sum();
        }

        @Differentiable
        public static Tensor scaledBy(Tensor x, @NoGrad Tensor c) {
          return x.mul(c);
        }

        @Differentiable
        public static Tensor callsNoGrad(Tensor x, @NoGrad Tensor c) {
          Tensor y = x.exp();
          return scaledBy(y, c).square().sum();
        }
      }
      """;

  private static final String G = "demo.TGrad";
  private static CompiledCompanion compiled;

  @BeforeAll
  static void compile() {
    compiled = CompiledCompanion.compile("demo.T", SOURCE);
  }

  private static Object call(String name, Object... args) {
    return compiled.callStatic(G, name, args);
  }

  private static Tensor randn(long seed, int... shape) {
    return Tensor.randn(new Generator().manualSeed(seed), shape).mul(0.7);
  }

  /** A method with its tensor arguments in front, the others after. */
  record Case(String name, Tensor[] x, Object[] rest) {
    Object[] args(Tensor[] t) {
      Object[] a = new Object[t.length + rest.length];
      System.arraycopy(t, 0, a, 0, t.length);
      System.arraycopy(rest, 0, a, t.length, rest.length);
      return a;
    }

    Tensor value(Tensor[] t) {
      return Tensor.noGrad(() -> (Tensor) call(name, args(t)));
    }

    Object[] with(Tensor[] t, Tensor[] v) {
      Object[] a = args(t);
      Object[] all = Arrays.copyOf(a, a.length + v.length);
      System.arraycopy(v, 0, all, a.length, v.length);
      return all;
    }
  }

  private static final Tensor TARGET = randn(40, 3, 2);

  static List<Case> cases() {
    return List.of(
        new Case("product", new Tensor[] {randn(1, 2, 3), randn(2, 3, 2)}, new Object[0]),
        new Case("chain", new Tensor[] {randn(3, 4)}, new Object[0]),
        new Case("reduce", new Tensor[] {randn(4, 2, 3)}, new Object[0]),
        new Case("broadcast", new Tensor[] {randn(5, 2, 3), randn(6, 3)}, new Object[0]),
        new Case("looped", new Tensor[] {randn(7, 4)}, new Object[] {3, true}),
        new Case("looped", new Tensor[] {randn(8, 4)}, new Object[] {2, false}),
        new Case("mlp", new Tensor[] {randn(9, 3, 2), randn(10, 2, 4), randn(11, 4), randn(12, 4, 2)},
            new Object[] {TARGET}),
        new Case("labelled", new Tensor[] {randn(13, 3, 4), randn(14, 3, 4)}, new Object[] {new int[] {2, 0, 1}}),
        new Case("callsOther", new Tensor[] {randn(15, 4)}, new Object[0]),
        new Case("deep", new Tensor[] {randn(16, 2, 3), randn(17, 3, 3), randn(18, 3, 2)}, new Object[0]),
        new Case("callsNoGrad", new Tensor[] {randn(19, 3)}, new Object[] {randn(20, 3)}));
  }

  private static Tensor[] directions(Tensor[] x, long seed) {
    Tensor[] v = new Tensor[x.length];
    for (int k = 0; k < x.length; k++) {
      v[k] = randn(seed + k, x[k].shape());
    }
    return v;
  }

  private static Tensor[] shifted(Tensor[] x, Tensor[] v, double h) {
    Tensor[] r = new Tensor[x.length];
    for (int k = 0; k < x.length; k++) {
      r[k] = x[k].add(v[k].mul(h));
    }
    return r;
  }

  private static Tensor[] unit(Tensor[] x, int k, int c) {
    Tensor[] e = new Tensor[x.length];
    for (int q = 0; q < x.length; q++) {
      double[] z = new double[x[q].numel()];
      if (q == k) {
        z[c] = 1;
      }
      e[q] = Tensor.fromArray(z, x[q].shape());
    }
    return e;
  }

  private static double[] difference(Function<Tensor[], double[]> f, Tensor[] x, Tensor[] v, double h) {
    double[] plus = f.apply(shifted(x, v, h));
    double[] minus = f.apply(shifted(x, v, -h));
    double[] d = new double[plus.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = (plus[i] - minus[i]) / (2 * h);
    }
    return d;
  }

  /** mGradient's components, flattened and concatenated (the generated reverse pass). */
  private static double[] gradient(Case c, Tensor[] t) {
    return flat(CompiledCompanion.components(call(c.name() + "Gradient", c.args(t))), c.x().length);
  }

  private static double[] flat(Map<String, Object> record, int n) {
    List<Double> all = new ArrayList<>();
    record.values().stream().limit(n).forEach(o -> {
      for (double v : ((Tensor) o).toArray()) {
        all.add(v);
      }
    });
    return all.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static void assertClose(double[] expected, double[] actual, double tol, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], tol * (1 + Math.abs(expected[i])), what + " [" + i + "]");
    }
    assertTrue(Arrays.stream(actual).anyMatch(e -> Math.abs(e) > 1e-3), what + ": zeros check nothing");
  }

  @Test
  void jvpIsTheDirectionalDifference() {
    for (Case c : cases()) {
      Tensor[] v = directions(c.x(), 100);
      Map<String, Object> r = CompiledCompanion.components(call(c.name() + "Jvp", c.with(c.x(), v)));
      Tensor value = (Tensor) r.get("value");
      Tensor tangent = (Tensor) r.get("tangent");
      assertArrayEquals(c.value(c.x()).toArray(), value.toArray(), 1e-13, c.name());
      assertArrayEquals(value.shape(), tangent.shape(), c.name());
      assertClose(difference(t -> c.value(t).toArray(), c.x(), v, 1e-6), tangent.toArray(), 1e-7, c.name());
    }
  }

  @Test
  void jacobianColumnsAreDifferences() {
    List<Case> all = new ArrayList<>(cases());
    // first order through the generated node: these have mJacobian too (and no mJvp)
    all.add(new Case("readsItem", new Tensor[] {randn(20, 3)}, new Object[0]));
    all.add(new Case("appliesFunction", new Tensor[] {randn(21, 3)}, new Object[0]));
    all.add(new Case("callsItem", new Tensor[] {randn(22, 3)}, new Object[0]));
    for (Case c : all) {
      Map<String, Object> j = CompiledCompanion.components(call(c.name() + "Jacobian", c.args(c.x())));
      List<Object> parts = new ArrayList<>(j.values());
      int[] out = c.value(c.x()).shape();
      for (int k = 0; k < c.x().length; k++) {
        Tensor jk = (Tensor) parts.get(k);
        int[] shape = Arrays.copyOf(out, out.length + c.x()[k].dim());
        System.arraycopy(c.x()[k].shape(), 0, shape, out.length, c.x()[k].dim());
        assertArrayEquals(shape, jk.shape(), c.name());
        int n = c.x()[k].numel();
        double[] got = jk.toArray();
        double[] column = new double[got.length / n];
        double[] expected = new double[got.length];
        for (int col = 0; col < n; col++) {
          double[] d = difference(t -> c.value(t).toArray(), c.x(), unit(c.x(), k, col), 1e-6);
          for (int i = 0; i < d.length; i++) {
            expected[i * n + col] = d[i];
          }
        }
        assertEquals(column.length * n, expected.length);
        assertClose(expected, got, 1e-7, c.name() + " J" + k);
      }
    }
  }

  @Test
  void hvpIsTheDifferenceOfGradients() {
    for (Case c : cases()) {
      if (c.value(c.x()).numel() != 1) {
        continue;
      }
      Tensor[] v = directions(c.x(), 200);
      double[] hv = flat(CompiledCompanion.components(call(c.name() + "Hvp", c.with(c.x(), v))), c.x().length);
      assertClose(difference(t -> gradient(c, t), c.x(), v, 1e-5), hv, 1e-6, c.name());
    }
  }

  @Test
  void hessianColumnsAreDifferencesOfGradients() {
    for (Case c : cases()) {
      if (c.x().length != 1 || c.value(c.x()).numel() != 1) {
        continue;
      }
      Tensor h = (Tensor) call(c.name() + "Hessian", c.args(c.x()));
      int[] s = c.x()[0].shape();
      int[] twice = Arrays.copyOf(s, 2 * s.length);
      System.arraycopy(s, 0, twice, s.length, s.length);
      assertArrayEquals(twice, h.shape(), c.name());
      int n = c.x()[0].numel();
      double[] expected = new double[n * n];
      for (int col = 0; col < n; col++) {
        double[] d = difference(t -> gradient(c, t), c.x(), unit(c.x(), 0, col), 1e-5);
        for (int r = 0; r < n; r++) {
          expected[r * n + col] = d[r];
        }
      }
      assertClose(expected, h.toArray(), 1e-6, c.name());
    }
  }

  @Test
  void hvpOfAResultWithSeveralElementsThrows() {
    Tensor[] x = {randn(30, 2, 3), randn(31, 3, 2)};
    InvocationTargetException e = assertThrows(InvocationTargetException.class,
        () -> CompiledCompanion.method(compiled.load(G), "productHvp").invoke(null, x[0], x[1], x[0], x[1]));
    assertTrue(e.getCause() instanceof IllegalArgumentException, e.getCause().toString());
    assertTrue(e.getCause().getMessage().contains("one-element result, got shape [2, 2]"), e.getCause().getMessage());
  }

  @Test
  void methodsWhoseEagerGraphIsNotTheirFunctionHaveJacobiansAndJvpsByReverseMode() {
    Class<?> g = compiled.load(G);
    String source = compiled.generatedSource(G);
    String flat = source.replaceAll("\\s*\\n\\s*\\*?\\s*", " ");
    for (String m : List.of("readsItem", "appliesFunction", "callsItem")) {
      assertTrue(has(g, m + "Jacobian") && has(g, m + "Jvp"), m);
      for (String member : List.of("Hvp", "Hessian")) {
        assertTrue(!has(g, m + member), m + member);
      }
      assertTrue(flat.contains("No {@code " + m + "Hvp} or {@code " + m + "Hessian}: they differentiate"), m);
      assertTrue(flat.contains("{@code " + m + "Jvp} is computed by reverse mode"), m);
    }
    assertTrue(source.contains("it reads a tensor into a double, where the eager graph ends"), source);
    assertTrue(source.contains("it applies an AutogradFunction"), source);
    assertTrue(source.contains("it calls a method whose own eager graph is not known to be its function"), source);
    // two tensor parameters: no mHessian
    assertTrue(has(g, "broadcastHvp") && !has(g, "broadcastHessian"));
  }

  /** A callee compiled earlier: its companion's mHvp says whether its eager graph is its function. */
  @Test
  void calleesCompiledEarlier(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    CompiledCompanion a = CompiledCompanion.compile("lib.A", """
        package lib;
        import dev.adjoint.Differentiable;
        import dev.adjoint.Tensor;
        public final class A {
          @Differentiable
          public static Tensor smooth(Tensor x) { return x.tanh().mul(x); }

          @Differentiable
          public static Tensor item(Tensor x) { return x.mul(x.sum().item()); }
        }
        """);
    a.writeClassesTo(dir);
    CompiledCompanion b = CompiledCompanion.compile(List.of(com.google.testing.compile.JavaFileObjects.forSourceString(
        "demo.B", """
        package demo;
        import dev.adjoint.Differentiable;
        import dev.adjoint.Tensor;
        import lib.A;
        final class B {
          @Differentiable
          static Tensor f(Tensor x) { return A.smooth(x).exp().sum(); }

          @Differentiable
          static Tensor g(Tensor x) { return A.item(x).exp().sum(); }
        }
        """)), List.of(dir.toFile())).withClassesFrom(a);
    Class<?> bg = b.load("demo.BGrad");
    assertTrue(has(bg, "fJvp") && has(bg, "fHvp") && has(bg, "fHessian"));
    assertTrue(has(bg, "gJacobian") && has(bg, "gJvp") && !has(bg, "gHvp"));
    Tensor x = randn(60, 3);
    Tensor v = randn(61, 3);
    Tensor tangent = (Tensor) CompiledCompanion.components(b.callStatic("demo.BGrad", "fJvp", x, v)).get("tangent");
    Function<Tensor[], double[]> f = t -> Tensor.noGrad(() -> (Tensor) b.callStatic("demo.BGrad", "f", t[0])).toArray();
    assertClose(difference(f, new Tensor[] {x}, new Tensor[] {v}, 1e-6), tangent.toArray(), 1e-7, "f");
  }

  private static boolean has(Class<?> c, String name) {
    return Arrays.stream(c.getDeclaredMethods()).anyMatch(m -> m.getName().equals(name));
  }

  @Test
  void mlpAgainstPyTorch() {
    Case c = cases().get(6);
    Tensor[] x = c.x();
    Tensor[] v = directions(x, 300);
    Tensor tangent = (Tensor) CompiledCompanion.components(call("mlpJvp", c.with(x, v))).get("tangent");
    double[] hv = flat(CompiledCompanion.components(call("mlpHvp", c.with(x, v))), 4);
    double[] jacobian = flat(CompiledCompanion.components(call("mlpJacobian", c.args(x))), 4);
    StringBuilder args = new StringBuilder();
    StringBuilder dirs = new StringBuilder();
    for (int k = 0; k < 4; k++) {
      args.append(TorchOracle.literal(x[k])).append(", ");
      dirs.append(TorchOracle.literal(v[k])).append(", ");
    }
    List<String> lines = TorchOracle.run("""
        from torch.autograd.functional import jvp, hvp, jacobian
        target = %s
        def f(x, w1, b1, w2):
            return ((x @ w1 + b1).tanh() @ w2 - target).square().mean()
        x = (%s)
        v = (%s)
        def show(t):
            print(' '.join(repr(e) for e in t.reshape(-1).tolist()))
        show(jvp(f, x, v)[1])
        show(torch.cat([h.reshape(-1) for h in hvp(f, x, v)[1]]))
        show(torch.cat([j.reshape(-1) for j in jacobian(f, x)]))
        """.formatted(TorchOracle.literal(TARGET), args, dirs));
    assertArrayEquals(TorchOracle.numbers(lines.get(0)), tangent.toArray(), 1e-12);
    assertArrayEquals(TorchOracle.numbers(lines.get(1)), hv, 1e-12);
    assertArrayEquals(TorchOracle.numbers(lines.get(2)), jacobian, 1e-12);
  }
}
