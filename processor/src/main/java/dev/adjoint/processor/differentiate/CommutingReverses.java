package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The check {@link FusedLoops} makes of a loop's reverse body before running each iteration's reverse right after
 * its forward: that the iterations' reverses commute. Split from {@link FusedLoops}, which decides what to fuse
 * and builds the fused sweeps; this is the one self-contained analysis of the reverse body's statements.
 */
final class CommutingReverses {
  private CommutingReverses() {}

  /**
   * Whether the loop's reverse body reads the same adjoints whatever order its iterations run in: restores only
   * of iteration-local variables, scalar adjoints of other variables only accumulated and never read where they
   * are written, adjoint arrays only accumulated into, pushes, saves and tape calls only inside replayed
   * stretches ({@link ReplayedStretches}), nothing else.
   */
  static boolean reverseCommutes(List<Stmt> reverse, Set<String> local) {
    Set<String> read = new HashSet<>();
    Set<String> written = new HashSet<>();
    boolean[] ok = {true};
    FusedLoops.walk(reverse, s -> {
      if (s instanceof Stmt.Restore r) {
        ok[0] &= r.target() instanceof Expr.Var v && local.contains(v.name());
      } else if (s instanceof Stmt.Assign a) {
        if (a.target() instanceof Expr.Var v) {
          if (v.name().startsWith(FusedLoops.ADJOINT)) {
            ok[0] &= local.contains(v.name().substring(FusedLoops.ADJOINT.length()));
          } else {
            // the primal of an iteration-local variable, or a temporary
            ok[0] &= local.contains(v.name()) || v.name().contains("$");
          }
        } else {
          ok[0] = false;
        }
        read.addAll(ExprWalk.variables(a.value()));
      } else if (s instanceof Stmt.Accumulate a) {
        if (a.target() instanceof Expr.Var v) {
          written.add(v.name());
        } else if (a.target() instanceof Expr.Index i && ExprWalk.root(i) != null
            && ExprWalk.root(i).name().startsWith(FusedLoops.ADJOINT)) {
          // _d_a[k] += ... or _d_m[j][k] += ...: the indices are read, the adjoint array only accumulated into
          Expr element = i;
          while (element instanceof Expr.Index at) {
            read.addAll(ExprWalk.variables(at.index()));
            element = at.array();
          }
          ok[0] &= element instanceof Expr.Var;
        } else {
          ok[0] = false;
        }
        read.addAll(ExprWalk.variables(a.value()));
      } else if (s instanceof Stmt.Declare d) {
        if (d.init() != null) {
          read.addAll(ExprWalk.variables(d.init()));
        }
      } else if (s instanceof Stmt.If i) {
        read.addAll(ExprWalk.variables(i.condition()));
      } else if (s instanceof Stmt.While l) {
        read.addAll(ExprWalk.variables(l.condition()));
      } else if (s instanceof Stmt.CountDown l) {
        read.addAll(ExprWalk.variables(l.start()));
      } else if (s instanceof Stmt.Push p) {
        // inside a replayed stretch (checked below): popped again by that stretch
        read.addAll(ExprWalk.variables(p.value()));
      } else if (s instanceof Stmt.Save sv) {
        ok[0] &= sv.target() instanceof Expr.Var v && local.contains(v.name());
      } else if (ReplayedStretches.isTapeCall(s)) {
        return;
      } else if (s instanceof Stmt.Effect e && FusedCalls.reverseCall(e.call())) {
        read.addAll(FusedCalls.reads(e.call()));
      } else {
        ok[0] &= s instanceof Stmt.Block || s instanceof Stmt.Comment;
      }
      for (Expr e : FusedLoops.expressions(s)) {
        ExprWalk.visit(e, x -> ok[0] &= !(x instanceof Expr.Call call && !(call.callee() instanceof Callee.MathFunction
            || call.callee() instanceof Callee.Static st && st.library() || isPartials(call)
            || FusedCalls.reverseCall(call))));
      }
    });
    // tapes written only inside replayed stretches, which leave them as they found them
    if (!ok[0] || !ReplayedStretches.bracketed(reverse)) {
      return false;
    }
    for (String v : read) {
      if (v.startsWith(FusedLoops.ADJOINT) && !local.contains(v.substring(FusedLoops.ADJOINT.length()))
          && (written.contains(v) || v.equals("_d__result"))) {
        return false;
      }
    }
    // adjoint arrays are read only as accumulation targets (collected apart above)
    for (String v : read) {
      if (v.startsWith(FusedLoops.ADJOINT) && !local.contains(v.substring(FusedLoops.ADJOINT.length()))) {
        for (Stmt s : reverse) {
          if (arrayAdjoint(s, v)) {
            return false;
          }
        }
      }
    }
    return true;
  }

  private static boolean isPartials(Expr.Call call) {
    return call.callee() instanceof Callee.Static st && st.owner().endsWith(".Partials");
  }

  private static boolean arrayAdjoint(Stmt s, String v) {
    boolean[] found = {false};
    FusedLoops.walk(List.of(s), x -> FusedLoops.expressions(x).forEach(e -> ExprWalk.visit(e,
        y -> found[0] |= y instanceof Expr.Var var && var.name().equals(v) && !(var.type() == Type.DOUBLE))));
    return found[0];
  }
}
