package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.Arrays;
import java.util.function.Function;

/**
 * The tests' own central-difference checker, independent of {@link Gradcheck}: compares the
 * gradients that {@code backward(upstream)} accumulates into fresh leaves with
 * {@code upstream · (f(x + h e) - f(x - h e)) / 2h}.
 */
final class Numeric {
  static final double H = 1e-6;

  private Numeric() {}

  /** Checks every input that requires grad, with a seeded random upstream. */
  static void check(Function<Tensor[], Tensor> f, Tensor... inputs) {
    check(f, 1e-5, 1e-4, inputs);
  }

  static void check(Function<Tensor[], Tensor> f, double atol, double rtol, Tensor... inputs) {
    Tensor[] leaves = copies(inputs, true);
    Tensor out = f.apply(leaves);
    Tensor upstream = Tensor.randn(new Generator().manualSeed(42), out.shape());
    out.backward(upstream);
    double[] up = upstream.toArray();
    for (int i = 0; i < inputs.length; i++) {
      if (!inputs[i].isRequiresGrad()) {
        continue;
      }
      Tensor g = leaves[i].grad();
      assertNotNull(g, "no gradient reached input " + i);
      assertEquals(Arrays.toString(inputs[i].shape()), Arrays.toString(g.shape()), "gradient shape of input " + i);
      double[] x = inputs[i].toArray();
      for (int e = 0; e < x.length; e++) {
        double numerical = vjpEntry(f, inputs, i, e, up);
        double analytical = g.toArray()[e];
        double tol = atol + rtol * Math.abs(numerical);
        if (!(Math.abs(analytical - numerical) <= tol)) {
          throw new AssertionError("input " + i + " entry " + e + ": numerical " + numerical + ", analytical "
              + analytical);
        }
      }
    }
  }

  /** {@code Σ_o up[o] · ∂f_o/∂x_i[e]} by central differences. */
  static double vjpEntry(Function<Tensor[], Tensor> f, Tensor[] inputs, int i, int e, double[] up) {
    double[] plus = eval(f, inputs, i, e, H);
    double[] minus = eval(f, inputs, i, e, -H);
    double s = 0;
    for (int o = 0; o < up.length; o++) {
      s += up[o] * (plus[o] - minus[o]) / (2 * H);
    }
    return s;
  }

  static double[] eval(Function<Tensor[], Tensor> f, Tensor[] inputs, int i, int e, double delta) {
    Tensor[] args = copies(inputs, false);
    double[] x = inputs[i].toArray();
    x[e] += delta;
    args[i] = Tensor.fromArray(x, inputs[i].shape());
    return f.apply(args).toArray();
  }

  static Tensor[] copies(Tensor[] inputs, boolean keepRequiresGrad) {
    Tensor[] r = new Tensor[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      r[i] = Tensor.fromArray(inputs[i].toArray(), inputs[i].shape());
      if (keepRequiresGrad && inputs[i].isRequiresGrad()) {
        r[i].requiresGrad();
      }
    }
    return r;
  }

  /** A leaf that requires grad with seeded normal values. */
  static Tensor param(long seed, int... shape) {
    return Tensor.randn(new Generator().manualSeed(seed), shape).requiresGrad();
  }

  /** A leaf that requires grad with seeded values in [lo, hi). */
  static Tensor param(long seed, double lo, double hi, int... shape) {
    double[] d = Tensor.rand(new Generator().manualSeed(seed), shape).toArray();
    for (int i = 0; i < d.length; i++) {
      d[i] = lo + (hi - lo) * d[i];
    }
    return Tensor.fromArray(d, shape).requiresGrad();
  }

  static void assertValues(double[] expected, Tensor actual) {
    assertValues(expected, actual, 1e-12);
  }

  static void assertValues(double[] expected, Tensor actual, double tol) {
    double[] a = actual.toArray();
    assertEquals(expected.length, a.length, "number of values of " + actual);
    for (int i = 0; i < a.length; i++) {
      assertEquals(expected[i], a[i], tol, "entry " + i + " of " + actual);
    }
  }
}
