package dev.adjoint.samples;

import dev.adjoint.Differentiable;
import java.util.Locale;
import java.util.Random;

/**
 * Finance sample: a European call priced by Monte Carlo under Black-Scholes dynamics, with delta, vega and
 * rho (and theta, and the strike sensitivity) from <em>one</em> reverse pass through the pricer, the
 * companion {@code OptionGreeksGrad.priceGradient}. The Greeks are the pathwise estimators of Broadie and
 * Glasserman (1996), obtained without writing them down; the sample compares them with the closed form and
 * times them against bumping (central finite differences with common random numbers).
 *
 * <p>Run it from the repository root with
 * {@code mvn -q -pl samples -am package -DskipTests -Pdemo -Dexec.mainClass=dev.adjoint.samples.OptionGreeks}.
 */
public final class OptionGreeks {
  private OptionGreeks() {}

  /**
   * The Monte Carlo price of a European call: the discounted mean payoff {@code e^{-rT} max(S_T − K, 0)}
   * over the paths {@code S_T = S0 exp((r − σ²/2) T + σ √T Z)}, one per standard normal draw {@code Z}.
   *
   * <p>{@code Math.max(x, 0)} is differentiated with its subgradient (1 above the strike, 0 below, 1/2 at
   * an exact tie, which has probability zero), so the reverse pass gives the pathwise Greeks.
   *
   * @param s0 the spot price
   * @param k the strike
   * @param r the continuously compounded risk-free rate
   * @param sigma the volatility
   * @param t the time to expiry in years
   * @param normals the standard normal draws, one per path
   * @return the estimated option value
   */
  @Differentiable
  public static double price(double s0, double k, double r, double sigma, double t, double[] normals) {
    double drift = (r - 0.5 * sigma * sigma) * t;
    double diffusion = sigma * Math.sqrt(t);
    double sum = 0;
    for (int i = 0; i < normals.length; i++) {
      double st = s0 * Math.exp(drift + diffusion * normals[i]);
      sum += Math.max(st - k, 0);
    }
    return Math.exp(-r * t) * sum / normals.length;
  }

  /**
   * A contract and its market.
   *
   * @param s0 spot
   * @param k strike
   * @param r rate
   * @param sigma volatility
   * @param t years to expiry
   */
  public record Contract(double s0, double k, double r, double sigma, double t) {
    /** The contract the sample prices: at-the-money-ish one-year call. */
    public static Contract sample() {
      return new Contract(100, 105, 0.03, 0.25, 1.0);
    }
  }

  /**
   * Price and Greeks.
   *
   * @param price the option value
   * @param delta ∂V/∂S0
   * @param vega ∂V/∂σ
   * @param rho ∂V/∂r
   */
  public record Greeks(double price, double delta, double vega, double rho) {}

  /** Price and Greeks from the Monte Carlo pricer: one forward and one reverse pass. */
  public static Greeks adjoint(Contract c, double[] normals) {
    OptionGreeksGrad.PriceTape tape = OptionGreeksGrad.priceForward(c.s0(), c.k(), c.r(), c.sigma(), c.t(), normals);
    double value = tape.value();
    OptionGreeksGrad.PriceGradient g = tape.backward();
    return new Greeks(value, g.s0(), g.sigma(), g.r());
  }

  /** Price and Greeks by bumping: central differences of the same pricer on the same draws (6 more prices). */
  public static Greeks bumped(Contract c, double[] normals) {
    double h = 1e-4;
    double value = price(c.s0(), c.k(), c.r(), c.sigma(), c.t(), normals);
    double hs = h * c.s0();
    double delta = (price(c.s0() + hs, c.k(), c.r(), c.sigma(), c.t(), normals)
        - price(c.s0() - hs, c.k(), c.r(), c.sigma(), c.t(), normals)) / (2 * hs);
    double vega = (price(c.s0(), c.k(), c.r(), c.sigma() + h, c.t(), normals)
        - price(c.s0(), c.k(), c.r(), c.sigma() - h, c.t(), normals)) / (2 * h);
    double rho = (price(c.s0(), c.k(), c.r() + h, c.sigma(), c.t(), normals)
        - price(c.s0(), c.k(), c.r() - h, c.sigma(), c.t(), normals)) / (2 * h);
    return new Greeks(value, delta, vega, rho);
  }

  /** The Black-Scholes closed form of the price, delta, vega and rho of a European call. */
  public static Greeks blackScholes(Contract c) {
    double sqrtT = Math.sqrt(c.t());
    double d1 = (Math.log(c.s0() / c.k()) + (c.r() + 0.5 * c.sigma() * c.sigma()) * c.t()) / (c.sigma() * sqrtT);
    double d2 = d1 - c.sigma() * sqrtT;
    double discount = Math.exp(-c.r() * c.t());
    double price = c.s0() * normalCdf(d1) - c.k() * discount * normalCdf(d2);
    double delta = normalCdf(d1);
    double vega = c.s0() * normalPdf(d1) * sqrtT;
    double rho = c.k() * c.t() * discount * normalCdf(d2);
    return new Greeks(price, delta, vega, rho);
  }

  /** The standard normal density. */
  static double normalPdf(double x) {
    return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
  }

  /**
   * The standard normal distribution function, {@code erfc(−x/√2)/2}, with erfc from the Maclaurin series
   * of erf below 2 and the continued fraction of erfc above (both converge to double precision there).
   */
  static double normalCdf(double x) {
    return 0.5 * erfc(-x / Math.sqrt(2));
  }

  private static double erfc(double x) {
    double ax = Math.abs(x);
    double result;
    if (ax < 2.0) {
      // erf by its Maclaurin series, converging fast for |x| < 2.
      double term = ax;
      double sum = ax;
      double x2 = ax * ax;
      for (int n = 1; n < 200; n++) {
        term *= -x2 / n;
        double add = term / (2 * n + 1);
        sum += add;
        if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
          break;
        }
      }
      result = 1 - 2 / Math.sqrt(Math.PI) * sum;
    } else {
      // erfc by Lentz's continued fraction, converging fast for |x| ≥ 2.
      double tiny = 1e-300;
      double f = ax;
      double c = ax;
      double d = 0;
      for (int n = 1; n < 500; n++) {
        double a = n / 2.0;
        d = ax + a * d;
        d = Math.abs(d) < tiny ? tiny : d;
        c = ax + a / c;
        c = Math.abs(c) < tiny ? tiny : c;
        d = 1 / d;
        double delta = c * d;
        f *= delta;
        if (Math.abs(delta - 1) < 1e-16) {
          break;
        }
      }
      result = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
    }
    return x >= 0 ? result : 2 - result;
  }

  /**
   * Monte Carlo standard errors of the price and the pathwise Greeks, from the per-path estimators written
   * out by hand (the sample standard deviation over √n). Used for the tolerance of the comparison with the
   * closed form; the Greeks themselves come from the reverse pass.
   */
  public static Greeks standardErrors(Contract c, double[] normals) {
    int n = normals.length;
    double sqrtT = Math.sqrt(c.t());
    double discount = Math.exp(-c.r() * c.t());
    double[] sum = new double[4];
    double[] sumSq = new double[4];
    for (double z : normals) {
      double st = c.s0() * Math.exp((c.r() - 0.5 * c.sigma() * c.sigma()) * c.t() + c.sigma() * sqrtT * z);
      boolean in = st > c.k();
      double payoff = discount * Math.max(st - c.k(), 0);
      double[] x = {
        payoff,
        in ? discount * st / c.s0() : 0,
        in ? discount * st * (sqrtT * z - c.sigma() * c.t()) : 0,
        -c.t() * payoff + (in ? discount * st * c.t() : 0)
      };
      for (int j = 0; j < 4; j++) {
        sum[j] += x[j];
        sumSq[j] += x[j] * x[j];
      }
    }
    double[] se = new double[4];
    for (int j = 0; j < 4; j++) {
      double mean = sum[j] / n;
      double variance = (sumSq[j] - n * mean * mean) / (n - 1);
      se[j] = Math.sqrt(Math.max(variance, 0) / n);
    }
    return new Greeks(se[0], se[1], se[2], se[3]);
  }

  /** {@code n} standard normal draws from a seeded generator. */
  public static double[] normals(long seed, int n) {
    Random random = new Random(seed);
    double[] z = new double[n];
    for (int i = 0; i < n; i++) {
      z[i] = random.nextGaussian();
    }
    return z;
  }

  /** The number of paths and the seed the sample and its test use. */
  static final int PATHS = 200_000;

  static final long SEED = 20240501L;

  /**
   * Prices the sample contract, prints the Greeks beside the closed form, and times one reverse pass
   * against bumping.
   *
   * @param args optional: the number of paths
   */
  public static void main(String[] args) {
    int paths = args.length > 0 ? Integer.parseInt(args[0]) : PATHS;
    Contract c = Contract.sample();
    double[] z = normals(SEED, paths);
    System.out.printf(Locale.ROOT, "European call: S0 = %.2f, K = %.2f, r = %.3f, sigma = %.3f, T = %.2f; %,d paths (seed %d)%n",
        c.s0(), c.k(), c.r(), c.sigma(), c.t(), paths, SEED);

    Greeks ad = adjoint(c, z);
    Greeks fd = bumped(c, z);
    Greeks bs = blackScholes(c);
    Greeks se = standardErrors(c, z);
    System.out.println();
    System.out.printf(Locale.ROOT, "%-6s %14s %14s %14s %10s %8s%n", "", "reverse pass", "bumping", "closed form",
        "MC s.e.", "z-score");
    row("price", ad.price(), fd.price(), bs.price(), se.price());
    row("delta", ad.delta(), fd.delta(), bs.delta(), se.delta());
    row("vega", ad.vega(), fd.vega(), bs.vega(), se.vega());
    row("rho", ad.rho(), fd.rho(), bs.rho(), se.rho());

    // The same reverse pass also gave the other inputs' derivatives, at no extra cost.
    OptionGreeksGrad.PriceGradient all = OptionGreeksGrad.priceGradient(c.s0(), c.k(), c.r(), c.sigma(), c.t(), z);
    double sqrtT = Math.sqrt(c.t());
    double d2 = (Math.log(c.s0() / c.k()) + (c.r() - 0.5 * c.sigma() * c.sigma()) * c.t()) / (c.sigma() * sqrtT);
    double d1 = d2 + c.sigma() * sqrtT;
    double discount = Math.exp(-c.r() * c.t());
    System.out.println();
    System.out.println("from the same reverse pass (closed form beside):");
    System.out.printf(Locale.ROOT, "  dV/dT (minus theta)  %12.6f   %12.6f%n", all.t(),
        c.s0() * normalPdf(d1) * c.sigma() / (2 * sqrtT) + c.r() * c.k() * discount * normalCdf(d2));
    System.out.printf(Locale.ROOT, "  dV/dK (dual delta)   %12.6f   %12.6f%n", all.k(), -discount * normalCdf(d2));
    // A path that ends out of the money pays nothing whatever its draw: its dV/dZ_i is exactly zero.
    double[] perPath = all.normals();
    int inTheMoney = 0;
    double largest = 0;
    for (double d : perPath) {
      if (d != 0) {
        inTheMoney++;
      }
      largest = Math.max(largest, Math.abs(d));
    }
    System.out.printf(Locale.ROOT, "  dV/dZ_i per path     %,d values: nonzero on the %,d paths that end in the money"
        + " (largest %.3e), zero on the others%n", perPath.length, inTheMoney, largest);

    // Timing: a few warm-up rounds for the JIT, then the median of several repetitions of each.
    int reps = 15;
    long[] adTimes = new long[reps];
    long[] fdTimes = new long[reps];
    long[] priceTimes = new long[reps];
    double sink = 0;
    for (int round = 0; round < 5 + reps; round++) {
      long t0 = System.nanoTime();
      sink += price(c.s0(), c.k(), c.r(), c.sigma(), c.t(), z);
      long t1 = System.nanoTime();
      sink += adjoint(c, z).delta();
      long t2 = System.nanoTime();
      sink += bumped(c, z).delta();
      long t3 = System.nanoTime();
      if (round >= 5) {
        priceTimes[round - 5] = t1 - t0;
        adTimes[round - 5] = t2 - t1;
        fdTimes[round - 5] = t3 - t2;
      }
    }
    double p = median(priceTimes) / 1e6;
    double a = median(adTimes) / 1e6;
    double f = median(fdTimes) / 1e6;
    System.out.println();
    System.out.printf(Locale.ROOT, "time (median of %d, after warm-up)%n", reps);
    System.out.printf(Locale.ROOT, "  price only                        %8.2f ms%n", p);
    System.out.printf(Locale.ROOT, "  price + 3 Greeks, reverse pass    %8.2f ms  (%.1f x one price)%n", a, a / p);
    System.out.printf(Locale.ROOT, "  price + 3 Greeks, bumping (7 px)  %8.2f ms  (%.1f x one price)%n", f, f / p);
    System.out.printf(Locale.ROOT, "  bumping / reverse pass            %8.2f%n", f / a);
    if (sink == 42) {
      System.out.println();
    }
  }

  private static void row(String name, double ad, double fd, double bs, double se) {
    System.out.printf(Locale.ROOT, "%-6s %14.6f %14.6f %14.6f %10.6f %8.2f%n", name, ad, fd, bs, se, (ad - bs) / se);
  }

  private static double median(long[] values) {
    long[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
