package dev.adjoint;

/**
 * The element-wise loops behind {@link Tensor}'s arithmetic and functions, on row-major {@code double[]}
 * storage and without autograd: broadcasting binary operations, unary maps and the in-place updates.
 */
final class PointwiseKernels {
  private PointwiseKernels() {}

  /** Operation codes of {@link #binary}: comparisons giving 1 or 0, and {@code Math.pow}. */
  static final int GT = 0;
  static final int LT = 1;
  static final int GE = 2;
  static final int LE = 3;
  static final int EQ = 4;
  static final int POW = 5;

  /**
   * {@code x op y} element-wise over the broadcast shape {@code s} of {@code xs} and {@code ys}, for {@code op}
   * one of {@link #GT}, {@link #LT}, {@link #GE}, {@link #LE}, {@link #EQ} (1 where the comparison holds, else 0;
   * NaN compares false) and {@link #POW}: operands are expanded to {@code s} unless they already have its size,
   * then one plain loop per operation, with no call per element.
   */
  static double[] binary(double[] x, int[] xs, double[] y, int[] ys, int[] s, int op) {
    int n = Shapes.numel(s);
    double[] a = x.length == n ? x : ShapeKernels.expand(x, xs, s);
    double[] b = y.length == n ? y : ShapeKernels.expand(y, ys, s);
    double[] r = new double[n];
    switch (op) {
      case GT: for (int i = 0; i < n; i++) { r[i] = a[i] > b[i] ? 1 : 0; } break;
      case LT: for (int i = 0; i < n; i++) { r[i] = a[i] < b[i] ? 1 : 0; } break;
      case GE: for (int i = 0; i < n; i++) { r[i] = a[i] >= b[i] ? 1 : 0; } break;
      case LE: for (int i = 0; i < n; i++) { r[i] = a[i] <= b[i] ? 1 : 0; } break;
      case EQ: for (int i = 0; i < n; i++) { r[i] = a[i] == b[i] ? 1 : 0; } break;
      case POW: for (int i = 0; i < n; i++) { r[i] = Math.pow(a[i], b[i]); } break;
      default: throw new IllegalArgumentException("unknown binary operation " + op);
    }
    return r;
  }

  /** Operation codes of {@link #arith}: the four arithmetic operations, each with its own loop. */
  static final int ADD = 0;
  static final int SUB = 1;
  static final int MUL = 2;
  static final int DIV = 3;

  /**
   * {@code x op y} element-wise over the broadcast shape {@code s}, for {@code op} one of {@link #ADD},
   * {@link #SUB}, {@link #MUL}, {@link #DIV}: one plain loop per operation and layout, with no call per element
   * (a {@code DoubleBinaryOperator} shared by many call sites is megamorphic and not inlined by the JIT). A
   * right operand broadcast along leading dimensions only (a bias row) is walked row by row without an index
   * array.
   */
  static double[] arith(double[] x, int[] xs, double[] y, int[] ys, int[] s, int op) {
    int n = Shapes.numel(s);
    double[] r = new double[n];
    if (x.length == n && y.length == n) {
      loop(op, x, 0, 1, y, 0, 1, r, 0, n);
    } else if (x.length == n && y.length == 1) {
      loop(op, x, 0, 1, y, 0, 0, r, 0, n);
    } else if (x.length == 1 && y.length == n) {
      loop(op, x, 0, 0, y, 0, 1, r, 0, n);
    } else if (x.length == n && y.length > 0 && isTrailing(ys, s)) {
      int w = y.length;
      for (int at = 0; at < n; at += w) {
        loop(op, x, at, 1, y, 0, 1, r, at, w);
      }
    } else if (y.length == n && x.length > 0 && isTrailing(xs, s)) {
      int w = x.length;
      for (int at = 0; at < n; at += w) {
        loop(op, x, 0, 1, y, at, 1, r, at, w);
      }
    } else {
      int[] ia = Shapes.broadcastIndex(xs, s);
      int[] ib = Shapes.broadcastIndex(ys, s);
      for (int i = 0; i < n; i++) {
        double a = x[ia[i]];
        double b = y[ib[i]];
        r[i] = op == ADD ? a + b : op == SUB ? a - b : op == MUL ? a * b : a / b;
      }
    }
    return r;
  }

  /** Whether {@code small} equals the last dimensions of {@code s} once its leading 1s are dropped. */
  private static boolean isTrailing(int[] small, int[] s) {
    int lead = 0;
    while (lead < small.length && small[lead] == 1) {
      lead++;
    }
    int len = small.length - lead;
    if (len > s.length) {
      return false;
    }
    for (int d = 0; d < len; d++) {
      if (small[lead + d] != s[s.length - len + d]) {
        return false;
      }
    }
    return true;
  }

  /** {@code r[ro + i] = x[xo + i·xs] op y[yo + i·ys]} for {@code i < len}; strides are 0 or 1. */
  private static void loop(int op, double[] x, int xo, int xs, double[] y, int yo, int ys, double[] r, int ro,
      int len) {
    if (xs == 1 && ys == 1) {
      switch (op) {
        case ADD: for (int i = 0; i < len; i++) { r[ro + i] = x[xo + i] + y[yo + i]; } break;
        case SUB: for (int i = 0; i < len; i++) { r[ro + i] = x[xo + i] - y[yo + i]; } break;
        case MUL: for (int i = 0; i < len; i++) { r[ro + i] = x[xo + i] * y[yo + i]; } break;
        default: for (int i = 0; i < len; i++) { r[ro + i] = x[xo + i] / y[yo + i]; } break;
      }
    } else if (xs == 1) {
      double c = y[yo];
      affine(op, x, xo, c, false, r, ro, len);
    } else {
      double c = x[xo];
      affine(op, y, yo, c, true, r, ro, len);
    }
  }

  /** {@code r = v op c}, or {@code c op v} when {@code constantFirst}. */
  private static void affine(int op, double[] v, int vo, double c, boolean constantFirst, double[] r, int ro,
      int len) {
    switch (op) {
      case ADD: for (int i = 0; i < len; i++) { r[ro + i] = constantFirst ? c + v[vo + i] : v[vo + i] + c; } break;
      case MUL: for (int i = 0; i < len; i++) { r[ro + i] = constantFirst ? c * v[vo + i] : v[vo + i] * c; } break;
      case SUB:
        if (constantFirst) {
          for (int i = 0; i < len; i++) { r[ro + i] = c - v[vo + i]; }
        } else {
          for (int i = 0; i < len; i++) { r[ro + i] = v[vo + i] - c; }
        }
        break;
      default:
        if (constantFirst) {
          for (int i = 0; i < len; i++) { r[ro + i] = c / v[vo + i]; }
        } else {
          for (int i = 0; i < len; i++) { r[ro + i] = v[vo + i] / c; }
        }
        break;
    }
  }

  /** {@code x op c} element-wise with a scalar {@code c}, into a fresh array. */
  static double[] arithScalar(double[] x, double c, int op) {
    double[] r = new double[x.length];
    affine(op, x, 0, c, false, r, 0, x.length);
    return r;
  }

  /** {@code -x} element-wise. */
  static double[] neg(double[] x) {
    double[] r = new double[x.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = -x[i];
    }
    return r;
  }

  /** {@code x²} element-wise. */
  static double[] square(double[] x) {
    double[] r = new double[x.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = x[i] * x[i];
    }
    return r;
  }

  /** {@code x * x * x} element-wise, as PyTorch's {@code pow(x, 3)} computes it (not {@code Math.pow}). */
  static double[] cube(double[] x) {
    double[] r = new double[x.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = x[i] * x[i] * x[i];
    }
    return r;
  }

  /** Operation codes of {@link #unary}: one loop each, the same {@code Math} function as the named method. */
  static final int EXP = 0;
  static final int LOG = 1;
  static final int SQRT = 2;
  static final int TANH = 3;
  static final int SIGMOID = 4;
  static final int RELU = 5;
  static final int ABS = 6;
  static final int SIN = 7;
  static final int COS = 8;
  static final int LOG1P = 9;
  static final int EXPM1 = 10;
  static final int FLOOR = 11;

  /**
   * {@code f(x)} element-wise for the function with code {@code op}, into a fresh array: a plain loop per
   * function, with no {@code DoubleUnaryOperator} per element (one call site that sees every function is not
   * inlined by the JIT).
   */
  static double[] unary(double[] x, int op) {
    double[] r = new double[x.length];
    int n = r.length;
    switch (op) {
      case EXP: for (int i = 0; i < n; i++) { r[i] = Math.exp(x[i]); } break;
      case LOG: for (int i = 0; i < n; i++) { r[i] = Math.log(x[i]); } break;
      case SQRT: for (int i = 0; i < n; i++) { r[i] = Math.sqrt(x[i]); } break;
      case TANH: tanh(x, r); break;
      case SIGMOID: for (int i = 0; i < n; i++) { r[i] = sigmoid(x[i]); } break;
      case RELU: for (int i = 0; i < n; i++) { r[i] = x[i] > 0 ? x[i] : 0.0; } break;
      case ABS: for (int i = 0; i < n; i++) { r[i] = Math.abs(x[i]); } break;
      case SIN: for (int i = 0; i < n; i++) { r[i] = Math.sin(x[i]); } break;
      case COS: for (int i = 0; i < n; i++) { r[i] = Math.cos(x[i]); } break;
      case LOG1P: for (int i = 0; i < n; i++) { r[i] = Math.log1p(x[i]); } break;
      case EXPM1: for (int i = 0; i < n; i++) { r[i] = Math.expm1(x[i]); } break;
      case FLOOR: for (int i = 0; i < n; i++) { r[i] = Math.floor(x[i]); } break;
      default: throw new IllegalArgumentException("unknown unary operation " + op);
    }
    return r;
  }

  private static final long ONE_BITS = Double.doubleToRawLongBits(1.0);

  /**
   * The logistic function, without overflow for large {@code |v|}: {@code 1/(1+e)} for {@code v >= 0} and
   * {@code e/(1+e)} below, with {@code e = exp(-|v|)}. One {@code exp} per element and no branch on the sign:
   * the numerator is chosen by the sign bit of {@code v} with integer masks (a conditional expression on
   * doubles compiles to a jump, which random signs mispredict half the time). Bitwise the two-branch form: the
   * sign bit and {@code v >= 0} disagree only at {@code -0.0} and NaN, where both numerators give the same
   * result ({@code e = 1}; NaN).
   */
  static double sigmoid(double v) {
    double e = Math.exp(-Math.abs(v));
    long negative = Double.doubleToRawLongBits(v) >> 63; // all ones when the sign bit is set
    double numerator = Double.longBitsToDouble((ONE_BITS & ~negative) | (Double.doubleToRawLongBits(e) & negative));
    return numerator / (1 + e);
  }

  private static final double TANH_P0 = -9.64399179425052238628E-1;
  private static final double TANH_P1 = -9.92877231001918586564E1;
  private static final double TANH_P2 = -1.61468768441708447952E3;
  private static final double TANH_Q0 = 1.12811678491632931402E2;
  private static final double TANH_Q1 = 2.23548839060100448583E3;
  private static final double TANH_Q2 = 4.84406305325125486048E3;

  /**
   * The hyperbolic tangent as Cephes' {@code tanh} computes it: {@code x + x³·P(x²)/Q(x²)} for {@code |x| <
   * 0.625}, {@code ±(1 − 2/(e^{2|x|} + 1))} above (through the JIT's {@code Math.exp} intrinsic), {@code ±1}
   * beyond 22. Within 2 ulp of {@code Math.tanh} (checked over 10^6 normal samples in PointwiseKernelsTest)
   * and about 2.5× faster: {@code Math.tanh} is fdlibm's, without an intrinsic.
   */
  static double tanh(double x) {
    double a = Math.abs(x);
    if (a < 0.625) {
      if (a < 1e-9) {
        return x; // tanh x = x − x³/3 + ...: x to the last bit, and −0.0 kept
      }
      double z = x * x;
      return x + x * z * (((TANH_P0 * z + TANH_P1) * z + TANH_P2) / (((z + TANH_Q0) * z + TANH_Q1) * z + TANH_Q2));
    }
    if (!(a <= 22)) {
      return a > 22 ? Math.copySign(1.0, x) : x; // NaN stays NaN
    }
    return Math.copySign(1 - 2 / (Math.exp(2 * a) + 1), x);
  }

  /** Elements per block of {@link #tanh(double[], double[])}: its index list stays in the L1 cache. */
  private static final int TANH_BLOCK = 2048;

  /**
   * {@link #tanh(double)} over an array, bitwise the same, without a data-dependent branch per element (the
   * scalar function's branch on {@code |x| < 0.625} is mispredicted about half the time on inputs of both sizes,
   * such as normal samples). Block by block, a first pass computes the rational form for every element (plain
   * arithmetic, which the JIT vectorizes); a second lists, by integer arithmetic on sign bits rather than a
   * branch, the elements for which the scalar function would not use it ({@code |x| >= 0.625}, below {@code
   * 1e-9}, NaN); a third computes only those again, the scalar function's other way.
   */
  static void tanh(double[] x, double[] r) {
    int[] listed = new int[Math.min(TANH_BLOCK, x.length)];
    for (int from = 0; from < x.length; from += TANH_BLOCK) {
      int to = Math.min(x.length, from + TANH_BLOCK);
      for (int i = from; i < to; i++) {
        double v = x[i];
        double z = v * v;
        r[i] = v + v * z * (((TANH_P0 * z + TANH_P1) * z + TANH_P2) / (((z + TANH_Q0) * z + TANH_Q1) * z + TANH_Q2));
      }
      int count = 0;
      for (int i = from; i < to; i++) {
        double a = Math.abs(x[i]);
        // 1 when a < 0.625, resp. a < 1e-9 (the sign bit of the difference); a NaN is listed either way
        long belowHalf = Double.doubleToRawLongBits(a - 0.625) >>> 63;
        long tiny = Double.doubleToRawLongBits(a - 1e-9) >>> 63;
        listed[count] = i;
        count += (int) (1 - belowHalf + tiny);
      }
      for (int c = 0; c < count; c++) {
        int i = listed[c];
        double v = x[i];
        double a = Math.abs(v);
        // tanh(double)'s other cases: x itself below 1e-9; 1 − 2/(e^{2|x|} + 1) rounds to ±1 beyond 22 and is
        // NaN for NaN, so it serves above 0.625 without the scalar function's branch on 22
        r[i] = a < 1e-9 ? v : Math.copySign(1 - 2 / (Math.exp(2 * a) + 1), v);
      }
    }
  }

  /** {@code g·(1 − y²)}, tanh's adjoint from its output {@code y}: bitwise {@code g.mul(y.mul(y).neg().add(1))}. */
  static double[] tanhBackward(double[] g, double[] y) {
    double[] r = new double[y.length];
    if (g.length == 1 && y.length != 1) {
      double c = g[0];
      for (int i = 0; i < r.length; i++) {
        r[i] = c * (1 - y[i] * y[i]);
      }
      return r;
    }
    for (int i = 0; i < r.length; i++) {
      r[i] = g[i] * (1 - y[i] * y[i]);
    }
    return r;
  }

  /** {@code g·(y·(1 − y))}, the sigmoid's adjoint from its output {@code y}: bitwise the unfused chain. */
  static double[] sigmoidBackward(double[] g, double[] y) {
    double[] r = new double[y.length];
    if (g.length == 1 && y.length != 1) {
      double c = g[0];
      for (int i = 0; i < r.length; i++) {
        r[i] = c * (y[i] * (1 - y[i]));
      }
      return r;
    }
    for (int i = 0; i < r.length; i++) {
      r[i] = g[i] * (y[i] * (1 - y[i]));
    }
    return r;
  }

  /** {@code x^p} element-wise ({@code Math.pow}), into a fresh array. */
  static double[] pow(double[] x, double p) {
    double[] r = new double[x.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.pow(x[i], p);
    }
    return r;
  }

  /** {@code x} clamped to {@code [min, max]} element-wise, NaN kept. */
  static double[] clamp(double[] x, double min, double max) {
    double[] r = new double[x.length];
    for (int i = 0; i < r.length; i++) {
      double v = x[i];
      r[i] = Double.isNaN(v) ? v : Math.min(Math.max(v, min), max);
    }
    return r;
  }

  /** {@code d *= factor} in place. */
  static void scale(double[] d, double factor) {
    for (int i = 0; i < d.length; i++) {
      d[i] *= factor;
    }
  }

  /** {@code d += o} in place (equal lengths). */
  static void addInto(double[] d, double[] o) {
    for (int i = 0; i < d.length; i++) {
      d[i] += o[i];
    }
  }

  /** A copy of {@code x} with the entries where {@code mask} is true set to zero. */
  static double[] maskZero(double[] x, boolean[] mask) {
    double[] r = x.clone();
    for (int i = 0; i < r.length; i++) {
      if (mask[i]) {
        r[i] = 0;
      }
    }
    return r;
  }

  /** {@code sign(x)} with {@code sign(0) = 0} and {@code sign(NaN) = NaN}. */
  static double[] sign(double[] x) {
    double[] sign = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      sign[i] = x[i] > 0 ? 1 : x[i] < 0 ? -1 : x[i] == 0 ? 0 : Double.NaN;
    }
    return sign;
  }
}
