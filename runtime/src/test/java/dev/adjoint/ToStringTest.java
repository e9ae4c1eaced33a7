package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@link Tensor#toString()} in PyTorch's format (expected strings as PyTorch prints them). */
class ToStringTest {

  @Test
  void matrixWithGradFn() {
    Tensor eye = Tensor.eye(2).requiresGrad();
    Tensor m = eye.matmul(Tensor.of(new double[][] {{4, 3}, {2, 6}}));
    assertEquals("tensor([[4., 3.],\n        [2., 6.]], grad_fn=<MmBackward>)", m.toString());
  }

  @Test
  void leavesScalarsAndModes() {
    assertEquals("tensor([2., 3.], requires_grad=True)", Tensor.of(2, 3).requiresGrad().toString());
    Tensor a = Tensor.of(2, 3).requiresGrad();
    Tensor b = a.add(3);
    assertEquals("tensor(91.5000, grad_fn=<MeanBackward>)", b.mul(b).mul(3).mean().toString());
    assertEquals("tensor(4.)", Tensor.of(4.0).toString());
    assertEquals("tensor([0.5000, 1.2500])", Tensor.of(0.5, 1.25).toString());
    assertEquals("tensor([-1.,  2.])", Tensor.of(-1, 2).toString());
    assertEquals("tensor([ 0.1235, -1.0000])", Tensor.of(0.12345, -1).toString());
    assertEquals("tensor([1.0000e-05, 1.0000e+00])", Tensor.of(1e-5, 1).toString());
    assertEquals("tensor([1.0000e+00, 2.0000e+03])", Tensor.of(1, 2000).toString());
    assertEquals("tensor([0., 0.])", Tensor.zeros(2).toString());
    assertEquals("tensor([nan, inf, 1.])", Tensor.of(Double.NaN, Double.POSITIVE_INFINITY, 1).toString());
    assertEquals("tensor([   -inf,  0.5000, -2.2500])", Tensor.of(Double.NEGATIVE_INFINITY, 0.5, -2.25).toString());
  }

  @Test
  void threeDimensionsAndEmpty() {
    assertEquals("tensor([[[0., 1.],\n         [2., 3.]],\n\n        [[4., 5.],\n         [6., 7.]]])",
        Tensor.arange(8).reshape(2, 2, 2).toString());
    assertEquals("tensor([])", Tensor.zeros(0).toString());
    assertEquals("tensor([], size=(0, 3))", Tensor.zeros(0, 3).toString());
  }

  @Test
  void longRowsWrapAndLargeTensorsAreSummarized() {
    assertEquals("tensor([0.0000, 0.1000, 0.2000, 0.3000, 0.4000, 0.5000, 0.6000, 0.7000, 0.8000,\n"
        + "        0.9000, 1.0000, 1.1000])", Tensor.arange(12).mul(0.1).toString());
    assertEquals("tensor([1., 1., 1.,  ..., 1., 1., 1.])", Tensor.ones(2000).toString());
    assertEquals("tensor([[1., 1., 1.,  ..., 1., 1., 1.],\n        [1., 1., 1.,  ..., 1., 1., 1.],\n"
        + "        [1., 1., 1.,  ..., 1., 1., 1.],\n        ...,\n        [1., 1., 1.,  ..., 1., 1., 1.],\n"
        + "        [1., 1., 1.,  ..., 1., 1., 1.],\n        [1., 1., 1.,  ..., 1., 1., 1.]])",
        Tensor.ones(100, 100).toString());
  }
}
