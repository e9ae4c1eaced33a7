package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A fused loop ({@link FusedLoops}) whose following statements' reverse cannot run before it as a whole (it pops
 * what they pushed, runs loops, reads what the loop or they compute: gmm's {@code logsumexp(alphas)} and Wishart
 * prior after the loop over points), but whose accumulators' adjoints it computes from what is known before the
 * loop ({@code _d_slse} from {@code err = ... + slse - n * lseAlphas} and the return): that part, the backward
 * slice of the accumulators' adjoints in the reverse of what follows the loop, runs before the loop; the rest
 * stays in the reverse sweep, after the fused loop. Exact: the same operations on the same values, reordered only
 * where they do not interfere.
 *
 * <p>With {@code R} the reverse of what follows the loop (top-level statements, in order) and the seeds the
 * scalar adjoints of non-local variables the loop's reverse body reads: a statement of {@code R} is in the slice
 * {@code S} when it writes (anywhere in it) a seed or a variable a later statement of {@code S} reads. It requires:
 * <ul>
 *   <li>{@code S} qualifies as hoistable as {@link FusedLoops} hoists the whole of {@code R} in the simple case
 *       (declarations and writes of scalar adjoints, of expressions that cannot throw over adjoints, its own
 *       temporaries and variables neither the loop nor what follows it assigns): it computes the same before the
 *       loop and touches no tape;
 *   <li>a statement of {@code R} not in {@code S} meets no variable a later statement of {@code S} writes (so moving
 *       {@code S} ahead of it changes nothing either reads), and writes no seed (by construction);
 *   <li>{@code R} without {@code S}, which now runs after the loop's reverse instead of before it, meets an adjoint
 *       the loop's reverse body accumulates into only as the target of its own accumulations ({@code _d_c += ...},
 *       {@code _d_a[k] += ...}) or, an adjoint array, as an argument of a callee's {@code $reverse} (which adds into
 *       it): additions in another order.
 * </ul>
 */
final class SeedSlices {
  private SeedSlices() {}

  private static final String ADJOINT = "_d_";

  /** {@code before} runs before the fused loop, {@code rest} in the reverse sweep (before the counter reset). */
  record Plan(List<Stmt> before, List<Stmt> rest) {}

  /**
   * The split of {@code reverseAfter}, or null.
   *
   * @param reverseBody the fused loop's reverse body
   * @param local the loop's iteration-local variables
   * @param later variables assigned from the loop on
   * @param measured lengths the loop condition reads right after the hoisted statements
   */
  static Plan plan(List<Stmt> reverseAfter, List<Stmt> reverseBody, Set<String> local, Set<String> later,
      Set<String> measured) {
    Set<String> seeds = new HashSet<>();
    Set<String> loopScalars = new HashSet<>();
    Set<String> loopArrays = new HashSet<>();
    FusedLoops.walk(reverseBody, s -> {
      for (Expr e : FusedLoops.expressions(s)) {
        ExprWalk.visit(e, x -> {
          if (x instanceof Expr.Var v && nonLocalAdjoint(v.name(), local)) {
            if (v.type() == Type.DOUBLE) {
              seeds.add(v.name());
            } else {
              loopArrays.add(v.name());
            }
          }
        });
      }
      if (s instanceof Stmt.Accumulate a && ExprWalk.root(a.target()) != null
          && nonLocalAdjoint(ExprWalk.root(a.target()).name(), local)) {
        (a.target() instanceof Expr.Var ? loopScalars : loopArrays).add(ExprWalk.root(a.target()).name());
      }
    });
    if (seeds.isEmpty()) {
      return null;
    }
    // the backward slice of the seeds
    int n = reverseAfter.size();
    boolean[] inSlice = new boolean[n];
    Set<String> need = new HashSet<>(seeds);
    for (int j = n - 1; j >= 0; j--) {
      Stmt t = reverseAfter.get(j);
      if (!(t instanceof Stmt.Comment) && intersects(writes(t), need)) {
        inSlice[j] = true;
        need.addAll(meets(t));
      }
    }
    List<Stmt> before = new ArrayList<>();
    List<Stmt> rest = new ArrayList<>();
    Set<String> writtenBySliceLater = new HashSet<>();
    for (int j = n - 1; j >= 0; j--) {
      Stmt t = reverseAfter.get(j);
      if (inSlice[j]) {
        writtenBySliceLater.addAll(writes(t));
      } else if (intersects(meets(t), writtenBySliceLater) || !commutesWithLoop(t, loopScalars, loopArrays)) {
        return null;
      }
    }
    for (int j = 0; j < n; j++) {
      (inSlice[j] ? before : rest).add(reverseAfter.get(j));
    }
    if (before.isEmpty() || !FusedLoops.hoistable(before, later, measured)) {
      return null;
    }
    return new Plan(before, rest);
  }

  private static boolean nonLocalAdjoint(String name, Set<String> local) {
    return name.startsWith(ADJOINT) && !local.contains(name.substring(ADJOINT.length()));
  }

  private static boolean intersects(Set<String> a, Set<String> b) {
    for (String v : a) {
      if (b.contains(v)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code t} may run after the loop's reverse instead of before it: it meets none of the loop's scalar
   * adjoints, and its adjoint arrays only as accumulation targets or arguments of a callee's reverse.
   */
  private static boolean commutesWithLoop(Stmt t, Set<String> loopScalars, Set<String> loopArrays) {
    Set<String> met = meets(t);
    for (String a : loopScalars) {
      if (met.contains(a) && !onlyAccumulated(t, a, false)) {
        return false;
      }
    }
    for (String a : loopArrays) {
      if (met.contains(a) && !onlyAccumulated(t, a, true)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Every occurrence of {@code a} in {@code t}: an accumulation target's root, or (an {@code array}) an argument of
   * a callee's {@code $reverse}.
   */
  private static boolean onlyAccumulated(Stmt t, String a, boolean array) {
    int[] all = {0};
    int[] allowed = {0};
    boolean[] ok = {true};
    FusedLoops.walk(List.of(t), s -> {
      if (s instanceof Stmt.Accumulate acc && ExprWalk.root(acc.target()) != null
          && ExprWalk.root(acc.target()).name().equals(a)) {
        // the target's indices must not read it
        Expr element = acc.target();
        while (element instanceof Expr.Index i) {
          ok[0] &= !ExprWalk.variables(i.index()).contains(a);
          element = i.array();
        }
      } else if (s instanceof Stmt.Assign as && ExprWalk.root(as.target()) != null
          && ExprWalk.root(as.target()).name().equals(a) || s instanceof Stmt.Forward
          || s instanceof Stmt.Restore r && ExprWalk.variables(r.target()).contains(a)
          || s instanceof Stmt.Save sv && ExprWalk.variables(sv.target()).contains(a)) {
        ok[0] = false;
      }
      for (Expr e : FusedLoops.expressions(s)) {
        ExprWalk.visit(e, x -> {
          if (x instanceof Expr.Var v && v.name().equals(a)) {
            all[0]++;
          } else if (array && x instanceof Expr.Call c && c.callee() instanceof Callee.Static st
              && st.name().endsWith("$reverse")) {
            allowed[0] += (int) c.args().stream().filter(arg -> arg instanceof Expr.Var v && v.name().equals(a))
                .count();
          }
        });
      }
    });
    return ok[0] && all[0] == allowed[0];
  }

  /** Every variable {@code t} names, nested statements included. */
  private static Set<String> meets(Stmt t) {
    Set<String> out = new HashSet<>();
    FusedLoops.walk(List.of(t), s -> {
      FusedLoops.expressions(s).forEach(e -> out.addAll(ExprWalk.variables(e)));
      out.addAll(writes(s));
      if (s instanceof Stmt.Accumulate a) {
        out.addAll(ExprWalk.variables(a.target()));
      } else if (s instanceof Stmt.Assign a) {
        out.addAll(ExprWalk.variables(a.target()));
      } else if (s instanceof Stmt.Save sv) {
        out.addAll(ExprWalk.variables(sv.target()));
      }
    });
    return out;
  }

  /**
   * What {@code t} may write, nested statements included: targets' roots, declared and restored variables, loop
   * counters, the adjoints and tapes a call is given, every variable of generated text.
   */
  private static Set<String> writes(Stmt t) {
    Set<String> out = new HashSet<>();
    FusedLoops.walk(List.of(t), s -> {
      if (s instanceof Stmt.Assign a && ExprWalk.root(a.target()) != null) {
        out.add(ExprWalk.root(a.target()).name());
      } else if (s instanceof Stmt.Accumulate a && ExprWalk.root(a.target()) != null) {
        out.add(ExprWalk.root(a.target()).name());
      } else if (s instanceof Stmt.Declare d) {
        out.add(d.variable().name());
      } else if (s instanceof Stmt.Restore r) {
        out.addAll(ExprWalk.variables(r.target()));
      } else if (s instanceof Stmt.CountDown c) {
        out.add(c.counter());
      } else if (s instanceof Stmt.Forward f) {
        f.holes().forEach(e -> out.addAll(ExprWalk.variables(e)));
      }
      for (Expr e : FusedLoops.expressions(s)) {
        ExprWalk.visit(e, x -> {
          if (x instanceof Expr.Call c && !(c.callee() instanceof Callee.MathFunction)) {
            for (Expr arg : c.args()) {
              out.addAll(ExprWalk.variables(arg));
            }
          } else if (x instanceof Expr.Pop p) {
            out.add(p.tape().variable);
          }
        });
      }
    });
    return out;
  }
}
