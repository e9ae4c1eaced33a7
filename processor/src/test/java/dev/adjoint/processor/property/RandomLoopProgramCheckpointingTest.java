package dev.adjoint.processor.property;

import static dev.adjoint.processor.testing.GradCheck.uniform;
import static dev.adjoint.processor.testing.GradCheck.vector;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import dev.adjoint.processor.testing.ModeCheck;
import dev.adjoint.runtime.Checkpoints;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Property: the random loop programs of {@link RandomLoopProgramGradientTest} (nested loops, in-place array
 * writes, break, continue and return inside loops, calls) give bit-identical gradients with their loops
 * checkpointed after every first recorded iteration (budget 0) or after a few (64 bytes) as store-all
 * (budget -1). Trip counts up to 9, so that there are several segments. Fixed seeds, other than the
 * gradient test's.
 */
class RandomLoopProgramCheckpointingTest {
  static final int PROGRAMS = Integer.getInteger("adjoint.randomPrograms", 20);

  /** Programs with a checkpointed loop (a loop calling a helper with effects, such as pick, stays store-all). */
  private final AtomicInteger checkpointed = new AtomicInteger();
  /** Checkpointed programs whose f has an mHvp, compared with store-all's. */
  private final AtomicInteger withHvp = new AtomicInteger();

  @TestFactory
  Stream<DynamicTest> checkpointedLoopsGiveStoreAllsGradients() {
    Stream<DynamicTest> programs = IntStream.range(0, PROGRAMS).mapToObj(k -> {
      long seed = 0xC4EC4L * 31 + k;
      List<String> featured = MathCalls.featured(k, 3);
      String source = Vocabulary.rename(new RandomLoopProgramGradientTest.Generator(new Random(seed), featured)
          .program(), new Random(seed));
      return DynamicTest.dynamicTest("loop program " + k + " (seed " + seed + ")", () -> check(source, seed));
    });
    return Stream.concat(programs, Stream.of(DynamicTest.dynamicTest("a third of the programs or more have a checkpointed loop",
        () -> assertTrue(checkpointed.get() >= PROGRAMS / 3, checkpointed.get() + " of " + PROGRAMS)),
        DynamicTest.dynamicTest("some checkpointed programs have an fHvp", () -> assertTrue(withHvp.get() >= 1,
            withHvp.get() + " of " + checkpointed.get()))));
  }

  void check(String source, long seed) throws Exception {
    if (source.contains("// REFUSED")) {
      return; // RandomLoopProgramGradientTest checks the refusal
    }
    CompiledCompanion c = CompiledCompanion.compile("demo.F", source);
    if (!c.generatedSource("demo.FGrad").contains("Checkpoints.limit(")) {
      return;
    }
    checkpointed.incrementAndGet();
    String body = source.substring(source.indexOf("static double f("));
    ModeCheck.requireMembers(c, "demo.F", "f", RandomLoopProgramGradientTest.ARRAY_CALL.matcher(body).find()
        ? RandomProgramGradientTest.CALLS_WITHOUT_HVP : null, false);
    ModeCheck modes = ModeCheck.of(c, "demo.F", "f");
    Random r = new Random(~seed);
    for (int point = 0; point < 3; point++) {
      Object[] args = {vector(r, RandomLoopProgramGradientTest.LENGTH, -1, 1), uniform(r, -1, 1), 4 + r.nextInt(6)};
      Object[] storeAll;
      try (AutoCloseable off = Checkpoints.budget(-1)) {
        storeAll = gradient(c, args);
      }
      for (long budget : new long[] {0, 64}) {
        Object[] checkpointed;
        try (AutoCloseable on = Checkpoints.budget(budget)) {
          checkpointed = gradient(c, args);
        }
        assertTrue(Arrays.deepEquals(storeAll, checkpointed), "budget " + budget + " at "
            + Arrays.deepToString(args) + ": " + Arrays.deepToString(checkpointed) + " vs store-all "
            + Arrays.deepToString(storeAll) + "\nprogram:\n" + source);
      }
    }
    // the forward modes under each budget, at points drawn alike (trip counts 4 to 9)
    boolean hvp = modes.has("Hvp");
    for (long budget : new long[] {-1, 0, 64}) {
      try (AutoCloseable b = Checkpoints.budget(budget)) {
        modes.atRandomPoints(1, again -> new Object[] {vector(again, RandomLoopProgramGradientTest.LENGTH, -1, 1),
            uniform(again, -1, 1), 4 + again.nextInt(6)});
      } catch (AssertionError e) {
        throw new AssertionError("budget " + budget + ": " + e.getMessage() + "\nprogram:\n" + source, e);
      }
    }
    if (hvp) {
      withHvp.incrementAndGet();
      Object[] args = {vector(r, RandomLoopProgramGradientTest.LENGTH, -1, 1), uniform(r, -1, 1), 4 + r.nextInt(6)};
      Object[] direction = {vector(r, RandomLoopProgramGradientTest.LENGTH, -1, 1), uniform(r, -1, 1)};
      Object[] storeAll;
      try (AutoCloseable off = Checkpoints.budget(-1)) {
        storeAll = hvp(c, args, direction);
      }
      for (long budget : new long[] {0, 64}) {
        Object[] checkpointed;
        try (AutoCloseable on = Checkpoints.budget(budget)) {
          checkpointed = hvp(c, args, direction);
        }
        assertTrue(Arrays.deepEquals(storeAll, checkpointed), "fHvp, budget " + budget + " at "
            + Arrays.deepToString(args) + ": " + Arrays.deepToString(checkpointed) + " vs store-all "
            + Arrays.deepToString(storeAll) + "\nprogram:\n" + source);
      }
    }
  }

  private static Object[] hvp(CompiledCompanion c, Object[] args, Object[] direction) {
    Object[] call = Arrays.copyOf(GradCheck.deepCopy(args), args.length + direction.length);
    System.arraycopy(GradCheck.deepCopy(direction), 0, call, args.length, direction.length);
    return CompiledCompanion.components(c.callStatic("demo.FGrad", "fHvp", call)).values().toArray();
  }

  private static Object[] gradient(CompiledCompanion c, Object[] args) {
    Object[] call = Arrays.copyOf(GradCheck.deepCopy(args), args.length + 1);
    call[args.length] = 1.0;
    Map<String, Object> components = CompiledCompanion.components(c.callStatic("demo.FGrad", "fVjp", call));
    return components.values().toArray();
  }
}
