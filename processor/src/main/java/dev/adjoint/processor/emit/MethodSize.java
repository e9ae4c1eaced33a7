package dev.adjoint.processor.emit;

import dev.adjoint.processor.differentiate.AdjointProgram;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.Stmt;

/**
 * An upper estimate of the bytecode size of the largest method generated for one program. The JVM limits
 * a method's code to 65,535 bytes (JVMS 4.7.3) and javac reports "code too large" past it, inside the
 * generated file; the processor refuses such a method on its declaration instead. The largest generated
 * method is {@code mVjp}, which runs both sweeps, so the estimate counts the IR nodes of the forward and
 * the reverse sweep, each at a weight measured on javac's output (see {@code MethodSizeTest}).
 */
public final class MethodSize {
  /**
   * Estimated bytes per IR node. Measured where javac starts to fail ("code too large" at 65,535 bytes),
   * bytes per node of both sweeps were: 1.4 (element writes), 2.1 (tensor calls), 2.2 (scalar updates with
   * Math calls), 2.4 (pow/hypot/atan2), 2.5 (calls of @Differentiable methods), 2.8 (branches; hundreds of
   * locals, whose loads and stores need wide instructions). 3 bounds them all.
   */
  static final int BYTES_PER_NODE = 3;

  /**
   * The estimate above which a method is refused: the JVM's limit less a margin of about 8% for shapes
   * denser than those measured. With 3 bytes per node, the densest measured shape (2.8) is refused at
   * about 86% of the size where javac fails.
   */
  public static final int LIMIT = 60_000;

  private MethodSize() {}

  /** The number of statement and expression nodes of both sweeps of {@code program}. */
  public static int nodes(AdjointProgram program) {
    return nodes(program.forward()) + nodes(program.reverse());
  }

  /** The estimated bytecode size of {@code program}'s largest generated method. */
  public static int estimate(AdjointProgram program) {
    return nodes(program) * BYTES_PER_NODE;
  }

  /** The estimated bytecode size of a generated method whose body is {@code body} (a tangent sweep). */
  public static int estimate(Stmt body) {
    return nodes(body) * BYTES_PER_NODE;
  }

  private static int nodes(Stmt s) {
    int[] count = {0};
    visit(s, count);
    return count[0];
  }

  private static void visit(Stmt s, int[] count) {
    count[0]++;
    if (s instanceof Stmt.Block b) {
      b.statements().forEach(x -> visit(x, count));
    } else if (s instanceof Stmt.If i) {
      expr(i.condition(), count);
      visit(i.then(), count);
      visit(i.otherwise(), count);
    } else if (s instanceof Stmt.While w) {
      expr(w.condition(), count);
      visit(w.body(), count);
    } else if (s instanceof Stmt.CountDown c) {
      expr(c.start(), count);
      visit(c.body(), count);
    } else if (s instanceof Stmt.Declare d) {
      if (d.init() != null) {
        expr(d.init(), count);
      }
    } else if (s instanceof Stmt.Assign a) {
      expr(a.target(), count);
      expr(a.value(), count);
    } else if (s instanceof Stmt.Accumulate a) {
      expr(a.target(), count);
      expr(a.value(), count);
    } else if (s instanceof Stmt.Effect e) {
      expr(e.call(), count);
    } else if (s instanceof Stmt.Push p) {
      expr(p.value(), count);
    } else if (s instanceof Stmt.Save v) {
      expr(v.target(), count);
    } else if (s instanceof Stmt.Restore r) {
      expr(r.target(), count);
    } else if (s instanceof Stmt.Comment) {
      count[0]--; // no code
    }
  }

  private static void expr(Expr e, int[] count) {
    ExprWalk.visit(e, x -> count[0]++);
  }
}
