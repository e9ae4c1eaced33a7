package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An {@code int} local a fused loop's iterations write before they read it ({@link IterationLocals}) that other
 * statements of the method also use: a counter {@code j} or an index {@code p} reused by several loops (gmm's
 * {@code ik}, {@code id} and {@code p}). {@link FusedLoops} treats it as iteration-local when
 *
 * <ul>
 *   <li>no statement after the loop reads it before writing it (on every path, {@link
 *       IterationLocals#writtenBeforeRead}): the value the fused loop leaves in it, which its iterations' reverses
 *       may have changed, is never read by the forward statements after the loop, nor by their reverse (which
 *       reads only what those statements left or saved);
 *   <li>and the reverse of the statements before the loop, which in the separate sweeps reads the value it had
 *       before the loop (the loop's reverse puts back what its forward overwrote), gets that value back: the fused
 *       forward sweep keeps it in {@code _kept$j} before the loop, the reverse sweep puts it back before running the
 *       reverse of what precedes the loop.
 * </ul>
 *
 * <p>Only {@code int}s: they have no adjoint, so nothing the loop's reverse writes for them reaches another loop.
 */
final class SharedInts {
  private SharedInts() {}

  /**
   * Whether {@code v}, iteration-local in the loop {@code statements.get(k)} and met outside it, may be treated as
   * local to the loop: an {@code int} that no statement after the loop reads before writing it.
   */
  static boolean qualifies(List<Stmt> statements, int k, String v) {
    Type[] type = {null};
    FusedLoops.walk(List.of(statements.get(k)), s -> {
      if (s instanceof Stmt.Assign a && a.target() instanceof Expr.Var t && t.name().equals(v)) {
        type[0] = t.type();
      }
    });
    return type[0] == Type.INT
        && IterationLocals.writtenBeforeRead(statements.subList(k + 1, statements.size()), v);
  }

  /** {@code int _kept$v = v;} per shared variable, before the fused loop. */
  static List<Stmt> keep(Set<String> shared, Origin origin) {
    List<Stmt> out = new ArrayList<>();
    for (String v : shared) {
      out.add(new Stmt.Declare(kept(v), new Expr.Var(v, Type.INT), origin));
    }
    return out;
  }

  /** {@code v = _kept$v;} per shared variable, before the reverse of what precedes the fused loop. */
  static List<Stmt> putBack(Set<String> shared, Origin origin) {
    List<Stmt> out = new ArrayList<>();
    for (String v : shared) {
      out.add(new Stmt.Assign(new Expr.Var(v, Type.INT), kept(v), origin));
    }
    return out;
  }

  private static Expr.Var kept(String v) {
    return new Expr.Var("_kept$" + v, Type.INT);
  }
}
