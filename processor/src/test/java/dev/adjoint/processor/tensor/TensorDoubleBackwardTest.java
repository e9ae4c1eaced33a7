package dev.adjoint.processor.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.Autograd;
import dev.adjoint.Generator;
import dev.adjoint.Tensor;
import dev.adjoint.TorchOracle;
import dev.adjoint.processor.testing.CompiledCompanion;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Double backward through the graph node of a generated tensor method (issue 13 item 4): Hessians by
 * {@code createGraph} reverse passes through the node, against central differences of the node's first-order
 * gradients (the generated reverse pass, a different code path), against eager autograd on the original method,
 * and against PyTorch where it is installed.
 */
class TensorDoubleBackwardTest {
  private static final String SOURCE = """
      package demo;

      import dev.adjoint.Differentiable;
      import dev.adjoint.NoGrad;
      import dev.adjoint.Tensor;
import dev.adjoint.TorchOracle;

      public final class H {
        static final Tensor SHIFT = Tensor.of(0.5, -1.0, 0.25);

        @Differentiable
        public static Tensor product(Tensor a, Tensor b) {
          return a.matmul(b).tanh().sum();
        }

        @Differentiable
        public static Tensor mulSum(Tensor x, Tensor w) {
          return x.mul(w).sum();
        }

        @Differentiable
        public static Tensor smooth(Tensor x, Tensor w) {
          return x.mul(w).tanh();
        }

        @Differentiable
        public static Tensor looped(Tensor x, int n) {
          for (int i = 0; i < n; i++) {
            x = x.mul(x.sum()).tanh();
          }
          return x.sum();
        }

        @Differentiable
        public static Tensor branch(Tensor x, boolean flip) {
          Tensor y;
          if (flip) {
            y = x.exp();
          } else {
            y = x.square().mul(x);
          }
          return y.sum();
        }

        @Differentiable
        public static Tensor labelled(Tensor logits, int[] labels, @NoGrad double[] scale) {
          return Tensor.crossEntropy(logits.mul(scale[0]), labels);
        }

        @Differentiable
        public static Tensor shifted(Tensor x) {
          return x.add(SHIFT).square().sum().log();
        }

        @Differentiable
        public static Tensor inner(Tensor x) {
          return x.sigmoid().mul(x);
        }

        @Differentiable
        public static Tensor outer(Tensor x, Tensor w) {
          return inner(x).matmul(w).square().sum();
        }
      }
      """;

  private static CompiledCompanion compiled;

  @BeforeAll
  static void compile() {
    compiled = CompiledCompanion.compile("demo.H", SOURCE);
  }

  private static Tensor node(String name, Object... args) {
    return (Tensor) compiled.callStatic("demo.HGrad", name, args);
  }

  private static Tensor original(String name, Object... args) {
    return (Tensor) compiled.callStatic("demo.H", name, args);
  }

  private static Tensor randn(long seed, int... shape) {
    return Tensor.randn(new Generator().manualSeed(seed), shape);
  }

  private static Tensor[] leaves(Tensor... xs) {
    return Arrays.stream(xs).map(t -> t.detach().requiresGrad()).toArray(Tensor[]::new);
  }

  private static int size(Tensor... xs) {
    return Arrays.stream(xs).mapToInt(Tensor::numel).sum();
  }

  /** The Hessian of {@code f} over all inputs (flattened, concatenated) by a recorded reverse pass and one more. */
  private static double[][] doubleBackward(Function<Tensor[], Tensor> f, Tensor... xs) {
    Tensor[] x = leaves(xs);
    Tensor[] g = Autograd.grad(f.apply(x), x, null, true, true);
    double[][] h = new double[size(xs)][];
    int row = 0;
    for (Tensor gi : g) {
      for (int k = 0; k < gi.numel(); k++, row++) {
        h[row] = new double[size(xs)];
        if (gi.isRequiresGrad()) {
          double[] onehot = new double[gi.numel()];
          onehot[k] = 1;
          h[row] = flat(Autograd.grad(gi, x, Tensor.fromArray(onehot, gi.shape()), true));
        }
      }
    }
    return h;
  }

  /** The gradient of {@code f} at {@code xs} by a plain reverse pass (through the node: the generated pass). */
  private static double[] gradient(Function<Tensor[], Tensor> f, Tensor... xs) {
    Tensor[] x = leaves(xs);
    return flat(Autograd.grad(f.apply(x), x, null, false));
  }

  /** The Hessian by central differences of {@link #gradient}. */
  private static double[][] differences(Function<Tensor[], Tensor> f, Tensor... xs) {
    int n = size(xs);
    double[][] h = new double[n][n];
    double step = 1e-5;
    for (int j = 0; j < n; j++) {
      double[] plus = gradient(f, shifted(xs, j, step));
      double[] minus = gradient(f, shifted(xs, j, -step));
      for (int i = 0; i < n; i++) {
        h[i][j] = (plus[i] - minus[i]) / (2 * step);
      }
    }
    return h;
  }

  private static Tensor[] shifted(Tensor[] xs, int j, double step) {
    Tensor[] r = new Tensor[xs.length];
    for (int i = 0; i < xs.length; i++) {
      double[] v = xs[i].toArray();
      if (j >= 0 && j < v.length) {
        v[j] += step;
      }
      j -= v.length;
      r[i] = Tensor.fromArray(v, xs[i].shape());
    }
    return r;
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

  private static void assertClose(double[][] expected, double[][] actual, double tol, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      for (int j = 0; j < expected.length; j++) {
        double e = expected[i][j];
        assertEquals(e, actual[i][j], tol * (1 + Math.abs(e)), what + " [" + i + "][" + j + "]");
      }
    }
  }

  /** Node Hessian against central differences of the node's gradients and against eager double backward. */
  private static double[][] check(String name, Function<Tensor[], Object[]> args, Tensor... xs) {
    double[][] viaNode = doubleBackward(x -> node(name, args.apply(x)), xs);
    assertClose(differences(x -> node(name, args.apply(x)), xs), viaNode, 1e-6, name + " vs differences");
    assertClose(doubleBackward(x -> original(name, args.apply(x)), xs), viaNode, 1e-12, name + " vs eager");
    boolean nonzero = Arrays.stream(viaNode).flatMapToDouble(Arrays::stream).anyMatch(v -> Math.abs(v) > 1e-3);
    assertTrue(nonzero, name + ": a Hessian of zeros checks nothing");
    return viaNode;
  }

  @Test
  void hessiansOfEveryConstructAgainstDifferences() {
    check("product", x -> new Object[] {x[0], x[1]}, randn(1, 2, 3), randn(2, 3, 2));
    check("mulSum", x -> new Object[] {x[0], x[1]}, randn(3, 3), randn(4, 3));
    check("looped", x -> new Object[] {x[0], 3}, randn(5, 4).mul(0.5));
    check("branch", x -> new Object[] {x[0], true}, randn(6, 3));
    check("branch", x -> new Object[] {x[0], false}, randn(7, 3));
    check("labelled", x -> new Object[] {x[0], new int[] {2, 0, 1}, new double[] {1.5}}, randn(8, 3, 4));
    check("shifted", x -> new Object[] {x[0]}, randn(9, 3));
    check("outer", x -> new Object[] {x[0], x[1]}, randn(10, 3), randn(11, 3, 2));
  }

  @Test
  void anInputPassedTwiceOrComputedFromAnotherGetsItsOwnPartials() {
    Tensor x = randn(12, 3).requiresGrad();
    // sum(x * x): gradient 2x, Hessian 2I, and not twice either.
    Tensor g = Autograd.grad(node("mulSum", x, x), new Tensor[] {x}, null, false, true)[0];
    assertTrue(g.allClose(x.mul(2.0).detach(), 1e-12, 1e-12), g.toString());
    Tensor h = Autograd.grad(g.sum(), new Tensor[] {x}, null, false)[0];
    assertTrue(h.allClose(Tensor.full(new int[] {3}, 2.0), 1e-12, 1e-12), h.toString());
    // sum(x * 2x) through an eager doubling: gradient 4x, Hessian 4I.
    Tensor y = randn(13, 3).requiresGrad();
    Tensor gy = Autograd.grad(node("mulSum", y, y.mul(2.0)), new Tensor[] {y}, null, false, true)[0];
    assertTrue(gy.allClose(y.mul(4.0).detach(), 1e-12, 1e-12), gy.toString());
    Tensor hy = Autograd.grad(gy.sum(), new Tensor[] {y}, null, false)[0];
    assertTrue(hy.allClose(Tensor.full(new int[] {3}, 4.0), 1e-12, 1e-12), hy.toString());
  }

  @Test
  void theGradientIsDifferentiableInTheUpstreamToo() {
    Tensor x = randn(14, 4).requiresGrad();
    Tensor w = randn(15, 4);
    Tensor v = randn(16, 4).requiresGrad();
    // g = v * w * (1 - tanh(xw)^2); d sum(g) / dv = w * (1 - tanh(xw)^2), computed here without the node.
    Tensor g = Autograd.grad(node("smooth", x, w), new Tensor[] {x}, v, false, true)[0];
    Tensor dv = Autograd.grad(g.sum(), new Tensor[] {v}, null, false)[0];
    double[] xs = x.toArray();
    double[] ws = w.toArray();
    for (int i = 0; i < 4; i++) {
      double t = Math.tanh(xs[i] * ws[i]);
      assertEquals(ws[i] * (1 - t * t), dv.get(i), 1e-12);
    }
  }

  @Test
  void anArrayChangedBeforeTheRecordedPassIsRefusedAsInTheFirst() {
    Tensor logits = randn(17, 3, 4).requiresGrad();
    double[] scale = {1.5};
    Tensor out = node("labelled", logits, new int[] {2, 0, 1}, scale);
    scale[0] = 4.0;
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Autograd.grad(out, new Tensor[] {logits}, null, false, true));
    assertTrue(e.getMessage().contains("'scale'"), e.getMessage());
  }

  @Test
  void hessiansAgainstPyTorch() {
    Tensor a = randn(18, 2, 3);
    Tensor b = randn(19, 3, 2);
    Tensor logits = randn(20, 3, 4);
    Tensor x = randn(21, 4).mul(0.5);
    Tensor u = randn(22, 3);
    Tensor wu = randn(23, 3, 2);
    double[][][] ours = {
        doubleBackward(t -> node("product", t[0], t[1]), a, b),
        doubleBackward(t -> node("labelled", t[0], new int[] {2, 0, 1}, new double[] {1.5}), logits),
        doubleBackward(t -> node("looped", t[0], 3), x),
        doubleBackward(t -> node("outer", t[0], t[1]), u, wu)};
    List<String> lines = TorchOracle.run("""
        from torch.autograd.functional import hessian
        import torch.nn.functional as F
        def flat(h, shapes):
            n = len(shapes)
            rows = []
            for i in range(n):
                ni = shapes[i].numel()
                rows.append(torch.cat([h[i][j].reshape(ni, shapes[j].numel()) for j in range(n)], 1))
            return torch.cat(rows, 0)
        def show(f, *xs):
            h = hessian(f, tuple(xs))
            print(' '.join(repr(v) for v in flat(h, [x.shape for x in xs]).reshape(-1).tolist()))
        def looped(x):
            for i in range(3):
                x = torch.tanh(x * x.sum())
            return x.sum()
        show(lambda a, b: torch.tanh(a @ b).sum(), %s, %s)
        show(lambda l: F.cross_entropy(l * 1.5, torch.tensor([2, 0, 1])), %s)
        show(looped, %s)
        show(lambda u, w: ((torch.sigmoid(u) * u) @ w).square().sum(), %s, %s)
        """.formatted(TorchOracle.literal(a), TorchOracle.literal(b), TorchOracle.literal(logits), TorchOracle.literal(x),
        TorchOracle.literal(u), TorchOracle.literal(wu)));
    assertEquals(ours.length, lines.size(), lines.toString());
    for (int k = 0; k < ours.length; k++) {
      double[] expected = TorchOracle.numbers(lines.get(k));
      int n = ours[k].length;
      assertEquals(n * n, expected.length, "case " + k);
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          assertEquals(expected[i * n + j], ours[k][i][j], 1e-10 * (1 + Math.abs(expected[i * n + j])),
              "case " + k + " [" + i + "][" + j + "]");
        }
      }
    }
  }
}
