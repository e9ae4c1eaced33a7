package dev.adjoint.processor.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * Compares a generated reverse pass with central differences of the <em>original</em> method (never the
 * companion): PyTorch's gradcheck defaults, eps 1e-6, |actual - expected| <= atol 1e-5 + rtol 1e-3 ·
 * |expected|. For array results the check is on the VJP with a random upstream {@code u}: the gradient
 * of {@code u · f(x)}. Where the companion and the central difference disagree, the differences at steps
 * {@code 2·EPS} and {@code EPS/2} decide whether the estimate can be trusted ({@link FiniteDifferences}):
 * if they agree, the check fails; if not, {@link #at} fails saying so and {@link #atRedrawing} checks
 * another point.
 *
 * <p>At every point it also checks that the companion's plain forward pass and the tape's value equal
 * the original's result, that {@code mVjp}, {@code mForward(..).backward(u)} (and {@code mGradient} for
 * scalar results) agree, that a retained tape ({@code backward(u, true)} twice) gives the same gradient
 * twice and keeps its value, that the gradient record has one component per differentiable parameter with
 * its type, and that no argument was mutated.
 */
public final class GradCheck {
  public static final double EPS = 1e-6;
  public static final double ATOL = 1e-5;
  public static final double RTOL = 1e-3;

  private final CompiledCompanion compiled;
  private final Method original;
  private final Class<?> companion;
  private final String name;
  private final Random upstreams = new Random(12345);
  /** The parameters differentiated: every double, double[] and double[][] one that is not {@code @NoGrad}. */
  private final List<Integer> differentiable;
  private int redraws;

  private GradCheck(CompiledCompanion compiled, String owner, String name) {
    this.compiled = compiled;
    this.name = name;
    this.original = CompiledCompanion.method(compiled.load(owner), name);
    String simple = owner.substring(owner.lastIndexOf('.') + 1).replace('$', '_');
    String pkg = owner.contains(".") ? owner.substring(0, owner.lastIndexOf('.') + 1) : "";
    this.companion = compiled.load(pkg + simple + "Grad");
    this.differentiable = differentiable(original, compiled.noGradParameters(original));
  }

  /**
   * The indices of {@code original}'s differentiated parameters: those of type {@code double},
   * {@code double[]} or {@code double[][]} that are not in {@code noGrad} (held fixed, no gradient component,
   * no tangent or direction in the forward modes).
   */
  static List<Integer> differentiable(Method original, java.util.Set<Integer> noGrad) {
    List<Integer> out = new ArrayList<>();
    Class<?>[] types = original.getParameterTypes();
    for (int i = 0; i < types.length; i++) {
      if ((types[i] == double.class || types[i] == double[].class || types[i] == double[][].class)
          && !noGrad.contains(i)) {
        out.add(i);
      }
    }
    return out;
  }

  /** A checker for {@code owner.name} (binary name of the source class) of a successful compilation. */
  public static GradCheck of(CompiledCompanion compiled, String owner, String name) {
    return new GradCheck(compiled, owner, name);
  }

  /** Compiles {@code demo.F} from {@code source} and checks its method {@code name}. */
  public static GradCheck of(String source, String name) {
    return of(CompiledCompanion.compile("demo.F", source), "demo.F", name);
  }

  /**
   * Checks at {@code count} points drawn by {@code points} from a fixed-seed generator; a point where the
   * central differences are unreliable is replaced by another drawn by {@code points}
   * ({@link #atRedrawing}).
   */
  public GradCheck atRandomPoints(int count, Function<Random, Object[]> points) {
    Random random = new Random(20240601L);
    for (int i = 0; i < count; i++) {
      atRedrawing(points.apply(random), points);
    }
    return this;
  }

  /**
   * Checks at one point; the arguments are not modified (a copy is passed). Central differences that are
   * unreliable at this point ({@link FiniteDifferences}) fail the check: a fixed point must be a good one.
   */
  public GradCheck at(Object... args) {
    FiniteDifferences.atFixedPoint(() -> check(args));
    return this;
  }

  /**
   * Checks at {@code args}; where the central differences are unreliable (near a branch switch, or where
   * the step is too coarse for the curvature), at points drawn by {@code redraw} instead, deterministically,
   * {@link FiniteDifferences#MAX_POINTS} points in all (failing if none is reliable). Each generator's
   * summary prints {@link #redraws()}.
   */
  public GradCheck atRedrawing(Object[] args, Function<Random, Object[]> redraw) {
    redraws += FiniteDifferences.atReliablePoint(args, redraw, this::check, Arrays::deepToString);
    return this;
  }

  /** Points this checker redrew because the central differences were unreliable at them. */
  public int redraws() {
    return redraws;
  }

  private void check(Object[] args) {
    Object[] before = deepCopy(args);
    Object expectedValue = CompiledCompanion.invoke(original, null, deepCopy(args));
    String where = name + " at " + Arrays.deepToString(args);

    Object[] callArgs = deepCopy(args);
    Object plain = CompiledCompanion.invoke(CompiledCompanion.method(companion, name), null, callArgs);
    assertDeepEquals(expectedValue, plain, "companion forward pass of " + where);

    boolean scalar = expectedValue instanceof Double;
    Object upstream = scalar ? (Object) 1.0 : randomLike(expectedValue);
    Object[] vjpArgs = append(callArgs, upstream);
    Object vjp = CompiledCompanion.invoke(CompiledCompanion.method(companion, name + "Vjp"), null, vjpArgs);
    Object tape = CompiledCompanion.invoke(CompiledCompanion.method(companion, name + "Forward"), null, callArgs);
    assertDeepEquals(expectedValue, CompiledCompanion.call(tape, "value"), "tape value of " + where);
    Object viaTape = CompiledCompanion.call(tape, "backward", upstream);
    if (scalar) {
      Object gradient = CompiledCompanion.invoke(CompiledCompanion.method(companion, name + "Gradient"), null,
          callArgs);
      assertDeepEquals(components(vjp), components(gradient), "mGradient vs mVjp(1.0) of " + where);
    }
    assertSameSums(components(vjp), components(viaTape), "mForward().backward(u) vs mVjp of " + where);
    // A retained graph gives the same gradient again, and its value does not change.
    Object retained = CompiledCompanion.invoke(CompiledCompanion.method(companion, name + "Forward"), null, callArgs);
    Object first = CompiledCompanion.call(retained, "backward", upstream, true);
    assertDeepEquals(expectedValue, CompiledCompanion.call(retained, "value"),
        "tape value after backward(u, true) of " + where);
    Object second = CompiledCompanion.call(retained, "backward", upstream, true);
    assertSameSums(components(vjp), components(first), "backward(u, true) vs mVjp of " + where);
    assertSameSums(components(vjp), components(second), "second backward(u, true) vs mVjp of " + where);
    assertDeepEquals(expectedValue, CompiledCompanion.call(retained, "value"),
        "tape value after two backward(u, true) of " + where);
    assertTrue(Arrays.deepEquals(before, callArgs), "arguments mutated by the companion: " + where
        + " became " + Arrays.deepToString(callArgs));

    Class<?>[] types = original.getParameterTypes();
    RecordComponent[] rc = vjp.getClass().getRecordComponents();
    assertEquals(differentiable.size(), rc.length, "one gradient component per differentiable parameter of "
        + where + ": " + Arrays.toString(rc));
    List<Object> actual = new ArrayList<>(components(vjp).values());
    for (int k = 0; k < differentiable.size(); k++) {
      int p = differentiable.get(k);
      assertEquals(types[p], rc[k].getType(), "type of gradient component " + rc[k].getName());
      Object g = actual.get(k);
      FiniteDifferences.check(h -> finiteDifference(args, p, upstream, h), g, where + ", upstream " + deepString(upstream) + ", d/d(parameter " + p
          + " '" + rc[k].getName() + "')");
    }
    // a random scalar upstream scales the gradient linearly
    if (scalar) {
      double u = 0.5 + upstreams.nextDouble() * 2;
      Object scaled = CompiledCompanion.invoke(CompiledCompanion.method(companion, name + "Vjp"), null,
          append(deepCopy(args), u));
      List<Object> s = new ArrayList<>(components(scaled).values());
      for (int k = 0; k < s.size(); k++) {
        compare(scale(actual.get(k), u), s.get(k), where + ", upstream " + u + " (linearity)");
      }
    }
    ModeCheck.alsoCheck(companion, original, name, differentiable, args);
  }

  /** The gradient of {@code upstream · f(args)} w.r.t. parameter {@code p}, by central differences at step {@code h}. */
  private Object finiteDifference(Object[] args, int p, Object upstream, double h) {
    Object x = args[p];
    if (x instanceof Double d) {
      return (phi(with(args, p, d + h), upstream) - phi(with(args, p, d - h), upstream)) / (2 * h);
    }
    if (x instanceof double[] v) {
      double[] g = new double[v.length];
      for (int i = 0; i < v.length; i++) {
        double[] plus = v.clone();
        plus[i] += h;
        double[] minus = v.clone();
        minus[i] -= h;
        g[i] = (phi(with(args, p, plus), upstream) - phi(with(args, p, minus), upstream)) / (2 * h);
      }
      return g;
    }
    double[][] m = (double[][]) x;
    double[][] g = new double[m.length][];
    for (int i = 0; i < m.length; i++) {
      g[i] = new double[m[i].length];
      for (int j = 0; j < m[i].length; j++) {
        double[][] plus = (double[][]) deepCopyValue(m);
        plus[i][j] += h;
        double[][] minus = (double[][]) deepCopyValue(m);
        minus[i][j] -= h;
        g[i][j] = (phi(with(args, p, plus), upstream) - phi(with(args, p, minus), upstream)) / (2 * h);
      }
    }
    return g;
  }

  private double phi(Object[] args, Object upstream) {
    return dot(upstream, CompiledCompanion.invoke(original, null, args));
  }

  private static double dot(Object u, Object y) {
    if (y instanceof Double d) {
      return (Double) u * d;
    }
    if (y instanceof double[] v) {
      double s = 0;
      for (int i = 0; i < v.length; i++) {
        s += ((double[]) u)[i] * v[i];
      }
      return s;
    }
    double[][] m = (double[][]) y;
    double s = 0;
    for (int i = 0; i < m.length; i++) {
      s += dot(((double[][]) u)[i], m[i]);
    }
    return s;
  }

  private Object randomLike(Object y) {
    if (y instanceof double[] v) {
      double[] u = new double[v.length];
      for (int i = 0; i < u.length; i++) {
        u[i] = upstreams.nextGaussian();
      }
      return u;
    }
    double[][] m = (double[][]) y;
    double[][] u = new double[m.length][];
    for (int i = 0; i < m.length; i++) {
      u[i] = (double[]) randomLike(m[i]);
    }
    return u;
  }

  private static Object scale(Object g, double s) {
    if (g instanceof Double d) {
      return d * s;
    }
    if (g instanceof double[] v) {
      return Arrays.stream(v).map(e -> e * s).toArray();
    }
    double[][] m = (double[][]) g;
    double[][] out = new double[m.length][];
    for (int i = 0; i < m.length; i++) {
      out[i] = (double[]) scale(m[i], s);
    }
    return out;
  }

  /** gradcheck's closeness: |actual - expected| <= atol + rtol * |expected|, shapes equal. */
  public static void compare(Object expected, Object actual, String what) {
    if (expected instanceof Double e) {
      assertTrue(actual instanceof Double, what + ": expected a double, got " + deepString(actual));
      double a = (Double) actual;
      assertTrue(close(e, a), what + ": expected " + e + " (central differences) but the companion gave " + a);
      return;
    }
    if (expected instanceof double[] e) {
      assertTrue(actual instanceof double[], what + ": expected a double[], got " + deepString(actual));
      double[] a = (double[]) actual;
      assertEquals(e.length, a.length, what + ": length");
      for (int i = 0; i < e.length; i++) {
        assertTrue(close(e[i], a[i]), what + "[" + i + "]: expected " + Arrays.toString(e)
            + " (central differences) but the companion gave " + Arrays.toString(a));
      }
      return;
    }
    double[][] e = (double[][]) expected;
    assertTrue(actual instanceof double[][], what + ": expected a double[][], got " + deepString(actual));
    double[][] a = (double[][]) actual;
    assertEquals(e.length, a.length, what + ": rows");
    for (int i = 0; i < e.length; i++) {
      compare(e[i], a[i], what + "[" + i + "]");
    }
  }

  public static boolean close(double expected, double actual) {
    return Math.abs(actual - expected) <= ATOL + RTOL * Math.abs(expected);
  }

  private static Map<String, Object> components(Object record) {
    return CompiledCompanion.components(record);
  }

  /**
   * Gradients of two members that may add the same terms in another order ({@code mVjp} with a fused loop,
   * differentiate.FusedLoops, against the tape's separate sweeps): equal to within rounding, {@code 1e-11}
   * relative to the larger magnitude or 1.
   */
  private static void assertSameSums(Object expected, Object actual, String what) {
    if (expected instanceof Double e && actual instanceof Double a) {
      assertTrue(Math.abs(e - a) <= 1e-11 * Math.max(1, Math.max(Math.abs(e), Math.abs(a))),
          what + ": expected " + e + " got " + a);
    } else if (expected instanceof double[] e && actual instanceof double[] a) {
      assertEquals(e.length, a.length, what);
      for (int i = 0; i < e.length; i++) {
        assertSameSums(e[i], a[i], what + " [" + i + "]");
      }
    } else if (expected instanceof double[][] e && actual instanceof double[][] a) {
      assertEquals(e.length, a.length, what);
      for (int i = 0; i < e.length; i++) {
        assertSameSums(e[i], a[i], what + " [" + i + "]");
      }
    } else if (expected instanceof Map<?, ?> e && actual instanceof Map<?, ?> a) {
      assertEquals(e.keySet(), a.keySet(), what);
      for (Object k : e.keySet()) {
        assertSameSums(e.get(k), a.get(k), what + " component " + k);
      }
    } else {
      assertDeepEquals(expected, actual, what);
    }
  }

  private static void assertDeepEquals(Object expected, Object actual, String what) {
    if (expected instanceof double[] e) {
      assertArrayEquals(e, (double[]) actual, what);
    } else if (expected instanceof double[][] e) {
      assertTrue(Arrays.deepEquals(e, (double[][]) actual), what + ": expected " + deepString(e) + " got "
          + deepString(actual));
    } else if (expected instanceof Map<?, ?> e) {
      assertEquals(e.keySet(), ((Map<?, ?>) actual).keySet(), what);
      for (Object k : e.keySet()) {
        assertDeepEquals(e.get(k), ((Map<?, ?>) actual).get(k), what + " component " + k);
      }
    } else {
      assertEquals(expected, actual, what);
    }
  }

  public static String deepString(Object o) {
    return Arrays.deepToString(new Object[] {o});
  }

  private static Object[] with(Object[] args, int p, Object value) {
    Object[] out = deepCopy(args);
    out[p] = value;
    return out;
  }

  private static Object[] append(Object[] args, Object last) {
    Object[] out = Arrays.copyOf(args, args.length + 1);
    out[args.length] = last;
    return out;
  }

  public static Object[] deepCopy(Object[] args) {
    Object[] out = new Object[args.length];
    for (int i = 0; i < args.length; i++) {
      out[i] = deepCopyValue(args[i]);
    }
    return out;
  }

  public static Object deepCopyValue(Object v) {
    if (v instanceof double[] d) {
      return d.clone();
    }
    if (v instanceof int[] d) {
      return d.clone();
    }
    if (v instanceof double[][] m) {
      double[][] out = new double[m.length][];
      for (int i = 0; i < m.length; i++) {
        out[i] = m[i] == null ? null : m[i].clone();
      }
      return out;
    }
    return v;
  }

  // ---- argument helpers for point generators

  public static double uniform(Random r, double lo, double hi) {
    return lo + (hi - lo) * r.nextDouble();
  }

  public static double[] vector(Random r, int n, double lo, double hi) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = uniform(r, lo, hi);
    }
    return v;
  }

  public static double[][] matrix(Random r, int m, int n, double lo, double hi) {
    double[][] out = new double[m][];
    for (int i = 0; i < m; i++) {
      out[i] = vector(r, n, lo, hi);
    }
    return out;
  }
}
