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
 * The public side of a method that returns a record (design.md §7 "Records and objects"). Its IR returns
 * the record packed into a {@code double[]} (its double slots, depth first, arrays element by element,
 * {@code read.RecordResults}); the companion's flat members ({@code m(flat...)}, {@code m$record},
 * {@code m$packedVjp}) keep that form for callers, and the public {@code mVjp(args..., R upstream)} packs the
 * upstream record, {@code mJvp} unpacks the tangent into a record ({@link ShapedForwardModes}).
 */
final class RecordResultMembers {
  private static final ClassName BACKWARD = ClassName.get("dev.adjoint.runtime", "Backward");
  private static final ClassName ARRAYS = ClassName.get("java.util", "Arrays");

  private RecordResultMembers() {}

  /** The name of the fused VJP of the packed result, plumbing for the public members. */
  static String packedVjp(MethodIr method) {
    return method.name() + "$packedVjp";
  }

  /** Whether {@code result} has an array component (unpacking then needs a record of the result's shape). */
  static boolean hasArrays(Shape.Composite result) {
    return Shape.packedSlots(result).stream().anyMatch(l -> l.leaf().type() != Type.DOUBLE);
  }

  /** The public {@code mVjp(args..., R upstream)}: packs {@code upstream} and runs {@code m$packedVjp}. */
  static MethodSpec vjp(MethodIr method, RecordGradients shape, ClassName gradientClass, Modifier[] visibility) {
    Shape.Composite result = shape.result();
    ClassName record = ClassName.bestGuess(result.javaType());
    CodeBlock.Builder code = CodeBlock.builder();
    code.beginControlFlow("if (upstream == null)")
        .addStatement("throw new $T($S)", IllegalArgumentException.class, "upstream must not be null")
        .endControlFlow();
    if (hasArrays(result)) {
      code.add("// the upstream's arrays must have the result's lengths\n");
      code.addStatement("$T f$$value = $L", record, shape.originalCall());
      for (Shape.Located l : Shape.packedSlots(result)) {
        if (l.leaf().type() != Type.DOUBLE) {
          code.addStatement("$T.requireSameShape(upstream$L, f$$value$L)", BACKWARD, l.path(), l.path());
        }
      }
    }
    pack(code, result, "upstream", "f$upstream");
    code.addStatement("return $L($L, f$$upstream)", packedVjp(method), shape.arguments());
    return MethodSpec.methodBuilder(method.name() + "Vjp")
        .addJavadoc("The vector-Jacobian product {@code upstream · J} of $L: forward and reverse pass in one call;"
            + " {@code upstream} is the gradient of the loss with respect to the result, a record of the result's"
            + " type.\n\n@throws IllegalArgumentException if {@code upstream} is null or its arrays do not have the"
            + " result's lengths\n", shape.source())
        .addModifiers(visibility).addModifiers(Modifier.STATIC)
        .returns(gradientClass)
        .addParameters(shape.parameters())
        .addParameter(record, "upstream")
        .addCode(code.build())
        .build();
  }

  /** Declares {@code double[] into}, the record {@code record} (a Java expression) packed. */
  static void pack(CodeBlock.Builder code, Shape.Composite result, String record, String into) {
    List<Shape.Located> slots = Shape.packedSlots(result);
    if (!hasArrays(result)) {
      List<CodeBlock> elements = new ArrayList<>();
      for (Shape.Located l : slots) {
        elements.add(CodeBlock.of("$L$L", record, l.path()));
      }
      code.addStatement("double[] $L = {$L}", into, CodeBlock.join(elements, ", "));
      return;
    }
    List<CodeBlock> size = new ArrayList<>();
    long scalars = slots.stream().filter(l -> l.leaf().type() == Type.DOUBLE).count();
    size.add(CodeBlock.of("$L", scalars));
    for (Shape.Located l : slots) {
      if (l.leaf().type() != Type.DOUBLE) {
        size.add(CodeBlock.of("$L$L.length", record, l.path()));
      }
    }
    code.addStatement("double[] $L = new double[$L]", into, CodeBlock.join(size, " + "));
    code.addStatement("int $L$$at = 0", into);
    for (Shape.Located l : slots) {
      if (l.leaf().type() == Type.DOUBLE) {
        code.addStatement("$L[$L$$at++] = $L$L", into, into, record, l.path());
      } else {
        code.addStatement("$T.arraycopy($L$L, 0, $L, $L$$at, $L$L.length)", System.class, record, l.path(), into, into,
            record, l.path());
        code.addStatement("$L$$at += $L$L.length", into, record, l.path());
      }
    }
  }

  /**
   * Declares {@code R into}, the packed {@code packed} as a record; {@code like} (a record of the result's
   * shape, a Java expression) gives the arrays' lengths when the record has arrays.
   */
  static void unpack(CodeBlock.Builder code, Shape.Composite result, String packed, String like, String into) {
    List<Shape.Located> slots = Shape.packedSlots(result);
    code.addStatement("int $L$$at = 0", into);
    List<String> leaves = new ArrayList<>();
    for (int k = 0; k < slots.size(); k++) {
      Shape.Located l = slots.get(k);
      String leaf = into + "$" + k;
      leaves.add(leaf);
      if (l.leaf().type() == Type.DOUBLE) {
        code.addStatement("double $L = $L[$L$$at++]", leaf, packed, into);
      } else {
        code.addStatement("double[] $L = $T.copyOfRange($L, $L$$at, $L$$at + $L$L.length)", leaf, ARRAYS, packed,
            into, into, like, l.path());
        code.addStatement("$L$$at += $L.length", into, leaf);
      }
    }
    int[] next = {0};
    code.addStatement("$T $L = $L", ClassName.bestGuess(result.javaType()), into, build(result, leaves, next));
  }

  private static CodeBlock build(Shape.Node node, List<String> leaves, int[] next) {
    if (node instanceof Shape.Leaf) {
      return CodeBlock.of("$L", leaves.get(next[0]++));
    }
    Shape.Composite c = (Shape.Composite) node;
    List<CodeBlock> parts = new ArrayList<>();
    for (Shape.Node child : c.components()) {
      parts.add(build(child, leaves, next));
    }
    return CodeBlock.of("new $T($L)", ClassName.bestGuess(c.javaType()), CodeBlock.join(parts, ", "));
  }
}
