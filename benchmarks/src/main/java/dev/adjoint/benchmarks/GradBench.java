package dev.adjoint.benchmarks;

import dev.adjoint.Differentiable;
import dev.adjoint.NoGrad;

/**
 * GradBench's evals (github.com/gradbench/gradbench, {@code evals/<name>} and {@code cpp/gradbench/evals/<name>.hpp};
 * gmm, ba and lstm are ADBench's objectives, {@code microsoft/ADBench src/cpp/shared/}) written as a Java user
 * writes them: {@code @Differentiable} static methods over {@code double}, arrays and {@code int}, data marked
 * {@code @NoGrad}. The processor writes {@code GradBenchGrad}. Where a port deviates from the most natural Java
 * (a helper inlined because an array row cannot be passed to it without a copy, ...) the method says so, and the
 * README lists it. The hand-written gradients are in {@link GradBenchHand}.
 */
public final class GradBench {
  private GradBench() {}

  /** ode: the final time of the integration, as in GradBench. */
  static final double ODE_TF = 2.0;

  // ---------------------------------------------------------------------------------------------- lse

  /** lse: {@code log Σ exp(x_i)}, max-shifted (GradBench {@code lse.hpp}). */
  @Differentiable
  public static double lse(double[] x) {
    double a = x[0];
    for (int i = 1; i < x.length; i++) {
      a = Math.max(a, x[i]);
    }
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += Math.exp(x[i] - a);
    }
    return Math.log(s) + a;
  }

  // --------------------------------------------------------------------------------------------- llsq

  /**
   * llsq: {@code ½ Σ_i (sign(t_i) - Σ_j x_j t_i^j)²} over {@code n} points {@code t_i = -1 + 2i/(n-1)} (GradBench
   * {@code llsq.hpp}).
   */
  @Differentiable
  public static double llsq(double[] x, int n) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      double ti = -1 + i * 2.0 / (n - 1);
      double inner = Math.signum(ti);
      double mul = 1;
      for (int j = 0; j < x.length; j++) {
        inner -= x[j] * mul;
        mul *= ti;
      }
      sum += inner * inner;
    }
    return sum / 2;
  }

  // ---------------------------------------------------------------------------------------------- det

  /**
   * det: the determinant of the {@code ell × ell} row-major matrix {@code a} by expansion in minors along the first
   * row (GradBench {@code det.hpp}, after cmpad's {@code det_of_minor}).
   */
  @Differentiable
  public static double det(double[] a, int ell) {
    return detOfMinor(a, ell, 0, 0);
  }

  /**
   * The determinant of the minor of {@code a} made of rows {@code row..ell-1} and the columns not in the bit set
   * {@code removed}. cmpad keeps the remaining rows and columns in two linked lists of {@code size_t} that every
   * level edits and restores; the processor refuses writes into an {@code int[]} parameter (inputs are never
   * mutated), and a new {@code int[]} per level would allocate, so the removed columns are an {@code int} bit set
   * (rows are always removed in order, so the first remaining row is {@code row}). Same expansion, same operation
   * count.
   */
  @Differentiable
  static double detOfMinor(double[] a, int ell, int row, int removed) {
    if (row == ell - 1) {
      int last = 0;
      while ((removed & (1 << last)) != 0) {
        last++;
      }
      return a[row * ell + last];
    }
    double det = 0;
    double sign = 1;
    for (int j = 0; j < ell; j++) {
      if ((removed & (1 << j)) == 0) {
        det += sign * a[row * ell + j] * detOfMinor(a, ell, row + 1, removed | (1 << j));
        sign = -sign;
      }
    }
    return det;
  }

  // ------------------------------------------------------------------------------------------- kmeans

  /**
   * kmeans: {@code Σ_i min_j |p_i - c_j|²} (GradBench {@code kmeans.hpp}). GradBench's {@code euclid_dist_2}
   * helper is inlined: passing the rows {@code points[i]}, {@code centroids[j]} to a {@code @Differentiable}
   * helper needs a local per row, and {@code double[] c = centroids[j];} is an alias, which is refused (a
   * {@code clone()} per pair would dominate the cost).
   */
  @Differentiable
  public static double kmeans(@NoGrad double[][] points, double[][] centroids) {
    double cost = 0;
    for (int i = 0; i < points.length; i++) {
      double closest = Double.POSITIVE_INFINITY;
      for (int j = 0; j < centroids.length; j++) {
        double dist = 0;
        for (int l = 0; l < points[i].length; l++) {
          double diff = points[i][l] - centroids[j][l];
          dist += diff * diff;
        }
        closest = Math.min(closest, dist);
      }
      cost += closest;
    }
    return cost;
  }

  // ---------------------------------------------------------------------------------------------- ode

  /** ode's right-hand side {@code z_0 = x_0, z_i = x_i y_{i-1}} (GradBench {@code ode_fun}), as a fresh array. */
  @Differentiable
  static double[] odeFun(double[] x, double[] y) {
    double[] z = new double[x.length];
    z[0] = x[0];
    for (int i = 1; i < x.length; i++) {
      z[i] = x[i] * y[i - 1];
    }
    return z;
  }

  /**
   * ode: {@code s} steps of classical Runge-Kutta on {@code y' = f(x, y)} from {@code y = 0} to {@code t = 2}; the
   * gradient is that of the last component {@code y_{n-1}(2)} (GradBench {@code ode.hpp}: its primal returns the
   * whole vector, its manual gradient is of the last component).
   */
  @Differentiable
  public static double ode(double[] x, int s) {
    int n = x.length;
    double h = ODE_TF / s;
    double[] y = new double[n];
    for (int step = 0; step < s; step++) {
      double[] k1 = odeFun(x, y);
      double[] tmp = new double[n];
      for (int i = 0; i < n; i++) {
        tmp[i] = y[i] + h * k1[i] / 2;
      }
      double[] k2 = odeFun(x, tmp);
      for (int i = 0; i < n; i++) {
        tmp[i] = y[i] + h * k2[i] / 2;
      }
      double[] k3 = odeFun(x, tmp);
      for (int i = 0; i < n; i++) {
        tmp[i] = y[i] + h * k3[i];
      }
      double[] k4 = odeFun(x, tmp);
      for (int i = 0; i < n; i++) {
        y[i] += h * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]) / 6;
      }
    }
    return y[n - 1];
  }

  // ---------------------------------------------------------------------------------------------- gmm

  /** {@code log Σ exp(v_i)}, max-shifted (ADBench's {@code logsumexp}). */
  @Differentiable
  static double logsumexp(double[] v) {
    double mx = v[0];
    for (int i = 1; i < v.length; i++) {
      mx = Math.max(mx, v[i]);
    }
    double s = 0;
    for (int i = 0; i < v.length; i++) {
      s += Math.exp(v[i] - mx);
    }
    return Math.log(s) + mx;
  }

  /**
   * gmm: the negative log-likelihood of {@code n} points under a mixture of {@code k} Gaussians in {@code d}
   * dimensions with a Wishart prior (ADBench {@code gmm.h}, GradBench {@code gmm.hpp}). {@code icf[k]} holds the
   * log-diagonal ({@code d}) then the strict lower triangle, column by column ({@code d(d-1)/2}) of the inverse
   * Cholesky factor. ADBench's {@code Qtimesx}, {@code subtract} and {@code sqnorm} helpers are inlined: they
   * write into caller-provided rows of {@code means}/{@code icf}, which cannot be passed without a copy.
   * {@code logGammaConstant} is the parameter-free {@code log Γ_d(n/2)} term (Java has no {@code lgamma}; it
   * does not depend on the differentiated inputs).
   */
  @Differentiable
  public static double gmm(double[] alphas, double[][] means, double[][] icf, @NoGrad double[][] x,
      @NoGrad double gamma, int m, @NoGrad double logGammaConstant) {
    int n = x.length;
    int k = alphas.length;
    int d = x[0].length;
    double[] sumQs = new double[k];
    double[][] qdiags = new double[k][d];
    for (int ik = 0; ik < k; ik++) {
      for (int id = 0; id < d; id++) {
        sumQs[ik] += icf[ik][id];
        qdiags[ik][id] = Math.exp(icf[ik][id]);
      }
    }
    double slse = 0;
    double[] mainTerm = new double[k];
    double[] xc = new double[d];
    double[] qxc = new double[d];
    for (int ix = 0; ix < n; ix++) {
      for (int ik = 0; ik < k; ik++) {
        for (int id = 0; id < d; id++) {
          xc[id] = x[ix][id] - means[ik][id];
          qxc[id] = qdiags[ik][id] * xc[id];
        }
        int p = d;
        for (int i = 0; i < d; i++) {
          for (int j = i + 1; j < d; j++) {
            qxc[j] += icf[ik][p] * xc[i];
            p++;
          }
        }
        double sq = 0;
        for (int id = 0; id < d; id++) {
          sq += qxc[id] * qxc[id];
        }
        mainTerm[ik] = alphas[ik] + sumQs[ik] - 0.5 * sq;
      }
      slse += logsumexp(mainTerm);
    }
    double lseAlphas = logsumexp(alphas);
    double err = -n * d * 0.5 * Math.log(2 * Math.PI) + slse - n * lseAlphas;
    // log_wishart_prior
    int wn = d + m + 1;
    double prior = 0;
    for (int ik = 0; ik < k; ik++) {
      double frobenius = 0;
      for (int id = 0; id < d; id++) {
        frobenius += qdiags[ik][id] * qdiags[ik][id];
      }
      for (int p = d; p < icf[ik].length; p++) {
        frobenius += icf[ik][p] * icf[ik][p];
      }
      prior += 0.5 * gamma * gamma * frobenius - m * sumQs[ik];
    }
    double c = wn * d * (Math.log(gamma) - 0.5 * Math.log(2)) - logGammaConstant;
    return err + prior - k * c;
  }

  // --------------------------------------------------------------------------------------------- lstm

  /** {@code 1 / (1 + e^{-x})} (ADBench's {@code sigmoid}). */
  @Differentiable
  static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  /**
   * lstm: ADBench's {@code lstm_objective}: an {@code l}-layer LSTM over a one-hot-like bit sequence
   * ({@code sequence[t]} has {@code b} entries), predicting each next entry; the loss is minus the mean
   * log-softmax likelihood. {@code mainParams[2i]} holds layer i's weights (forget, input, output, change gates,
   * {@code b} each), {@code mainParams[2i+1]} its biases; {@code extraParams} the input weights, output weights,
   * output biases; {@code state[2i]}, {@code state[2i+1]} layer i's initial hidden and cell state. ADBench's
   * {@code lstm_model} and {@code lstm_predict} are inlined: they update the hidden and cell rows of the state in
   * place, and a {@code @Differentiable} method returns one value (a row passed to a helper is an alias, refused).
   */
  @Differentiable
  public static double lstm(double[][] mainParams, double[][] extraParams, @NoGrad double[][] state,
      @NoGrad double[][] sequence) {
    int l = mainParams.length / 2;
    int b = sequence[0].length;
    int c = sequence.length;
    double[][] s = new double[2 * l][b];
    for (int i = 0; i < 2 * l; i++) {
      for (int j = 0; j < b; j++) {
        s[i][j] = state[i][j];
      }
    }
    double total = 0;
    int count = 0;
    double[] xp = new double[b];
    double[] ypred = new double[b];
    for (int t = 0; t < c - 1; t++) {
      for (int i = 0; i < b; i++) {
        xp[i] = sequence[t][i] * extraParams[0][i];
      }
      for (int layer = 0; layer < l; layer++) {
        int w = 2 * layer;
        int h = 2 * layer;
        for (int i = 0; i < b; i++) {
          double forget = sigmoid(xp[i] * mainParams[w][i] + mainParams[w + 1][i]);
          double ingate = sigmoid(s[h][i] * mainParams[w][b + i] + mainParams[w + 1][b + i]);
          double outgate = sigmoid(xp[i] * mainParams[w][2 * b + i] + mainParams[w + 1][2 * b + i]);
          double change = Math.tanh(s[h][i] * mainParams[w][3 * b + i] + mainParams[w + 1][3 * b + i]);
          s[h + 1][i] = s[h + 1][i] * forget + ingate * change;
          s[h][i] = outgate * Math.tanh(s[h + 1][i]);
        }
        for (int i = 0; i < b; i++) {
          xp[i] = s[h][i];
        }
      }
      for (int i = 0; i < b; i++) {
        ypred[i] = xp[i] * extraParams[1][i] + extraParams[2][i];
      }
      double lse = logsumexp(ypred);
      for (int i = 0; i < b; i++) {
        total += sequence[t + 1][i] * (ypred[i] - lse);
      }
      count += b;
    }
    return -total / count;
  }

  // ----------------------------------------------------------------------------------------------- ba

  /**
   * ba: bundle adjustment (ADBench's {@code computeReprojError} and {@code computeZachWeightError}), as one scalar:
   * the sum of the squares of every reprojection residual and weight residual (GradBench's ba returns the residual
   * vector and its sparse Jacobian; a gradient tool differentiates the sum of squares). {@code cams[j]}: Rodrigues
   * rotation (3), centre (3), focal length, principal point (2), radial distortion (2). Observation {@code o}
   * sees point {@code obsPt[o]} from camera {@code obsCam[o]} at {@code feats[o]}, weighted by {@code w[o]}.
   * ADBench's helpers ({@code rodrigues_rotate_point}, {@code p2e}, {@code radial_distort}) are inlined over
   * scalars: they take rows of {@code cams} and {@code x}, which cannot be passed without a copy.
   */
  @Differentiable
  public static double ba(double[][] cams, double[][] x, double[] w, @NoGrad double[][] feats, int[] obsCam,
      int[] obsPt) {
    double total = 0;
    for (int o = 0; o < w.length; o++) {
      int ci = obsCam[o];
      int pi = obsPt[o];
      double r0 = cams[ci][0];
      double r1 = cams[ci][1];
      double r2 = cams[ci][2];
      double px = x[pi][0] - cams[ci][3];
      double py = x[pi][1] - cams[ci][4];
      double pz = x[pi][2] - cams[ci][5];
      double sqtheta = r0 * r0 + r1 * r1 + r2 * r2;
      double rx;
      double ry;
      double rz;
      if (sqtheta != 0) {
        double theta = Math.sqrt(sqtheta);
        double cos = Math.cos(theta);
        double sin = Math.sin(theta);
        double inv = 1 / theta;
        double w0 = r0 * inv;
        double w1 = r1 * inv;
        double w2 = r2 * inv;
        double tmp = (w0 * px + w1 * py + w2 * pz) * (1 - cos);
        rx = px * cos + (w1 * pz - w2 * py) * sin + w0 * tmp;
        ry = py * cos + (w2 * px - w0 * pz) * sin + w1 * tmp;
        rz = pz * cos + (w0 * py - w1 * px) * sin + w2 * tmp;
      } else {
        rx = px + (r1 * pz - r2 * py);
        ry = py + (r2 * px - r0 * pz);
        rz = pz + (r0 * py - r1 * px);
      }
      double u = rx / rz;
      double v = ry / rz;
      double rsq = u * u + v * v;
      double dist = 1 + cams[ci][9] * rsq + cams[ci][10] * rsq * rsq;
      double e0 = w[o] * (u * dist * cams[ci][6] + cams[ci][7] - feats[o][0]);
      double e1 = w[o] * (v * dist * cams[ci][6] + cams[ci][8] - feats[o][1]);
      double we = 1 - w[o] * w[o];
      total += e0 * e0 + e1 * e1 + we * we;
    }
    return total;
  }
}
