package dev.adjoint.benchmarks;

import dev.adjoint.spi.MatmulBackend;

/**
 * {@link LogisticRegressionBench} with the runtime's products (here matrix-vector, {@code gemv}) routed to a
 * native BLAS by {@code adjoint-blas}.
 */
public class LogisticRegressionBlasBench extends LogisticRegressionBench {
  @Override
  MatmulBackend matmulBackend() {
    return NativeBlas.require();
  }
}
