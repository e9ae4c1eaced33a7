package dev.adjoint.processor.modes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.processor.testing.CompiledCompanion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit of docs/diagnostics.md "Forward-mode members that are not generated": for one method of every kind
 * the reverse mode accepts (scalars, arrays, matrices, loops, branches, records in and out, instance methods of
 * records and classes, helpers, recursion, nested gradients, {@code @DerivativeOf}, callees in other classes and
 * compiled earlier, tensors), which of {@code mJvp}, {@code mJacobian}, {@code mHvp} and {@code mHessian} the
 * companion has (by reflection), whether {@code mJvp} is a tangent sweep or computed by reverse mode and whether
 * {@code mJacobian} may choose forward mode (from the generated source), and that each absence is the one the
 * table's row for the method says. Every row of the table has a case here, and every case names its row (or
 * none: every member is there), so the table is tested in both directions. The members' values are checked
 * elsewhere ({@code ModeCheck}, {@code RecordModeCheck}).
 */
class ForwardModeMembersAuditTest {
  /**
   * hvparr (#13): whether {@code mHvp} goes through callees whose result is a {@code double[]} or a record (it
   * does: those callers have {@code mHvp} and {@code mHessian} and no row; so does a {@code double[][]} result
   * since hvp2d).
   */
  static final boolean HVP_THROUGH_NON_DOUBLE_RESULTS = true;
  /** hvparr (#13): whether {@code mHvp} goes through mutual recursion (flip as above). */
  static final boolean HVP_THROUGH_MUTUAL_RECURSION = true;

  // The rows of the table, by the start of their first cell.
  static final String TENSOR_SIGNATURE = "a `Tensor` result beside a differentiable `double` or array";
  static final String TENSOR_PARAMETERS = "`Tensor` parameters with a `double`, `double[]` or `double[][]` result";
  static final String TENSOR_EAGER = "a `Tensor` method that reads a tensor into a `double`";
  static final String TENSOR_INSIDE = "tensor code inside";
  static final String METHOD_LIMIT = "a tangent sweep or second-order program over the JVM's 64 KiB method limit";
  static final String NOT_DOUBLE = "a result that is not `double`";
  static final String CALL_WITHOUT_HVP = "a call of a method with a `double[]`, `double[][]` or record result, or"
      + " that takes a record or is an instance method, compiled earlier without the tangent member `m$tan`";
  static final String CUSTOM = "a call of a `@DerivativeOf` method";
  static final String NESTED = "a nested gradient";
  static final String HESSIAN = "not exactly one parameter with a gradient";

  enum Jvp { TANGENT_SWEEP, BY_REVERSE_MODE, DOUBLE_VJP, NONE }

  enum Jacobian { CHOOSES, REVERSE_ONLY, NONE }

  /**
   * One method and its forward-mode members: {@code rows} the table's rows that apply (none: every member is
   * there); {@code says} whether the companion's Javadoc must say why there is no {@code mHvp}.
   */
  record Case(String companion, String method, Jvp jvp, Jacobian jacobian, boolean hvp, boolean hessian,
      boolean says, String... rows) {}

  static final String K = """
      package demo;

      import dev.adjoint.DerivativeOf;
      import dev.adjoint.Differentiable;
      import dev.adjoint.NoGrad;
      import dev.adjoint.Tensor;

      final class K {
        record P(double a, double[] w, int n) {
          @Differentiable
          double energy() {
            double s = a * a;
            for (int i = 0; i < n; i++) {
              s += Math.sin(a * w[i]) * w[i];
            }
            return s;
          }

          @Differentiable
          double withArray(double[] x) { return a * x[0] * w[0] * x[0]; }

          /** A record's instance method calling a static method and a plain helper (mHvp since hvp2d). */
          @Differentiable
          double callsStatic() { return scalar(a, w[0]) * w[1] + helper(w, a); }

          @Differentiable
          double withTensor() {
            Tensor t = Tensor.ones(2, 2).mul(a);
            return t.mul(t).sum().item() * w[0];
          }
        }

        record S(double x, double v) {}

        static final class M {
          final double[] w;
          final double scale;

          M(double[] w, double scale) {
            this.w = w;
            this.scale = scale;
          }

          @Differentiable
          double loss(double[] x) {
            double s = 0;
            for (int i = 0; i < x.length; i++) {
              double r = Math.sin(w[i] * x[i]) * scale - x[0] * x[i];
              s += r * r;
            }
            return s;
          }

          @Differentiable
          double pair(double a, double b) { return a * a * b * scale; }

          /** An object's instance method calling a static method. */
          @Differentiable
          double callsStatic(double[] x) { return scalar(x[0], scale) * x[1] + helper(x, scale); }

          @Differentiable
          double[] predict(double[] x) {
            double[] out = new double[x.length];
            for (int i = 0; i < x.length; i++) {
              out[i] = Math.sin(w[i] * x[i]) * scale;
            }
            return out;
          }
        }

        @Differentiable
        static double scalar(double x, double y) { return Math.sin(x) * y * y; }

        @Differentiable
        static double scalarOne(double x) { return Math.exp(x) * x; }

        @Differentiable
        static double array(double[] x) { return x[0] * x[1] * x[2] + Math.cos(x[1]); }

        @Differentiable
        static double[] arrayResult(double[] x, double s) { return new double[] {x[0] * s, x[1] * x[2]}; }

        @Differentiable
        static double matrix(double[][] m) { return m[0][0] * m[1][1] * m[0][1]; }

        @Differentiable
        static double[][] matrixResult(double[][] m, double s) {
          return new double[][] {{m[0][0] * s}, {m[1][1] * m[0][0]}};
        }

        @Differentiable
        static double loops(double[] x, int n) {
          double s = 0;
          for (int k = 0; k < n; k++) {
            for (int i = 0; i < x.length; i++) {
              s += Math.sin(s + x[i]) * x[i];
            }
          }
          return s;
        }

        @Differentiable
        static double branches(double x, double[] w) {
          if (x > 0) {
            return x * w[0] * w[1];
          }
          return Math.exp(x) * w[1];
        }

        @Differentiable
        static double noGrad(double[] x, @NoGrad double[] y) { return x[0] * x[1] * y[0]; }

        @Differentiable
        static double recordIn(P p) { return p.a() * p.w()[0] * p.w()[1] + Math.sin(p.a()); }

        @Differentiable
        static double recordAndArray(P p, double[] x) { return p.a() * x[0] * x[0]; }

        @Differentiable
        static S recordOut(S s, double dt) { return new S(s.x() + dt * s.v(), s.v() - dt * Math.sin(s.x())); }

        static double helper(double[] x, double s) { return x[0] * x[1] * s; }

        @Differentiable
        static double callsHelper(double[] x) { return helper(x, x[0]) * x[1]; }

        @Differentiable
        static double pw(double x, int n) { return n == 0 ? 1 : x * pw(x, n - 1); }

        @Differentiable
        static double callsRecursion(double[] x) { return pw(x[0], 3) * x[1]; }

        static double even(double x, int n) { return n == 0 ? x : odd(x * 0.9, n - 1); }

        static double odd(double x, int n) { return n == 0 ? Math.sin(x) : even(x + 0.1, n - 1); }

        @Differentiable
        static double callsMutual(double[] x) { return even(x[0], 3) * x[1]; }

        static double[][] matrixResult(double[] x) { return new double[][] {{x[0] * x[1], x[2]}}; }

        @Differentiable
        static double callsMatrixResult(double[] x) {
          double[][] m = matrixResult(x);
          return m[0][0] * m[0][1];
        }

        @Differentiable
        static double callsArrayResult(double[] x) {
          double[] y = arrayResult(x, x[0]);
          return y[0] * y[1];
        }

        @Differentiable
        static double callsRecordResult(double[] x) {
          S s = new S(x[0], x[1]);
          S t = recordOut(s, 0.1);
          return t.x() * t.v();
        }

        @Differentiable
        static double nested(double[] x) {
          double[] g = KGrad.arrayGradient(x).x();
          return g[0] * g[1];
        }

        @Differentiable
        static double custom(double x, double y) { return x * x * x * y; }

        @DerivativeOf("custom")
        static double[] customDerivative(double x, double y, double upstream) {
          return new double[] {upstream * 3 * x * x * y, upstream * x * x * x};
        }

        @Differentiable
        static double callsCustom(double[] x) { return custom(x[0], x[1]) * x[2]; }

        @Differentiable
        static double tensorParameter(Tensor t) { return t.sum().item(); }

        @Differentiable
        static double tensorTwoReads(Tensor t) { return t.sum().item() * t.mean().item(); }

        @Differentiable
        static double[] tensorArray(Tensor t, double s) { return new double[] {t.sum().item() * s, s}; }

        @Differentiable
        static Tensor tensorResult(Tensor a, Tensor b) { return a.matmul(b).tanh().sum(); }

        @Differentiable
        static Tensor tensorOne(Tensor a) { return a.exp().mul(a).sum(); }

        @Differentiable
        static Tensor callsTensor(Tensor a, Tensor b) {
          Tensor c = tensorOne(a);
          return tensorResult(a, b).mul(c);
        }

        @Differentiable
        static Tensor tensorItem(Tensor a) { return a.mul(a.sum().item()); }

        @Differentiable
        static Tensor tensorMixed(Tensor a, double s) { return a.mul(s); }

        @Differentiable
        static double tensorInside(double x, double[] w) {
          Tensor t = Tensor.ones(2, 2).mul(x);
          return t.mul(t).sum().item() * w[0] + w[1];
        }

        @Differentiable
        static double callsRecordTensor(double[] x) {
          P p = new P(x[0], x, 2);
          return p.withTensor() * x[1];
        }

        @Differentiable
        static double callsOther(double[] x) { return L.g(x) * x[0]; }

        @Differentiable
        static double callsOtherRecord(double[] x) {
          L.R r = new L.R(x[0], x);
          return r.energy(x[1]) * x[2];
        }
      }
      """;

  static final String L = """
      package demo;

      import dev.adjoint.Differentiable;

      final class L {
        record R(double a, double[] w) {
          @Differentiable
          double energy(double s) { return a * s * w[0] * w[1] + Math.sin(a * s); }
        }

        @Differentiable
        static double g(double[] x) { return x[0] * Math.exp(x[1]); }
      }
      """;

  /** 100 straight-line statements: the reverse sweep fits in a method, the second-order program does not. */
  static String big() {
    StringBuilder b = new StringBuilder("package demo;\nimport dev.adjoint.Differentiable;\nfinal class Big {\n"
        + "  @Differentiable\n  static double big(double[] x) {\n    double s = x[0];\n");
    for (int i = 0; i < 100; i++) {
      b.append("    s = Math.sin(s * x[").append(i % 3).append("]) * Math.cos(s + x[").append((i + 1) % 3)
          .append("]) + Math.exp(-s * s) * x[").append((i + 2) % 3).append("];\n");
    }
    return b.append("    return s;\n  }\n}\n").toString();
  }

  static final String KG = "demo.KGrad";
  static final String PG = "demo.K_PGrad";
  static final String MG = "demo.K_MGrad";

  static final List<Case> CASES = List.of(
      // static methods of doubles, arrays and matrices, loops, branches, @NoGrad
      new Case(KG, "scalar", Jvp.TANGENT_SWEEP, Jacobian.CHOOSES, true, false, false, HESSIAN),
      new Case(KG, "scalarOne", Jvp.TANGENT_SWEEP, Jacobian.CHOOSES, true, false, false, HESSIAN),
      new Case(KG, "array", Jvp.TANGENT_SWEEP, Jacobian.CHOOSES, true, true, false),
      new Case(KG, "arrayResult", Jvp.TANGENT_SWEEP, Jacobian.CHOOSES, false, false, false, NOT_DOUBLE),
      new Case(KG, "matrix", Jvp.TANGENT_SWEEP, Jacobian.CHOOSES, true, false, false, HESSIAN),
      new Case(KG, "matrixResult", Jvp.TANGENT_SWEEP, Jacobian.CHOOSES, false, false, false, NOT_DOUBLE),
      new Case(KG, "loops", Jvp.TANGENT_SWEEP, Jacobian.CHOOSES, true, true, false),
      new Case(KG, "branches", Jvp.TANGENT_SWEEP, Jacobian.CHOOSES, true, false, false, HESSIAN),
      new Case(KG, "noGrad", Jvp.TANGENT_SWEEP, Jacobian.CHOOSES, true, true, false),
      // records in and out, instance methods of a record and of a class
      new Case(KG, "recordIn", Jvp.TANGENT_SWEEP, Jacobian.CHOOSES, true, true, false),
      new Case(KG, "recordAndArray", Jvp.TANGENT_SWEEP, Jacobian.CHOOSES, true, false, false, HESSIAN),
      new Case(KG, "recordOut", Jvp.TANGENT_SWEEP, Jacobian.CHOOSES, false, false, false, NOT_DOUBLE),
      new Case(PG, "energy", Jvp.TANGENT_SWEEP, Jacobian.CHOOSES, true, true, false),
      new Case(PG, "withArray", Jvp.TANGENT_SWEEP, Jacobian.CHOOSES, true, false, false, HESSIAN),
      new Case(MG, "loss", Jvp.TANGENT_SWEEP, Jacobian.CHOOSES, true, true, false),
      new Case(MG, "pair", Jvp.TANGENT_SWEEP, Jacobian.CHOOSES, true, false, false, HESSIAN),
      new Case(MG, "predict", Jvp.TANGENT_SWEEP, Jacobian.CHOOSES, false, false, false, NOT_DOUBLE),
      // instance methods calling static methods and helpers: through their gradients and mHvp
      new Case(PG, "callsStatic", Jvp.TANGENT_SWEEP, Jacobian.CHOOSES, true, true, false),
      new Case(MG, "callsStatic", Jvp.TANGENT_SWEEP, Jacobian.CHOOSES, true, true, false),
      // calls: a plain helper, direct recursion, callees in another class (a static method, a record's method)
      new Case(KG, "callsHelper", Jvp.TANGENT_SWEEP, Jacobian.CHOOSES, true, true, false),
      new Case(KG, "pw", Jvp.TANGENT_SWEEP, Jacobian.CHOOSES, true, false, false, HESSIAN),
      new Case(KG, "callsRecursion", Jvp.TANGENT_SWEEP, Jacobian.CHOOSES, true, true, false),
      new Case(KG, "callsOther", Jvp.TANGENT_SWEEP, Jacobian.CHOOSES, true, true, false),
      new Case(KG, "callsOtherRecord", Jvp.TANGENT_SWEEP, Jacobian.CHOOSES, true, true, false),
      // calls of array, record and matrix results and mutual recursion: through the callees' m$tan
      new Case(KG, "callsArrayResult", Jvp.TANGENT_SWEEP, Jacobian.CHOOSES, HVP_THROUGH_NON_DOUBLE_RESULTS,
          HVP_THROUGH_NON_DOUBLE_RESULTS, !HVP_THROUGH_NON_DOUBLE_RESULTS,
          HVP_THROUGH_NON_DOUBLE_RESULTS ? new String[0] : new String[] {CALL_WITHOUT_HVP}),
      new Case(KG, "callsRecordResult", Jvp.TANGENT_SWEEP, Jacobian.CHOOSES, HVP_THROUGH_NON_DOUBLE_RESULTS,
          HVP_THROUGH_NON_DOUBLE_RESULTS, !HVP_THROUGH_NON_DOUBLE_RESULTS,
          HVP_THROUGH_NON_DOUBLE_RESULTS ? new String[0] : new String[] {CALL_WITHOUT_HVP}),
      new Case(KG, "callsMatrixResult", Jvp.TANGENT_SWEEP, Jacobian.CHOOSES, true, true, false),
      new Case(KG, "callsMutual", Jvp.TANGENT_SWEEP, Jacobian.CHOOSES, HVP_THROUGH_MUTUAL_RECURSION,
          HVP_THROUGH_MUTUAL_RECURSION, !HVP_THROUGH_MUTUAL_RECURSION,
          HVP_THROUGH_MUTUAL_RECURSION ? new String[0] : new String[] {CALL_WITHOUT_HVP}),
      // custom derivatives, nested gradients
      new Case(KG, "custom", Jvp.TANGENT_SWEEP, Jacobian.CHOOSES, false, false, true, CUSTOM),
      new Case(KG, "callsCustom", Jvp.TANGENT_SWEEP, Jacobian.CHOOSES, false, false, true, CUSTOM),
      new Case(KG, "nested", Jvp.TANGENT_SWEEP, Jacobian.CHOOSES, false, false, true, NESTED),
      // tensors
      new Case(KG, "tensorParameter", Jvp.BY_REVERSE_MODE, Jacobian.REVERSE_ONLY, true, true, false,
          TENSOR_PARAMETERS),
      new Case(KG, "tensorTwoReads", Jvp.BY_REVERSE_MODE, Jacobian.REVERSE_ONLY, false, false, true,
          TENSOR_PARAMETERS),
      new Case(KG, "tensorArray", Jvp.BY_REVERSE_MODE, Jacobian.REVERSE_ONLY, false, false, false,
          TENSOR_PARAMETERS, NOT_DOUBLE),
      new Case(KG, "tensorMixed", Jvp.BY_REVERSE_MODE, Jacobian.REVERSE_ONLY, false, false, true, TENSOR_SIGNATURE),
      new Case(KG, "tensorResult", Jvp.DOUBLE_VJP, Jacobian.REVERSE_ONLY, true, false, false, HESSIAN),
      new Case(KG, "tensorOne", Jvp.DOUBLE_VJP, Jacobian.REVERSE_ONLY, true, true, false),
      new Case(KG, "callsTensor", Jvp.DOUBLE_VJP, Jacobian.REVERSE_ONLY, true, false, false, HESSIAN),
      new Case(KG, "tensorItem", Jvp.BY_REVERSE_MODE, Jacobian.REVERSE_ONLY, false, false, true, TENSOR_EAGER),
      new Case(KG, "tensorInside", Jvp.BY_REVERSE_MODE, Jacobian.REVERSE_ONLY, false, false, true, TENSOR_INSIDE),
      new Case(PG, "withTensor", Jvp.BY_REVERSE_MODE, Jacobian.REVERSE_ONLY, false, false, true, TENSOR_INSIDE),
      new Case(KG, "callsRecordTensor", Jvp.BY_REVERSE_MODE, Jacobian.REVERSE_ONLY, false, false, true,
          TENSOR_INSIDE));

  @Test
  void everyMethodKindHasTheMembersTheTableSays() {
    CompiledCompanion c = CompiledCompanion.compile(List.of(JavaFileObjects.forSourceString("demo.K", K),
        JavaFileObjects.forSourceString("demo.L", L)), List.of());
    for (Case k : CASES) {
      check(c, k);
    }
  }

  @Test
  void aSecondOrderProgramOverTheMethodLimit() {
    CompiledCompanion c = CompiledCompanion.compile("demo.Big", big());
    check(c, new Case("demo.BigGrad", "big", Jvp.TANGENT_SWEEP, Jacobian.CHOOSES, false, false, true, METHOD_LIMIT));
  }

  /**
   * Callees compiled earlier without {@code m$tan} (no method of their compilation called them): a record's
   * instance method and a method with a {@code double[][]} result. The callers have no {@code mHvp}, and their
   * companions say to recompile the callee's class with them.
   */
  @Test
  void aRecordCalleeCompiledEarlierWithoutItsTangentMember(@TempDir Path dir) {
    CompiledCompanion a = CompiledCompanion.compile("lib.A", """
        package lib;
        import dev.adjoint.Differentiable;
        public final class A {
          public record P(double a, double[] w) {
            @Differentiable
            public double energy(double s) { return a * s * w[0] * w[1] + Math.sin(a * s); }
          }

          @Differentiable
          public static double[][] grid(double[] x) { return new double[][] {{x[0] * x[1]}, {Math.sin(x[1])}}; }
        }
        """);
    a.writeClassesTo(dir);
    CompiledCompanion b = CompiledCompanion.compile(List.of(JavaFileObjects.forSourceString("demo.B", """
        package demo;
        import dev.adjoint.Differentiable;
        import lib.A;
        final class B {
          @Differentiable
          static double f(A.P p, double s) {
            return p.energy(s) * s;
          }

          @Differentiable
          static double g(double[] x) {
            double[][] m = A.grid(x);
            return m[0][0] * m[1][0];
          }
        }
        """)), List.of(dir.toFile()));
    CompiledCompanion both = b.withClassesFrom(a);
    check(both, new Case("demo.BGrad", "f", Jvp.TANGENT_SWEEP, Jacobian.CHOOSES, false, false, true,
        CALL_WITHOUT_HVP));
    check(both, new Case("demo.BGrad", "g", Jvp.TANGENT_SWEEP, Jacobian.CHOOSES, false, false, true,
        CALL_WITHOUT_HVP));
    String says = both.generatedSource("demo.BGrad").replaceAll("\\s*\\n\\s*\\*?\\s*", " ");
    for (String method : new String[] {"f", "g"}) {
      int at = says.indexOf("No {@code " + method + "Hvp}");
      // within the reason (the next method's starts about 600 characters on)
      assertTrue(at >= 0 && says.substring(at, Math.min(says.length(), at + 400))
          .contains("recompile the callee's class together with this one"), method + ": " + says);
    }
  }

  /** Every row of the table has a case, and every case's rows are rows of it. */
  @Test
  void theCasesCoverTheTable() throws IOException {
    List<String> rows = rows();
    Set<String> covered = new LinkedHashSet<>();
    List<Case> all = new ArrayList<>(CASES);
    all.add(new Case("", "big", Jvp.NONE, Jacobian.NONE, false, false, false, METHOD_LIMIT));
    all.add(new Case("", "f", Jvp.NONE, Jacobian.NONE, false, false, false, CALL_WITHOUT_HVP));
    for (Case k : all) {
      for (String key : k.rows()) {
        long matches = rows.stream().filter(r -> r.startsWith(key)).count();
        assertEquals(1, matches, k.method() + ": \"" + key + "\" should start exactly one row of " + rows);
        covered.add(key);
      }
    }
    for (String row : rows) {
      assertTrue(covered.stream().anyMatch(row::startsWith), "no case for the row \"" + row + "\"");
    }
  }

  /** The first cells of the table's rows. */
  static List<String> rows() throws IOException {
    Path doc = Path.of("").toAbsolutePath();
    while (!Files.exists(doc.resolve("docs/diagnostics.md"))) {
      doc = doc.getParent();
    }
    List<String> lines = Files.readAllLines(doc.resolve("docs/diagnostics.md"));
    int start = lines.indexOf("## Forward-mode members that are not generated (no error)");
    assertTrue(start >= 0, "the section is missing");
    List<String> rows = new ArrayList<>();
    for (int i = start + 1; i < lines.size() && !lines.get(i).startsWith("## "); i++) {
      String line = lines.get(i);
      if (line.startsWith("| ") && !line.startsWith("| method |")) {
        rows.add(line.substring(2, line.indexOf(" | ")));
      }
    }
    assertTrue(rows.size() >= 8, "rows: " + rows);
    return rows;
  }

  private static void check(CompiledCompanion c, Case k) {
    Class<?> companion = c.load(k.companion());
    String source = c.generatedSource(k.companion());
    String what = k.companion() + "." + k.method() + " (" + String.join("; ", k.rows()) + ")";
    assertEquals(k.jvp() != Jvp.NONE, has(companion, k.method() + "Jvp"), what + ": mJvp");
    assertEquals(k.jacobian() != Jacobian.NONE, has(companion, k.method() + "Jacobian"), what + ": mJacobian");
    assertEquals(k.hvp(), has(companion, k.method() + "Hvp"), what + ": mHvp");
    assertEquals(k.hessian(), has(companion, k.method() + "Hessian"), what + ": mHessian");
    if (k.jvp() != Jvp.NONE) {
      String jvp = member(source, k.method() + "Jvp");
      assertEquals(k.jvp() == Jvp.BY_REVERSE_MODE, jvp.contains("computed by reverse mode"), what + ": " + jvp);
      assertEquals(k.jvp() == Jvp.TANGENT_SWEEP, jvp.contains("// tangent sweep"), what + ": " + jvp);
      assertEquals(k.jvp() == Jvp.DOUBLE_VJP, jvp.contains("forward mode by double vjp"), what + ": " + jvp);
    }
    if (k.jacobian() != Jacobian.NONE) {
      String jacobian = member(source, k.method() + "Jacobian");
      assertEquals(k.jacobian() == Jacobian.CHOOSES, jacobian.contains("fewer inputs than outputs"),
          what + ": " + jacobian);
    }
    if (k.says()) {
      assertTrue(source.contains("No {@code " + k.method() + "Hvp}"), what + ": the companion should say why");
    }
  }

  private static boolean has(Class<?> companion, String name) {
    for (java.lang.reflect.Method m : companion.getDeclaredMethods()) {
      if (m.getName().equals(name)) {
        return true;
      }
    }
    return false;
  }

  /** A member's Javadoc and body in the generated source. */
  private static String member(String source, String name) {
    Matcher m = Pattern.compile("static [\\w.$]+ " + Pattern.quote(name) + "\\(").matcher(source);
    assertTrue(m.find(), name + " not declared:\n" + source);
    int start = source.lastIndexOf("/**", m.start());
    return source.substring(start, source.indexOf("\n  }\n", m.start()));
  }
}
