package dev.adjoint.processor.read;

import com.sun.source.tree.Tree;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The statements that {@code break} and {@code continue} may leave, innermost first: loops and {@code switch}
 * statements, with their labels. The IR knows only unlabeled {@link Stmt.Break} and {@link Stmt.Continue} of
 * the innermost loop, and a {@code switch} that is left by {@code break} becomes a {@code do ... while (false)}
 * loop; a jump past an inner target sets a fresh flag ({@code exit$N}), breaks out of the inner target, and
 * after each target it passes the flag is tested again: {@code if (exit$N) break;}, and at the destination
 * {@code if (exit$N) { exit$N = false; continue; }} (or {@code break;}).
 */
final class Jumps {
  /** A loop or switch that jumps may leave. */
  static final class Target {
    final String label;
    final boolean loop;
    /** Whether an unlabeled {@code break} of the IR leaves it (a switch then needs its loop). */
    boolean broken;
    final List<Escape> escapes = new ArrayList<>();
    /** Flags whose jumps end here: declared just before this target's statement. */
    final List<Expr.Var> flags = new ArrayList<>();

    Target(String label, boolean loop) {
      this.label = label;
      this.loop = loop;
    }
  }

  /** A pending jump that left a target through {@code flag}, bound for {@code destination}. */
  record Escape(Expr.Var flag, Target destination, boolean continues) {}

  private static final Expr TRUE = new Expr.Literal("true", Type.BOOLEAN);
  private static final Expr FALSE = new Expr.Literal("false", Type.BOOLEAN);

  private final Deque<Target> targets = new ArrayDeque<>();
  private int next;

  Target enter(String label, boolean loop) {
    Target t = new Target(label, loop);
    targets.push(t);
    return t;
  }

  void leave(Target t) {
    targets.pop();
  }

  /** The IR statements of {@code break} ({@code continues} false) or {@code continue} with an optional label. */
  List<Stmt> jump(Tree at, String label, boolean continues, Origin origin) {
    String word = continues ? "continue" : "break";
    Target destination = null;
    for (Target t : targets) {
      if (label == null ? t.loop || !continues : label.equals(t.label)) {
        destination = t;
        break;
      }
    }
    if (destination == null) {
      throw new Unsupported(at, label != null ? "no loop labeled '" + label + "' encloses this " + word
          : word + " outside a loop is not supported");
    }
    if (continues && !destination.loop) {
      throw new Unsupported(at, "continue " + label + " names a switch, which cannot be continued");
    }
    Target innermost = targets.peek();
    if (destination == innermost) {
      if (!continues) {
        innermost.broken = true;
        return List.of(new Stmt.Break(origin));
      }
      return List.of(new Stmt.Continue(origin));
    }
    Expr.Var flag = new Expr.Var("exit$" + (++next), Type.BOOLEAN);
    destination.flags.add(flag);
    innermost.escapes.add(new Escape(flag, destination, continues));
    innermost.broken = true;
    return List.of(new Stmt.Assign(flag, TRUE, origin), new Stmt.Break(origin));
  }

  /**
   * After {@code t}'s statement has been added to {@code out} at {@code position}: declares the flags that
   * end at {@code t} before it and passes its escapes on to the enclosing target.
   */
  void close(Target t, List<Stmt> out, int position, Origin origin) {
    for (Expr.Var flag : t.flags) {
      out.add(position, new Stmt.Declare(flag, FALSE, origin));
    }
    Target outer = targets.peek();
    for (Escape e : t.escapes) {
      List<Stmt> then = new ArrayList<>();
      if (e.destination() == outer) {
        then.add(new Stmt.Assign(e.flag(), FALSE, origin));
        then.add(e.continues() ? new Stmt.Continue(origin) : new Stmt.Break(origin));
        if (!e.continues()) {
          outer.broken = true;
        }
      } else {
        then.add(new Stmt.Break(origin));
        outer.broken = true;
        outer.escapes.add(e);
      }
      out.add(new Stmt.If(e.flag(), Stmt.Block.of(then), Stmt.Block.of(List.of()), origin));
    }
  }
}
