package dev.adjoint.benchmarks;

import dev.adjoint.Differentiable;
import dev.adjoint.NoGrad;
import dev.adjoint.Tensor;

/**
 * The tensor workloads as {@code Tensor}-typed {@code @Differentiable} methods: the processor turns each into
 * one fused graph node whose pullback is its generated reverse pass ({@code TensorFunctionsGrad}). Same
 * bodies as {@link TensorWorkloads}' eager versions.
 */
public final class TensorFunctions {
  private TensorFunctions() {}

  /**
   * As {@link TensorWorkloads#logisticLoss}, but the matrix-vector product is written as a matrix product
   * ({@code w} as a column): the processor's reverse pass supports only matrix products so far.
   */
  @Differentiable
  public static Tensor logisticLoss(@NoGrad Tensor x, @NoGrad Tensor y, Tensor w, Tensor b) {
    Tensor z = x.matmul(w.reshape(w.numel(), 1)).reshape(x.size(0)).add(b);
    return z.exp().add(1.0).log().sub(y.mul(z)).mean();
  }

  /**
   * {@link #logisticLoss} read into a {@code double} at the end, by the weights alone (issue 13's tensor
   * Hessian row): its companion has {@code mHvp} and {@code mHessian} by double backward through the tensor the
   * result is read from.
   */
  @Differentiable
  public static double logisticLossValue(@NoGrad Tensor x, @NoGrad Tensor y, Tensor w, @NoGrad Tensor b) {
    Tensor z = x.matmul(w.reshape(w.numel(), 1)).reshape(x.size(0)).add(b);
    return z.exp().add(1.0).log().sub(y.mul(z)).mean().item();
  }

  @Differentiable
  public static Tensor mlpLoss(@NoGrad Tensor x, int[] targets, Tensor w1, Tensor b1, Tensor w2, Tensor b2) {
    Tensor h = x.matmul(w1).add(b1).tanh();
    return Tensor.crossEntropy(h.matmul(w2).add(b2), targets);
  }

  @Differentiable
  public static Tensor matmul(Tensor a, Tensor b) {
    return a.matmul(b);
  }
}
