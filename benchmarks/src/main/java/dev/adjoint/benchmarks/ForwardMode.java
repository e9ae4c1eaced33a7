package dev.adjoint.benchmarks;

import static dev.adjoint.benchmarks.Functions.DT;
import static dev.adjoint.benchmarks.Functions.MATURITY;
import static dev.adjoint.benchmarks.Functions.RATE;
import static dev.adjoint.benchmarks.Functions.STRIKE;
import static dev.adjoint.benchmarks.Functions.V0;
import static dev.adjoint.benchmarks.Functions.X0;

import org.hipparchus.analysis.differentiation.Gradient;

/**
 * The same functions in Hipparchus forward mode ({@link Gradient}: value plus one tangent per input), the
 * "forward-mode AD" peer. Each returns the full gradient, so its cost grows with the number of inputs.
 */
public final class ForwardMode {
  private ForwardMode() {}

  static Gradient[] variables(double[] x) {
    Gradient[] v = new Gradient[x.length];
    for (int i = 0; i < x.length; i++) {
      v[i] = Gradient.variable(x.length, i, x[i]);
    }
    return v;
  }

  public static double[] seedExample1(double[] a) {
    Gradient[] va = variables(a);
    Gradient sum = Gradient.constant(a.length, 0);
    for (int i = 0; i < a.length; i++) {
      Gradient b = va[i].add(3);
      Gradient c = b.multiply(b).multiply(3);
      sum = sum.add(c);
    }
    return sum.divide(a.length).getGradient();
  }

  public static double[] sinXY(double x, double y) {
    Gradient gx = Gradient.variable(2, 0, x);
    Gradient gy = Gradient.variable(2, 1, y);
    return gx.multiply(gx.multiply(gy).sin().negate().add(gy)).multiply(4).getGradient();
  }

  public static double[] softmaxCrossEntropy(double[] logits, int target) {
    Gradient[] l = variables(logits);
    Gradient m = l[0];
    for (int i = 1; i < l.length; i++) {
      if (l[i].getValue() > m.getValue()) {
        m = l[i];
      }
    }
    Gradient s = Gradient.constant(l.length, 0);
    for (int i = 0; i < l.length; i++) {
      s = s.add(l[i].subtract(m).exp());
    }
    return s.log().add(m).subtract(l[target]).getGradient();
  }

  public static double[] rosenbrock(double[] x) {
    Gradient[] v = variables(x);
    Gradient s = Gradient.constant(x.length, 0);
    for (int i = 0; i + 1 < x.length; i++) {
      Gradient a = v[i + 1].subtract(v[i].multiply(v[i]));
      Gradient b = v[i].negate().add(1);
      s = s.add(a.multiply(a).multiply(100)).add(b.multiply(b));
    }
    return s.getGradient();
  }

  public static double[] dampedOscillator(double k, double c, int steps) {
    Gradient gk = Gradient.variable(2, 0, k);
    Gradient gc = Gradient.variable(2, 1, c);
    Gradient x = Gradient.constant(2, X0);
    Gradient v = Gradient.constant(2, V0);
    Gradient loss = Gradient.constant(2, 0);
    for (int t = 0; t < steps; t++) {
      Gradient a = gk.multiply(x).add(gc.multiply(v)).negate();
      x = x.add(v.multiply(DT));
      v = v.add(a.multiply(DT));
      loss = loss.add(x.multiply(x));
    }
    return loss.multiply(DT).getGradient();
  }

  public static double[] europeanCall(double s0, double sigma, double[] z) {
    Gradient gs = Gradient.variable(2, 0, s0);
    Gradient gv = Gradient.variable(2, 1, sigma);
    Gradient drift = gv.multiply(gv).multiply(-0.5).add(RATE).multiply(MATURITY);
    Gradient vol = gv.multiply(Math.sqrt(MATURITY));
    Gradient sum = Gradient.constant(2, 0);
    for (int i = 0; i < z.length; i++) {
      Gradient st = gs.multiply(drift.add(vol.multiply(z[i])).exp());
      if (st.getValue() > STRIKE) {
        sum = sum.add(st.subtract(STRIKE));
      }
    }
    return sum.multiply(Math.exp(-RATE * MATURITY) / z.length).getGradient();
  }
}
