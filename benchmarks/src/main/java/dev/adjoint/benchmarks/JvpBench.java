package dev.adjoint.benchmarks;

import java.util.concurrent.TimeUnit;
import org.hipparchus.analysis.differentiation.DSFactory;
import org.hipparchus.analysis.differentiation.DerivativeStructure;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Forward mode against Hipparchus' {@link DerivativeStructure} and central differences: a directional
 * derivative of straight-line scalar code ({@code sinXY} along (1, 0)) and the full Jacobian of a function
 * with 2 inputs and 100 outputs ({@code spiral}; {@code mJacobian} takes its forward path: 2 tangent
 * sweeps).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JvpBench {
  private static final DSFactory ONE_DIRECTION = new DSFactory(1, 1);
  private static final DSFactory TWO_INPUTS = new DSFactory(2, 1);
  double x;
  double y;

  @Setup
  public void setup() {
    x = 0.7;
    y = -1.3;
    double[] hand = Hand.sinXY(x, y);
    Check.close("sinXY mJvp", hand[0], FunctionsGrad.sinXYJvp(x, y, 1.0, 0.0).tangent(), Check.EXACT);
    Check.close("sinXY DerivativeStructure", hand[0], sinXYDs(x, y), Check.EXACT);
    var jacobian = ForwardFunctionsGrad.spiralJacobian(x, -y);
    double[][] ds = spiralDs(x, -y);
    double[][] fd = spiralFd(x, -y);
    for (int i = 0; i < 100; i++) {
      double[] row = {jacobian.t()[i][0], jacobian.r()[i][0]};
      Check.close("spiral mJacobian vs DerivativeStructure, row " + i, ds[i], row, Check.EXACT);
      Check.close("spiral mJacobian vs finite differences, row " + i, fd[i], row, Check.FD);
    }
  }

  @Benchmark
  public double sinXYJvpAdjoint() {
    return FunctionsGrad.sinXYJvp(x, y, 1.0, 0.0).tangent();
  }

  @Benchmark
  public double sinXYJvpHipparchus() {
    return sinXYDs(x, y);
  }

  @Benchmark
  public double sinXYJvpFiniteDifferences() {
    double h = 1e-6;
    return (Functions.sinXY(x + h, y) - Functions.sinXY(x - h, y)) / (2 * h);
  }

  @Benchmark
  public void spiralJacobianAdjoint(Blackhole bh) {
    var j = ForwardFunctionsGrad.spiralJacobian(x, -y);
    bh.consume(j.t());
    bh.consume(j.r());
  }

  @Benchmark
  public void spiralJacobianHipparchus(Blackhole bh) {
    bh.consume(spiralDs(x, -y));
  }

  @Benchmark
  public void spiralJacobianFiniteDifferences(Blackhole bh) {
    bh.consume(spiralFd(x, -y));
  }

  static double sinXYDs(double x, double y) {
    DerivativeStructure dx = ONE_DIRECTION.variable(0, x);
    DerivativeStructure dy = ONE_DIRECTION.constant(y);
    return dx.multiply(dx.multiply(dy).sin().negate().add(dy)).multiply(4).getPartialDerivative(1);
  }

  /** The Jacobian, rows the outputs, columns t and r, in one DerivativeStructure pass. */
  static double[][] spiralDs(double t, double r) {
    DerivativeStructure dt = TWO_INPUTS.variable(0, t);
    DerivativeStructure dr = TWO_INPUTS.variable(1, r);
    double[][] j = new double[100][2];
    for (int i = 0; i < 50; i++) {
      DerivativeStructure a = dt.multiply(i);
      DerivativeStructure c = dr.multiply(a.cos());
      DerivativeStructure s = dr.multiply(a.sin());
      j[2 * i][0] = c.getPartialDerivative(1, 0);
      j[2 * i][1] = c.getPartialDerivative(0, 1);
      j[2 * i + 1][0] = s.getPartialDerivative(1, 0);
      j[2 * i + 1][1] = s.getPartialDerivative(0, 1);
    }
    return j;
  }

  /** The Jacobian by central differences of the original: 4 evaluations. */
  static double[][] spiralFd(double t, double r) {
    double h = 1e-6;
    double[] tp = ForwardFunctions.spiral(t + h, r);
    double[] tm = ForwardFunctions.spiral(t - h, r);
    double[] rp = ForwardFunctions.spiral(t, r + h);
    double[] rm = ForwardFunctions.spiral(t, r - h);
    double[][] j = new double[100][2];
    for (int i = 0; i < 100; i++) {
      j[i][0] = (tp[i] - tm[i]) / (2 * h);
      j[i][1] = (rp[i] - rm[i]) / (2 * h);
    }
    return j;
  }
}
