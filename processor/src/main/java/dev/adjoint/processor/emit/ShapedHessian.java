package dev.adjoint.processor.emit;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Shape;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * {@code mHessian} of a method with a {@link Shape} (an instance method, or record parameters) and a
 * {@code double} result that has {@code mHvp} (design.md §7 "More modes"): when exactly one public parameter
 * has a gradient (with {@code self} counted as one: a record's object) and it is a {@code double[]} or a
 * record, the {@code n × n} Hessian over its differentiable elements, numbered as a record result's double slots
 * are (components depth first, arrays element by element, matrices row by row). Row {@code k} is
 * {@code H e_k}, one {@code mHvp} with the one-hot direction {@code e_k} (the direction record's other
 * components copied from the argument).
 */
final class ShapedHessian {
  private static final ClassName JACOBIANS = ClassName.get("dev.adjoint.runtime", "Jacobians");
  /** The prefix of the directions' leaves ({@code e$$p$w}): flat names never hold two {@code $} in a row. */
  private static final String DIRECTION = "e$$";

  private ShapedHessian() {}

  /** The one part with a gradient, when it is a {@code double[]} or a record; else null (no mHessian). */
  static Shape.Part part(RecordGradients shape) {
    List<Shape.Part> withGradient = shape.parts().stream().filter(Shape.Part::gradient).toList();
    if (withGradient.size() != 1) {
      return null;
    }
    Shape.Part part = withGradient.get(0);
    boolean vector = part.node() instanceof Shape.Leaf l && l.type() == Type.VECTOR;
    boolean record = part.node() instanceof Shape.Composite c && c.record();
    return vector || record ? part : null;
  }

  /** {@code mHessian(args)}: one {@code mHvp} per differentiable element of {@code part}. */
  static MethodSpec hessian(MethodIr method, RecordGradients shape, Shape.Part part, ClassName gradientClass,
      Modifier[] visibility) {
    List<Integer> leaves = new ArrayList<>();
    for (int k = 0; k < shape.leaves().size(); k++) {
      Shape.Located l = shape.leaves().get(k);
      if (l.part() == part && l.leaf().differentiable()) {
        leaves.add(k);
      }
    }
    CodeBlock.Builder code = CodeBlock.builder();
    shape.unpack(code);
    CodeBlock count = leaves.stream()
        .map(k -> CodeBlock.of("$T.count($L)", JACOBIANS, shape.flatParameter(k).name()))
        .collect(CodeBlock.joining(" + "));
    code.addStatement("int f$$n = $L", count.isEmpty() ? CodeBlock.of("0") : count);
    code.addStatement("double[][] f$$hessian = new double[f$$n][]");
    code.beginControlFlow("for (int f$$k = 0; f$$k < f$$n; f$$k++)");
    code.add("// the direction e_k: element k of the differentiable components, depth first, is 1\n");
    code.addStatement("int f$$at = f$$k");
    for (int i = 0; i < leaves.size(); i++) {
      MethodIr.Parameter p = shape.flatParameter(leaves.get(i));
      code.addStatement("$T $L = $T.oneHot($L, f$$at)", CompanionWriter.typeName(p.type()), DIRECTION + p.name(),
          JACOBIANS, p.name());
      if (i < leaves.size() - 1) {
        code.addStatement("f$$at -= $T.count($L)", JACOBIANS, p.name());
      }
    }
    code.addStatement("$T f$$g = $LHvp($L, $L)", gradientClass, method.name(), shape.arguments(),
        shape.rebuild(part, DIRECTION));
    code.add("// row k: H e_k, its elements in the same order\n");
    code.addStatement("double[] f$$row = new double[f$$n]");
    code.addStatement("int f$$c = 0");
    for (int i = 0; i < leaves.size(); i++) {
      code.addStatement("$L$T.put(f$$row, f$$c, f$$g.$L())", i < leaves.size() - 1 ? "f$c = " : "", JACOBIANS,
          Shape.gradientComponent(shape.leaves().get(leaves.get(i))));
    }
    code.addStatement("f$$hessian[f$$k] = f$$row");
    code.endControlFlow();
    code.addStatement("return f$$hessian");
    return MethodSpec.methodBuilder(method.name() + "Hessian")
        .addJavadoc("The Hessian of $L with respect to {@code $L}'s differentiable elements ($L), one {@code $LHvp}"
            + " per element: row {@code k} is {@code H e_k}.\n", shape.source(), part.name(),
            part.node() instanceof Shape.Leaf ? "element by element"
                : "its differentiable components depth first, arrays element by element, matrices row by row",
            method.name())
        .addModifiers(visibility).addModifiers(Modifier.STATIC)
        .returns(double[][].class)
        .addParameters(shape.parameters())
        .addCode(code.build())
        .build();
  }
}
