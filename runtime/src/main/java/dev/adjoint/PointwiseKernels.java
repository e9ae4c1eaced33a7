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
  static boolean isTrailing(int[] small, int[] s) {
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

  /**
   * Operation codes of {@link #unary}: one loop each, the same {@code Math} function as the named method, except
   * {@code exp}, {@code tanh} and {@code sigmoid}, which are {@link VectorExp}'s vectorized forms.
   */
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
      case EXP: VectorExp.exp(x, r); break;
      case LOG: for (int i = 0; i < n; i++) { r[i] = Math.log(x[i]); } break;
      case SQRT: for (int i = 0; i < n; i++) { r[i] = Math.sqrt(x[i]); } break;
      case TANH: VectorExp.tanh(x, r); break;
      case SIGMOID: VectorExp.sigmoid(x, r); break;
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

  /*
   * The backward kernels below add {@code z} to every gradient element they write: {@code -0.0}, which changes no
   * value, or {@code +0.0} when they write into a leaf's zeroed gradient buffer (LeafGrads), which gives bitwise what
   * adding the gradient to those zeros would ({@code -0.0} becomes {@code +0.0}).
   */

  /**
   * {@code g·(1 − y²) + z} into {@code r} (returned), tanh's adjoint from its output {@code y}: bitwise {@code
   * g.mul(y.mul(y).neg().add(1))} for {@code z = -0.0}. {@code r} may be {@code g} itself (each element is read
   * before it is written).
   */
  static double[] tanhBackward(double[] g, double[] y, double[] r, double z) {
    if (g.length == 1 && y.length != 1) {
      double c = g[0];
      for (int i = 0; i < r.length; i++) {
        r[i] = c * (1 - y[i] * y[i]) + z;
      }
      return r;
    }
    for (int i = 0; i < r.length; i++) {
      r[i] = g[i] * (1 - y[i] * y[i]) + z;
    }
    return r;
  }

  /**
   * {@code g·(y·(1 − y)) + z} into {@code r} (returned), the sigmoid's adjoint from its output {@code y}: bitwise the
   * unfused chain for {@code z = -0.0}. {@code r} may be {@code g} itself.
   */
  static double[] sigmoidBackward(double[] g, double[] y, double[] r, double z) {
    if (g.length == 1 && y.length != 1) {
      double c = g[0];
      for (int i = 0; i < r.length; i++) {
        r[i] = c * (y[i] * (1 - y[i])) + z;
      }
      return r;
    }
    for (int i = 0; i < r.length; i++) {
      r[i] = g[i] * (y[i] * (1 - y[i])) + z;
    }
    return r;
  }

  /**
   * The adjoints of {@code a·b} in one pass: {@code ga = g·b + za}, {@code gb = g·a + zb} (equal lengths; {@code g}
   * of that length or one value), bitwise the two products computed apart for {@code -0.0} terms; either array may be
   * null (not wanted). {@code ga} or {@code gb} may be {@code g} itself (each {@code g[i]} is read before element
   * {@code i} is written).
   */
  static void mulBackward(double[] g, double[] a, double[] b, double[] ga, double[] gb, double za, double zb) {
    if (ga == null) {
      mulOrDivInto(g, a, gb, MUL, zb);
      return;
    }
    if (gb == null) {
      mulOrDivInto(g, b, ga, MUL, za);
      return;
    }
    if (g.length == 1 && a.length != 1) {
      double c = g[0];
      for (int i = 0; i < a.length; i++) {
        ga[i] = c * b[i] + za;
        gb[i] = c * a[i] + zb;
      }
      return;
    }
    for (int i = 0; i < a.length; i++) {
      double gi = g[i];
      ga[i] = gi * b[i] + za;
      gb[i] = gi * a[i] + zb;
    }
  }

  /**
   * {@code r[i] = g[i]·s[i] + z} ({@code op} {@link #MUL}) or {@code g[i]/s[i] + z} ({@link #DIV}); {@code g} may be
   * one value for all {@code i}, and {@code r} may be {@code g} itself.
   */
  static void mulOrDivInto(double[] g, double[] s, double[] r, int op, double z) {
    int n = r.length;
    if (g.length == 1 && s.length != 1) {
      double c = g[0];
      if (op == MUL) {
        for (int i = 0; i < n; i++) {
          r[i] = c * s[i] + z;
        }
      } else {
        for (int i = 0; i < n; i++) {
          r[i] = c / s[i] + z;
        }
      }
    } else if (op == MUL) {
      for (int i = 0; i < n; i++) {
        r[i] = g[i] * s[i] + z;
      }
    } else {
      for (int i = 0; i < n; i++) {
        r[i] = g[i] / s[i] + z;
      }
    }
  }

  /**
   * The adjoints of {@code a/d}: {@code ga[i] = g[i]/d[i] + za} and {@code gd[i] = ((−g[i])·a[i])/(d[i]·d[i]) + zd},
   * bitwise {@code g.div(d)} and {@code g.neg().mul(a).div(d.mul(d))} for {@code -0.0} terms, in one pass; either
   * array may be null (not wanted), {@code g} may be one value for all {@code i}, and {@code ga} or {@code gd} may be
   * {@code g} itself.
   */
  static void divBackward(double[] g, double[] a, double[] d, double[] ga, double[] gd, double za, double zd) {
    int n = d.length;
    boolean one = g.length == 1 && n != 1;
    for (int i = 0; i < n; i++) {
      double gi = one ? g[0] : g[i];
      double di = d[i];
      if (ga != null) {
        ga[i] = gi / di + za;
      }
      if (gd != null) {
        gd[i] = -gi * a[i] / (di * di) + zd;
      }
    }
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
