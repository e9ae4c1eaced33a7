package dev.adjoint.processor.emit;

import static dev.adjoint.processor.emit.CompanionWriter.RUNTIME;
import static dev.adjoint.processor.emit.CompanionWriter.simple;
import static dev.adjoint.processor.emit.CompanionWriter.typeName;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.differentiate.AdjointProgram;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.TapeKind;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.lang.model.element.Modifier;

/**
 * The reverse sweep of one method as a static method of a forward sweep's end state, {@code m$sweep}, which the
 * tape's {@code reverse$}, {@code mVjp}, the recompute pullback and the split-mode {@code m$reverse} ({@link
 * CallMembers}) share. A split-mode caller passes its double tape as {@code adjoints$}: the double parameters'
 * adjoints then come back in its registers instead of a gradient record.
 */
final class SharedSweep {
  private final MethodMembers members;
  private final TapeMembers tapes;
  private final AdjointProgram program;
  private final MethodIr method;
  private final TypeName resultType;
  private final boolean tensorMode;

  SharedSweep(MethodMembers members, TapeMembers tapes) {
    this.members = members;
    this.tapes = tapes;
    this.program = members.program;
    this.method = members.method;
    this.resultType = members.resultType;
    this.tensorMode = members.tensorMode;
  }

  /**
   * The differentiable {@code double} parameters: the shared sweep returns their adjoints in the registers of the
   * {@code adjoints$} tape it is given (a split-mode caller's), else in the gradient record.
   */
  List<MethodIr.Parameter> registered() {
    return method.differentiableParameters().stream().filter(p -> p.type() == Type.DOUBLE).toList();
  }

  /** {@code , value} as the shared sweep's {@code adjoints$} argument, when it has that parameter. */
  String registers(String value) {
    return registered().isEmpty() ? "" : ", " + value;
  }

  /**
   * The name of the companion's static reverse sweep that the tape's {@code reverse$} and {@code mVjp}
   * share: {@code m$sweep}, a companion member rather than the tape's, as a parameter of the method may be
   * named like the tape class and hide it.
   */
  private String sharedSweepName() {
    return method.name() + "$sweep";
  }

  /**
   * Whether {@code reverse$} and {@code mVjp} run one copy of the reverse sweep, {@code m$sweep}, instead
   * of one each: not for tensor methods (their {@code mVjp} goes through the tape), nor when the end state
   * would not fit the JVM's 255 parameter slots (JVMS 4.3.3).
   */
  boolean sharesSweep() {
    if (sharesSweep == null) {
      sharesSweep = computeSharesSweep();
    }
    return sharesSweep;
  }

  /** {@link #sharesSweep}, computed once: the call boundary's members ask it for every tape they touch. */
  private Boolean sharesSweep;

  private boolean computeSharesSweep() {
    if (tensorMode) {
      return false;
    }
    int slots = slots(resultType) + tapes.accumulated().size() + program.tapes().size()
        + (registered().isEmpty() ? 0 : 1);
    for (Expr.Var v : tapes.sweptVariables()) {
      slots += slots(typeName(v.type()));
    }
    return slots <= 255;
  }

  private static int slots(TypeName type) {
    return type.equals(TypeName.DOUBLE) || type.equals(TypeName.LONG) ? 2 : 1;
  }

  /**
   * The call of the shared reverse sweep from the end state in the enclosing method's locals and tapes
   * (read from their cursors down), the array parameters' adjoints accumulating into {@code targets}.
   */
  CodeBlock sharedSweepCall(String targets) {
    List<String> arguments = new ArrayList<>();
    tapes.sweptVariables().forEach(v -> arguments.add(v.name()));
    program.tapes().forEach(t -> arguments.add(t.variable));
    arguments.add("upstream");
    return sharedSweepArguments(arguments, targets + donation("false"));
  }

  private Expr.Var donated;
  private boolean donatedKnown;

  /** The returned local whose adjoint may be a split-mode caller's upstream ({@link DonatedUpstream}), or null. */
  Expr.Var donated() {
    if (!donatedKnown) {
      donatedKnown = true;
      donated = !tensorMode && sharesSweep() ? DonatedUpstream.result(method, program) : null;
    }
    return donated;
  }

  /** {@code , value} as the shared sweep's {@code donated$} argument, when it has that parameter. */
  String donation(String value) {
    return donated() == null ? "" : ", " + value;
  }

  /** {@code m$sweep(a, b, ...)}, wrapped where the line gets long. */
  CodeBlock sharedSweepArguments(List<String> arguments, String targets) {
    CodeBlock.Builder call = CodeBlock.builder().add("$L(", sharedSweepName());
    for (int k = 0; k < arguments.size(); k++) {
      call.add(k == 0 ? "$L" : ",$W$L", arguments.get(k));
    }
    return call.add("$L)", targets).build();
  }

  /**
   * The reverse sweep as a static method of the end state of a forward sweep, so that {@code reverse$}
   * (from the recorded state) and {@code mVjp} (from its own forward sweep) share one copy of it.
   */
  MethodSpec sharedSweep() {
    MethodSpec.Builder m = MethodSpec.methodBuilder(sharedSweepName())
        .addJavadoc("The reverse sweep of $L for {@code $LVjp}, {@code $T.reverse$$} and the split-mode call"
            + " boundary, from the parameters and locals as a forward sweep left them.\n", members.source,
            method.name(), members.tapeClass)
        .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .returns(members.gradientClass);
    for (Expr.Var v : tapes.sweptVariables()) {
      m.addParameter(typeName(v.type()), v.name());
    }
    for (TapeKind t : program.tapes()) {
      m.addParameter(ClassName.get(RUNTIME, simple(t.runtimeClass)), t.variable);
    }
    m.addParameter(resultType, "upstream");
    for (MethodIr.Parameter p : tapes.accumulated()) {
      m.addParameter(typeName(p.type()), "into$" + p.name());
    }
    if (!registered().isEmpty()) {
      m.addParameter(ClassName.get(RUNTIME, "DoubleTape"), "adjoints$");
    }
    if (donated() != null) {
      m.addParameter(TypeName.BOOLEAN, DonatedUpstream.DONATED);
    }
    CodeBlock.Builder code = CodeBlock.builder();
    tapes.reverseSweep(code, true, Map.of(), donated());
    if (!registered().isEmpty()) {
      code.beginControlFlow("if (adjoints$$ != null)")
          .add("// a split-mode caller: the double parameters' adjoints in its registers, no gradient record\n");
      for (int k = 0; k < registered().size(); k++) {
        code.addStatement("adjoints$$.adjoint($L, $L)", k, AdjointProgram.adjointName(registered().get(k).name()));
      }
      code.addStatement("return null").endControlFlow();
    }
    code.addStatement("return $L", gradientOrNull());
    return m.addCode(code.build()).build();
  }

  /** The gradient record of the adjoints, or null when every component went into a target array. */
  CodeBlock gradientOrNull() {
    List<MethodIr.Parameter> targets = tapes.accumulated();
    if (!tensorMode && members.shape == null && !targets.isEmpty()
        && targets.size() == method.differentiableParameters().size()) {
      // every component went into the caller's arrays, and callers read only scalar and tensor components
      return CodeBlock.of("$L ? null : $L", targets.stream()
          .map(p -> "into$" + p.name() + " != null").collect(Collectors.joining(" && ")),
          members.gradients.newGradient());
    }
    return members.gradients.newGradient();
  }
}
