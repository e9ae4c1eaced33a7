package dev.adjoint.processor.emit;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * The second reverse rule of a tensor method's graph node: the original method, called on the node's input
 * aliases, which the runtime differentiates with recorded operations when a reverse pass records a graph
 * ({@code Tensor.fromGeneratedPullback} with an {@code original}). Only for methods the companion can call by
 * name with the node's arguments; the nodes of helper specialisations (which may be private) and of methods with
 * a record or instance shape stay differentiable once and say so at run time.
 */
final class TensorRecompute {
  private static final TypeName FUNCTION = ParameterizedTypeName.get(ClassName.get("java.util.function", "Function"),
      ArrayTypeName.of(JavaCode.TENSOR), JavaCode.TENSOR);

  private TensorRecompute() {}

  /** Whether a node (of a helper, of an instance or record method) gets a second reverse rule. */
  static boolean applies(boolean helper, boolean shaped) {
    return !helper && !shaped;
  }

  /**
   * The statement declaring {@code node$original}: a function of the differentiable tensor inputs (in
   * parameter order) that runs {@code checks} (the array arguments' snapshots) and calls the original method
   * with every other argument as given.
   */
  static CodeBlock declaration(MethodIr method, CodeBlock checks) {
    List<CodeBlock> args = new ArrayList<>();
    int k = 0;
    for (MethodIr.Parameter p : method.parameters()) {
      args.add(p.type() == Type.TENSOR && p.differentiable() ? CodeBlock.of("node$$inputs[$L]", k++)
          : CodeBlock.of("$L", p.name()));
    }
    return CodeBlock.of("$T node$$original = node$$inputs -> {\n$>$L"
        + "return $L.$L($L);\n$<}", FUNCTION, checks, method.ownerCanonicalName(), method.name(),
        CodeBlock.join(args, ", "));
  }
}
