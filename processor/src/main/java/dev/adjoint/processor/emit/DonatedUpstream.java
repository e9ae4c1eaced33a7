package dev.adjoint.processor.emit;

import static dev.adjoint.processor.emit.CompanionWriter.typeName;

import com.palantir.javapoet.CodeBlock;
import dev.adjoint.processor.differentiate.AdjointProgram;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.StmtWalk;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * A callee's reverse that takes its caller's adjoint array as its result's adjoint instead of copying it (ode's
 * {@code k1 = f(x, y)}, four calls a step). A method returning a {@code double[]} local {@code z} (not a parameter)
 * starts its reverse sweep with {@code _d_z} a fresh zero array and {@code ArrayAdjoints.addInto(_d_z, upstream)},
 * the reverse of {@code return z}: {@code _d_z} is then a copy of the upstream, and the upstream is read nowhere
 * else. When the split-mode caller gave the upstream up ({@code DoubleTape.donate}: it only zeroes it after the
 * call, differentiate.AdjointRecycling), {@code _d_z} may be that array itself: the same values, no allocation, no
 * copy, and what the sweep writes into it is never read by the caller.
 *
 * <p>Exact when nothing else in the callee's sweep is the same array: its other local adjoints are fresh arrays, and
 * the parameters' adjoints ({@code into$} targets the caller passed, e.g. {@code f(k, ...)} with {@code k}'s adjoint
 * also the upstream) are compared by identity at run time ({@code taken$} below); the upstream must have {@code
 * z}'s length (as the caller's adjoint of the variable holding {@code z} has). mVjp and a tape's {@code reverse$}
 * pass {@code false}: the user's upstream is never written.
 */
final class DonatedUpstream {
  private DonatedUpstream() {}

  /** The parameter of {@code m$sweep} that says the caller gave the upstream up. */
  static final String DONATED = "donated$";

  private static final String TAKEN = "taken$";

  /** The returned local {@code z} when {@code program}'s reverse sweep has the shape above, else null. */
  static Expr.Var result(MethodIr method, AdjointProgram program) {
    if (!Type.VECTOR.equals(method.returnType())) {
      return null;
    }
    List<Stmt> reverse = program.reverse().statements();
    int first = 0;
    while (first < reverse.size() && reverse.get(first) instanceof Stmt.Comment) {
      first++;
    }
    String upstream = AdjointProgram.adjointName(program.result().name());
    if (first == reverse.size() || !(reverse.get(first) instanceof Stmt.Effect e)
        || !(e.call().callee() instanceof Callee.Static st) || !st.name().equals("addInto")
        || !st.owner().equals("dev.adjoint.runtime.ArrayAdjoints") || e.call().args().size() != 2
        || !(e.call().args().get(0) instanceof Expr.Var target) || !(e.call().args().get(1) instanceof Expr.Var source)
        || !source.name().equals(upstream)) {
      return null;
    }
    Expr.Var z = null;
    for (AdjointProgram.Adjoint a : program.adjoints()) {
      if (a.adjoint().name().equals(target.name()) && Type.VECTOR.equals(a.primal().type())) {
        z = a.primal();
      }
    }
    for (MethodIr.Parameter p : method.parameters()) {
      if (z != null && p.name().equals(z.name())) {
        return null;
      }
    }
    // the upstream read only there
    int[] reads = {0};
    for (Stmt s : reverse) {
      StmtWalk.statements(s, t -> StmtWalk.named(t, x -> ExprWalk.visit(x, y -> reads[0] += y instanceof Expr.Var v
          && v.name().equals(upstream) ? 1 : 0)));
    }
    return z != null && reads[0] == 1 ? z : null;
  }

  /**
   * {@code boolean taken$ = donated$ && upstream.length == z.length && upstream != _d_p ...} over the {@code double[]}
   * parameters' adjoints (declared before it).
   */
  static void declareTaken(CodeBlock.Builder code, Expr.Var z, MethodIr method) {
    CodeBlock.Builder test = CodeBlock.builder().add("$L && upstream.length == $L.length", DONATED, z.name());
    for (MethodIr.Parameter p : method.differentiableParameters()) {
      if (Type.VECTOR.equals(p.type())) {
        test.add(" && upstream != $L", AdjointProgram.adjointName(p.name()));
      }
    }
    code.add("// the caller gave its adjoint array up (split-mode call boundary): the result's adjoint, not a copy\n");
    code.addStatement("boolean $L = $L", TAKEN, test.build());
  }

  /** {@code double[] _d_z = taken$ ? upstream : zeros}. */
  static void declareAdjoint(CodeBlock.Builder code, Expr.Var z, Expr.Var adjoint, CodeBlock zeros) {
    code.addStatement("$T $L = $L ? upstream : $L", typeName(z.type()), adjoint.name(), TAKEN, zeros);
  }

  /** {@code reverse} with its first statement, the copy of the upstream, run only when not {@code taken$}. */
  static List<Stmt> reverse(List<Stmt> reverse) {
    List<Stmt> out = new ArrayList<>(reverse);
    for (int k = 0; k < out.size(); k++) {
      if (!(out.get(k) instanceof Stmt.Comment)) {
        Stmt copy = out.get(k);
        out.set(k, new Stmt.If(new Expr.Unary(Expr.UnaryOp.NOT, new Expr.Var(TAKEN, Type.BOOLEAN), Type.BOOLEAN),
            Stmt.Block.of(List.of(copy)), Stmt.Block.of(List.of()), copy.origin()));
        break;
      }
    }
    return out;
  }
}
