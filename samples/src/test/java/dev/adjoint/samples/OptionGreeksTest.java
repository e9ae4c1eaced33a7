package dev.adjoint.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The finance sample: Greeks from one reverse pass through the Monte Carlo pricer agree with the
 * Black-Scholes closed form within Monte Carlo error, and are exactly the pathwise estimators.
 */
class OptionGreeksTest {
  /** How many standard errors a Monte Carlo estimate may be from the closed form (two-sided p ≈ 1e-4 each). */
  private static final double Z = 4;

  private static final OptionGreeks.Contract C = OptionGreeks.Contract.sample();

  private static double[] normals;
  private static OptionGreeksGrad.PriceGradient gradient;
  private static double price;

  @BeforeAll
  static void price() {
    normals = OptionGreeks.normals(OptionGreeks.SEED, OptionGreeks.PATHS);
    OptionGreeksGrad.PriceTape tape = OptionGreeksGrad.priceForward(C.s0(), C.k(), C.r(), C.sigma(), C.t(), normals);
    price = tape.value();
    gradient = tape.backward();
  }

  @Test
  void normalDistributionFunctionMatchesReferenceValues() {
    // Reference values of Φ to 16 digits.
    assertEquals(0.5, OptionGreeks.normalCdf(0), 1e-15);
    assertEquals(0.8413447460685429, OptionGreeks.normalCdf(1), 1e-14);
    assertEquals(0.9772498680518208, OptionGreeks.normalCdf(2), 1e-14);
    assertEquals(0.0013498980316300946, OptionGreeks.normalCdf(-3), 1e-16);
    assertEquals(0.022750131948179209, OptionGreeks.normalCdf(-2), 1e-15);
    assertEquals(2.866515718791939e-7, OptionGreeks.normalCdf(-5), 1e-19);
  }

  @Test
  void blackScholesClosedFormMatchesAPublishedValue() {
    // Hull's worked example (Options, Futures and Other Derivatives): S0 42, K 40, r 10%, σ 20%, T 0.5 → c = 4.76.
    OptionGreeks.Greeks bs = OptionGreeks.blackScholes(new OptionGreeks.Contract(42, 40, 0.1, 0.2, 0.5));
    assertEquals(4.76, bs.price(), 0.005);
    assertEquals(0.7791, bs.delta(), 0.0001);
  }

  @Test
  void priceDeltaVegaRhoFromOneReversePassAgreeWithTheClosedFormWithinMonteCarloError() {
    OptionGreeks.Greeks bs = OptionGreeks.blackScholes(C);
    OptionGreeks.Greeks se = OptionGreeks.standardErrors(C, normals);
    // The standard errors are small next to the values, so the comparison is a sharp one.
    assertTrue(se.delta() < 0.01 * bs.delta() && se.vega() < 0.01 * bs.vega() && se.rho() < 0.01 * bs.rho(),
        se.toString());
    assertEquals(bs.price(), price, Z * se.price(), "price");
    assertEquals(bs.delta(), gradient.s0(), Z * se.delta(), "delta");
    assertEquals(bs.vega(), gradient.sigma(), Z * se.vega(), "vega");
    assertEquals(bs.rho(), gradient.r(), Z * se.rho(), "rho");
  }

  @Test
  void theReversePassIsThePathwiseEstimator() {
    // Broadie and Glasserman's pathwise estimators, averaged over the same draws: the reverse pass must
    // reproduce them to rounding, path by path summed.
    double sqrtT = Math.sqrt(C.t());
    double discount = Math.exp(-C.r() * C.t());
    double delta = 0;
    double vega = 0;
    double rho = 0;
    double dk = 0;
    for (double z : normals) {
      double st = C.s0() * Math.exp((C.r() - 0.5 * C.sigma() * C.sigma()) * C.t() + C.sigma() * sqrtT * z);
      if (st > C.k()) {
        delta += discount * st / C.s0();
        vega += discount * st * (sqrtT * z - C.sigma() * C.t());
        rho += -C.t() * discount * (st - C.k()) + discount * st * C.t();
        dk += -discount;
      }
    }
    int n = normals.length;
    assertEquals(delta / n, gradient.s0(), 1e-12);
    assertEquals(vega / n, gradient.sigma(), 1e-10);
    assertEquals(rho / n, gradient.r(), 1e-10);
    assertEquals(dk / n, gradient.k(), 1e-12);
    // Strike sensitivity: the closed form is −e^{−rT} N(d2); within Monte Carlo error as well.
    double d2 = (Math.log(C.s0() / C.k()) + (C.r() - 0.5 * C.sigma() * C.sigma()) * C.t()) / (C.sigma() * sqrtT);
    assertEquals(-discount * OptionGreeks.normalCdf(d2), gradient.k(), 0.005);
  }

  @Test
  void bumpingTheSamePricerAgreesWithTheReversePass() {
    OptionGreeks.Greeks ad = OptionGreeks.adjoint(C, normals);
    OptionGreeks.Greeks fd = OptionGreeks.bumped(C, normals);
    assertEquals(price, ad.price(), 0);
    assertEquals(fd.price(), ad.price(), 1e-12);
    // Central differences with common random numbers; kinks crossed by a bump cost a little accuracy.
    assertEquals(fd.delta(), ad.delta(), 1e-4);
    assertEquals(fd.vega(), ad.vega(), 1e-3);
    assertEquals(fd.rho(), ad.rho(), 5e-3);
  }

  @Test
  void theDrawsAreNotModifiedAndEveryPathGetsAGradient() {
    double[] again = OptionGreeks.normals(OptionGreeks.SEED, OptionGreeks.PATHS);
    assertEquals(again.length, normals.length);
    for (int i = 0; i < again.length; i += 997) {
      assertEquals(again[i], normals[i], 0);
    }
    assertEquals(normals.length, gradient.normals().length);
  }
}
