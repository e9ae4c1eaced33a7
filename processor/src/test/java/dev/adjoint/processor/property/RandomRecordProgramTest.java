package dev.adjoint.processor.property;

import dev.adjoint.processor.records.RecordCheck;
import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.FiniteDifferences;
import dev.adjoint.processor.testing.GeneratorSummary;
import dev.adjoint.processor.testing.GradCheck;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link RandomProgramGradientTest}'s random programs with their parameters moved into a record: once as an
 * instance method of the record (the body reads the components as fields), once as a static method of a
 * record parameter (the body reads them through accessors). Every gradient is checked against central
 * differences ({@link RecordCheck}), at points where the loops run 0 to 4 times.
 */
class RandomRecordProgramTest {
  static final int PROGRAMS = Integer.getInteger("adjoint.randomRecordPrograms", 12);
  static final long SEED = 0x7EC0DL;
  private static final GeneratorSummary SUMMARY = new GeneratorSummary("RandomRecordProgramTest");

  @AfterAll
  static void summary() {
    SUMMARY.print();
  }

  @TestFactory
  Stream<DynamicTest> randomProgramsOverRecordsPassTheGradientCheck() {
    return IntStream.range(0, PROGRAMS).boxed().flatMap(k -> {
      long seed = SEED * 31 + k;
      List<String> featured = MathCalls.featured(k, 3);
      RandomProgramGradientTest.Program p = new RandomProgramGradientTest.Generator(new Random(seed), featured)
          .program();
      String source = p.source();
      String params = source.substring(source.indexOf("static double f(") + "static double f(".length(),
          source.indexOf(") {\n"));
      String body = source.substring(source.indexOf(") {\n") + ") {\n".length(), source.lastIndexOf("  }\n}"));
      String instance = "package demo;\nimport dev.adjoint.Differentiable;\nfinal class F {\n  record P(" + params
          + ") {\n    @Differentiable\n    double f() {\n" + body + "    }\n  }\n}\n";
      String accessors = body.replaceAll("\\bx(\\d+)\\b", "p.x$1()").replaceAll("\\bn\\b", "p.n()");
      String stat = "package demo;\nimport dev.adjoint.Differentiable;\nfinal class F {\n  record P(" + params
          + ") {}\n  @Differentiable\n  static double f(P p) {\n" + accessors + "  }\n}\n";
      return Stream.of(
          DynamicTest.dynamicTest("program " + k + " as an instance method of a record",
              () -> SUMMARY.program("program " + k + " (instance)", () -> check(instance, p.doubles(), seed, true))),
          DynamicTest.dynamicTest("program " + k + " over a record parameter",
              () -> SUMMARY.program("program " + k + " (parameter)", () -> check(stat, p.doubles(), seed, false))));
    });
  }

  private static void check(String source, int doubles, long seed, boolean instance) {
    try {
      CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
      Class<?> record = c.load("demo.F$P");
      Method f = CompiledCompanion.method(instance ? record : c.load("demo.F"), "f");
      String companion = instance ? "demo.F_PGrad" : "demo.FGrad";
      Random r = new Random(~seed);
      for (int n : new int[] {0, 1 + r.nextInt(2), 4}) {
        // a point where the central differences are unreliable is redrawn with the same trip count
        FiniteDifferences.atReliablePoint(components(r, doubles, n), again -> components(again, doubles, n),
            components -> {
              Object[] args = {RecordCheck.construct(record, components)};
              Object gradient = c.callStatic(companion, "fGradient", args);
              RecordCheck.checkOrUnreliable(a -> ((Number) (instance ? CompiledCompanion.invoke(f, a[0])
                  : CompiledCompanion.invoke(f, null, a[0]))).doubleValue(), args,
                  new String[] {instance ? "self" : "p"}, gradient);
            }, Arrays::deepToString);
      }
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\nprogram:\n" + source, e);
    }
  }

  /** A record's components: {@code doubles} values in [-1.5, 1.5] drawn from {@code r}, then {@code n}. */
  private static Object[] components(Random r, int doubles, int n) {
    Object[] components = new Object[doubles + 1];
    for (int i = 0; i < doubles; i++) {
      components[i] = GradCheck.uniform(r, -1.5, 1.5);
    }
    components[doubles] = n;
    return components;
  }
}
