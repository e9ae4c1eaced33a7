package dev.adjoint.benchmarks;

import dev.adjoint.spi.MatmulBackend;

/** {@link MatmulBench} with the runtime's products routed to a native BLAS by {@code adjoint-blas}. */
public class MatmulBlasBench extends MatmulBench {
  @Override
  MatmulBackend matmulBackend() {
    return NativeBlas.require();
  }
}
