package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A matrix product's adjoints written straight into zeroed leaf gradient buffers ({@link LeafGrads}): the values
 * are the products written out here (bitwise), the buffer keeps its identity, and every case where the buffer is
 * not known to be zero or the leaf receives more than this one gradient still accumulates as before.
 */
class LeafGradsTest {

  private static double[] random(Random rnd, int length) {
    double[] x = new double[length];
    for (int i = 0; i < length; i++) {
      x[i] = rnd.nextGaussian();
    }
    return x;
  }

  /** Σ_j g[i][j]·b[p][j] (dA = G·Bᵀ) written out, in the order j = 0, 1, .. */
  private static double[] gradA(double[] g, double[] b, int n, int k, int m) {
    double[] r = new double[n * k];
    for (int i = 0; i < n; i++) {
      for (int p = 0; p < k; p++) {
        double s = 0;
        for (int j = 0; j < m; j++) {
          s += g[i * m + j] * b[p * m + j];
        }
        r[i * k + p] = s;
      }
    }
    return r;
  }

  /** Σ_i a[i][p]·g[i][j] (dB = Aᵀ·G) written out, in the order i = 0, 1, .. */
  private static double[] gradB(double[] a, double[] g, int n, int k, int m) {
    double[] r = new double[k * m];
    for (int p = 0; p < k; p++) {
      for (int j = 0; j < m; j++) {
        double s = 0;
        for (int i = 0; i < n; i++) {
          s += a[i * k + p] * g[i * m + j];
        }
        r[p * m + j] = s;
      }
    }
    return r;
  }

  @Test
  void zeroedBuffersReceiveTheProductsInPlace() {
    Random rnd = new Random(51);
    for (int[] s : new int[][] {{5, 17, 65}, {65, 3, 33}, {1, 5, 3}, {17, 65, 1}}) {
      int n = s[0];
      int k = s[1];
      int m = s[2];
      double[] av = random(rnd, n * k);
      double[] bv = random(rnd, k * m);
      double[] gv = random(rnd, n * m);
      Tensor a = Tensor.fromArray(av, n, k).requiresGrad();
      Tensor b = Tensor.fromArray(bv, k, m).requiresGrad();
      Tensor g = Tensor.fromArray(gv, n, m);
      a.matmul(b).backward(g); // first pass: the leaves take fresh gradients
      Tensor ga = a.grad();
      Tensor gb = b.grad();
      for (int run = 0; run < 2; run++) {
        a.zeroGrad();
        b.zeroGrad();
        a.matmul(b).backward(g);
        assertSame(ga, a.grad());
        assertSame(gb, b.grad());
        String what = n + "x" + k + "x" + m + " run " + run;
        assertArrayEquals(gradA(gv, bv, n, k, m), a.grad().toArray(), 0.0, "dA " + what);
        assertArrayEquals(gradB(av, gv, n, k, m), b.grad().toArray(), 0.0, "dB " + what);
      }
    }
  }

  @Test
  void gradientsThatAreNotAloneOrNotOnZerosStillAccumulate() {
    Random rnd = new Random(52);
    int n = 6;
    int k = 40;
    int m = 36;
    double[] av = random(rnd, n * k);
    double[] bv = random(rnd, k * m);
    double[] gv = random(rnd, n * m);
    Tensor a = Tensor.fromArray(av, n, k).requiresGrad();
    Tensor b = Tensor.fromArray(bv, k, m).requiresGrad();
    Tensor g = Tensor.fromArray(gv, n, m);
    double[] da = gradA(gv, bv, n, k, m);
    double[] db = gradB(av, gv, n, k, m);
    a.matmul(b).backward(g);
    // a second pass without zeroGrad: added to the first
    a.matmul(b).backward(g);
    double[] twice = new double[da.length];
    for (int i = 0; i < da.length; i++) {
      twice[i] = da[i] + da[i];
    }
    assertArrayEquals(twice, a.grad().toArray(), 0.0, "accumulated over two passes");
    // the buffer changed in place after zeroGrad: the product is added to it
    a.zeroGrad();
    b.zeroGrad();
    a.grad().addInPlace(Tensor.ones(n, k));
    a.matmul(b).backward(g);
    for (int i = 0; i < da.length; i++) {
      assertEquals(1 + da[i], a.grad().toArray()[i], 0.0, "dA after add_ [" + i + "]");
    }
    assertArrayEquals(db, b.grad().toArray(), 0.0);
    // b used twice (two products, and a sum): its gradient is the sum of all three
    a.zeroGrad();
    b.zeroGrad();
    a.matmul(b).add(a.matmul(b)).add(b.sum()).backward(g);
    double gsum = 0;
    for (double v : gv) {
      gsum += v;
    }
    for (int i = 0; i < db.length; i++) {
      assertEquals(2 * db[i] + gsum, b.grad().toArray()[i], 1e-12, "dB of three uses [" + i + "]");
    }
  }

  @Test
  void anOperandReadingTheZeroedBufferIsNotOverwritten() {
    // dA = G·Wᵀ with W = a.grad() itself (zeros after zeroGrad): the product must read W, not the partial sums
    Random rnd = new Random(53);
    int n = 8;
    Tensor a = Tensor.fromArray(random(rnd, n * n), n, n).requiresGrad();
    a.matmul(Tensor.ones(n, n)).sum().backward();
    a.zeroGrad();
    Tensor w = a.grad();
    a.matmul(w).backward(Tensor.fromArray(random(rnd, n * n), n, n));
    assertArrayEquals(new double[n * n], a.grad().toArray(), 0.0);
  }

  @Test
  void productGradientsThroughZeroedBuffersMatchCentralDifferences() {
    Random rnd = new Random(54);
    int n = 5;
    int k = 33;
    int m = 65;
    double[] av = random(rnd, n * k);
    double[] bv = random(rnd, k * m);
    Tensor w = Tensor.fromArray(random(rnd, n * m), n, m);
    Tensor a = Tensor.fromArray(av.clone(), n, k).requiresGrad();
    Tensor b = Tensor.fromArray(bv.clone(), k, m).requiresGrad();
    a.matmul(b).mul(w).sum().backward();
    a.zeroGrad();
    b.zeroGrad();
    a.matmul(b).mul(w).sum().backward();
    double h = 1e-6;
    for (int q = 0; q < 2; q++) {
      double[] v = q == 0 ? av : bv;
      double[] grad = (q == 0 ? a : b).grad().toArray();
      for (int i = 0; i < v.length; i += 7) {
        double keep = v[i];
        v[i] = keep + h;
        double up = Tensor.fromArray(av, n, k).matmul(Tensor.fromArray(bv, k, m)).mul(w).sum().item();
        v[i] = keep - h;
        double down = Tensor.fromArray(av, n, k).matmul(Tensor.fromArray(bv, k, m)).mul(w).sum().item();
        v[i] = keep;
        assertEquals((up - down) / (2 * h), grad[i], 1e-6 * (1 + Math.abs(grad[i])), (q == 0 ? "dA[" : "dB[") + i + "]");
      }
    }
  }
}
