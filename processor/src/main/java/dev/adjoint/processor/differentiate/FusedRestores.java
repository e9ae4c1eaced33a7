package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.Stmt;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * In a fused iteration ({@link FusedLoops}), the value an iteration-local variable had before the iteration wrote
 * it is put back by the iteration's reverse only for what reads the variable after that point; when nothing does,
 * the save and the restore are dropped: the iteration pushes nothing for it. Exact because the variable is
 * iteration-local (the next iteration writes it before reading it) and met nowhere outside the loop, so no later
 * statement can tell its value was not put back.
 *
 * <p>Per variable and conservative: every restore of it in the iteration's reverse must be outside any loop of the
 * reverse, every save of it in the iteration's forward outside any nested loop, as many saves as restores, and no
 * statement after a restore (in the reverse's textual order, nested statements included) may read the variable;
 * otherwise all its saves and restores stay.
 */
final class FusedRestores {
  private FusedRestores() {}

  /** Removes from {@code forward} and {@code reverse} the saves and restores of {@code local} variables no one reads. */
  static void drop(List<Stmt> forward, List<Stmt> reverse, Set<String> local) {
    for (String v : local) {
      if (dead(forward, reverse, v)) {
        List<Stmt> f = without(forward, v);
        forward.clear();
        forward.addAll(f);
        List<Stmt> r = without(reverse, v);
        reverse.clear();
        reverse.addAll(r);
      }
    }
  }

  private static boolean dead(List<Stmt> forward, List<Stmt> reverse, String v) {
    int[] saves = {0};
    boolean[] ok = {true};
    visit(forward, false, (s, inLoop) -> {
      if (s instanceof Stmt.Save sv && isVar(sv.target(), v)) {
        saves[0]++;
        ok[0] &= !inLoop;
      }
    });
    int[] restores = {0};
    boolean[] after = {false};
    visit(reverse, false, (s, inLoop) -> {
      if (s instanceof Stmt.Restore r && isVar(r.target(), v)) {
        restores[0]++;
        ok[0] &= !inLoop;
        after[0] = true;
        return;
      }
      if (s instanceof Stmt.Save sv && ExprWalk.variables(sv.target()).contains(v)
          || s instanceof Stmt.Restore r && ExprWalk.variables(r.target()).contains(v)) {
        ok[0] = false;
      }
      if (after[0]) {
        for (Expr e : FusedLoops.expressions(s)) {
          ok[0] &= !ExprWalk.variables(e).contains(v);
        }
        // a target naming v: v written again (a recomputation, an undo) or an element index read
        if (s instanceof Stmt.Assign a) {
          ok[0] &= !ExprWalk.variables(a.target()).contains(v);
        } else if (s instanceof Stmt.Accumulate a) {
          ok[0] &= !ExprWalk.variables(a.target()).contains(v);
        }
      }
    });
    return ok[0] && saves[0] > 0 && saves[0] == restores[0];
  }

  private static boolean isVar(Expr target, String v) {
    return target instanceof Expr.Var t && t.name().equals(v);
  }

  private interface Visitor {
    void accept(Stmt s, boolean inLoop);
  }

  private static void visit(List<Stmt> statements, boolean inLoop, Visitor visitor) {
    for (Stmt s : statements) {
      visitor.accept(s, inLoop);
      if (s instanceof Stmt.Block b) {
        visit(b.statements(), inLoop, visitor);
      } else if (s instanceof Stmt.If i) {
        visit(i.then().statements(), inLoop, visitor);
        visit(i.otherwise().statements(), inLoop, visitor);
      } else if (s instanceof Stmt.While l) {
        visit(l.body().statements(), true, visitor);
      } else if (s instanceof Stmt.CountDown l) {
        visit(l.body().statements(), true, visitor);
      } else if (s instanceof Stmt.DoWhile l) {
        visit(l.body().statements(), true, visitor);
      }
    }
  }

  /** {@code statements} without the saves and restores of {@code v} (outside loops, where {@link #dead} found them). */
  private static List<Stmt> without(List<Stmt> statements, String v) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt s : statements) {
      if (s instanceof Stmt.Save sv && isVar(sv.target(), v) || s instanceof Stmt.Restore r && isVar(r.target(), v)) {
        // the comment naming the restored statement stays: it heads the statement's reverse
        continue;
      }
      if (s instanceof Stmt.Block b) {
        out.add(new Stmt.Block(without(b.statements(), v), b.origin()));
      } else if (s instanceof Stmt.If i) {
        out.add(new Stmt.If(i.condition(), new Stmt.Block(without(i.then().statements(), v), i.then().origin()),
            new Stmt.Block(without(i.otherwise().statements(), v), i.otherwise().origin()), i.origin()));
      } else {
        out.add(s);
      }
    }
    return out;
  }
}
