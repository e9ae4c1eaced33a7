package dev.adjoint;

import static dev.adjoint.Numeric.assertValues;
import static dev.adjoint.Numeric.check;
import static dev.adjoint.Numeric.param;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * In-place changes of views of non-leaves and of bases that have views, recorded as PyTorch's {@code
 * CopySlices}: gradient-checked against central differences and compared with PyTorch where it is installed.
 */
class InPlaceViewsTest {
  /** Inputs {@code a} [2, 3] and {@code b} [3], the Java function and the same program in Python. */
  private record Case(Function<Tensor[], Tensor> f, String python) {}

  private static final List<Case> CASES = List.of(
      new Case(in -> {
        Tensor h = in[0].mul(2);
        h.select(0, 1).mulInPlace(3);
        return h.mul(in[1]);
      }, "h = a * 2\nh.select(0, 1).mul_(3)\nr = h * b"),
      new Case(in -> {
        Tensor h = in[0].mul(in[0]);
        h.t().slice(0, 0, 3, 2).addInPlace(in[1].slice(0, 0, 2).unsqueeze(1));
        return h.mul(h);
      }, "h = a * a\nh.t()[0:3:2].add_(b[0:2].unsqueeze(1))\nr = h * h"),
      new Case(in -> {
        Tensor z = Tensor.zeros(2, 3);
        z.select(0, 0).copy_(in[1].mul(in[1]));
        return z.mul(in[0]);
      }, "z = torch.zeros(2, 3, dtype=torch.float64)\nz.select(0, 0).copy_(b * b)\nr = z * a"),
      new Case(in -> {
        Tensor h = in[0].mul(1.5);
        Tensor v = h.select(1, 0);
        h.addInPlace(in[1]);
        return v.mul(v).add(h.sum());
      }, "h = a * 1.5\nv = h.select(1, 0)\nh.add_(b)\nr = v * v + h.sum()"),
      new Case(in -> {
        Tensor h = in[0].sin();
        Tensor v1 = h.select(0, 0);
        Tensor v2 = h.select(0, 1);
        v1.fill_(0.5);
        v1.subInPlace(in[1]);
        return v2.mul(h).add(v1);
      }, "h = a.sin()\nv1 = h.select(0, 0)\nv2 = h.select(0, 1)\nv1.fill_(0.5)\nv1.sub_(b)\nr = v2 * h + v1"),
      new Case(in -> {
        Tensor h = in[0].cos();
        h.t().select(0, 1).subInPlace(in[0].select(1, 2).mul(in[1].select(0, 0)));
        h.slice(1, 1, 3).zero_();
        return h.sin();
      }, "h = a.cos()\nh.t().select(0, 1).sub_(a.select(1, 2) * b.select(0, 0))\nh[:, 1:3].zero_()\nr = h.sin()"),
      new Case(in -> {
        Tensor h = in[0].mul(in[0]);
        Tensor row = h.select(0, 1);
        row.mulInPlace(-2);
        row.addInPlace(in[1]);
        return row.mul(in[1]).sum(0, false).add(h.sum());
      }, "h = a * a\nrow = h.select(0, 1)\nrow.mul_(-2)\nrow.add_(b)\nr = (row * b).sum(0) + h.sum()"));

  private static Tensor[] inputs(int seed) {
    return new Tensor[] {param(seed, 2, 3), param(seed + 1, 3)};
  }

  @Test
  void everyCaseIsGradientCheckedAgainstCentralDifferences() {
    for (Case c : CASES) {
      check(c.f(), inputs(3));
    }
  }

  @Test
  void valuesAndGradientsMatchPyTorch() {
    StringBuilder py = new StringBuilder("import torch\n");
    Tensor[][] ins = new Tensor[CASES.size()][];
    for (int i = 0; i < CASES.size(); i++) {
      ins[i] = inputs(20 + 2 * i);
      py.append("a = ").append(TorchOracle.literal(ins[i][0])).append(".requires_grad_()\n")
          .append("b = ").append(TorchOracle.literal(ins[i][1])).append(".requires_grad_()\n")
          .append(CASES.get(i).python()).append('\n')
          .append("w = (torch.arange(r.numel(), dtype=torch.float64) * 0.1 + 1).reshape(r.shape)\n")
          .append("(r * w).sum().backward()\n")
          .append("print(' '.join(repr(v) for v in r.detach().reshape(-1).tolist()))\n")
          .append("print(' '.join(repr(v) for v in a.grad.reshape(-1).tolist()))\n")
          .append("print(' '.join(repr(v) for v in b.grad.reshape(-1).tolist()))\n");
    }
    List<String> out = TorchOracle.run(py.toString());
    for (int i = 0; i < CASES.size(); i++) {
      Tensor[] in = ins[i];
      Tensor r = CASES.get(i).f().apply(in);
      Tensor w = Tensor.arange(r.numel()).mul(0.1).add(1).reshape(r.shape());
      r.mul(w).sum().backward();
      String what = CASES.get(i).python();
      assertArrayEquals(TorchOracle.numbers(out.get(3 * i)), r.toArray(), 1e-12, what + " values");
      assertArrayEquals(TorchOracle.numbers(out.get(3 * i + 1)), in[0].grad().toArray(), 1e-12, what + " grad a");
      assertArrayEquals(TorchOracle.numbers(out.get(3 * i + 2)), in[1].grad().toArray(), 1e-12, what + " grad b");
    }
  }

  @Test
  void theBaseAndItsViewsMoveOntoTheNewNodes() {
    Tensor a = param(1, 2, 3);
    Tensor h = a.mul(2);
    Tensor v = h.select(0, 0);
    assertEquals("SelectBackward", v.gradFnName());
    h.select(0, 1).fill_(1);
    assertEquals("CopySlices", h.gradFnName());
    assertEquals("AsStridedBackward", v.gradFnName());
    // a view taken from a base without grad gains it when a change through another view brings it in
    Tensor z = Tensor.zeros(2, 2);
    Tensor zr = z.select(0, 1);
    assertTrue(!zr.isRequiresGrad());
    z.select(0, 0).copy_(param(2, 2));
    assertTrue(z.isRequiresGrad() && !z.isLeaf());
    assertTrue(zr.isRequiresGrad());
    // by hand: h = 2a with row 1 set to 1, so d(sum h)/da is 2 on row 0 and 0 on row 1
    h.sum().backward();
    assertValues(new double[] {2, 2, 2, 0, 0, 0}, a.grad());
  }

  @Test
  void aRetainedViewGradientFollowsTheChange() {
    // PyTorch 1.13 prints the same: None, [[6, 6], [3, 3]]; then [1, 1], [[6, 6], [0, 0]]
    Tensor a = param(4, 2, 2);
    Tensor h = a.mul(3);
    Tensor v = h.select(0, 0).retainGrad();
    v.mulInPlace(2);
    h.sum().backward();
    assertEquals(null, v.grad()); // the base's pass does not run through the view's new node
    assertValues(new double[] {6, 6, 3, 3}, a.grad());
    a.zeroGrad();
    Tensor h2 = a.mul(3);
    Tensor v2 = h2.select(0, 0).retainGrad();
    v2.mulInPlace(2);
    v2.sum().backward();
    assertValues(new double[] {1, 1}, v2.grad());
    assertValues(new double[] {6, 6, 0, 0}, a.grad());
  }

  @Test
  void secondDerivativesFlowThroughCopySlices() {
    Tensor x = Tensor.of(1, 2, 3, 4);
    Tensor hess = Autograd.hessian(v -> {
      Tensor h = v.mul(v);
      h.slice(0, 0, 2).mulInPlace(3);
      return h.sum();
    }, x);
    // h = (3x0², 3x1², x2², x3²): the Hessian is diag(6, 6, 2, 2), by hand
    assertValues(new double[] {6, 0, 0, 0, 0, 6, 0, 0, 0, 0, 2, 0, 0, 0, 0, 2}, hess, 1e-9);
  }

  @Test
  void aSavedValueChangedThroughAViewStillFailsTheVersionCheck() {
    Tensor a = param(5, 3);
    Tensor h = a.mul(2);
    Tensor y = h.mul(h);
    h.select(0, 0).fill_(0);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.sum().backward());
    assertTrue(e.getMessage().contains("modified by an inplace operation"), e.getMessage());
  }

  @Test
  void aliasesViewedFromTwoTensorsAreRefused() {
    Tensor a = param(6, 2, 3);
    Tensor h = a.mul(2);
    Tensor d = h.detach();
    h.select(0, 0);
    d.select(0, 1);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> h.select(0, 0).addInPlace(a.select(0, 1)));
    assertTrue(e.getMessage().contains("detach()ed alias"), e.getMessage());
  }
}
