package dev.adjoint.processor.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.FiniteDifferences;
import dev.adjoint.processor.testing.GradCheck;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * Checks the forward-mode members of a method that takes records or is an instance method against central
 * differences of the ORIGINAL method: {@code mJvp} (value, and the tangent against a directional difference),
 * {@code mJacobian} (every column against a difference along one double slot, every row against {@code mVjp}
 * with a one-hot upstream) and, for {@code double} results, {@code mHvp} (against central differences along the
 * direction of the generated {@code mGradient}, which {@link RecordCheck} checks against the original:
 * differences of differences would be too noisy) and {@code mHessian} likewise ({@link #checkHessian}), whose
 * presence is asserted: exactly with {@code mHvp} and one argument with a gradient, a {@code double[]} or a record.
 * Results are {@code double}, {@code double[]} or records of those (compared slot by slot).
 */
public final class RecordModeCheck {
  /** The central differences' step: {@link GradCheck#EPS}, the step {@link FiniteDifferences} starts from. */
  private static final double H = GradCheck.EPS;

  private RecordModeCheck() {}

  /**
   * Checks {@code companion.nameJvp/Jacobian/Hvp} at {@code args}: {@code gradient[i]} says whether argument
   * {@code i} has a gradient (and so a tangent); {@code f} is the original method.
   */
  public static void check(CompiledCompanion compiled, String companion, String name, Function<Object[], Object> f,
      Object[] args, boolean[] gradient, Random r) {
    check(compiled, companion, name, f, args, gradient, r, true);
  }

  /**
   * As above; {@code hvp} says whether a {@code double} result has {@code mHvp} (its absence is asserted),
   * null to check it only where the companion has it.
   */
  public static void check(CompiledCompanion compiled, String companion, String name, Function<Object[], Object> f,
      Object[] args, boolean[] gradient, Random r, Boolean hvp) {
    String before = Arrays.deepToString(Arrays.stream(args).map(RecordCheck::slots).toArray());
    Object value = f.apply(args);
    // mJvp
    Object[] tangents = new Object[args.length];
    List<Object> jvpArgs = new ArrayList<>(Arrays.asList(args));
    for (int i = 0; i < args.length; i++) {
      if (gradient[i]) {
        double[] t = new double[RecordCheck.doubles(args[i])];
        for (int k = 0; k < t.length; k++) {
          t[k] = GradCheck.uniform(r, -1, 1);
        }
        tangents[i] = RecordCheck.withSlots(args[i], t);
        jvpArgs.add(tangents[i]);
      }
    }
    Object jvp = compiled.callStatic(companion, name + "Jvp", jvpArgs.toArray());
    Map<String, Object> parts = CompiledCompanion.components(jvp);
    assertEquals(Arrays.toString(RecordCheck.slots(value)), Arrays.toString(RecordCheck.slots(parts.get("value"))),
        name + "Jvp: value");
    double[] plus = RecordCheck.slots(f.apply(moved(args, tangents, H)));
    double[] minus = RecordCheck.slots(f.apply(moved(args, tangents, -H)));
    double[] tangent = RecordCheck.slots(parts.get("tangent"));
    assertEquals(plus.length, tangent.length, name + "Jvp: tangent slots");
    for (int k = 0; k < tangent.length; k++) {
      double numeric = (plus[k] - minus[k]) / (2 * H);
      if (!GradCheck.close(numeric, tangent[k])) {
        // fails, or throws FiniteDifferences.Unreliable when the steps 2H, H and H/2 disagree with each other
        int slot = k;
        FiniteDifferences.check(h -> (RecordCheck.slots(f.apply(moved(args, tangents, h)))[slot]
            - RecordCheck.slots(f.apply(moved(args, tangents, -h)))[slot]) / (2 * h), tangent[k],
            name + "Jvp: tangent slot " + k + " (companion vs central differences)");
      }
    }
    // mJacobian: the components' columns side by side are the double slots of the arguments with a gradient
    Object jacobian = compiled.callStatic(companion, name + "Jacobian", args);
    List<double[][]> blocks = new ArrayList<>();
    for (Object m : CompiledCompanion.components(jacobian).values()) {
      blocks.add((double[][]) m);
    }
    int rows = RecordCheck.doubles(value);
    List<double[]> columns = new ArrayList<>();
    for (double[][] block : blocks) {
      assertEquals(rows, block.length, name + "Jacobian: rows");
      int cols = rows == 0 ? 0 : block[0].length;
      for (int c = 0; c < cols; c++) {
        double[] column = new double[rows];
        for (int row = 0; row < rows; row++) {
          column[row] = block[row][c];
        }
        columns.add(column);
      }
    }
    int column = 0;
    for (int i = 0; i < args.length; i++) {
      if (!gradient[i]) {
        continue;
      }
      for (int k = 0; k < RecordCheck.doubles(args[i]); k++, column++) {
        Object[] up = args.clone();
        Object[] down = args.clone();
        up[i] = RecordCheck.shifted(args[i], k, H);
        down[i] = RecordCheck.shifted(args[i], k, -H);
        double[] fu = RecordCheck.slots(f.apply(up));
        double[] fd = RecordCheck.slots(f.apply(down));
        assertTrue(column < columns.size() || rows == 0, name + "Jacobian: too few columns");
        for (int row = 0; row < rows; row++) {
          double numeric = (fu[row] - fd[row]) / (2 * H);
          if (!GradCheck.close(numeric, columns.get(column)[row])) {
            int arg = i;
            int slot = k;
            int entry = row;
            FiniteDifferences.check(h -> {
              Object[] hu = args.clone();
              Object[] hd = args.clone();
              hu[arg] = RecordCheck.shifted(args[arg], slot, h);
              hd[arg] = RecordCheck.shifted(args[arg], slot, -h);
              return (RecordCheck.slots(f.apply(hu))[entry] - RecordCheck.slots(f.apply(hd))[entry]) / (2 * h);
            }, columns.get(column)[row], name + "Jacobian: argument " + i + " slot " + k + " row " + row
                + " (companion vs central differences)");
          }
        }
      }
    }
    if (rows > 0) {
      assertEquals(column, columns.size(), name + "Jacobian: columns");
    }
    // and row by row against mVjp with one-hot upstreams (the reverse-mode Jacobian), whichever mode it chose
    for (int row = 0; row < rows; row++) {
      double[] e = new double[rows];
      e[row] = 1.0;
      Object[] vjpArgs = Arrays.copyOf(args, args.length + 1);
      vjpArgs[args.length] = RecordCheck.withSlots(value, e);
      double[] fromVjp = RecordCheck.slots(compiled.callStatic(companion, name + "Vjp", vjpArgs));
      assertEquals(columns.size(), fromVjp.length, name + "Jacobian: columns against mVjp's slots");
      for (int c = 0; c < fromVjp.length; c++) {
        double fromJacobian = columns.get(c)[row];
        assertTrue(Math.abs(fromVjp[c] - fromJacobian) <= 1e-9 * (1 + Math.abs(fromVjp[c])), name + "Jacobian: row "
            + row + " column " + c + " is " + fromJacobian + " but mVjp with a one-hot upstream gives " + fromVjp[c]);
      }
    }
    boolean hasHvp = Arrays.stream(compiled.load(companion).getDeclaredMethods())
        .anyMatch(m -> m.getName().equals(name + "Hvp"));
    if (hvp != null) {
      assertEquals(hvp && value instanceof Double, hasHvp, name + "Hvp: present");
    }
    if (hasHvp) {
      Object product = compiled.callStatic(companion, name + "Hvp", jvpArgs.toArray());
      double[] up = RecordCheck.slots(compiled.callStatic(companion, name + "Gradient", moved(args, tangents, H)));
      double[] down = RecordCheck.slots(compiled.callStatic(companion, name + "Gradient", moved(args, tangents, -H)));
      double[] analytic = RecordCheck.slots(product);
      assertEquals(up.length, analytic.length, name + "Hvp: slots");
      for (int k = 0; k < analytic.length; k++) {
        double numeric = (up[k] - down[k]) / (2 * H);
        if (!GradCheck.close(numeric, analytic[k])) {
          int slot = k;
          FiniteDifferences.check(h -> (RecordCheck.slots(compiled.callStatic(companion, name + "Gradient",
              moved(args, tangents, h)))[slot] - RecordCheck.slots(compiled.callStatic(companion, name + "Gradient",
              moved(args, tangents, -h)))[slot]) / (2 * h), analytic[k],
              name + "Hvp: slot " + k + " (companion vs central differences of the gradient)");
        }
      }
    }
    // mHessian: with mHvp, when one argument has a gradient and it is a double[] or a record
    int[] withGradient = java.util.stream.IntStream.range(0, args.length).filter(i -> gradient[i]).toArray();
    boolean hessian = hasHvp && withGradient.length == 1 && (args[withGradient[0]] instanceof double[]
        || args[withGradient[0]] != null && args[withGradient[0]].getClass().isRecord());
    assertEquals(hessian, Arrays.stream(compiled.load(companion).getDeclaredMethods())
        .anyMatch(m -> m.getName().equals(name + "Hessian")), name + "Hessian: present");
    if (hessian) {
      checkHessian(compiled, companion, name, args, withGradient[0]);
    }
    assertEquals(before, Arrays.deepToString(Arrays.stream(args).map(RecordCheck::slots).toArray()),
        "the arguments are not changed");
  }

  /**
   * Checks {@code companion.nameVjp(args..., upstream)} of a method with a record result {@code f} for a random
   * upstream record, against central differences of {@code upstream · f(args)}; {@code components} as in
   * {@link RecordCheck#check}.
   */
  public static void checkVjp(CompiledCompanion compiled, String companion, String name, Function<Object[], Object> f,
      Object[] args, String[] components, Random r) {
    Object value = f.apply(args);
    double[] u = new double[RecordCheck.doubles(value)];
    for (int k = 0; k < u.length; k++) {
      u[k] = GradCheck.uniform(r, -1, 1);
    }
    Object upstream = RecordCheck.withSlots(value, u);
    Object[] vjpArgs = Arrays.copyOf(args, args.length + 1);
    vjpArgs[args.length] = upstream;
    Object gradient = compiled.callStatic(companion, name + "Vjp", vjpArgs);
    RecordCheck.checkOrUnreliable(a -> {
      double[] slots = RecordCheck.slots(f.apply(a));
      double s = 0;
      for (int k = 0; k < slots.length; k++) {
        s += u[k] * slots[k];
      }
      return s;
    }, args, components, gradient);
  }

  /**
   * Checks {@code companion.nameHessian(args)}, the Hessian over argument {@code part}'s double slots (depth
   * first, as {@link RecordCheck#slots}): row {@code k} against central differences of the generated
   * {@code mGradient}'s double slots along slot {@code k} of the argument (the gradient itself is checked against
   * the original by {@link RecordCheck}); the arguments are not changed.
   */
  public static void checkHessian(CompiledCompanion compiled, String companion, String name, Object[] args,
      int part) {
    String before = Arrays.deepToString(Arrays.stream(args).map(RecordCheck::slots).toArray());
    double[][] hessian = (double[][]) compiled.callStatic(companion, name + "Hessian", args);
    int n = RecordCheck.doubles(args[part]);
    assertEquals(n, hessian.length, name + "Hessian: rows");
    for (int k = 0; k < n; k++) {
      int slot = k;
      FiniteDifferences.check(h -> {
        Object[] up = args.clone();
        Object[] down = args.clone();
        up[part] = RecordCheck.shifted(args[part], slot, h);
        down[part] = RecordCheck.shifted(args[part], slot, -h);
        double[] gu = RecordCheck.slots(compiled.callStatic(companion, name + "Gradient", up));
        double[] gd = RecordCheck.slots(compiled.callStatic(companion, name + "Gradient", down));
        double[] row = new double[gu.length];
        for (int c = 0; c < row.length; c++) {
          row[c] = (gu[c] - gd[c]) / (2 * h);
        }
        return row;
      }, hessian[k], name + "Hessian row " + k + " (companion vs central differences of the gradient)");
    }
    assertEquals(before, Arrays.deepToString(Arrays.stream(args).map(RecordCheck::slots).toArray()),
        "the arguments are not changed");
  }

  /** The arguments moved by {@code h} times their tangents (arguments without one unchanged). */
  static Object[] moved(Object[] args, Object[] tangents, double h) {
    Object[] out = args.clone();
    for (int i = 0; i < args.length; i++) {
      if (tangents[i] != null) {
        double[] a = RecordCheck.slots(args[i]);
        double[] t = RecordCheck.slots(tangents[i]);
        for (int k = 0; k < a.length; k++) {
          a[k] += h * t[k];
        }
        out[i] = RecordCheck.withSlots(args[i], a);
      }
    }
    return out;
  }
}
