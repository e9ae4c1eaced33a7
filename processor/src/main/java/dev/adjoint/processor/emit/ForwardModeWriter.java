package dev.adjoint.processor.emit;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.adjoint.processor.differentiate.AdjointProgram;
import dev.adjoint.processor.differentiate.ForwardPruning;
import dev.adjoint.processor.differentiate.Refusal;
import dev.adjoint.processor.differentiate.SecondOrder;
import dev.adjoint.processor.differentiate.TangentCalls;
import dev.adjoint.processor.differentiate.TangentSweep;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.TapeKind;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import javax.lang.model.element.Modifier;

/**
 * Writes the forward-mode members of one method (design.md §7 "More modes"): {@code MJvp}/{@code mJvp}
 * (the tangent program of {@link TangentSweep}), {@code MJacobian}/{@code mJacobian} (forward or reverse
 * mode, whichever needs fewer sweeps at run time), and for {@code double} results {@code mHvp} and
 * {@code mHessian} (reverse over forward, {@link SecondOrder}). Methods with a {@code Tensor} result and
 * tensor parameters get theirs from {@link TensorModes}; methods with {@code Tensor} parameters and a
 * {@code double}, {@code double[]} or {@code double[][]} result get {@code mJvp} and {@code mJacobian} by
 * reverse mode (for a {@code double} result, {@code mJvp}'s tangent is the gradient dotted with the tangents)
 * and no {@code mHvp} unless the result is one tensor read at the end ({@link ItemHvp}); a {@code Tensor}
 * result beside differentiable {@code double}s or arrays gets {@code mJvp} and {@code mJacobian} by reverse
 * mode from {@link MixedTensorModes}.
 */
public final class ForwardModeWriter {
  private static final String RUNTIME = "dev.adjoint.runtime";
  private static final ClassName JACOBIANS = ClassName.get(RUNTIME, "Jacobians");
  private static final ClassName ARRAY_ADJOINTS = ClassName.get(RUNTIME, "ArrayAdjoints");

  private final MethodIr method;
  /** The record {@code mJvp} returns (for a flat tangent member with a result other than double, its own). */
  private ClassName jvpClass;
  private final ClassName jacobianClass;
  private final ClassName gradientClass;
  private final TypeName resultType;
  private final String source;
  private final String args;
  private final Modifier[] visibility;
  /** A plain helper differentiated for its callers: {@code Jvp} alone. */
  private final boolean helper;
  /** The callees that have {@code mHvp}, so that this method's own {@code mHvp} may go through them. */
  private Predicate<Callee.DifferentiableMethod> calleesWithHvp = m -> false;
  /** The name of the flat tangent member this writer's {@code jvp} writes instead of {@code mJvp}, or null. */
  private String flatName;

  private ForwardModeWriter(AdjointProgram program, String packageName, String companion, boolean helper) {
    this.method = program.method();
    this.helper = helper;
    this.jvpClass = ClassName.get(packageName, companion, TangentSweep.jvpRecord(method.capitalized()));
    this.jacobianClass = ClassName.get(packageName, companion, method.capitalized() + "Jacobian");
    this.gradientClass = ClassName.get(packageName, companion, method.capitalized() + "Gradient");
    this.resultType = CompanionWriter.typeName(method.returnType());
    this.source = "{@link " + method.ownerCanonicalName() + "#"
        + (helper ? CompanionWriter.sourceName(method) : method.name()) + "("
        + method.parameters().stream().map(p -> p.type().java()).collect(Collectors.joining(", ")) + ")}";
    this.args = method.parameters().stream().map(MethodIr.Parameter::name).collect(Collectors.joining(", "));
    this.visibility = method.isPublic() ? new Modifier[] {Modifier.PUBLIC} : new Modifier[0];
  }

  /**
   * Whether the companion of {@code m} gets {@code mHvp}: the same decision as {@link #addTo} and
   * {@code write} (a nested gradient of m is differentiated through it, so a caller asks first); for a method
   * with a {@code Tensor} result and tensor parameters, whether its eager graph is its function
   * ({@link TensorModes#whyNoEager}: it then has {@code mJvp} and {@code mHvp}, and tensor callers go through it).
   */
  public static boolean hasHvp(MethodIr m, Predicate<Callee.DifferentiableMethod> calleesWithHvp) {
    if (TensorModes.applies(m)) {
      // a tensor method: whether its eager graph is its function (TensorModes), which callers' mJvp go through
      return TensorModes.whyNoEager(m, calleesWithHvp) == null;
    }
    if (m.returnType() != Type.DOUBLE || m.parameters().stream().anyMatch(p -> p.type() == Type.TENSOR)) {
      return false;
    }
    try {
      TangentSweep.TangentProgram tangent = TangentSweep.differentiate(m);
      if (MethodSize.estimate(tangent.body()) > MethodSize.LIMIT) {
        return false;
      }
      SecondOrder.HvpProgram hvp = SecondOrder.hvpProgram(tangent, calleesWithHvp);
      return hvp.program() != null && MethodSize.estimate(hvp.program()) <= MethodSize.LIMIT;
    } catch (TangentSweep.NoForwardMode | Refusal | IllegalStateException e) {
      return false;
    }
  }

  /**
   * Whether the companion of {@code m}, a method with records or an object (flat IR), gets the flat tangent
   * member {@link TangentSweep#flatJvpName} that callers' tangent sweeps call: a tangent program within the
   * method size limit (the same decision as {@code ShapedForwardModes}); for a result other than {@code double}
   * (an array, or a record packed into a {@code double[]}) it returns {@link TangentCalls#flatJvpRecord}.
   */
  public static boolean hasFlatJvp(MethodIr m, Predicate<Callee.DifferentiableMethod> flatJvp) {
    return flatTangent(m, flatJvp) != null;
  }

  /** The tangent program behind {@link #hasFlatJvp}, or null. */
  static TangentSweep.TangentProgram flatTangent(MethodIr m, Predicate<Callee.DifferentiableMethod> flatJvp) {
    if (m.returnType() == Type.TENSOR || m.parameters().stream().anyMatch(p -> p.type() == Type.TENSOR)) {
      return null;
    }
    try {
      TangentSweep.TangentProgram tangent = TangentSweep.differentiate(m, x -> false, flatJvp);
      return MethodSize.estimate(tangent.body()) > MethodSize.LIMIT ? null : tangent;
    } catch (TangentSweep.NoForwardMode | Refusal | IllegalStateException e) {
      return null;
    }
  }

  /**
   * Adds the flat tangent member of a method with records or an object to {@code companion}: {@code mJvp} on the
   * flat IR's parameters (the records' components, the object's fields), plumbing for other companions' tangent
   * sweeps; for a result other than {@code double}, with the record {@link TangentCalls#flatJvpRecord} it
   * returns (the IR's result type: a record result packed).
   */
  static void addFlatJvp(TypeSpec.Builder companion, AdjointProgram program, TangentSweep.TangentProgram tangent,
      String packageName, String companionName) {
    ForwardModeWriter writer = new ForwardModeWriter(program, packageName, companionName, false);
    writer.flatName = TangentSweep.flatJvpName(program.method().name());
    if (writer.method.returnType() != Type.DOUBLE) {
      writer.jvpClass = ClassName.get(packageName, companionName,
          TangentCalls.flatJvpRecord(writer.method.capitalized()));
      companion.addType(TypeSpec.recordBuilder(writer.jvpClass.simpleName())
          .addModifiers(writer.visibility)
          .recordConstructor(MethodSpec.constructorBuilder()
              .addParameter(writer.resultType, "value")
              .addParameter(writer.resultType, "tangent")
              .build())
          .addJavadoc("Generated plumbing of the forward mode, not API: the value and tangent of {@code $L.$L} as"
              + " its flat tangent member returns them (a record result packed, double slots depth first).\n",
              writer.method.ownerCanonicalName(), writer.method.name())
          .build());
    }
    companion.addMethod(writer.jvp(tangent));
  }

  /** Adds the forward-mode members of {@code program}'s method to {@code companion}. */
  static void addTo(TypeSpec.Builder companion, AdjointProgram program, String packageName, String companionName) {
    addTo(companion, program, packageName, companionName, false, m -> false);
  }

  /**
   * As above; a plain {@code helper} gets {@code Jvp} alone (what callers' tangent sweeps call); the callees
   * {@code calleesWithHvp} accepts have {@code mHvp}, so that {@code program}'s own {@code mHvp} may go
   * through them.
   */
  static void addTo(TypeSpec.Builder companion, AdjointProgram program, String packageName, String companionName,
      boolean helper, Predicate<Callee.DifferentiableMethod> calleesWithHvp) {
    MethodIr m = program.method();
    if (m.returnType() == Type.TENSOR || m.parameters().stream().anyMatch(p -> p.type() == Type.TENSOR)) {
      if (!helper && TensorModes.applies(m)) {
        TensorModes.addTo(companion, program, packageName, companionName, calleesWithHvp);
      } else if (!helper && MixedTensorModes.applies(m)) {
        MixedTensorModes.addTo(companion, m, packageName, companionName);
      }
      if (helper || m.returnType() == Type.TENSOR || m.differentiableParameters().isEmpty()) {
        return;
      }
      // a double, double[] or double[][] result with Tensor parameters: there is no tangent program (the tensor
      // operations have reverse rules only), so write() gives mJvp and mJacobian by reverse mode and no mHvp
    }
    ForwardModeWriter writer = new ForwardModeWriter(program, packageName, companionName, helper);
    writer.calleesWithHvp = calleesWithHvp;
    writer.write(companion);
  }

  private void write(TypeSpec.Builder companion) {
    TangentSweep.TangentProgram tangent;
    String noTangent = null;
    try {
      // (for a callee with records or an object, calleesWithHvp says whether it has a flat tangent member)
      tangent = TangentSweep.differentiate(method, m -> false, calleesWithHvp);
      if (MethodSize.estimate(tangent.body()) > MethodSize.LIMIT) {
        // mJvp runs the primal and its tangents in one method: past the JVM's method size, use reverse mode.
        noTangent = "its tangent sweep would exceed the JVM's 64 KiB method limit";
        tangent = null;
      }
    } catch (TangentSweep.NoForwardMode | Refusal | IllegalStateException e) {
      tangent = null;
      noTangent = e.getMessage();
    }
    companion.addType(TypeSpec.recordBuilder(jvpClass.simpleName())
        .addModifiers(visibility)
        .recordConstructor(MethodSpec.constructorBuilder()
            .addParameter(resultType, "value")
            .addParameter(resultType, "tangent")
            .build())
        .addJavadoc("The result of {@code $LJvp}: the value of $L and its directional derivative {@code J v}.\n"
            + "\n@param value the result, as the original computes it\n@param tangent {@code J v}, shaped like the"
            + " result\n", method.name(), source)
        .build());
    companion.addMethod(tangent != null ? jvp(tangent) : jvpByReverseMode(noTangent));
    if (helper) {
      helperHvp(companion, tangent);
      return;
    }
    companion.addType(jacobianRecord());
    companion.addMethod(jacobian(tangent != null));
    boolean tensors = method.parameters().stream().anyMatch(p -> p.type() == Type.TENSOR);
    String noItemHvp = tangent == null && tensors && method.returnType() == Type.DOUBLE
        ? ItemHvp.whyNot(method, calleesWithHvp) : "";
    if (noItemHvp == null) {
      // double backward through the tensor the result is read from (return e.item();)
      ItemHvp.addTo(companion, method, jvpClass.packageName(), jvpClass.enclosingClassName().simpleName());
    } else if (tangent == null && method.returnType() == Type.DOUBLE) {
      companion.addJavadoc("\n<p>No {@code $LHvp} or {@code $LHessian}: mHvp differentiates the tangent program,"
          + " and there is none ($L)$L.\n", method.name(), method.name(), noTangent,
          tensors
              ? "; nor can double backward over the original's eager graph give it (as for a Tensor method), since"
                  + " that graph ends where a tensor is read into the double result, and " + noItemHvp
                  + ": return the one-element Tensor, or end with return e.item() as the method's only read, for"
                  + " mHvp"
              : "");
    }
    if (tangent == null || method.returnType() != Type.DOUBLE) {
      return;
    }
    SecondOrder.HvpProgram hvp = SecondOrder.hvpProgram(tangent, calleesWithHvp);
    if (hvp.program() != null && MethodSize.estimate(hvp.program()) > MethodSize.LIMIT) {
      hvp = new SecondOrder.HvpProgram(null, "its sweeps would exceed the JVM's 64 KiB method limit");
    }
    if (hvp.program() != null) {
      companion.addMethod(hvp(hvp.program()));
      List<MethodIr.Parameter> differentiable = method.differentiableParameters();
      if (differentiable.size() == 1 && differentiable.get(0).type() == Type.VECTOR) {
        companion.addMethod(hessian(differentiable.get(0)));
      }
    } else {
      companion.addJavadoc("\n<p>No {@code $LHvp} or {@code $LHessian}: $L.\n", method.name(), method.name(),
          hvp.whyNot());
    }
  }

  /**
   * A plain helper's {@code Gradient} and {@code Hvp} members, when it has a tangent program, a {@code double}
   * result and an mHvp ({@link #hasHvp}, the same decision its callers ask for): callers' mHvp go through them
   * as through a {@code @Differentiable} callee's. Otherwise nothing: callers have no mHvp and say why.
   */
  private void helperHvp(TypeSpec.Builder companion, TangentSweep.TangentProgram tangent) {
    if (tangent == null || method.returnType() != Type.DOUBLE || method.differentiableParameters().isEmpty()) {
      return;
    }
    SecondOrder.HvpProgram hvp = SecondOrder.hvpProgram(tangent, calleesWithHvp);
    if (hvp.program() == null || MethodSize.estimate(hvp.program()) > MethodSize.LIMIT) {
      return;
    }
    companion.addMethod(MethodSpec.methodBuilder(method.name() + "Gradient")
        .addJavadoc("Generated plumbing, not API: the gradient of $L, which callers' mHvp read.\n", source)
        .addModifiers(visibility).addModifiers(Modifier.STATIC)
        .returns(gradientClass)
        .addParameters(parameters())
        .addStatement("return $LVjp($L, 1.0)", method.name(), args)
        .build());
    companion.addMethod(hvp(hvp.program()));
  }

  private List<ParameterSpec> parameters() {
    List<ParameterSpec> out = new ArrayList<>();
    for (MethodIr.Parameter p : method.parameters()) {
      out.add(ParameterSpec.builder(CompanionWriter.typeName(p.type()), p.name()).build());
    }
    return out;
  }

  private List<ParameterSpec> tangentParameters(java.util.function.UnaryOperator<String> naming) {
    List<ParameterSpec> out = new ArrayList<>();
    for (MethodIr.Parameter p : method.differentiableParameters()) {
      out.add(ParameterSpec.builder(CompanionWriter.typeName(p.type()), naming.apply(p.name())).build());
    }
    return out;
  }

  private String tangentDoc(String what, java.util.function.UnaryOperator<String> naming) {
    StringBuilder doc = new StringBuilder();
    for (MethodIr.Parameter p : method.differentiableParameters()) {
      doc.append("\n@param ").append(naming.apply(p.name())).append(" the ").append(what)
          .append(" for {@code ").append(p.name()).append("}, shaped like it");
    }
    return doc.toString();
  }

  /** Throws on a tangent that is not shaped like its parameter. */
  private void checkTangents(CodeBlock.Builder code, java.util.function.UnaryOperator<String> naming) {
    for (MethodIr.Parameter p : method.differentiableParameters()) {
      if (p.type() != Type.DOUBLE) {
        code.addStatement("$T.requireTangentShape($L, $L, $S)", JACOBIANS, naming.apply(p.name()),
            p.name(), p.name());
      }
    }
  }

  /** {@code mJvp} from the tangent program: one sweep, the primal and its tangent together. */
  private MethodSpec jvp(TangentSweep.TangentProgram program) {
    CodeBlock.Builder code = CodeBlock.builder();
    checkTangents(code, TangentSweep::tangentName);
    for (Expr.Var v : program.locals()) {
      code.addStatement("$T $L = $L", CompanionWriter.typeName(v.type()), v.name(), CompanionWriter.zero(v.type()));
    }
    for (Expr.Var v : program.tangentLocals()) {
      code.addStatement("$T $L = $L", CompanionWriter.typeName(v.type()), v.name(), CompanionWriter.zero(v.type()));
    }
    code.add("// tangent sweep: each varied value with its directional derivative\n");
    JavaCode.statements(program.body().statements(), code);
    String result = program.result().name();
    CodeBlock tangent;
    if (program.resultTangent() == null) {
      tangent = method.returnType() == Type.DOUBLE ? CodeBlock.of("0.0")
          : CodeBlock.of("$T.zerosLike($L)", ARRAY_ADJOINTS, result);
    } else if (method.returnType() == Type.DOUBLE) {
      tangent = CodeBlock.of("$L", program.resultTangent().name());
    } else {
      // A copy: the result's tangent may be a parameter's tangent array (return x.clone() is not needed).
      tangent = CodeBlock.of("$T.copyOf($L)", ARRAY_ADJOINTS, program.resultTangent().name());
    }
    code.addStatement("return new $T($L, $L)", jvpClass, result, tangent);
    if (flatName != null) {
      return MethodSpec.methodBuilder(flatName)
          .addJavadoc("Generated plumbing of the forward mode, not API: the tangent sweep of {@code $L.$L} on its"
              + " records' components and its object's fields, as other companions' tangent sweeps hold them.\n",
              method.ownerCanonicalName(), method.name())
          .addModifiers(visibility).addModifiers(Modifier.STATIC)
          .returns(jvpClass)
          .addParameters(parameters())
          .addParameters(tangentParameters(TangentSweep::tangentName))
          .addCode(code.build())
          .build();
    }
    return MethodSpec.methodBuilder(method.name() + "Jvp")
        .addJavadoc("Forward mode: the value of $L and the Jacobian-vector product {@code J v} for the tangents"
            + " {@code v}, in one sweep.\n$L\n@throws IllegalArgumentException if a tangent is not shaped like"
            + " its parameter\n", source, tangentDoc("tangent", TangentSweep::tangentName))
        .addModifiers(visibility).addModifiers(Modifier.STATIC)
        .returns(jvpClass)
        .addParameters(parameters())
        .addParameters(tangentParameters(TangentSweep::tangentName))
        .addCode(code.build())
        .build();
  }

  /** {@code mJvp} for a method without a tangent program: {@code J v} row by row from reverse sweeps. */
  private MethodSpec jvpByReverseMode(String reason) {
    CodeBlock.Builder code = CodeBlock.builder();
    checkTangents(code, TangentSweep::tangentName);
    code.addStatement("$T f$$value = $L($L)", resultType, method.name(), args);
    boolean scalar = method.returnType() == Type.DOUBLE;
    code.addStatement("$T f$$tangent = $L", resultType,
        scalar ? "0.0" : CodeBlock.of("$T.zerosLike(f$$value)", ARRAY_ADJOINTS));
    code.beginControlFlow("for (int f$$k = 0, f$$n = $T.count(f$$value); f$$k < f$$n; f$$k++)", JACOBIANS);
    code.addStatement("$T f$$row = $LVjp($L, $T.oneHot(f$$value, f$$k))", gradientClass, method.name(), args, JACOBIANS);
    CodeBlock dot = method.differentiableParameters().stream()
        .map(p -> CodeBlock.of("$T.dot(f$$row.$L(), $L)", JACOBIANS, p.sourceName(), TangentSweep.tangentName(p.name())))
        .collect(CodeBlock.joining(" + "));
    if (scalar) {
      code.addStatement("f$$tangent = $L", dot);
    } else {
      code.addStatement("$T.set(f$$tangent, f$$k, $L)", JACOBIANS, dot);
    }
    code.endControlFlow();
    code.addStatement("return new $T(f$$value, f$$tangent)", jvpClass);
    return MethodSpec.methodBuilder(method.name() + "Jvp")
        .addJavadoc("The value of $L and the Jacobian-vector product {@code J v}, computed by reverse mode (one"
            + " reverse sweep per result element): there is no tangent program because $L.\n$L\n"
            + "@throws IllegalArgumentException if a tangent is not shaped like its parameter\n", source, reason,
            tangentDoc("tangent", TangentSweep::tangentName))
        .addModifiers(visibility).addModifiers(Modifier.STATIC)
        .returns(jvpClass)
        .addParameters(parameters())
        .addParameters(tangentParameters(TangentSweep::tangentName))
        .addCode(code.build())
        .build();
  }

  private TypeSpec jacobianRecord() {
    MethodSpec.Builder constructor = MethodSpec.constructorBuilder();
    StringBuilder doc = new StringBuilder("The Jacobian of " + source + ": one matrix per differentiable parameter,"
        + " rows the result's elements, columns the parameter's (row by row; a double is one element).\n");
    for (MethodIr.Parameter p : method.differentiableParameters()) {
      constructor.addParameter(double[][].class, p.sourceName());
      doc.append("\n@param ").append(p.sourceName()).append(" {@code ∂result/∂").append(p.sourceName()).append("}");
    }
    return TypeSpec.recordBuilder(jacobianClass.simpleName())
        .addModifiers(visibility)
        .recordConstructor(constructor.build())
        .addJavadoc("$L\n", doc)
        .build();
  }

  /** {@code mJacobian}: columns by forward sweeps when inputs are fewer than outputs, else rows by reverse sweeps. */
  private MethodSpec jacobian(boolean forwardMode) {
    CodeBlock.Builder code = CodeBlock.builder();
    code.addStatement("$T f$$value = $L($L)", resultType, method.name(), args);
    code.addStatement("int f$$rows = $T.count(f$$value)", JACOBIANS);
    List<MethodIr.Parameter> params = method.differentiableParameters();
    for (MethodIr.Parameter p : params) {
      code.addStatement("double[][] $L = new double[f$$rows][$T.count($L)]", jacobianName(p), JACOBIANS, p.name());
    }
    CodeBlock columns = params.stream().map(p -> CodeBlock.of("$T.count($L)", JACOBIANS, p.name()))
        .collect(CodeBlock.joining(" + "));
    if (forwardMode) {
      code.beginControlFlow("if ($L <= f$$rows)", columns);
      code.add("// fewer inputs than outputs: one forward sweep per input element\n");
      for (MethodIr.Parameter seeded : params) {
        code.beginControlFlow("for (int f$$k = 0, f$$n = $T.count($L); f$$k < f$$n; f$$k++)", JACOBIANS, seeded.name());
        CodeBlock tangents = params.stream().map(p -> p == seeded
            ? CodeBlock.of("$T.oneHot($L, f$$k)", JACOBIANS, p.name())
            : p.type() == Type.DOUBLE ? CodeBlock.of("0.0") : CodeBlock.of("$T.zerosLike($L)", ARRAY_ADJOINTS, p.name()))
            .collect(CodeBlock.joining(", "));
        code.addStatement("$T.column($L, f$$k, $LJvp($L, $L).tangent())", JACOBIANS, jacobianName(seeded),
            method.name(), args, tangents);
        code.endControlFlow();
      }
      code.addStatement("return new $T($L)", jacobianClass,
          params.stream().map(this::jacobianName).collect(Collectors.joining(", ")));
      code.endControlFlow();
    }
    code.add("// one reverse sweep per result element\n");
    code.beginControlFlow("for (int f$$k = 0; f$$k < f$$rows; f$$k++)");
    code.addStatement("$T f$$row = $LVjp($L, $T.oneHot(f$$value, f$$k))", gradientClass, method.name(), args, JACOBIANS);
    for (MethodIr.Parameter p : params) {
      code.addStatement("$T.row($L, f$$k, f$$row.$L())", JACOBIANS, jacobianName(p), p.sourceName());
    }
    code.endControlFlow();
    code.addStatement("return new $T($L)", jacobianClass,
        params.stream().map(this::jacobianName).collect(Collectors.joining(", ")));
    return MethodSpec.methodBuilder(method.name() + "Jacobian")
        .addJavadoc(forwardMode
            ? "The Jacobian of $L at the arguments: by forward mode (one sweep per input element) when the inputs"
                + " have no more elements than the result, else by reverse mode (one sweep per result element).\n"
            : "The Jacobian of $L at the arguments, by reverse mode (one sweep per result element).\n", source)
        .addModifiers(visibility).addModifiers(Modifier.STATIC)
        .returns(jacobianClass)
        .addParameters(parameters())
        .addCode(code.build())
        .build();
  }

  private String jacobianName(MethodIr.Parameter p) {
    return "j$" + p.name();
  }

  /** {@code mHvp}: the reverse sweep of the tangent program, seeded with upstream 1. */
  private MethodSpec hvp(AdjointProgram program) {
    CodeBlock.Builder code = CodeBlock.builder();
    checkTangents(code, TangentSweep::directionName);
    hvpSweeps(program, code);
    code.addStatement("return new $T($L)", gradientClass, method.differentiableParameters().stream()
        .map(p -> AdjointProgram.adjointName(p.name())).collect(Collectors.joining(", ")));
    return MethodSpec.methodBuilder(method.name() + "Hvp")
        .addJavadoc("The Hessian-vector product {@code H v} of $L (reverse mode over forward mode: one tangent"
            + " sweep and its reverse sweep), in the shape of the gradient.\n$L\n@throws IllegalArgumentException"
            + " if a direction is not shaped like its parameter\n", source, tangentDoc("direction", TangentSweep::directionName))
        .addModifiers(visibility).addModifiers(Modifier.STATIC)
        .returns(gradientClass)
        .addParameters(parameters())
        .addParameters(tangentParameters(TangentSweep::directionName))
        .addCode(code.build())
        .build();
  }

  /**
   * The sweeps of {@code mHvp}, after its directions are checked: the tangent program's forward sweep, then
   * its reverse sweep seeded with 1 (for {@link ShapedForwardModes} as well).
   */
  static void hvpSweeps(AdjointProgram program, CodeBlock.Builder code) {
    for (TapeKind t : program.tapes()) {
      ClassName tape = ClassName.get(RUNTIME, t.runtimeClass.substring(t.runtimeClass.lastIndexOf('.') + 1));
      code.addStatement("$T $L = new $T()", tape, t.variable, tape);
    }
    // mHvp returns neither the value nor ∇f · v: no store the reverse sweep does not read, no local nothing names
    List<Stmt> forward = ForwardPruning.prune(program.forward().statements(), program.reverse().statements(),
        Set.of());
    Set<String> named = ReverseReads.named(program, forward, program.reverse().statements());
    for (Expr.Var v : program.locals()) {
      if (named == null || named.contains(v.name())) {
        code.addStatement("$T $L = $L", CompanionWriter.typeName(v.type()), v.name(), CompanionWriter.zero(v.type()));
      }
    }
    for (Expr.Var v : program.counters()) {
      if (named == null || named.contains(v.name())) {
        code.addStatement("int $L = 0", v.name());
      }
    }
    code.add("// forward sweep of the tangent program (it computes the directional derivative ∇f · v)\n");
    JavaCode.statements(forward, code);
    for (TapeKind t : program.tapes()) {
      code.addStatement("$L.rewind()", t.variable);
    }
    for (MethodIr.Parameter p : program.method().differentiableParameters()) {
      code.addStatement("$T $L = $L", CompanionWriter.typeName(p.type()), AdjointProgram.adjointName(p.name()),
          zeroAdjoint(p.variable()));
    }
    for (AdjointProgram.Adjoint a : program.adjoints()) {
      code.addStatement("$T $L = $L", CompanionWriter.typeName(a.primal().type()), a.adjoint().name(),
          zeroAdjoint(a.primal()));
    }
    code.addStatement("double $L = 1.0", AdjointProgram.adjointName(program.result().name()));
    code.add("// reverse sweep: the gradient of ∇f · v, which is H v\n");
    JavaCode.statements(program.reverse().statements(), code);
  }

  /** {@code mHessian} for one {@code double[]} parameter: one {@code mHvp} per element. */
  private MethodSpec hessian(MethodIr.Parameter p) {
    CodeBlock.Builder code = CodeBlock.builder();
    code.addStatement("double[][] f$$hessian = new double[$L.length][]", p.name());
    code.addStatement("double[] f$$direction = new double[$L.length]", p.name());
    code.beginControlFlow("for (int f$$k = 0; f$$k < $L.length; f$$k++)", p.name());
    code.addStatement("f$$direction[f$$k] = 1.0");
    code.addStatement("f$$hessian[f$$k] = $LHvp($L, f$$direction).$L()", method.name(), args, p.sourceName());
    code.addStatement("f$$direction[f$$k] = 0.0");
    code.endControlFlow();
    code.addStatement("return f$$hessian");
    return MethodSpec.methodBuilder(method.name() + "Hessian")
        .addJavadoc("The Hessian of $L with respect to {@code $L}, one {@code $LHvp} per element: row {@code k}"
            + " is {@code H e_k}.\n", source, p.name(), method.name())
        .addModifiers(visibility).addModifiers(Modifier.STATIC)
        .returns(double[][].class)
        .addParameters(parameters())
        .addCode(code.build())
        .build();
  }

  private static CodeBlock zeroAdjoint(Expr.Var primal) {
    if (primal.type() == Type.DOUBLE) {
      return CodeBlock.of("0.0");
    }
    return CodeBlock.of("$T.zerosLike($L)", ARRAY_ADJOINTS, primal.name());
  }

}
