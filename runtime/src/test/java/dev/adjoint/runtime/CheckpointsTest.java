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
  void switchesOncePastTheBudgetAndSnapshotsEverySegment() throws Exception {
    DoubleTape tape = new DoubleTape();
    tape.push(1);
    tape.push(2);
    Checkpoints c;
    try (AutoCloseable budget = Checkpoints.budget(80)) {
      c = Checkpoints.of(tape, null, null, null);
    }
    int trips = 0;
    int snapshots = 0;
    double[] state = {0.5, 1.5};
    for (; trips < 100; trips++) {
      if (c.taping(trips)) {
        tape.push(trips);
        tape.push(trips);
      } else if (c.snapshotDue(trips)) {
        c.put(trips);
        c.put(state);
        snapshots++;
      }
      state[0] += 1;
    }
    // 80 bytes are 5 iterations of two doubles: the 6th still starts within the budget, the 7th past it.
    assertTrue(c.checkpointed());
    assertEquals(6, c.recorded(trips));
    assertEquals(19, c.segments(trips), "94 iterations in segments of 5");
    assertEquals(19, snapshots);
    assertEquals(2 + 12, tape.size());
    assertEquals(4, c.restore(18, trips), "the last segment is short");
    assertEquals(96, c.getInt());
    double[] restored = c.getDoubles();
    assertSame(state, restored);
    assertArrayEquals(new double[] {96.5, 1.5}, restored);
    assertEquals(5, c.restore(0, trips));
    assertEquals(6, c.getInt());
    assertArrayEquals(new double[] {6.5, 1.5}, c.getDoubles());
  }

  @Test
  void aNegativeBudgetNeverCheckpoints() throws Exception {
    DoubleTape tape = new DoubleTape();
    Checkpoints c;
    try (AutoCloseable off = Checkpoints.budget(-1)) {
      c = Checkpoints.of(tape, null, null, null);
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
  void snapshotsOfMatricesIntsAndNulls() {
    Checkpoints c = Checkpoints.of(null, new IntTape(), null, null);
    double[][] m = {{1, 2}, {3}};
    double[] row = m[0];
    int[] k = {4, 5};
    boolean[] flags = {true, false};
    assertTrue(c.snapshotDue(0));
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
    c.restore(0, 1);
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
  void budgetsAreBytesWithOptionalUnits() {
    assertEquals(123, Checkpoints.parseBytes("123"));
    assertEquals(64L << 10, Checkpoints.parseBytes("64k"));
    assertEquals(16L << 20, Checkpoints.parseBytes("16M"));
    assertEquals(2L << 30, Checkpoints.parseBytes("2g"));
    assertEquals(-1, Checkpoints.parseBytes("-1"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Checkpoints.parseBytes("lots"));
    assertTrue(e.getMessage().contains(Checkpoints.BUDGET_PROPERTY), e.getMessage());
  }
}
