package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.TapeKind;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The differentiated method, still as IR: a recording forward sweep and the reverse sweep that undoes it.
 *
 * @param method the source method
 * @param locals the hoisted locals of the forward sweep whose end state the reverse sweep starts from
 *     (the result variable included)
 * @param result the variable holding the result
 * @param counters loop trip counters, local to the forward sweep
 * @param forward the recording forward sweep: the original computation plus pushes to the tapes
 * @param adjoints the adjoint variables of varied locals, each with the primal it shadows
 * @param reverse the reverse sweep: starts from the end state with {@code _d_result} = upstream, ends
 *     with the parameters' adjoints
 * @param tapes the tapes the sweeps use
 * @param consumesRecording whether the reverse sweep writes saved values back into arrays, so that
 *     running it again needs a fresh recording
 * @param fused the sweeps of a one-call {@code mVjp} with a loop's forward and reverse fused
 *     ({@link FusedLoops}), or null
 */
public record AdjointProgram(
    MethodIr method,
    List<Expr.Var> locals,
    Expr.Var result,
    List<Expr.Var> counters,
    Stmt.Block forward,
    List<Adjoint> adjoints,
    Stmt.Block reverse,
    Set<TapeKind> tapes,
    boolean consumesRecording,
    FusedLoops.Fused fused) {
  /** A program without fused sweeps. */
  public AdjointProgram(MethodIr method, List<Expr.Var> locals, Expr.Var result, List<Expr.Var> counters,
      Stmt.Block forward, List<Adjoint> adjoints, Stmt.Block reverse, Set<TapeKind> tapes,
      boolean consumesRecording) {
    this(method, locals, result, counters, forward, adjoints, reverse, tapes, consumesRecording, null);
  }

  public AdjointProgram {
    locals = List.copyOf(locals);
    counters = List.copyOf(counters);
    adjoints = List.copyOf(adjoints);
    // EnumSet iterates in declaration order: generated code must not change from one build to the next.
    tapes = tapes.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(tapes));
  }

  /** The adjoint {@code adjoint} of the varied variable {@code primal}. */
  public record Adjoint(Expr.Var primal, Expr.Var adjoint) {}

  /** The name of the adjoint of a variable: {@code _d_x}. */
  public static String adjointName(String primal) {
    return "_d_" + primal;
  }
}
