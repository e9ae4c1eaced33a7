package dev.adjoint.processor.emit;

import static dev.adjoint.processor.testing.GradCheck.uniform;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import dev.adjoint.processor.testing.ModeCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The generated members hold no code nothing reads: a fused {@code mVjp} does not put the loop counter back at its
 * start just before popping it, {@code m$sweep} is given only the end state its reverse sweep reads (not the result,
 * not locals whose adjoints alone it uses), {@code mVjp} declares no local nothing names, a reverse sweep resets no
 * adjoint nothing reads afterwards, and {@code mHvp} neither stores nor declares the value it does not return. The
 * gradients and Hessian-vector products stay those of central differences.
 */
class DeadGeneratedCodeTest {
  private static final String OWNER = "demo.D";
  private static CompiledCompanion c;

  @BeforeAll
  static void compile() {
    c = CompiledCompanion.compile(OWNER, """
        package demo;
        import dev.adjoint.Differentiable;
        public final class D {
          // a max loop, then a loop fused with its reverse (GradBench lse)
          @Differentiable
          public static double lse(double[] x) {
            double a = x[0];
            for (int i = 1; i < x.length; i++) {
              a = Math.max(a, x[i]);
            }
            double s = 0;
            for (int i = 0; i < x.length; i++) {
              s += Math.exp(x[i] - a);
            }
            return Math.log(s) + a;
          }

          // sum and c: scalar locals whose adjoints alone the reverse sweep uses
          @Differentiable
          public static double mean(double[] a) {
            double sum = 0;
            for (int i = 0; i < a.length; i++) {
              double b = a[i] + 3;
              double c = b * b * 3;
              sum += c;
            }
            return sum / a.length;
          }

          @Differentiable
          public static double scalar(double x, double y) {
            double u = x * y;
            return Math.sin(u) + u * x;
          }
        }
        """);
  }

  @Test
  void theGradientsAndHessianVectorProductsStillMatchCentralDifferences() {
    GradCheck.of(c, OWNER, "lse").atRandomPoints(3, r -> new Object[] {vector(r, 5, -1, 1)});
    GradCheck.of(c, OWNER, "mean").atRandomPoints(3, r -> new Object[] {vector(r, 4, -1, 1)});
    GradCheck.of(c, OWNER, "scalar").atRandomPoints(3, r -> new Object[] {uniform(r, -1, 1), uniform(r, -1, 1)});
    ModeCheck.of(c, OWNER, "lse").atRandomPoints(2, r -> new Object[] {vector(r, 4, -1, 1)});
    ModeCheck.of(c, OWNER, "scalar").atRandomPoints(2, r -> new Object[] {uniform(r, -1, 1), uniform(r, -1, 1)});
  }

  @Test
  void aFusedSweepDoesNotResetTheCounterItPopsNext() {
    String vjp = member("lseVjp(");
    String rest = vjp.substring(vjp.indexOf("// reverse sweep of what precedes the loop"));
    assertFalse(Pattern.compile("(?m)^\\s+i = 0;$").matcher(rest).find(), rest);
    assertFalse(rest.contains("its counter back at its start"), rest);
    assertTrue(rest.contains("i = _ints.pop();"), rest);
  }

  @Test
  void everyParameterOfASharedSweepAndEveryLocalOfVjpIsRead() {
    for (String name : List.of("lse", "mean", "scalar")) {
      String sweep = member(name + "$sweep(");
      for (String p : parameters(sweep)) {
        if (!p.startsWith("_doubles") && !p.startsWith("_ints") && !p.equals("upstream")
            && !p.startsWith("into$")) {
          assertTrue(read(body(sweep), p), name + "$sweep: parameter " + p + " is never read\n" + sweep);
        }
      }
      assertFalse(sweep.contains("double _result"), sweep);
      String vjp = member(name + "Vjp(");
      Matcher locals = Pattern.compile("(?m)^    [\\w.\\[\\]]+ ([\\w$]+) = ").matcher(body(vjp));
      while (locals.find()) {
        assertTrue(read(body(vjp), locals.group(1)), name + "Vjp: local " + locals.group(1) + " is never read\n"
            + vjp);
      }
    }
  }

  @Test
  void anAdjointIsResetOnlyWhereSomethingReadsItLater() {
    String mean = member("mean$sweep(");
    // the result's adjoint and sum's, before its declaration: nothing reads them afterwards
    assertFalse(reset(mean, "_d__result"), mean);
    assertFalse(reset(mean, "_d_sum"), mean);
    assertFalse(mean.contains(": double sum = 0;"), mean); // nor the comment that labelled it
    // c's and b's: the next reverse iteration accumulates into them and reads them
    assertTrue(reset(mean, "_d_c"), mean);
    assertTrue(reset(mean, "_d_b"), mean);
    String scalar = member("scalar$sweep(");
    assertFalse(reset(scalar, "_d_\\w+"), scalar);
    assertTrue(scalar.contains("_d_u"), scalar);
  }

  @Test
  void hvpNeitherStoresNorDeclaresTheValue() {
    for (String name : List.of("lse", "scalar")) {
      String hvp = member(name + "Hvp(");
      assertFalse(hvp.contains("double _result"), hvp);
      assertFalse(Pattern.compile("(?m)^\\s+_result = ").matcher(hvp).find(), hvp);
    }
  }

  /** Whether {@code code} has a statement {@code NAME = 0.0;} (not a declaration), {@code name} a regex. */
  private static boolean reset(String code, String name) {
    return Pattern.compile("(?m)^\\s+" + name + " = 0\\.0;$").matcher(code).find();
  }

  /** The generated static member whose declaration names {@code signature}, up to its closing brace. */
  private static String member(String signature) {
    String generated = c.generatedSource("demo.DGrad");
    Matcher declaration = Pattern.compile("(?m)^  [\\w ]*static [\\w.$<>\\[\\]]+ " + Pattern.quote(signature))
        .matcher(generated);
    assertTrue(declaration.find(), signature + " not generated:\n" + generated);
    int start = declaration.start();
    return generated.substring(start, generated.indexOf("\n  }\n", start) + 4);
  }

  private static String body(String member) {
    return member.substring(member.indexOf("{\n") + 2);
  }

  private static List<String> parameters(String member) {
    String list = member.substring(member.indexOf('(') + 1, member.indexOf(") {"));
    List<String> names = new ArrayList<>();
    for (String p : list.split(",")) {
      String[] words = p.trim().split("\\s+");
      names.add(words[words.length - 1]);
    }
    return names;
  }

  /** Whether {@code code} names {@code name} other than as the target of a plain assignment or declaration. */
  private static boolean read(String code, String name) {
    Matcher m = Pattern.compile("(?<![\\w$.])" + Pattern.quote(name) + "(?![\\w$])").matcher(code);
    while (m.find()) {
      String after = code.substring(m.end());
      String before = code.substring(code.lastIndexOf('\n', m.start()) + 1, m.start());
      boolean target = after.matches("(?s) = .*") && before.matches("\\s*([\\w.\\[\\]]+\\s+)?");
      if (!target) {
        return true;
      }
    }
    return false;
  }
}
