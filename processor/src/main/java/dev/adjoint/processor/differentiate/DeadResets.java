package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.StmtWalk;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The reverse sweep without the adjoint resets nothing reads: the reverse of {@code x = e} starts the adjoint
 * of the old {@code x} from zero ({@code _d_x = 0.0}), which only matters when a statement undone later
 * accumulates into {@code _d_x} and something reads it; for a local's declaration, a value overwritten once,
 * or the last reverse of a loop body, nothing does. Such resets were about a tenth of the reverse code of
 * straight-line methods, and javac compiles each of them in every sweep that carries it.
 *
 * <p>Backward {@link Liveness} over the structured sweep, which errs on the live side: a reset of a double
 * adjoint to {@code 0.0} goes when no path from it reads the adjoint before writing it, with the adjoints the
 * caller reads afterwards (the parameters') live at the end. Only adjoints the sweep itself does not declare
 * go (the emitter declares those with a value before the sweep), so no Java variable loses its definite
 * assignment. A sweep with a statement form {@link Liveness} does not know is kept as it is.
 */
final class DeadResets {
  private DeadResets() {}

  /** {@code reverse} without its dead resets, {@code liveOut} the variables read after it. */
  static List<Stmt> pruned(List<Stmt> reverse, Set<String> liveOut) {
    if (!Liveness.known(reverse)) {
      return reverse;
    }
    Set<String> declared = new HashSet<>();
    reverse.forEach(s -> StmtWalk.statements(s, x -> {
      if (x instanceof Stmt.Declare d) {
        declared.add(d.variable().name());
      }
    }));
    return statements(reverse, liveOut, declared);
  }

  private static List<Stmt> statements(List<Stmt> in, Set<String> liveAfter, Set<String> declared) {
    List<Stmt> out = new ArrayList<>();
    Set<String> live = liveAfter;
    boolean removedNext = false;
    for (int k = in.size() - 1; k >= 0; k--) {
      Stmt s = in.get(k);
      if (deadReset(s, live, declared)) {
        // not live after a write means not live before it either: the live set stays as it is
        removedNext = true;
        continue;
      }
      if (s instanceof Stmt.Comment && removedNext
          && (out.isEmpty() || out.get(out.size() - 1) instanceof Stmt.Comment)) {
        // it labelled only the reset removed after it
        removedNext = false;
        continue;
      }
      removedNext = false;
      Stmt kept = statement(s, live, declared);
      out.add(kept);
      live = Liveness.exposed(List.of(kept), live);
    }
    java.util.Collections.reverse(out);
    return out;
  }

  private static Stmt statement(Stmt s, Set<String> after, Set<String> declared) {
    if (s instanceof Stmt.Block b) {
      return new Stmt.Block(statements(b.statements(), after, declared), b.origin());
    }
    if (s instanceof Stmt.If i) {
      return new Stmt.If(i.condition(), block(i.then(), after, declared), block(i.otherwise(), after, declared),
          i.origin());
    }
    if (s instanceof Stmt.While w) {
      // after the body: what is live at the loop's head, which is what is live before the loop
      return new Stmt.While(w.condition(), block(w.body(), Liveness.exposed(List.of(w), after), declared),
          w.origin());
    }
    if (s instanceof Stmt.CountDown c) {
      // live before the loop, plus its counter and start: a superset of the head's live set
      Set<String> head = new HashSet<>(Liveness.exposed(List.of(c), after));
      head.add(c.counter());
      return new Stmt.CountDown(c.counter(), c.start(), block(c.body(), head, declared), c.origin());
    }
    return s;
  }

  private static Stmt.Block block(Stmt.Block b, Set<String> after, Set<String> declared) {
    return new Stmt.Block(statements(b.statements(), after, declared), b.origin());
  }

  /** {@code _d_x = 0.0} for a double adjoint the sweep does not declare, not live after it. */
  private static boolean deadReset(Stmt s, Set<String> after, Set<String> declared) {
    return s instanceof Stmt.Assign a && a.target() instanceof Expr.Var v && v.type() == Type.DOUBLE
        && v.name().startsWith("_d_") && !declared.contains(v.name()) && !after.contains(v.name())
        && a.value() instanceof Expr.Literal l && l.type() == Type.DOUBLE && l.text().equals("0.0");
  }
}
