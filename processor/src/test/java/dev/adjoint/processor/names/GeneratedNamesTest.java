package dev.adjoint.processor.names;

import static dev.adjoint.processor.testing.GradCheck.uniform;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.Generator;
import dev.adjoint.Gradcheck;
import dev.adjoint.Tensor;
import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * User names drawn from Java's and the generated code's vocabulary: the companion compiles (generated
 * code renames a variable that would shadow a name it reaches, and names its own locals with a '$'), the
 * gradient record keeps the source names, and every gradient checks against central differences.
 */
class GeneratedNamesTest {
  /**
   * Package roots (the runtime's, the JDK's, the user's own), java.lang classes, runtime classes, the
   * owner and its companion, the reverse pass's parameters, the companion's own locals, fields and
   * members, and restricted identifiers.
   */
  static Stream<String> vocabulary() {
    return Stream.of("dev", "java", "javax", "jdk", "demo", "Math", "StrictMath", "Double", "Integer", "Long",
        "System", "Object", "String", "Tensor", "DoubleTape", "IntTape", "RefTape", "ArrayAdjoints",
        "TensorAdjoints", "Backward", "Pullback", "Partials", "Generated", "F", "FGrad", "FTape", "FGradient",
        "upstream", "retainGraph", "tape", "gradient", "pullback", "record", "recorded", "freed", "value",
        "backward", "reverse", "input", "state", "node", "snapshot", "var", "yield", "sealed", "permits", "g",
        "gVjp", "fVjp", "fForward", "W", "pick");
  }

  /** For every name {@code N} of {@code names}: N as a differentiable parameter of fK and a block-local of hK. */
  static String source(List<String> names, boolean withPackage) {
    StringBuilder methods = new StringBuilder();
    for (int k = 0; k < names.size(); k++) {
      String n = names.get(k);
      methods.append("""

            @Differentiable
            static double fK(double $N, double[] a, int c) {
              double s = sin($N) * a[0] + g(a, $N) + W[pick(1)];
              double[] b = {s * $N, a[1]};
              b[0] = b[0] * exp(s);
              for (int i = 0; i < 2; i++) {
                s = s + b[i] * cos($N) * c;
              }
              if (s > 100) {
                s = s - $N;
              }
              return s;
            }

            @Differentiable
            static double[] hK(double x, double[] a) {
              double y = Math.sin(x) + g(a, x) * W[1];
              {
                double $N = y * x;
                y = $N * $N + sin($N);
              }
              double[] r = {y, x};
              r[1] = r[1] * y;
              return r;
            }
          """.replace("$N", n).replace("fK", "f" + k).replace("hK", "h" + k)
          .replace("W[pick(1)]", n.equals("W") || n.equals("pick") ? "0.25" : "W[pick(1)]")
          .replace("* W[1]", n.equals("W") ? "* 2.0" : "* W[1]"));
    }
    return (withPackage ? "package demo;\n" : "") + """
        import dev.adjoint.Differentiable;
        import static java.lang.Math.cos;
        import static java.lang.Math.exp;
        import static java.lang.Math.sin;

        final class F {
          static final double[] W = {0.5, -1.5};

          static int pick(int n) {
            return n % 2;
          }

          @Differentiable
          static double g(double[] v, double k) {
            return v[0] * v[1] * k;
          }
        """ + methods + "}\n";
  }

  @Test
  void vocabularyAsParameterAndLocal() {
    List<String> names = vocabulary().filter(n -> !n.equals("F") && !n.equals("FGrad")).toList();
    check(CompiledCompanion.compile("demo.F", source(names, true)), "demo.F", names);
  }

  @Test
  void ownerNamesInTheUnnamedPackage() {
    // There the owner's simple name is the root of the qualified names the companion spells.
    List<String> names = List.of("F", "FGrad", "Math", "dev");
    check(CompiledCompanion.compile("F", source(names, false)), "F", names);
  }

  /** A 2 x 3 standard normal tensor drawn with {@code seed}. */
  private static Tensor randn(long seed) {
    return Tensor.randn(new Generator().manualSeed(seed), 2, 3);
  }

  private static void check(CompiledCompanion c, String owner, List<String> names) {
    for (int k = 0; k < names.size(); k++) {
      GradCheck.of(c, owner, "f" + k).atRandomPoints(2, r -> new Object[] {uniform(r, -1, 1), vector(r, 2, -1, 1),
          1 + r.nextInt(2)});
      GradCheck.of(c, owner, "h" + k).atRandomPoints(2, r -> new Object[] {uniform(r, -1, 1), vector(r, 2, -1, 1)});
      Class<?> record = c.load(owner + "Grad$F" + k + "Gradient");
      assertEquals(List.of(names.get(k), "a"),
          Arrays.stream(record.getRecordComponents()).map(RecordComponent::getName).toList(),
          "gradient components keep the source names");
    }
  }

  /** Tensor methods: the generated graph node's own locals never meet a parameter's name. */
  @Test
  void vocabularyInTensorMethods() {
    List<String> names = vocabulary().toList();
    StringBuilder methods = new StringBuilder();
    for (int k = 0; k < names.size(); k++) {
      methods.append("""

            @Differentiable
            static Tensor tK(Tensor $N, Tensor w, double k) {
              Tensor s = $N.mul(w).sum();
              return s.mul(s).add($N.mul(k).sum());
            }

            @Differentiable
            static Tensor uK(Tensor a, Tensor w) {
              Tensor $N = a.mul(w).tanh();
              return $N.sum().mul(a.sum());
            }
          """.replace("$N", names.get(k)).replace("tK", "t" + k).replace("uK", "u" + k));
    }
    CompiledCompanion c = CompiledCompanion.compile("demo.T", """
        package demo;
        import dev.adjoint.Differentiable;
        import dev.adjoint.Tensor;
        final class T {
        """ + methods + "}\n");
    for (int k = 0; k < names.size(); k++) {
      String t = "t" + k;
      String u = "u" + k;
      Tensor[] inputs = {randn(k).requiresGrad(), randn(k + 100).requiresGrad()};
      assertTrue(Gradcheck.gradcheck(xs -> (Tensor) c.callStatic("demo.TGrad", t, xs[0], xs[1], 0.7), inputs),
          names.get(k));
      assertTrue(Gradcheck.gradcheck(xs -> (Tensor) c.callStatic("demo.TGrad", u, xs[0], xs[1]), inputs),
          names.get(k));
      Class<?> record = c.load("demo.TGrad$T" + k + "Gradient");
      assertEquals(List.of(names.get(k), "w", "k"),
          Arrays.stream(record.getRecordComponents()).map(RecordComponent::getName).toList());
    }
  }

  /** Packages of other classes: a local named like the root of a callee's or a constant's package. */
  @Test
  void rootsOfOtherPackages() {
    CompiledCompanion c = CompiledCompanion.compile(List.of(
        JavaFileObjects.forSourceString("org.util.H", """
            package org.util;
            import dev.adjoint.Differentiable;
            public final class H {
              public static final double[] SCALE = {2.0, 3.0};
              public static int twice(int n) {
                return 2 * n;
              }
              @Differentiable
              public static double sq(double x) {
                return x * x;
              }
            }
            """),
        JavaFileObjects.forSourceString("com.acme.F", """
            package com.acme;
            import dev.adjoint.Differentiable;
            import org.util.H;
            final class F {
              @Differentiable
              static double f(double org, double[] com) {
                double acme = H.sq(org) * H.SCALE[H.twice(0)];
                double util = acme * com[0];
                return util + H.sq(com[1]);
              }
            }
            """)), List.of());
    GradCheck.of(c, "com.acme.F", "f").atRandomPoints(3, r -> new Object[] {uniform(r, -1, 1), vector(r, 2, -1, 1)});
  }

  /**
   * The derivative of {@code owner.name} with respect to its first argument {@code x} by central
   * differences of the original method, against the generated {@code nameGradient}'s component {@code x}.
   */
  private static void checkFirstArgument(CompiledCompanion c, String owner, String name, Object... args) {
    double h = 1e-6;
    Object[] plus = args.clone();
    plus[0] = (double) args[0] + h;
    Object[] minus = args.clone();
    minus[0] = (double) args[0] - h;
    double expected = ((double) c.callStatic(owner, name, plus) - (double) c.callStatic(owner, name, minus)) / (2 * h);
    Object gradient = c.callStatic(owner + "Grad", name + "Gradient", args);
    assertEquals(List.of("x"), List.copyOf(CompiledCompanion.components(gradient).keySet()));
    double actual = (double) CompiledCompanion.components(gradient).get("x");
    assertTrue(GradCheck.close(expected, actual), name + ": " + actual + " vs central difference " + expected);
  }

  /**
   * Types whose names generated code uses: a class of the user's package named like a java.lang class
   * ({@code demo.Math} shadows {@code java.lang.Math} there), and a method whose tape class is named like
   * a runtime class ({@code ref} → {@code RefTape}).
   */
  @Test
  void typesNamedLikeThoseOfGeneratedCode() {
    CompiledCompanion c = CompiledCompanion.compile(List.of(
        JavaFileObjects.forSourceString("demo.Math", "package demo;\npublic final class Math {\n}\n"),
        JavaFileObjects.forSourceString("demo.Double", "package demo;\npublic final class Double {\n}\n"),
        JavaFileObjects.forSourceString("demo.F", """
            package demo;
            import dev.adjoint.Differentiable;
            import static java.lang.Math.cos;
            import static java.lang.Math.sin;
            final class F {
              @Differentiable
              static double f(double x, double y) {
                double s = sin(x) * cos(y);
                return x > 100 ? java.lang.Double.NaN : s * s;
              }

              @Differentiable
              static double ref(double[] x) {
                double[] y = new double[] {x[0] * x[1]};
                for (int i = 0; i < 2; i++) {
                  y = new double[] {sin(y[0]) * x[i] + 1.0};
                }
                return y[0];
              }
            }
            """)), List.of());
    GradCheck.of(c, "demo.F", "f").atRandomPoints(3, r -> new Object[] {uniform(r, -1, 1), uniform(r, -1, 1)});
    GradCheck.of(c, "demo.F", "ref").atRandomPoints(3, r -> new Object[] {vector(r, 2, -1, 1)});
    String companion = c.generatedSource("demo.FGrad");
    assertTrue(companion.contains("java.lang.Math.cos("), "java.lang.Math spelled out:\n" + companion);
    assertTrue(companion.contains("RefTape"), "the case needs a reference tape:\n" + companion);
  }

  /** A package root named like a generated local: the parameter is renamed and still meets no generated name. */
  @Test
  void packageRootNamedLikeAGeneratedLocal() {
    CompiledCompanion c = CompiledCompanion.compile("tape.T", """
        package tape;
        import dev.adjoint.Differentiable;
        import dev.adjoint.Tensor;
        final class T {
          @Differentiable
          static Tensor t(Tensor tape, Tensor pullback, double[] snapshot) {
            return tape.mul(pullback).mul(snapshot[0]).sum();
          }
        }
        """);
    Tensor[] inputs = {randn(1).requiresGrad(), randn(2).requiresGrad()};
    double[] k = {0.7};
    assertTrue(Gradcheck.gradcheck(xs -> (Tensor) c.callStatic("tape.TGrad", "t", xs[0], xs[1], k), inputs));
  }

  /** Names a record component cannot have are fine where they do not become one. */
  @Test
  void objectMethodNamesAsNoGradParametersAndLocals() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", """
        package demo;
        import dev.adjoint.Differentiable;
        import dev.adjoint.NoGrad;
        final class F {
          @Differentiable
          static double f(double x, @NoGrad double wait, @NoGrad double hashCode) {
            double clone = x * wait;
            double toString = clone * hashCode;
            double notify = toString * x, notifyAll = notify + x, finalize = notifyAll * x, getClass = finalize;
            return getClass + clone;
          }
        }
        """);
    checkFirstArgument(c, "demo.F", "f", 0.7, -1.3, 0.4);
    checkFirstArgument(c, "demo.F", "f", -0.2, 0.5, 1.9);
  }

  /** A @NoGrad parameter reassigned from differentiable values carries their derivative onwards. */
  @Test
  void noGradParameterReassignedFromDifferentiableValues() {
    CompiledCompanion c = CompiledCompanion.compile("demo.F", """
        package demo;
        import dev.adjoint.Differentiable;
        import dev.adjoint.NoGrad;
        final class F {
          @Differentiable
          static double f(double x, @NoGrad double k, @NoGrad double[] m) {
            k = k * x + m[0];
            for (int i = 0; i < 2; i++) {
              k = Math.sin(k) * x;
            }
            return k + x;
          }

          @Differentiable
          static double g(double x, @NoGrad double k) {
            k = k * x;
            return k + x;
          }
        }
        """);
    checkFirstArgument(c, "demo.F", "f", 0.7, -1.3, new double[] {0.4});
    checkFirstArgument(c, "demo.F", "f", -1.1, 0.6, new double[] {-0.8});
    // Tensor methods: a @NoGrad Tensor and a @NoGrad double reassigned from the differentiable input.
    CompiledCompanion t = CompiledCompanion.compile("demo.T", """
        package demo;
        import dev.adjoint.Differentiable;
        import dev.adjoint.NoGrad;
        import dev.adjoint.Tensor;
        final class T {
          @Differentiable
          static Tensor t(Tensor x, @NoGrad Tensor k, @NoGrad double c) {
            k = k.mul(x).tanh();
            c = c * x.sum().item();
            return k.mul(x).sum().mul(c);
          }
        }
        """);
    Tensor[] inputs = {randn(3).requiresGrad()};
    Tensor k = randn(4);
    assertTrue(Gradcheck.gradcheck(xs -> (Tensor) t.callStatic("demo.TGrad", "t", xs[0], k, 0.8), inputs));
    // g(x) = k x + x: the derivative k + 1, by hand
    Object gradient = c.callStatic("demo.FGrad", "gGradient", 2.0, 3.0);
    assertEquals(4.0, (double) CompiledCompanion.components(gradient).get("x"), 0.0);
  }
}
