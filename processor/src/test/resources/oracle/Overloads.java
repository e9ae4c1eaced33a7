package oracle;

import static java.lang.Math.*;
import static oracle.Helpers.twice;
import static dev.adjoint.Tensor.zeros;

import dev.adjoint.Differentiable;
import dev.adjoint.Tensor;

/** Tricky overloads for the javac oracle: javac and the reader must pick the same method and type. */
final class Overloads extends Base {
  static final int N = 3;
  static final long BIG = 1L << 40;
  static final double D = 2.5;
  static final double NEG = -0.0;

  static double g(int n) {
    return 10 * n;
  }

  @Differentiable
  static double g(double x) {
    return x * x * 0.54;
  }

  static int h(int n) {
    return n + 1;
  }

  static long h(long n) {
    return n + 2;
  }

  static double h(double n) {
    return n + 3;
  }

  static long k(long n) {
    return n;
  }

  static double k(double n) {
    return n;
  }

  static int p(long a) {
    return 1;
  }

  static int p(Integer a) {
    return 2;
  }

  static int r(int a, long b) {
    return 1;
  }

  static int r(long a, long b) {
    return 2;
  }

  static int w(int... a) {
    return a.length;
  }

  static int w(long a) {
    return 1;
  }

  static double twice(double x) {
    return 2 * x;
  }

  @Differentiable
  static double calls(double x, int n, long m, boolean c) {
    double a = x * g(3) + g(x) + g('a') + g(3L) + g(n) + g(m) + g(N);
    double b = h(3) + h(3L) + h(n) + h(m) + h('c') + h(N) + h(BIG) + h(n + m) + h(n * 2);
    double d = k(3) + k(n) + k(m) + k('z') + p(n) + p(3) + r(1, 2) + r(n, n) + r(m, n) + w(3) + w(n);
    double e = twice(3) + twice(n) + inherited(3) + inherited(m) + Helpers.twice(n) + Helpers.twice(m)
        + Helpers.twice('x') + Helpers.twice(N);
    return a + b + d + e;
  }

  @Differentiable
  static double math(double x, int n, long m, boolean c) {
    double a = Math.round(n) + Math.round(m) + Math.round(x) + Math.round('a') + round(n) + round(x);
    double b = Math.abs(n) + Math.abs(m) + Math.abs(x) + abs(n) + abs('a') + Math.abs(-n);
    double d = Math.max(n, m) + Math.max(n, x) + Math.max(m, x) + Math.min(3, 'a') + max(n, n) + min(m, 2);
    double e = Math.floorDiv(m, n) + Math.floorDiv(n, n) + Math.floorMod(m, m) + Math.signum(x) + Math.sqrt(n)
        + Math.pow(n, 2) + Math.pow(x, n) + Math.hypot(n, m) + sin(n) + exp(x) + Math.atan2(n, x)
        + StrictMath.sqrt(x) + StrictMath.abs(n);
    return a + b + d + e;
  }

  @Differentiable
  static double promotion(double x, int n, long m, boolean c) {
    double a = n * x + m * n + n / 2 + m % n + (c ? n : m) + (c ? 1 : 2.0) + (c ? 'a' : 'b') + (c ? 'a' : 1)
        + (c ? 1 : 'b') + (c ? 'a' : n) + (c ? 'a' : N) + (c ? N : 'a') + (c ? 'a' : -1) + 'a' + 1 + ('a' + 'b') + (n << m) + (m >> n) + (n >>> 1) + (n & m)
        + (n ^ 3) + -'a' + +n + (-m) + N * D + BIG / N + NEG + D;
    int i = n;
    i += x;
    i -= m;
    i *= 2;
    i <<= m;
    long j = m;
    j /= 3.5;
    j |= n;
    double s = x;
    s += n;
    s *= 'a';
    s %= 3;
    i++;
    --j;
    boolean q = n < m && x >= n || c == (n != 'a') ^ c;
    return a + i + j + s + (q ? 1 : 0) + (double) n + (int) x + (long) x + (int) 'a' + (char) 'b';
  }

  @Differentiable
  static double shadowing(double x, double[] v, int n) {
    double N = x;
    double g = x * 2;
    double Helpers = x + 1;
    double h = N * g + Helpers + g(3) + h(n) + v.length + v[n];
    for (double e : v) {
      h += e * N;
    }
    for (int k = 0; k < n; k++) {
      double D = k;
      h += D;
    }
    return h + D + Overloads.N + Overloads.g(N) + Overloads.h(n);
  }

  @Differentiable
  static double locals(double x, int n, long m, boolean c) {
    var a = n * 2L;
    var b = c ? 1 : 2.5;
    var d = Math.round(n);
    var e = Math.round(m);
    var f = h(n) + h(m) + x;
    var k = 'a';
    var q = c ? 'a' : 'b';
    int i = 'b';
    long j = 'c';
    double y = 'd';
    return a + b + d + e + f + i + j + y + h(i) + h(j) + h(y) + k(i) + k(j);
  }

  static final class Inner {
    static double g(double y) {
      return y;
    }

    @Differentiable
    static double nested(double x, int n) {
      return x * g(3) + h(n) + Overloads.g(3) + twice(n) + inherited(n);
    }
  }
}

class Base {
  static double inherited(double x) {
    return x;
  }

  static int inherited(int n) {
    return n;
  }

  static long inherited(long n) {
    return n;
  }
}

final class Helpers {
  static double twice(double x) {
    return 2 * x;
  }

  static int twice(int n) {
    return 2 * n;
  }

  static long twice(long n) {
    return 2 * n;
  }
}

final class Imports {
  @Differentiable
  static double imported(double x, int n, long m) {
    return x * twice(3) + twice(n) + twice(m) + twice('q') + max(x, n) + abs(m) + floorMod(m, n);
  }
}

final class Tensors {
  @Differentiable
  static Tensor t(Tensor a, int n) {
    return a.add(zeros(2, 3)).sum().mul(Math.max(n, 2.0)).add(a.numel());
  }
}
