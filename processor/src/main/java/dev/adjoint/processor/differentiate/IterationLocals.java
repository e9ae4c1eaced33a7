package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.Stmt;
import java.util.List;

/**
 * Which variables a fused loop body ({@link FusedLoops}) writes before it reads them in every iteration: their
 * values never cross from one iteration to the next. A definite-assignment scan over the body's statements, as
 * Java's own: a write on both branches of an {@code if} is a write; a write on one branch, or in a nested loop
 * (which may run zero times), is a write only for the reads that follow it on the same path, so after it {@code v}
 * may be written again but not read ({@code theta} of a Rodrigues rotation computed only when the angle is not
 * zero, {@code dist} of kmeans' inner loop over centroids).
 */
final class IterationLocals {
  private IterationLocals() {}

  /** What the statements scanned so far do to {@code v} on the paths through them. */
  private enum State {
    /** not met on any path */
    UNMET,
    /** written on every path before any read */
    WRITTEN,
    /** written on some paths, met on no other, read on none but after a write on the same path */
    PARTIAL,
    /** possibly read before it is written */
    FAIL
  }

  /**
   * Whether every read of {@code v} in an iteration of {@code body} follows a write of {@code v} in that iteration
   * on the same path, and {@code body} writes it.
   */
  static boolean iterationLocal(List<Stmt> body, String v) {
    State s = scan(body, v, State.UNMET);
    return s == State.WRITTEN || s == State.PARTIAL;
  }

  /**
   * Whether no path through {@code statements} reads {@code v} before writing it (it may write it, or not meet it):
   * what {@code v} held before them is never read.
   */
  static boolean writtenBeforeRead(List<Stmt> statements, String v) {
    return scan(statements, v, State.UNMET) != State.FAIL;
  }

  private static State scan(List<Stmt> statements, String v, State in) {
    State st = in;
    for (Stmt s : statements) {
      if (st == State.WRITTEN) {
        return st;
      }
      if (s instanceof Stmt.Comment) {
        continue;
      }
      if (s instanceof Stmt.Assign a && a.target() instanceof Expr.Var t && t.name().equals(v)) {
        if (reads(a.value(), v)) {
          return State.FAIL;
        }
        st = State.WRITTEN;
      } else if (s instanceof Stmt.If i) {
        if (reads(i.condition(), v)) {
          return State.FAIL;
        }
        State then = scan(i.then().statements(), v, st);
        State otherwise = scan(i.otherwise().statements(), v, st);
        if (then == State.FAIL || otherwise == State.FAIL) {
          return State.FAIL;
        }
        st = then == otherwise ? then : State.PARTIAL;
      } else if (s instanceof Stmt.Block b) {
        st = scan(b.statements(), v, st);
        if (st == State.FAIL) {
          return st;
        }
      } else if (s instanceof Stmt.While w) {
        if (reads(w.condition(), v)) {
          return State.FAIL;
        }
        // every inner iteration on its own: a value left by an earlier inner iteration must not be read
        State body = scan(w.body().statements(), v, State.UNMET);
        if (body == State.FAIL) {
          return body;
        }
        if (body != State.UNMET) {
          st = State.PARTIAL;
        }
      } else if (meets(List.of(s), v)) {
        return State.FAIL;
      }
    }
    return st;
  }

  private static boolean reads(Expr e, String v) {
    return ExprWalk.variables(e).contains(v);
  }

  /** Whether any statement of {@code statements}, nested ones included, assigns or reads {@code v}. */
  static boolean meets(List<Stmt> statements, String v) {
    boolean[] met = {false};
    FusedLoops.walk(statements, x -> {
      if (x instanceof Stmt.Assign a && a.target() instanceof Expr.Var t && t.name().equals(v)) {
        met[0] = true;
      }
      if (x instanceof Stmt.Save sv && ExprWalk.variables(sv.target()).contains(v)
          || x instanceof Stmt.Restore r && ExprWalk.variables(r.target()).contains(v)) {
        met[0] = true;
      }
      for (Expr e : FusedLoops.expressions(x)) {
        met[0] |= ExprWalk.variables(e).contains(v);
      }
    });
    return met[0];
  }
}
