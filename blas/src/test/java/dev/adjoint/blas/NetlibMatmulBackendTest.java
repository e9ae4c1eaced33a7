package dev.adjoint.blas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.adjoint.Generator;
import dev.adjoint.Tensor;
import dev.adjoint.spi.Backends;
import dev.adjoint.spi.MatmulBackend;
import dev.ludovic.netlib.blas.JavaBLAS;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The runtime's matrix products routed to {@link NetlibMatmulBackend}: forward values and gradients against a
 * naive triple loop written here and against the runtime's own kernels, to 1e-12 relative. The routing (views
 * passed with transpose flags and leading dimensions, batches, thresholds) is tested through netlib's pure-Java
 * BLAS, so it runs on every machine; the assertions about native code need a native BLAS and are skipped
 * without one.
 */
class NetlibMatmulBackendTest {
  private static final double TOL = 1e-12;
  private static final String NO_NATIVE = "no native BLAS loads on this machine (netlib found no libblas.so.3; "
      + "on Debian: apt-get install libopenblas0-serial), so the runtime keeps its own kernels";

  private final MatmulBackend before = Backends.matmul();

  @AfterEach
  void restore() {
    Backends.useMatmul(before);
  }

  /** Counts the products a backend receives, so that a test knows the backend (not the runtime) ran. */
  private static final class Counting implements MatmulBackend {
    final MatmulBackend inner;
    int calls;

    Counting(MatmulBackend inner) {
      this.inner = inner;
    }

    @Override
    public String name() {
      return "counting " + inner.name();
    }

    @Override
    public boolean isNative() {
      return inner.isNative();
    }

    @Override
    public void gemm(boolean transA, boolean transB, int n, int m, int k, double[] a, int ao, int lda, double[] b,
        int bo, int ldb, double[] c, int co, int ldc) {
      calls++;
      inner.gemm(transA, transB, n, m, k, a, ao, lda, b, bo, ldb, c, co, ldc);
    }
  }

  private static Tensor randn(long seed, int... shape) {
    return Tensor.randn(new Generator().manualSeed(seed), shape);
  }

  /** {@code [.., n, k] · [.., k, m]} by the definition, on row-major arrays with equal batch counts. */
  private static double[] naive(double[] a, double[] b, int batch, int n, int k, int m) {
    double[] r = new double[batch * n * m];
    for (int q = 0; q < batch; q++) {
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < m; j++) {
          double s = 0;
          for (int p = 0; p < k; p++) {
            s += a[q * n * k + i * k + p] * b[q * k * m + p * m + j];
          }
          r[q * n * m + i * m + j] = s;
        }
      }
    }
    return r;
  }

  private static void close(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    double scale = 1;
    for (double e : expected) {
      scale = Math.max(scale, Math.abs(e));
    }
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], TOL * scale, what + " [" + i + "]");
    }
  }

  /** The same computation with the runtime's own kernels and with {@code backend}. */
  private static double[][] both(MatmulBackend backend, Supplier<double[]> run) {
    Backends.useMatmul(null);
    double[] own = run.get();
    Backends.useMatmul(backend);
    double[] routed = run.get();
    return new double[][] {own, routed};
  }

  private void checkProduct(Tensor a, Tensor b, int batch, int n, int k, int m, String what) {
    Counting backend = new Counting(new NetlibMatmulBackend(JavaBLAS.getInstance()));
    double[][] r = both(backend, () -> a.matmul(b).toArray());
    double[] expected = naive(a.contiguous().toArray(), b.contiguous().toArray(), batch, n, k, m);
    close(expected, r[0], what + ": runtime kernel vs definition");
    close(expected, r[1], what + ": backend vs definition");
    close(r[0], r[1], what + ": backend vs runtime kernel");
    assertEquals(batch, backend.calls, what + ": products sent to the backend");
  }

  @Test
  void contiguousAndTransposedOperandsAgree() {
    Tensor a = randn(1, 40, 50);
    Tensor b = randn(2, 50, 60);
    checkProduct(a, b, 1, 40, 50, 60, "a b");
    checkProduct(randn(3, 50, 40).t(), b, 1, 40, 50, 60, "aᵀ b");
    checkProduct(a, randn(4, 60, 50).t(), 1, 40, 50, 60, "a bᵀ");
    checkProduct(randn(3, 50, 40).t(), randn(4, 60, 50).t(), 1, 40, 50, 60, "aᵀ bᵀ");
  }

  @Test
  void stridedViewsAgree() {
    // Leading dimensions larger than the row: narrowed columns, an offset start, a stepped slice (copied).
    Tensor wide = randn(5, 45, 70);
    checkProduct(wide.narrow(1, 7, 50).narrow(0, 3, 40), randn(6, 50, 33), 1, 40, 50, 33, "narrowed a");
    checkProduct(randn(7, 40, 50), randn(8, 80, 60).narrow(0, 20, 50).t().narrow(0, 10, 40).t(), 1, 40, 50, 40,
        "narrowed transposed b");
    checkProduct(randn(9, 80, 50).slice(0, 0, 80, 2), randn(10, 50, 36), 1, 40, 50, 36, "stepped slice");
    checkProduct(randn(11, 50).expand(40, 50), randn(12, 50, 36), 1, 40, 50, 36, "expanded rows");
  }

  @Test
  void batchedAndBroadcastProductsAgree() {
    checkProduct(randn(13, 3, 20, 30), randn(14, 3, 30, 70), 3, 20, 30, 70, "bmm");
    checkProduct(randn(15, 3, 30, 20).transpose(1, 2), randn(16, 3, 70, 30).transpose(1, 2), 3, 20, 30, 70,
        "bmm of transposes");
    Tensor shared = randn(17, 30, 70);
    checkProduct(randn(18, 3, 20, 30), shared.expand(3, 30, 70), 3, 20, 30, 70, "bmm, b expanded over the batch");
    Tensor a4 = randn(19, 2, 3, 20, 30);
    Tensor b4 = randn(20, 1, 3, 30, 70);
    Counting backend = new Counting(new NetlibMatmulBackend(JavaBLAS.getInstance()));
    double[][] r = both(backend, () -> a4.matmul(b4).toArray());
    close(r[0], r[1], "4-D broadcast matmul: backend vs runtime kernel");
    assertEquals(6, backend.calls);
  }

  @Test
  void gradientsAgreeAndTheirProductsGoToTheBackend() {
    Tensor g = randn(21, 40, 60);
    Counting backend = new Counting(new NetlibMatmulBackend(JavaBLAS.getInstance()));
    for (int routed = 0; routed < 2; routed++) {
      Backends.useMatmul(routed == 0 ? null : backend);
      Tensor a = randn(22, 40, 50).requiresGrad();
      Tensor b = randn(23, 50, 60).requiresGrad();
      a.matmul(b).backward(g);
      // dA = G Bᵀ, dB = Aᵀ G by the definition
      double[] bt = b.detach().t().contiguous().toArray();
      double[] at = a.detach().t().contiguous().toArray();
      close(naive(g.toArray(), bt, 1, 40, 60, 50), a.grad().toArray(), "dA, backend " + routed);
      close(naive(at, g.toArray(), 1, 50, 40, 60), b.grad().toArray(), "dB, backend " + routed);
    }
    assertEquals(3, backend.calls, "forward, dA and dB products");
  }

  /** A product with one column or one row (a linear model's {@code X w}) goes to the backend in every layout. */
  private void checkVectorProduct(Tensor a, Tensor b, int n, int k, int m, String what) {
    Counting backend = new Counting(new NetlibMatmulBackend(JavaBLAS.getInstance()));
    double[][] r = both(backend, () -> a.matmul(b).toArray());
    double[] expected = naive(a.contiguous().toArray(), b.contiguous().toArray(), 1, n, k, m);
    close(expected, r[0], what + ": runtime kernel vs definition");
    close(expected, r[1], what + ": backend vs definition");
    assertEquals(1, backend.calls, what + ": products sent to the backend");
  }

  @Test
  void matrixVectorProductsGoToTheBackendInEveryLayout() {
    checkVectorProduct(randn(30, 300, 120), randn(31, 120, 1), 300, 120, 1, "A x");
    checkVectorProduct(randn(32, 120, 300).t(), randn(31, 120, 1), 300, 120, 1, "Aᵀ x");
    checkVectorProduct(randn(30, 300, 120), randn(33, 120, 5).narrow(1, 2, 1), 300, 120, 1, "A x, x strided");
    checkVectorProduct(randn(30, 300, 120), randn(34, 1, 120).t(), 300, 120, 1, "A x, x a transposed row");
    checkVectorProduct(randn(30, 300, 120), randn(35, 1).expand(120, 1), 300, 120, 1, "A x, x expanded");
    checkVectorProduct(randn(36, 1, 300), randn(30, 300, 120), 1, 300, 120, "x A");
    checkVectorProduct(randn(36, 1, 300), randn(37, 120, 300).t(), 1, 300, 120, "x Aᵀ");
    checkVectorProduct(randn(38, 300, 5).narrow(1, 1, 1).t(), randn(30, 300, 120), 1, 300, 120, "x strided, A");
    checkVectorProduct(randn(30, 400, 120).narrow(1, 10, 100), randn(39, 100, 1), 400, 100, 1, "narrowed A x");
  }

  @Test
  void oneDimensionalMatmulAndItsGradientGoToTheBackend() {
    // A linear model's z = X w with w 1-D: forward X w, backward Xᵀ g, both matrix-vector products
    Tensor x = randn(40, 500, 80);
    Tensor g = randn(41, 500);
    Counting backend = new Counting(new NetlibMatmulBackend(JavaBLAS.getInstance()));
    double[][] grads = new double[2][];
    for (int routed = 0; routed < 2; routed++) {
      Backends.useMatmul(routed == 0 ? null : backend);
      Tensor w = randn(42, 80).requiresGrad();
      Tensor z = x.matmul(w);
      close(naive(x.toArray(), w.detach().toArray(), 1, 500, 80, 1), z.detach().toArray(), "X w, backend " + routed);
      z.backward(g);
      grads[routed] = w.grad().toArray();
      close(naive(x.t().contiguous().toArray(), g.toArray(), 1, 80, 500, 1), grads[routed],
          "Xᵀ g, backend " + routed);
    }
    assertEquals(2, backend.calls, "forward X w and backward Xᵀ g");
  }

  @Test
  void smallProductsStayWithTheRuntime() {
    Counting backend = new Counting(new NetlibMatmulBackend(JavaBLAS.getInstance()));
    Backends.useMatmul(backend);
    Tensor a = randn(24, 8, 8);
    double[] r = a.matmul(randn(25, 8, 8)).toArray();
    close(naive(a.toArray(), randn(25, 8, 8).toArray(), 1, 8, 8, 8), r, "8³ product");
    assertEquals(0, backend.calls, "8³ = 512 multiply-adds is below Backends.MIN_MULTIPLY_ADDS");
  }

  @Test
  void pureJavaNetlibIsNotNativeAndIsNeverDiscoveredAsSuch() {
    assertTrue(!new NetlibMatmulBackend(JavaBLAS.getInstance()).isNative());
    MatmulBackend discovered = Backends.discoverMatmul();
    if (new NetlibMatmulBackend().isNative()) {
      assertInstanceOf(NetlibMatmulBackend.class, discovered);
    } else {
      assertNull(discovered, "discovery activates only a native backend");
    }
  }

  @Test
  void discoveryCanBeTurnedOffByProperty() {
    String keep = System.getProperty("adjoint.matmul");
    System.setProperty("adjoint.matmul", "java");
    try {
      assertNull(Backends.discoverMatmul());
    } finally {
      if (keep == null) {
        System.clearProperty("adjoint.matmul");
      } else {
        System.setProperty("adjoint.matmul", keep);
      }
    }
  }

  @Test
  void nativeBackendIsDiscoveredAndAgrees() {
    NetlibMatmulBackend nativeBlas = new NetlibMatmulBackend();
    assumeTrue(nativeBlas.isNative(), NO_NATIVE);
    assertInstanceOf(NetlibMatmulBackend.class, Backends.discoverMatmul());
    assertTrue(Backends.discoverMatmul().isNative());
    Counting backend = new Counting(nativeBlas);
    Tensor a = randn(26, 64, 784);
    Tensor b = randn(27, 784, 128);
    double[][] r = both(backend, () -> a.matmul(b).toArray());
    close(naive(a.toArray(), b.toArray(), 1, 64, 784, 128), r[1], "native vs definition");
    close(r[0], r[1], "native vs runtime kernel");
    Tensor at = randn(28, 256, 256).t();
    Tensor bt = randn(29, 256, 256).t();
    r = both(backend, () -> at.matmul(bt).toArray());
    close(r[0], r[1], "native transposes vs runtime kernel");
    assertEquals(2, backend.calls);
    Tensor x = randn(30, 10_000, 100);
    Tensor w = randn(31, 100);
    r = both(backend, () -> x.matmul(w).toArray());
    close(naive(x.toArray(), w.toArray(), 1, 10_000, 100, 1), r[1], "native matrix-vector vs definition");
    r = both(backend, () -> x.t().matmul(x.matmul(w)).toArray());
    close(r[0], r[1], "native transposed matrix-vector vs runtime kernel");
    assertEquals(2 + 3, backend.calls, "two square products, then X w, X w again and Xᵀ (X w)");
  }

  @Test
  void nativeBackendKeepsNaNFromZeroTimesInfinity() {
    NetlibMatmulBackend nativeBlas = new NetlibMatmulBackend();
    assumeTrue(nativeBlas.isNative(), NO_NATIVE);
    double[] av = new double[40 * 40];
    double[] bv = new double[40 * 40];
    bv[5 * 40 + 7] = Double.POSITIVE_INFINITY; // row 5 of b meets column 5 of a, all zeros: 0·inf = NaN
    av[3 * 40 + 6] = 1;
    Backends.useMatmul(nativeBlas);
    double[] r = Tensor.fromArray(av, 40, 40).matmul(Tensor.fromArray(bv, 40, 40)).toArray();
    for (int i = 0; i < 40; i++) {
      assertTrue(Double.isNaN(r[i * 40 + 7]), "row " + i + " column 7 is NaN");
    }
    assertEquals(0.0, r[3 * 40 + 6]);
    assertArrayEquals(new double[] {0, 0}, new double[] {r[0], r[39 * 40 + 39]});
    // the same for a matrix-vector product, both layouts: a zero row of the matrix against an infinite entry
    // (200² multiply-adds, above the threshold)
    Counting counting = new Counting(nativeBlas);
    Backends.useMatmul(counting);
    double[] xv = new double[200];
    xv[5] = Double.POSITIVE_INFINITY;
    double[] mv = new double[200 * 200];
    mv[3 * 200 + 6] = 1;
    Tensor plain = Tensor.fromArray(mv, 200, 200);
    for (Tensor m : new Tensor[] {plain, plain.t().contiguous().t()}) {
      double[] y = m.matmul(Tensor.fromArray(xv, 200)).toArray();
      for (int i = 0; i < 200; i++) {
        assertTrue(Double.isNaN(y[i]), "matrix-vector row " + i + " is NaN");
      }
    }
    assertEquals(2, counting.calls);
  }
}
