package dev.adjoint.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The primitive tapes: last in, first out across chunk boundaries, rewindable, releasable. */
class TapeTest {
  @Test
  void doublesComeBackInReverseOrderAcrossChunks() {
    DoubleTape tape = new DoubleTape();
    int n = 3 * DoubleTape.CHUNK + 17;
    for (int i = 0; i < n; i++) {
      tape.push(i * 0.5);
    }
    assertEquals(n, tape.size());
    for (int pass = 0; pass < 2; pass++) {
      tape.rewind();
      for (int i = n - 1; i >= 0; i--) {
        assertEquals(i * 0.5, tape.pop());
      }
      assertThrows(IllegalStateException.class, tape::pop);
    }
  }

  @Test
  void exactlyFullChunksAndEmptyTapes() {
    DoubleTape tape = new DoubleTape();
    tape.rewind();
    assertThrows(IllegalStateException.class, tape::pop);
    for (int i = 0; i < 2 * DoubleTape.CHUNK; i++) {
      tape.push(i);
    }
    tape.rewind();
    for (int i = 2 * DoubleTape.CHUNK - 1; i >= 0; i--) {
      assertEquals(i, tape.pop());
    }
  }

  @Test
  void intsAndLongs() {
    IntTape tape = new IntTape();
    for (int i = 0; i < IntTape.CHUNK + 5; i++) {
      tape.push(-i);
      tape.pushLong(Long.MIN_VALUE + i);
    }
    tape.rewind();
    for (int i = IntTape.CHUNK + 4; i >= 0; i--) {
      assertEquals(Long.MIN_VALUE + i, tape.popLong());
      assertEquals(-i, tape.pop());
    }
  }

  @Test
  void referencesAndRelease() {
    RefTape tape = new RefTape();
    double[] a = {1};
    tape.push(a);
    tape.push(null);
    tape.rewind();
    assertEquals(null, tape.<double[]>pop());
    assertSame(a, tape.<double[]>pop());
    tape.release();
    assertEquals(0, tape.size());
    tape.push(a);
    tape.rewind();
    assertSame(a, tape.<double[]>pop());
  }

  @Test
  void pushedReturnsWhatItPushes() {
    RefTape tape = new RefTape();
    double[] a = {1};
    double[] b = {2};
    assertSame(a, tape.pushed(a));
    assertSame(b, tape.pushed(b));
    assertEquals(2, tape.size());
    tape.rewind();
    assertSame(b, tape.<double[]>pop());
    assertSame(a, tape.<double[]>pop());
  }

  @Test
  void flagsPushedAfterTheirValue() {
    IntTape tape = new IntTape();
    String text = "t";
    assertEquals(2.5, tape.pushed(1, 2.5));
    assertSame(text, tape.pushed(0, text));
    assertEquals(2, tape.size());
    tape.rewind();
    assertEquals(0, tape.pop());
    assertEquals(1, tape.pop());
  }
}
