package dev.adjoint.benchmarks;

import dev.adjoint.Tensor;

/**
 * The tensor workloads written twice: with the runtime's eager autograd {@link Tensor} (the way a PyTorch
 * user would write them) and by hand over flat row-major {@code double[]} (forward and backward loops).
 */
public final class TensorWorkloads {
  private TensorWorkloads() {}

  // ---------------------------------------------------------------------------------------------
  // Logistic regression: X [n, d], labels y in {0, 1}, loss = mean(softplus(z) - y z), z = X w + b

  public static Tensor logisticLoss(Tensor x, Tensor y, Tensor w, Tensor b) {
    Tensor z = x.matmul(w).add(b);
    return z.exp().add(1.0).log().sub(y.mul(z)).mean();
  }

  /** Returns {@code [dw..., db]}. */
  public static double[] logisticGradientByHand(double[] x, double[] y, double[] w, double b, int n, int d) {
    double[] g = new double[d + 1];
    double db = 0;
    for (int i = 0; i < n; i++) {
      int row = i * d;
      double z = b;
      for (int j = 0; j < d; j++) {
        z += x[row + j] * w[j];
      }
      double dz = (1.0 / (1.0 + Math.exp(-z)) - y[i]) / n;
      for (int j = 0; j < d; j++) {
        g[j] += dz * x[row + j];
      }
      db += dz;
    }
    g[d] = db;
    return g;
  }

  public static double logisticLossByHand(double[] x, double[] y, double[] w, double b, int n, int d) {
    double loss = 0;
    for (int i = 0; i < n; i++) {
      int row = i * d;
      double z = b;
      for (int j = 0; j < d; j++) {
        z += x[row + j] * w[j];
      }
      loss += Math.log(1 + Math.exp(z)) - y[i] * z;
    }
    return loss / n;
  }

  // ---------------------------------------------------------------------------------------------
  // MLP: logits = tanh(X W1 + b1) W2 + b2, cross-entropy against class indices

  public static Tensor mlpLoss(Tensor x, int[] targets, Tensor w1, Tensor b1, Tensor w2, Tensor b2) {
    Tensor h = x.matmul(w1).add(b1).tanh();
    return Tensor.crossEntropy(h.matmul(w2).add(b2), targets);
  }

  /** {@code C[m, n] (+)= A[m, k] B[k, n]}, i-k-j order so the inner loop streams rows. */
  static void mm(double[] a, double[] b, double[] c, int m, int k, int n) {
    for (int i = 0; i < m; i++) {
      int ci = i * n;
      for (int p = 0; p < k; p++) {
        double aip = a[i * k + p];
        int bp = p * n;
        for (int j = 0; j < n; j++) {
          c[ci + j] += aip * b[bp + j];
        }
      }
    }
  }

  /** {@code C[k, n] += Aᵀ B} for {@code A[m, k]}, {@code B[m, n]}. */
  static void mmTransA(double[] a, double[] b, double[] c, int m, int k, int n) {
    for (int i = 0; i < m; i++) {
      int bi = i * n;
      for (int p = 0; p < k; p++) {
        double aip = a[i * k + p];
        int cp = p * n;
        for (int j = 0; j < n; j++) {
          c[cp + j] += aip * b[bi + j];
        }
      }
    }
  }

  /** {@code C[m, k] += A Bᵀ} for {@code A[m, n]}, {@code B[k, n]}. */
  static void mmTransB(double[] a, double[] b, double[] c, int m, int n, int k) {
    for (int i = 0; i < m; i++) {
      int ai = i * n;
      for (int p = 0; p < k; p++) {
        int bp = p * n;
        double s = 0;
        for (int j = 0; j < n; j++) {
          s += a[ai + j] * b[bp + j];
        }
        c[i * k + p] += s;
      }
    }
  }

  /** Hand-written MLP loss and gradients: returns {@code {loss}, dW1, db1, dW2, db2}. */
  public static double[][] mlpByHand(double[] x, int[] t, double[] w1, double[] b1, double[] w2, double[] b2,
      int batch, int in, int hidden, int out) {
    double[] h = new double[batch * hidden];
    mm(x, w1, h, batch, in, hidden);
    for (int i = 0; i < batch; i++) {
      for (int j = 0; j < hidden; j++) {
        h[i * hidden + j] = Math.tanh(h[i * hidden + j] + b1[j]);
      }
    }
    double[] logits = new double[batch * out];
    mm(h, w2, logits, batch, hidden, out);
    double loss = 0;
    double[] dl = new double[batch * out];
    for (int i = 0; i < batch; i++) {
      int r = i * out;
      double m = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < out; j++) {
        logits[r + j] += b2[j];
        m = Math.max(m, logits[r + j]);
      }
      double s = 0;
      for (int j = 0; j < out; j++) {
        double e = Math.exp(logits[r + j] - m);
        dl[r + j] = e;
        s += e;
      }
      loss += Math.log(s) + m - logits[r + t[i]];
      for (int j = 0; j < out; j++) {
        dl[r + j] /= s * batch;
      }
      dl[r + t[i]] -= 1.0 / batch;
    }
    double[] dw2 = new double[hidden * out];
    mmTransA(h, dl, dw2, batch, hidden, out);
    double[] db2 = new double[out];
    double[] dh = new double[batch * hidden];
    mmTransB(dl, w2, dh, batch, out, hidden);
    double[] db1 = new double[hidden];
    for (int i = 0; i < batch; i++) {
      for (int j = 0; j < out; j++) {
        db2[j] += dl[i * out + j];
      }
      for (int j = 0; j < hidden; j++) {
        double hv = h[i * hidden + j];
        double v = dh[i * hidden + j] * (1 - hv * hv);
        dh[i * hidden + j] = v;
        db1[j] += v;
      }
    }
    double[] dw1 = new double[in * hidden];
    mmTransA(x, dh, dw1, batch, in, hidden);
    return new double[][] {{loss / batch}, dw1, db1, dw2, db2};
  }

  // ---------------------------------------------------------------------------------------------
  // Matrix product: C = A B, reverse pass with upstream G: dA = G Bᵀ, dB = Aᵀ G

  /** Returns {@code {dA, dB}}. */
  public static double[][] matmulGradientByHand(double[] a, double[] b, double[] g, int n) {
    double[] c = new double[n * n];
    mm(a, b, c, n, n, n); // the forward pass, as the other peers run it
    double[] da = new double[n * n];
    mmTransB(g, b, da, n, n, n);
    double[] db = new double[n * n];
    mmTransA(a, g, db, n, n, n);
    return new double[][] {da, db, c};
  }
}
