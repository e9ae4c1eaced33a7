package dev.adjoint.processor.emit;

import static dev.adjoint.processor.emit.CompanionWriter.ARRAY_ADJOINTS;
import static dev.adjoint.processor.emit.CompanionWriter.BACKWARD;
import static dev.adjoint.processor.emit.CompanionWriter.RUNTIME;
import static dev.adjoint.processor.emit.CompanionWriter.TENSOR;
import static dev.adjoint.processor.emit.CompanionWriter.TENSOR_ADJOINTS;
import static dev.adjoint.processor.emit.CompanionWriter.simple;
import static dev.adjoint.processor.emit.CompanionWriter.typeName;
import static dev.adjoint.processor.emit.CompanionWriter.zero;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.adjoint.processor.differentiate.AdjointProgram;
import dev.adjoint.processor.differentiate.SlotAccumulators;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.TapeKind;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.lang.model.element.Modifier;

/**
 * The tape class {@code MTape} of one method: its fields, the recording forward sweep, {@code value},
 * {@code backward}, and the split-mode plumbing ({@code reverse$}, {@code sweep$}); where the call boundary is flat
 * ({@link AugmentedTape}) it records through {@code m$augment} instead of a forward sweep of its own.
 */
final class TapeMembers {
  private final MethodMembers members;
  private final AdjointProgram program;
  private final MethodIr method;
  private final ClassName tapeClass;
  private final ClassName gradientClass;
  private final TypeName resultType;
  private final boolean scalarResult;
  private final boolean tensorResult;
  private final boolean tensorMode;
  private final String source;
  /** The reverse sweep that {@code reverse$}, {@code mVjp} and {@code m$reverse} share ({@code m$sweep}). */
  final SharedSweep shared;
  /** The node inputs whose adjoint the node's reverse sweep may skip ({@link NodeInputGrads}). */
  private final Map<String, Integer> nodeGuards;

  TapeMembers(MethodMembers members) {
    this.members = members;
    this.program = members.program;
    this.method = members.method;
    this.tapeClass = members.tapeClass;
    this.gradientClass = members.gradientClass;
    this.resultType = members.resultType;
    this.scalarResult = members.scalarResult;
    this.tensorResult = members.tensorResult;
    this.tensorMode = members.tensorMode;
    this.source = members.source;
    this.nodeGuards = tensorResult && tensorMode ? NodeInputGrads.guarded(program) : Map.of();
    this.shared = new SharedSweep(members, this);
  }

  /** The differentiable tensor parameters the graph node's reverse sweep skips when they need no gradient. */
  Map<String, Integer> nodeGuards() {
    return nodeGuards;
  }

  TypeSpec tape() {
    TypeSpec.Builder tape = TypeSpec.classBuilder(tapeClass.simpleName())
        .addModifiers(members.visibility()).addModifiers(Modifier.STATIC, Modifier.FINAL)
        .addJavadoc("The retained graph of one forward pass of $L: its value and its reverse pass.\n"
            + "\n<p>{@code backward} frees the tape unless asked to retain it, as PyTorch's {@code backward()}"
            + " does. Not for concurrent use.\n", source);
    AugmentedTape augmented = augmented();
    if (augmented != null) {
      augmented.addFields(tape);
    } else {
      addStateFields(tape);
    }
    tape.addField(TypeName.BOOLEAN, "freed", Modifier.PRIVATE);

    if (augmented != null) {
      augmented.addConstructors(tape);
    } else {
      addRecordingConstructors(tape);
    }

    MethodSpec.Builder value = MethodSpec.methodBuilder("value")
        .addModifiers(Modifier.PUBLIC)
        .returns(resultType);
    if (scalarResult) {
      value.addJavadoc("The primal result.\n").addStatement("return state$$$L", program.result().name());
    } else if (tensorResult) {
      value.addJavadoc("The primal result (a copy: the tape keeps its own).\n")
          .addStatement("return $T.fresh(state$$$L, state$$$L)", TENSOR_ADJOINTS, program.result().name(),
              program.result().name());
    } else if (snapshotsValue()) {
      value.addJavadoc("The primal result (a copy: the tape keeps its own).\n")
          .addStatement("return $T.copyOf(value$$ != null ? value$$ : state$$$L)", ARRAY_ADJOINTS,
              program.result().name());
    } else {
      value.addJavadoc("The primal result (a copy: the tape keeps its own).\n")
          .addStatement("return $T.copyOf(state$$$L)", ARRAY_ADJOINTS, program.result().name());
    }
    tape.addMethod(value.build());
    tape.addMethod(MethodSpec.methodBuilder("result$")
        .addJavadoc("Generated plumbing of the split-mode call boundary, not API: the result itself, not a"
            + " copy.\n")
        .addModifiers(Modifier.PUBLIC)
        .returns(resultType)
        .addStatement("return state$$$L", program.result().name())
        .build());
    if (tensorResult) {
      tape.addMethod(members.tensors.nodeGradients());
    }
    tape.addMethod(backward(augmented));
    tape.addMethod(reverse(augmented));
    if (tensorMode) {
      tape.addMethod(sweep());
    }
    if (tensorResult && tensorMode) {
      tape.addMethod(reverseNeeding());
    }
    tape.addMethod(MethodSpec.methodBuilder("backward")
        .addJavadoc("The reverse pass; frees the tape. Same as {@code backward(upstream, false)}.\n")
        .addModifiers(Modifier.PUBLIC)
        .returns(gradientClass)
        .addParameter(resultType, "upstream")
        .addStatement("return backward(upstream, false)")
        .build());
    if (scalarResult) {
      tape.addMethod(MethodSpec.methodBuilder("backward")
          .addJavadoc("The reverse pass with upstream 1.0 (the output is a scalar); frees the tape.\n")
          .addModifiers(Modifier.PUBLIC)
          .returns(gradientClass)
          .addStatement("return backward(1.0, false)")
          .build());
    } else if (tensorResult) {
      tape.addMethod(MethodSpec.methodBuilder("backward")
          .addJavadoc("The reverse pass with upstream 1 for a one-element result; frees the tape.\n\n"
              + "@throws IllegalStateException if the result has more than one element (grad can be"
              + " implicitly created only for scalar outputs)\n")
          .addModifiers(Modifier.PUBLIC)
          .returns(gradientClass)
          .addStatement("return backward($T.implicitUpstream(state$$$L), false)", TENSOR_ADJOINTS,
              program.result().name())
          .build());
    }
    return tape.build();
  }

  /**
   * The tape that records through {@code m$augment} ({@link AugmentedTape}), where the call boundary is flat; null
   * where it keeps its end state in fields of its own and records with its own copy of the forward sweep.
   */
  private AugmentedTape augmented() {
    CallMembers calls = new CallMembers(members);
    return calls.flat() ? new AugmentedTape(members, calls) : null;
  }

  private void addStateFields(TypeSpec.Builder tape) {
    for (MethodIr.Parameter p : keepsInputs() ? method.parameters() : List.<MethodIr.Parameter>of()) {
      tape.addField(FieldSpec.builder(typeName(p.type()), "input$" + p.name(), Modifier.PRIVATE, Modifier.FINAL)
          .build());
    }
    for (TapeKind t : program.tapes()) {
      tape.addField(ClassName.get(RUNTIME, simple(t.runtimeClass)), t.variable, Modifier.PRIVATE);
      tape.addField(TypeName.LONG, SharedTapes.end(t), Modifier.PRIVATE);
    }
    for (Expr.Var v : stateVariables()) {
      tape.addField(typeName(v.type()), "state$" + v.name(), Modifier.PRIVATE);
    }
    if (program.consumesRecording()) {
      tape.addField(TypeName.BOOLEAN, "recorded", Modifier.PRIVATE);
    }
    if (snapshotsValue()) {
      tape.addField(FieldSpec.builder(resultType, "value$", Modifier.PRIVATE)
          .addJavadoc("The result as recorded, kept before the first reverse pass writes saved values back.\n")
          .build());
    }
  }

  private void addRecordingConstructors(TypeSpec.Builder tape) {
    MethodSpec.Builder constructor = MethodSpec.constructorBuilder();
    for (MethodIr.Parameter p : method.parameters()) {
      constructor.addParameter(typeName(p.type()), p.name());
      if (keepsInputs()) {
        constructor.addStatement("this.input$$$L = $L", p.name(), p.name());
      }
    }
    if (tensorMode) {
      for (Expr.StaticField f : TensorNodes.constants(program)) {
        constructor.addStatement("$T.requireConstant($L.$L, $S, $S)", TENSOR_ADJOINTS,
            JavaCode.typeName(f.owner()), f.name(), f.owner() + "." + f.name(),
            method.ownerCanonicalName() + "." + method.name());
      }
      constructor.addStatement("$T.noGrad(this::record)", TENSOR);
    } else if (keepsInputs()) {
      constructor.addStatement("record()");
    } else {
      constructor.addStatement("record($L)", method.parameters().stream().map(MethodIr.Parameter::name)
          .collect(Collectors.joining(", ")));
    }
    MethodSpec plain = constructor.build();
    tape.addMethod(plain);
    tape.addMethod(SharedTapes.constructor(plain, program, sharesTapes()));
    tape.addMethod(record());
  }

  /**
   * Whether the tape records onto its caller's tapes when given them: not when a reverse pass may record
   * again (the second recording would land in the middle of the caller's), nor for tensor methods.
   */
  boolean sharesTapes() {
    return !program.consumesRecording() && !tensorMode;
  }

  /**
   * Whether the tape keeps its arguments in {@code input$} fields: only when it may record again from them
   * (a reverse pass that consumes the recording) or runs its forward sweep as a lambda (tensor methods);
   * otherwise {@code record} takes them as parameters, and a call's tape object is smaller by them.
   */
  private boolean keepsInputs() {
    return program.consumesRecording() || tensorMode;
  }

  /** Whether {@code value()} keeps its own copy: an array result a reverse pass may write back into. */
  private boolean snapshotsValue() {
    return program.consumesRecording() && method.returnType() instanceof Type.DoubleArray;
  }

  /** The differentiable array parameters: a caller's reverse passes its adjoints to accumulate into. */
  List<MethodIr.Parameter> accumulated() {
    return method.differentiableParameters().stream().filter(p -> p.type() instanceof Type.DoubleArray).toList();
  }

  /** {@code null} for each accumulation target: the reverse pass then starts from zero arrays. */
  String noTargets() {
    return accumulated().stream().map(p -> ", null").collect(Collectors.joining());
  }

  /** Every variable whose end-of-forward value the reverse pass starts from. */
  List<Expr.Var> stateVariables() {
    List<Expr.Var> vars = new ArrayList<>();
    for (MethodIr.Parameter p : method.parameters()) {
      vars.add(p.variable());
    }
    vars.addAll(program.locals());
    return vars;
  }

  /** The end state the reverse sweep reads ({@link ReverseReads#swept}): what {@code m$sweep} is given. */
  List<Expr.Var> sweptVariables() {
    if (swept == null) {
      swept = List.copyOf(ReverseReads.swept(program, stateVariables(), reverseStatements()));
    }
    return swept;
  }

  /** The reverse sweep's statements as {@link #reverseSweep} writes them without guards. */
  List<Stmt> reverseStatements() {
    if (reverseStatements == null) {
      reverseStatements = List.copyOf(
          SlotAccumulators.apply(NodeInputGrads.apply(program.reverse().statements(), Map.of()), primalNames()));
    }
    return reverseStatements;
  }

  // Computed once: every member of the method (the sweep, the tape, the call boundary) asks again.
  private List<Expr.Var> swept;
  private List<Stmt> reverseStatements;

  private MethodSpec record() {
    CodeBlock.Builder code = CodeBlock.builder();
    forwardSweep(code, true, program.forward().statements());
    for (TapeKind t : program.tapes()) {
      code.addStatement("this.$L = $L", t.variable, t.variable);
      code.addStatement("this.$L = $L.size()", SharedTapes.end(t), t.variable);
    }
    for (Expr.Var v : stateVariables()) {
      code.addStatement("this.state$$$L = $L", v.name(), v.name());
    }
    if (program.consumesRecording()) {
      code.addStatement("this.recorded = true");
    }
    MethodSpec.Builder record = MethodSpec.methodBuilder("record")
        .addJavadoc(sharesTapes()
            ? "Runs the forward sweep from the inputs, recording onto the caller's tapes or fresh ones.\n"
            : "Runs the forward sweep from the inputs, recording onto fresh tapes.\n")
        .addModifiers(Modifier.PRIVATE);
    if (!keepsInputs()) {
      for (MethodIr.Parameter p : method.parameters()) {
        record.addParameter(typeName(p.type()), p.name());
      }
    }
    return record.addCode(code.build()).build();
  }

  /**
   * Declares the tapes and locals and runs the forward sweep; the parameters come from the tape's input
   * fields, or are the enclosing method's own parameters.
   */
  void forwardSweep(CodeBlock.Builder code, boolean fromFields, List<Stmt> forward) {
    forwardSweep(code, fromFields, forward, name -> true);
  }

  /** As {@link #forwardSweep(CodeBlock.Builder, boolean, List)}, declaring only the locals {@code declared} accepts. */
  void forwardSweep(CodeBlock.Builder code, boolean fromFields, List<Stmt> forward,
      java.util.function.Predicate<String> declared) {
    for (TapeKind t : program.tapes()) {
      ClassName runtime = ClassName.get(RUNTIME, simple(t.runtimeClass));
      if (fromFields && sharesTapes()) {
        // recorded once, from the constructor: onto the caller's tapes when it gave them
        code.addStatement("$T $L = this.$L != null ? this.$L : new $T()", runtime, t.variable, t.variable,
            t.variable, runtime);
      } else {
        code.addStatement("$T $L = new $T()", runtime, t.variable, runtime);
      }
    }
    if (fromFields && keepsInputs()) {
      for (MethodIr.Parameter p : method.parameters()) {
        code.addStatement("$T $L = input$$$L", typeName(p.type()), p.name(), p.name());
      }
    }
    for (Expr.Var v : program.locals()) {
      if (declared.test(v.name())) {
        code.addStatement("$T $L = $L", typeName(v.type()), v.name(), zero(v.type()));
      }
    }
    for (Expr.Var v : program.counters()) {
      if (declared.test(v.name())) {
        code.addStatement("int $L = 0", v.name());
      }
    }
    code.add("// forward sweep\n");
    JavaCode.statements(forward, code);
  }

  /**
   * Declares the adjoints, seeds the result's with {@code upstream} and runs the reverse sweep;
   * {@code accumulate}: the array parameters' adjoints are the {@code into$p} targets when not null.
   */
  void reverseSweep(CodeBlock.Builder code, boolean accumulate) {
    reverseSweep(code, accumulate, Map.of());
  }

  /** As {@link #reverseSweep(CodeBlock.Builder, boolean)}, with the additions to {@code guards}' adjoints guarded. */
  void reverseSweep(CodeBlock.Builder code, boolean accumulate, Map<String, Integer> guards) {
    reverseSweep(code, accumulate, guards, null);
  }

  /** As above; {@code donated}: the returned local whose adjoint may be the upstream ({@link DonatedUpstream}). */
  void reverseSweep(CodeBlock.Builder code, boolean accumulate, Map<String, Integer> guards, Expr.Var donated) {
    for (MethodIr.Parameter p : method.differentiableParameters()) {
      if (accumulate && p.type() instanceof Type.DoubleArray) {
        code.addStatement("$T $L = into$$$L != null ? into$$$L : $L", typeName(p.type()),
            AdjointProgram.adjointName(p.name()), p.name(), p.name(), zeroAdjoint(p.variable()));
      } else {
        code.addStatement("$T $L = $L", typeName(p.type()), AdjointProgram.adjointName(p.name()),
            zeroAdjoint(p.variable()));
      }
    }
    if (donated != null) {
      DonatedUpstream.declareTaken(code, donated, method);
    }
    for (AdjointProgram.Adjoint a : program.adjoints()) {
      if (a.primal().equals(donated)) {
        DonatedUpstream.declareAdjoint(code, donated, a.adjoint(), zeroAdjoint(a.primal()));
      } else {
        code.addStatement("$T $L = $L", typeName(a.primal().type()), a.adjoint().name(), zeroAdjoint(a.primal()));
      }
    }
    code.addStatement("$T $L = upstream", resultType, AdjointProgram.adjointName(program.result().name()));
    code.add("// reverse sweep\n");
    List<Stmt> reverse = program.reverse().statements();
    JavaCode.lastStatements(SlotAccumulators.apply(NodeInputGrads.apply(
        donated != null ? DonatedUpstream.reverse(reverse) : reverse, guards), primalNames()), code);
  }

  /** The method's parameters and locals: variables whose arrays never alias an adjoint. */
  Set<String> primalNames() {
    Set<String> names = new HashSet<>();
    method.parameters().forEach(p -> names.add(p.name()));
    program.locals().forEach(v -> names.add(v.name()));
    return names;
  }

  /** The public reverse pass: checks, keeps the value, runs {@code reverse$} and frees unless retained. */
  private MethodSpec backward(AugmentedTape augmented) {
    CodeBlock.Builder code = CodeBlock.builder();
    code.beginControlFlow("if (this.freed)")
        .addStatement("throw $T.freedGraph()", BACKWARD)
        .endControlFlow();
    if (tensorResult) {
      code.addStatement("$T.requireSameShape(upstream, state$$$L)", TENSOR_ADJOINTS, program.result().name());
    } else if (snapshotsValue()) {
      // a retained graph's first reverse pass wrote the result's saved rows back: check against its copy
      code.addStatement("$T.requireSameShape(upstream, this.value$$ != null ? this.value$$ : state$$$L)", BACKWARD,
          program.result().name());
    } else if (!scalarResult) {
      code.addStatement("$T.requireSameShape(upstream, state$$$L)", BACKWARD, program.result().name());
    }
    if (snapshotsValue()) {
      code.beginControlFlow("if (this.value$$ == null)")
          .add("// the reverse pass writes saved values back into arrays, the result among them\n")
          .addStatement("this.value$$ = $T.copyOf(state$$$L)", ARRAY_ADJOINTS, program.result().name())
          .endControlFlow();
    }
    code.addStatement("$T gradient = reverse$$(upstream$L)", gradientClass, noTargets());
    code.beginControlFlow("if (!retainGraph)");
    code.addStatement("this.freed = true");
    if (augmented != null) {
      augmented.release(code);
    } else {
      for (TapeKind t : program.tapes()) {
        code.addStatement("this.$L.release()", t.variable);
      }
      for (Expr.Var v : stateVariables()) {
        if (v.type() instanceof Type.Named) {
          // the tapes of calls made outside loops: let them go with the graph
          code.addStatement("this.state$$$L = null", v.name());
        }
      }
    }
    code.endControlFlow();
    if (method.differentiableParameters().stream().anyMatch(p -> p.type() == Type.TENSOR)) {
      // no gradient arrived at a tensor parameter: zeros of its entry shape, as the public API promises
      code.addStatement("return new $T($L)", gradientClass, method.differentiableParameters().stream()
          .map(p -> p.type() == Type.TENSOR
              ? CodeBlock.of("$T.orZeros(gradient.$L(), input$$$L)", TENSOR_ADJOINTS, p.sourceName(), p.name())
              : CodeBlock.of("gradient.$L()", p.sourceName()))
          .collect(CodeBlock.joining(", ")));
    } else {
      code.addStatement("return gradient");
    }
    return MethodSpec.methodBuilder("backward")
        .addModifiers(Modifier.PUBLIC)
        .addJavadoc("The reverse pass: the vector-Jacobian product {@code upstream · J}"
            + (tensorMode ? ", computed without recording a graph" : "") + ".\n\n"
            + "@param upstream the gradient of the loss with respect to the result; same shape as the result\n"
            + "@param retainGraph keep the tape usable for another reverse pass\n"
            + "@throws IllegalStateException if an earlier reverse pass freed the tape\n"
            + (scalarResult ? "" : "@throws IllegalArgumentException if {@code upstream} does not have the"
                + " result's shape\n"))
        .returns(gradientClass)
        .addParameter(resultType, "upstream")
        .addParameter(TypeName.BOOLEAN, "retainGraph")
        .addCode(code.build())
        .build();
  }

  /**
   * {@code reverse$}: the reverse sweep from the recorded end state; the tape stays usable (a retained
   * graph). For tensor methods it runs {@code sweep$} without recording a graph.
   */
  private MethodSpec reverse(AugmentedTape augmented) {
    MethodSpec.Builder m = MethodSpec.methodBuilder("reverse$")
        .addJavadoc("Generated plumbing of the split-mode call boundary, not API: the reverse pass from"
            + " {@code upstream}, accumulating the array parameters' adjoints into the given arrays (fresh"
            + " zero arrays where null); the tape stays usable. Returns the gradient record, or null when"
            + " every component is an array that went into a given target.\n")
        .addModifiers(Modifier.PUBLIC)
        .returns(gradientClass)
        .addParameter(resultType, "upstream");
    for (MethodIr.Parameter p : accumulated()) {
      m.addParameter(typeName(p.type()), "into$" + p.name());
    }
    String targets = accumulated().stream().map(p -> ", into$" + p.name()).collect(Collectors.joining());
    if (tensorMode) {
      return m.addStatement("return $T.noGrad(() -> sweep$$(upstream$L$L))", TENSOR, targets,
          nodeGuards.isEmpty() ? "" : ", null").build();
    }
    return m.addCode(augmented != null ? augmented.reverseBody(targets) : sweepBody()).build();
  }

  /**
   * {@code reverse$} for a caller that drops some tensor gradients: {@code needs$[k]} false for the k-th
   * differentiable tensor parameter when the caller does not read that component ({@code
   * differentiate.CallBoundary}), so that the sweep skips the additions only it needs ({@link NodeInputGrads});
   * the component may then be null. Every tape of a tensor method has it, so that a caller need not know.
   */
  private MethodSpec reverseNeeding() {
    MethodSpec.Builder m = MethodSpec.methodBuilder("reverse$")
        .addJavadoc("Generated plumbing of the split-mode call boundary, not API: the reverse pass from"
            + " {@code upstream} computing only the gradients {@code needs$$} asks for (per differentiable tensor"
            + " parameter); the others may be null.\n")
        .addModifiers(Modifier.PUBLIC)
        .returns(gradientClass)
        .addParameter(resultType, "upstream");
    for (MethodIr.Parameter p : accumulated()) {
      m.addParameter(typeName(p.type()), "into$" + p.name());
    }
    m.addParameter(ArrayTypeName.of(TypeName.BOOLEAN), "needs$");
    String targets = accumulated().stream().map(p -> ", into$" + p.name()).collect(Collectors.joining());
    if (nodeGuards.isEmpty()) {
      return m.addStatement("return reverse$$(upstream$L)", targets).build();
    }
    return m.addStatement("return $T.noGrad(() -> sweep$$(upstream$L, needs$$))", TENSOR, targets).build();
  }

  /** For tensor methods, the reverse sweep itself (run under {@code noGrad} by {@code reverse$}). */
  private MethodSpec sweep() {
    MethodSpec.Builder m = MethodSpec.methodBuilder("sweep$")
        .addModifiers(Modifier.PRIVATE)
        .returns(gradientClass)
        .addParameter(resultType, "upstream");
    for (MethodIr.Parameter p : accumulated()) {
      m.addParameter(typeName(p.type()), "into$" + p.name());
    }
    if (!nodeGuards.isEmpty()) {
      m.addParameter(ArrayTypeName.of(TypeName.BOOLEAN), "needs$");
    }
    return m.addCode(sweepBody()).build();
  }

  private CodeBlock sweepBody() {
    CodeBlock.Builder code = CodeBlock.builder();
    if (program.consumesRecording()) {
      code.beginControlFlow("if (!this.recorded)")
          .add("// a retained reverse pass wrote saved values back into arrays: record again from the inputs\n")
          .addStatement("record()")
          .endControlFlow();
    }
    for (TapeKind t : program.tapes()) {
      code.addStatement("$T $L = this.$L", ClassName.get(RUNTIME, simple(t.runtimeClass)), t.variable, t.variable);
      // the tape may be the caller's: read this call's stretch, then put the caller's cursor back
      code.addStatement("long $L = $L.cursor()", SharedTapes.cursor(t), t.variable);
      code.addStatement("$L.seek(this.$L)", t.variable, SharedTapes.end(t));
    }
    if (shared.sharesSweep()) {
      String targets = accumulated().stream().map(p -> ", into$" + p.name()).collect(Collectors.joining())
          + shared.registers("null") + shared.donation("false");
      List<String> state = new ArrayList<>();
      sweptVariables().forEach(v -> state.add("state$" + v.name()));
      program.tapes().forEach(t -> state.add(t.variable));
      state.add("upstream");
      if (program.tapes().isEmpty() && !program.consumesRecording()) {
        return CodeBlock.builder().addStatement("return $L", shared.sharedSweepArguments(state, targets)).build();
      }
      code.addStatement("$T gradient$$ = $L", gradientClass, shared.sharedSweepArguments(state, targets));
    } else {
      sweepFromFields(code);
    }
    if (program.consumesRecording()) {
      code.addStatement("this.recorded = false");
    }
    for (TapeKind t : program.tapes()) {
      code.addStatement("$L.seek($L)", t.variable, SharedTapes.cursor(t));
    }
    code.addStatement("return gradient$$");
    return code.build();
  }

  /** The reverse sweep in {@code reverse$} itself, from the state fields, into {@code gradient$}. */
  private void sweepFromFields(CodeBlock.Builder code) {
    for (Expr.Var v : sweptVariables()) {
      code.addStatement("$T $L = state$$$L", typeName(v.type()), v.name(), v.name());
    }
    Map<String, Integer> guards = tensorMode ? nodeGuards : Map.of();
    if (!guards.isEmpty()) {
      code.add("// which inputs of the graph node need a gradient (needs$$ null: every one), as PyTorch's"
          + " needs_input_grad\n");
      guards.forEach((p, i) -> code.addStatement("boolean $L = needs$$ == null || needs$$[$L]",
          NodeInputGrads.flag(p), i));
    }
    reverseSweep(code, true, guards);
    code.addStatement("$T gradient$$ = $L", gradientClass, shared.gradientOrNull());
  }

  static CodeBlock zeroAdjoint(Expr.Var primal) {
    if (primal.type() == Type.DOUBLE) {
      return CodeBlock.of("0.0");
    }
    if (primal.type() == Type.TENSOR) {
      return CodeBlock.of("null");
    }
    return CodeBlock.of("$T.zerosLike($L)", ARRAY_ADJOINTS, primal.name());
  }
}
