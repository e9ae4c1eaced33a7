package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which leading assignments of a loop body the reverse sweep recomputes instead of storing.
 *
 * <p>Statement {@code j} of the prefix qualifies when it assigns a {@code double} local that has no other
 * assignment in the method, from an expression without calls to other {@code @Differentiable} methods that
 * reads only earlier prefix locals and values no statement of the body changes — except the body's last
 * statement (typically the counter update {@code i = i + 1}, which the reverse sweep undoes first). Then,
 * at the start of each reverse iteration (after undoing that last statement), re-running the prefix gives
 * exactly the values the forward iteration had.
 *
 * @param prefix how many leading statements are recomputed
 * @param variables the locals they assign
 * @param afterLast whether the recomputation must follow the reverse of the body's last statement
 */
record RecomputePlan(int prefix, Set<String> variables, boolean afterLast) {
  static RecomputePlan of(List<Stmt> body, Map<String, Integer> assignmentCounts) {
    int n = body.size();
    if (n < 2) {
      return new RecomputePlan(0, Set.of(), false);
    }
    List<Set<String>> modifies = new ArrayList<>();
    for (Stmt s : body) {
      Set<String> m = new HashSet<>();
      modified(s, m);
      modifies.add(m);
    }
    Set<String> lastModifies = modifies.get(n - 1);
    Set<String> prefixVariables = new HashSet<>();
    boolean afterLast = false;
    int p = 0;
    for (; p < n - 1; p++) {
      if (!(body.get(p) instanceof Stmt.Assign a) || !(a.target() instanceof Expr.Var v) || v.type() != Type.DOUBLE
          || assignmentCounts.getOrDefault(v.name(), 0) != 1 || hasDifferentiableCall(a.value())) {
        break;
      }
      boolean ok = true;
      boolean readsLast = false;
      for (String r : ExprWalk.variables(a.value())) {
        if (prefixVariables.contains(r)) {
          continue;
        }
        if (r.equals(v.name())) {
          ok = false;
          break;
        }
        for (int k = 0; k < n - 1; k++) {
          if (modifies.get(k).contains(r)) {
            ok = false;
          }
        }
        readsLast |= lastModifies.contains(r);
      }
      if (!ok) {
        break;
      }
      prefixVariables.add(v.name());
      afterLast |= readsLast;
    }
    if (p == 0) {
      return new RecomputePlan(0, Set.of(), false);
    }
    if (afterLast) {
      // The last statement is undone before the recomputation, so it must neither read nor write prefix locals.
      Set<String> lastReads = new HashSet<>();
      reads(body.get(n - 1), lastReads);
      for (String v : prefixVariables) {
        if (lastReads.contains(v) || lastModifies.contains(v)) {
          return new RecomputePlan(0, Set.of(), false);
        }
      }
    }
    return new RecomputePlan(p, Set.copyOf(prefixVariables), afterLast);
  }

  private static boolean hasDifferentiableCall(Expr e) {
    boolean[] found = {false};
    ExprWalk.visit(e, x -> {
      if (x instanceof Expr.Call c && c.callee() instanceof Callee.DifferentiableMethod) {
        found[0] = true;
      }
    });
    return found[0];
  }

  /** Roots of every assignment target in {@code s} (element writes count for their array). */
  private static void modified(Stmt s, Set<String> out) {
    if (s instanceof Stmt.Assign a) {
      Expr.Var root = ExprWalk.root(a.target());
      if (root != null) {
        out.add(root.name());
      }
    } else if (s instanceof Stmt.Block b) {
      b.statements().forEach(x -> modified(x, out));
    } else if (s instanceof Stmt.If i) {
      modified(i.then(), out);
      modified(i.otherwise(), out);
    } else if (s instanceof Stmt.While w) {
      modified(w.body(), out);
    }
  }

  private static void reads(Stmt s, Set<String> out) {
    if (s instanceof Stmt.Assign a) {
      out.addAll(ExprWalk.variables(a.value()));
      if (!(a.target() instanceof Expr.Var)) {
        out.addAll(ExprWalk.variables(a.target()));
      }
    } else if (s instanceof Stmt.Block b) {
      b.statements().forEach(x -> reads(x, out));
    } else if (s instanceof Stmt.If i) {
      out.addAll(ExprWalk.variables(i.condition()));
      reads(i.then(), out);
      reads(i.otherwise(), out);
    } else if (s instanceof Stmt.While w) {
      out.addAll(ExprWalk.variables(w.condition()));
      reads(w.body(), out);
    }
  }
}
