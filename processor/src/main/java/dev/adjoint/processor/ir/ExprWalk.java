package dev.adjoint.processor.ir;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Structural traversals of IR expressions shared by the analyses. */
public final class ExprWalk {
  private ExprWalk() {}

  /** The direct subexpressions of {@code e}. */
  public static List<Expr> children(Expr e) {
    if (e instanceof Expr.Unary u) {
      return List.of(u.operand());
    }
    if (e instanceof Expr.Binary b) {
      return List.of(b.left(), b.right());
    }
    if (e instanceof Expr.Call c) {
      return c.args();
    }
    if (e instanceof Expr.Index i) {
      return List.of(i.array(), i.index());
    }
    if (e instanceof Expr.Length l) {
      return List.of(l.array());
    }
    if (e instanceof Expr.Conditional c) {
      return List.of(c.condition(), c.whenTrue(), c.whenFalse());
    }
    if (e instanceof Expr.Cast c) {
      return List.of(c.operand());
    }
    if (e instanceof Expr.NewArray n) {
      return n.dimensions();
    }
    if (e instanceof Expr.ArrayInit a) {
      return a.elements();
    }
    if (e instanceof Expr.Clone c) {
      return c.whole() ? List.of(c.array()) : c.from() == null ? List.of(c.array(), c.to())
          : List.of(c.array(), c.from(), c.to());
    }
    if (e instanceof Expr.Component c) {
      return List.of(c.target());
    }
    if (e instanceof Expr.Recorded r) {
      return List.of(r.call());
    }
    if (e instanceof Expr.Decided d) {
      return List.of(d.conditional());
    }
    return List.of();
  }

  /** Calls {@code visitor} on {@code e} and every subexpression, parents first. */
  public static void visit(Expr e, Consumer<Expr> visitor) {
    visitor.accept(e);
    for (Expr c : children(e)) {
      visit(c, visitor);
    }
  }

  /** The names of the variables {@code e} reads. */
  public static List<String> variables(Expr e) {
    List<String> names = new ArrayList<>();
    visit(e, x -> {
      if (x instanceof Expr.Var v) {
        names.add(v.name());
      }
    });
    return names;
  }

  /** The variable at the root of an element access {@code a[i][j]}, or the variable itself. */
  public static Expr.Var root(Expr target) {
    Expr e = target;
    while (e instanceof Expr.Index i) {
      e = i.array();
    }
    return e instanceof Expr.Var v ? v : null;
  }
}
