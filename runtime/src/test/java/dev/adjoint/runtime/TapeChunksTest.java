package dev.adjoint.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Released tapes give their full-size chunks to the next tapes on the thread; reuse never mixes up values. */
class TapeChunksTest {
  /** Empties this thread's pool, so that the counts below start from zero. */
  private static void drain() {
    while (TapeChunks.hasDoubles()) {
      TapeChunks.doubles();
    }
    while (TapeChunks.hasInts()) {
      TapeChunks.ints();
    }
    while (TapeChunks.hasRefs()) {
      TapeChunks.refs();
    }
  }

  @Test
  void releaseKeepsTheFullChunksAndTheNextTapeTakesThem() {
    drain();
    DoubleTape first = new DoubleTape();
    int n = 3 * DoubleTape.CHUNK + 5;
    for (int i = 0; i < n; i++) {
      first.push(-1.0 - i);
    }
    first.release();
    // the first chunk grew to full size, three more started full-size
    assertEquals(4, TapeChunks.counts()[0]);
    DoubleTape second = new DoubleTape();
    for (int i = 0; i < n; i++) {
      second.push(i * 0.25);
    }
    assertEquals(0, TapeChunks.counts()[0]);
    for (int pass = 0; pass < 2; pass++) {
      second.rewind();
      for (int i = n - 1; i >= 0; i--) {
        assertEquals(i * 0.25, second.pop());
      }
    }
  }

  @Test
  void intsAreReusedAcrossChunkBoundaries() {
    drain();
    IntTape first = new IntTape();
    for (int i = 0; i < 2 * IntTape.CHUNK; i++) {
      first.push(7);
    }
    first.release();
    assertEquals(2, TapeChunks.counts()[1]);
    IntTape second = new IntTape();
    for (int i = 0; i < IntTape.CHUNK + 3; i++) {
      second.push(i);
      second.pushLong(-i);
    }
    second.rewind();
    for (int i = IntTape.CHUNK + 2; i >= 0; i--) {
      assertEquals(-i, second.popLong());
      assertEquals(i, second.pop());
    }
  }

  @Test
  void keptReferenceChunksHoldNothing() {
    drain();
    RefTape tape = new RefTape();
    double[] a = {1};
    for (int i = 0; i < RefTape.CHUNK + 1; i++) {
      tape.push(a);
    }
    tape.release();
    assertEquals(2, TapeChunks.counts()[2]);
    List<Object[]> kept = new ArrayList<>();
    while (TapeChunks.hasRefs()) {
      kept.add(TapeChunks.refs());
    }
    assertEquals(2, kept.size());
    assertNotSame(kept.get(0), kept.get(1));
    for (Object[] chunk : kept) {
      for (Object o : chunk) {
        assertNull(o);
      }
    }
  }

  @Test
  void aReleasedTapeRecordsAnewWithoutSharingAChunk() {
    drain();
    RefTape one = new RefTape();
    double[] a = {1};
    double[] b = {2};
    for (int i = 0; i < RefTape.CHUNK + 1; i++) {
      one.push(a);
    }
    one.release();
    RefTape two = new RefTape();
    two.push(b);
    one.push(a);
    one.rewind();
    two.rewind();
    assertSame(a, one.<double[]>pop());
    assertSame(b, two.<double[]>pop());
    assertEquals(0, one.cursor());
    assertEquals(0, two.cursor());
    assertTrue(TapeChunks.counts()[2] <= 1, "each kept chunk went to one tape at most");
  }

  @Test
  void poolsArePerThread() throws InterruptedException {
    drain();
    DoubleTape tape = new DoubleTape();
    for (int i = 0; i < DoubleTape.CHUNK; i++) {
      tape.push(i);
    }
    tape.release();
    int[] elsewhere = new int[1];
    Thread other = new Thread(() -> elsewhere[0] = TapeChunks.counts()[0]);
    other.start();
    other.join();
    assertEquals(0, elsewhere[0]);
    assertEquals(1, TapeChunks.counts()[0]);
  }
}
