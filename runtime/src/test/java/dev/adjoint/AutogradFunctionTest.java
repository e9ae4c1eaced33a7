package dev.adjoint;

import static dev.adjoint.Numeric.assertValues;
import static dev.adjoint.Numeric.check;
import static dev.adjoint.Numeric.param;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link AutogradFunction}: PyTorch's {@code torch.autograd.Function} semantics. */
class AutogradFunctionTest {
  /** x³ with its derivative 3x² written with tensor operations (so it can be differentiated again). */
  static final class Cube extends AutogradFunction {
    @Override
    protected Tensor forward(Context ctx, Tensor... in) {
      ctx.saveForBackward(in[0]);
      return in[0].pow(3);
    }

    @Override
    protected Tensor[] backward(Context ctx, Tensor g) {
      Tensor x = ctx.savedTensors()[0];
      return new Tensor[] {ctx.needsInputGrad(0) ? g.mul(x.square().mul(3)) : null};
    }
  }

  /** a·exp(b), saving its output; records which inputs wanted a gradient. */
  static final class ScaledExp extends AutogradFunction {
    boolean[] seen;

    @Override
    protected Tensor forward(Context ctx, Tensor... in) {
      Tensor e = in[1].exp();
      Tensor y = in[0].mul(e);
      ctx.saveForBackward(in[0], e);
      return y;
    }

    @Override
    protected Tensor[] backward(Context ctx, Tensor g) {
      seen = new boolean[] {ctx.needsInputGrad(0), ctx.needsInputGrad(1)};
      Tensor[] s = ctx.savedTensors();
      return new Tensor[] {g.mul(s[1]).sumToSize(s[0].shape()), g.mul(s[0]).mul(s[1])};
    }
  }

  /** round(x) forward, identity backward (a straight-through estimator): a rule that is not the derivative. */
  static final class StraightThrough extends AutogradFunction {
    @Override
    protected Tensor forward(Context ctx, Tensor... in) {
      double[] v = in[0].toArray();
      for (int i = 0; i < v.length; i++) {
        v[i] = Math.rint(v[i]);
      }
      return Tensor.fromArray(v, in[0].shape());
    }

    @Override
    protected Tensor[] backward(Context ctx, Tensor g) {
      return new Tensor[] {g};
    }
  }

  @Test
  void gradientsAreCheckedAgainstCentralDifferences() {
    check(in -> new Cube().apply(in[0]).mul(in[0]), param(1, 2, 3));
    check(in -> new ScaledExp().apply(in[0], in[1]), param(2, 3), param(3, 2, 3));
  }

  @Test
  void recordsOneNodeNamedAfterTheClass() {
    Tensor x = param(4, 3);
    Tensor y = new Cube().apply(x);
    assertEquals("CubeBackward", y.gradFnName());
    assertFalse(Tensor.noGrad(() -> new Cube().apply(x)).isRequiresGrad());
    assertTrue(new Cube().apply(Tensor.of(1, 2)).isLeaf());
  }

  @Test
  void needsInputGradSaysWhichInputsWantAGradientAndOthersAreIgnored() {
    Tensor a = param(5, 3);
    Tensor b = Tensor.of(0.1, 0.2, 0.3);
    ScaledExp f = new ScaledExp();
    f.apply(a, b).sum().backward();
    assertArrayEquals(new boolean[] {true, false}, f.seen);
    assertValues(new double[] {Math.exp(0.1), Math.exp(0.2), Math.exp(0.3)}, a.grad(), 1e-15);
    assertEquals(null, b.grad());
  }

  @Test
  void aSavedTensorChangedInPlaceFailsTheVersionCheck() {
    Tensor x = param(6, 3);
    Tensor y = new Cube().apply(x);
    Tensor.noGrad(() -> x.mulInPlace(2));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.sum().backward());
    assertTrue(e.getMessage().contains("modified by an inplace operation"), e.getMessage());
  }

  @Test
  void aSecondPassWithoutRetainGraphFindsTheGraphFreed() {
    Tensor x = param(7, 3);
    Tensor y = new Cube().apply(x).sum();
    y.backward();
    IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
    assertTrue(e.getMessage().contains("second time"), e.getMessage());
  }

  @Test
  void aRuleWrittenWithTensorOperationsHasSecondDerivatives() {
    Tensor x = Tensor.of(1, -2, 3);
    Tensor h = Autograd.hessian(v -> new Cube().apply(v).sum(), x);
    // d²/dx² Σx³ = diag(6x), by hand
    assertValues(new double[] {6, 0, 0, 0, -12, 0, 0, 0, 18}, h, 1e-12);
  }

  @Test
  void savedTensorsIsRefusedInForward() {
    AutogradFunction f = new AutogradFunction() {
      @Override
      protected Tensor forward(Context ctx, Tensor... in) {
        ctx.savedTensors();
        return in[0];
      }

      @Override
      protected Tensor[] backward(Context ctx, Tensor g) {
        return new Tensor[] {g};
      }
    };
    assertThrows(IllegalStateException.class, () -> f.apply(param(8, 2)));
  }

  @Test
  void matchesPyTorchOnAStraightThroughEstimator() {
    Tensor x = param(9, 5);
    List<String> out = TorchOracle.run("import torch\n"
        + "class StraightThrough(torch.autograd.Function):\n"
        + "    @staticmethod\n"
        + "    def forward(ctx, x):\n"
        + "        return torch.round(x)\n"
        + "    @staticmethod\n"
        + "    def backward(ctx, g):\n"
        + "        return g\n"
        + "x = " + TorchOracle.literal(x) + ".requires_grad_()\n"
        + "y = (StraightThrough.apply(x * 2) * x).sum()\n"
        + "y.backward()\n"
        + "print(repr(y.item()))\n"
        + "print(' '.join(repr(v) for v in x.grad.tolist()))\n");
    Tensor y = new StraightThrough().apply(x.mul(2)).mul(x).sum();
    y.backward();
    assertEquals(Double.parseDouble(out.get(0)), y.item(), 1e-12);
    assertArrayEquals(TorchOracle.numbers(out.get(1)), x.grad().toArray(), 1e-12);
  }
}
