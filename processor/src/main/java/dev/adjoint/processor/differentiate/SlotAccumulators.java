package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Adjoints accumulated in a local and written once: where a straight run of reverse-sweep statements adds to
 * the same array element more than once ({@code _d_x[i] += a; _d_x[i + 1] += b; _d_x[i] += c;}), the first
 * addend goes into a local, the next ones add to it, and the last writes the sum
 * ({@code double _acc$1 = a; _d_x[i + 1] += b; _d_x[i] += _acc$1 + c;}): one read-modify-write of the slot
 * instead of several.
 *
 * <p>A group ends before any statement that mentions the array other than by accumulating into one of its
 * elements (those additions commute with the group's), that writes a variable of the element's index or the
 * array variable itself, writes an element of an array that is not a primal variable, calls anything but a
 * {@code Math} function, or reads an element of an array that is not a primal variable (an adjoint temporary
 * may alias the array): so no statement between the first and the last addition reads the slot, and the slot
 * is the same one. Only the order of the floating-point additions changes.
 */
public final class SlotAccumulators {
  /** Stands for every variable, where a statement of an unknown form is met. */
  private static final String UNKNOWN = "*unknown*";

  private final Set<String> taken;
  private final Set<String> primal;
  private int next = 1;

  private SlotAccumulators(Set<String> taken, Set<String> primal) {
    this.taken = taken;
    this.primal = primal;
  }

  /**
   * {@code statements} with repeated additions to one array element per straight run combined; {@code primal}:
   * the method's parameters and locals, whose arrays never alias an adjoint array (the only arrays whose
   * elements a group may read across).
   */
  public static List<Stmt> apply(List<Stmt> statements, Set<String> primal) {
    Set<String> names = new HashSet<>();
    collectNames(statements, names);
    return new SlotAccumulators(names, primal).run(statements);
  }

  private List<Stmt> run(List<Stmt> statements) {
    List<Stmt> out = new ArrayList<>(statements.size());
    for (Stmt s : statements) {
      out.add(nested(s));
    }
    boolean[] done = new boolean[out.size()];
    for (int p = 0; p < out.size(); p++) {
      if (done[p] || !(out.get(p) instanceof Stmt.Accumulate first) || !slot(first.target())) {
        continue;
      }
      Expr target = first.target();
      String array = ExprWalk.root(target).name();
      Set<String> index = new HashSet<>(ExprWalk.variables(target));
      index.remove(array);
      List<Integer> group = new ArrayList<>(List.of(p));
      if (ExprWalk.variables(first.value()).contains(array)) {
        continue;
      }
      for (int q = p + 1; q < out.size(); q++) {
        Stmt s = out.get(q);
        if (s instanceof Stmt.Accumulate a && a.target() instanceof Expr.Index && ExprWalk.root(a.target()) != null
            && ExprWalk.root(a.target()).name().equals(array) && !ExprWalk.variables(a.value()).contains(array)
            && !readsOther(a.value()) && !writesAny(s, index, array)) {
          if (a.target().equals(target) && !done[q]) {
            group.add(q);
          }
          // an addition to another element (or to this one, already combined) commutes with the group's
          continue;
        }
        if (mentions(s, array) || writesAny(s, index, array) || touchesOtherArrays(s)) {
          break;
        }
      }
      if (group.size() < 2) {
        continue;
      }
      Expr.Var local = fresh();
      for (int k = 0; k < group.size(); k++) {
        int at = group.get(k);
        Stmt.Accumulate a = (Stmt.Accumulate) out.get(at);
        done[at] = true;
        if (k == 0) {
          out.set(at, new Stmt.Declare(local, a.value(), a.origin()));
        } else if (k < group.size() - 1) {
          out.set(at, new Stmt.Accumulate(local, a.value(), a.origin()));
        } else {
          out.set(at, new Stmt.Accumulate(target, new Expr.Binary(Expr.BinaryOp.ADD, local, a.value(), Type.DOUBLE),
              a.origin()));
        }
      }
    }
    return out;
  }

  /** {@code s} with the runs inside its nested blocks combined. */
  private Stmt nested(Stmt s) {
    if (s instanceof Stmt.Block b) {
      return new Stmt.Block(run(b.statements()), b.origin());
    }
    if (s instanceof Stmt.If i) {
      return new Stmt.If(i.condition(), new Stmt.Block(run(i.then().statements()), i.then().origin()),
          new Stmt.Block(run(i.otherwise().statements()), i.otherwise().origin()), i.origin());
    }
    if (s instanceof Stmt.While w) {
      return new Stmt.While(w.condition(), new Stmt.Block(run(w.body().statements()), w.body().origin()), w.origin());
    }
    if (s instanceof Stmt.CountDown c) {
      return new Stmt.CountDown(c.counter(), c.start(), new Stmt.Block(run(c.body().statements()), c.body().origin()),
          c.origin());
    }
    return s;
  }

  /**
   * A double element {@code a[e]} or {@code a[e][f]} of an array variable, with indices of plain int arithmetic
   * over variables, literals and lengths: no array element, which a statement in between could change.
   */
  private static boolean slot(Expr target) {
    if (!(target instanceof Expr.Index top) || top.type() != Type.DOUBLE) {
      return false;
    }
    Expr e = target;
    while (e instanceof Expr.Index i) {
      boolean[] plain = {true};
      ExprWalk.visit(i.index(), x -> plain[0] &= x instanceof Expr.Var || x instanceof Expr.Literal
          || x instanceof Expr.Length l && l.array() instanceof Expr.Var
          || x instanceof Expr.Binary b && b.type() == Type.INT && b.op() != Expr.BinaryOp.DIV
              && b.op() != Expr.BinaryOp.REM
          || x instanceof Expr.Unary u && u.type() == Type.INT);
      if (!plain[0]) {
        return false;
      }
      e = i.array();
    }
    return e instanceof Expr.Var;
  }

  /**
   * Whether {@code s} writes an array element other than by accumulation, calls an effect, or reads an element
   * of an array that is not a primal variable (an adjoint array, or a temporary that may alias one).
   */
  private boolean touchesOtherArrays(Stmt s) {
    if (s instanceof Stmt.Block b) {
      return b.statements().stream().anyMatch(this::touchesOtherArrays);
    }
    if (s instanceof Stmt.If i) {
      return readsOther(i.condition()) || touchesOtherArrays(i.then()) || touchesOtherArrays(i.otherwise());
    }
    if (s instanceof Stmt.While w) {
      return readsOther(w.condition()) || touchesOtherArrays(w.body());
    }
    if (s instanceof Stmt.CountDown c) {
      return readsOther(c.start()) || touchesOtherArrays(c.body());
    }
    if (s instanceof Stmt.Declare d) {
      return d.init() != null && readsOther(d.init());
    }
    if (s instanceof Stmt.Assign a) {
      return !(a.target() instanceof Expr.Var || primalElement(a.target())) || readsOther(a.value());
    }
    if (s instanceof Stmt.Accumulate a) {
      return readsOther(a.value()) || a.target() instanceof Expr.Index i && (readsOther(i.index())
          || i.array() instanceof Expr.Index && readsOther(i.array()));
    }
    if (s instanceof Stmt.Restore r) {
      return !(r.target() instanceof Expr.Var || primalElement(r.target()));
    }
    if (s instanceof Stmt.Push p) {
      return readsOther(p.value());
    }
    if (s instanceof Stmt.Save p) {
      return readsOther(p.target());
    }
    if (s instanceof Stmt.Forward f) {
      return f.holes().stream().anyMatch(this::readsOther);
    }
    return !(s instanceof Stmt.Comment);
  }

  /** An element of a primal array, with indices that read no other array: writing it changes no adjoint. */
  private boolean primalElement(Expr target) {
    Expr.Var root = ExprWalk.root(target);
    return target instanceof Expr.Index i && root != null && primal.contains(root.name()) && !readsOther(i.index())
        && !(i.array() instanceof Expr.Index inner && readsOther(inner.index()));
  }

  /** Whether {@code e} reads an element of a non-primal array, or has an effect. */
  private boolean readsOther(Expr e) {
    boolean[] other = {false};
    ExprWalk.visit(e, x -> other[0] |= x instanceof Expr.Index i
            && (ExprWalk.root(i) == null || !primal.contains(ExprWalk.root(i).name()))
        || x instanceof Expr.Pop || x instanceof Expr.Recorded || x instanceof Expr.Decided
        || x instanceof Expr.Call c && !(c.callee() instanceof dev.adjoint.processor.ir.Callee.MathFunction));
    return other[0];
  }

  /** Whether {@code s} mentions the variable {@code name} anywhere. */
  private static boolean mentions(Stmt s, String name) {
    Set<String> names = new HashSet<>();
    collectNames(List.of(s), names);
    return names.contains(name) || names.contains(UNKNOWN);
  }

  /** Whether {@code s} (or anything nested in it) assigns one of {@code index} or the array variable. */
  private static boolean writesAny(Stmt s, Set<String> index, String array) {
    Set<String> written = new HashSet<>();
    collectWrites(s, written);
    return written.contains(array) || written.contains(UNKNOWN) || written.stream().anyMatch(index::contains);
  }

  private static void collectWrites(Stmt s, Set<String> into) {
    if (s instanceof Stmt.Assign a && a.target() instanceof Expr.Var v) {
      into.add(v.name());
    } else if (s instanceof Stmt.Restore r && r.target() instanceof Expr.Var v) {
      into.add(v.name());
    } else if (s instanceof Stmt.Declare d) {
      into.add(d.variable().name());
    } else if (s instanceof Stmt.Accumulate a && a.target() instanceof Expr.Var v) {
      into.add(v.name());
    } else if (s instanceof Stmt.CountDown c) {
      into.add(c.counter());
      c.body().statements().forEach(x -> collectWrites(x, into));
    } else if (s instanceof Stmt.Block b) {
      b.statements().forEach(x -> collectWrites(x, into));
    } else if (s instanceof Stmt.If i) {
      i.then().statements().forEach(x -> collectWrites(x, into));
      i.otherwise().statements().forEach(x -> collectWrites(x, into));
    } else if (s instanceof Stmt.While w) {
      w.body().statements().forEach(x -> collectWrites(x, into));
    } else if (!(s instanceof Stmt.Comment || s instanceof Stmt.Accumulate || s instanceof Stmt.Push
        || s instanceof Stmt.Save || s instanceof Stmt.Forward || s instanceof Stmt.Assign
        || s instanceof Stmt.Restore || s instanceof Stmt.Effect)) {
      into.add(UNKNOWN);
    }
    // expressions that write (a recorded call's state, a decided side) write generated temporaries only
    if (s instanceof Stmt.Assign a) {
      ExprWalk.visit(a.value(), e -> {
        if (e instanceof Expr.Recorded r) {
          into.add(r.state().name());
        } else if (e instanceof Expr.Decided d) {
          into.add(d.taken().name());
        }
      });
    }
  }

  /** Every variable name {@code statements} mention, declare or count with. */
  private static void collectNames(List<Stmt> statements, Set<String> into) {
    for (Stmt s : statements) {
      if (s instanceof Stmt.Block b) {
        collectNames(b.statements(), into);
      } else if (s instanceof Stmt.If i) {
        into.addAll(ExprWalk.variables(i.condition()));
        collectNames(i.then().statements(), into);
        collectNames(i.otherwise().statements(), into);
      } else if (s instanceof Stmt.While w) {
        into.addAll(ExprWalk.variables(w.condition()));
        collectNames(w.body().statements(), into);
      } else if (s instanceof Stmt.CountDown c) {
        into.add(c.counter());
        into.addAll(ExprWalk.variables(c.start()));
        collectNames(c.body().statements(), into);
      } else if (s instanceof Stmt.Declare d) {
        into.add(d.variable().name());
        if (d.init() != null) {
          into.addAll(ExprWalk.variables(d.init()));
        }
      } else if (s instanceof Stmt.Assign a) {
        into.addAll(ExprWalk.variables(a.target()));
        into.addAll(ExprWalk.variables(a.value()));
      } else if (s instanceof Stmt.Accumulate a) {
        into.addAll(ExprWalk.variables(a.target()));
        into.addAll(ExprWalk.variables(a.value()));
      } else if (s instanceof Stmt.Effect e) {
        into.addAll(ExprWalk.variables(e.call()));
      } else if (s instanceof Stmt.Push p) {
        into.addAll(ExprWalk.variables(p.value()));
      } else if (s instanceof Stmt.Save p) {
        into.addAll(ExprWalk.variables(p.target()));
      } else if (s instanceof Stmt.Restore r) {
        into.addAll(ExprWalk.variables(r.target()));
      } else if (s instanceof Stmt.Forward f) {
        f.holes().forEach(h -> into.addAll(ExprWalk.variables(h)));
      } else if (!(s instanceof Stmt.Comment)) {
        into.add(UNKNOWN);
      }
    }
  }

  private Expr.Var fresh() {
    String name;
    do {
      name = "_acc$" + next++;
    } while (taken.contains(name));
    taken.add(name);
    return new Expr.Var(name, Type.DOUBLE);
  }
}
