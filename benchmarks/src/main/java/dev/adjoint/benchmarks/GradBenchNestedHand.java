package dev.adjoint.benchmarks;

/**
 * Hand-written derivatives for {@link GradBenchNested} and kmeans' Newton direction: what a person writes in Java
 * without a tool. saddle: the inner maximiser's path does not depend on the outer point (the objective is
 * separable), so {@code ∂ max / ∂(x1, y1) = (2 x1, 2 y1)}. particle: the Euler loop carried forward in {@code w}
 * (a tangent per state variable) with the potential's Hessian written out. kmeans: GradBench's manual {@code dir}.
 */
final class GradBenchNestedHand {
  private GradBenchNestedHand() {}

  // ------------------------------------------------------------------------------------------- saddle

  /** The objective's gradient in {@code (x2, y2)}. */
  static void saddleInnerGradient(double x2, double y2, double[] out) {
    out[0] = -2 * x2;
    out[1] = -2 * y2;
  }

  /** {@code max over (x2, y2)} by {@link GradientDescent#argmax} with {@link #saddleInnerGradient}, from {@code start}. */
  static double saddleMax(double x1, double y1, double[] start) {
    double[] y = GradientDescent.argmax(inner(x1, y1), start);
    return GradBenchNested.saddleObjective(x1, y1, y[0], y[1]);
  }

  /** The objective at {@code (x1, y1)} as a function of {@code (x2, y2)}, with the hand gradient. */
  static GradientDescent.Function inner(double x1, double y1) {
    return new GradientDescent.Function() {
      @Override
      public double value(double[] x) {
        return GradBenchNested.saddleObjective(x1, y1, x[0], x[1]);
      }

      @Override
      public void gradient(double[] x, double[] out) {
        saddleInnerGradient(x[0], x[1], out);
      }
    };
  }

  /** {@code ∂ saddleMax / ∂(x1, y1)}: the maximiser does not move with {@code (x1, y1)}. */
  static void saddleMaxGradient(double x1, double y1, double[] out) {
    out[0] = 2 * x1;
    out[1] = 2 * y1;
  }

  // ----------------------------------------------------------------------------------------- particle

  /**
   * The acceleration {@code a = -∇_x p} at {@code (px, py)} and its derivative in {@code w} along a position
   * tangent {@code (dpx, dpy)}: {@code out = {ax, ay, dax, day}}. With {@code d = x - c} and {@code r = |d|},
   * {@code ∇(1/r) = -d / r³} and its Hessian {@code -I / r³ + 3 d dᵀ / r⁵}; the first charge moves with {@code w}
   * ({@code ∂d/∂w = (0, 1)}).
   */
  static void acceleration(double px, double py, double w, double dpx, double dpy, double[] out) {
    double d1x = px - 10;
    double d1y = py - (10 - w);
    double d2x = px - 10;
    double d2y = py;
    double r1sq = d1x * d1x + d1y * d1y;
    double r2sq = d2x * d2x + d2y * d2y;
    double r1 = Math.sqrt(r1sq);
    double r2 = Math.sqrt(r2sq);
    double i1 = 1 / (r1sq * r1);
    double i2 = 1 / (r2sq * r2);
    out[0] = d1x * i1 + d2x * i2;
    out[1] = d1y * i1 + d2y * i2;
    double j1 = 3 * i1 / r1sq;
    double j2 = 3 * i2 / r2sq;
    // the first charge's displacement tangent includes ∂d1/∂w = (0, 1)
    double e1x = dpx;
    double e1y = dpy + 1;
    double hx = -i1 * e1x + j1 * d1x * (d1x * e1x + d1y * e1y) - i2 * dpx + j2 * d2x * (d2x * dpx + d2y * dpy);
    double hy = -i1 * e1y + j1 * d1y * (d1x * e1x + d1y * e1y) - i2 * dpy + j2 * d2y * (d2x * dpx + d2y * dpy);
    out[2] = -hx;
    out[3] = -hy;
  }

  /** particle's {@code naive_euler} with the hand-written acceleration. */
  static double particleEuler(double w) {
    return particleEuler(w, null);
  }

  /** {@code d naive_euler / dw}, by the tangent of every state variable carried through the loop. */
  static double particleEulerDerivative(double w) {
    double[] derivative = new double[1];
    particleEuler(w, derivative);
    return derivative[0];
  }

  private static double particleEuler(double w, double[] derivative) {
    double dt = GradBenchNested.PARTICLE_DT;
    double[] a = new double[4];
    double px = 0;
    double py = 8;
    double vx = 0.75;
    double vy = 0;
    double dpx = 0;
    double dpy = 0;
    double dvx = 0;
    double dvy = 0;
    acceleration(px, py, w, dpx, dpy, a);
    px += dt * vx;
    py += dt * vy;
    while (py > 0) {
      vx += dt * a[0];
      vy += dt * a[1];
      dvx += dt * a[2];
      dvy += dt * a[3];
      acceleration(px, py, w, dpx, dpy, a);
      px += dt * vx;
      py += dt * vy;
      dpx += dt * dvx;
      dpy += dt * dvy;
    }
    double dtf = -py / vy;
    double xf = px + dtf * vx;
    if (derivative != null) {
      double ddtf = -(dpy * vy - py * dvy) / (vy * vy);
      derivative[0] = 2 * xf * (dpx + ddtf * vx + dtf * dvx);
    }
    return xf * xf;
  }

  // ------------------------------------------------------------------------------------------- kmeans

  /**
   * GradBench's {@code dir} by hand (its {@code tools/manual/kmeans.cpp}): the gradient divided by the Hessian
   * diagonal, {@code (2 Σ (c_j - p_i)) / (2 n_j) = c_j - mean of cluster j}.
   */
  static double[][] kmeansDir(double[][] points, double[][] centroids) {
    int k = centroids.length;
    int d = centroids[0].length;
    int[] sizes = new int[k];
    double[][] sums = new double[k][d];
    for (double[] p : points) {
      int best = -1;
      double closest = Double.POSITIVE_INFINITY;
      for (int j = 0; j < k; j++) {
        double[] c = centroids[j];
        double dist = 0;
        for (int l = 0; l < d; l++) {
          double diff = p[l] - c[l];
          dist += diff * diff;
        }
        if (dist < closest) {
          closest = dist;
          best = j;
        }
      }
      sizes[best]++;
      double[] s = sums[best];
      for (int l = 0; l < d; l++) {
        s[l] += p[l];
      }
    }
    double[][] dir = new double[k][d];
    for (int j = 0; j < k; j++) {
      for (int l = 0; l < d; l++) {
        dir[j][l] = -(sums[j][l] / sizes[j] - centroids[j][l]);
      }
    }
    return dir;
  }
}
