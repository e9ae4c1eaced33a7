package dev.adjoint.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The binomial schedule simulated on a state that is just its step number: every step is recorded and
 * reversed exactly once, last to first, from a state at that step; no slot is read after it was given away;
 * and the steps advanced are revolve's minimum (computed here by brute force over every first split).
 */
class BinomialScheduleTest {
  /** Steps advanced by the reversal, and the most times one step was advanced. */
  record Cost(long advanced, int repetitions) {}

  /** Runs the forward (storing where the schedule says if {@code online}) and the reversal of {@code n} steps. */
  static Cost simulate(int n, int slots, boolean online) {
    BinomialSchedule schedule = new BinomialSchedule(slots);
    int[] held = new int[slots];
    Arrays.fill(held, -1);
    for (int step = 0; step < n; step++) {
      if (step == 0 || online) {
        int slot = schedule.store(step);
        if (step == 0) {
          assertEquals(0, slot);
        }
        if (slot >= 0) {
          held[slot] = step;
        }
      }
    }
    Cost first = reverse(schedule, n, held);
    Cost second = reverse(schedule, n, held);
    int kept = schedule.keptSteps().length;
    assertTrue(second.advanced() <= first.advanced() + n, "a second reversal refills the online snapshots first");
    assertEquals(first.advanced() + (kept > 1 ? schedule.keptSteps()[kept - 1] : 0), second.advanced());
    return first;
  }

  private static Cost reverse(BinomialSchedule schedule, int n, int[] held) {
    schedule.finish(n);
    int[] advancedPerStep = new int[n];
    long advanced = 0;
    int state = -1;
    int expected = n - 1;
    while (schedule.next()) {
      if (schedule.restore() >= 0) {
        state = held[schedule.restore()];
        assertTrue(state >= 0, "restored an empty slot");
      }
      for (int a = 0; a < schedule.advance(); a++) {
        assertTrue(state >= 0 && state < n, "advanced from no state");
        advancedPerStep[state]++;
        state++;
        advanced++;
      }
      if (schedule.keep() >= 0) {
        held[schedule.keep()] = state;
      }
      if (schedule.reversed() >= 0) {
        assertEquals(expected, schedule.reversed(), "steps reversed last to first");
        assertEquals(expected, state, "the state is at the reversed step");
        expected--;
        state = -1;
      }
    }
    assertEquals(-1, expected, "every step reversed once");
    return new Cost(advanced, Arrays.stream(advancedPerStep).max().orElse(0));
  }

  /**
   * Revolve's minimum by brute force: T(1, c) = 0, T(l, 1) = l(l - 1) / 2, else the minimum over m of
   * m + T(l - m, c - 1) + T(m, c).
   */
  static long[][] bruteForce(int maxLength, int maxSlots) {
    long[][] t = new long[maxLength + 1][maxSlots + 1];
    for (int l = 2; l <= maxLength; l++) {
      t[l][1] = (long) l * (l - 1) / 2;
      for (int c = 2; c <= maxSlots; c++) {
        long best = Long.MAX_VALUE;
        for (int m = 1; m < l; m++) {
          best = Math.min(best, m + t[l - m][c - 1] + t[m][c]);
        }
        t[l][c] = best;
      }
    }
    return t;
  }

  @Test
  void revolvesFormulaIsTheBruteForceMinimum() {
    long[][] t = bruteForce(300, 8);
    for (int l = 1; l <= 300; l++) {
      for (int c = 1; c <= 8; c++) {
        assertEquals(t[l][c], BinomialSchedule.optimal(l, c), "l=" + l + ", c=" + c);
      }
    }
  }

  @Test
  void fromTheFirstSnapshotAloneTheReversalAdvancesRevolvesMinimum() {
    long[][] t = bruteForce(300, 8);
    for (int n = 1; n <= 300; n++) {
      for (int s = 1; s <= 8; s++) {
        assertEquals(t[n][s], simulate(n, s, false).advanced(), "n=" + n + ", s=" + s);
      }
    }
  }

  @Test
  void onlineSnapshotsNeverCostMoreThanRevolvesWholeSchedule() {
    long[][] t = bruteForce(400, 10);
    for (int n = 1; n <= 400; n++) {
      for (int s = 1; s <= 10; s++) {
        Cost online = simulate(n, s, true);
        assertTrue(online.advanced() <= t[n][s], "n=" + n + ", s=" + s + ": " + online + " vs " + t[n][s]);
        assertTrue(online.repetitions() <= BinomialSchedule.repetitions(n, s),
            "n=" + n + ", s=" + s + ": " + online + " vs r=" + BinomialSchedule.repetitions(n, s));
      }
    }
  }

  @Test
  void withASlotPerStepNothingIsAdvancedAgain() {
    for (int n = 1; n <= 50; n++) {
      assertEquals(new Cost(0, 0), simulate(n, n, true));
      assertEquals(new Cost(0, 0), simulate(n, n + 3, true));
    }
  }

  @Test
  void largeCountsStayNearRevolve() {
    for (int s : new int[] {2, 5, 20, 100}) {
      for (int n : new int[] {1000, 12_345, 100_000}) {
        Cost online = simulate(n, s, true);
        long optimal = BinomialSchedule.optimal(n, s);
        assertTrue(online.advanced() <= optimal, "n=" + n + ", s=" + s + ": " + online + " vs " + optimal);
        assertTrue(online.repetitions() <= BinomialSchedule.repetitions(n, s), "n=" + n + ", s=" + s + ": " + online);
      }
    }
  }
}
