package dev.adjoint.processor.emit;

import dev.adjoint.processor.analyze.Activity;
import dev.adjoint.processor.differentiate.AdjointProgram;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What the graph node of a tensor method needs to know about the method beyond its signature: the
 * {@code static final} tensors it reads (saved with their versions, and refused when they require grad) and
 * whether any differentiable tensor parameter reaches the result at all (else the result is a constant and,
 * as in eager autograd, gets no node).
 */
final class TensorNodes {
  private TensorNodes() {}

  /** The {@code static final} tensor fields {@code program}'s forward sweep reads, each once, in reading order. */
  static List<Expr.StaticField> constants(AdjointProgram program) {
    Set<Expr.StaticField> fields = new LinkedHashSet<>();
    statements(program.forward(), s -> expressions(s, e -> ExprWalk.visit(e, x -> {
      if (x instanceof Expr.StaticField f && f.type() == Type.TENSOR) {
        fields.add(f);
      }
    })));
    return new ArrayList<>(fields);
  }

  /** Whether some differentiable tensor parameter may flow into the result (a static over-approximation). */
  static boolean resultVariesWithTensorInputs(AdjointProgram program) {
    Set<String> seeds = new LinkedHashSet<>();
    for (MethodIr.Parameter p : program.method().differentiableParameters()) {
      if (p.type() == Type.TENSOR) {
        seeds.add(p.name());
      }
    }
    return !seeds.isEmpty() && Activity.of(seeds, program.forward()).isVaried(program.result().name());
  }

  private static void statements(Stmt s, Consumer<Stmt> visitor) {
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

  /** The expressions a statement evaluates itself (not those of nested statements). */
  private static void expressions(Stmt s, Consumer<Expr> visitor) {
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
}
