package dev.adjoint.benchmarks;

import dev.adjoint.Differentiable;
import dev.adjoint.NoGrad;

/**
 * GradBench's nested-gradient evals {@code saddle} and {@code particle} (Pearlmutter and Siskind;
 * github.com/gradbench/gradbench {@code evals/saddle}, {@code evals/particle}, {@code cpp/gradbench/evals/*.hpp} and
 * the solver {@code cpp/gradbench/gd.hpp}) written as a Java user writes them: each differentiable function calls
 * another one's generated gradient ({@code GradBenchNestedGrad.fGradient(...).x()}), and the processor
 * differentiates that call through {@code fHvp}. The gradient-descent driver is plain Java ({@link GradientDescent}).
 * The hand-written derivatives are in {@link GradBenchNestedHand}.
 */
final class GradBenchNested {
  private GradBenchNested() {}

  /** The step the Euler integration of {@code particle} takes (GradBench: {@code delta_t = 1e-1}). */
  static final double PARTICLE_DT = 0.1;

  // ------------------------------------------------------------------------------------------- saddle

  /** saddle's objective {@code (x1² + y1²) - (x2² + y2²)} (GradBench {@code saddle::objective}). */
  @Differentiable
  static double saddleObjective(double x1, double y1, double x2, double y2) {
    return (x1 * x1 + y1 * y1) - (x2 * x2 + y2 * y2);
  }

  /**
   * {@code max over (x2, y2)} of the objective at {@code (x1, y1)}: GradBench's {@code multivariate_max}, i.e. its
   * gradient-descent {@code multivariate_argmin} on the negated objective from {@code (s1, s2)}, with the inner
   * gradient from Adjoint (the nested gradient), then the objective at the point found.
   */
  @Differentiable
  static double saddleMax(double x1, double y1, @NoGrad double s1, @NoGrad double s2) {
    double px = s1;
    double py = s2;
    double fx = -saddleObjective(x1, y1, px, py);
    double gx = -GradBenchNestedGrad.saddleObjectiveGradient(x1, y1, px, py).x2();
    double gy = -GradBenchNestedGrad.saddleObjectiveGradient(x1, y1, px, py).y2();
    int i = 0;
    double eta = 1e-5;
    boolean done = false;
    while (!done) {
      if (Math.sqrt(gx * gx + gy * gy) <= 1e-5) {
        done = true;
      } else if (i == 10) {
        eta = eta * 2;
        i = 0;
      } else {
        double qx = px - eta * gx;
        double qy = py - eta * gy;
        if (Math.sqrt((px - qx) * (px - qx) + (py - qy) * (py - qy)) <= 1e-5) {
          done = true;
        } else {
          double fq = -saddleObjective(x1, y1, qx, qy);
          if (fq < fx) {
            px = qx;
            py = qy;
            fx = fq;
            gx = -GradBenchNestedGrad.saddleObjectiveGradient(x1, y1, px, py).x2();
            gy = -GradBenchNestedGrad.saddleObjectiveGradient(x1, y1, px, py).y2();
            i++;
          } else {
            eta = eta / 2;
            i = 0;
          }
        }
      }
    }
    return saddleObjective(x1, y1, px, py);
  }

  // ----------------------------------------------------------------------------------------- particle

  /**
   * particle's potential at {@code (px, py)} of the two unit charges at {@code (10, 10 - w)} and {@code (10, 0)}:
   * {@code Σ 1 / dist} (GradBench {@code particle::accel}, whose gradient in the position is the negated acceleration).
   */
  @Differentiable
  static double particlePotential(double px, double py, double w) {
    double ax = 10 - px;
    double ay = 10 - w - py;
    double bx = 10 - px;
    double by = 0 - py;
    return 1 / Math.sqrt(ax * ax + ay * ay) + 1 / Math.sqrt(bx * bx + by * by);
  }

  /**
   * particle's {@code naive_euler}: from {@code x = (0, 8)}, {@code ẋ = (0.75, 0)}, Euler steps under the force
   * {@code -∇p} (a nested gradient) until the particle crosses the x axis, then {@code x0(t_f)²} at the linearly
   * interpolated crossing. GradBench writes {@code while (true)} with a {@code return} inside; the loop here runs
   * the same steps with the exit test as its condition. A gradient record is read one component per call (a record
   * kept whole is refused), so each step evaluates the inner gradient twice.
   */
  @Differentiable
  static double particleEuler(double w) {
    double px = 0;
    double py = 8;
    double vx = 0.75;
    double vy = 0;
    double ax = -GradBenchNestedGrad.particlePotentialGradient(px, py, w).px();
    double ay = -GradBenchNestedGrad.particlePotentialGradient(px, py, w).py();
    px = px + PARTICLE_DT * vx;
    py = py + PARTICLE_DT * vy;
    while (py > 0) {
      vx = vx + PARTICLE_DT * ax;
      vy = vy + PARTICLE_DT * ay;
      ax = -GradBenchNestedGrad.particlePotentialGradient(px, py, w).px();
      ay = -GradBenchNestedGrad.particlePotentialGradient(px, py, w).py();
      px = px + PARTICLE_DT * vx;
      py = py + PARTICLE_DT * vy;
    }
    double dtf = -py / vy;
    double xf = px + dtf * vx;
    return xf * xf;
  }
}
