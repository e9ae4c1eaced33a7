package dev.adjoint.benchmarks;

import dev.adjoint.spi.MatmulBackend;

/** {@link MlpBench} with the runtime's products routed to a native BLAS by {@code adjoint-blas}. */
public class MlpBlasBench extends MlpBench {
  @Override
  MatmulBackend matmulBackend() {
    return NativeBlas.require();
  }
}
