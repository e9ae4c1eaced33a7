package dev.adjoint.processor.semantics;

import static dev.adjoint.processor.testing.CompiledCompanion.call;
import static dev.adjoint.processor.testing.CompiledCompanion.components;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.CompiledCompanion;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PyTorch's backward() conventions (design.md section 2) on generated companions: retained and freed
 * graphs, upstream shapes, zero gradients, copies of inputs, and the shape of the generated API. All
 * expected numbers are worked out by hand here.
 */
class BackwardSemanticsTest {
  static CompiledCompanion c;

  @BeforeAll
  static void compile() {
    c = CompiledCompanion.compile("demo.F", """
        package demo;
        import dev.adjoint.Differentiable;
        public final class F {
          @Differentiable
          public static double[] k(double[] m) {
            double[] k = new double[2];
            k[0] = m[0] * m[0] + 3 * m[1];
            k[1] = m[1] * m[1] + 2 * m[0];
            return k;
          }
          @Differentiable
          public static double sq(double x, double[] v) {
            double[] w = v.clone();
            w[0] = w[0] * x;
            return x * x + w[0] * v[1];
          }
          @Differentiable
          public static double[][] outer(double[] a, double[] b) {
            double[][] out = new double[a.length][b.length];
            for (int i = 0; i < a.length; i++) {
              for (int j = 0; j < b.length; j++) {
                out[i][j] = a[i] * b[j];
              }
            }
            return out;
          }
          @Differentiable
          public static double ignores(double x, double[] v, double[][] m, double y, int n) {
            return x * x * n;
          }
        }
        """);
  }

  static Object st(String name, Object... args) {
    return c.callStatic("demo.FGrad", name, args);
  }

  @Test
  void theDesignDocExampleWithARetainedGraph() {
    Object tape = st("kForward", (Object) new double[] {2, 3});
    assertArrayEquals(new double[] {13, 13}, (double[]) call(tape, "value"));
    Object row0 = call(tape, "backward", new double[] {1, 0}, true);
    assertArrayEquals(new double[] {4, 3}, (double[]) components(row0).get("m"));
    Object row1 = call(tape, "backward", new double[] {0, 1});
    assertArrayEquals(new double[] {2, 6}, (double[]) components(row1).get("m"));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> call(tape, "backward", new double[] {1, 1}));
    assertTrue(e.getMessage().startsWith("Trying to backward through the graph a second time"), e.getMessage());
    assertTrue(e.getMessage().contains("retainGraph=true"), e.getMessage());
  }

  @Test
  void retainedGraphGivesIdenticalResultsEveryTime() {
    Object tape = st("sqForward", 1.5, new double[] {2, -1});
    Object first = components(call(tape, "backward", 1.0, true));
    Object second = components(call(tape, "backward", 1.0, true));
    Object third = components(call(tape, "backward", 1.0, false));
    // d/dx (x^2 + v0 x v1) = 2x + v0 v1 = 3 - 2 = 1; d/dv = [x v1, x v0] = [-1.5, 3]
    assertEquals(1.0, (Double) ((Map<?, ?>) first).get("x"), 1e-12);
    assertArrayEquals(new double[] {-1.5, 3}, (double[]) ((Map<?, ?>) first).get("v"), 1e-12);
    for (Object again : List.of(second, third)) {
      assertEquals(((Map<?, ?>) first).get("x"), ((Map<?, ?>) again).get("x"));
      assertArrayEquals((double[]) ((Map<?, ?>) first).get("v"), (double[]) ((Map<?, ?>) again).get("v"));
    }
    assertThrows(IllegalStateException.class, () -> call(tape, "backward", 1.0, true));
  }

  @Test
  void retainedMatrixGraphWithDifferentUpstreams() {
    Object tape = st("outerForward", new double[] {1, 2}, new double[] {3, 4, 5});
    double[][] u1 = {{1, 0, 0}, {0, 0, 0}};
    double[][] u2 = {{0, 0, 0}, {0, 1, 1}};
    Map<String, Object> g1 = components(call(tape, "backward", u1, true));
    Map<String, Object> g2 = components(call(tape, "backward", u2, true));
    Map<String, Object> g1again = components(call(tape, "backward", u1, true));
    // d(u:a b^T)/da = u b, /db = u^T a
    assertArrayEquals(new double[] {3, 0}, (double[]) g1.get("a"));
    assertArrayEquals(new double[] {1, 0, 0}, (double[]) g1.get("b"));
    assertArrayEquals(new double[] {0, 9}, (double[]) g2.get("a"));
    assertArrayEquals(new double[] {0, 2, 2}, (double[]) g2.get("b"));
    assertArrayEquals((double[]) g1.get("a"), (double[]) g1again.get("a"));
    assertArrayEquals((double[]) g1.get("b"), (double[]) g1again.get("b"));
  }

  @Test
  void freedGraphSecondBackwardThrowsPyTorchsMessage() {
    Object tape = st("sqForward", 1.5, new double[] {2, -1});
    call(tape, "backward");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> call(tape, "backward"));
    assertTrue(e.getMessage().startsWith("Trying to backward through the graph a second time"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> call(tape, "backward", 1.0));
    assertThrows(IllegalStateException.class, () -> call(tape, "backward", 1.0, true));
    Object matrix = st("outerForward", new double[] {1}, new double[] {1});
    call(matrix, "backward", (Object) new double[][] {{1}});
    assertThrows(IllegalStateException.class, () -> call(matrix, "backward", (Object) new double[][] {{1}}));
  }

  @Test
  void wrongUpstreamShapeNamesBothShapes() {
    IllegalArgumentException v = assertThrows(IllegalArgumentException.class,
        () -> st("kVjp", new double[] {2, 3}, new double[] {1, 1, 1}));
    assertTrue(v.getMessage().contains("[3]") && v.getMessage().contains("[2]"), v.getMessage());
    Object tape = st("kForward", (Object) new double[] {2, 3});
    assertThrows(IllegalArgumentException.class, () -> call(tape, "backward", new double[] {1}, true));
    // the tape is still usable after a refused upstream
    assertArrayEquals(new double[] {4, 3}, (double[]) components(call(tape, "backward", new double[] {1, 0}))
        .get("m"));

    IllegalArgumentException m = assertThrows(IllegalArgumentException.class,
        () -> st("outerVjp", new double[] {1, 2}, new double[] {3, 4, 5}, new double[3][2]));
    assertTrue(m.getMessage().contains("[3, 2]") && m.getMessage().contains("[2, 3]"), m.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> st("outerVjp", new double[] {1, 2}, new double[] {3, 4, 5}, new double[][] {{1, 1, 1}, {1, 1}}));
    assertThrows(IllegalArgumentException.class,
        () -> st("kVjp", new double[] {2, 3}, null));
  }

  @Test
  void arrayResultTapesHaveNoImplicitUpstreamAndNoGradientMethod() throws Exception {
    Class<?> grad = c.load("demo.FGrad");
    for (String tape : List.of("demo.FGrad$KTape", "demo.FGrad$OuterTape")) {
      Class<?> t = c.load(tape);
      assertTrue(Arrays.stream(t.getDeclaredMethods())
              .noneMatch(m -> m.getName().equals("backward") && m.getParameterCount() == 0),
          tape + " must have no backward() overload: " + Arrays.toString(t.getDeclaredMethods()));
      assertEquals(2, Arrays.stream(t.getDeclaredMethods())
          .filter(m -> m.getName().equals("backward") && Modifier.isPublic(m.getModifiers())).count());
    }
    assertTrue(Arrays.stream(grad.getDeclaredMethods()).noneMatch(m -> m.getName().equals("kGradient")));
    assertTrue(Arrays.stream(grad.getDeclaredMethods()).noneMatch(m -> m.getName().equals("outerGradient")));
    // scalar results have both
    Class<?> sqTape = c.load("demo.FGrad$SqTape");
    assertNotNull(sqTape.getDeclaredMethod("backward"));
    assertNotNull(sqTape.getDeclaredMethod("backward", double.class));
    assertNotNull(sqTape.getDeclaredMethod("backward", double.class, boolean.class));
    assertNotNull(grad.getDeclaredMethod("sqGradient", double.class, double[].class));
    assertNotNull(grad.getDeclaredMethod("sqVjp", double.class, double[].class, double.class));
    Class<?> kTape = c.load("demo.FGrad$KTape");
    assertNotNull(kTape.getDeclaredMethod("backward", double[].class, boolean.class));
    assertEquals(double[].class, kTape.getDeclaredMethod("value").getReturnType());
  }

  @Test
  void theGeneratedApiIsNamedAndTypedAsTheDesignSays() throws Exception {
    Class<?> grad = c.load("demo.FGrad");
    assertTrue(Modifier.isPublic(grad.getModifiers()) && Modifier.isFinal(grad.getModifiers()));
    assertTrue(c.generatedSource("demo.FGrad").contains("@Generated"));
    Class<?> record = c.load("demo.FGrad$IgnoresGradient");
    assertTrue(record.isRecord());
    RecordComponent[] rc = record.getRecordComponents();
    assertEquals(List.of("x", "v", "m", "y"), Arrays.stream(rc).map(RecordComponent::getName).toList());
    assertEquals(List.of(double.class, double[].class, double[][].class, double.class),
        Arrays.stream(rc).map(RecordComponent::getType).toList());
    Method forward = grad.getDeclaredMethod("ignoresForward", double.class, double[].class, double[][].class,
        double.class, int.class);
    assertEquals("IgnoresTape", forward.getReturnType().getSimpleName());
    assertEquals(record, grad.getDeclaredMethod("ignoresGradient", double.class, double[].class, double[][].class,
        double.class, int.class).getReturnType());
  }

  @Test
  void parametersTheOutputIgnoresGetZeroGradientsNotNull() {
    double[][] m = {{1, 2, 3}, {4, 5}};
    Map<String, Object> g = components(st("ignoresGradient", 3.0, new double[] {1, 2}, m, 7.0, 2));
    assertEquals(12.0, (Double) g.get("x"));
    assertArrayEquals(new double[2], (double[]) g.get("v"));
    double[][] dm = (double[][]) g.get("m");
    assertNotNull(dm);
    assertEquals(2, dm.length);
    assertArrayEquals(new double[3], dm[0]);
    assertArrayEquals(new double[2], dm[1]);
    assertEquals(0.0, (Double) g.get("y"));
  }

  @Test
  void inputsAreNeverMutatedAndGradientsAreFreshArrays() {
    double[] v = {2, -1};
    double[] m = {2, 3};
    Object tape = st("sqForward", 1.5, v);
    Map<String, Object> g1 = components(call(tape, "backward", 1.0, true));
    Map<String, Object> g2 = components(call(tape, "backward", 1.0, true));
    assertNotSame(g1.get("v"), g2.get("v"));
    assertNotSame(v, g1.get("v"));
    ((double[]) g1.get("v"))[0] = 99;
    assertArrayEquals(new double[] {-1.5, 3}, (double[]) g2.get("v"));
    assertArrayEquals(new double[] {2, -1}, v);
    st("kVjp", m, new double[] {1, 1});
    st("k", (Object) m);
    assertArrayEquals(new double[] {2, 3}, m);
    double[] a = {1, 2};
    double[] b = {3, 4, 5};
    st("outerVjp", a, b, new double[][] {{1, 1, 1}, {1, 1, 1}});
    assertArrayEquals(new double[] {1, 2}, a);
    assertArrayEquals(new double[] {3, 4, 5}, b);
  }

  @Test
  void forwardCopiesArrayArguments() {
    double[] v = {2, -1};
    Object tape = st("sqForward", 1.5, v);
    v[0] = 100;
    v[1] = 100;
    assertEquals(1.5 * 1.5 + 2 * 1.5 * -1, (Double) call(tape, "value"), 1e-12);
    Map<String, Object> g = components(call(tape, "backward"));
    assertEquals(1.0, (Double) g.get("x"), 1e-12);
    assertArrayEquals(new double[] {-1.5, 3}, (double[]) g.get("v"), 1e-12);

    double[] a = {1, 2};
    Object outer = st("outerForward", a, new double[] {3});
    a[1] = -50;
    assertEquals(2.0 * 3, ((double[][]) call(outer, "value"))[1][0]);
    assertArrayEquals(new double[] {3, 3}, (double[]) components(call(outer, "backward",
        (Object) new double[][] {{1}, {1}})).get("a"));
  }

  @Test
  void valueOfAnArrayResultIsACopy() {
    Object tape = st("kForward", (Object) new double[] {2, 3});
    double[] v = (double[]) call(tape, "value");
    v[0] = -1;
    assertArrayEquals(new double[] {13, 13}, (double[]) call(tape, "value"));
    assertArrayEquals(new double[] {4, 3}, (double[]) components(call(tape, "backward", new double[] {1, 0}))
        .get("m"));
  }
}
