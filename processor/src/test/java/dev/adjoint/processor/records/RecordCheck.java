package dev.adjoint.processor.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Central differences over values that are records: every {@code double} slot of a value (a {@code double},
 * an array element, a record component, recursively) is perturbed in turn, records rebuilt through their
 * canonical constructors. Everything else (int, long, boolean, int[]) is a constant the gradient copies.
 */
public final class RecordCheck {
  private RecordCheck() {}

  /** The number of double slots of {@code v}. */
  public static int doubles(Object v) {
    return slots(v).length;
  }

  /** The double slots of {@code v}, depth first. */
  public static double[] slots(Object v) {
    List<Double> out = new ArrayList<>();
    collect(v, out, new ArrayList<>());
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** The other leaves of {@code v}, depth first, printed. */
  public static List<String> constants(Object v) {
    List<String> out = new ArrayList<>();
    collect(v, new ArrayList<>(), out);
    return out;
  }

  private static void collect(Object v, List<Double> doubles, List<String> others) {
    if (v instanceof Double d) {
      doubles.add(d);
    } else if (v instanceof double[] a) {
      for (double x : a) {
        doubles.add(x);
      }
    } else if (v instanceof double[][] m) {
      for (double[] row : m) {
        collect(row, doubles, others);
      }
    } else if (v != null && v.getClass().isRecord()) {
      for (Object c : CompiledCompanion.components(v).values()) {
        collect(c, doubles, others);
      }
    } else {
      others.add(v instanceof int[] a ? Arrays.toString(a) : String.valueOf(v));
    }
  }

  /** A deep copy of {@code v} with double slot {@code k} moved by {@code h}. */
  public static Object shifted(Object v, int k, double h) {
    return shift(v, new int[] {k}, h);
  }

  private static Object shift(Object v, int[] k, double h) {
    if (v instanceof Double d) {
      return k[0]-- == 0 ? d + h : d;
    }
    if (v instanceof double[] a) {
      double[] c = a.clone();
      for (int i = 0; i < c.length; i++) {
        if (k[0]-- == 0) {
          c[i] += h;
        }
      }
      return c;
    }
    if (v instanceof double[][] m) {
      double[][] c = new double[m.length][];
      for (int i = 0; i < m.length; i++) {
        c[i] = (double[]) shift(m[i], k, h);
      }
      return c;
    }
    if (v != null && v.getClass().isRecord()) {
      Map<String, Object> components = CompiledCompanion.components(v);
      Object[] values = new Object[components.size()];
      int i = 0;
      for (Object c : components.values()) {
        values[i++] = shift(c, k, h);
      }
      return construct(v.getClass(), values);
    }
    return v;
  }

  /** A copy of {@code v} with its double slots, depth first, replaced by {@code values}. */
  public static Object withSlots(Object v, double[] values) {
    return set(v, new int[] {0}, values);
  }

  private static Object set(Object v, int[] k, double[] values) {
    if (v instanceof Double) {
      return values[k[0]++];
    }
    if (v instanceof double[] a) {
      double[] c = new double[a.length];
      for (int i = 0; i < c.length; i++) {
        c[i] = values[k[0]++];
      }
      return c;
    }
    if (v instanceof double[][] m) {
      double[][] c = new double[m.length][];
      for (int i = 0; i < m.length; i++) {
        c[i] = (double[]) set(m[i], k, values);
      }
      return c;
    }
    if (v != null && v.getClass().isRecord()) {
      Map<String, Object> components = CompiledCompanion.components(v);
      Object[] out = new Object[components.size()];
      int i = 0;
      for (Object c : components.values()) {
        out[i++] = set(c, k, values);
      }
      return construct(v.getClass(), out);
    }
    return v;
  }

  public static Object construct(Class<?> record, Object... values) {
    Class<?>[] types = Arrays.stream(record.getRecordComponents()).map(RecordComponent::getType)
        .toArray(Class<?>[]::new);
    try {
      Constructor<?> c = record.getDeclaredConstructor(types);
      c.setAccessible(true);
      return c.newInstance(values);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Checks {@code gradient} (a gradient record) against central differences of {@code f} at {@code args}:
   * {@code names[i]} is the component of argument {@code i}, null for an argument without one. A record
   * component's other leaves must equal the argument's.
   */
  public static void check(Function<Object[], Double> f, Object[] args, String[] names, Object gradient) {
    Map<String, Object> g = CompiledCompanion.components(gradient);
    assertEquals(Arrays.stream(names).filter(n -> n != null).toList(), new ArrayList<>(g.keySet()),
        "gradient components");
    for (int i = 0; i < args.length; i++) {
      if (names[i] == null) {
        continue;
      }
      double[] analytic = slots(g.get(names[i]));
      int n = doubles(args[i]);
      assertEquals(n, analytic.length, names[i] + ": slots");
      for (int k = 0; k < n; k++) {
        Object[] plus = args.clone();
        Object[] minus = args.clone();
        plus[i] = shifted(args[i], k, GradCheck.EPS);
        minus[i] = shifted(args[i], k, -GradCheck.EPS);
        double numeric = (f.apply(plus) - f.apply(minus)) / (2 * GradCheck.EPS);
        assertTrue(GradCheck.close(numeric, analytic[k]),
            names[i] + " slot " + k + ": analytic " + analytic[k] + ", central difference " + numeric);
      }
      assertEquals(constants(args[i]), constants(g.get(names[i])), names[i] + ": copied components");
    }
  }
}
