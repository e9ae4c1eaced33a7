package dev.adjoint.processor.property;

import static dev.adjoint.processor.testing.GradCheck.uniform;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.FiniteDifferences;
import dev.adjoint.processor.testing.GeneratorSummary;
import dev.adjoint.processor.testing.GradCheck;
import dev.adjoint.processor.testing.ModeCheck;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Property: every random small program of the supported language, compiled through the processor, passes
 * the gradient check. Programs are straight-line arithmetic over 2-3 doubles with calls of every supported
 * {@code Math} function (every argument a variable expression kept in the function's domain, see
 * {@link MathCalls}), compound assignments, an if on a comparison, a ?:, and a loop with an int bound and
 * an accumulator. Program {@code k} first computes three featured functions,
 * {@code MathCalls.FUNCTIONS[(k + 10 j) % 29]} for j = 0, 1, 2, of a parameter plus an expression, and
 * returns their sum plus the rest, so the default 30 programs feature every function about three times. Each program is checked at 3 points drawn from its own seed, one of them with 0 loop
 * trips. Odd programs first declare 1-3 plain static helpers (no {@code @Differentiable}; generated the same
 * way, calling the helpers before them, some recursive in {@code n}) and call them, sometimes with an argument
 * that does not depend on the inputs: helpers are differentiated automatically, one specialisation per
 * activity pattern. For the forward modes, about a third of the programs make one of f's parameters
 * {@code @NoGrad double} (held fixed; statements may overwrite it with a value that depends on the inputs),
 * about a quarter declare a {@code @Differentiable g0} whose gradient f reads
 * ({@code FGrad.g0Gradient(..).a()}, a nested gradient, differentiated again), and about a quarter a
 * {@code @Differentiable m0} with a {@code double[][]} result that f calls, its elements and rows sometimes
 * written (half of them {@code v0} with a {@code double[]} result instead); f's mHvp goes through both (their
 * {@code m$tan}), so f must have one unless m0 calls a helper without one; those callees sometimes have a
 * {@code @NoGrad double} parameter too. Every method is checked in every mode it has (gradient, mJvp,
 * mJacobian, mHvp; {@link ModeCheck#requireMembers} asserts that a missing mHvp is a documented case).
 * Fixed seeds; {@code -Dadjoint.randomPrograms=N} runs more; a failure prints the program.
 */
class RandomProgramGradientTest {
  static final int PROGRAMS = Integer.getInteger("adjoint.randomPrograms", 30);
  /** The first program's index ({@code -Dadjoint.randomProgramsFrom=K} reruns program K alone). */
  static final int FIRST = Integer.getInteger("adjoint.randomProgramsFrom", 0);
  static final long SEED = 0xAD101L;
  private static final GeneratorSummary SUMMARY = new GeneratorSummary("RandomProgramGradientTest");

  @AfterAll
  static void summary() {
    SUMMARY.print();
  }

  @TestFactory
  Stream<DynamicTest> randomProgramsPassTheGradientCheck() {
    return IntStream.range(FIRST, FIRST + PROGRAMS).mapToObj(k -> {
      long seed = SEED * 31 + k;
      Program p = program(k);
      return DynamicTest.dynamicTest("program " + k + " (seed " + seed + ", " + MathCalls.featured(k, 3) + ")",
          () -> SUMMARY.program("program " + k, () -> check(p, seed)));
    });
  }

  /** Program {@code k} of the run above. */
  static Program program(int k) {
    long seed = SEED * 31 + k;
    // Odd programs also call generated plain helpers (no @Differentiable), differentiated automatically.
    Program generated = new Generator(new Random(seed), MathCalls.featured(k, 3)).withHelpers(k % 2 == 1)
        .withModes(true).program();
    return generated.renamed(Vocabulary.rename(generated.source(), new Random(seed)));
  }

  /** Program {@code k} as drawn before forward modes had their own draws (the points of the test below). */
  static Program plainProgram(int k) {
    long seed = SEED * 31 + k;
    Program generated = new Generator(new Random(seed), MathCalls.featured(k, 3)).withHelpers(k % 2 == 1).program();
    return generated.renamed(Vocabulary.rename(generated.source(), new Random(seed)));
  }

  /**
   * Programs that failed a 10,000-program run because central differences at step 1e-6 were wrong, not the
   * gradient; they must pass, by redrawing the points where the estimates at steps 2e-6, 1e-6 and 5e-7
   * disagree ({@link FiniteDifferences}), and they must need that redraw (otherwise this test no longer
   * covers it). Surefire reported them as tests [3046] and [9320], counting from 1: they are programs
   * 3045 and 9319. Program 3045, at (0.1187..., -0.7390..., 3): the point lies within 1e-6 of the switch of
   * a {@code ?:} in helper {@code h0}, so the difference spans the jump (-499,998 where the companion's
   * derivative, 1.48, is right). Program 9319, at (-0.1025..., 1.3311..., 0.6330..., 0): a derivative of
   * -2.5e6 feeds {@code sin}, whose curvature makes the step-1e-6 difference 0.5% off (the error of a
   * central difference, h² times the third derivative over 6, shrinks fourfold when h halves, so the
   * three estimates disagree).
   */
  @TestFactory
  Stream<DynamicTest> programsWhereCentralDifferencesWereUnreliablePassAtRedrawnPoints() {
    return IntStream.of(3045, 9319).mapToObj(k -> DynamicTest.dynamicTest("program " + k, () -> {
      long before = FiniteDifferences.redraws();
      check(plainProgram(k), SEED * 31 + k);
      assertTrue(FiniteDifferences.redraws() > before,
          "program " + k + " no longer needs a redrawn point: its central differences are reliable now");
    }));
  }

  /**
   * Checks {@code p} at 3 points drawn from {@code seed}; one of them runs the loops 0 times. A point where
   * the central differences are unreliable is redrawn (same trip count, {@link GradCheck#atRedrawing}).
   */
  static void check(Program p, long seed) {
    try {
      CompiledCompanion c = CompiledCompanion.compile("demo.F", p.source);
      // forward mode: GradCheck also checks mJvp, mJacobian and mHvp; here, that every member that should
      // exist does, and that every absence is a documented one
      ModeCheck.requireMembers(c, "demo.F", "f", p.noHvpBecause, p.noHvpCertain);
      GradCheck check = GradCheck.of(c, "demo.F", "f");
      Random r = new Random(~seed);
      int[] trips = MathCalls.tripCounts(r, 3, 4);
      for (int n : trips) {
        Object[] args = new Object[p.doubles + 1];
        for (int i = 0; i < p.doubles; i++) {
          args[i] = uniform(r, -1.5, 1.5);
        }
        args[p.doubles] = n;
        check.atRedrawing(args, again -> {
          Object[] other = args.clone();
          for (int i = 0; i < p.doubles; i++) {
            other[i] = uniform(again, -1.5, 1.5);
          }
          return other;
        });
      }
      // the generated callees (matrix results, methods whose gradients f reads) in every mode they have
      for (Callee callee : p.callees) {
        ModeCheck.requireMembers(c, "demo.F", callee.name(), null, false);
        Function<Random, Object[]> points = again -> {
          Object[] args = new Object[callee.doubles() + 1];
          for (int i = 0; i < callee.doubles(); i++) {
            args[i] = uniform(again, -1.5, 1.5);
          }
          args[callee.doubles()] = again.nextInt(4);
          return args;
        };
        GradCheck.of(c, "demo.F", callee.name()).atRedrawing(points.apply(r), points);
      }
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\nprogram:\n" + p.source, e);
    }
  }

  /**
   * A program: its source, the number of {@code double} parameters of {@code f} (before {@code int n}),
   * why {@code f} may lack an mHvp (null: it must have one; see {@link ModeCheck#requireMembers}), and the
   * other {@code @Differentiable} methods it declares, each checked in every mode too.
   */
  record Program(String source, int doubles, String noHvpBecause, boolean noHvpCertain, List<Callee> callees) {
    Program(String source, int doubles) {
      this(source, doubles, null, false, List.of());
    }

    Program renamed(String renamedSource) {
      return new Program(renamedSource, doubles, noHvpBecause, noHvpCertain, callees);
    }
  }

  /** A generated {@code @Differentiable} callee of {@code doubles} {@code double} parameters and {@code int n}. */
  record Callee(String name, int doubles) {}

  /** The phrase of a companion's Javadoc that says a method has no mHvp because of one of its calls. */
  static final String CALLS_WITHOUT_HVP = "it calls a method without mHvp";

  /** Random programs; every value stays bounded so that central differences stay accurate. */
  static final class Generator {
    final Random r;
    final List<String> scope = new ArrayList<>();
    final StringBuilder body = new StringBuilder();
    final List<String> featured;
    int temps;
    /** Whether the program has plain helpers; their names and the source of their declarations. */
    boolean helpers;
    final List<String> helperNames = new ArrayList<>();
    final StringBuilder helperSources = new StringBuilder();
    /**
     * The locals that hold helper results (and, with modes, callee results), all added to the returned value
     * so that every call matters.
     */
    final List<String> helperResults = new ArrayList<>();
    /** Helpers called so far; helpers without an mHvp (recursive, or calling such a helper). */
    final Set<String> called = new HashSet<>();
    final Set<String> withoutHvp = new HashSet<>();
    /** Whether forward modes get their own draws: @NoGrad parameters, matrix callees, nested gradients. */
    boolean modes;
    /** f's {@code @NoGrad double} parameters (held fixed; statements may overwrite them with active values). */
    final List<String> noGradParams = new ArrayList<>();
    /** f's differentiated parameters. */
    final List<String> activeParams = new ArrayList<>();
    /** The {@code @Differentiable} callees: {@code gK} (f reads their gradients) and {@code mK} (double[][]). */
    final List<Callee> callees = new ArrayList<>();
    /** The callees' {@code @NoGrad} parameter counts, by name. */
    final java.util.Map<String, Integer> calleeNoGrads = new java.util.HashMap<>();
    /** Why f may lack an mHvp (null: it must have one) and whether it must. */
    String noHvpBecause;
    boolean noHvpCertain;

    /** A generator whose three featured functions are drawn from {@code r} too. */
    Generator(Random r) {
      this(r, MathCalls.featured(r.nextInt(MathCalls.FUNCTIONS.size()), 3));
    }

    Generator(Random r, List<String> featured) {
      this.r = r;
      this.featured = featured;
    }

    /**
     * With {@code on}, f sometimes has a {@code @NoGrad double} parameter (which statements may overwrite),
     * and the program sometimes declares a {@code @Differentiable} callee {@code gK} whose gradient f reads
     * ({@code FGrad.gKGradient(..).a()}, a nested gradient) and one {@code mK} with a {@code double[][]}
     * result that f calls; the callees may have a {@code @NoGrad double} parameter too.
     */
    Generator withModes(boolean on) {
      this.modes = on;
      return this;
    }

    /** With {@code on}, the program first declares 1-3 plain helpers and its statements may call them. */
    Generator withHelpers(boolean on) {
      this.helpers = on;
      return this;
    }

    /**
     * Plain helpers: {@code hK(double a, double b, int n)}, straight-line and loop statements over its
     * parameters that may call the helpers declared before it, and sometimes {@code rK(double a, int n)},
     * recursive in {@code n} (depth at most the loop trip count).
     */
    void declareHelpers() {
      int count = 1 + r.nextInt(3);
      for (int k = 0; k < count; k++) {
        if (r.nextInt(3) == 0) {
          String name = "r" + k;
          Generator g = new Generator(r, List.of());
          g.scope.add("a");
          g.helperNames.addAll(helperNames);
          String step = g.expr(2);
          helperSources.append("  static double ").append(name).append("(double a, int n) {\n")
              .append("    if (n <= 0) {\n      return a;\n    }\n")
              .append("    return Math.tanh(").append(name).append("(a * 0.9 + 0.1 * ").append(step)
              .append(", n - 1)) + 0.5 * a;\n  }\n");
          helperNames.add(name);
          withoutHvp.add(name);
          continue;
        }
        String name = "h" + k;
        Generator g = new Generator(r, List.of());
        g.scope.add("a");
        g.scope.add("b");
        g.helperNames.addAll(helperNames);
        g.helpers = true;
        int statements = 1 + r.nextInt(3);
        for (int s = 0; s < statements; s++) {
          g.statement();
        }
        g.line("return " + String.join(" + ", g.helperResults) + (g.helperResults.isEmpty() ? "" : " + ")
            + g.expr(3) + ";");
        helperSources.append("  static double ").append(name).append("(double a, double b, int n) {\n")
            .append(g.body).append("  }\n");
        helperNames.add(name);
        if (g.called.stream().anyMatch(withoutHvp::contains)) {
          withoutHvp.add(name);
        }
      }
    }

    /** A call of a helper declared so far; sometimes with an argument that does not depend on the inputs. */
    String helperCall() {
      String name = helperNames.get(r.nextInt(helperNames.size()));
      called.add(name);
      String first = r.nextInt(4) == 0 ? "0.25 * n" : expr(2);
      return name.startsWith("r") ? name + "(" + first + ", n)"
          : name + "(" + first + ", " + expr(2) + ", n)";
    }

    Program program() {
      if (helpers) {
        declareHelpers();
      }
      int doubles = 2 + r.nextInt(2);
      int noGrad = modes && r.nextInt(3) == 0 ? doubles - 1 : doubles;
      StringBuilder params = new StringBuilder();
      for (int i = 0; i < doubles; i++) {
        scope.add("x" + i);
        (i == noGrad ? noGradParams : activeParams).add("x" + i);
        params.append(i == noGrad ? "@NoGrad double x" : "double x").append(i).append(", ");
      }
      params.append("int n");
      if (modes) {
        declareCallees();
      }
      StringBuilder result = new StringBuilder();
      List<String> featuredTemps = new ArrayList<>();
      for (String f : featured) {
        String t = "t" + temps++;
        String x = scope.get(r.nextInt(doubles));
        line("double " + t + " = " + MathCalls.call(f, r, () -> "(" + x + " + " + expr(1) + ")") + ";");
        result.append(t).append(" + ");
        featuredTemps.add(t);
      }
      scope.addAll(featuredTemps);
      for (Callee callee : callees) {
        calleeCall(callee);
      }
      int statements = 2 + r.nextInt(4);
      for (int s = 0; s < statements; s++) {
        statement();
      }
      helperResults.forEach(t -> result.append(t).append(" + "));
      line("return " + result + expr(3) + ";");
      if (called.stream().anyMatch(withoutHvp::contains) && noHvpBecause == null) {
        // a call whose arguments all happen to be constants needs no mHvp of its callee: f may have one
        noHvpBecause = CALLS_WITHOUT_HVP;
      }
      String source = "package demo;\nimport dev.adjoint.Differentiable;\n"
          + (!noGradParams.isEmpty() || helperSources.indexOf("@NoGrad") >= 0 ? "import dev.adjoint.NoGrad;\n" : "")
          + "final class F {\n"
          + helperSources + "  @Differentiable\n  static double f(" + params + ") {\n" + body + "  }\n}\n";
      return new Program(source, doubles, noHvpBecause, noHvpCertain, List.copyOf(callees));
    }

    /**
     * Sometimes a callee {@code g0} whose gradient f reads (a nested gradient), sometimes a callee {@code m0}
     * with a {@code double[][]} result; each over {@code double a, double b}, sometimes a
     * {@code @NoGrad double c}, and {@code int n}, with straight-line and loop statements and calls of the
     * plain helpers (for g0, those with an mHvp).
     */
    void declareCallees() {
      for (String drawn : new String[] {"g0", "m0"}) {
        if (r.nextInt(4) != 0) {
          continue;
        }
        // half the matrix callees are v0, with a double[] result, which f's mHvp goes through (its m$tan)
        boolean vector = drawn.equals("m0") && r.nextBoolean();
        String name = vector ? "v0" : drawn;
        Generator g = new Generator(r, List.of());
        g.scope.add("a");
        g.scope.add("b");
        // the plain helpers, but for g0 and v0 only those with an mHvp: a nested gradient needs g0's mHvp, and
        // f's mHvp needs v0's m$tan
        g.helpers = helpers;
        helperNames.stream().filter(h -> name.startsWith("m") || !withoutHvp.contains(h)).forEach(g.helperNames::add);
        boolean c = r.nextInt(3) == 0;
        if (c) {
          g.scope.add("c");
        }
        int statements = 1 + r.nextInt(2);
        for (int s = 0; s < statements; s++) {
          g.statement();
        }
        if (name.startsWith("g")) {
          g.line("return " + String.join(" + ", g.helperResults) + (g.helperResults.isEmpty() ? "" : " + ")
              + g.expr(3) + ";");
        } else if (vector) {
          g.line("double[] m = {" + g.expr(2) + ", " + g.expr(2) + ", " + String.join(" + ", g.helperResults)
              + (g.helperResults.isEmpty() ? "" : " + ") + g.expr(2) + "};");
          if (r.nextBoolean()) {
            g.line("for (int i = 0; i < n; i++) {");
            g.line("  m[i % 3] = Math.tanh(m[i % 3] * 0.5 + m[(i + 1) % 3] * " + g.expr(1) + ");");
            g.line("}");
          }
          g.line("return m;");
        } else {
          g.line("double[][] m = {{" + g.expr(2) + ", " + g.expr(2) + "}, {" + g.expr(2) + ", "
              + String.join(" + ", g.helperResults) + (g.helperResults.isEmpty() ? "" : " + ") + g.expr(2) + "}};");
          if (r.nextBoolean()) {
            g.line("for (int i = 0; i < n; i++) {");
            g.line("  m[i % 2][1] = Math.tanh(m[i % 2][0] * 0.5 + m[(i + 1) % 2][1] * " + g.expr(1) + ");");
            g.line("}");
          }
          g.line("return m;");
        }
        helperSources.append("  @Differentiable\n  static ")
            .append(name.startsWith("g") ? "double " : vector ? "double[] " : "double[][] ")
            .append(name).append("(double a, double b, ").append(c ? "@NoGrad double c, " : "").append("int n) {\n")
            .append(g.body).append("  }\n");
        callees.add(new Callee(name, c ? 3 : 2));
        calleeNoGrads.put(name, c ? 1 : 0);
        if (name.startsWith("g")) {
          // a nested gradient: f's mHvp cannot go through it (docs/diagnostics.md), its arguments depend on an input
          noHvpBecause = CALLS_WITHOUT_HVP;
          noHvpCertain = true;
        } else if (!vector && g.called.stream().anyMatch(withoutHvp::contains) && noHvpBecause == null) {
          // m0 (a double[][] result) goes through its m$tan, which it may lack when it calls a helper without
          // an mHvp (unless that call's arguments are constants)
          noHvpBecause = CALLS_WITHOUT_HVP;
        }
      }
    }

    /**
     * A call of {@code callee} whose first argument depends on a differentiated parameter; its {@code @NoGrad}
     * argument is a constant (an input-dependent value there is refused).
     */
    void calleeCall(Callee callee) {
      String args = "(" + activeParams.get(r.nextInt(activeParams.size())) + " + " + expr(1) + "), " + expr(2) + ", "
          + (calleeNoGrads.get(callee.name()) == 1 ? (r.nextBoolean() ? "0.25 * n, " : "-0.4, ") : "") + "n";
      String t = "t" + temps++;
      if (callee.name().startsWith("g")) {
        line("double " + t + " = FGrad." + callee.name() + "Gradient(" + args + ")." + (r.nextBoolean() ? "a" : "b")
            + "();");
      } else if (callee.name().startsWith("v")) {
        // a double[] result, indexed and written
        String m = "vt" + temps++;
        line("double[] " + m + " = " + callee.name() + "(" + args + ");");
        if (r.nextBoolean()) {
          line(m + "[1] = " + m + "[1] * " + m + "[0] + " + expr(1) + ";");
        }
        line("double " + t + " = " + m + "[0] * " + m + "[2] - " + m + "[1] * " + expr(1) + ";");
      } else {
        // a double[][] result: an element sometimes written, a row sometimes replaced (longer)
        String m = "mt" + temps++;
        line("double[][] " + m + " = " + callee.name() + "(" + args + ");");
        switch (r.nextInt(3)) {
          case 0 -> line(m + "[1][0] = " + m + "[1][0] * " + m + "[0][1] + " + expr(1) + ";");
          case 1 -> line(m + "[0] = new double[] {" + m + "[1][1] * " + expr(1) + ", " + m + "[0][0], " + m
              + "[0][1]};");
          default -> { }
        }
        line("double " + t + " = " + m + "[0][0] * " + m + "[1][1] - " + m + "[0][1] + " + m + "[1][0] * "
            + expr(1) + ";");
      }
      scope.add(t);
      helperResults.add(t);
    }

    void line(String text) {
      body.append("    ").append(text).append('\n');
    }

    void statement() {
      if (!callees.isEmpty() && r.nextInt(6) == 0) {
        calleeCall(callees.get(r.nextInt(callees.size())));
        return;
      }
      if (helpers && !helperNames.isEmpty() && r.nextInt(3) == 0) {
        String t = "t" + temps++;
        line("double " + t + " = " + helperCall() + ";");
        scope.add(t);
        helperResults.add(t);
        return;
      }
      switch (r.nextInt(5)) {
        case 0, 1 -> {
          String t = "t" + temps++;
          line("double " + t + " = " + expr(3) + ";");
          scope.add(t);
        }
        case 2 -> {
          String target = pickLocal();
          if (target == null) {
            target = "t" + temps++;
            line("double " + target + " = " + expr(2) + ";");
            scope.add(target);
          }
          String op = new String[] {"+=", "-=", "*=", "/="}[r.nextInt(4)];
          String value = op.equals("/=") ? "(1.5 + Math.sin(" + expr(2) + "))" : "Math.tanh(" + expr(2) + ")";
          line(target + " " + op + " " + value + ";");
        }
        case 3 -> {
          String t = "t" + temps++;
          line("double " + t + " = " + expr(1) + ";");
          line("if (" + expr(2) + " > " + expr(1) + ") {");
          line("  " + t + " = " + expr(2) + ";");
          line("} else {");
          line("  " + t + " = " + t + " * " + expr(2) + ";");
          line("}");
          scope.add(t);
        }
        default -> {
          String acc = "acc" + temps++;
          line("double " + acc + " = " + expr(2) + ";");
          scope.add(acc);
          line("for (int i = 0; i < n; i++) {");
          line("  " + acc + " = Math.tanh(" + acc + " * 0.8 + (" + expr(2) + ") * (i + 1) * 0.2);");
          line("}");
        }
      }
    }

    /**
     * A temp or accumulator, or a {@code @NoGrad} parameter (never a differentiated one, so that those are not
     * overwritten here; a {@code @NoGrad} one then holds a value that depends on the inputs).
     */
    String pickLocal() {
      List<String> locals = scope.stream().filter(v -> !v.startsWith("x") || noGradParams.contains(v)).toList();
      return locals.isEmpty() ? null : locals.get(r.nextInt(locals.size()));
    }

    String leaf() {
      if (r.nextInt(5) == 0) {
        return String.valueOf(Math.round(uniform(r, -2, 2) * 100) / 100.0);
      }
      return scope.get(r.nextInt(scope.size()));
    }

    String expr(int depth) {
      if (depth == 0 || r.nextInt(5) == 0) {
        return leaf();
      }
      String a = expr(depth - 1);
      return switch (r.nextInt(12)) {
        case 0 -> "(" + a + " + " + expr(depth - 1) + ")";
        case 1 -> "(" + a + " - " + expr(depth - 1) + ")";
        case 2, 3 -> "(" + a + " * " + expr(depth - 1) + ")";
        case 4 -> "(" + a + " / (1.5 + Math.sin(" + expr(depth - 1) + ")))";
        case 5 -> "(" + a + " > " + expr(depth - 1) + " ? " + expr(depth - 1) + " : " + expr(depth - 1) + ")";
        default -> MathCalls.any(r, () -> expr(depth - 1));
      };
    }
  }
}
