package dev.adjoint.benchmarks;

import java.util.Arrays;

/**
 * Hand-written gradients of {@link GradBench}'s evals, written the way a person writes them: one reverse pass that
 * stores only what it needs. gmm follows ADBench's manual gradient ({@code src/cpp/modules/manual/gmm_d.cpp}:
 * posterior weights per point, then the chain rule through {@code Qtimesx}); the others are derived by hand.
 */
final class GradBenchHand {
  private GradBenchHand() {}

  /** ∂lse/∂x_i = softmax(x)_i. */
  static double[] lse(double[] x) {
    double a = x[0];
    for (int i = 1; i < x.length; i++) {
      a = Math.max(a, x[i]);
    }
    double[] g = new double[x.length];
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      double e = Math.exp(x[i] - a);
      g[i] = e;
      s += e;
    }
    double inv = 1 / s;
    for (int i = 0; i < x.length; i++) {
      g[i] *= inv;
    }
    return g;
  }

  /** ∂llsq/∂x_j = -Σ_i r_i t_i^j with r_i the residual of point i. */
  static double[] llsq(double[] x, int n) {
    int m = x.length;
    double[] g = new double[m];
    for (int i = 0; i < n; i++) {
      double ti = -1 + i * 2.0 / (n - 1);
      double inner = Math.signum(ti);
      double mul = 1;
      for (int j = 0; j < m; j++) {
        inner -= x[j] * mul;
        mul *= ti;
      }
      mul = 1;
      for (int j = 0; j < m; j++) {
        g[j] -= inner * mul;
        mul *= ti;
      }
    }
    return g;
  }

  /**
   * ∂det/∂a by the reverse of the expansion in minors, as a tape-based reverse mode does it: the forward recursion
   * stores the determinant of every non-leaf sub-minor in visiting order, the reverse recursion visits the tree in
   * the same order and adds sign·adj·det(S_j) to ∂a_{row,j} and recurses with sign·adj·a_{row,j}. One forward and
   * one reverse traversal (GradBench's manual tool computes the ell² cofactors instead, about ell times the
   * objective).
   */
  static double[] det(double[] a, int ell) {
    int records = 0;
    int nodes = 1;
    for (int depth = 1; depth < ell - 1; depth++) {
      nodes *= ell - depth + 1;
      records += nodes;
    }
    double[] tape = new double[Math.max(records, 1)];
    int[] cursor = {0};
    detForward(a, ell, 0, 0, tape, cursor);
    double[] g = new double[a.length];
    cursor[0] = 0;
    detReverse(a, ell, 0, 0, 1.0, tape, cursor, g);
    return g;
  }

  private static double detForward(double[] a, int ell, int row, int removed, double[] tape, int[] cursor) {
    if (row == ell - 1) {
      return a[row * ell + Integer.numberOfTrailingZeros(~removed)];
    }
    double det = 0;
    double sign = 1;
    for (int j = 0; j < ell; j++) {
      if ((removed & (1 << j)) == 0) {
        double sub = detForward(a, ell, row + 1, removed | (1 << j), tape, cursor);
        if (row + 1 < ell - 1) {
          tape[cursor[0]++] = sub;
        }
        det += sign * a[row * ell + j] * sub;
        sign = -sign;
      }
    }
    return det;
  }

  private static void detReverse(double[] a, int ell, int row, int removed, double adj, double[] tape,
      int[] cursor, double[] g) {
    if (row == ell - 1) {
      g[row * ell + Integer.numberOfTrailingZeros(~removed)] += adj;
      return;
    }
    double sign = 1;
    for (int j = 0; j < ell; j++) {
      if ((removed & (1 << j)) == 0) {
        int subRemoved = removed | (1 << j);
        detReverse(a, ell, row + 1, subRemoved, sign * adj * a[row * ell + j], tape, cursor, g);
        double sub = row + 1 < ell - 1
            ? tape[cursor[0]++]
            : a[(row + 1) * ell + Integer.numberOfTrailingZeros(~subRemoved)];
        g[row * ell + j] += sign * adj * sub;
        sign = -sign;
      }
    }
  }

  /** ∂kmeans/∂c_j = Σ over the points whose closest centroid is j of 2 (c_j - p_i). */
  static double[][] kmeans(double[][] points, double[][] centroids) {
    int k = centroids.length;
    double[][] g = new double[k][centroids[0].length];
    for (double[] p : points) {
      int best = 0;
      double closest = Double.POSITIVE_INFINITY;
      for (int j = 0; j < k; j++) {
        double[] c = centroids[j];
        double dist = 0;
        for (int l = 0; l < p.length; l++) {
          double diff = p[l] - c[l];
          dist += diff * diff;
        }
        if (dist < closest) {
          closest = dist;
          best = j;
        }
      }
      double[] c = centroids[best];
      double[] gb = g[best];
      for (int l = 0; l < p.length; l++) {
        gb[l] += 2 * (c[l] - p[l]);
      }
    }
    return g;
  }

  /** z = f(x, u): z_0 = x_0, z_i = x_i u_{i-1}. */
  private static void odeFun(double[] x, double[] u, double[] z) {
    z[0] = x[0];
    for (int i = 1; i < x.length; i++) {
      z[i] = x[i] * u[i - 1];
    }
  }

  /** Reverse of z = f(x, u) with adjoint zb: xb += ∂, ub += ∂. */
  private static void odeFunReverse(double[] x, double[] u, double[] zb, double[] xb, double[] ub) {
    xb[0] += zb[0];
    for (int i = 1; i < x.length; i++) {
      xb[i] += zb[i] * u[i - 1];
      ub[i - 1] += zb[i] * x[i];
    }
  }

  /**
   * ∂y_{n-1}(2)/∂x of the Runge-Kutta discretisation (the adjoint of the scheme, exact for the program; GradBench's
   * manual tool uses the closed form of the exact ODE solution instead). Stores y before every step, recomputes the
   * stages in the reverse sweep.
   */
  static double[] ode(double[] x, int s) {
    int n = x.length;
    double h = GradBench.ODE_TF / s;
    double[][] ys = new double[s + 1][n];
    double[] k1 = new double[n];
    double[] k2 = new double[n];
    double[] k3 = new double[n];
    double[] k4 = new double[n];
    double[] t1 = new double[n];
    double[] t2 = new double[n];
    double[] t3 = new double[n];
    for (int step = 0; step < s; step++) {
      double[] y = ys[step];
      stages(x, y, h, k1, k2, k3, k4, t1, t2, t3);
      double[] next = ys[step + 1];
      for (int i = 0; i < n; i++) {
        next[i] = y[i] + h * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]) / 6;
      }
    }
    double[] xb = new double[n];
    double[] yb = new double[n]; // adjoint of y after the step, then of y before it
    double[] kb1 = new double[n];
    double[] kb2 = new double[n];
    double[] kb3 = new double[n];
    double[] kb4 = new double[n];
    double[] tb = new double[n];
    yb[n - 1] = 1;
    for (int step = s - 1; step >= 0; step--) {
      double[] y = ys[step];
      stages(x, y, h, k1, k2, k3, k4, t1, t2, t3);
      // y' = y + h/6 (k1 + 2 k2 + 2 k3 + k4): y's adjoint carries over
      for (int i = 0; i < n; i++) {
        kb1[i] = h / 6 * yb[i];
        kb2[i] = h / 3 * yb[i];
        kb3[i] = h / 3 * yb[i];
        kb4[i] = h / 6 * yb[i];
      }
      // k4 = f(x, t3), t3 = y + h k3
      Arrays.fill(tb, 0);
      odeFunReverse(x, t3, kb4, xb, tb);
      for (int i = 0; i < n; i++) {
        yb[i] += tb[i];
        kb3[i] += h * tb[i];
      }
      // k3 = f(x, t2), t2 = y + h/2 k2
      Arrays.fill(tb, 0);
      odeFunReverse(x, t2, kb3, xb, tb);
      for (int i = 0; i < n; i++) {
        yb[i] += tb[i];
        kb2[i] += h / 2 * tb[i];
      }
      // k2 = f(x, t1), t1 = y + h/2 k1
      Arrays.fill(tb, 0);
      odeFunReverse(x, t1, kb2, xb, tb);
      for (int i = 0; i < n; i++) {
        yb[i] += tb[i];
        kb1[i] += h / 2 * tb[i];
      }
      // k1 = f(x, y)
      odeFunReverse(x, y, kb1, xb, yb);
    }
    return xb;
  }

  private static void stages(double[] x, double[] y, double h, double[] k1, double[] k2, double[] k3, double[] k4,
      double[] t1, double[] t2, double[] t3) {
    int n = x.length;
    odeFun(x, y, k1);
    for (int i = 0; i < n; i++) {
      t1[i] = y[i] + h * k1[i] / 2;
    }
    odeFun(x, t1, k2);
    for (int i = 0; i < n; i++) {
      t2[i] = y[i] + h * k2[i] / 2;
    }
    odeFun(x, t2, k3);
    for (int i = 0; i < n; i++) {
      t3[i] = y[i] + h * k3[i];
    }
    odeFun(x, t3, k4);
  }

  /** The gradient of {@link GradBench#gmm} with respect to {@code alphas}, {@code means}, {@code icf}. */
  static final class GmmGradient {
    final double[] alphas;
    final double[][] means;
    final double[][] icf;

    GmmGradient(double[] alphas, double[][] means, double[][] icf) {
      this.alphas = alphas;
      this.means = means;
      this.icf = icf;
    }
  }

  /** ADBench's manual gmm gradient, in Java. */
  static GmmGradient gmm(double[] alphas, double[][] means, double[][] icf, double[][] x, double gamma, int m) {
    int n = x.length;
    int k = alphas.length;
    int d = x[0].length;
    double[] ga = new double[k];
    double[][] gm = new double[k][d];
    double[][] gi = new double[k][icf[0].length];
    double[] sumQs = new double[k];
    double[][] qdiags = new double[k][d];
    for (int ik = 0; ik < k; ik++) {
      for (int id = 0; id < d; id++) {
        sumQs[ik] += icf[ik][id];
        qdiags[ik][id] = Math.exp(icf[ik][id]);
      }
    }
    double[][] xcs = new double[k][d];
    double[][] qxcs = new double[k][d];
    double[] mainTerm = new double[k];
    double[] qb = new double[d];
    for (int ix = 0; ix < n; ix++) {
      double[] xi = x[ix];
      double mx = Double.NEGATIVE_INFINITY;
      for (int ik = 0; ik < k; ik++) {
        double[] xc = xcs[ik];
        double[] qxc = qxcs[ik];
        double[] mean = means[ik];
        double[] qd = qdiags[ik];
        double[] l = icf[ik];
        for (int id = 0; id < d; id++) {
          xc[id] = xi[id] - mean[id];
          qxc[id] = qd[id] * xc[id];
        }
        int p = d;
        for (int i = 0; i < d; i++) {
          for (int j = i + 1; j < d; j++) {
            qxc[j] += l[p++] * xc[i];
          }
        }
        double sq = 0;
        for (int id = 0; id < d; id++) {
          sq += qxc[id] * qxc[id];
        }
        mainTerm[ik] = alphas[ik] + sumQs[ik] - 0.5 * sq;
        mx = Math.max(mx, mainTerm[ik]);
      }
      double s = 0;
      for (int ik = 0; ik < k; ik++) {
        mainTerm[ik] = Math.exp(mainTerm[ik] - mx);
        s += mainTerm[ik];
      }
      double inv = 1 / s;
      for (int ik = 0; ik < k; ik++) {
        double w = mainTerm[ik] * inv; // posterior of component ik for point ix
        ga[ik] += w;
        double[] xc = xcs[ik];
        double[] qxc = qxcs[ik];
        double[] qd = qdiags[ik];
        double[] l = icf[ik];
        double[] gl = gi[ik];
        double[] gmean = gm[ik];
        for (int id = 0; id < d; id++) {
          qb[id] = -w * qxc[id];
          gl[id] += w + qb[id] * xc[id] * qd[id];
        }
        int p = d;
        for (int i = 0; i < d; i++) {
          double xcb = qd[i] * qb[i];
          for (int j = i + 1; j < d; j++) {
            gl[p] += qb[j] * xc[i];
            xcb += l[p] * qb[j];
            p++;
          }
          gmean[i] -= xcb;
        }
      }
    }
    // - n logsumexp(alphas)
    double mx = alphas[0];
    for (int ik = 1; ik < k; ik++) {
      mx = Math.max(mx, alphas[ik]);
    }
    double s = 0;
    for (int ik = 0; ik < k; ik++) {
      s += Math.exp(alphas[ik] - mx);
    }
    for (int ik = 0; ik < k; ik++) {
      ga[ik] -= n * Math.exp(alphas[ik] - mx) / s;
    }
    // Wishart prior: ½ γ² (Σ exp(2 q) + Σ l²) - m Σ q
    double g2 = gamma * gamma;
    for (int ik = 0; ik < k; ik++) {
      for (int id = 0; id < d; id++) {
        gi[ik][id] += g2 * qdiags[ik][id] * qdiags[ik][id] - m;
      }
      for (int p = d; p < icf[ik].length; p++) {
        gi[ik][p] += g2 * icf[ik][p];
      }
    }
    return new GmmGradient(ga, gm, gi);
  }
}
