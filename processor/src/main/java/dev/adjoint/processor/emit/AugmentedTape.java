package dev.adjoint.processor.emit;

import static dev.adjoint.processor.emit.CompanionWriter.RUNTIME;
import static dev.adjoint.processor.emit.CompanionWriter.simple;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.TapeKind;
import java.util.List;
import java.util.stream.Collectors;
import javax.lang.model.element.Modifier;

/**
 * The tape class of a method whose call boundary is flat ({@link CallMembers#flat()}): it records by running {@code
 * m$augment} onto its tapes (the caller's where given, else fresh ones) and its {@code reverse$} runs {@code
 * m$reverse} on them (with no adjoint registers: the gradient comes back as a record), so that the recording forward
 * sweep and the popping of the end state are written once, in the call boundary's members, and the tape keeps no
 * state of its own but the tapes, where its stretches end, the result and the scalar arguments ({@code m$reverse}
 * takes them again).
 */
final class AugmentedTape {
  private final MethodMembers members;
  private final CallMembers calls;

  AugmentedTape(MethodMembers members, CallMembers calls) {
    this.members = members;
    this.calls = calls;
  }

  private static ClassName runtime(TapeKind t) {
    return ClassName.get(RUNTIME, simple(t.runtimeClass));
  }

  private String result() {
    return "state$" + members.program.result().name();
  }

  /** The tapes the recording touches, where its stretch of each ends, and the result. */
  void addFields(TypeSpec.Builder tape) {
    for (TapeKind t : calls.touched()) {
      tape.addField(runtime(t), t.variable, Modifier.PRIVATE, Modifier.FINAL);
      tape.addField(TypeName.LONG, SharedTapes.end(t), Modifier.PRIVATE, Modifier.FINAL);
    }
    tape.addField(members.resultType, result(), Modifier.PRIVATE, Modifier.FINAL);
    for (MethodIr.Parameter p : calls.givenScalars()) {
      tape.addField(CompanionWriter.typeName(p.type()), argument(p), Modifier.PRIVATE, Modifier.FINAL);
    }
  }

  /** The field keeping a scalar argument, which {@code m$reverse} takes again. */
  private static String argument(MethodIr.Parameter p) {
    return "arg$" + p.name();
  }

  /** The constructor on fresh tapes, and the one on the caller's tapes (fresh ones where null), which records. */
  void addConstructors(TypeSpec.Builder tape) {
    List<MethodIr.Parameter> parameters = members.method.parameters();
    String args = parameters.stream().map(MethodIr.Parameter::name).collect(Collectors.joining(", "));
    MethodSpec.Builder plain = MethodSpec.constructorBuilder().addParameters(members.parameters())
        .addStatement("this($L$L)", args, SharedTapes.none(args.isEmpty()));
    tape.addMethod(plain.build());
    MethodSpec.Builder sharing = MethodSpec.constructorBuilder().addParameters(members.parameters())
        .addParameters(SharedTapes.parameters());
    for (MethodIr.Parameter p : calls.givenScalars()) {
      sharing.addStatement("this.$L = $L", argument(p), p.name());
    }
    for (TapeKind t : calls.touched()) {
      sharing.addStatement("this.$L = $L != null ? $L : new $T()", t.variable, SharedTapes.parameter(t), SharedTapes.parameter(t),
          runtime(t));
    }
    String tapes = SharedTapes.KINDS.stream()
        .map(t -> calls.touched().contains(t) ? "this." + t.variable : "null").collect(Collectors.joining(", "));
    sharing.addStatement("this.$L = $L$$augment($L$L$L)", result(), members.method.name(), args,
        args.isEmpty() ? "" : ", ", tapes);
    for (TapeKind t : calls.touched()) {
      sharing.addStatement("this.$L = this.$L.size()", SharedTapes.end(t), t.variable);
    }
    tape.addMethod(sharing.build());
  }

  /**
   * {@code reverse$}'s body: {@code m$reverse} on the tape's own stretches, with no adjoint registers (the double
   * parameters' adjoints then come back in the gradient record).
   */
  CodeBlock reverseBody(String targets) {
    List<TapeKind> touched = calls.touched();
    String tapes = SharedTapes.KINDS.stream().map(t -> touched.contains(t) ? "this." + t.variable : "null")
        .collect(Collectors.joining(", "));
    String ends = SharedTapes.KINDS.stream().map(t -> touched.contains(t) ? "this." + SharedTapes.end(t) : "0")
        .collect(Collectors.joining(", "));
    String scalars = calls.givenScalars().stream().map(p -> ", this." + argument(p)).collect(Collectors.joining());
    return CodeBlock.builder().addStatement("return $L$$reverse(upstream$L$L, $L,$W$L, null)", members.method.name(),
        scalars, targets, tapes, ends).build();
  }

  /** Releases the tapes when the graph is freed. */
  void release(CodeBlock.Builder code) {
    for (TapeKind t : calls.touched()) {
      code.addStatement("this.$L.release()", t.variable);
    }
  }
}
