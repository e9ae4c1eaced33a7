package dev.adjoint.processor.emit;

import static dev.adjoint.processor.emit.CompanionWriter.ARRAY_ADJOINTS;
import static dev.adjoint.processor.emit.CompanionWriter.BACKWARD;
import static dev.adjoint.processor.emit.CompanionWriter.RUNTIME;
import static dev.adjoint.processor.emit.CompanionWriter.TENSOR_ADJOINTS;
import static dev.adjoint.processor.emit.CompanionWriter.sourceName;
import static dev.adjoint.processor.emit.CompanionWriter.typeName;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.adjoint.processor.differentiate.AdjointProgram;
import dev.adjoint.processor.differentiate.ForwardPruning;
import dev.adjoint.processor.differentiate.Recomputable;
import dev.adjoint.processor.differentiate.TangentCalls;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.TapeKind;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.summary.ResultAlias;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.lang.model.element.Modifier;

/**
 * The members {@link CompanionWriter} generates for one method: the primal, {@code m$record}, {@code mForward},
 * {@code mGradient}, {@code mVjp} and the recompute pullback here; the tape ({@link TapeMembers}), the gradient
 * records ({@link GradientMembers}) and a tensor result's graph node ({@link TensorMembers}) in their own classes.
 */
final class MethodMembers {
  final AdjointProgram program;
  final MethodIr method;
  final ClassName tapeClass;
  final ClassName gradientClass;
  final TypeName resultType;
  final boolean scalarResult;
  final boolean tensorResult;
  /** Whether tensors are involved: the sweeps then run without recording a graph of their own. */
  final boolean tensorMode;
  final String upstream;
  final String source;
  final ResultAlias alias;
  /** A plain helper: only the members callers in this companion use. */
  final boolean helper;
  /** The method's name in its source: a helper's members carry its activity pattern as well. */
  final String sourceName;
  /** The public signature of an instance method or one with record parameters; null for the rest. */
  final RecordGradients shape;
  /** Which callees' eager graphs are their functions (their companions have {@code mHvp}), for tensor nodes. */
  final java.util.function.Predicate<dev.adjoint.processor.ir.Callee.DifferentiableMethod> eager;
  /** The member families in their own classes; made last, from the fields above. */
  final TapeMembers tapes;
  final GradientMembers gradients;
  final TensorMembers tensors;

  MethodMembers(AdjointProgram program, String packageName, String companion, ResultAlias alias, boolean helper,
      RecordGradients shape, java.util.function.Predicate<dev.adjoint.processor.ir.Callee.DifferentiableMethod> eager) {
    this.alias = alias;
    this.eager = eager;
    this.helper = helper;
    this.sourceName = helper ? sourceName(program.method()) : program.method().name();
    this.shape = shape;
    this.program = program;
    this.method = program.method();
    this.tapeClass = ClassName.get(packageName, companion, method.capitalized() + "Tape");
    this.gradientClass = ClassName.get(packageName, companion, method.capitalized() + "Gradient");
    this.resultType = typeName(method.returnType());
    this.scalarResult = method.returnType() == Type.DOUBLE;
    this.tensorResult = method.returnType() == Type.TENSOR;
    this.tensorMode = tensorResult || method.parameters().stream().anyMatch(p -> p.type() == Type.TENSOR);
    this.upstream = method.parameters().stream().anyMatch(p -> p.name().equals("upstream"))
        ? "upstream$" : "upstream";
    if (shape != null) {
      this.source = shape.source();
    } else if (TangentCalls.isMember(method.name())) {
      // m$tan's parameters (m's, flattened, then the directions) are no signature of the source: named in text
      this.source = "{@code " + method.name() + "} (the value and tangent of {@code " + method.ownerCanonicalName()
          + "." + sourceName(method) + "})";
    } else {
      this.source = "{@link " + method.ownerCanonicalName() + "#" + sourceName + "(" + method.parameters().stream()
          .map(p -> p.type().java()).collect(Collectors.joining(", ")) + ")}";
    }
    this.tapes = new TapeMembers(this);
    this.gradients = new GradientMembers(this);
    this.tensors = new TensorMembers(this);
  }

  void addTo(TypeSpec.Builder companion) {
    String flatArgs = method.parameters().stream().map(MethodIr.Parameter::name).collect(Collectors.joining(", "));
    // the members' own arguments, and the tape's (the IR's parameters, unpacked from records and self)
    String args = shape != null ? shape.arguments() : flatArgs;
    String tapeArgs = shape != null ? shape.flatArguments() : flatArgs;
    if (shape != null) {
      companion.addMethod(shape.flatPrimal(visibility(), resultType));
    }
    if (tensorResult) {
      companion.addMethod(tensors.primal(args));
    } else if (recordResult()) {
      // no public primal of a record result: the original is one, and the flat primal has its parameters
    } else {
      MethodSpec.Builder primal = MethodSpec.methodBuilder(method.name())
          .addJavadoc(helper ? "The forward pass of $L, through its tape (the helper may be private).\n"
              : "The forward pass of $L alone: the same result as the original.\n", source)
          .addModifiers(visibility()).addModifiers(Modifier.STATIC)
          .returns(resultType)
          .addParameters(api())
          .addStatement(helper ? CodeBlock.of("return $L$$record($L$L).result$$()", method.name(), args,
              SharedTapes.none(args.isEmpty()))
              : CodeBlock.of("return $L", shape != null ? shape.originalCall()
                  : CodeBlock.of("$L.$L($L)", method.ownerCanonicalName(), method.name(), args)));
      if (alias != null && shape == null && method.returnType() instanceof Type.DoubleArray) {
        // What the array result may share storage with, for callers compiled later.
        AnnotationSpec.Builder summary = AnnotationSpec.builder(ClassName.get(RUNTIME, "ResultAlias"));
        if (!alias.parameters().isEmpty()) {
          summary.addMember("parameters", "{$L}",
              alias.parameters().stream().map(String::valueOf).collect(Collectors.joining(", ")));
        }
        if (alias.constant()) {
          summary.addMember("constant", "true");
        }
        primal.addAnnotation(summary.build());
      }
      companion.addMethod(primal.build());
    }

    CodeBlock copies = shape != null ? shape.flatCopies() : method.parameters().stream()
        .map(p -> p.type() instanceof Type.Scalar || p.type() instanceof Type.EnumType
                // an array the tape reads only while recording: nothing a later change could reach
                || (p.type() instanceof Type.DoubleArray || p.type() instanceof Type.IntArray) && !tensorMode
                && !ReverseReads.reads(program, p.name()) ? CodeBlock.of("$L", p.name())
            : p.type() instanceof Type.IntArray ? CodeBlock.of("$L == null ? null : $L.clone()", p.name(), p.name())
            : p.type() == Type.TENSOR ? CodeBlock.of("$T.fresh($L, $L)", TENSOR_ADJOINTS, p.name(), p.name())
            : CodeBlock.of("$T.copyOf($L)", ARRAY_ADJOINTS, p.name()))
        .collect(CodeBlock.joining(", "));
    companion.addMethod(MethodSpec.methodBuilder(method.name() + "$record")
        .addJavadoc("Generated plumbing of the split-mode call boundary, not API: runs the forward pass of $L"
            + " once and returns its tape, without copying the arguments, recording onto the caller's tapes"
            + " (fresh ones where null) so that a call allocates no tapes of its own. Its {@code reverse$$} needs"
            + " the array arguments and the tapes' stretches unchanged until then.\n", source)
        .addModifiers(visibility()).addModifiers(Modifier.STATIC)
        .returns(tapeClass)
        .addParameters(parameters())
        .addParameters(SharedTapes.parameters())
        .addStatement("return new $T($L$L)", tapeClass, flatArgs, SharedTapes.arguments(flatArgs.isEmpty()))
        .build());
    new CallMembers(this).addTo(companion);
    if (helper) {
      companion.addMethod(tensorMode ? tapeVjp(args) : fusedVjp());
      addSharedSweep(companion);
      companion.addType(gradients.record());
      companion.addType(tapes.tape());
      return;
    }
    if (!recordResult()) {
      addForward(companion, copies);
    }
    addGradientAndVjps(companion, args, tapeArgs);
  }

  /** Whether the method returns a record: its IR returns the record packed ({@link RecordResultMembers}). */
  boolean recordResult() {
    return shape != null && shape.result() != null;
  }

  private void addForward(TypeSpec.Builder companion, CodeBlock copies) {
    companion.addMethod(MethodSpec.methodBuilder(method.name() + "Forward")
        .addJavadoc("Runs the forward pass of $L and keeps what its reverse pass needs (the retained graph).\n"
            + "Array arguments the reverse pass reads are copied, so changing them afterwards does not change"
            + " the tape.\n", source)
        .addModifiers(visibility()).addModifiers(Modifier.STATIC)
        .returns(tapeClass)
        .addParameters(api())
        .addStatement("return new $T($L)", tapeClass, copies)
        .build());
  }

  private void addGradientAndVjps(TypeSpec.Builder companion, String args, String tapeArgs) {
    if (scalarResult || tensorResult) {
      CodeBlock body = tensorMode
          ? CodeBlock.of("return new $T($L).backward()", tapeClass, args)
          : CodeBlock.of("return $LVjp($L, 1.0)", method.name(), args);
      companion.addMethod(MethodSpec.methodBuilder(method.name() + "Gradient")
          .addJavadoc("The gradient of $L: forward and reverse pass with upstream 1.0"
              + (tensorResult ? " (the result must have one element).\n" : ".\n"), source)
          .addModifiers(visibility()).addModifiers(Modifier.STATIC)
          .returns(gradientClass)
          .addParameters(api())
          .addStatement(body)
          .build());
    }
    companion.addMethod(tensorMode ? tapeVjp(args) : fusedVjp());
    addSharedSweep(companion);
    if (recordResult()) {
      companion.addMethod(RecordResultMembers.vjp(method, shape, gradientClass, visibility()));
    }
    if (pullsBack()) {
      // (Instance methods and methods of records are called through their flat members: never recomputed.)
      companion.addMethod(MethodSpec.methodBuilder(Recomputable.pullbackName(method.name()))
          .addJavadoc("Generated plumbing of the split-mode call boundary, not API: $L is O(1), pure and"
              + " tape-free, so a caller recomputes it in its reverse sweep from the arguments' values instead of"
              + " keeping a tape per call. The double parameters' adjoints come back in the registers of the"
              + " caller's tape {@code adjoints$$} (no gradient record).\n", source)
          .addModifiers(visibility()).addModifiers(Modifier.STATIC)
          .returns(gradientClass)
          .addParameters(parameters())
          .addParameter(resultType, "upstream")
          .addParameter(ClassName.get(RUNTIME, "DoubleTape"), "adjoints$")
          .addCode(pullback())
          .build());
    }
    Expr atResult = pullsBack() ? Recomputable.derivativeAtResult(program.method()) : null;
    if (atResult != null) {
      companion.addMethod(MethodSpec.methodBuilder(Recomputable.atResultName(method.name()))
          .addJavadoc("Generated plumbing of the split-mode call boundary, not API: {@code upstream} times the"
              + " derivative of $L written in its result, for a caller whose reverse sweep holds the result (no"
              + " recomputation of the function).\n", source)
          .addModifiers(visibility()).addModifiers(Modifier.STATIC)
          .returns(double.class)
          .addParameter(double.class, "result")
          .addParameter(double.class, "upstream")
          .addStatement("return upstream * ($L)", JavaCode.expression(atResult))
          .build());
    }
    if (scalarResult || tensorResult) {
      gradients.addValueAndGradient(companion, tapeArgs);
    }

    companion.addType(gradients.record());
    companion.addType(tapes.tape());
  }

  /** {@code m$sweep}, the reverse sweep {@code mVjp} and the tape's {@code reverse$} share, where they do. */
  private void addSharedSweep(TypeSpec.Builder companion) {
    if (tapes.shared.sharesSweep()) {
      companion.addMethod(tapes.shared.sharedSweep());
    }
  }

  /** {@code mVjp} through a tape, for tensor methods (whose sweeps run under {@code noGrad}). */
  private MethodSpec tapeVjp(String args) {
    return MethodSpec.methodBuilder(method.name() + "Vjp")
        .addJavadoc("The vector-Jacobian product {@code upstream · J} of $L: forward and reverse pass in one"
            + " call.\n\n@throws IllegalArgumentException if {@code $L} does not have the result's shape\n",
            source, upstream)
        .addModifiers(visibility()).addModifiers(Modifier.STATIC)
        .returns(gradientClass)
        .addParameters(parameters())
        .addParameter(resultType, upstream)
        .addStatement("return new $T($L).backward($L, false)", tapeClass, args, upstream)
        .build();
  }

  /** Companion members are public exactly when the source method is reachable from everywhere. */
  Modifier[] visibility() {
    return method.isPublic() ? new Modifier[] {Modifier.PUBLIC} : new Modifier[0];
  }

  /** The parameters of the public members: the IR's, or the shape's ({@code self}, records). */
  List<ParameterSpec> api() {
    return shape != null ? shape.parameters() : parameters();
  }

  List<ParameterSpec> parameters() {
    List<ParameterSpec> out = new ArrayList<>();
    for (MethodIr.Parameter p : method.parameters()) {
      out.add(ParameterSpec.builder(typeName(p.type()), p.name()).build());
    }
    return out;
  }

  /**
   * {@code mVjp} without a tape object: both sweeps in one method body, so nothing outlives the call
   * but the gradient.
   */
  private MethodSpec fusedVjp() {
    CodeBlock.Builder code = CodeBlock.builder();
    if (FusedSweeps.applies(this, false)) {
      code.add(FusedSweeps.body(this, false, null));
    } else if (pullsBack()) {
      // the same sweeps as the recompute pullback's, with the adjoints in the gradient record
      code.addStatement("return $L($L, upstream, null)", Recomputable.pullbackName(method.name()),
          method.parameters().stream().map(MethodIr.Parameter::name).collect(Collectors.joining(", ")));
    } else {
      oneCallSweeps(code);
    }
    return MethodSpec.methodBuilder(recordResult() ? RecordResultMembers.packedVjp(method) : method.name() + "Vjp")
        .addJavadoc(recordResult()
            ? "Generated plumbing, not API: the vector-Jacobian product of $L for an upstream packed like its"
                + " record result (double slots depth first, arrays element by element).\n"
            : "The vector-Jacobian product {@code upstream · J} of $L: forward and reverse pass in one"
                + " call.\n\n@throws IllegalArgumentException if {@code upstream} does not have the result's"
                + " shape\n", source)
        .addModifiers(visibility()).addModifiers(Modifier.STATIC)
        .returns(gradientClass)
        .addParameters(api())
        .addParameter(resultType, "upstream")
        .addCode(code.build())
        .build();
  }

  /**
   * Whether the method has a recompute pullback {@code m$pullback} (O(1), pure and tape-free; not for instance
   * methods and methods of records, which are called through their flat members), which {@code mVjp} then runs.
   */
  private boolean pullsBack() {
    return !helper && !tensorMode && shape == null && Recomputable.of(program);
  }

  /**
   * The recompute pullback's body: the forward sweep (only what the reverse reads), then the shared reverse sweep
   * returning the adjoints in {@code adjoints$}'s registers.
   */
  private CodeBlock pullback() {
    CodeBlock.Builder code = CodeBlock.builder();
    List<Stmt> forward = ForwardPruning.prune(program.forward().statements(), program.reverse().statements(), Set.of());
    // no local declared that nothing names
    Set<String> named = ReverseReads.named(program, forward, tapes.reverseStatements());
    tapes.forwardSweep(code, false, forward, name -> named == null || named.contains(name));
    code.addStatement("return $L", tapes.shared.sharedSweepCall(tapes.noTargets() + tapes.shared.registers("adjoints$")));
    return code.build();
  }

  /** The separate sweeps of {@code mVjp}: forward, then reverse. */
  private void oneCallSweeps(CodeBlock.Builder code) {
    if (shape != null) {
      shape.unpack(code);
    }
    // only what the reverse sweep (and the shape check) reads: mVjp does not return the value; no local
    // declared that nothing names
    Set<String> checked = scalarResult ? Set.of() : Set.of(program.result().name());
    List<Stmt> forward = ForwardPruning.prune(program.forward().statements(), program.reverse().statements(), checked);
    Set<String> named = ReverseReads.named(program, forward, tapes.reverseStatements());
    tapes.forwardSweep(code, false, forward, name -> named == null || named.contains(name) || checked.contains(name));
    if (!scalarResult) {
      code.addStatement("$T.requireSameShape(upstream, $L)", BACKWARD, program.result().name());
    }
    for (TapeKind t : program.tapes()) {
      code.addStatement("$L.rewind()", t.variable);
    }
    if (tapes.shared.sharesSweep()) {
      code.add("// the reverse sweep from this forward sweep's end state (shared with the tape's reverse$$)\n");
      if (program.tapes().isEmpty()) {
        code.addStatement("return $L", tapes.shared.sharedSweepCall(tapes.noTargets() + tapes.shared.registers("null")));
      } else {
        code.addStatement("$T _gradient$$ = $L", gradientClass,
            tapes.shared.sharedSweepCall(tapes.noTargets() + tapes.shared.registers("null")));
        code.add("// nothing reads the tapes again: their chunks go to this thread's next gradient (TapeChunks)\n");
        for (TapeKind t : program.tapes()) {
          code.addStatement("$L.release()", t.variable);
        }
        code.addStatement("return _gradient$$");
      }
    } else {
      tapes.reverseSweep(code, false);
      code.addStatement("return $L", gradients.newGradient());
    }
  }
}
