package dev.adjoint.processor.emit;

import static dev.adjoint.processor.emit.CompanionWriter.ARRAY_STRING;
import static dev.adjoint.processor.emit.CompanionWriter.MATRIX_STRING;
import static dev.adjoint.processor.emit.CompanionWriter.TENSOR_ADJOINTS;
import static dev.adjoint.processor.emit.CompanionWriter.typeName;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.adjoint.processor.differentiate.AdjointProgram;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Type;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * The gradient members of one method: the {@code MGradient} record with its {@code toString}, the gradient
 * value that reverse sweeps return, and {@code mValueAndGradient} with its record.
 */
final class GradientMembers {
  private final MethodMembers members;
  private final MethodIr method;
  private final ClassName tapeClass;
  private final ClassName gradientClass;
  private final TypeName resultType;
  private final boolean tensorResult;
  private final String source;
  private final RecordGradients shape;

  GradientMembers(MethodMembers members) {
    this.members = members;
    this.method = members.method;
    this.tapeClass = members.tapeClass;
    this.gradientClass = members.gradientClass;
    this.resultType = members.resultType;
    this.tensorResult = members.tensorResult;
    this.source = members.source;
    this.shape = members.shape;
  }

  /**
   * {@code mValueAndGradient(args)}: the result and its gradient from one forward and one reverse pass (JAX's
   * {@code value_and_grad}), as {@code record MValueAndGradient(R value, MGradient gradient)}.
   */
  void addValueAndGradient(TypeSpec.Builder companion, String args) {
    ClassName pair = ClassName.get(gradientClass.packageName(), gradientClass.enclosingClassName().simpleName(),
        method.capitalized() + "ValueAndGradient");
    companion.addMethod(MethodSpec.methodBuilder(method.name() + "ValueAndGradient")
        .addJavadoc("The value of $L and its gradient, from one forward and one reverse pass with upstream 1.0"
            + (tensorResult ? " (the result must have one element).\n" : ".\n"), source)
        .addModifiers(members.visibility()).addModifiers(Modifier.STATIC)
        .returns(pair)
        .addParameters(members.api())
        .addCode(FusedSweeps.applies(members, true) ? FusedSweeps.body(members, true, pair)
            : CodeBlock.of("return $T.of(new $T($L));\n", pair, tapeClass, args))
        .build());
    companion.addType(TypeSpec.recordBuilder(pair.simpleName())
        .addModifiers(members.visibility())
        .recordConstructor(MethodSpec.constructorBuilder()
            .addParameter(resultType, "value")
            .addParameter(gradientClass, "gradient")
            .build())
        .addMethod(MethodSpec.methodBuilder("of")
            .addJavadoc("The value, then the gradient (which frees the tape).\n")
            .addModifiers(Modifier.STATIC)
            .returns(pair)
            .addParameter(tapeClass, "t")
            .addStatement("$T v = t.value()", resultType)
            .addStatement("return new $T(v, t.backward())", pair)
            .build())
        .addJavadoc("The value of $L and its gradient.\n\n@param value the result\n@param gradient the gradient"
            + " of the result with respect to every differentiable parameter\n", source)
        .build());
  }

  /** {@code MGradient[x=[1.0, 2.0], y=3.0]}: arrays print their values. */
  private MethodSpec gradientToString() {
    if (shape != null) {
      return MethodSpec.methodBuilder("toString")
          .addAnnotation(Override.class)
          .addModifiers(Modifier.PUBLIC)
          .returns(String.class)
          .addStatement("return $L", shape.toStringBody(gradientClass.simpleName()))
          .build();
    }
    CodeBlock.Builder text = CodeBlock.builder().add("$S", gradientClass.simpleName() + "[");
    List<MethodIr.Parameter> ps = method.differentiableParameters();
    for (int i = 0; i < ps.size(); i++) {
      MethodIr.Parameter p = ps.get(i);
      text.add(" + $S + ", (i == 0 ? "" : ", ") + p.sourceName() + "=");
      if (p.type() instanceof Type.DoubleArray d) {
        // The companion's helper, by a name no component can obscure (a component may be named Arrays).
        text.add("$L(this.$L)", d.rank() == 1 ? ARRAY_STRING : MATRIX_STRING, p.sourceName());
      } else {
        text.add("this.$L", p.sourceName());
      }
    }
    text.add(" + $S", "]");
    return MethodSpec.methodBuilder("toString")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(String.class)
        .addStatement("return $L", text.build())
        .build();
  }

  TypeSpec record() {
    MethodSpec.Builder constructor = MethodSpec.constructorBuilder();
    StringBuilder doc = new StringBuilder("The gradient of " + source + ": one component per differentiable"
        + " parameter, with its name and type.\n");
    for (MethodIr.Parameter p : shape != null ? List.<MethodIr.Parameter>of() : method.differentiableParameters()) {
      // Components keep the source names (design.md §1), even where generated code renamed a parameter.
      constructor.addParameter(typeName(p.type()), p.sourceName());
      doc.append("\n@param ").append(p.sourceName()).append(" the derivative with respect to {@code ")
          .append(p.sourceName()).append("}");
    }
    if (shape != null) {
      for (ParameterSpec component : shape.gradientComponents()) {
        constructor.addParameter(component);
        doc.append("\n@param ").append(component.name()).append(" the derivative with respect to {@code ")
            .append(component.name()).append("}");
      }
    }
    return TypeSpec.recordBuilder(gradientClass.simpleName())
        .addModifiers(members.visibility())
        .recordConstructor(constructor.build())
        .addJavadoc("$L\n", doc)
        .addMethod(gradientToString())
        .build();
  }

  /** {@code new MGradient(_d_a, _d_b, ...)}, tensors copied so that no gradient aliases an upstream. */
  CodeBlock newGradient() {
    if (shape != null) {
      return shape.newGradient(gradientClass);
    }
    CodeBlock components = method.differentiableParameters().stream()
        .map(p -> p.type() == Type.TENSOR
            // null where no gradient arrived; backward() turns it into zeros of the parameter's entry shape
            ? CodeBlock.of("$T.freshOrNull($L)", TENSOR_ADJOINTS, AdjointProgram.adjointName(p.name()))
            : CodeBlock.of("$L", AdjointProgram.adjointName(p.name())))
        .collect(CodeBlock.joining(", "));
    return CodeBlock.of("new $T($L)", gradientClass, components);
  }
}
