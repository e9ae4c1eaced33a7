package dev.adjoint.processor.emit;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeSpec;
import dev.adjoint.processor.differentiate.AdjointProgram;
import dev.adjoint.processor.differentiate.TangentSweep;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.StmtWalk;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import javax.lang.model.element.Modifier;

/**
 * The forward-mode and second-order members of a static method with a {@code Tensor} result whose
 * differentiable parameters are all tensors (design.md §7 "More modes"), through the runtime's
 * {@code dev.adjoint.Functional}: {@code mJacobian} by reverse mode through the method's generated graph node
 * (one reverse pass per result element); {@code mJvp}, {@code mHvp} and {@code mHessian} by double backward
 * over the original method run with Tensor's recorded operations ({@code mJvp} by the double-vjp construction
 * of PyTorch's {@code autograd.functional.jvp}: the tensor operations have no tangent rules). The latter three
 * only where that eager graph is exactly the function the generated code differentiates ({@link #whyNoEager});
 * elsewhere {@code mJvp} is computed by reverse mode ({@link MixedTensorModes#addJvpByReverseMode}).
 */
final class TensorModes {
  private static final ClassName FUNCTIONAL = ClassName.get("dev.adjoint", "Functional");
  private static final ClassName TENSOR = JavaCode.TENSOR;

  private final MethodIr method;
  private final ClassName jvpClass;
  private final ClassName jacobianClass;
  private final ClassName gradientClass;
  private final String source;
  private final String args;
  private final Modifier[] visibility;
  private final List<MethodIr.Parameter> differentiable;

  private TensorModes(MethodIr method, String packageName, String companion) {
    this.method = method;
    this.jvpClass = ClassName.get(packageName, companion, TangentSweep.jvpRecord(method.capitalized()));
    this.jacobianClass = ClassName.get(packageName, companion, method.capitalized() + "Jacobian");
    this.gradientClass = ClassName.get(packageName, companion, method.capitalized() + "Gradient");
    this.source = "{@link " + method.ownerCanonicalName() + "#" + method.name() + "("
        + String.join(", ", method.parameters().stream().map(p -> p.type().java()).toList()) + ")}";
    this.args = String.join(", ", method.parameters().stream().map(MethodIr.Parameter::name).toList());
    this.visibility = method.isPublic() ? new Modifier[] {Modifier.PUBLIC} : new Modifier[0];
    this.differentiable = method.differentiableParameters();
  }

  /**
   * Whether {@code m} has a tensor signature these members are for: a {@code Tensor} result and at least one
   * differentiable parameter, all of them tensors.
   */
  static boolean applies(MethodIr m) {
    List<MethodIr.Parameter> d = m.differentiableParameters();
    return m.returnType() == Type.TENSOR && !d.isEmpty() && d.stream().allMatch(p -> p.type() == Type.TENSOR);
  }

  /**
   * Why the original method, run with Tensor's recorded operations, may not be the function the generated
   * code differentiates (or its graph not differentiable twice), or null when it is: a tensor read into a
   * {@code double} ({@code item()}: the eager graph ends there, the generated reverse pass goes through it), an
   * {@code AutogradFunction} (whose {@code backward} need not be differentiable), a call of a {@code @DerivativeOf}
   * method or a gradient, or of a {@code @Differentiable} method or helper that {@code eager} does not accept
   * (whose own eager graph is not known to be its function: the same decision for the callee, see
   * {@link ForwardModeWriter#hasHvp}) or that does not return a tensor.
   */
  static String whyNoEager(MethodIr m, Predicate<Callee.DifferentiableMethod> eager) {
    return whyNoEager(m, eager, null);
  }

  /** As above, with the call {@code exempt} (the one read of {@link ItemHvp}, or null) not counted. */
  static String whyNoEager(MethodIr m, Predicate<Callee.DifferentiableMethod> eager, Expr.Call exempt) {
    List<String> why = new ArrayList<>();
    StmtWalk.statements(m.body(), s -> StmtWalk.evaluated(s, e -> ExprWalk.visit(e, x -> {
      if (!(x instanceof Expr.Call c) || x == exempt) {
        return;
      }
      String reason = null;
      if (c.callee() instanceof Callee.TensorMethod t && t.name().equals("apply")
          && !c.args().isEmpty() && c.args().get(0).type() != Type.TENSOR) {
        reason = "it applies an AutogradFunction, whose backward need not be differentiable";
      } else if ((c.callee() instanceof Callee.TensorMethod || c.callee() instanceof Callee.TensorFunction)
          && c.type() != Type.TENSOR && (c.type() == Type.DOUBLE || c.type() instanceof Type.DoubleArray)) {
        reason = "it reads a tensor into a double, where the eager graph ends";
      } else if (c.callee() instanceof Callee.DifferentiableMethod d && !eagerCall(d, c, eager)
          || c.callee() instanceof Callee.Custom || c.callee() instanceof Callee.GradientOf
          || c.callee() instanceof Callee.TapeMember) {
        reason = "it calls a method whose own eager graph is not known to be its function (one without mJvp"
            + " itself, a @DerivativeOf method or a gradient)";
      }
      if (reason != null && !why.contains(reason)) {
        why.add(reason);
      }
    })));
    return why.isEmpty() ? null : String.join("; ", why);
  }

  /**
   * Why the graph node of {@code m} may not be differentiated twice by running the original method again with
   * Tensor's recorded operations (its eager graph's first derivatives would not be the generated ones), or null
   * when it may: a tensor read into a {@code double} ({@code item()}: the eager graph ends there, the generated
   * reverse pass goes through it), or a call with a tensor argument or result of a method whose own eager graph is
   * not known to be its function (see {@link #whyNoEager}). Unlike {@link #whyNoEager}, an {@code AutogradFunction}
   * is no reason (the eager graph runs its {@code backward}, as the generated pass does, recorded under
   * {@code createGraph} as in eager autograd), nor a call whose arguments and result are not tensors (a constant to
   * the node, whose inputs are its tensors).
   */
  static String whyOnce(MethodIr m, Predicate<Callee.DifferentiableMethod> eager) {
    List<String> why = new ArrayList<>();
    StmtWalk.statements(m.body(), s -> StmtWalk.evaluated(s, e -> ExprWalk.visit(e, x -> {
      if (!(x instanceof Expr.Call c)) {
        return;
      }
      String reason = null;
      boolean tensors = c.type() == Type.TENSOR || c.args().stream().anyMatch(a -> a.type() == Type.TENSOR);
      if ((c.callee() instanceof Callee.TensorMethod || c.callee() instanceof Callee.TensorFunction)
          && (c.type() == Type.DOUBLE || c.type() instanceof Type.DoubleArray)) {
        reason = "it reads a tensor into a double, where the eager graph ends";
      } else if (tensors && (c.callee() instanceof Callee.DifferentiableMethod d && !eagerCall(d, c, eager)
          || c.callee() instanceof Callee.Custom || c.callee() instanceof Callee.GradientOf
          || c.callee() instanceof Callee.TapeMember)) {
        reason = "it calls a method whose own eager graph is not known to be its function (one without mHvp"
            + " itself)";
      }
      if (reason != null && !why.contains(reason)) {
        why.add(reason);
      }
    })));
    return why.isEmpty() ? null : String.join("; ", why);
  }

  /**
   * Whether the call {@code c} of {@code d} runs an eager graph that is the callee's function: a tensor result and a
   * static callee {@code eager} accepts.
   */
  private static boolean eagerCall(Callee.DifferentiableMethod d, Expr.Call c,
      Predicate<Callee.DifferentiableMethod> eager) {
    if (c.type() != Type.TENSOR || d.flattened() || !eager.test(d)) {
      return false;
    }
    // (a value that depends on the inputs passed to a @NoGrad parameter is refused: the eager graph agrees there)
    return true;
  }

  /**
   * Adds the members to {@code companion}; {@code m} must satisfy {@link #applies}; {@code eager} says which
   * callees' eager graphs are their functions ({@link #whyNoEager}).
   */
  static void addTo(TypeSpec.Builder companion, AdjointProgram program, String packageName, String companionName,
      Predicate<Callee.DifferentiableMethod> eager) {
    new TensorModes(program.method(), packageName, companionName).write(companion, eager);
  }

  private void write(TypeSpec.Builder companion, Predicate<Callee.DifferentiableMethod> eager) {
    companion.addType(jacobianRecord());
    companion.addMethod(jacobian());
    String whyNot = whyNoEager(method, eager);
    if (whyNot != null) {
      // mJvp by reverse mode through the generated node, one pass per result element
      MixedTensorModes.addJvpByReverseMode(companion, method, jvpClass.packageName(),
          jvpClass.enclosingClassName().simpleName(), whyNot);
      companion.addJavadoc("\n<p>No {@code $LHvp} or {@code $LHessian}: they differentiate the original method's"
          + " eager graph twice, and $L; {@code $LJvp} is computed by reverse mode.\n", method.name(), method.name(),
          whyNot, method.name());
      return;
    }
    companion.addType(TypeSpec.recordBuilder(jvpClass.simpleName())
        .addModifiers(visibility)
        .recordConstructor(MethodSpec.constructorBuilder()
            .addParameter(TENSOR, "value")
            .addParameter(TENSOR, "tangent")
            .build())
        .addJavadoc("The result of {@code $LJvp}: the value of $L and its directional derivative {@code J v}.\n"
            + "\n@param value the result\n@param tangent {@code J v}, shaped like the result\n", method.name(),
            source)
        .build());
    companion.addMethod(jvp());
    companion.addMethod(hvp());
    if (differentiable.size() == 1) {
      companion.addMethod(hessian());
    }
  }

  /** {@code f$inputs -> Owner.m(args with the differentiable tensors from f$inputs)}, of {@code owner.member}. */
  private CodeBlock function(String owner) {
    List<String> call = new ArrayList<>();
    int k = 0;
    for (MethodIr.Parameter p : method.parameters()) {
      call.add(p.differentiable() ? "f$inputs[" + k++ + "]" : p.name());
    }
    return CodeBlock.of("f$$inputs -> $L$L($L)", owner, method.name(), String.join(", ", call));
  }

  private CodeBlock original() {
    return function(method.ownerCanonicalName() + ".");
  }

  private CodeBlock tensors(UnaryOperator<String> naming) {
    return CodeBlock.of("new $T[] {$L}", TENSOR, String.join(", ",
        differentiable.stream().map(p -> naming.apply(p.name())).toList()));
  }

  private List<ParameterSpec> parameters() {
    List<ParameterSpec> out = new ArrayList<>();
    for (MethodIr.Parameter p : method.parameters()) {
      out.add(ParameterSpec.builder(CompanionWriter.typeName(p.type()), p.name()).build());
    }
    return out;
  }

  private List<ParameterSpec> vectors(UnaryOperator<String> naming) {
    return differentiable.stream().map(p -> ParameterSpec.builder(TENSOR, naming.apply(p.name())).build()).toList();
  }

  private String vectorDoc(String what, UnaryOperator<String> naming) {
    StringBuilder doc = new StringBuilder();
    for (MethodIr.Parameter p : differentiable) {
      doc.append("\n@param ").append(naming.apply(p.name())).append(" the ").append(what).append(" for {@code ")
          .append(p.sourceName()).append("}, shaped like it");
    }
    return doc.toString();
  }

  private MethodSpec jvp() {
    return MethodSpec.methodBuilder(method.name() + "Jvp")
        .addJavadoc("The value of $L and its directional derivative {@code J v} along the tangents: forward mode by"
            + " double vjp ({@code Functional.jvp}, as PyTorch's {@code autograd.functional.jvp}): the original"
            + " method run with Tensor's recorded operations, a recorded reverse pass and a reverse pass through"
            + " it, about the cost of the forward pass and two reverse passes.\n$L\n@throws"
            + " IllegalArgumentException if a tangent is not shaped like its parameter\n", source,
            vectorDoc("tangent", TangentSweep::tangentName))
        .addModifiers(visibility).addModifiers(Modifier.STATIC)
        .returns(jvpClass)
        .addParameters(parameters())
        .addParameters(vectors(TangentSweep::tangentName))
        .addStatement("$T[] f$$jvp = $T.jvp(\n$>$>$L,\n$L,\n$L$<$<)", TENSOR, FUNCTIONAL, original(),
            tensors(UnaryOperator.identity()), tensors(TangentSweep::tangentName))
        .addStatement("return new $T(f$$jvp[0], f$$jvp[1])", jvpClass)
        .build();
  }

  private MethodSpec hvp() {
    return MethodSpec.methodBuilder(method.name() + "Hvp")
        .addJavadoc("The Hessian-vector product {@code H v} of $L, whose result must have one element, in the shape"
            + " of the gradient: double backward ({@code Functional.hvp}, as PyTorch's"
            + " {@code autograd.functional.hvp}) over the original method run with Tensor's recorded operations,"
            + " about the cost of two gradients.\n$L\n@throws IllegalArgumentException if the result has more than"
            + " one element or a direction is not shaped like its parameter\n", source,
            vectorDoc("direction", TangentSweep::directionName))
        .addModifiers(visibility).addModifiers(Modifier.STATIC)
        .returns(gradientClass)
        .addParameters(parameters())
        .addParameters(vectors(TangentSweep::directionName))
        .addStatement("$T[] f$$hvp = $T.hvp(\n$>$>$L,\n$L,\n$L$<$<)", TENSOR, FUNCTIONAL, original(),
            tensors(UnaryOperator.identity()), tensors(TangentSweep::directionName))
        .addStatement("return new $T($L)", gradientClass, String.join(", ",
            java.util.stream.IntStream.range(0, differentiable.size()).mapToObj(k -> "f$hvp[" + k + "]").toList()))
        .build();
  }

  private MethodSpec hessian() {
    MethodIr.Parameter p = differentiable.get(0);
    return MethodSpec.methodBuilder(method.name() + "Hessian")
        .addJavadoc("The Hessian of $L, whose result must have one element, with respect to {@code $L}: shaped"
            + " {@code $L}'s shape twice, as PyTorch's {@code autograd.functional.hessian}; by double backward over"
            + " the original method run with Tensor's recorded operations, one reverse pass per element of"
            + " {@code $L}.\n\n@throws IllegalArgumentException if the result has more than one element\n", source,
            p.sourceName(), p.sourceName(), p.sourceName())
        .addModifiers(visibility).addModifiers(Modifier.STATIC)
        .returns(TENSOR)
        .addParameters(parameters())
        .addStatement("return $T.hessian(\n$>$>$L,\n$L$<$<)", FUNCTIONAL, original(), p.name())
        .build();
  }

  private TypeSpec jacobianRecord() {
    return jacobianRecord(jacobianClass, visibility, differentiable, "The Jacobian of " + source + ": one tensor per"
        + " differentiable parameter, shaped as PyTorch's {@code autograd.functional.jacobian}: the result's shape"
        + " followed by the parameter's.\n");
  }

  /** {@code MJacobian}: one {@code Tensor} component per differentiable parameter, named like it. */
  static TypeSpec jacobianRecord(ClassName jacobianClass, Modifier[] visibility,
      List<MethodIr.Parameter> differentiable, String summary) {
    MethodSpec.Builder constructor = MethodSpec.constructorBuilder();
    StringBuilder doc = new StringBuilder(summary);
    for (MethodIr.Parameter p : differentiable) {
      constructor.addParameter(TENSOR, p.sourceName());
      doc.append("\n@param ").append(p.sourceName()).append(" {@code ∂result/∂").append(p.sourceName()).append("}");
    }
    return TypeSpec.recordBuilder(jacobianClass.simpleName())
        .addModifiers(visibility)
        .recordConstructor(constructor.build())
        .addJavadoc("$L\n", doc)
        .build();
  }

  /** {@code mJacobian}: reverse mode through the generated node, one one-hot upstream per result element. */
  private MethodSpec jacobian() {
    return MethodSpec.methodBuilder(method.name() + "Jacobian")
        .addJavadoc("The Jacobian of $L by reverse mode through its generated graph node ({@code"
            + " Functional.jacobian}): one reverse pass per result element, with a one-hot upstream.\n", source)
        .addModifiers(visibility).addModifiers(Modifier.STATIC)
        .returns(jacobianClass)
        .addParameters(parameters())
        .addStatement("$T[] f$$jacobian = $T.jacobian(\n$>$>$L,\n$L$<$<)", TENSOR, FUNCTIONAL, function(""),
            tensors(UnaryOperator.identity()))
        .addStatement("return new $T($L)", jacobianClass, String.join(", ",
            java.util.stream.IntStream.range(0, differentiable.size()).mapToObj(k -> "f$jacobian[" + k + "]")
                .toList()))
        .build();
  }
}
