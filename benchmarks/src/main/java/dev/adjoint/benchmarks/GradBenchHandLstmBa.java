package dev.adjoint.benchmarks;

/**
 * Hand-written gradients of {@link GradBench#lstm} and {@link GradBench#ba}, derived by hand (ADBench's manual lstm
 * and ba code computes Jacobians of the vector-valued versions; these are the same chain rules, for the scalar
 * objectives used here): one forward pass that stores what the reverse pass needs, one reverse pass.
 */
final class GradBenchHandLstmBa {
  private GradBenchHandLstmBa() {}

  /** The gradient of {@link GradBench#lstm} with respect to {@code mainParams} and {@code extraParams}. */
  static final class LstmGradient {
    final double[][] mainParams;
    final double[][] extraParams;

    LstmGradient(double[][] mainParams, double[][] extraParams) {
      this.mainParams = mainParams;
      this.extraParams = extraParams;
    }
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  static LstmGradient lstm(double[][] mainParams, double[][] extraParams, double[][] state, double[][] sequence) {
    int l = mainParams.length / 2;
    int b = sequence[0].length;
    int c = sequence.length;
    int steps = c - 1;
    // per time step and layer: input, forget, ingate, outgate, change, cell before, tanh(cell after), hidden before
    double[][][] tape = new double[steps * l][8][b];
    double[][] top = new double[steps][b]; // top layer's hidden state per step
    double[][] s = new double[2 * l][b];
    for (int i = 0; i < 2 * l; i++) {
      System.arraycopy(state[i], 0, s[i], 0, b);
    }
    double[] xp = new double[b];
    for (int t = 0; t < steps; t++) {
      for (int i = 0; i < b; i++) {
        xp[i] = sequence[t][i] * extraParams[0][i];
      }
      for (int layer = 0; layer < l; layer++) {
        double[][] rec = tape[t * l + layer];
        double[] wt = mainParams[2 * layer];
        double[] bs = mainParams[2 * layer + 1];
        double[] hid = s[2 * layer];
        double[] cell = s[2 * layer + 1];
        for (int i = 0; i < b; i++) {
          double f = sigmoid(xp[i] * wt[i] + bs[i]);
          double ig = sigmoid(hid[i] * wt[b + i] + bs[b + i]);
          double og = sigmoid(xp[i] * wt[2 * b + i] + bs[2 * b + i]);
          double ch = Math.tanh(hid[i] * wt[3 * b + i] + bs[3 * b + i]);
          rec[0][i] = xp[i];
          rec[1][i] = f;
          rec[2][i] = ig;
          rec[3][i] = og;
          rec[4][i] = ch;
          rec[5][i] = cell[i];
          rec[7][i] = hid[i];
          cell[i] = cell[i] * f + ig * ch;
          double tc = Math.tanh(cell[i]);
          rec[6][i] = tc;
          hid[i] = og * tc;
          xp[i] = hid[i];
        }
      }
      System.arraycopy(xp, 0, top[t], 0, b);
    }
    double[][] gm = new double[2 * l][4 * b];
    double[][] ge = new double[3][b];
    double[][] hb = new double[l][b]; // adjoints of the state carried to the previous step
    double[][] cb = new double[l][b];
    double[] yb = new double[b];
    double[] xb = new double[b];
    double[] ypred = new double[b];
    double scale = -1.0 / (steps * b);
    for (int t = steps - 1; t >= 0; t--) {
      // ypred = top ⊙ e1 + e2; loss += scale Σ gold_i (ypred_i - lse(ypred))
      double[] gold = sequence[t + 1];
      double mx = Double.NEGATIVE_INFINITY;
      double sumGold = 0;
      for (int i = 0; i < b; i++) {
        ypred[i] = top[t][i] * extraParams[1][i] + extraParams[2][i];
        mx = Math.max(mx, ypred[i]);
        sumGold += gold[i];
      }
      double se = 0;
      for (int i = 0; i < b; i++) {
        se += Math.exp(ypred[i] - mx);
      }
      for (int i = 0; i < b; i++) {
        yb[i] = scale * (gold[i] - Math.exp(ypred[i] - mx) / se * sumGold);
        ge[1][i] += yb[i] * top[t][i];
        ge[2][i] += yb[i];
        xb[i] = yb[i] * extraParams[1][i];
      }
      for (int layer = l - 1; layer >= 0; layer--) {
        double[][] rec = tape[t * l + layer];
        double[] wt = mainParams[2 * layer];
        double[] gw = gm[2 * layer];
        double[] gb = gm[2 * layer + 1];
        double[] hbl = hb[layer];
        double[] cbl = cb[layer];
        for (int i = 0; i < b; i++) {
          double xin = rec[0][i];
          double f = rec[1][i];
          double ig = rec[2][i];
          double og = rec[3][i];
          double ch = rec[4][i];
          double cellPrev = rec[5][i];
          double tc = rec[6][i];
          double hPrev = rec[7][i];
          double hnb = hbl[i] + xb[i];
          double ob = hnb * tc;
          double cnb = cbl[i] + hnb * og * (1 - tc * tc);
          double zf = cnb * cellPrev * f * (1 - f);
          double zi = cnb * ch * ig * (1 - ig);
          double zo = ob * og * (1 - og);
          double zc = cnb * ig * (1 - ch * ch);
          gw[i] += zf * xin;
          gb[i] += zf;
          gw[b + i] += zi * hPrev;
          gb[b + i] += zi;
          gw[2 * b + i] += zo * xin;
          gb[2 * b + i] += zo;
          gw[3 * b + i] += zc * hPrev;
          gb[3 * b + i] += zc;
          cbl[i] = cnb * f;
          hbl[i] = zi * wt[b + i] + zc * wt[3 * b + i];
          xb[i] = zf * wt[i] + zo * wt[2 * b + i];
        }
      }
      for (int i = 0; i < b; i++) {
        ge[0][i] += xb[i] * sequence[t][i];
      }
    }
    return new LstmGradient(gm, ge);
  }

  /** The gradient of {@link GradBench#ba} with respect to {@code cams}, {@code x}, {@code w}. */
  static final class BaGradient {
    final double[][] cams;
    final double[][] x;
    final double[] w;

    BaGradient(double[][] cams, double[][] x, double[] w) {
      this.cams = cams;
      this.x = x;
      this.w = w;
    }
  }

  static BaGradient ba(double[][] cams, double[][] x, double[] w, double[][] feats, int[] obsCam, int[] obsPt) {
    double[][] gc = new double[cams.length][11];
    double[][] gx = new double[x.length][3];
    double[] gw = new double[w.length];
    for (int o = 0; o < w.length; o++) {
      double[] cam = cams[obsCam[o]];
      double[] pt = x[obsPt[o]];
      double[] gcam = gc[obsCam[o]];
      double[] gpt = gx[obsPt[o]];
      double r0 = cam[0];
      double r1 = cam[1];
      double r2 = cam[2];
      double px = pt[0] - cam[3];
      double py = pt[1] - cam[4];
      double pz = pt[2] - cam[5];
      double sqtheta = r0 * r0 + r1 * r1 + r2 * r2;
      double rx;
      double ry;
      double rz;
      double theta = 0;
      double cos = 0;
      double sin = 0;
      double inv = 0;
      double w0 = 0;
      double w1 = 0;
      double w2 = 0;
      double dot = 0;
      double tmp = 0;
      if (sqtheta != 0) {
        theta = Math.sqrt(sqtheta);
        cos = Math.cos(theta);
        sin = Math.sin(theta);
        inv = 1 / theta;
        w0 = r0 * inv;
        w1 = r1 * inv;
        w2 = r2 * inv;
        dot = w0 * px + w1 * py + w2 * pz;
        tmp = dot * (1 - cos);
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
      double k1 = cam[9];
      double k2 = cam[10];
      double focal = cam[6];
      double dist = 1 + k1 * rsq + k2 * rsq * rsq;
      double wo = w[o];
      double a0 = u * dist * focal + cam[7] - feats[o][0];
      double a1 = v * dist * focal + cam[8] - feats[o][1];
      double e0 = wo * a0;
      double e1 = wo * a1;
      double we = 1 - wo * wo;
      // reverse
      double e0b = 2 * e0;
      double e1b = 2 * e1;
      gw[o] += e0b * a0 + e1b * a1 - 4 * we * wo;
      double a0b = e0b * wo;
      double a1b = e1b * wo;
      gcam[7] += a0b;
      gcam[8] += a1b;
      gcam[6] += (a0b * u + a1b * v) * dist;
      double ub = a0b * dist * focal;
      double vb = a1b * dist * focal;
      double distb = (a0b * u + a1b * v) * focal;
      gcam[9] += distb * rsq;
      gcam[10] += distb * rsq * rsq;
      double rsqb = distb * (k1 + 2 * k2 * rsq);
      ub += 2 * u * rsqb;
      vb += 2 * v * rsqb;
      double rxb = ub / rz;
      double ryb = vb / rz;
      double rzb = -(ub * u + vb * v) / rz;
      double pxb;
      double pyb;
      double pzb;
      if (sqtheta != 0) {
        // R = p cos + (w × p) sin + w tmp, tmp = (w · p)(1 - cos), w = r / θ
        double crx = w1 * pz - w2 * py;
        double cry = w2 * px - w0 * pz;
        double crz = w0 * py - w1 * px;
        double cosb = rxb * px + ryb * py + rzb * pz;
        double sinb = rxb * crx + ryb * cry + rzb * crz;
        double tmpb = rxb * w0 + ryb * w1 + rzb * w2;
        double dotb = tmpb * (1 - cos);
        cosb -= tmpb * dot;
        // cross-product adjoints: cb = Rb sin; ∂/∂w = p × cb, ∂/∂p = cb × w
        double cbx = rxb * sin;
        double cby = ryb * sin;
        double cbz = rzb * sin;
        double w0b = rxb * tmp + py * cbz - pz * cby + dotb * px;
        double w1b = ryb * tmp + pz * cbx - px * cbz + dotb * py;
        double w2b = rzb * tmp + px * cby - py * cbx + dotb * pz;
        pxb = rxb * cos + (cby * w2 - cbz * w1) + dotb * w0;
        pyb = ryb * cos + (cbz * w0 - cbx * w2) + dotb * w1;
        pzb = rzb * cos + (cbx * w1 - cby * w0) + dotb * w2;
        double invb = w0b * r0 + w1b * r1 + w2b * r2;
        double thetab = -invb * inv * inv - cosb * sin + sinb * cos;
        double sqb = thetab / (2 * theta);
        gcam[0] += w0b * inv + 2 * r0 * sqb;
        gcam[1] += w1b * inv + 2 * r1 * sqb;
        gcam[2] += w2b * inv + 2 * r2 * sqb;
      } else {
        // R = p + r × p
        pxb = rxb + (ryb * r2 - rzb * r1);
        pyb = ryb + (rzb * r0 - rxb * r2);
        pzb = rzb + (rxb * r1 - ryb * r0);
        gcam[0] += py * rzb - pz * ryb;
        gcam[1] += pz * rxb - px * rzb;
        gcam[2] += px * ryb - py * rxb;
      }
      gpt[0] += pxb;
      gpt[1] += pyb;
      gpt[2] += pzb;
      gcam[3] -= pxb;
      gcam[4] -= pyb;
      gcam[5] -= pzb;
    }
    return new BaGradient(gc, gx, gw);
  }
}
