package dev.adjoint;

/**
 * The exponential, the logistic function and the hyperbolic tangent over arrays, in loops the JIT vectorizes.
 *
 * <p>{@code Math.exp} is an intrinsic call per element, which C2 on Java 17 does not vectorize: over 10^6
 * elements it costs about 4 ms, most of an element-wise chain such as {@code sigmoid(tanh(x)·y + z)}. Here
 * {@code e^v} is fdlibm's algorithm (the one behind {@code StrictMath.exp}) without its branches: {@code k =
 * rint(v/ln 2)} by adding and subtracting {@code 1.5·2^52}, {@code r = v − k·ln 2} in two parts, fdlibm's
 * rational approximation of {@code e^r}; all plain arithmetic, which the JIT evaluates several lanes at a time.
 * Only the scaling by {@code 2^k}, which builds a double from its bits, runs as a second, scalar pass over the
 * block. Within 1 ulp of {@code Math.exp} (both are within 1 ulp of the exact value); arguments outside
 * {@code [-708, 709]}, where the result is subnormal, infinite or zero, and NaN go to {@code Math.exp}.
 *
 * <p>Each array function is bitwise the scalar function of the same name here, element by element.
 */
final class VectorExp {
  private VectorExp() {}

  private static final double INV_LN2 = 1.44269504088896338700e+00;
  /** The upper part of ln 2 (its low 21 bits are zero, so {@code k·LN2_HI} is exact for {@code |k| < 2^21}). */
  private static final double LN2_HI = 6.93147180369123816490e-01;
  private static final double LN2_LO = 1.90821492927058770002e-10;
  private static final double P1 = 1.66666666666666019037e-01;
  private static final double P2 = -2.77777777770155933842e-03;
  private static final double P3 = 6.61375632143793436117e-05;
  private static final double P4 = -1.65339022054652515390e-06;
  private static final double P5 = 4.13813679705723846039e-08;
  /** {@code 1.5·2^52}: adding and subtracting it rounds a double below 2^51 to an integer (ties to even). */
  private static final double ROUNDER = 0x1.8p52;
  /** The arguments whose exponential is a normal double reached by {@code e^r·2^k} with normal {@code 2^k}. */
  private static final double LOW = -708;
  private static final double HIGH = 709;

  /** {@code e^v}; see the class comment. */
  static double exp(double v) {
    return scaled(v, reduced(v, nearestK(v)));
  }

  /** {@code e^{v − k·ln 2}} by fdlibm's rational approximation, for the integer {@code k} nearest {@code v/ln 2}. */
  private static double reduced(double v, double k) {
    double hi = v - k * LN2_HI;
    double lo = k * LN2_LO;
    double r = hi - lo;
    double t = r * r;
    double c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
    return 1 - ((lo - (r * c) / (2 - c)) - hi);
  }

  /** {@code k}, the integer nearest {@code v/ln 2} as a double, for {@code |v| < 2^50}. */
  private static double nearestK(double v) {
    return (v * INV_LN2 + ROUNDER) - ROUNDER;
  }

  /** {@code y·2^k} for an exponential within the reduced range, else {@code Math.exp(v)}. */
  private static double scaled(double v, double y) {
    // v·INV_LN2 + ROUNDER is exactly ROUNDER + k, so its low bits are k's; k + 1023 shifted into the exponent
    long k = Double.doubleToRawLongBits(v * INV_LN2 + ROUNDER);
    return v >= LOW && v <= HIGH ? y * Double.longBitsToDouble((k + 1023) << 52) : Math.exp(v);
  }

  private static final long ONE_BITS = Double.doubleToRawLongBits(1.0);

  /**
   * The logistic function, without overflow for large {@code |v|}: {@code 1/(1+e)} for {@code v >= 0} and
   * {@code e/(1+e)} below, with {@code e = exp(-|v|)}. One {@code exp} per element and no branch on the sign:
   * the numerator is chosen by the sign bit of {@code v} with integer masks (a conditional expression on
   * doubles compiles to a jump, which random signs mispredict half the time). The sign bit and {@code v >= 0}
   * disagree only at {@code -0.0} and NaN, where both numerators give the same result ({@code e = 1}; NaN).
   */
  static double sigmoid(double v) {
    double e = exp(-Math.abs(v));
    return numerator(v, e) / (1 + e);
  }

  /** 1 when the sign bit of {@code v} is clear, else {@code e}: by integer masks, not a branch. */
  private static double numerator(double v, double e) {
    long negative = Double.doubleToRawLongBits(v) >> 63; // all ones when the sign bit is set
    return Double.longBitsToDouble((ONE_BITS & ~negative) | (Double.doubleToRawLongBits(e) & negative));
  }

  private static final double TANH_P0 = -9.64399179425052238628E-1;
  private static final double TANH_P1 = -9.92877231001918586564E1;
  private static final double TANH_P2 = -1.61468768441708447952E3;
  private static final double TANH_Q0 = 1.12811678491632931402E2;
  private static final double TANH_Q1 = 2.23548839060100448583E3;
  private static final double TANH_Q2 = 4.84406305325125486048E3;

  /** Cephes' rational form of {@code tanh} for {@code |x| < 0.625}: {@code x + x³·P(x²)/Q(x²)}. */
  private static double tanhSmall(double x) {
    double z = x * x;
    return x + x * z * (((TANH_P0 * z + TANH_P1) * z + TANH_P2) / (((z + TANH_Q0) * z + TANH_Q1) * z + TANH_Q2));
  }

  /**
   * The hyperbolic tangent as Cephes' {@code tanh} computes it: {@code x + x³·P(x²)/Q(x²)} for {@code |x| <
   * 0.625}, {@code ±(1 − 2/(e^{2|x|} + 1))} above (with {@link #exp(double)}), {@code ±1} beyond 22, {@code x}
   * itself below {@code 1e-9} (so {@code -0.0} stays). Within 2 ulp of {@code Math.tanh}, which is fdlibm's
   * without an intrinsic and several times slower.
   */
  static double tanh(double x) {
    double a = Math.abs(x);
    if (a < 0.625) {
      return a < 1e-9 ? x : tanhSmall(x);
    }
    if (!(a <= 22)) {
      return a > 22 ? Math.copySign(1.0, x) : x; // NaN stays NaN
    }
    return Math.copySign(1 - 2 / (exp(2 * a) + 1), x);
  }

  /** {@code out[i] = exp(x[i])} for every {@code i}, bitwise {@link #exp(double)}. */
  static void exp(double[] x, double[] out) {
    if (x.length <= SHORT) {
      for (int i = 0; i < x.length; i++) {
        out[i] = exp(x[i]);
      }
      return;
    }
    blocks(x, out, EXP);
  }

  /** {@code out[i] = sigmoid(x[i])} for every {@code i}, bitwise {@link #sigmoid(double)}. */
  static void sigmoid(double[] x, double[] out) {
    if (x.length <= SHORT) {
      for (int i = 0; i < x.length; i++) {
        out[i] = sigmoid(x[i]);
      }
      return;
    }
    blocks(x, out, SIGMOID);
  }

  /**
   * {@code out[i] = tanh(x[i])} for every {@code i}, bitwise {@link #tanh(double)}, without a data-dependent
   * branch between its two forms (normal samples take either about half the time, which a branch mispredicts):
   * both forms of {@code tanh |x|} for every element, then the choice by a 0/1 factor and the sign of {@code x}
   * (see {@link #TANH}). Both forms are odd to the bit ({@code -x} gives {@code -(x + x·z·R)} exactly), and below
   * {@code 1e-9} the rational form is {@code x} itself, so {@code copySign(tanh |x|, x)} is {@link
   * #tanh(double)}, {@code -0.0} included.
   */
  static void tanh(double[] x, double[] out) {
    if (x.length <= SHORT) {
      for (int i = 0; i < x.length; i++) {
        out[i] = tanh(x[i]);
      }
      return;
    }
    blocks(x, out, TANH);
  }

  /** Arrays up to this length go element by element through the scalar function (no scratch arrays). */
  private static final int SHORT = 16;

  /**
   * One loop over a block of scratch arrays, indexed from 0: the argument {@code x}, the reduced argument
   * {@code w}, the result {@code e} and a second form {@code r}.
   *
   * <p>Why passes, and why objects: C2 vectorizes a loop only when all its arrays are indexed alike (so the block
   * is copied into scratch arrays first), and it compiled a method holding several such loops, or inlining
   * them, 2–3× slower than the same loops compiled one by one (measured on Java 17). A call through a
   * {@code Pass} of several classes from one call site ({@link #blocks}) is not inlined: one virtual call per
   * pass and block of 1024 elements, and each pass compiled on its own.
   */
  private abstract static class Pass {
    abstract void run(double[] x, double[] w, double[] e, double[] r, int len);
  }

  /** {@code w = x} (the argument of the exponential, for {@link #SCALE}). */
  private static final Pass COPY = new Pass() {
    @Override
    void run(double[] x, double[] w, double[] e, double[] r, int len) {
      System.arraycopy(x, 0, w, 0, len);
    }
  };

  /** {@code e = e^{w − k·ln 2}} (vectorized). */
  private static final Pass REDUCED = new Pass() {
    @Override
    void run(double[] x, double[] w, double[] e, double[] r, int len) {
      for (int j = 0; j < len; j++) {
        double v = w[j];
        e[j] = reduced(v, nearestK(v));
      }
    }
  };

  /** {@code e = e·2^k}, or {@code Math.exp(w)} outside the reduced range (scalar: it builds doubles from bits). */
  private static final Pass SCALE = new Pass() {
    @Override
    void run(double[] x, double[] w, double[] e, double[] r, int len) {
      for (int j = 0; j < len; j++) {
        e[j] = scaled(w[j], e[j]);
      }
    }
  };

  /**
   * {@link #SCALE} for arguments known to be within {@code [0, 708]} or NaN, as {@link #TANH_FORMS} makes them:
   * no range check ({@code scaled} takes its first branch there, and a NaN stays NaN either way).
   */
  private static final Pass SCALE_IN_RANGE = new Pass() {
    @Override
    void run(double[] x, double[] w, double[] e, double[] r, int len) {
      for (int j = 0; j < len; j++) {
        long k = Double.doubleToRawLongBits(w[j] * INV_LN2 + ROUNDER);
        e[j] = e[j] * Double.longBitsToDouble((k + 1023) << 52);
      }
    }
  };

  /** {@code w = -|x|} (vectorized). */
  private static final Pass NEG_ABS = new Pass() {
    @Override
    void run(double[] x, double[] w, double[] e, double[] r, int len) {
      for (int j = 0; j < len; j++) {
        w[j] = -Math.abs(x[j]);
      }
    }
  };

  /**
   * A value far above the reciprocal of the smallest double but finite: {@code v·HUGE} is ±1 or more for {@code
   * |v| >= 1e-300}, and {@code v·HUGE·HUGE} for every nonzero {@code v} (at least {@code 4.9e-324·1e600}),
   * while {@code ±0·HUGE·HUGE} stays {@code ±0}.
   */
  private static final double HUGE = 1e300;

  /**
   * {@code e = numerator(x, e) / (1 + e)} (vectorized): the numerator as {@code e·m + (1 − m)} with {@code m} 1
   * for a negative argument and 0 otherwise, from clamped arithmetic instead of the sign bit ({@code −x·HUGE·HUGE}
   * is at least 1 for {@code x < 0}, at most −1 for {@code x > 0}, ±0 at ∓0; a product, not a division). Bitwise
   * {@link #numerator}: {@code e + 0 = e} and {@code 0 + 1 = 1} for the finite {@code e ≤ 1} here; at {@code
   * −0.0}, where {@code m} is 0 and the sign bit's choice is {@code e}, {@code e} is 1; NaN stays NaN.
   */
  private static final Pass SIGMOID_QUOTIENT = new Pass() {
    @Override
    void run(double[] x, double[] w, double[] e, double[] r, int len) {
      for (int j = 0; j < len; j++) {
        double v = x[j];
        double ej = e[j];
        double m = Math.min(Math.max(-v * HUGE * HUGE, 0.0), 1.0);
        e[j] = (ej * m + (1 - m)) / (1 + ej);
      }
    }
  };

  /**
   * {@code r = tanhSmall(min(|x|, 1))} (finite for every {@code x}) and {@code w = min(2|x|, 708)}: beyond 354,
   * {@code 1 − 2/(e^{2|x|}+1)} is 1 either way, which also covers {@link #tanh(double)}'s case beyond 22
   * (vectorized).
   */
  private static final Pass TANH_FORMS = new Pass() {
    @Override
    void run(double[] x, double[] w, double[] e, double[] r, int len) {
      for (int j = 0; j < len; j++) {
        double a = Math.abs(x[j]);
        r[j] = tanhSmall(Math.min(a, 1.0));
        w[j] = Math.min(2 * a, 708.0);
      }
    }
  };

  /**
   * {@code e = copySign(|x| < 0.625 ? r : 1 − 2/(e + 1), x)} (vectorized): the form chosen by {@code m =
   * min(max((0.625 − |x|)·HUGE, 0), 1)}, which is 1 below 0.625 and 0 from there on, as {@code r·m + big·(1 −
   * m)} (exact: both forms are finite and non-negative), times {@code x}'s sign as ±1 from {@code x·HUGE·HUGE}
   * clamped ({@code Math.copySign} is not vectorized on Java 17); at {@code ±0} that factor is {@code ±0} and the
   * product {@code 0·(±0)} is {@code ±0}, as {@code copySign} gives.
   */
  private static final Pass TANH_SELECT = new Pass() {
    @Override
    void run(double[] x, double[] w, double[] e, double[] r, int len) {
      for (int j = 0; j < len; j++) {
        double v = x[j];
        double m = Math.min(Math.max((0.625 - Math.abs(v)) * HUGE, 0.0), 1.0);
        double big = 1 - 2 / (e[j] + 1);
        double sign = Math.min(Math.max(v * HUGE * HUGE, -1.0), 1.0);
        e[j] = (r[j] * m + big * (1 - m)) * sign;
      }
    }
  };

  private static final Pass[] EXP = {COPY, REDUCED, SCALE};
  private static final Pass[] SIGMOID = {NEG_ABS, REDUCED, SCALE, SIGMOID_QUOTIENT};
  private static final Pass[] TANH = {TANH_FORMS, REDUCED, SCALE_IN_RANGE, TANH_SELECT};

  /**
   * {@code x[i] = exp(x[i])} for {@code i < len} in place, bitwise {@link #exp(double)}: the vectorized passes over
   * one block the caller holds ({@link FusedElementwise}'s registers), with its scratch arrays {@code w}, {@code e},
   * {@code r} of at least {@code len} elements, so that no array is allocated per call.
   */
  static void expBlock(double[] x, int len, double[] w, double[] e, double[] r) {
    inPlace(x, len, w, e, r, EXP);
  }

  /** {@code x[i] = sigmoid(x[i])} for {@code i < len} in place, bitwise {@link #sigmoid(double)}; as {@link #expBlock}. */
  static void sigmoidBlock(double[] x, int len, double[] w, double[] e, double[] r) {
    inPlace(x, len, w, e, r, SIGMOID);
  }

  /** {@code x[i] = tanh(x[i])} for {@code i < len} in place, bitwise {@link #tanh(double)}; as {@link #expBlock}. */
  static void tanhBlock(double[] x, int len, double[] w, double[] e, double[] r) {
    inPlace(x, len, w, e, r, TANH);
  }

  /** The passes over {@code x[0 .. len)} (which they read, never write), the result copied back into it. */
  private static void inPlace(double[] x, int len, double[] w, double[] e, double[] r, Pass[] passes) {
    for (Pass p : passes) {
      p.run(x, w, e, r, len);
    }
    System.arraycopy(e, 0, x, 0, len);
  }

  /** Elements per block: the scratch arrays stay in the L1 cache. */
  private static final int BLOCK = 1024;

  /** Runs {@code passes} block by block over {@code x}, the block's {@code e} copied to {@code out}. */
  private static void blocks(double[] x, double[] out, Pass[] passes) {
    int n = Math.min(BLOCK, x.length);
    double[] xs = new double[n];
    double[] ws = new double[n];
    double[] es = new double[n];
    double[] rs = new double[n];
    for (int from = 0; from < x.length; from += BLOCK) {
      int len = Math.min(BLOCK, x.length - from);
      System.arraycopy(x, from, xs, 0, len);
      for (Pass p : passes) {
        p.run(xs, ws, es, rs, len);
      }
      System.arraycopy(es, 0, out, from, len);
    }
  }
}
