package dev.adjoint.processor.emit;

import dev.adjoint.processor.differentiate.AdjointProgram;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.StmtWalk;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PyTorch's {@code needs_input_grad} for the graph node of a tensor method: the reverse sweep the node runs
 * skips the additions to the adjoint of a tensor parameter that does not require grad when the node is made
 * (the engine would drop that gradient: the node has no edge to the input).
 *
 * <p>Only additions that are the sole use of the adjoint are skipped: a parameter is guarded when its
 * adjoint {@code _d_p} appears in the reverse sweep nowhere but as the target of {@code Stmt.Accumulate}s
 * whose values are pure (tensor operations, {@code TensorAdjoints} kernels and {@code Math} functions of
 * variables; no tape read, no call of a generated tape or of the user's code) and do not read {@code _d_p}.
 * Then nothing else reads what those additions compute, and skipping them changes no other gradient. A
 * reassigned parameter (whose adjoint is read and reset) is never guarded.
 */
final class NodeInputGrads {
  private NodeInputGrads() {}

  /** The local naming whether parameter {@code p}'s gradient is needed. */
  static String flag(String parameter) {
    return "need$" + parameter;
  }

  /**
   * The differentiable tensor parameters that can be guarded, each with its index among the node's inputs
   * (the differentiable tensor parameters in order), in that order; empty when none can.
   */
  static Map<String, Integer> guarded(AdjointProgram program) {
    Map<String, Integer> out = new LinkedHashMap<>();
    List<Stmt> reverse = program.reverse().statements();
    int index = 0;
    for (MethodIr.Parameter p : program.method().parameters()) {
      if (p.type() != Type.TENSOR || !p.differentiable()) {
        continue;
      }
      if (onlyAccumulated(reverse, AdjointProgram.adjointName(p.name()))) {
        out.put(p.name(), index);
      }
      index++;
    }
    return out;
  }

  /** {@code statements} with each addition to a guarded parameter's adjoint under {@code if (need$p)}. */
  static List<Stmt> apply(List<Stmt> statements, Map<String, Integer> guarded) {
    if (guarded.isEmpty()) {
      return statements;
    }
    List<Stmt> out = new ArrayList<>(statements.size());
    for (Stmt s : statements) {
      out.add(guard(s, guarded));
    }
    return out;
  }

  private static Stmt guard(Stmt s, Map<String, Integer> guarded) {
    if (s instanceof Stmt.Accumulate a && a.target() instanceof Expr.Var v) {
      for (String p : guarded.keySet()) {
        if (v.name().equals(AdjointProgram.adjointName(p))) {
          return new Stmt.If(new Expr.Var(flag(p), Type.BOOLEAN),
              new Stmt.Block(List.of(s), a.origin()), new Stmt.Block(List.of(), a.origin()), a.origin());
        }
      }
      return s;
    }
    if (s instanceof Stmt.Block b) {
      return new Stmt.Block(apply(b.statements(), guarded), b.origin());
    }
    if (s instanceof Stmt.If i) {
      return new Stmt.If(i.condition(), block(i.then(), guarded), block(i.otherwise(), guarded), i.origin());
    }
    if (s instanceof Stmt.While w) {
      return new Stmt.While(w.condition(), block(w.body(), guarded), w.origin());
    }
    if (s instanceof Stmt.DoWhile d) {
      return new Stmt.DoWhile(block(d.body(), guarded), d.condition(), d.origin());
    }
    if (s instanceof Stmt.For f) {
      return new Stmt.For(f.init(), f.condition(), f.update(), block(f.body(), guarded), f.origin());
    }
    if (s instanceof Stmt.CountDown c) {
      return new Stmt.CountDown(c.counter(), c.start(), block(c.body(), guarded), c.origin());
    }
    return s;
  }

  private static Stmt.Block block(Stmt.Block b, Map<String, Integer> guarded) {
    return new Stmt.Block(apply(b.statements(), guarded), b.origin());
  }

  /** Whether {@code adjoint} occurs in {@code statements} only as the target of pure additions to it. */
  private static boolean onlyAccumulated(List<Stmt> statements, String adjoint) {
    boolean[] ok = {true};
    for (Stmt s : statements) {
      StmtWalk.statements(s, x -> {
        if (x instanceof Stmt.Forward) {
          ok[0] = false; // text the analysis cannot read
        } else if (x instanceof Stmt.Accumulate a && a.target() instanceof Expr.Var v
            && v.name().equals(adjoint)) {
          ok[0] &= pure(a.value()) && !mentions(a.value(), adjoint);
        } else {
          StmtWalk.named(x, e -> ok[0] &= !mentions(e, adjoint));
        }
      });
    }
    return ok[0];
  }

  private static boolean mentions(Expr e, String name) {
    boolean[] found = {false};
    ExprWalk.visit(e, x -> found[0] |= x instanceof Expr.Var v && v.name().equals(name));
    return found[0];
  }

  /** No tape read, no effect: every call a tensor operation, a runtime adjoint kernel or a Math function. */
  private static boolean pure(Expr e) {
    boolean[] ok = {true};
    ExprWalk.visit(e, x -> {
      if (x instanceof Expr.Pop || x instanceof Expr.Recorded || x instanceof Expr.Decided
          || x instanceof Expr.NewArray || x instanceof Expr.Clone) {
        ok[0] = false;
      } else if (x instanceof Expr.Call c) {
        ok[0] &= pureCallee(c.callee());
      }
    });
    return ok[0];
  }

  private static boolean pureCallee(Callee callee) {
    if (callee instanceof Callee.TensorMethod m) {
      String n = m.name();
      return !n.endsWith("_") && !n.contains("InPlace") && !n.equals("backward") && !n.startsWith("requiresGrad")
          && !n.equals("retainGrad") && !n.equals("zeroGrad") && !n.equals("grad");
    }
    if (callee instanceof Callee.Static s) {
      return s.owner().equals("dev.adjoint.runtime.TensorAdjoints") && !s.name().startsWith("require");
    }
    return callee instanceof Callee.TensorFunction || callee instanceof Callee.MathFunction;
  }
}
