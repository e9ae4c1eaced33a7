package dev.adjoint.processor.emit;

import dev.adjoint.processor.analyze.Activity;
import dev.adjoint.processor.differentiate.AdjointProgram;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.StmtWalk;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

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
    StmtWalk.statements(program.forward(), s -> StmtWalk.evaluated(s, e -> ExprWalk.visit(e, x -> {
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
}
