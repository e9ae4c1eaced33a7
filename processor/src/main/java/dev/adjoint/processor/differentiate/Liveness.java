package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.Stmt;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Backward liveness of variables over lowered, structured sweep code: which variables some path reads before
 * writing them. A loop may run zero times; an {@code if} writes only what both branches write; element and
 * accumulation targets read their array. Reads are every variable an expression mentions, so the answer errs
 * on the live side.
 */
final class Liveness {
  private Liveness() {}

  /** Whether every statement in {@code statements} is a form this analysis knows (lowered sweep code). */
  static boolean known(List<Stmt> statements) {
    for (Stmt s : statements) {
      boolean ok;
      if (s instanceof Stmt.Block b) {
        ok = known(b.statements());
      } else if (s instanceof Stmt.If i) {
        ok = known(i.then().statements()) && known(i.otherwise().statements());
      } else if (s instanceof Stmt.While w) {
        ok = known(w.body().statements());
      } else if (s instanceof Stmt.CountDown c) {
        ok = known(c.body().statements());
      } else {
        ok = s instanceof Stmt.Declare || s instanceof Stmt.Assign || s instanceof Stmt.Accumulate
            || s instanceof Stmt.Effect || s instanceof Stmt.Push || s instanceof Stmt.Save
            || s instanceof Stmt.Restore || s instanceof Stmt.Forward || s instanceof Stmt.Comment;
      }
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** The variables live before {@code statements} when {@code liveAfter} are live after them. */
  static Set<String> exposed(List<Stmt> statements, Set<String> liveAfter) {
    Set<String> live = new HashSet<>(liveAfter);
    for (int k = statements.size() - 1; k >= 0; k--) {
      live = before(statements.get(k), live);
    }
    return live;
  }

  private static Set<String> before(Stmt s, Set<String> after) {
    if (s instanceof Stmt.Block b) {
      return exposed(b.statements(), after);
    }
    if (s instanceof Stmt.If i) {
      Set<String> out = exposed(i.then().statements(), after);
      out.addAll(exposed(i.otherwise().statements(), after));
      out.addAll(ExprWalk.variables(i.condition()));
      return out;
    }
    if (s instanceof Stmt.While w) {
      // live at the head: after, the condition, and what the body reads given the head (to a fixpoint)
      return loopHead(w.body().statements(), after, ExprWalk.variables(w.condition()));
    }
    if (s instanceof Stmt.CountDown c) {
      Set<String> head = loopHead(c.body().statements(), after, List.of());
      head.remove(c.counter());
      head.addAll(ExprWalk.variables(c.start()));
      return head;
    }
    Set<String> live = new HashSet<>(after);
    if (s instanceof Stmt.Declare d) {
      live.remove(d.variable().name());
      if (d.init() != null) {
        live.addAll(ExprWalk.variables(d.init()));
      }
    } else if (s instanceof Stmt.Assign a) {
      write(a.target(), live);
      live.addAll(ExprWalk.variables(a.value()));
    } else if (s instanceof Stmt.Restore r) {
      write(r.target(), live);
    } else if (s instanceof Stmt.Accumulate a) {
      live.addAll(ExprWalk.variables(a.target()));
      live.addAll(ExprWalk.variables(a.value()));
    } else if (s instanceof Stmt.Effect e) {
      live.addAll(ExprWalk.variables(e.call()));
    } else if (s instanceof Stmt.Push p) {
      live.addAll(ExprWalk.variables(p.value()));
    } else if (s instanceof Stmt.Save p) {
      live.addAll(ExprWalk.variables(p.target()));
    } else if (s instanceof Stmt.Forward f) {
      f.holes().forEach(h -> live.addAll(ExprWalk.variables(h)));
    }
    return live;
  }

  private static Set<String> loopHead(List<Stmt> body, Set<String> after, List<String> condition) {
    Set<String> head = new HashSet<>(after);
    head.addAll(condition);
    while (true) {
      Set<String> next = exposed(body, head);
      next.addAll(after);
      next.addAll(condition);
      if (next.equals(head)) {
        return head;
      }
      head = next;
    }
  }

  /** A write to {@code target}: kills a whole variable, reads the array and indices of an element. */
  private static void write(Expr target, Set<String> live) {
    if (target instanceof Expr.Var v) {
      live.remove(v.name());
    } else {
      live.addAll(ExprWalk.variables(target));
    }
  }
}
