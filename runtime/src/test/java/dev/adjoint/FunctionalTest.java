package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@link Functional}: JVPs against directional central differences, Jacobians against central differences
 * column by column, HVPs against central differences of gradients (a plain reverse pass, a different code path)
 * and Hessians against columns of HVPs and differences, on matmul, tanh/exp/log chains, reductions,
 * broadcasting and a small MLP loss; against PyTorch's {@code torch.autograd.functional} where it is installed.
 */
class FunctionalTest {
  record Program(String name, Function<Tensor[], Tensor> f, String python, int[]... shapes) {}

  private static final Tensor TARGET = Tensor.of(new double[][] {{0.5, -0.25}, {1.0, 0.0}, {-0.5, 0.75}});

  /** Each program in Java and, for the oracle, in Python over inputs x0, x1, ... */
  static final List<Program> PROGRAMS = List.of(
      new Program("matmul tanh", x -> x[0].matmul(x[1]).tanh(), "(x0 @ x1).tanh()",
          new int[] {2, 3}, new int[] {3, 2}),
      new Program("exp log chain", x -> x[0].exp().add(1).log().mul(x[0]).sin(),
          "(x0.exp().add(1).log() * x0).sin()", new int[] {4}),
      new Program("reductions", x -> x[0].mul(x[0].sum(1, true)).tanh().mean(0, false).mul(x[0].square().sum()),
          "(x0 * x0.sum(1, keepdim=True)).tanh().mean(0) * x0.square().sum()", new int[] {2, 3}),
      new Program("broadcasting", x -> x[0].add(x[1]).sigmoid().mul(x[1]).div(x[0].exp().add(2)),
          "(x0 + x1).sigmoid() * x1 / (x0.exp() + 2)", new int[] {2, 3}, new int[] {3}),
      new Program("mlp loss", x -> x[0].matmul(x[1]).add(x[2]).tanh().matmul(x[3]).sub(TARGET).square().mean(),
          "((x0 @ x1 + x2).tanh() @ x3 - torch.tensor([[0.5, -0.25], [1.0, 0.0], [-0.5, 0.75]],"
              + " dtype=torch.float64)).square().mean()",
          new int[] {3, 2}, new int[] {2, 4}, new int[] {4}, new int[] {4, 2}));

  private static Tensor[] inputs(Program p, long seed) {
    Generator g = new Generator().manualSeed(seed);
    return Arrays.stream(p.shapes()).map(s -> Tensor.randn(g, s).mul(0.8)).toArray(Tensor[]::new);
  }

  private static Tensor[] shifted(Tensor[] x, Tensor[] v, double h) {
    Tensor[] r = new Tensor[x.length];
    for (int k = 0; k < x.length; k++) {
      r[k] = x[k].add(v[k].mul(h));
    }
    return r;
  }

  private static Tensor value(Function<Tensor[], Tensor> f, Tensor[] x) {
    return Tensor.noGrad(() -> f.apply(x));
  }

  /** The gradient of the sum of {@code f}'s result by a plain reverse pass. */
  private static double[] gradient(Function<Tensor[], Tensor> f, Tensor[] x) {
    Tensor[] leaves = Arrays.stream(x).map(t -> t.detach().requiresGrad()).toArray(Tensor[]::new);
    return flat(Autograd.grad(f.apply(leaves).sum(), leaves));
  }

  private static double[] flat(Tensor[] ts) {
    List<Double> all = new ArrayList<>();
    for (Tensor t : ts) {
      for (double v : t.toArray()) {
        all.add(v);
      }
    }
    return all.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static void assertClose(double[] expected, double[] actual, double tol, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], tol * (1 + Math.abs(expected[i])), what + " [" + i + "]");
    }
  }

  private static void assertNonzero(double[] v, String what) {
    assertTrue(Arrays.stream(v).anyMatch(e -> Math.abs(e) > 1e-3), what + ": zeros check nothing");
  }

  @Test
  void jvpIsTheDirectionalDerivative() {
    for (Program p : PROGRAMS) {
      Tensor[] x = inputs(p, 1);
      Tensor[] v = inputs(p, 2);
      Tensor[] r = Functional.jvp(p.f(), x, v);
      double h = 1e-6;
      double[] plus = value(p.f(), shifted(x, v, h)).toArray();
      double[] minus = value(p.f(), shifted(x, v, -h)).toArray();
      double[] expected = new double[plus.length];
      for (int i = 0; i < plus.length; i++) {
        expected[i] = (plus[i] - minus[i]) / (2 * h);
      }
      assertArrayEquals(value(p.f(), x).shape(), r[1].shape(), p.name());
      assertClose(value(p.f(), x).toArray(), r[0].toArray(), 1e-14, p.name() + " value");
      assertClose(expected, r[1].toArray(), 1e-7, p.name() + " tangent");
      assertNonzero(r[1].toArray(), p.name());
      assertFalse(r[0].isRequiresGrad() || r[1].isRequiresGrad(), p.name());
    }
  }

  @Test
  void jacobianColumnsAreDifferences() {
    for (Program p : PROGRAMS) {
      Tensor[] x = inputs(p, 3);
      Tensor[] j = Functional.jacobian(p.f(), x);
      int[] out = value(p.f(), x).shape();
      int m = value(p.f(), x).numel();
      for (int k = 0; k < x.length; k++) {
        int[] expectedShape = new int[out.length + x[k].dim()];
        System.arraycopy(out, 0, expectedShape, 0, out.length);
        System.arraycopy(x[k].shape(), 0, expectedShape, out.length, x[k].dim());
        assertArrayEquals(expectedShape, j[k].shape(), p.name());
        double[] jk = j[k].toArray();
        int n = x[k].numel();
        for (int c = 0; c < n; c++) {
          Tensor[] e = new Tensor[x.length];
          for (int q = 0; q < x.length; q++) {
            double[] z = new double[x[q].numel()];
            if (q == k) {
              z[c] = 1;
            }
            e[q] = Tensor.fromArray(z, x[q].shape());
          }
          double h = 1e-6;
          double[] plus = value(p.f(), shifted(x, e, h)).toArray();
          double[] minus = value(p.f(), shifted(x, e, -h)).toArray();
          for (int i = 0; i < m; i++) {
            double d = (plus[i] - minus[i]) / (2 * h);
            assertEquals(d, jk[i * n + c], 1e-7 * (1 + Math.abs(d)), p.name() + " J" + k + "[" + i + "," + c + "]");
          }
        }
        assertNonzero(jk, p.name());
      }
    }
  }

  @Test
  void hvpIsTheDifferenceOfGradients() {
    for (Program p : PROGRAMS) {
      Function<Tensor[], Tensor> loss = x -> p.f().apply(x).sum();
      Tensor[] x = inputs(p, 4);
      Tensor[] v = inputs(p, 5);
      double[] hv = flat(Functional.hvp(loss, x, v));
      double h = 1e-5;
      double[] plus = gradient(loss, shifted(x, v, h));
      double[] minus = gradient(loss, shifted(x, v, -h));
      double[] expected = new double[plus.length];
      for (int i = 0; i < plus.length; i++) {
        expected[i] = (plus[i] - minus[i]) / (2 * h);
      }
      assertClose(expected, hv, 1e-6, p.name());
      assertNonzero(hv, p.name());
    }
  }

  @Test
  void hessianColumnsAreHvps() {
    Function<Tensor[], Tensor> f = x -> x[0].matmul(x[0].transpose(0, 1)).tanh().sum().mul(x[0].exp().sum());
    Tensor x = Tensor.randn(new Generator().manualSeed(6), 2, 3);
    Tensor h = Functional.hessian(f, x);
    assertArrayEquals(new int[] {2, 3, 2, 3}, h.shape());
    double[] all = h.toArray();
    for (int c = 0; c < 6; c++) {
      double[] e = new double[6];
      e[c] = 1;
      Tensor[] ec = {Tensor.fromArray(e, 2, 3)};
      double step = 1e-5;
      double[] plus = gradient(f, shifted(new Tensor[] {x}, ec, step));
      double[] minus = gradient(f, shifted(new Tensor[] {x}, ec, -step));
      for (int r = 0; r < 6; r++) {
        double d = (plus[r] - minus[r]) / (2 * step);
        assertEquals(d, all[r * 6 + c], 1e-6 * (1 + Math.abs(d)), "H[" + r + "," + c + "]");
      }
    }
    assertNonzero(all, "hessian");
  }

  /** hvpOfItem and hessianOfItem through the tensor a double result was read from: exactly hvp's and hessian's. */
  @Test
  void ofItemIsHvpOfTheTensorTheResultWasReadFrom() {
    Function<Tensor[], Tensor> f = x -> x[0].matmul(x[0].transpose(0, 1)).tanh().sum().mul(x[1].exp().sum());
    Tensor[] x = {Tensor.randn(new Generator().manualSeed(7), 2, 3), Tensor.randn(new Generator().manualSeed(8), 4)};
    Tensor[] v = {Tensor.randn(new Generator().manualSeed(9), 2, 3), Tensor.randn(new Generator().manualSeed(10), 4)};
    double[] expected = flat(Functional.hvp(f, x, v));
    assertArrayEquals(expected, flat(Functional.hvpOfItem(t -> f.apply(t).item(), x, v)));
    assertNonzero(expected, "hvpOfItem");
    Function<Tensor[], Tensor> g = t -> t[0].square().sin().sum();
    assertArrayEquals(Functional.hessian(g, x[0]).toArray(),
        Functional.hessianOfItem(t -> g.apply(t).item(), x[0]).toArray());
    // a result read from no tensor that depends on the inputs: a constant, H v = 0
    double[] zero = flat(Functional.hvpOfItem(t -> t[0].detach().square().sum().item(), x, v));
    assertArrayEquals(new double[zero.length], zero);
  }

  @Test
  void ofItemRefusesAResultThatIsNotTheOneValueRead() {
    Tensor[] x = {Tensor.of(0.5, -1.0)};
    Tensor[] v = {Tensor.of(1.0, 0.0)};
    IllegalStateException two = assertThrows(IllegalStateException.class,
        () -> Functional.hvpOfItem(t -> t[0].sum().item() * t[0].square().sum().item(), x, v));
    assertTrue(two.getMessage().contains("it read 2 tensors"), two.getMessage());
    IllegalStateException other = assertThrows(IllegalStateException.class,
        () -> Functional.hvpOfItem(t -> 2 * t[0].square().sum().item(), x, v));
    assertTrue(other.getMessage().contains("not the value read"), other.getMessage());
  }

  @Test
  void inputsAndLeafGradientsAreUntouchedAndNoGradDoesNotZeroTheTangent() {
    Tensor w = Tensor.of(0.5, -1.0, 2.0).requiresGrad();
    Tensor v = Tensor.of(1.0, 0.0, 0.0);
    Tensor[] r = Tensor.noGrad(() -> Functional.jvp(x -> x[0].mul(w).exp(), new Tensor[] {w}, new Tensor[] {v}));
    // the closure's w is a constant: d/dx exp(x * w) at x = w along e0 = w0 exp(w0^2)
    assertEquals(0.5 * Math.exp(0.25), r[1].toArray()[0], 1e-14);
    assertEquals(0, r[1].toArray()[1], 0.0);
    assertEquals(null, w.grad());
  }

  @Test
  void anOutputThatDoesNotDependOnAnInputGivesZeros() {
    Tensor c = Tensor.of(1.0, 2.0);
    Tensor[] x = {Tensor.of(3.0, 4.0), Tensor.of(5.0)};
    Tensor[] r = Functional.jvp(t -> t[0].mul(c), x, new Tensor[] {Tensor.of(1.0, 1.0), Tensor.of(1.0)});
    assertArrayEquals(new double[] {1, 2}, r[1].toArray());
    Tensor[] hv = Functional.hvp(t -> t[0].square().sum(), x, new Tensor[] {Tensor.of(1.0, 0.0), Tensor.of(1.0)});
    assertArrayEquals(new double[] {2, 0}, hv[0].toArray());
    assertArrayEquals(new double[] {0}, hv[1].toArray());
    Tensor[] constant = Functional.jvp(t -> c.mul(2), x, new Tensor[] {Tensor.of(1.0, 1.0), Tensor.of(1.0)});
    assertArrayEquals(new double[] {0, 0}, constant[1].toArray());
  }

  @Test
  void refusals() {
    Tensor[] x = {Tensor.of(1.0, 2.0)};
    IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
        () -> Functional.jvp(t -> t[0], x, new Tensor[] {Tensor.of(1.0, 2.0, 3.0)}));
    assertTrue(shape.getMessage().contains("tangent 0 has shape [3], its input [2]"), shape.getMessage());
    IllegalArgumentException vector = assertThrows(IllegalArgumentException.class,
        () -> Functional.hvp(t -> t[0].exp(), x, new Tensor[] {Tensor.of(1.0, 1.0)}));
    assertTrue(vector.getMessage().contains("one-element result, got shape [2]"), vector.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Functional.hessian(t -> t[0].exp(), x[0]));
  }

  @Test
  void againstPyTorch() {
    StringBuilder py = new StringBuilder("from torch.autograd.functional import jvp, hvp, jacobian\n"
        + "def show(t):\n    print(' '.join(repr(v) for v in t.reshape(-1).tolist()))\n");
    List<Tensor[]> xs = new ArrayList<>();
    List<Tensor[]> vs = new ArrayList<>();
    for (Program p : PROGRAMS) {
      Tensor[] x = inputs(p, 7);
      Tensor[] v = inputs(p, 8);
      xs.add(x);
      vs.add(v);
      py.append("x = (").append(tuple(x)).append(")\nv = (").append(tuple(v)).append(")\n")
          .append("def f(").append(names(x.length)).append("):\n    return ").append(p.python()).append("\n")
          .append("show(jvp(f, x, v)[1])\n")
          .append("show(torch.cat([j.reshape(-1) for j in jacobian(f, x)]))\n")
          .append("def g(").append(names(x.length)).append("):\n    return f(").append(names(x.length))
          .append(").sum()\n")
          .append("show(torch.cat([h.reshape(-1) for h in hvp(g, x, v)[1]]))\n");
    }
    List<String> out = TorchOracle.run(py.toString());
    for (int i = 0; i < PROGRAMS.size(); i++) {
      Program p = PROGRAMS.get(i);
      Tensor[] x = xs.get(i);
      Tensor[] v = vs.get(i);
      assertClose(TorchOracle.numbers(out.get(3 * i)), Functional.jvp(p.f(), x, v)[1].toArray(), 1e-12,
          p.name() + " jvp");
      assertClose(TorchOracle.numbers(out.get(3 * i + 1)), flat(Functional.jacobian(p.f(), x)), 1e-12,
          p.name() + " jacobian");
      assertClose(TorchOracle.numbers(out.get(3 * i + 2)), flat(Functional.hvp(t -> p.f().apply(t).sum(), x, v)),
          1e-12, p.name() + " hvp");
    }
  }

  private static String names(int n) {
    StringBuilder b = new StringBuilder();
    for (int k = 0; k < n; k++) {
      b.append(k == 0 ? "" : ", ").append("x").append(k);
    }
    return b.toString();
  }

  private static String tuple(Tensor[] ts) {
    StringBuilder b = new StringBuilder();
    for (Tensor t : ts) {
      b.append("torch.tensor(").append(Arrays.toString(t.toArray())).append(", dtype=torch.float64).reshape(")
          .append(Arrays.toString(t.shape())).append("), ");
    }
    return b.toString();
  }
}
