package dev.adjoint.processor.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.processor.testing.CompiledCompanion;
import dev.adjoint.processor.testing.GradCheck;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Records as results (design.md §7 "Records and objects"): {@code mVjp} takes an upstream record of the
 * result's type, {@code mJvp} returns the tangent as one, {@code mJacobian} has a row per double slot of the
 * result; a caller declares a record local for a call's record. Every derivative is checked against central
 * differences of the original: the VJP as the gradient of {@code upstream · f(args)}.
 */
class RecordResultTest {
  private static final CompiledCompanion COMPILED = CompiledCompanion.compile("demo.Ode", """
      package demo;

      import dev.adjoint.Differentiable;

      public final class Ode {
        public record State(double x, double v) {
          @Differentiable
          public State next(double dt, double k) {
            return new State(x + dt * v, v - dt * k * Math.sin(x));
          }
        }

        public record Cloud(double[] p, double mass) {}

        public record Pair(State a, State b) {}

        @Differentiable
        public static State step(State s, double dt) {
          double a = -Math.sin(s.x());
          return new State(s.x() + dt * s.v() + 0.5 * dt * dt * a, s.v() + dt * a);
        }

        @Differentiable
        public static State start(double x0, double v0) {
          if (x0 > 0) {
            return new State(x0 * x0, v0);
          }
          State s = new State(Math.exp(x0), v0 * x0);
          return s;
        }

        @Differentiable
        public static Cloud drift(Cloud c, double[] f, double dt) {
          double[] q = new double[c.p().length];
          for (int i = 0; i < q.length; i++) {
            q[i] = c.p()[i] + dt * f[i] / c.mass();
          }
          return new Cloud(q, c.mass() * Math.exp(-dt));
        }

        @Differentiable
        public static Pair both(State s, double dt) {
          State n = step(s, dt);
          return new Pair(s, n);
        }

        @Differentiable
        public static double energyAfter(State s, double dt, double k) {
          State s1 = step(s, dt);
          State s2 = s1.next(dt, k);
          Pair p = both(s2, dt);
          return 0.5 * p.b().v() * p.b().v() + (1 - Math.cos(p.b().x())) + p.a().x();
        }

        @Differentiable
        public static double integrate(State s0, double dt, double k, int n) {
          State s = s0;
          for (int i = 0; i < n; i++) {
            s = step(s, dt);
            if (i % 2 == 1) {
              s = s.next(dt, k);
            }
          }
          State swapped = new State(s.v(), s.x());
          swapped = new State(swapped.v() * 2, swapped.x());
          return s.x() * s.x() + s.v() + swapped.x() * s0.v();
        }

        @Differentiable
        public static State kick(State s, double[] f) {
          return new State(s.x() + f[0], s.v() * f[1]);
        }

        @Differentiable
        public static double kicked(State s, double x) {
          double[] f = {x, x * x};
          State s2 = kick(s, f);
          f[0] = 3 * s2.v();
          State s3 = kick(s2, f);
          return s3.x() + f[0] * s3.v();
        }

        @Differentiable
        public static double nestedLocal(double x, State s) {
          Pair p = new Pair(new State(x * x, Math.sin(x)), s);
          return p.a().x() * p.b().v() + p.a().v();
        }

        @Differentiable
        public static double[] trajectory(double x0, double v0, double dt) {
          State s = start(x0, v0);
          State t = step(s, dt);
          return new double[] {s.x(), t.x(), t.v()};
        }
      }
      """);

  private static final Random RANDOM = new Random(21);

  private static Object state() {
    return RecordCheck.construct(COMPILED.load("demo.Ode$State"), GradCheck.uniform(RANDOM, -1.5, 1.5),
        GradCheck.uniform(RANDOM, -1.5, 1.5));
  }

  private static Function<Object[], Object> staticMethod(String name) {
    Method m = CompiledCompanion.method(COMPILED.load("demo.Ode"), name);
    return args -> CompiledCompanion.invoke(m, null, args);
  }

  private static Function<Object[], Object> instanceMethod(String owner, String name) {
    Method m = CompiledCompanion.method(COMPILED.load(owner), name);
    return args -> CompiledCompanion.invoke(m, args[0], Arrays.copyOfRange(args, 1, args.length));
  }

  private static void checkVjp(String companion, String name, Function<Object[], Object> f, Object[] args,
      String[] components) {
    RecordModeCheck.checkVjp(COMPILED, companion, name, f, args, components, RANDOM);
  }

  @Test
  void anOdeStepReturnsARecordWithEveryMode() {
    for (int trial = 0; trial < 4; trial++) {
      Object[] args = {state(), GradCheck.uniform(RANDOM, 0.05, 0.5)};
      checkVjp("demo.OdeGrad", "step", staticMethod("step"), args, new String[] {"s", "dt"});
      RecordModeCheck.check(COMPILED, "demo.OdeGrad", "step", staticMethod("step"), args, new boolean[] {true, true},
          RANDOM);
    }
  }

  @Test
  void aMethodOfDoublesReturnsARecordFromSeveralReturns() {
    for (double x0 : new double[] {-0.7, 0.4, 1.3}) {
      Object[] args = {x0, GradCheck.uniform(RANDOM, -1, 1)};
      checkVjp("demo.OdeGrad", "start", staticMethod("start"), args, new String[] {"x0", "v0"});
      RecordModeCheck.check(COMPILED, "demo.OdeGrad", "start", staticMethod("start"), args,
          new boolean[] {true, true}, RANDOM);
    }
  }

  @Test
  void anInstanceMethodOfARecordReturnsItsOwnType() {
    for (int trial = 0; trial < 4; trial++) {
      Object[] args = {state(), GradCheck.uniform(RANDOM, 0.05, 0.5), GradCheck.uniform(RANDOM, 0.5, 2)};
      checkVjp("demo.Ode_StateGrad", "next", instanceMethod("demo.Ode$State", "next"), args,
          new String[] {"self", "dt", "k"});
      RecordModeCheck.check(COMPILED, "demo.Ode_StateGrad", "next", instanceMethod("demo.Ode$State", "next"), args,
          new boolean[] {true, true, true}, RANDOM);
    }
  }

  @Test
  void aRecordWithAnArrayComponentIsPackedAndUnpacked() {
    Class<?> cloud = COMPILED.load("demo.Ode$Cloud");
    for (int n : new int[] {0, 1, 3}) {
      Object[] args = {RecordCheck.construct(cloud, GradCheck.vector(RANDOM, n, -1, 1), GradCheck.uniform(RANDOM, 1, 2)),
          GradCheck.vector(RANDOM, n, -1, 1), GradCheck.uniform(RANDOM, 0.05, 0.5)};
      checkVjp("demo.OdeGrad", "drift", staticMethod("drift"), args, new String[] {"c", "f", "dt"});
      RecordModeCheck.check(COMPILED, "demo.OdeGrad", "drift", staticMethod("drift"), args,
          new boolean[] {true, true, true}, RANDOM);
    }
  }

  @Test
  void anUpstreamWhoseArrayHasAnotherLengthIsRefusedAtRunTime() {
    Class<?> cloud = COMPILED.load("demo.Ode$Cloud");
    Object c = RecordCheck.construct(cloud, new double[] {1, 2}, 1.0);
    Object wrong = RecordCheck.construct(cloud, new double[] {1, 2, 3}, 1.0);
    assertThrows(IllegalArgumentException.class,
        () -> COMPILED.callStatic("demo.OdeGrad", "driftVjp", c, new double[2], 0.1, wrong));
    assertThrows(IllegalArgumentException.class,
        () -> COMPILED.callStatic("demo.OdeGrad", "driftVjp", c, new double[2], 0.1, null));
  }

  @Test
  void nestedRecordResultsAndCallsThatReturnRecords() {
    for (int trial = 0; trial < 4; trial++) {
      Object[] args = {state(), GradCheck.uniform(RANDOM, 0.05, 0.5)};
      checkVjp("demo.OdeGrad", "both", staticMethod("both"), args, new String[] {"s", "dt"});
      // both calls step, a method with a record parameter: its mJvp goes by reverse mode
      RecordModeCheck.check(COMPILED, "demo.OdeGrad", "both", staticMethod("both"), args, new boolean[] {true, true},
          RANDOM);
      Object[] energy = {state(), GradCheck.uniform(RANDOM, 0.05, 0.5), GradCheck.uniform(RANDOM, 0.5, 2)};
      RecordCheck.check(a -> (Double) staticMethod("energyAfter").apply(a), energy, new String[] {"s", "dt", "k"},
          COMPILED.callStatic("demo.OdeGrad", "energyAfterGradient", energy));
      // energyAfter calls a method with a record result: mHvp through its tangent member m$tan
      RecordModeCheck.check(COMPILED, "demo.OdeGrad", "energyAfter", staticMethod("energyAfter"), energy,
          new boolean[] {true, true, true}, RANDOM, true);
    }
  }

  @Test
  void aRecordLocalReassignedInAnIntegrationLoop() {
    for (int n : new int[] {0, 1, 4, 7}) {
      Object[] args = {state(), GradCheck.uniform(RANDOM, 0.05, 0.3), GradCheck.uniform(RANDOM, 0.5, 2), n};
      RecordCheck.check(a -> (Double) staticMethod("integrate").apply(a), args,
          new String[] {"s0", "dt", "k", null}, COMPILED.callStatic("demo.OdeGrad", "integrateGradient", args));
      RecordModeCheck.check(COMPILED, "demo.OdeGrad", "integrate", staticMethod("integrate"), args,
          new boolean[] {true, true, true, false}, RANDOM, true);
    }
  }

  @Test
  void aLocalArrayPassedToAMethodReturningARecordMayBeWrittenAfterTheCall() {
    for (int trial = 0; trial < 3; trial++) {
      Object[] args = {state(), GradCheck.uniform(RANDOM, -1, 1)};
      RecordCheck.check(a -> (Double) staticMethod("kicked").apply(a), args, new String[] {"s", "x"},
          COMPILED.callStatic("demo.OdeGrad", "kickedGradient", args));
    }
  }

  @Test
  void aRecordLocalBuiltWithANestedNewRecord() {
    for (int trial = 0; trial < 3; trial++) {
      Object[] args = {GradCheck.uniform(RANDOM, -1, 1), state()};
      RecordCheck.check(a -> (Double) staticMethod("nestedLocal").apply(a), args, new String[] {"x", "s"},
          COMPILED.callStatic("demo.OdeGrad", "nestedLocalGradient", args));
    }
  }

  @Test
  void aPlainMethodCallsMethodsThatReturnRecords() {
    for (double x0 : new double[] {-0.7, 0.4}) {
      GradCheck.of(COMPILED, "demo.Ode", "trajectory").at(x0, GradCheck.uniform(RANDOM, -1, 1), 0.2);
    }
  }

  @Test
  void theMembersOfARecordResult() {
    String source = COMPILED.generatedSource("demo.OdeGrad");
    assertTrue(source.contains("public static StepGradient stepVjp(Ode.State s, double dt, Ode.State upstream)"),
        source);
    assertTrue(source.contains("public record StepJvp(Ode.State value, Ode.State tangent)"), source);
    assertTrue(!source.contains("stepForward("), "no tape API for a record result:\n" + source);
    assertEquals(Arrays.toString(new double[] {2.25, 0.5}), Arrays.toString(RecordCheck.slots(
        staticMethod("start").apply(new Object[] {1.5, 0.5}))));
  }
}
