package dev.adjoint.processor.emit;

import dev.adjoint.processor.differentiate.AdjointProgram;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.StmtWalk;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which array arguments {@code mForward} copies: those whose contents the tape may read after the forward pass
 * returned (design.md §2: changing an argument between forward and backward does not change the gradient). An
 * array the forward sweep reads only element by element, as values ({@code x[i]}, {@code x[i][j]},
 * {@code x.length}), and the reverse sweep never names, is read once, while the tape is recorded: the tape keeps
 * no reference through which a later change could reach the reverse pass, so it is not copied (training data
 * that only the objective reads). Anything else copies: the reverse sweep reading it (a weight of a linear
 * term), a callee given it (its reverse reads it), a row of it kept in a local or on a tape, a tape that
 * records again from its inputs.
 */
final class ReverseReads {
  private ReverseReads() {}

  /** Whether the tape of {@code program} may read array parameter {@code name} after it was recorded. */
  static boolean reads(AdjointProgram program, String name) {
    List<Expr> reverse = expressions(program.reverse());
    List<Expr> forward = expressions(program.forward());
    if (program.consumesRecording() || reverse == null || forward == null) {
      return true;
    }
    for (Expr e : reverse) {
      if (ExprWalk.variables(e).contains(name)) {
        return true;
      }
    }
    for (Expr e : forward) {
      if (!elementsOnly(e, name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Of {@code state} (a forward sweep's end state), what the reverse sweep {@code reverse} and the gradient read:
   * the parameters, the locals it names and those whose adjoints start as zeros shaped like them. All of
   * {@code state} when a statement is unknown here.
   */
  static List<Expr.Var> swept(AdjointProgram program, List<Expr.Var> state, List<Stmt> reverse) {
    Set<String> named = names(reverse);
    if (named == null) {
      return state;
    }
    shapedAdjoints(program, named);
    // the parameters all: the gradient record copies components that are not differentiated from them
    program.method().parameters().forEach(p -> named.add(p.name()));
    return state.stream().filter(v -> named.contains(v.name())).toList();
  }

  /**
   * The variables the sweeps {@code forward} and {@code reverse} of a one-call member name, with the
   * differentiable parameters and the primals whose adjoints start as zeros shaped like them: the locals it
   * declares. Null when a statement is unknown here (then every local is declared).
   */
  static Set<String> named(AdjointProgram program, List<Stmt> forward, List<Stmt> reverse) {
    Set<String> named = names(forward);
    Set<String> read = names(reverse);
    if (named == null || read == null) {
      return null;
    }
    named.addAll(read);
    shapedAdjoints(program, named);
    return named;
  }

  /** Adds the differentiable parameters and primals whose adjoints start as zeros shaped like them (not doubles). */
  private static void shapedAdjoints(AdjointProgram program, Set<String> names) {
    program.method().differentiableParameters().stream().filter(p -> p.type() != Type.DOUBLE)
        .forEach(p -> names.add(p.name()));
    program.adjoints().stream().filter(a -> a.primal().type() != Type.DOUBLE)
        .forEach(a -> names.add(a.primal().name()));
  }

  /**
   * Every variable {@code statements} (nested ones included) name, as read or written, with the counters of
   * count-down loops and the state of recorded calls and decisions; null when a statement is unknown here.
   */
  static Set<String> names(List<Stmt> statements) {
    List<Expr> all = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Stmt s : statements) {
      if (!collect(s, all)) {
        return null;
      }
      StmtWalk.statements(s, x -> {
        if (x instanceof Stmt.CountDown c) {
          names.add(c.counter());
        }
      });
    }
    all.removeIf(java.util.Objects::isNull);
    for (Expr e : all) {
      ExprWalk.visit(e, x -> {
        if (x instanceof Expr.Var v) {
          names.add(v.name());
        } else if (x instanceof Expr.Recorded r) {
          names.add(r.state().name());
        } else if (x instanceof Expr.Decided d) {
          names.add(d.taken().name());
        }
      });
    }
    return names;
  }

  /** Whether {@code e} names {@code name} only as the root of element reads that yield values. */
  private static boolean elementsOnly(Expr e, String name) {
    if (e instanceof Expr.Var v) {
      return !v.name().equals(name);
    }
    if ((e instanceof Expr.Index || e instanceof Expr.Length) && e.type() instanceof Type.Scalar
        && rootedAt(e, name)) {
      // x[i][j] or x[i].length: only the subscripts can name the array again
      for (Expr a = e; a instanceof Expr.Index || a instanceof Expr.Length;
          a = a instanceof Expr.Index i ? i.array() : ((Expr.Length) a).array()) {
        if (a instanceof Expr.Index i && !elementsOnly(i.index(), name)) {
          return false;
        }
      }
      return true;
    }
    for (Expr child : ExprWalk.children(e)) {
      if (!elementsOnly(child, name)) {
        return false;
      }
    }
    return true;
  }

  private static boolean rootedAt(Expr e, String name) {
    Expr a = e;
    while (a instanceof Expr.Index || a instanceof Expr.Length) {
      a = a instanceof Expr.Index i ? i.array() : ((Expr.Length) a).array();
    }
    return a instanceof Expr.Var v && v.name().equals(name);
  }

  /**
   * Every variable the reverse sweep of {@code program} names (reads or writes), or null when a statement is
   * unknown here: the end state a caller's tapes must keep for the callee's reverse ({@link CallMembers}).
   */
  static java.util.Set<String> named(AdjointProgram program) {
    List<Expr> reverse = expressions(program.reverse());
    if (reverse == null) {
      return null;
    }
    java.util.Set<String> out = new java.util.HashSet<>();
    for (Expr e : reverse) {
      out.addAll(ExprWalk.variables(e));
    }
    return out;
  }

  /** Every expression of {@code s} and of the statements nested in it; null when a statement is unknown here. */
  private static List<Expr> expressions(Stmt s) {
    List<Expr> out = new ArrayList<>();
    boolean known = collect(s, out);
    out.removeIf(java.util.Objects::isNull);
    return known ? out : null;
  }

  private static boolean collect(Stmt s, List<Expr> out) {
    boolean known = true;
    if (s instanceof Stmt.Declare d) {
      out.add(d.init());
    } else if (s instanceof Stmt.Assign a) {
      out.add(a.target());
      out.add(a.value());
    } else if (s instanceof Stmt.Accumulate a) {
      out.add(a.target());
      out.add(a.value());
    } else if (s instanceof Stmt.Effect e) {
      out.add(e.call());
    } else if (s instanceof Stmt.Block b) {
      for (Stmt x : b.statements()) {
        known &= collect(x, out);
      }
    } else if (s instanceof Stmt.If i) {
      out.add(i.condition());
      known = collect(i.then(), out) && collect(i.otherwise(), out);
    } else if (s instanceof Stmt.While w) {
      out.add(w.condition());
      known = collect(w.body(), out);
    } else if (s instanceof Stmt.DoWhile w) {
      out.add(w.condition());
      known = collect(w.body(), out);
    } else if (s instanceof Stmt.For f) {
      for (Stmt x : f.init()) {
        known &= collect(x, out);
      }
      out.add(f.condition());
      for (Stmt x : f.update()) {
        known &= collect(x, out);
      }
      known &= collect(f.body(), out);
    } else if (s instanceof Stmt.Return r) {
      out.add(r.value());
    } else if (s instanceof Stmt.Push p) {
      out.add(p.value());
    } else if (s instanceof Stmt.CountDown c) {
      out.add(c.start());
      known = collect(c.body(), out);
    } else if (s instanceof Stmt.Save v) {
      out.add(v.target());
    } else if (s instanceof Stmt.Restore r) {
      out.add(r.target());
    } else if (s instanceof Stmt.Forward f) {
      out.addAll(f.holes());
    } else if (!(s instanceof Stmt.Break || s instanceof Stmt.Continue || s instanceof Stmt.Comment)) {
      // a statement this list does not know: its expressions are unknown, so every array counts as read
      known = false;
    }
    return known;
  }
}
