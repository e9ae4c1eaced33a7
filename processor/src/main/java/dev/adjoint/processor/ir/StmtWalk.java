package dev.adjoint.processor.ir;

import java.util.function.Consumer;

/** Walks of the statement IR shared by the analyses over generated sweeps. */
public final class StmtWalk {
  private StmtWalk() {}

  /** Visits {@code s} and every statement nested in it, outer first. */
  public static void statements(Stmt s, Consumer<Stmt> visitor) {
    visitor.accept(s);
    if (s instanceof Stmt.Block b) {
      b.statements().forEach(x -> statements(x, visitor));
    } else if (s instanceof Stmt.If i) {
      statements(i.then(), visitor);
      statements(i.otherwise(), visitor);
    } else if (s instanceof Stmt.While w) {
      statements(w.body(), visitor);
    } else if (s instanceof Stmt.DoWhile d) {
      statements(d.body(), visitor);
    } else if (s instanceof Stmt.For f) {
      f.init().forEach(x -> statements(x, visitor));
      f.update().forEach(x -> statements(x, visitor));
      statements(f.body(), visitor);
    } else if (s instanceof Stmt.CountDown c) {
      statements(c.body(), visitor);
    }
  }

  /** The expressions a statement evaluates itself (not those of nested statements), assignment targets included. */
  public static void evaluated(Stmt s, Consumer<Expr> visitor) {
    if (s instanceof Stmt.Declare d && d.init() != null) {
      visitor.accept(d.init());
    } else if (s instanceof Stmt.Assign a) {
      visitor.accept(a.target());
      visitor.accept(a.value());
    } else if (s instanceof Stmt.Accumulate a) {
      visitor.accept(a.target());
      visitor.accept(a.value());
    } else if (s instanceof Stmt.Effect e) {
      visitor.accept(e.call());
    } else if (s instanceof Stmt.If i) {
      visitor.accept(i.condition());
    } else if (s instanceof Stmt.While w) {
      visitor.accept(w.condition());
    } else if (s instanceof Stmt.DoWhile d) {
      visitor.accept(d.condition());
    } else if (s instanceof Stmt.For f && f.condition() != null) {
      visitor.accept(f.condition());
    } else if (s instanceof Stmt.Return r && r.value() != null) {
      visitor.accept(r.value());
    } else if (s instanceof Stmt.Push p) {
      visitor.accept(p.value());
    } else if (s instanceof Stmt.CountDown c) {
      visitor.accept(c.start());
    }
  }

  /**
   * Every expression a statement names itself (not those of nested statements): what it evaluates, the
   * variable it declares, and the targets of tape saves and restores.
   */
  public static void named(Stmt s, Consumer<Expr> visitor) {
    if (s instanceof Stmt.Declare d) {
      visitor.accept(d.variable());
    } else if (s instanceof Stmt.Save v) {
      visitor.accept(v.target());
    } else if (s instanceof Stmt.Restore r) {
      visitor.accept(r.target());
    }
    evaluated(s, visitor);
  }
}
