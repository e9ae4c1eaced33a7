package dev.adjoint.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Tape replays (what a checkpointed segment records goes above the tape and is dropped after) and snapshots. */
class CheckpointsTest {
  @Test
  void aReplayIsReadAloneAndDroppedAcrossChunks() {
    for (int stored : new int[] {0, 5, DoubleTape.CHUNK, DoubleTape.CHUNK + 3}) {
      DoubleTape doubles = new DoubleTape();
      IntTape ints = new IntTape();
      RefTape refs = new RefTape();
      for (int i = 0; i < stored; i++) {
        doubles.push(i);
        ints.push(i);
        refs.push("s" + i);
      }
      doubles.rewind();
      ints.rewind();
      refs.rewind();
      int consumed = Math.min(2, stored);
      for (int i = 0; i < consumed; i++) {
        assertEquals(stored - 1 - i, doubles.pop());
        ints.pop();
        refs.pop();
      }
      for (int round = 0; round < 3; round++) {
        int replayed = 2 * DoubleTape.CHUNK + 11 * round;
        doubles.beginReplay();
        ints.beginReplay();
        refs.beginReplay();
        for (int i = 0; i < replayed; i++) {
          doubles.push(-i);
          ints.push(-i);
          refs.push("r" + i);
        }
        doubles.rewind();
        ints.rewind();
        refs.rewind();
        for (int i = replayed - 1; i >= 0; i--) {
          assertEquals(-i, doubles.pop());
          assertEquals(-i, ints.pop());
          assertEquals("r" + i, refs.pop());
        }
        doubles.endReplay();
        ints.endReplay();
        refs.endReplay();
        assertEquals(stored, doubles.size());
      }
      // reading goes on below where it was before the replays
      for (int i = stored - 1 - consumed; i >= 0; i--) {
        assertEquals(i, doubles.pop());
        assertEquals(i, ints.pop());
        assertEquals("s" + i, refs.pop());
      }
      assertThrows(IllegalStateException.class, doubles::pop);
      // and the tape still grows and rewinds as before
      doubles.push(99);
      doubles.rewind();
      assertEquals(99, doubles.pop());
    }
  }

  @Test
  void replaysNestAndEndInnermostFirst() {
    IntTape tape = new IntTape();
    tape.push(1);
    tape.rewind();
    tape.beginReplay();
    tape.push(2);
    tape.rewind();
    assertEquals(2, tape.pop());
    tape.beginReplay();
    tape.push(3);
    tape.push(4);
    tape.rewind();
    assertEquals(4, tape.pop());
    tape.endReplay();
    // the outer replay's cursor and end are back: its value was read, the next read is below it
    assertEquals(2, tape.size());
    assertEquals(1, tape.pop());
    tape.endReplay();
    assertEquals(1, tape.size());
    assertThrows(IllegalStateException.class, tape::endReplay);
  }

  @Test
  void seekReadsAStretchAndPutsTheCursorBack() {
    DoubleTape tape = new DoubleTape();
    for (int k = 0; k < 3 * DoubleTape.CHUNK + 5; k++) {
      tape.push(k);
    }
    tape.rewind();
    assertEquals(3 * DoubleTape.CHUNK + 4, tape.pop());
    long caller = tape.cursor();
    tape.seek(2 * DoubleTape.CHUNK);
    assertEquals(2 * DoubleTape.CHUNK - 1, tape.pop());
    assertEquals(2 * DoubleTape.CHUNK - 2, tape.pop());
    tape.seek(caller);
    assertEquals(3 * DoubleTape.CHUNK + 3, tape.pop());
  }

  @Test
  void switchesOncePastTheBudgetAndReversesEveryIterationOnceFromSnapshots() throws Exception {
    for (int slots : new int[] {1, 2, 3, 7, 100}) {
      DoubleTape tape = new DoubleTape();
      tape.push(-1);
      tape.push(-2);
      Checkpoints c;
      try (AutoCloseable budget = Checkpoints.budget(80)) {
        c = Checkpoints.of(tape, null, null);
      }
      c.slotLimit(slots);
      int trips = 0;
      int[] counter = {0};
      double[] state = {0.5, 1.5};
      for (; trips < 100; trips++) {
        if (c.taping(trips)) {
          tape.push(counter[0]);
          tape.push(state[0]);
        } else if (c.snapshotDue(trips)) {
          c.put(counter[0]);
          c.put(state);
        }
        counter[0]++;
        state[0] += 1;
      }
      // 80 bytes are 5 iterations of two doubles: the 6th still starts within the budget, the 7th past it.
      assertTrue(c.checkpointed());
      assertEquals(6, c.recorded(trips));
      assertEquals(19, c.segments(trips), "94 iterations in segments of 5");
      assertEquals(slots, c.slots());
      assertEquals(2 + 12, tape.size());
      // The reversal: the state is a counter of iterations, each replayed iteration records it, and the
      // reverse pops them: they must come out last to first, 99 down to 0, and the tape end as it began.
      tape.rewind();
      int expected = trips - 1;
      int actions = 0;
      long advanced = 0;
      int x = -1;
      while (c.next(trips)) {
        actions++;
        if (c.restoring()) {
          x = c.getInt();
          assertSame(state, c.getDoubles());
          assertEquals(x + 0.5, state[0]);
        }
        for (int i = c.advancing(); i > 0; i--) {
          x++;
          state[0] += 1;
          advanced++;
        }
        if (c.taking()) {
          c.put(x);
          c.put(state);
        }
        int replay = c.replaying();
        for (int i = replay; i > 0; i--) {
          tape.push(x);
          tape.push(state[0]);
          x++;
          state[0] += 1;
        }
        for (int i = c.reversing(); i > 0; i--) {
          assertEquals(expected + 0.5, tape.pop(), "slots " + slots);
          assertEquals(expected, tape.pop());
          expected--;
        }
        c.reversed();
      }
      assertEquals(-1, expected, "every iteration reversed");
      assertEquals(-2, tape.pop());
      assertEquals(-1, tape.pop());
      // segments of 5 iterations, advanced no more than revolve's minimum for 19 segments
      assertTrue(advanced <= 5 * BinomialSchedule.optimal(19, slots), advanced + " advanced, slots " + slots);
      assertTrue(actions >= 20, "19 segments and the recorded ones");
    }
  }

  @Test
  void limitAndPastDecideAsTapingWithoutAnObjectWithinTheBudget() throws Exception {
    for (long budget : new long[] {0, 80, 8000, -1}) {
      DoubleTape byObject = new DoubleTape();
      DoubleTape byLimit = new DoubleTape();
      byObject.push(-1);
      byLimit.push(-1);
      try (AutoCloseable b = Checkpoints.budget(budget)) {
        Checkpoints c = Checkpoints.of(byObject, null, null);
        long limit = Checkpoints.limit(byLimit, null, null);
        Checkpoints made = null;
        for (int trips = 0; trips < 60; trips++) {
          boolean taping = c.taping(trips);
          if (made == null) {
            made = Checkpoints.past(limit, trips, byLimit, null, null);
          }
          assertEquals(taping, made == null, "budget " + budget + ", trip " + trips);
          if (taping) {
            byObject.push(trips);
            byObject.push(trips);
            byLimit.push(trips);
            byLimit.push(trips);
          }
        }
        if (budget < 0 || budget == 8000) {
          assertNull(made, "within the budget: no Checkpoints");
          // the reversal of a loop within its budget: one action reversing every iteration
          assertTrue(Checkpoints.next(made, 0, 60));
          assertFalse(Checkpoints.restoring(made));
          assertEquals(0, Checkpoints.advancing(made));
          assertFalse(Checkpoints.taking(made));
          assertEquals(0, Checkpoints.replaying(made));
          assertEquals(60, Checkpoints.reversing(made, 60));
          Checkpoints.reversed(made);
          assertFalse(Checkpoints.next(made, 1, 60));
        } else {
          assertEquals(c.recorded(60), made.recorded(60));
          assertEquals(c.segments(60), made.segments(60));
        }
      }
    }
  }

  @Test
  void aNegativeBudgetNeverCheckpoints() throws Exception {
    DoubleTape tape = new DoubleTape();
    Checkpoints c;
    try (AutoCloseable off = Checkpoints.budget(-1)) {
      c = Checkpoints.of(tape, null, null);
    }
    for (int i = 0; i < 10_000; i++) {
      assertTrue(c.taping(i));
      tape.push(i);
    }
    assertFalse(c.checkpointed());
    assertEquals(0, c.segments(10_000));
    assertEquals(10_000, c.recorded(10_000));
  }

  @Test
  void snapshotsOfMatricesIntsAndNulls() throws Exception {
    IntTape tape = new IntTape();
    Checkpoints c;
    try (AutoCloseable budget = Checkpoints.budget(0)) {
      c = Checkpoints.of(null, tape, null);
    }
    assertTrue(c.taping(0));
    tape.push(1);
    assertFalse(c.taping(1));
    double[][] m = {{1, 2}, {3}};
    double[] row = m[0];
    int[] k = {4, 5};
    boolean[] flags = {true, false};
    assertTrue(c.snapshotDue(1));
    c.put(m);
    c.put(k);
    c.put(flags);
    c.put((double[]) null);
    c.put(-7L);
    c.put(true);
    m[0] = new double[] {9};
    m[1][0] = 8;
    k[1] = 0;
    flags[1] = true;
    assertTrue(c.next(2));
    assertTrue(c.restoring());
    assertSame(m, c.getMatrix());
    assertSame(row, m[0]);
    assertArrayEquals(new double[] {1, 2}, m[0]);
    assertArrayEquals(new double[] {3}, m[1]);
    assertArrayEquals(new int[] {4, 5}, c.getInts());
    assertSame(flags, c.getBooleans());
    assertArrayEquals(new boolean[] {true, false}, flags);
    assertNull(c.getDoubles());
    assertEquals(-7L, c.getLong());
    assertTrue(c.getBoolean());
  }

  @Test
  void theSnapshotCapIsAWholeNumberOfAtLeastTwo() {
    String before = System.getProperty(Checkpoints.SNAPSHOTS_PROPERTY);
    try {
      System.clearProperty(Checkpoints.SNAPSHOTS_PROPERTY);
      assertEquals(1 << 16, CheckpointBudget.maxSnapshots());
      System.setProperty(Checkpoints.SNAPSHOTS_PROPERTY, "12");
      assertEquals(12, CheckpointBudget.maxSnapshots());
      for (String wrong : new String[] {"1", "many"}) {
        System.setProperty(Checkpoints.SNAPSHOTS_PROPERTY, wrong);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, CheckpointBudget::maxSnapshots);
        assertTrue(e.getMessage().contains("at least 2, not '" + wrong + "'"), e.getMessage());
      }
    } finally {
      if (before == null) {
        System.clearProperty(Checkpoints.SNAPSHOTS_PROPERTY);
      } else {
        System.setProperty(Checkpoints.SNAPSHOTS_PROPERTY, before);
      }
    }
  }

  @Test
  void budgetsAreBytesWithOptionalUnits() {
    assertEquals(123, CheckpointBudget.parseBytes("123"));
    assertEquals(64L << 10, CheckpointBudget.parseBytes("64k"));
    assertEquals(16L << 20, CheckpointBudget.parseBytes("16M"));
    assertEquals(2L << 30, CheckpointBudget.parseBytes("2g"));
    assertEquals(-1, CheckpointBudget.parseBytes("-1"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CheckpointBudget.parseBytes("lots"));
    assertTrue(e.getMessage().contains(Checkpoints.BUDGET_PROPERTY), e.getMessage());
  }
}
