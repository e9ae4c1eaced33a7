package dev.adjoint.processor.property;

import com.google.testing.compile.JavaFileObjects;
import dev.adjoint.processor.records.RecordCheck;
import dev.adjoint.processor.records.RecordModeCheck;
import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link RandomProgramGradientTest}'s random programs with their parameters moved into a record {@code P}:
 * once as instance methods of the record (the body reads the components as fields), once as static methods
 * of a record parameter (the body reads them through accessors), in one compilation. Each program is
 * compiled three ways:
 * {@code f} returns the program's value; {@code g} returns it in a record holding a record with an array
 * ({@code R(double a, Q q)}, {@code Q(double b, double[] w)}); {@code s} returns it in a record of doubles
 * ({@code S}), which {@code k} takes as a call's result into a record local and reassigns in a loop.
 * Checked against central differences of the originals ({@link RecordCheck}, {@link RecordModeCheck}): the
 * gradients, the VJPs of the record results for random upstream records, and every forward-mode member
 * ({@code mJvp}, {@code mJacobian}, {@code mHvp} where the companion has it), at points where the loops run
 * 0 to 4 times.
 */
class RandomRecordProgramTest {
  static final int PROGRAMS = Integer.getInteger("adjoint.randomRecordPrograms", 12);
  /** The first program's index ({@code -Dadjoint.randomRecordProgramsFrom=N}), to run a long series in parts. */
  static final int FIRST = Integer.getInteger("adjoint.randomRecordProgramsFrom", 0);
  static final long SEED = 0x7EC0DL;

  /** The records and the methods around the program's body ({@code BODY}, its result {@code res9}). */
  private static final String RECORDS = """
        record Q(double b, double[] w) {}
        record R(double a, Q q) {}
        record S(double a, double b) {}
      """;

  @TestFactory
  Stream<DynamicTest> randomProgramsOverRecordsPassTheGradientCheck() {
    return IntStream.range(FIRST, FIRST + PROGRAMS).mapToObj(k -> {
      long seed = SEED * 31 + k;
      List<String> featured = MathCalls.featured(k, 3);
      RandomProgramGradientTest.Program p = new RandomProgramGradientTest.Generator(new Random(seed), featured)
          .program();
      String source = p.source();
      String params = source.substring(source.indexOf("static double f(") + "static double f(".length(),
          source.indexOf(") {\n"));
      String body = source.substring(source.indexOf(") {\n") + ") {\n".length(), source.lastIndexOf("  }\n}"));
      int last = body.lastIndexOf("    return ");
      String value = body.substring(last + "    return ".length(), body.lastIndexOf(";"));
      String before = body.substring(0, last);
      String recordBody = before + "    double res9 = " + value + ";\n"
          + "    return new R(res9, new Q(res9 * x0 + n, new double[] {Math.sin(res9), x1 * res9}));\n";
      String pairBody = before + "    double res9 = " + value + ";\n    return new S(res9, res9 * x1);\n";
      String instance = "package demo;\nimport dev.adjoint.Differentiable;\nfinal class F {\n" + RECORDS
          + "  record P(" + params + ") {\n"
          + "    @Differentiable\n    double f() {\n" + body + "    }\n"
          + "    @Differentiable\n    R g() {\n" + recordBody + "    }\n"
          + "    @Differentiable\n    S s() {\n" + pairBody + "    }\n"
          + "    @Differentiable\n    double k() {\n      S r = s();\n"
          + "      for (int i = 0; i < n; i++) {\n        r = new S(r.b() * 0.5, Math.sin(r.a()) + x0);\n      }\n"
          + "      return r.a() * r.b() + Math.cos(r.b());\n    }\n"
          + "  }\n}\n";
      String stat = "package demo;\nimport dev.adjoint.Differentiable;\nfinal class G {\n" + RECORDS
          + "  record P(" + params + ") {}\n"
          + "  @Differentiable\n  static double f(P p) {\n" + accessors(body) + "  }\n"
          + "  @Differentiable\n  static R g(P p) {\n" + accessors(recordBody) + "  }\n"
          + "  @Differentiable\n  static S s(P p) {\n" + accessors(pairBody) + "  }\n"
          + "  @Differentiable\n  static double k(P p) {\n    S r = s(p);\n"
          + "    for (int i = 0; i < p.n(); i++) {\n      r = new S(r.b() * 0.5, Math.sin(r.a()) + p.x0());\n    }\n"
          + "    return r.a() * r.b() + Math.cos(r.b());\n  }\n}\n";
      return DynamicTest.dynamicTest("program " + k + " as instance methods of a record and over a record parameter",
          () -> {
            // one compilation for both forms (class F, class G), which is most of the time a program takes
            CompiledCompanion c;
            try {
              c = CompiledCompanion.compile(List.of(JavaFileObjects.forSourceString("demo.F", instance),
                  JavaFileObjects.forSourceString("demo.G", stat)), List.of());
            } catch (AssertionError e) {
              throw new AssertionError(e.getMessage() + "\nprograms:\n" + instance + "\n" + stat, e);
            }
            check(c, "demo.F", instance, p.doubles(), seed, true);
            check(c, "demo.G", stat, p.doubles(), seed, false);
          });
    });
  }

  private static String accessors(String body) {
    return body.replaceAll("\\bx(\\d+)\\b", "p.x$1()").replaceAll("\\bn\\b", "p.n()");
  }

  private static void check(CompiledCompanion c, String owner, String source, int doubles, long seed,
      boolean instance) {
    try {
      Class<?> record = c.load(owner + "$P");
      String companion = instance ? owner + "_PGrad" : owner + "Grad";
      String[] self = {instance ? "self" : "p"};
      Random r = new Random(~seed);
      for (int n : new int[] {0, 1 + r.nextInt(2), 4}) {
        Object[] components = new Object[doubles + 1];
        for (int i = 0; i < doubles; i++) {
          components[i] = GradCheck.uniform(r, -1.5, 1.5);
        }
        components[doubles] = n;
        Object[] args = {RecordCheck.construct(record, components)};
        Function<Object[], Object> f = original(c, owner, record, "f", instance);
        RecordCheck.check(a -> ((Number) f.apply(a)).doubleValue(), args, self,
            c.callStatic(companion, "fGradient", args));
        RecordModeCheck.check(c, companion, "f", f, args, new boolean[] {true}, r, null);
        Function<Object[], Object> g = original(c, owner, record, "g", instance);
        RecordModeCheck.checkVjp(c, companion, "g", g, args, self, r);
        RecordModeCheck.check(c, companion, "g", g, args, new boolean[] {true}, r, false);
        Function<Object[], Object> s = original(c, owner, record, "s", instance);
        RecordModeCheck.checkVjp(c, companion, "s", s, args, self, r);
        Function<Object[], Object> k = original(c, owner, record, "k", instance);
        RecordCheck.check(a -> ((Number) k.apply(a)).doubleValue(), args, self,
            c.callStatic(companion, "kGradient", args));
        RecordModeCheck.check(c, companion, "k", k, args, new boolean[] {true}, r, null);
      }
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\nprogram:\n" + source, e);
    }
  }

  /** The original method {@code name}: an instance method of the record, or a static method of {@code owner}. */
  private static Function<Object[], Object> original(CompiledCompanion c, String owner, Class<?> record, String name,
      boolean instance) {
    Method m = CompiledCompanion.method(instance ? record : c.load(owner), name);
    return a -> instance ? CompiledCompanion.invoke(m, a[0]) : CompiledCompanion.invoke(m, null, a[0]);
  }
}
