package dev.adjoint.processor.emit;

import static dev.adjoint.processor.emit.CompanionWriter.PULLBACK;
import static dev.adjoint.processor.emit.CompanionWriter.TENSOR;
import static dev.adjoint.processor.emit.CompanionWriter.TENSOR_ADJOINTS;
import static dev.adjoint.processor.emit.CompanionWriter.typeName;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.differentiate.AdjointProgram;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * The members of a method with a tensor result: the primal that attaches one graph node whose pullback is
 * the generated reverse pass, and the tape's {@code nodeGradients} that node runs.
 */
final class TensorMembers {
  private final MethodMembers members;
  private final AdjointProgram program;
  private final MethodIr method;
  private final ClassName tapeClass;
  private final ClassName gradientClass;
  private final TypeName resultType;
  private final String source;
  private final boolean helper;
  private final RecordGradients shape;

  TensorMembers(MethodMembers members) {
    this.members = members;
    this.program = members.program;
    this.method = members.method;
    this.tapeClass = members.tapeClass;
    this.gradientClass = members.gradientClass;
    this.resultType = members.resultType;
    this.source = members.source;
    this.helper = members.helper;
    this.shape = members.shape;
  }

  /**
   * For a tensor result, the forward pass runs the plain kernels once and, when an input requires grad and
   * reaches the result, attaches one graph node whose pullback is the generated reverse pass. The node
   * saves every tensor the pullback reads by reference with its version, and a snapshot of every array
   * argument, so that an in-place change before the reverse pass throws PyTorch's error.
   */
  MethodSpec primal(String args) {
    List<MethodIr.Parameter> tensors = method.parameters().stream()
        .filter(p -> p.type() == Type.TENSOR && p.differentiable()).toList();
    String qualified = method.ownerCanonicalName() + "." + method.name();
    MethodSpec.Builder m = MethodSpec.methodBuilder(method.name())
        .addJavadoc("The forward pass of $L, as one node of the tensor graph: when an input requires grad,"
            + " {@code backward()} on the result runs the generated reverse pass.\n", source)
        .addModifiers(members.visibility()).addModifiers(Modifier.STATIC)
        .returns(resultType)
        .addParameters(members.parameters())
        .addStatement("$T node$$tape = new $T($L)", tapeClass, tapeClass, args);
    if (tensors.isEmpty() || !TensorNodes.resultVariesWithTensorInputs(program)) {
      m.addComment("no differentiable tensor input reaches the result: a constant, as in eager autograd");
      return m.addStatement("return node$$tape.value()").build();
    }
    CodeBlock requiresGrad = tensors.stream().map(p -> CodeBlock.of("$L.isRequiresGrad()", p.name()))
        .collect(CodeBlock.joining(" || "));
    m.beginControlFlow("if (!$T.isGradEnabled() || !($L))", TENSOR, requiresGrad)
        .addStatement("return node$$tape.value()")
        .endControlFlow();
    CodeBlock.Builder checks = CodeBlock.builder();
    for (MethodIr.Parameter p : method.parameters()) {
      if (p.type() instanceof Type.DoubleArray || p.type() instanceof Type.IntArray) {
        m.addStatement("$T snapshot$$$L = $T.snapshot($L)", typeName(p.type()), p.name(), TENSOR_ADJOINTS,
            p.name());
        checks.add("$T.requireUnchanged($L, snapshot$$$L, $S, $S);\n", TENSOR_ADJOINTS, p.name(), p.name(),
            p.sourceName(), qualified);
      }
    }
    List<CodeBlock> saved = new ArrayList<>();
    for (MethodIr.Parameter p : method.parameters()) {
      if (p.type() == Type.TENSOR) {
        saved.add(CodeBlock.of("$L", p.name()));
      }
    }
    for (Expr.StaticField f : TensorNodes.constants(program)) {
      saved.add(CodeBlock.of("$L.$L", JavaCode.typeName(f.owner()), f.name()));
    }
    CodeBlock inputs = tensors.stream().map(p -> CodeBlock.of("$L", p.name())).collect(CodeBlock.joining(", "));
    // Generated locals are node$...: user names have no '$', and a parameter GeneratedNames renames ends in it.
    boolean guarded = !members.tapes.nodeGuards().isEmpty();
    if (guarded) {
      m.addComment("the inputs the node has an edge to: its reverse pass computes no gradient for the others");
      m.addStatement("boolean[] node$$needs = {$L}", tensors.stream()
          .map(p -> CodeBlock.of("$L.isRequiresGrad()", p.name())).collect(CodeBlock.joining(", ")));
    }
    m.addStatement("$T node$$pullback = node$$upstream -> {\n$>$L"
        + "return node$$tape.nodeGradients(node$$upstream$L);\n$<}", PULLBACK, checks.build(),
        guarded ? ", node$needs" : "");
    boolean recomputable = TensorRecompute.applies(helper, shape != null);
    // the eager graph of a method that reads a tensor into a double or calls a method that is not differentiable
    // twice is not its function: its node refuses a second derivative, saying why
    String whyOnce = recomputable ? TensorModes.whyOnce(method, members.eager) : null;
    boolean twice = recomputable && whyOnce == null;
    CodeBlock second = CodeBlock.of("");
    if (twice) {
      m.addComment("a reverse pass that records a graph differentiates the original method again");
      m.addStatement(TensorRecompute.declaration(method, checks.build()));
      second = CodeBlock.of("node$$original, ");
    } else if (whyOnce != null) {
      second = CodeBlock.of("$S, ", whyOnce);
    }
    return m.addStatement("return $T.fromGeneratedPullback($S, $S, node$$tape.value(), node$$pullback,"
            + " new $T[] {$L}, $L$L)", TENSOR, method.capitalized() + "Backward", qualified, TENSOR,
            CodeBlock.join(saved, ", "), second, inputs)
        .build();
  }

  /**
   * The tape's reverse pass as the graph node runs it: retained (the engine frees the node), under
   * {@code noGrad}, one gradient per differentiable tensor parameter, {@code null} where none arrived.
   */
  MethodSpec nodeGradients() {
    boolean guarded = !members.tapes.nodeGuards().isEmpty();
    CodeBlock gradients = method.parameters().stream()
        .filter(p -> p.type() == Type.TENSOR && p.differentiable())
        .map(p -> CodeBlock.of("gradient.$L()", p.sourceName()))
        .collect(CodeBlock.joining(", "));
    MethodSpec.Builder m = MethodSpec.methodBuilder("nodeGradients")
        .addJavadoc("The reverse pass as the graph node runs it: retained, one gradient per differentiable"
            + " tensor parameter, {@code null} where none arrived.\n")
        .addModifiers(Modifier.PRIVATE)
        .returns(com.palantir.javapoet.ArrayTypeName.of(TENSOR))
        .addParameter(TENSOR, "upstream");
    if (guarded) {
      // null for an input without an edge: the engine drops it, so the sweep does not compute it
      m.addJavadoc("{@code needs}: per tensor parameter, whether the node has an edge to it.\n")
          .addParameter(com.palantir.javapoet.ArrayTypeName.of(TypeName.BOOLEAN), "needs")
          .addStatement("$T gradient = $T.noGrad(() -> sweep$$(upstream$L, needs))", gradientClass, TENSOR,
              members.tapes.noTargets());
    } else {
      m.addStatement("$T gradient = reverse$$(upstream$L)", gradientClass, members.tapes.noTargets());
    }
    return m.addStatement("return new $T[] {$L}", TENSOR, gradients)
        .build();
  }
}
