package dev.adjoint.benchmarks;

import dev.adjoint.blas.NetlibMatmulBackend;
import dev.adjoint.spi.MatmulBackend;

/** The {@code adjoint-blas} backend for the {@code *BlasBench} variants, which refuse to measure without it. */
final class NativeBlas {
  private NativeBlas() {}

  static MatmulBackend require() {
    NetlibMatmulBackend backend = new NetlibMatmulBackend();
    if (!backend.isNative()) {
      throw new IllegalStateException("adjoint-blas found no native BLAS (" + backend.name()
          + "): install one, e.g. apt-get install libopenblas0-serial, or leave out the *BlasBench benchmarks");
    }
    System.out.println("matmul backend: " + backend.name());
    return backend;
  }
}
