package dev.adjoint.processor.testing;

import static dev.adjoint.processor.testing.GradCheck.deepCopy;
import static dev.adjoint.processor.testing.GradCheck.deepCopyValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Checks the forward-mode members of one method against the ORIGINAL method (never against other generated
 * code alone): {@code mJvp} against directional central differences and against {@code mVjp}
 * ({@code u·(J v) = (uᵀJ)·v}), {@code mJacobian} against central differences element by element, and
 * {@code mHvp}/{@code mHessian} against central differences of {@code mGradient}. Every {@code double},
 * {@code double[]} and {@code double[][]} parameter that is not {@code @NoGrad} counts as differentiable (as
 * in {@link GradCheck}); a {@code @NoGrad} one is held fixed and has no tangent or direction.
 */
public final class ModeCheck {
  private final Method original;
  private final Class<?> companion;
  private final String name;
  private final Random random = new Random(77L);
  /** The differentiated parameters ({@link GradCheck#differentiable}); a {@code @NoGrad} one gets no tangent. */
  private final List<Integer> differentiable;

  private ModeCheck(Class<?> companion, Method original, String name, List<Integer> differentiable) {
    this.name = name;
    this.original = original;
    this.companion = companion;
    this.differentiable = differentiable;
  }

  public static ModeCheck of(CompiledCompanion compiled, String owner, String name) {
    String simple = owner.substring(owner.lastIndexOf('.') + 1).replace('$', '_');
    String pkg = owner.contains(".") ? owner.substring(0, owner.lastIndexOf('.') + 1) : "";
    Method original = CompiledCompanion.method(compiled.load(owner), name);
    return new ModeCheck(compiled.load(pkg + simple + "Grad"), original, name,
        GradCheck.differentiable(original, compiled.noGradParameters(original)));
  }

  /**
   * The hook {@link GradCheck#at} calls: every method gradient-checked there also has its forward-mode
   * members checked, when the companion has them (methods with a Tensor parameter or result do not).
   */
  static void alsoCheck(Class<?> companion, Method original, String name, List<Integer> differentiable,
      Object[] args) {
    ModeCheck check = new ModeCheck(companion, original, name, differentiable);
    if (check.has("Jvp")) {
      check.checkAt(args); // unreliable central differences propagate: GradCheck may redraw the point
    }
  }

  /** Fails unless every {@code mJvp} of {@code owner}'s companion is a tangent sweep (not the reverse-mode fallback). */
  public static void requireTangentSweep(CompiledCompanion compiled, String owner) {
    String source = compiled.generatedSource(owner + "Grad");
    assertTrue(source.contains("Jvp(") && !source.contains("computed by reverse mode"),
        "mJvp should be a tangent sweep:\n" + source);
  }

  /**
   * Checks one caller of helpers or callees of {@code owner}: it has {@code mHvp} exactly when {@code hvp} (the
   * companion's Javadoc says why where it has none); its {@code mJvp} is a tangent sweep, not the reverse-mode
   * fallback through {@code Vjp} (a callee with tensors inside runs its own fallback); every forward-mode member
   * matches central differences at 3 points and the gradient at 2, drawn by {@code points}.
   */
  public static void checkCaller(CompiledCompanion compiled, String owner, String name,
      Function<Random, Object[]> points, boolean hvp) {
    String generated = compiled.generatedSource(owner + "Grad");
    ModeCheck check = of(compiled, owner, name);
    assertEquals(hvp, check.has("Hvp"), name + " mHvp:\n" + generated);
    if (!hvp) {
      assertTrue(generated.contains("No {@code " + name + "Hvp}"), name + ": no reason given");
    }
    int start = generated.indexOf(" " + name + "Jvp(");
    String jvp = generated.substring(start, generated.indexOf("\n  }\n", start));
    assertFalse(jvp.contains("Vjp("), name + ": " + jvp);
    check.atRandomPoints(3, points);
    GradCheck.of(compiled, owner, name).atRandomPoints(2, points);
  }

  /**
   * Checks at {@code count} points drawn by {@code points} from a fixed-seed generator, redrawing a point
   * where the central differences are unreliable ({@link FiniteDifferences#atReliablePoint}).
   */
  public ModeCheck atRandomPoints(int count, Function<Random, Object[]> points) {
    Random r = new Random(20240601L);
    for (int i = 0; i < count; i++) {
      FiniteDifferences.atReliablePoint(points.apply(r), points, this::checkAt, Arrays::deepToString);
    }
    return this;
  }

  /**
   * Asserts which forward-mode members {@code owner.name}'s companion has, against the cases documented in
   * docs/diagnostics.md "Forward-mode members that are not generated", for a method with no Tensor or record:
   * {@code mJvp} (a tangent sweep) and {@code mJacobian} always. {@code mHvp}: none for a result that is not
   * a {@code double}; otherwise, with {@code noHvpBecause} null, there must be one; with {@code certain}, there
   * must be none; else there may be none. Where there is none, the companion's Javadoc must say so with the
   * phrase {@code noHvpBecause} (which names the documented case). {@code mHessian} exactly when there is an
   * {@code mHvp} and one differentiable parameter, a {@code double[]}. A member missing for another reason
   * fails: absence is never skipped silently.
   */
  public static void requireMembers(CompiledCompanion compiled, String owner, String name, String noHvpBecause,
      boolean certain) {
    ModeCheck check = of(compiled, owner, name);
    String source = compiled.generatedSource(owner + "Grad");
    assertTrue(check.has("Jvp") && check.has("Jacobian"), name + ": no mJvp or mJacobian:\n" + source);
    requireTangentSweep(compiled, owner);
    if (check.original.getReturnType() != double.class) {
      assertFalse(check.has("Hvp"), name + " returns no double but has an mHvp:\n" + source);
    } else if (noHvpBecause == null) {
      assertTrue(check.has("Hvp"), name + " should have an mHvp:\n" + source);
    } else {
      assertTrue(!certain || !check.has("Hvp"), name + " should have no mHvp (" + noHvpBecause + "):\n" + source);
      String says = "No {@code " + name + "Hvp}";
      int at = source.indexOf(says);
      assertTrue(check.has("Hvp") || at >= 0 && source.substring(at, Math.min(source.length(), at + 1500))
          .replaceAll("\\s*\\n\\s*\\*?\\s*", " ").contains(noHvpBecause),
          "the companion should say why there is no " + name + "Hvp (" + noHvpBecause + "):\n" + source);
    }
    boolean hessian = check.has("Hvp") && check.differentiable.size() == 1
        && check.original.getParameterTypes()[check.differentiable.get(0)] == double[].class;
    assertEquals(hessian, check.has("Hessian"), name + "Hessian");
  }

  /** Whether the companion has member {@code suffix} for this method. */
  public boolean has(String suffix) {
    return Arrays.stream(companion.getDeclaredMethods()).anyMatch(m -> m.getName().equals(name + suffix));
  }

  private List<Integer> differentiable() {
    return differentiable;
  }

  /**
   * Checks mJvp and mJacobian (and mHvp, mHessian when generated) at one point; unreliable central
   * differences there fail the check.
   */
  public ModeCheck at(Object... args) {
    FiniteDifferences.atFixedPoint(() -> checkAt(args));
    return this;
  }

  private void checkAt(Object[] args) {
    jvp(args);
    jacobian(args);
    if (has("Hvp")) {
      hvp(args);
    }
    if (has("Hessian")) {
      hessian(args);
    }
  }

  private Object[] tangents(Object[] args) {
    List<Integer> d = differentiable();
    Object[] v = new Object[d.size()];
    for (int k = 0; k < d.size(); k++) {
      v[k] = randomLike(args[d.get(k)]);
    }
    return v;
  }

  /** {@code mJvp}: value equal to the original's, tangent against central differences along v and against mVjp. */
  public void jvp(Object[] args) {
    Object[] v = tangents(args);
    Object[] before = deepCopy(args);
    Object[] vBefore = deepCopy(v);
    Object[] callArgs = deepCopy(args);
    Object[] tangentArgs = deepCopy(v);
    Object result = CompiledCompanion.invoke(CompiledCompanion.method(companion, name + "Jvp"), null,
        concat(callArgs, tangentArgs));
    String where = name + "Jvp at " + Arrays.deepToString(args) + " along " + Arrays.deepToString(v);
    Object value = CompiledCompanion.components(result).get("value");
    Object tangent = CompiledCompanion.components(result).get("tangent");
    Object expectedValue = CompiledCompanion.invoke(original, null, deepCopy(args));
    assertTrue(Arrays.deepEquals(new Object[] {expectedValue}, new Object[] {value}),
        "value of " + where + ": " + GradCheck.deepString(value) + " vs " + GradCheck.deepString(expectedValue));
    assertTrue(Arrays.deepEquals(before, callArgs) && Arrays.deepEquals(vBefore, tangentArgs),
        "arguments or tangents mutated by " + where);
    FiniteDifferences.check(h -> combine(CompiledCompanion.invoke(original, null, shifted(args, v, h)), 1 / (2 * h),
        CompiledCompanion.invoke(original, null, shifted(args, v, -h)), -1 / (2 * h)), tangent, "tangent of " + where);
    // u · (J v) = (uᵀ J) · v with a random upstream u
    Object u = randomLike(value);
    Object vjp = CompiledCompanion.invoke(CompiledCompanion.method(companion, name + "Vjp"), null,
        concat(deepCopy(args), new Object[] {u}));
    List<Object> gradient = new ArrayList<>(CompiledCompanion.components(vjp).values());
    double reverse = 0;
    for (int k = 0; k < v.length; k++) {
      reverse += dot(gradient.get(k), v[k]);
    }
    double forward = dot(u, tangent);
    assertTrue(Math.abs(forward - reverse) <= 1e-9 * (1 + Math.abs(reverse)),
        "u·(Jv) = " + forward + " but (uᵀJ)·v = " + reverse + " for " + where);
  }

  /** {@code mJacobian}: every element against central differences of the original. */
  public void jacobian(Object[] args) {
    Object result = CompiledCompanion.invoke(CompiledCompanion.method(companion, name + "Jacobian"), null,
        deepCopy(args));
    List<Object> matrices = new ArrayList<>(CompiledCompanion.components(result).values());
    List<Integer> d = differentiable();
    assertEquals(d.size(), matrices.size(), "one Jacobian per differentiable parameter");
    String where = name + "Jacobian at " + Arrays.deepToString(args);
    for (int k = 0; k < d.size(); k++) {
      int p = d.get(k);
      int parameter = k;
      double[][] actual = (double[][]) matrices.get(k);
      FiniteDifferences.check(h -> jacobianByDifferences(args, d, parameter, h, actual.length), actual,
          where + ", parameter " + p);
    }
    // and row by row against mVjp with one-hot upstreams
    Object value = CompiledCompanion.invoke(original, null, deepCopy(args));
    Method vjp = CompiledCompanion.method(companion, name + "Vjp");
    for (int r = 0; r < count(value); r++) {
      Object upstream = value instanceof Double ? (Object) 1.0 : oneHot(value, r);
      List<Object> row = new ArrayList<>(CompiledCompanion.components(
          CompiledCompanion.invoke(vjp, null, concat(deepCopy(args), new Object[] {upstream}))).values());
      for (int k = 0; k < d.size(); k++) {
        double[] fromVjp = flatten(row.get(k));
        double[] fromJacobian = ((double[][]) matrices.get(k))[r];
        for (int i = 0; i < fromVjp.length; i++) {
          assertTrue(Math.abs(fromVjp[i] - fromJacobian[i]) <= 1e-9 * (1 + Math.abs(fromVjp[i])),
              where + ": row " + r + " of the Jacobian of parameter " + d.get(k) + " is "
                  + Arrays.toString(fromJacobian) + " but mVjp with a one-hot upstream gives "
                  + Arrays.toString(fromVjp));
        }
      }
    }
  }

  /** The Jacobian of the original w.r.t. differentiable parameter {@code k}, by central differences at step h. */
  private double[][] jacobianByDifferences(Object[] args, List<Integer> d, int k, double h, int rows) {
    int p = d.get(k);
    int n = count(args[p]);
    double[][] expected = null;
    for (int j = 0; j < n; j++) {
      Object[] e = new Object[d.size()];
      for (int q = 0; q < d.size(); q++) {
        e[q] = q == k ? oneHot(args[p], j) : zeroLike(args[d.get(q)]);
      }
      double[] column = flatten(combine(CompiledCompanion.invoke(original, null, shifted(args, e, h)),
          1 / (2 * h), CompiledCompanion.invoke(original, null, shifted(args, e, -h)), -1 / (2 * h)));
      if (expected == null) {
        expected = new double[column.length][n];
      }
      for (int r = 0; r < column.length; r++) {
        expected[r][j] = column[r];
      }
    }
    return expected == null ? new double[rows][0] : expected;
  }

  /** {@code mHvp} against central differences of {@code mGradient} along the directions. */
  public void hvp(Object[] args) {
    Object[] v = tangents(args);
    Object result = CompiledCompanion.invoke(CompiledCompanion.method(companion, name + "Hvp"), null,
        concat(deepCopy(args), deepCopy(v)));
    Method gradient = CompiledCompanion.method(companion, name + "Gradient");
    List<Object> actual = new ArrayList<>(CompiledCompanion.components(result).values());
    for (int k = 0; k < actual.size(); k++) {
      int component = k;
      FiniteDifferences.check(h -> combine(gradientComponent(gradient, shifted(args, v, h), component), 1 / (2 * h),
          gradientComponent(gradient, shifted(args, v, -h), component), -1 / (2 * h)), actual.get(k),
          name + "Hvp at " + Arrays.deepToString(args) + " along " + Arrays.deepToString(v) + ", component " + k);
    }
  }

  /** {@code mHessian} row k against central differences of the gradient along e_k. */
  public void hessian(Object[] args) {
    double[][] h = (double[][]) CompiledCompanion.invoke(CompiledCompanion.method(companion, name + "Hessian"), null,
        deepCopy(args));
    int p = differentiable().get(0);
    Method gradient = CompiledCompanion.method(companion, name + "Gradient");
    int n = ((double[]) args[p]).length;
    assertEquals(n, h.length, "Hessian rows");
    for (int k = 0; k < n; k++) {
      Object[] e = {oneHot(args[p], k)};
      FiniteDifferences.check(s -> combine(gradientComponent(gradient, shifted(args, e, s), 0), 1 / (2 * s),
          gradientComponent(gradient, shifted(args, e, -s), 0), -1 / (2 * s)), h[k],
          name + "Hessian row " + k + " at " + Arrays.deepToString(args));
    }
  }

  /** Component {@code k} of {@code gradient}'s record at {@code args}. */
  private static Object gradientComponent(Method gradient, Object[] args, int k) {
    return new ArrayList<>(CompiledCompanion.components(CompiledCompanion.invoke(gradient, null, args)).values()).get(k);
  }

  // ------------------------------------------------------------ values

  private Object[] shifted(Object[] args, Object[] v, double eps) {
    Object[] out = deepCopy(args);
    List<Integer> d = differentiable();
    for (int k = 0; k < d.size(); k++) {
      out[d.get(k)] = combine(args[d.get(k)], 1, v[k], eps);
    }
    return out;
  }

  /** {@code a·x + b·y} elementwise over doubles, vectors and (ragged) matrices. */
  static Object combine(Object x, double a, Object y, double b) {
    if (x instanceof Double d) {
      return a * d + b * (Double) y;
    }
    if (x instanceof double[] xs) {
      double[] ys = (double[]) y;
      double[] out = new double[xs.length];
      for (int i = 0; i < xs.length; i++) {
        out[i] = a * xs[i] + b * ys[i];
      }
      return out;
    }
    if (x instanceof double[][] xm) {
      double[][] ym = (double[][]) y;
      double[][] out = new double[xm.length][];
      for (int i = 0; i < xm.length; i++) {
        out[i] = xm[i] == null ? null : (double[]) combine(xm[i], a, ym[i], b);
      }
      return out;
    }
    fail("not a differentiable value: " + x);
    return null;
  }

  private Object randomLike(Object x) {
    if (x instanceof Double) {
      return random.nextGaussian();
    }
    Object out = deepCopyValue(x);
    if (out instanceof double[] v) {
      for (int i = 0; i < v.length; i++) {
        v[i] = random.nextGaussian();
      }
    } else {
      for (double[] row : (double[][]) out) {
        for (int i = 0; row != null && i < row.length; i++) {
          row[i] = random.nextGaussian();
        }
      }
    }
    return out;
  }

  private static Object zeroLike(Object x) {
    return combine(x, 0, x, 0);
  }

  private static Object oneHot(Object x, int k) {
    Object out = zeroLike(x);
    if (out instanceof Double) {
      return 1.0;
    }
    double[] flat = flatten(out);
    flat[k] = 1.0;
    return unflatten(flat, out);
  }

  static int count(Object x) {
    return flatten(x).length;
  }

  static double[] flatten(Object x) {
    if (x instanceof Double d) {
      return new double[] {d};
    }
    if (x instanceof double[] v) {
      return v.clone();
    }
    return Arrays.stream((double[][]) x).filter(r -> r != null).flatMapToDouble(Arrays::stream).toArray();
  }

  private static Object unflatten(double[] flat, Object like) {
    if (like instanceof double[]) {
      return flat;
    }
    double[][] m = (double[][]) deepCopyValue(like);
    int k = 0;
    for (double[] row : m) {
      for (int i = 0; row != null && i < row.length; i++) {
        row[i] = flat[k++];
      }
    }
    return m;
  }

  private static double dot(Object a, Object b) {
    double[] x = flatten(a);
    double[] y = flatten(b);
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += x[i] * y[i];
    }
    return s;
  }

  private static Object[] concat(Object[] a, Object[] b) {
    Object[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
