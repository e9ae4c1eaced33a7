package dev.adjoint.processor.emit;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.adjoint.processor.differentiate.AdjointProgram;
import dev.adjoint.processor.differentiate.Refusal;
import dev.adjoint.processor.differentiate.SecondOrder;
import dev.adjoint.processor.differentiate.TangentSweep;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Shape;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import javax.lang.model.element.Modifier;

/**
 * The forward-mode members of a method with a {@link Shape} (an instance method, or record parameters;
 * design.md §7 "More modes"): they take the public signature, as the reverse-mode members do, and run the
 * flat IR's tangent program after unpacking the arguments and the tangents.
 *
 * <ul>
 *   <li>{@code mJvp(args..., tangents...)}: one tangent per part with a gradient, of the part's type (a
 *       record's tangent is a record of the same type, its non-differentiable components ignored), named
 *       {@code t$part}; the result's tangent in {@code MJvp}. Without a tangent program, {@code J v} row by
 *       row from {@code mVjp}.
 *   <li>{@code mJacobian(args)}: one {@code double[][]} per differentiable leaf, named by its flat name
 *       ({@code p$w}, {@code self$scale}, or the parameter's name): columns by sweeps of the flat tangent member
 *       when the leaves have no more elements than the result, else rows by reverse sweeps.
 *   <li>{@code mHvp(args..., directions...)} for {@code double} results: the gradient record of {@code H v}.
 *   <li>{@code mHessian(args)} with {@code mHvp}, when one public parameter has a gradient and it is a
 *       {@code double[]} or a record ({@link ShapedHessian}).
 * </ul>
 */
final class ShapedForwardModes {
  private static final String RUNTIME = "dev.adjoint.runtime";
  private static final ClassName JACOBIANS = ClassName.get(RUNTIME, "Jacobians");
  private static final ClassName ARRAY_ADJOINTS = ClassName.get(RUNTIME, "ArrayAdjoints");
  private static final String TANGENT = "t$";
  private static final String DIRECTION = "v$";

  private final MethodIr method;
  private final RecordGradients shape;
  private final ClassName jvpClass;
  private final ClassName jacobianClass;
  private final ClassName gradientClass;
  /** The record the method returns, or null: the IR's result is then the record packed. */
  private final Shape.Composite result;
  /** The public result type: the record, or the IR's result type. */
  private final TypeName resultType;
  /** The IR's result type (a record result's packed {@code double[]}). */
  private final TypeName packedType;
  /** The VJP the reverse-mode members call: the public one, or for a record result the packed one. */
  private final String vjp;
  private final Modifier[] visibility;

  private ShapedForwardModes(MethodIr method, RecordGradients shape, String packageName, String companion) {
    this.method = method;
    this.shape = shape;
    this.jvpClass = ClassName.get(packageName, companion, TangentSweep.jvpRecord(method.capitalized()));
    this.jacobianClass = ClassName.get(packageName, companion, method.capitalized() + "Jacobian");
    this.gradientClass = ClassName.get(packageName, companion, method.capitalized() + "Gradient");
    this.result = shape.result();
    this.resultType = result != null ? ClassName.bestGuess(result.javaType()) : CompanionWriter.typeName(method.returnType());
    this.packedType = CompanionWriter.typeName(method.returnType());
    this.vjp = result != null ? RecordResultMembers.packedVjp(method) : method.name() + "Vjp";
    this.visibility = method.isPublic() ? new Modifier[] {Modifier.PUBLIC} : new Modifier[0];
  }

  /**
   * Adds {@code mJvp}, {@code mJacobian} and (for a {@code double} result) {@code mHvp} and {@code mHessian} to
   * {@code companion}.
   */
  static void addTo(TypeSpec.Builder companion, AdjointProgram program, RecordGradients shape, String packageName,
      String companionName) {
    addTo(companion, program, shape, packageName, companionName, m -> false);
  }

  /**
   * As above; calls of other methods with records or objects go through their flat tangent members where
   * {@code flatJvp} says they have one, and the method gets its own ({@link ForwardModeWriter#hasFlatJvp}).
   */
  static void addTo(TypeSpec.Builder companion, AdjointProgram program, RecordGradients shape, String packageName,
      String companionName, java.util.function.Predicate<dev.adjoint.processor.ir.Callee.DifferentiableMethod> flatJvp) {
    MethodIr m = program.method();
    if (m.returnType() == Type.TENSOR || m.parameters().stream().anyMatch(p -> p.type() == Type.TENSOR)) {
      return;
    }
    ShapedForwardModes writer = new ShapedForwardModes(m, shape, packageName, companionName);
    writer.flatJvp = flatJvp;
    // the tangent program is the flat tangent member's (ForwardModeWriter.flatTangent makes the same decision)
    TangentSweep.TangentProgram flat = writer.write(companion);
    if (flat != null) {
      ForwardModeWriter.addFlatJvp(companion, program, flat, packageName, companionName);
    }
  }

  private java.util.function.Predicate<dev.adjoint.processor.ir.Callee.DifferentiableMethod> flatJvp = m -> false;

  /** Adds the members; returns the tangent program (the flat tangent member's), or null when there is none. */
  private TangentSweep.TangentProgram write(TypeSpec.Builder companion) {
    TangentSweep.TangentProgram tangent;
    String noTangent = null;
    try {
      tangent = TangentSweep.differentiate(method, m -> false, flatJvp);
      if (MethodSize.estimate(tangent.body()) > MethodSize.LIMIT) {
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
            + " result\n", method.name(), shape.source())
        .build());
    companion.addMethod(jvp(tangent, noTangent));
    companion.addType(jacobianRecord());
    companion.addMethod(jacobian(tangent != null));
    if (tangent == null && method.returnType() == Type.DOUBLE) {
      companion.addJavadoc("\n<p>No {@code $LHvp}: mHvp differentiates the tangent program, and there is none"
          + " ($L).\n", method.name(), noTangent);
    }
    if (tangent == null || method.returnType() != Type.DOUBLE) {
      return tangent;
    }
    // Calls go through the callees' tangent members (TangentCalls) or, for static callees and helpers with a
    // double result, through their gradients and mHvp, as a static method's do (ForwardModeWriter).
    SecondOrder.HvpProgram hvp = SecondOrder.hvpProgram(tangent, flatJvp);
    if (hvp.program() != null && MethodSize.estimate(hvp.program()) > MethodSize.LIMIT) {
      hvp = new SecondOrder.HvpProgram(null, "its sweeps would exceed the JVM's 64 KiB method limit");
    }
    if (hvp.program() != null) {
      companion.addMethod(hvp(hvp.program()));
      Shape.Part part = ShapedHessian.part(shape);
      if (part != null) {
        companion.addMethod(ShapedHessian.hessian(method, shape, part, gradientClass, visibility));
      }
    } else {
      companion.addJavadoc("\n<p>No {@code $LHvp}: $L.\n", method.name(), hvp.whyNot());
    }
    return tangent;
  }

  /** The differentiable leaves' indices, in the IR's parameter order. */
  private List<Integer> differentiableLeaves() {
    List<Integer> out = new ArrayList<>();
    for (int k = 0; k < shape.leaves().size(); k++) {
      if (shape.leaves().get(k).leaf().differentiable()) {
        out.add(k);
      }
    }
    return out;
  }

  /** The source name of leaf {@code k}: {@code p.w()}, {@code self.scale}, {@code x}. */
  private String display(int k) {
    Shape.Located l = shape.leaves().get(k);
    return l.path();
  }

  /** The flat name of leaf {@code k} in the source's terms ({@code p$w}; a plain parameter's own name). */
  private String flatSourceName(int k) {
    Shape.Located l = shape.leaves().get(k);
    return shape.plainLeaf(k) ? shape.flatParameter(k).sourceName() : Shape.flatName(l.part().name(), l.components());
  }

  /**
   * Unpacks the arguments and the per-leaf tangents (or directions) named {@code prefix} + the flat name,
   * checking that each is shaped like its primal.
   */
  private void unpack(CodeBlock.Builder code, String prefix) {
    shape.unpack(code);
    code.add("// the $L of the differentiable components\n", prefix.equals(TANGENT) ? "tangents" : "directions");
    for (int k : differentiableLeaves()) {
      MethodIr.Parameter p = shape.flatParameter(k);
      if (!shape.plainLeaf(k)) {
        code.addStatement("$T $L = $L", CompanionWriter.typeName(p.type()), prefix + p.name(), shape.leafPath(k, prefix));
      }
      if (p.type() != Type.DOUBLE) {
        code.addStatement("$T.requireTangentShape($L, $L, $S)", JACOBIANS, prefix + p.name(), p.name(), display(k));
      }
    }
  }

  private String tangentDoc(String what, String prefix) {
    StringBuilder doc = new StringBuilder();
    for (var spec : shape.prefixedGradientParts(prefix)) {
      doc.append("\n@param ").append(spec.name()).append(" the ").append(what).append(" for {@code ")
          .append(spec.name().substring(prefix.length())).append("}, shaped like it")
          .append(spec.type() instanceof ClassName ? " (its components that are not differentiated are ignored)" : "");
    }
    return doc.toString();
  }

  private MethodSpec jvp(TangentSweep.TangentProgram program, String noTangent) {
    CodeBlock.Builder code = CodeBlock.builder();
    unpack(code, TANGENT);
    boolean scalar = method.returnType() == Type.DOUBLE;
    String doc;
    if (program != null) {
      for (Expr.Var v : program.locals()) {
        code.addStatement("$T $L = $L", CompanionWriter.typeName(v.type()), v.name(), CompanionWriter.zero(v.type()));
      }
      for (Expr.Var v : program.tangentLocals()) {
        code.addStatement("$T $L = $L", CompanionWriter.typeName(v.type()), v.name(), CompanionWriter.zero(v.type()));
      }
      code.add("// tangent sweep: each varied value with its directional derivative\n");
      JavaCode.statements(program.body().statements(), code);
      if (result != null) {
        code.add("// the record (the original's value when it holds arrays, whose lengths the tangent needs), and the"
            + " packed tangent unpacked into a record like it\n");
        if (RecordResultMembers.hasArrays(result)) {
          code.addStatement("$T f$$value = $L", resultType, shape.originalCall());
        } else {
          RecordResultMembers.unpack(code, result, program.result().name(), null, "f$value");
        }
        code.addStatement("double[] f$$tangent = $L", program.resultTangent() == null
            ? CodeBlock.of("new double[$L.length]", program.result().name())
            : CodeBlock.of("$L", program.resultTangent().name()));
        RecordResultMembers.unpack(code, result, "f$tangent", "f$value", "f$record");
        code.addStatement("return new $T(f$$value, f$$record)", jvpClass);
        return jvpMethod(code, "Forward mode: the value of $L and the Jacobian-vector product {@code J v} for the"
            + " tangents {@code v}, in one sweep (the tangent a record of the result's type).\n");
      }
      String result = program.result().name();
      CodeBlock tangent = program.resultTangent() == null
          ? (scalar ? CodeBlock.of("0.0") : CodeBlock.of("$T.zerosLike($L)", ARRAY_ADJOINTS, result))
          : scalar ? CodeBlock.of("$L", program.resultTangent().name())
          // a copy: the result's tangent may be a parameter's tangent array
          : CodeBlock.of("$T.copyOf($L)", ARRAY_ADJOINTS, program.resultTangent().name());
      code.addStatement("return new $T($L, $L)", jvpClass, result, tangent);
      doc = "Forward mode: the value of $L and the Jacobian-vector product {@code J v} for the tangents {@code v},"
          + " in one sweep.\n";
    } else {
      if (result != null) {
        code.addStatement("double[] f$$packed = $L($L)", method.name(), shape.flatArguments());
      } else {
        code.addStatement("$T f$$packed = $L($L)", resultType, method.name(), shape.arguments());
      }
      code.addStatement("$T f$$tangent = $L", packedType,
          scalar ? "0.0" : CodeBlock.of("$T.zerosLike(f$$packed)", ARRAY_ADJOINTS));
      code.beginControlFlow("for (int f$$k = 0, f$$n = $T.count(f$$packed); f$$k < f$$n; f$$k++)", JACOBIANS);
      code.addStatement("$T f$$row = $L($L, $T.oneHot(f$$packed, f$$k))", gradientClass, vjp,
          shape.arguments(), JACOBIANS);
      CodeBlock dot = differentiableLeaves().stream()
          .map(k -> CodeBlock.of("$T.dot(f$$row.$L(), $L)", JACOBIANS,
              Shape.gradientComponent(shape.leaves().get(k)), TANGENT + shape.flatParameter(k).name()))
          .collect(CodeBlock.joining(" + "));
      if (dot.isEmpty()) {
        dot = CodeBlock.of("0.0");
      }
      if (scalar) {
        code.addStatement("f$$tangent = $L", dot);
      } else {
        code.addStatement("$T.set(f$$tangent, f$$k, $L)", JACOBIANS, dot);
      }
      code.endControlFlow();
      if (result != null) {
        code.addStatement("$T f$$value = $L", resultType, shape.originalCall());
        RecordResultMembers.unpack(code, result, "f$tangent", "f$value", "f$record");
        code.addStatement("return new $T(f$$value, f$$record)", jvpClass);
      } else {
        code.addStatement("return new $T(f$$packed, f$$tangent)", jvpClass);
      }
      doc = "The value of $L and the Jacobian-vector product {@code J v}, computed by reverse mode (one reverse"
          + " sweep per result element): there is no tangent program because " + noTangent.replace("$", "$$")
          + ".\n";
    }
    return jvpMethod(code, doc);
  }

  private MethodSpec jvpMethod(CodeBlock.Builder code, String doc) {
    return MethodSpec.methodBuilder(method.name() + "Jvp")
        .addJavadoc(doc + "$L\n@throws IllegalArgumentException if a tangent is not shaped like its parameter\n",
            shape.source(), tangentDoc("tangent", TANGENT))
        .addModifiers(visibility).addModifiers(Modifier.STATIC)
        .returns(jvpClass)
        .addParameters(shape.parameters())
        .addParameters(shape.prefixedGradientParts(TANGENT))
        .addCode(code.build())
        .build();
  }

  private TypeSpec jacobianRecord() {
    MethodSpec.Builder constructor = MethodSpec.constructorBuilder();
    StringBuilder doc = new StringBuilder("The Jacobian of " + shape.source() + ": one matrix per differentiable"
        + " component of the arguments, named by its path ({@code p$w} for {@code p.w()}), rows the result's"
        + " elements (a record result's double slots, depth first), columns the component's (row by row; a"
        + " double is one element).\n");
    for (int k : differentiableLeaves()) {
      constructor.addParameter(double[][].class, flatSourceName(k));
      doc.append("\n@param ").append(flatSourceName(k)).append(" {@code ∂result/∂").append(display(k)).append("}");
    }
    return TypeSpec.recordBuilder(jacobianClass.simpleName())
        .addModifiers(visibility)
        .recordConstructor(constructor.build())
        .addJavadoc("$L\n", doc)
        .build();
  }

  /**
   * {@code mJacobian}: with a tangent program ({@code forwardMode}), one sweep of the flat tangent member per
   * differentiable element of the arguments when they have no more elements than the result, else (and
   * without one) one reverse sweep per result element.
   */
  private MethodSpec jacobian(boolean forwardMode) {
    CodeBlock.Builder code = CodeBlock.builder();
    shape.unpack(code);
    if (result != null) {
      code.add("// rows: the record's double slots, depth first, arrays element by element\n");
      code.addStatement("double[] f$$value = $L($L)", method.name(), shape.flatArguments());
    } else {
      code.addStatement("$T f$$value = $L($L)", resultType, method.name(), shape.arguments());
    }
    code.addStatement("int f$$rows = $T.count(f$$value)", JACOBIANS);
    List<Integer> leaves = differentiableLeaves();
    for (int k : leaves) {
      code.addStatement("double[][] j$$$L = new double[f$$rows][$T.count($L)]", shape.flatParameter(k).name(),
          JACOBIANS, shape.flatParameter(k).name());
    }
    if (forwardMode) {
      forwardColumns(code, leaves);
    }
    code.add("// one reverse sweep per result element\n");
    code.beginControlFlow("for (int f$$k = 0; f$$k < f$$rows; f$$k++)");
    code.addStatement("$T f$$row = $L($L, $T.oneHot(f$$value, f$$k))", gradientClass, vjp,
        shape.arguments(), JACOBIANS);
    for (int k : leaves) {
      code.addStatement("$T.row(j$$$L, f$$k, f$$row.$L())", JACOBIANS, shape.flatParameter(k).name(),
          Shape.gradientComponent(shape.leaves().get(k)));
    }
    code.endControlFlow();
    code.addStatement("return new $T($L)", jacobianClass,
        leaves.stream().map(k -> "j$" + shape.flatParameter(k).name()).collect(Collectors.joining(", ")));
    return MethodSpec.methodBuilder(method.name() + "Jacobian")
        .addJavadoc(forwardMode
            ? "The Jacobian of $L at the arguments: by forward mode (one sweep per differentiable element of the"
                + " arguments) when the arguments have no more such elements than the result, else by reverse mode"
                + " (one sweep per result element).\n"
            : "The Jacobian of $L at the arguments, by reverse mode (one sweep per result element).\n",
            shape.source())
        .addModifiers(visibility).addModifiers(Modifier.STATIC)
        .returns(jacobianClass)
        .addParameters(shape.parameters())
        .addCode(code.build())
        .build();
  }

  /**
   * The forward-mode branch of {@code mJacobian}: when the differentiable leaves have no more elements than the
   * result, column by column from the flat tangent member ({@link TangentSweep#flatJvpName}, on the leaves the
   * member has unpacked), one leaf's tangent one-hot and the others zero; returns the Jacobian.
   */
  private void forwardColumns(CodeBlock.Builder code, List<Integer> leaves) {
    CodeBlock columns = leaves.stream()
        .map(k -> CodeBlock.of("$T.count($L)", JACOBIANS, shape.flatParameter(k).name()))
        .collect(CodeBlock.joining(" + "));
    String flatArgs = method.parameters().stream().map(MethodIr.Parameter::name).collect(Collectors.joining(", "));
    code.beginControlFlow("if ($L <= f$$rows)", columns.isEmpty() ? CodeBlock.of("0") : columns);
    code.add("// fewer inputs than outputs: one forward sweep per differentiable element of the arguments\n");
    for (int seeded : leaves) {
      String name = shape.flatParameter(seeded).name();
      code.beginControlFlow("for (int f$$k = 0, f$$n = $T.count($L); f$$k < f$$n; f$$k++)", JACOBIANS, name);
      CodeBlock tangents = leaves.stream().map(k -> {
        MethodIr.Parameter p = shape.flatParameter(k);
        return k == seeded ? CodeBlock.of("$T.oneHot($L, f$$k)", JACOBIANS, p.name())
            : p.type() == Type.DOUBLE ? CodeBlock.of("0.0")
            : CodeBlock.of("$T.zerosLike($L)", ARRAY_ADJOINTS, p.name());
      }).collect(CodeBlock.joining(", "));
      code.addStatement("$T.column(j$$$L, f$$k, $L($L, $L).tangent())", JACOBIANS, name,
          TangentSweep.flatJvpName(method.name()), flatArgs, tangents);
      code.endControlFlow();
    }
    code.addStatement("return new $T($L)", jacobianClass,
        leaves.stream().map(k -> "j$" + shape.flatParameter(k).name()).collect(Collectors.joining(", ")));
    code.endControlFlow();
  }

  /** {@code mHvp}: the reverse sweep of the tangent program, seeded with upstream 1. */
  private MethodSpec hvp(AdjointProgram program) {
    CodeBlock.Builder code = CodeBlock.builder();
    unpack(code, DIRECTION);
    ForwardModeWriter.hvpSweeps(program, code);
    code.addStatement("return $L", shape.newGradient(gradientClass));
    return MethodSpec.methodBuilder(method.name() + "Hvp")
        .addJavadoc("The Hessian-vector product {@code H v} of $L (reverse mode over forward mode: one tangent"
            + " sweep and its reverse sweep), in the shape of the gradient (components that are not differentiated"
            + " copied from the arguments).\n$L\n@throws IllegalArgumentException if a direction is not shaped like"
            + " its parameter\n", shape.source(), tangentDoc("direction", DIRECTION))
        .addModifiers(visibility).addModifiers(Modifier.STATIC)
        .returns(gradientClass)
        .addParameters(shape.parameters())
        .addParameters(shape.prefixedGradientParts(DIRECTION))
        .addCode(code.build())
        .build();
  }
}
