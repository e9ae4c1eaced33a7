package dev.adjoint.processor.emit;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeSpec;
import dev.adjoint.processor.differentiate.TangentSweep;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.StmtWalk;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.lang.model.element.Modifier;

/**
 * {@code mHvp} and {@code mHessian} of a static method with {@code Tensor} parameters (its differentiable ones all
 * tensors) and a {@code double} result read from one tensor at the end, {@code return e.item();}, its only read of
 * a tensor into a {@code double}: double backward through {@code e}'s eager graph ({@code Functional.hvpOfItem}, as
 * for a method that returns the one-element tensor). The eager graph is the function the generated code
 * differentiates under the same conditions as a {@code Tensor} method's ({@link TensorModes#whyNoEager}), the final
 * {@code item()} aside.
 */
final class ItemHvp {
  private static final ClassName FUNCTIONAL = ClassName.get("dev.adjoint", "Functional");

  private ItemHvp() {}

  /**
   * Why {@code m} (a {@code double} result, tensor parameters) gets no {@code mHvp} this way, or null when it does.
   */
  static String whyNot(MethodIr m, Predicate<Callee.DifferentiableMethod> eager) {
    List<MethodIr.Parameter> d = m.differentiableParameters();
    if (m.returnType() != Type.DOUBLE || d.isEmpty() || d.stream().anyMatch(p -> p.type() != Type.TENSOR)) {
      return "its differentiable parameters are not all tensors (the eager graph has no edge to a double or an"
          + " array)";
    }
    Expr.Call read = finalRead(m);
    if (read == null) {
      return "its result is not one tensor read at the end (return e.item();), where double backward could start";
    }
    String why = TensorModes.whyNoEager(m, eager, read);
    return why == null ? null : why + " (beside the final item())";
  }

  /** The call {@code e.item()} of the method's one {@code return}, its last statement, or null. */
  private static Expr.Call finalRead(MethodIr m) {
    List<Stmt> top = m.body().statements();
    int[] returns = {0};
    StmtWalk.statements(m.body(), s -> {
      if (s instanceof Stmt.Return) {
        returns[0]++;
      }
    });
    if (returns[0] != 1 || top.isEmpty() || !(top.get(top.size() - 1) instanceof Stmt.Return r)
        || !(r.value() instanceof Expr.Call c) || !(c.callee() instanceof Callee.TensorMethod t)
        || !t.name().equals("item")) {
      return null;
    }
    return c;
  }

  /** Adds {@code mHvp} and, for one tensor parameter, {@code mHessian}; {@link #whyNot} must be null. */
  static void addTo(TypeSpec.Builder companion, MethodIr m, String packageName, String companionName) {
    ClassName gradient = ClassName.get(packageName, companionName, m.capitalized() + "Gradient");
    Modifier[] visibility = m.isPublic() ? new Modifier[] {Modifier.PUBLIC} : new Modifier[0];
    String source = "{@link " + m.ownerCanonicalName() + "#" + m.name() + "("
        + m.parameters().stream().map(p -> p.type().java()).collect(Collectors.joining(", ")) + ")}";
    List<MethodIr.Parameter> d = m.differentiableParameters();
    List<ParameterSpec> parameters = new ArrayList<>();
    for (MethodIr.Parameter p : m.parameters()) {
      parameters.add(ParameterSpec.builder(CompanionWriter.typeName(p.type()), p.name()).build());
    }
    List<String> call = new ArrayList<>();
    int k = 0;
    for (MethodIr.Parameter p : m.parameters()) {
      call.add(p.differentiable() ? "f$inputs[" + k++ + "]" : p.name());
    }
    CodeBlock original = CodeBlock.of("f$$inputs -> $L.$L($L)", m.ownerCanonicalName(), m.name(),
        String.join(", ", call));
    StringBuilder doc = new StringBuilder();
    for (MethodIr.Parameter p : d) {
      doc.append("\n@param ").append(TangentSweep.directionName(p.name())).append(" the direction for {@code ")
          .append(p.sourceName()).append("}, shaped like it");
    }
    companion.addMethod(MethodSpec.methodBuilder(m.name() + "Hvp")
        .addJavadoc("The Hessian-vector product {@code H v} of $L, in the shape of the gradient: double backward"
            + " ({@code Functional.hvpOfItem}) through the graph of the tensor its result is read from"
            + " ({@code return e.item();}), the original method run with Tensor's recorded operations, about the cost"
            + " of two gradients.\n$L\n@throws IllegalArgumentException if a direction is not shaped like its"
            + " parameter\n", source, doc)
        .addModifiers(visibility).addModifiers(Modifier.STATIC)
        .returns(gradient)
        .addParameters(parameters)
        .addParameters(d.stream().map(p -> ParameterSpec.builder(JavaCode.TENSOR,
            TangentSweep.directionName(p.name())).build()).toList())
        .addStatement("$T[] f$$hvp = $T.hvpOfItem(\n$>$>$L,\n$L,\n$L$<$<)", JavaCode.TENSOR, FUNCTIONAL, original,
            tensors(d, false), tensors(d, true))
        .addStatement("return new $T($L)", gradient,
            IntStream.range(0, d.size()).mapToObj(i -> "f$hvp[" + i + "]").collect(Collectors.joining(", ")))
        .build());
    if (d.size() == 1) {
      MethodIr.Parameter p = d.get(0);
      companion.addMethod(MethodSpec.methodBuilder(m.name() + "Hessian")
          .addJavadoc("The Hessian of $L with respect to {@code $L}: shaped {@code $L}'s shape twice, as PyTorch's"
              + " {@code autograd.functional.hessian}; by double backward through the graph of the tensor the result"
              + " is read from, one reverse pass per element of {@code $L}.\n", source, p.sourceName(),
              p.sourceName(), p.sourceName())
          .addModifiers(visibility).addModifiers(Modifier.STATIC)
          .returns(JavaCode.TENSOR)
          .addParameters(parameters)
          .addStatement("return $T.hessianOfItem(\n$>$>$L,\n$L$<$<)", FUNCTIONAL, original, p.name())
          .build());
    }
  }

  private static CodeBlock tensors(List<MethodIr.Parameter> d, boolean directions) {
    return CodeBlock.of("new $T[] {$L}", JavaCode.TENSOR, d.stream()
        .map(p -> directions ? TangentSweep.directionName(p.name()) : p.name()).collect(Collectors.joining(", ")));
  }
}
