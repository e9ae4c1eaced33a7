package dev.adjoint.processor.emit;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeSpec;
import dev.adjoint.processor.differentiate.TangentSweep;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import javax.lang.model.element.Modifier;

/**
 * {@code mJvp} and {@code mJacobian} of a static method with a {@code Tensor} result and a differentiable
 * {@code double}, {@code double[]} or {@code double[][]} parameter beside its differentiable tensors (design.md §7
 * "More modes"; a method whose differentiable parameters are all tensors gets {@link TensorModes}' instead). The
 * original's eager graph has no edge to a {@code double}, so double backward over it cannot give these; both come
 * from the generated reverse pass: one forward pass ({@code mForward}) and one retained reverse pass per result
 * element with a one-hot upstream. A {@code double} counts as a 0-dim tensor: its tangent is a {@code double},
 * its Jacobian is shaped like the result; a {@code double[]} as shape {@code [n]}, a {@code double[][]} as
 * {@code [rows, columns]}. No {@code mHvp}/{@code mHessian} (the companion says why). The same {@code mJvp} is
 * that of a method of tensors alone whose eager graph is not its function ({@link #addJvpByReverseMode}).
 */
final class MixedTensorModes {
  private static final ClassName JACOBIANS = ClassName.get("dev.adjoint.runtime", "Jacobians");
  private static final ClassName TENSOR_JACOBIANS = ClassName.get("dev.adjoint.runtime", "TensorJacobians");

  private final MethodIr method;
  private final ClassName jvpClass;
  private final ClassName jacobianClass;
  private final ClassName gradientClass;
  private final ClassName tapeClass;
  private final String source;
  private final String args;
  private final Modifier[] visibility;
  private final List<MethodIr.Parameter> differentiable;

  private MixedTensorModes(MethodIr method, String packageName, String companion) {
    this.method = method;
    this.jvpClass = ClassName.get(packageName, companion, TangentSweep.jvpRecord(method.capitalized()));
    this.jacobianClass = ClassName.get(packageName, companion, method.capitalized() + "Jacobian");
    this.gradientClass = ClassName.get(packageName, companion, method.capitalized() + "Gradient");
    this.tapeClass = ClassName.get(packageName, companion, method.capitalized() + "Tape");
    this.source = "{@link " + method.ownerCanonicalName() + "#" + method.name() + "("
        + method.parameters().stream().map(p -> p.type().java()).collect(Collectors.joining(", ")) + ")}";
    this.args = method.parameters().stream().map(MethodIr.Parameter::name).collect(Collectors.joining(", "));
    this.visibility = method.isPublic() ? new Modifier[] {Modifier.PUBLIC} : new Modifier[0];
    this.differentiable = method.differentiableParameters();
  }

  /**
   * Whether {@code m} has the signature these members are for: a {@code Tensor} result, differentiable parameters
   * that are tensors, {@code double}s, {@code double[]}s or {@code double[][]}s, at least one of them not a tensor.
   */
  static boolean applies(MethodIr m) {
    List<MethodIr.Parameter> d = m.differentiableParameters();
    return m.returnType() == Type.TENSOR && !d.isEmpty()
        && d.stream().allMatch(p -> p.type() == Type.TENSOR || p.type() == Type.DOUBLE || p.type() == Type.VECTOR
            || p.type() == Type.MATRIX)
        && d.stream().anyMatch(p -> p.type() != Type.TENSOR);
  }

  /** Adds the members to {@code companion}; {@code m} must satisfy {@link #applies}. */
  static void addTo(TypeSpec.Builder companion, MethodIr m, String packageName, String companionName) {
    new MixedTensorModes(m, packageName, companionName).write(companion);
  }

  /**
   * Adds {@code MJvp} and {@code mJvp} by reverse mode alone to the companion of a method with a {@code Tensor} result
   * and tensor parameters whose eager graph is not its function ({@link TensorModes#whyNoEager}: {@code why}), so
   * that the double vjp does not apply.
   */
  static void addJvpByReverseMode(TypeSpec.Builder companion, MethodIr m, String packageName, String companionName,
      String why) {
    new MixedTensorModes(m, packageName, companionName).writeJvp(companion, why);
  }

  private void write(TypeSpec.Builder companion) {
    writeJvp(companion, "the original's eager graph has no edge to a {@code double} or array parameter");
    companion.addType(jacobianRecord());
    companion.addMethod(jacobian());
    companion.addJavadoc("\n<p>No {@code $LHvp} or {@code $LHessian}: the tensor operations have reverse rules"
        + " only, so second derivatives come from double backward over the original method's eager graph, which"
        + " has no edge to a {@code double} or array parameter; pass such a parameter as a {@code Tensor} for"
        + " mHvp.\n", method.name(), method.name());
  }

  private void writeJvp(TypeSpec.Builder companion, String why) {
    companion.addType(TypeSpec.recordBuilder(jvpClass.simpleName())
        .addModifiers(visibility)
        .recordConstructor(MethodSpec.constructorBuilder()
            .addParameter(JavaCode.TENSOR, "value")
            .addParameter(JavaCode.TENSOR, "tangent")
            .build())
        .addJavadoc("The result of {@code $LJvp}: the value of $L and its directional derivative {@code J v}.\n"
            + "\n@param value the result\n@param tangent {@code J v}, shaped like the result\n", method.name(),
            source)
        .build());
    companion.addMethod(jvp(why));
  }

  private List<ParameterSpec> parameters() {
    List<ParameterSpec> out = new ArrayList<>();
    for (MethodIr.Parameter p : method.parameters()) {
      out.add(ParameterSpec.builder(CompanionWriter.typeName(p.type()), p.name()).build());
    }
    return out;
  }

  /** The forward pass with a retained tape, its value, and the loop over result elements' one-hot upstreams. */
  private void rows(CodeBlock.Builder code) {
    code.addStatement("$T f$$tape = $LForward($L)", tapeClass, method.name(), args);
    code.addStatement("$T f$$value = f$$tape.value()", JavaCode.TENSOR);
    code.addStatement("int f$$rows = $T.count(f$$value)", JACOBIANS);
  }

  private void reverseRow(CodeBlock.Builder code) {
    code.addStatement("$T f$$row = f$$tape.backward($T.oneHot(f$$value, f$$k), true)", gradientClass,
        TENSOR_JACOBIANS);
  }

  private MethodSpec jvp(String why) {
    CodeBlock.Builder code = CodeBlock.builder();
    for (MethodIr.Parameter p : differentiable) {
      if (p.type() != Type.DOUBLE) {
        code.addStatement("$T.requireTangentShape($L, $L, $S)", JACOBIANS, TangentSweep.tangentName(p.name()),
            p.name(), p.sourceName());
      }
    }
    rows(code);
    code.addStatement("double[] f$$tangent = new double[f$$rows]");
    code.add("// one retained reverse pass per result element: row k of J, dotted with the tangents\n");
    code.beginControlFlow("for (int f$$k = 0; f$$k < f$$rows; f$$k++)");
    reverseRow(code);
    code.addStatement("f$$tangent[f$$k] = $L", differentiable.stream()
        .map(p -> CodeBlock.of("$T.dot(f$$row.$L(), $L)", JACOBIANS, p.sourceName(),
            TangentSweep.tangentName(p.name())))
        .collect(CodeBlock.joining(" + ")));
    code.endControlFlow();
    code.addStatement("return new $T(f$$value, $T.shapedLike(f$$tangent, f$$value))", jvpClass, TENSOR_JACOBIANS);
    StringBuilder doc = new StringBuilder();
    for (MethodIr.Parameter p : differentiable) {
      doc.append("\n@param ").append(TangentSweep.tangentName(p.name())).append(" the tangent for {@code ")
          .append(p.sourceName()).append("}, shaped like it");
    }
    return MethodSpec.methodBuilder(method.name() + "Jvp")
        .addJavadoc("The value of $L and the Jacobian-vector product {@code J v}, computed by reverse mode (one"
            + " forward pass and one retained reverse pass per result element): the double-vjp forward mode of a"
            + " tensor method does not apply, since $L.\n$L\n@throws IllegalArgumentException if a tangent is not"
            + " shaped like its parameter\n", source, why, doc)
        .addModifiers(visibility).addModifiers(Modifier.STATIC)
        .returns(jvpClass)
        .addParameters(parameters())
        .addParameters(differentiable.stream().map(p -> ParameterSpec.builder(CompanionWriter.typeName(p.type()),
            TangentSweep.tangentName(p.name())).build()).toList())
        .addCode(code.build())
        .build();
  }

  private TypeSpec jacobianRecord() {
    return TensorModes.jacobianRecord(jacobianClass, visibility, differentiable, "The Jacobian of " + source + ": one"
        + " tensor per differentiable parameter, shaped as PyTorch's {@code autograd.functional.jacobian}: the"
        + " result's shape followed by the parameter's (a {@code double} has shape {@code []}, a {@code double[]}"
        + " {@code [n]}, a {@code double[][]} {@code [rows, columns]}).\n");
  }

  private MethodSpec jacobian() {
    CodeBlock.Builder code = CodeBlock.builder();
    rows(code);
    for (MethodIr.Parameter p : differentiable) {
      code.addStatement("double[][] j$$$L = new double[f$$rows][$T.count($L)]", p.name(), JACOBIANS, p.name());
    }
    code.add("// one retained reverse pass per result element, with a one-hot upstream\n");
    code.beginControlFlow("for (int f$$k = 0; f$$k < f$$rows; f$$k++)");
    reverseRow(code);
    for (MethodIr.Parameter p : differentiable) {
      code.addStatement("$T.row(j$$$L, f$$k, f$$row.$L())", JACOBIANS, p.name(), p.sourceName());
    }
    code.endControlFlow();
    code.addStatement("return new $T($L)", jacobianClass, differentiable.stream()
        .map(p -> CodeBlock.of("$T.jacobian(j$$$L, f$$value, $L)", TENSOR_JACOBIANS, p.name(), p.name()))
        .collect(CodeBlock.joining(", ")));
    return MethodSpec.methodBuilder(method.name() + "Jacobian")
        .addJavadoc("The Jacobian of $L by reverse mode: one forward pass and one reverse pass per result element,"
            + " with a one-hot upstream.\n\n@throws IllegalArgumentException if a {@code double[][]} parameter is"
            + " not rectangular\n", source)
        .addModifiers(visibility).addModifiers(Modifier.STATIC)
        .returns(jacobianClass)
        .addParameters(parameters())
        .addCode(code.build())
        .build();
  }
}
