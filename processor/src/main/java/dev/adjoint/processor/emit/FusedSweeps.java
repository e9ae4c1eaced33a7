package dev.adjoint.processor.emit;

import static dev.adjoint.processor.emit.CompanionWriter.typeName;

import com.palantir.javapoet.CodeBlock;
import dev.adjoint.processor.differentiate.AdjointProgram;
import dev.adjoint.processor.differentiate.ForwardPruning;
import dev.adjoint.processor.differentiate.FusedLoops;
import dev.adjoint.processor.differentiate.SlotAccumulators;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.StmtWalk;
import dev.adjoint.processor.ir.TapeKind;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one-call sweeps of a method with a fused loop ({@link FusedLoops}): the adjoints are declared and seeded
 * first, then the forward sweep runs (the loop's reverse inside it), then the rest of the reverse sweep.
 */
final class FusedSweeps {
  private FusedSweeps() {}

  /**
   * Whether {@code members}' one-call members use the fused sweeps: a plain method with a double result; for
   * {@code mVjp} ({@code value} false) only when its separate forward sweep keeps the loop ({@link
   * ForwardPruning} may skip it, and then the reverse loop alone is cheaper than the fused one).
   */
  static boolean applies(MethodMembers members, boolean value) {
    AdjointProgram program = members.program;
    if (program.fused() == null || members.shape != null || !members.scalarResult || members.tensorMode) {
      return false;
    }
    // the loop may sit in a branch of its own forward sweep (IndexedRecording's array or the tape)
    boolean[] kept = {false};
    for (Stmt top : ForwardPruning.prune(program.forward().statements(), program.reverse().statements(), Set.of())) {
      StmtWalk.statements(top, s -> kept[0] |= s instanceof Stmt.While w && w.origin().equals(program.fused().loop()));
    }
    return value || kept[0];
  }

  /**
   * The body of {@code mVjp} (upstream the parameter {@code upstream}; {@code value} false) or of {@code
   * mValueAndGradient} (upstream 1.0; {@code value} true: the result is kept and returned with the gradient).
   */
  static CodeBlock body(MethodMembers members, boolean value, com.palantir.javapoet.ClassName pair) {
    AdjointProgram program = members.program;
    FusedLoops.Fused fused = program.fused();
    CodeBlock.Builder code = CodeBlock.builder();
    Set<String> liveOut = new HashSet<>();
    if (value) {
      liveOut.add(program.result().name());
    }
    for (MethodIr.Parameter p : members.method.differentiableParameters()) {
      liveOut.add(AdjointProgram.adjointName(p.name()));
    }
    program.adjoints().forEach(a -> liveOut.add(a.adjoint().name()));
    // the rest of the reverse sweep without the stores nothing reads before the return (the loop's counter put
    // back at its start before the reverse of its initialization pops it)
    Set<String> returned = new HashSet<>();
    if (value) {
      returned.add(program.result().name());
    }
    for (MethodIr.Parameter p : members.method.differentiableParameters()) {
      returned.add(AdjointProgram.adjointName(p.name()));
    }
    List<Stmt> reverse = ForwardPruning.prune(SlotAccumulators.apply(NodeInputGrads.apply(
        fused.reverse().statements(), Map.of()), members.tapes.primalNames()), List.of(), returned);
    // only what the reverse sweep, the gradient (and the value) read
    List<Stmt> forward = ForwardPruning.prune(fused.forward().statements(), reverse, liveOut);
    // the checkpointing locals of the loop the fused one replaces, and the result mVjp does not compute:
    // declared only when something still names them
    Set<String> named = ReverseReads.named(program, forward, reverse);
    String result = program.result().name();
    members.tapes.forwardSweep(code, false, List.of(), name -> named == null || named.contains(name)
        || value && name.equals(result)
        || !(name.startsWith("_checkpoints$") || name.startsWith("_trips$") || name.startsWith("_saved$")
        || name.equals(result)));
    code.add("// adjoints first: the loop at line $L runs each iteration's reverse right after it\n", fused.loop().line());
    for (MethodIr.Parameter p : members.method.differentiableParameters()) {
      code.addStatement("$T $L = $L", typeName(p.type()), AdjointProgram.adjointName(p.name()),
          TapeMembers.zeroAdjoint(p.variable()));
    }
    for (AdjointProgram.Adjoint a : program.adjoints()) {
      // a local array's adjoint is made right after the array is assigned (LateArrayAdjoints)
      code.addStatement("$T $L = $L", typeName(a.primal().type()), a.adjoint().name(),
          fused.lateArrays().contains(a.primal().name()) ? "null" : TapeMembers.zeroAdjoint(a.primal()));
    }
    code.addStatement("double $L = $L", AdjointProgram.adjointName(program.result().name()), value ? "1.0" : "upstream");
    JavaCode.statements(forward, code);
    for (TapeKind t : program.tapes()) {
      code.addStatement("$L.rewind()", t.variable);
    }
    code.add("// reverse sweep of what precedes the loop\n");
    JavaCode.statements(reverse, code);
    if (value) {
      code.addStatement("return new $T($L, $L)", pair, program.result().name(), members.gradients.newGradient());
    } else {
      code.addStatement("return $L", members.gradients.newGradient());
    }
    return code.build();
  }
}
