package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.TapeKind;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Replayed stretches in a loop iteration's reverse ({@link FusedLoops}): the reverse of a running extremum of a
 * computed value ({@link ComputedExtrema}) replays one inner iteration, or on a tie, a NaN or an infinity the whole
 * inner loop, onto the tapes between {@code beginReplay} and {@code endReplay} and reverses it there. A tape's
 * {@code endReplay} puts its size and read cursor back where its {@code beginReplay} found them, so such a stretch
 * leaves the tapes as it found them and reads only what it pushed itself (after its {@code rewind}); the pops
 * around it read the iteration's own records as before.
 *
 * <p>{@link #bracketed} accepts a reverse whose pushes, saves and {@code rewind}s of each tape all lie inside a
 * stretch of that tape, whose stretches open and close in the same statement list (so every path through an
 * {@code if} or a loop body closes what it opened), and whose only calls of tape members are those three.
 */
final class ReplayedStretches {
  private ReplayedStretches() {}

  /** Whether {@code s} is {@code tape.beginReplay()}, {@code tape.rewind()} or {@code tape.endReplay()}. */
  static boolean isTapeCall(Stmt s) {
    return s instanceof Stmt.Effect e && e.call().callee() instanceof Callee.TapeMember m
        && (m.name().equals("beginReplay") || m.name().equals("rewind") || m.name().equals("endReplay"))
        && tape(e) != null;
  }

  /** Whether the tape operations of {@code reverse} stay inside balanced replayed stretches (see above). */
  static boolean bracketed(List<Stmt> reverse) {
    return bracketed(reverse, new EnumMap<>(TapeKind.class));
  }

  private static boolean bracketed(List<Stmt> statements, Map<TapeKind, Integer> open) {
    Map<TapeKind, Integer> start = new EnumMap<>(open);
    for (Stmt s : statements) {
      if (s instanceof Stmt.Effect e) {
        if (!isTapeCall(s)) {
          return false;
        }
        TapeKind t = tape(e);
        int depth = open.getOrDefault(t, 0);
        String name = ((Callee.TapeMember) e.call().callee()).name();
        if (name.equals("beginReplay")) {
          open.put(t, depth + 1);
        } else if (depth == 0) {
          return false;
        } else if (name.equals("endReplay")) {
          open.put(t, depth - 1);
        }
      } else if (s instanceof Stmt.Push p) {
        if (open.getOrDefault(p.tape(), 0) == 0) {
          return false;
        }
      } else if (s instanceof Stmt.Save p) {
        if (open.getOrDefault(p.tape(), 0) == 0) {
          return false;
        }
      } else if (s instanceof Stmt.Block b) {
        if (!bracketed(b.statements(), new EnumMap<>(open))) {
          return false;
        }
      } else if (s instanceof Stmt.If i) {
        if (!bracketed(i.then().statements(), new EnumMap<>(open))
            || !bracketed(i.otherwise().statements(), new EnumMap<>(open))) {
          return false;
        }
      } else if (s instanceof Stmt.While l) {
        if (!bracketed(l.body().statements(), new EnumMap<>(open))) {
          return false;
        }
      } else if (s instanceof Stmt.CountDown l) {
        if (!bracketed(l.body().statements(), new EnumMap<>(open))) {
          return false;
        }
      }
    }
    for (TapeKind t : TapeKind.values()) {
      if (open.getOrDefault(t, 0).intValue() != start.getOrDefault(t, 0).intValue()) {
        return false;
      }
    }
    return true;
  }

  private static TapeKind tape(Stmt.Effect e) {
    if (e.call().args().size() != 1 || !(e.call().args().get(0) instanceof Expr.Var v)) {
      return null;
    }
    for (TapeKind t : TapeKind.values()) {
      if (t.variable.equals(v.name())) {
        return t;
      }
    }
    return null;
  }
}
