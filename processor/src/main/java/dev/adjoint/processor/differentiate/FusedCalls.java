package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.TapeKind;
import dev.adjoint.processor.ir.Type;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Calls of other differentiated methods in a fused loop's iteration ({@link FusedLoops}; gmm's
 * {@code logsumexp(mainTerm)} per point). The split-mode call boundary ({@link CallBoundary}) pushes the callee's
 * stretch onto the caller's tapes in the iteration's forward; the iteration's reverse, right after it, takes the
 * value back ({@code m$skip}) and runs the callee's reverse ({@code m$reverse}, or {@code m$pullback} for a tiny
 * pure callee) from that stretch: the fused iteration replays the tapes the call is given ({@code beginReplay} ...
 * {@code endReplay}), so the pushes are popped by the same iteration's reverse and dropped.
 *
 * <p>Safe because the forward operations run in the same order as in the separate sweeps, and what the
 * iteration's reverse does neither reads anything a later iteration's forward changes nor changes anything a later
 * forward reads:
 * <ul>
 *   <li>the callee is a {@code @Differentiable} method (or a helper differentiated for the caller) called with its
 *       own parameters (not flattened records or objects) and returning a {@code double}: it writes into none of its
 *       array arguments (the processor refuses writes into parameter arrays) and returns no alias of them, so
 *       its forward changes nothing the caller reads but through its result and the tapes;
 *   <li>its reverse reads its stretch of the tapes (the iteration's own), the array arguments (unchanged since the
 *       call within the iteration, or put back by the iteration's reverse before it, as in the separate reverse)
 *       and the scalar arguments evaluated again (iteration-local or unchanged by the loop), and writes the
 *       adjoint registers (read right after it in the same iteration) and the adjoint arrays of its array
 *       arguments, only by adding into them ({@code into[k] += ...}): such an array is an accumulation target of the
 *       iteration's reverse, which commutes with the other iterations' additions.
 * </ul>
 * The conditions on what the loop assigns, and the commuting of the rest of the iteration's reverse, stay those of
 * {@link FusedLoops}.
 */
final class FusedCalls {
  private FusedCalls() {}

  private static final String ADJOINT = "_d_";

  /** Whether {@code call}, in the loop body, is a call the fused iteration may hold. */
  static boolean forwardCall(Expr.Call call) {
    return call.callee() instanceof Callee.DifferentiableMethod m && !m.flattened() && m.returnType() == Type.DOUBLE;
  }

  /**
   * Whether {@code call}, in the iteration's reverse, is the call boundary's plumbing: a read cursor, an adjoint
   * register, a callee's {@code $skip}, {@code $reverse} or {@code $pullback}.
   */
  static boolean reverseCall(Expr.Call call) {
    if (call.callee() instanceof Callee.TapeMember t) {
      return t.name().equals("cursor") || t.name().equals("adjoint") && call.args().size() == 2;
    }
    return call.callee() instanceof Callee.Static st && !st.library() && (st.name().endsWith("$skip")
        || st.name().endsWith("$reverse") || st.name().endsWith("$pullback"));
  }

  /** Whether {@code call} is a callee's reverse, which adds into the adjoint arrays it is given. */
  static boolean addsInto(Expr.Call call) {
    return call.callee() instanceof Callee.Static st && !st.library() && st.name().endsWith("$reverse");
  }

  /** Whether {@code e} is an adjoint array (the target of a callee's reverse's additions when passed to it). */
  static boolean adjointArray(Expr e) {
    return e instanceof Expr.Var v && v.name().startsWith(ADJOINT) && v.type() != Type.DOUBLE;
  }

  /**
   * What a statement calling only the plumbing reads: every variable of its call but the adjoint arrays passed
   * to a callee's reverse (accumulation targets).
   */
  static Set<String> reads(Expr.Call call) {
    Set<String> out = new HashSet<>();
    if (addsInto(call)) {
      for (Expr arg : call.args()) {
        if (!adjointArray(arg)) {
          out.addAll(ExprWalk.variables(arg));
        }
      }
    } else {
      out.addAll(ExprWalk.variables(call));
    }
    return out;
  }

  /** Whether any statement of {@code statements} passes an adjoint array to a callee's reverse. */
  static boolean addsIntoArrays(List<Stmt> statements) {
    boolean[] found = {false};
    FusedLoops.walk(statements, s -> FusedLoops.expressions(s).forEach(e -> ExprWalk.visit(e, x ->
        found[0] |= x instanceof Expr.Call c && addsInto(c) && c.args().stream().anyMatch(FusedCalls::adjointArray))));
    return found[0];
  }

  /**
   * The tapes {@code forward}'s calls record onto (a callee's augmented forward records onto every tape of the
   * caller, a {@code ?:} over calls pushes its side onto the int tape): replayed by the fused iteration.
   */
  static void tapesPassed(List<Stmt> forward, Set<TapeKind> into) {
    FusedLoops.walk(forward, s -> FusedLoops.expressions(s).forEach(e -> ExprWalk.visit(e, x -> {
      if (x instanceof Expr.Recorded) {
        into.addAll(List.of(TapeKind.values()));
      } else if (x instanceof Expr.Decided d && d.pushed()) {
        into.add(TapeKind.INTS);
      }
    })));
  }
}
