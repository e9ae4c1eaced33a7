package dev.adjoint;

import static dev.adjoint.Numeric.assertValues;
import static dev.adjoint.Numeric.check;
import static dev.adjoint.Numeric.param;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Strided views: values, storage sharing, strides, in-place changes through views, version checks and
 * gradients (central differences, and PyTorch where it is installed).
 */
class StridedViewsTest {
  /** A view case: input shape, the Java function and the same in Python (over {@code x}). */
  private record Case(int[] shape, Function<Tensor, Tensor> f, String python) {}

  private static final List<Case> CASES = List.of(
      new Case(new int[] {3, 4}, Tensor::t, "x.t()"),
      new Case(new int[] {2, 3, 4}, x -> x.transpose(0, 2), "x.transpose(0, 2)"),
      new Case(new int[] {2, 3, 4}, x -> x.permute(2, 0, 1), "x.permute(2, 0, 1)"),
      new Case(new int[] {3, 4}, x -> x.select(1, 2), "x.select(1, 2)"),
      new Case(new int[] {3, 4}, x -> x.select(0, -1), "x.select(0, -1)"),
      new Case(new int[] {5, 4}, x -> x.slice(0, 1, 5, 2), "x[1:5:2]"),
      new Case(new int[] {4, 6}, x -> x.slice(1, -5, 100, 3), "x[:, -5:100:3]"),
      new Case(new int[] {3, 1}, x -> x.expand(2, 3, 4), "x.expand(2, 3, 4)"),
      new Case(new int[] {4, 5}, x -> x.narrow(1, 1, 3), "x.narrow(1, 1, 3)"),
      new Case(new int[] {3, 4}, x -> x.unsqueeze(1), "x.unsqueeze(1)"),
      new Case(new int[] {3, 4}, x -> x.t().unsqueeze(2), "x.t().unsqueeze(2)"),
      new Case(new int[] {3, 1, 4}, x -> x.squeeze(1), "x.squeeze(1)"),
      new Case(new int[] {3, 1, 4}, x -> x.permute(2, 1, 0).squeeze(), "x.permute(2, 1, 0).squeeze()"),
      new Case(new int[] {3, 4}, x -> x.t().reshape(12), "x.t().reshape(12)"),
      new Case(new int[] {2, 3, 4}, x -> x.transpose(0, 1).view(3, 2, 2, 2), "x.transpose(0, 1).view(3, 2, 2, 2)"),
      new Case(new int[] {2, 3, 4}, x -> x.permute(1, 0, 2).reshape(3, 8), "x.permute(1, 0, 2).reshape(3, 8)"),
      new Case(new int[] {4, 6}, x -> x.slice(1, 0, 6, 2).t().contiguous(), "x[:, 0:6:2].t().contiguous()"),
      new Case(new int[] {4, 6}, x -> x.t().slice(0, 1, 5, 2).select(1, 2), "x.t()[1:5:2].select(1, 2)"),
      new Case(new int[] {4, 6}, x -> x.slice(0, 1, 4).flatten(), "x[1:4].flatten()"),
      new Case(new int[] {3, 4}, x -> x.t().matmul(x), "x.t().matmul(x)"),
      new Case(new int[] {4, 5}, x -> x.slice(1, 0, 5, 2).exp().sum(0, false), "x[:, 0:5:2].exp().sum(0)"),
      new Case(new int[] {2, 3}, x -> x.t().expand(4, 3, 2).mul(x.t()), "x.t().expand(4, 3, 2) * x.t()"));

  private static Tensor weights(int[] shape) {
    return Tensor.arange(Shapes.numel(shape)).mul(0.1).add(1).reshape(shape);
  }

  @Test
  void everyViewIsGradientCheckedAgainstCentralDifferences() {
    for (Case c : CASES) {
      check(in -> c.f().apply(in[0]), param(7, c.shape()));
    }
  }

  @Test
  void viewsMatchPyTorchInValuesStridesAndGradients() {
    StringBuilder py = new StringBuilder("import torch\n");
    Tensor[] inputs = new Tensor[CASES.size()];
    for (int i = 0; i < CASES.size(); i++) {
      Case c = CASES.get(i);
      inputs[i] = param(11 + i, c.shape());
      py.append("x = ").append(TorchOracle.literal(inputs[i])).append(".requires_grad_()\n")
          .append("y = ").append(c.python()).append('\n')
          .append("w = (torch.arange(y.numel(), dtype=torch.float64) * 0.1 + 1).reshape(y.shape)\n")
          .append("(y * w).sum().backward()\n")
          .append("print(' '.join(repr(v) for v in y.detach().reshape(-1).tolist()))\n")
          .append("print(' '.join(str(v) for v in y.stride()), y.storage_offset() if y._base is not None"
              + " or y.data_ptr() == x.data_ptr() else -1)\n")
          .append("print(' '.join(repr(v) for v in x.grad.reshape(-1).tolist()))\n");
    }
    List<String> out = TorchOracle.run(py.toString());
    for (int i = 0; i < CASES.size(); i++) {
      Case c = CASES.get(i);
      Tensor x = inputs[i];
      Tensor y = c.f().apply(x);
      y.mul(weights(y.shape())).sum().backward();
      String what = c.python();
      assertArrayEquals(TorchOracle.numbers(out.get(3 * i)), y.toArray(), 1e-12, what + " values");
      double[] strides = TorchOracle.numbers(out.get(3 * i + 1));
      boolean torchView = strides[strides.length - 1] >= 0;
      boolean ours = y.storage == x.storage;
      assertEquals(torchView, ours, what + " shares storage");
      if (ours) {
        double[] expected = new double[strides.length - 1];
        System.arraycopy(strides, 0, expected, 0, expected.length);
        assertArrayEquals(expected, toDoubles(y.stride()), 0, what + " strides");
        assertEquals(strides[strides.length - 1], y.storageOffset(), what + " storage offset");
      }
      assertArrayEquals(TorchOracle.numbers(out.get(3 * i + 2)), x.grad().toArray(), 1e-12, what + " gradient");
    }
  }

  private static double[] toDoubles(int[] a) {
    double[] r = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = a[i];
    }
    return r;
  }

  @Test
  void viewsShareStorageAndTheVersionCounter() {
    Tensor base = Tensor.arange(12).reshape(3, 4);
    Tensor col = base.t().select(0, 1);
    assertValues(new double[] {1, 5, 9}, col);
    col.fill_(7);
    assertValues(new double[] {0, 7, 2, 3, 4, 7, 6, 7, 8, 7, 10, 11}, base);
    base.slice(1, 0, 4, 2).mulInPlace(-1);
    assertValues(new double[] {0, 7, -2, 3, -4, 7, -6, 7, -8, 7, -10, 11}, base);
    assertEquals(base.version.value, col.version.value);
    assertEquals(2, base.version.value);
    Tensor.zeros(2).copy_(Tensor.of(1.0)); // a fresh tensor: no effect on base
    base.narrow(0, 2, 1).zero_();
    assertValues(new double[] {0, 0, 0, 0}, base.select(0, 2));
    assertFalse(base.t().isContiguous());
    assertTrue(base.t().t().isContiguous());
    assertSame(base, base.contiguous());
    Tensor copy = base.t().contiguous();
    assertNotSame(base.storage, copy.storage);
    assertTrue(copy.isContiguous());
  }

  @Test
  void viewAfterTransposeIsRefusedAsInPyTorchAndReshapeCopies() {
    Tensor x = Tensor.arange(24).reshape(2, 3, 4);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> x.transpose(0, 1).view(6, 4));
    assertTrue(e.getMessage().startsWith("view size is not compatible with input tensor's size and stride"),
        e.getMessage());
    assertThrows(IllegalStateException.class, () -> x.transpose(0, 2).view(24));
    Tensor r = x.transpose(0, 1).reshape(6, 4);
    assertNotSame(x.storage, r.storage);
    assertValues(new double[] {0, 1, 2, 3, 12, 13, 14, 15}, r.slice(0, 0, 2));
    assertSame(x.storage, x.reshape(4, 6).storage);
    assertSame(x.storage, x.slice(0, 1, 2).view(3, 4).storage);
  }

  @Test
  void anInPlaceChangeThroughAViewFailsTheSavedTensorCheckAsInPyTorch() {
    Tensor x = Tensor.arange(6).reshape(2, 3);
    Tensor w = param(3, 3, 2);
    Tensor y = w.mul(x.t()); // saves the transposed view
    x.select(0, 0).fill_(1);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.sum().backward());
    assertTrue(e.getMessage().contains("modified by an inplace operation"), e.getMessage());
  }

  @Test
  void inPlaceOperationsOnNonLeavesAreRecorded() {
    Tensor w = param(1, 3);
    Tensor z = param(2, 3);
    Tensor y = w.mul(2);
    y.addInPlace(z.mul(3)).mulInPlace(2).subInPlace(w);
    assertEquals("SubBackward", y.gradFnName());
    Tensor c = Tensor.of(1, 2, 3);
    y.mul(c).sum().backward();
    assertValues(new double[] {3, 6, 9}, w.grad(), 1e-12); // (2·2 - 1)·c
    assertValues(new double[] {6, 12, 18}, z.grad(), 1e-12);
    Tensor a = Tensor.zeros(2, 3);
    a.select(0, 1).fill_(5); // no graph yet: a plain write through a view
    Tensor v = param(4, 3);
    Tensor b = Tensor.zeros(2, 3);
    b.copy_(v);
    assertEquals("CopyBackwards", b.gradFnName());
    b.mul(a.add(1)).sum().backward();
    assertValues(new double[] {7, 7, 7}, v.grad());
    check(in -> {
      Tensor h = in[0].mul(in[1]);
      h.addInPlace(in[1].sum(0, true));
      return h.mulInPlace(0.5);
    }, param(5, 2, 3), param(6, 1, 3));
  }

  @Test
  void inPlaceChangesThatCannotBeRecordedAreRefused() {
    Tensor w = param(1, 3, 2);
    IllegalStateException leaf = assertThrows(IllegalStateException.class, () -> w.t().fill_(0));
    assertTrue(leaf.getMessage().contains("view of a leaf Variable that requires grad"), leaf.getMessage());
    Tensor e = Tensor.zeros(3).expand(2, 3);
    IllegalStateException overlap = assertThrows(IllegalStateException.class, () -> e.fill_(1));
    assertTrue(overlap.getMessage().contains("more than one element of the written-to tensor"), overlap.getMessage());
    Tensor.noGrad(() -> w.select(0, 0).fill_(0)); // an optimizer-style update through a view
    assertValues(new double[] {0, 0}, w.select(0, 0));
  }

  @Test
  void secondDerivativesFlowThroughStridedViews() {
    Tensor x = Tensor.of(1, 2, 3, 4, 5, 6);
    Tensor hess = Autograd.hessian(v -> v.reshape(2, 3).t().slice(0, 0, 3, 2).pow(3).sum(), x);
    double[] expected = new double[36];
    for (int i : new int[] {0, 2, 3, 5}) { // the entries the view keeps: columns 0 and 2
      expected[i * 6 + i] = 6 * (i + 1);
    }
    assertValues(expected, hess, 1e-9);
  }
}
