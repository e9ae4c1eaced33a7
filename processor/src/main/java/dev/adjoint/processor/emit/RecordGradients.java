package dev.adjoint.processor.emit;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeName;
import dev.adjoint.processor.differentiate.AdjointProgram;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Shape;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import javax.lang.model.element.Modifier;

/**
 * The public side of a method with a {@link Shape} (an instance method, or record parameters): the
 * companion's members take {@code self} first and records whole, unpack them into the IR's flat
 * parameters ({@code p.w()} into {@code p$w}) and build the gradient's records again through their
 * canonical constructors, differentiable components from their adjoints and the rest copied from the
 * primal ({@code new P(_d_p$w, p$n)}).
 */
final class RecordGradients {
  private static final ClassName ARRAY_ADJOINTS = ClassName.get("dev.adjoint.runtime", "ArrayAdjoints");

  private final Shape shape;
  private final MethodIr method;
  private final List<Shape.Located> leaves;

  RecordGradients(Shape shape, MethodIr method) {
    this.shape = shape;
    this.method = method;
    this.leaves = shape.leaves();
    if (leaves.size() != method.parameters().size()) {
      throw new IllegalStateException("shape of " + method.name() + " has " + leaves.size() + " leaves for "
          + method.parameters().size() + " parameters");
    }
  }

  /** The IR parameter of the {@code k}-th leaf (possibly renamed by {@link GeneratedNames}). */
  private MethodIr.Parameter flat(int k) {
    return method.parameters().get(k);
  }

  /** Whether part {@code part} is one IR parameter under its own name (a plain value). */
  private boolean plain(Shape.Part part) {
    return part.node() instanceof Shape.Leaf;
  }

  /** A plain part's IR parameter. */
  private MethodIr.Parameter plainParameter(Shape.Part part) {
    for (int k = 0; k < leaves.size(); k++) {
      if (leaves.get(k).part() == part) {
        return flat(k);
      }
    }
    throw new IllegalStateException(part.name());
  }

  /**
   * The name of a part in the companion's members: a plain value keeps its IR name; a record or the object
   * keeps its source name unless that would obscure a class or package the member's code spells
   * ({@code Math}, {@code upstream}, the owner's package {@code demo}), which becomes {@code name$}
   * ({@link GeneratedNames}).
   */
  private String name(Shape.Part part) {
    if (plain(part)) {
      return plainParameter(part).name();
    }
    String n = part.name();
    boolean obscures = Character.isUpperCase(n.charAt(0)) || GeneratedNames.alwaysReached(n)
        || n.equals(root(method.ownerCanonicalName()))
        || roots().contains(n);
    return obscures ? n + GeneratedNames.SUFFIX : n;
  }

  /** The first names of the record types the members spell. */
  private java.util.Set<String> roots() {
    java.util.Set<String> out = new java.util.HashSet<>();
    for (Shape.Part part : shape.parts()) {
      collectRoots(part.node(), out);
    }
    return out;
  }

  private static void collectRoots(Shape.Node node, java.util.Set<String> out) {
    if (node instanceof Shape.Composite c) {
      out.add(root(c.javaType()));
      c.components().forEach(n -> collectRoots(n, out));
    }
  }

  private static String root(String canonical) {
    int dot = canonical.indexOf('.');
    return dot < 0 ? canonical : canonical.substring(0, dot);
  }

  /** The Java path of leaf {@code k} from the members' parameters ({@code p.q().a()}, {@code self.w}). */
  private String path(int k) {
    Shape.Located l = leaves.get(k);
    return name(l.part()) + l.path().substring(l.part().name().length());
  }

  private static TypeName javaType(Shape.Part part) {
    return part.node() instanceof Shape.Leaf l ? CompanionWriter.typeName(l.type())
        : ClassName.bestGuess(((Shape.Composite) part.node()).javaType());
  }

  /** The record the method returns, or null ({@link Shape#result}). */
  Shape.Composite result() {
    return shape.result();
  }

  /** The public parameters, {@code self} first for an instance method. */
  List<Shape.Part> parts() {
    return shape.parts();
  }

  /** The leaves of the shape, in the IR's parameter order. */
  List<Shape.Located> leaves() {
    return leaves;
  }

  /** The IR parameter of the {@code k}-th leaf, as the members' code names it. */
  MethodIr.Parameter flatParameter(int k) {
    return flat(k);
  }

  /**
   * The Java path of leaf {@code k} in a value shaped like the parameters whose names carry {@code prefix}
   * ({@code t$p.q().a()} for the tangent of {@code p}); a plain part's leaf is {@code prefix} and its name.
   */
  String leafPath(int k, String prefix) {
    Shape.Located l = leaves.get(k);
    return plain(l.part()) ? prefix + flat(k).name() : prefix + path(k);
  }

  /** The gradient of IR parameter {@code name} in the gradient record {@code g} ({@code g.p().q().a()}). */
  String gradientPath(String name, String g) {
    for (int k = 0; k < leaves.size(); k++) {
      if (flat(k).name().equals(name)) {
        Shape.Located l = leaves.get(k);
        return plain(l.part()) ? g + "." + plainParameter(l.part()).sourceName() + "()"
            : g + "." + l.part().name() + "()" + l.path().substring(l.part().name().length());
      }
    }
    throw new IllegalStateException("no leaf " + name);
  }

  /** Whether leaf {@code k} is a plain part (one IR parameter under its own name). */
  boolean plainLeaf(int k) {
    return plain(leaves.get(k).part());
  }

  /**
   * One parameter per part with a gradient, of the part's public type, named {@code prefix} and the part's
   * name: the tangents of {@code mJvp}, the directions of {@code mHvp}.
   */
  List<ParameterSpec> prefixedGradientParts(String prefix) {
    List<ParameterSpec> out = new ArrayList<>();
    for (Shape.Part part : shape.parts()) {
      if (part.gradient()) {
        out.add(ParameterSpec.builder(javaType(part), prefix + name(part)).build());
      }
    }
    return out;
  }

  /** The members' parameters: {@code self} first for an instance method, records whole. */
  List<ParameterSpec> parameters() {
    List<ParameterSpec> out = new ArrayList<>();
    for (Shape.Part part : shape.parts()) {
      out.add(ParameterSpec.builder(javaType(part), name(part)).build());
    }
    return out;
  }

  /** The members' arguments, to call one member from another. */
  String arguments() {
    return shape.parts().stream().map(this::name).collect(Collectors.joining(", "));
  }

  /** {@code {@link C#m(P, double)}}. */
  String source() {
    return "{@link " + method.ownerCanonicalName() + "#" + method.name() + "("
        + shape.parts().stream().skip(shape.instance() ? 1 : 0).map(p -> javaType(p).toString())
            .collect(Collectors.joining(", ")) + ")}";
  }

  /** The original method called on the public arguments. */
  CodeBlock originalCall() {
    List<String> args = shape.parts().stream().skip(shape.instance() ? 1 : 0).map(this::name).toList();
    return CodeBlock.of("$L.$L($L)", shape.instance() ? "self" : method.ownerCanonicalName(), method.name(),
        String.join(", ", args));
  }

  /** The IR's arguments read from the public ones: {@code x, p.w(), self.scale}. */
  String flatArguments() {
    List<String> out = new ArrayList<>();
    for (int k = 0; k < leaves.size(); k++) {
      out.add(plain(leaves.get(k).part()) ? flat(k).name() : path(k));
    }
    return String.join(", ", out);
  }

  /** As {@link #flatArguments}, arrays copied, for a tape that outlives the call. */
  CodeBlock flatCopies() {
    List<CodeBlock> out = new ArrayList<>();
    for (int k = 0; k < leaves.size(); k++) {
      String path = plain(leaves.get(k).part()) ? flat(k).name() : path(k);
      Type type = flat(k).type();
      out.add(type instanceof Type.Scalar || type instanceof Type.EnumType ? CodeBlock.of("$L", path)
          : type instanceof Type.IntArray ? CodeBlock.of("$L == null ? null : $L.clone()", path, path)
          : CodeBlock.of("$T.copyOf($L)", ARRAY_ADJOINTS, path));
    }
    return CodeBlock.join(out, ", ");
  }

  /** Declares the IR's parameters from the public ones, at the start of a fused body. */
  void unpack(CodeBlock.Builder code) {
    code.add("// the records' components and the object's fields, read once\n");
    for (int k = 0; k < leaves.size(); k++) {
      if (!plain(leaves.get(k).part())) {
        code.addStatement("$T $L = $L", CompanionWriter.typeName(flat(k).type()), flat(k).name(),
            path(k));
      }
    }
  }

  /** The gradient record's components: one per part with a gradient, its public type and name. */
  List<ParameterSpec> gradientComponents() {
    List<ParameterSpec> out = new ArrayList<>();
    for (Shape.Part part : shape.parts()) {
      if (part.gradient()) {
        // Components keep the source names, even where generated code renamed a parameter.
        out.add(ParameterSpec.builder(javaType(part), plain(part) ? plainParameter(part).sourceName() : part.name())
            .build());
      }
    }
    return out;
  }

  /** {@code new MGradient(new P(_d_p$a, p$n), _d_x)}: adjoints and primal copies in the sweeps' scope. */
  CodeBlock newGradient(ClassName gradientClass) {
    List<CodeBlock> components = new ArrayList<>();
    int[] next = {0};
    for (Shape.Part part : shape.parts()) {
      int first = next[0];
      CodeBlock value = build(part.node(), next);
      if (part.gradient()) {
        components.add(value);
      } else {
        next[0] = first + count(part.node());
      }
    }
    return CodeBlock.of("new $T($L)", gradientClass, CodeBlock.join(components, ", "));
  }

  /**
   * Part {@code part} built again from the flat parameters in scope (after {@link #unpack}), its differentiable
   * leaves replaced by the variables named {@code prefix} and their flat name ({@code new P(e$p$a, e$p$w, p$n)}; a
   * plain part is its variable alone): a direction shaped like the part.
   */
  CodeBlock rebuild(Shape.Part part, String prefix) {
    int first = 0;
    for (Shape.Part p : shape.parts()) {
      if (p == part) {
        break;
      }
      first += count(p.node());
    }
    return rebuild(part.node(), prefix, new int[] {first});
  }

  private CodeBlock rebuild(Shape.Node node, String prefix, int[] next) {
    if (node instanceof Shape.Leaf l) {
      MethodIr.Parameter p = flat(next[0]++);
      return CodeBlock.of("$L", l.differentiable() ? prefix + p.name() : p.name());
    }
    Shape.Composite c = (Shape.Composite) node;
    List<CodeBlock> parts = new ArrayList<>();
    for (Shape.Node child : c.components()) {
      parts.add(rebuild(child, prefix, next));
    }
    return CodeBlock.of("new $T($L)", ClassName.bestGuess(c.javaType()), CodeBlock.join(parts, ", "));
  }

  private CodeBlock build(Shape.Node node, int[] next) {
    if (node instanceof Shape.Leaf l) {
      MethodIr.Parameter p = flat(next[0]++);
      return l.differentiable() ? CodeBlock.of("$L", AdjointProgram.adjointName(p.name())) : CodeBlock.of("$L", p.name());
    }
    Shape.Composite c = (Shape.Composite) node;
    List<CodeBlock> parts = new ArrayList<>();
    for (Shape.Node child : c.components()) {
      parts.add(build(child, next));
    }
    return CodeBlock.of("new $T($L)", ClassName.bestGuess(c.javaType()), CodeBlock.join(parts, ", "));
  }

  private static int count(Shape.Node node) {
    return node instanceof Shape.Leaf ? 1
        : ((Shape.Composite) node).components().stream().mapToInt(RecordGradients::count).sum();
  }

  /** {@code MGradient[p=P[...], x=1.0]}: records print themselves, arrays their values. */
  CodeBlock toStringBody(String simpleName) {
    CodeBlock.Builder text = CodeBlock.builder().add("$S", simpleName + "[");
    int i = 0;
    for (Shape.Part part : shape.parts()) {
      if (!part.gradient()) {
        continue;
      }
      String name = plain(part) ? plainParameter(part).sourceName() : part.name();
      text.add(" + $S + ", (i++ == 0 ? "" : ", ") + name + "=");
      if (part.node() instanceof Shape.Leaf l && l.type() instanceof Type.DoubleArray d) {
        text.add("$L(this.$L)", d.rank() == 1 ? CompanionWriter.ARRAY_STRING : CompanionWriter.MATRIX_STRING, name);
      } else {
        text.add("this.$L", name);
      }
    }
    return text.add(" + $S", "]").build();
  }

  /**
   * The companion's flat overload of the method, which callers in other companions call with the IR's
   * arguments (they hold the leaves, not the records): the recording forward pass, its result.
   */
  MethodSpec flatPrimal(Modifier[] visibility, TypeName resultType) {
    String args = method.parameters().stream().map(MethodIr.Parameter::name).collect(Collectors.joining(", "));
    List<ParameterSpec> params = new ArrayList<>();
    for (MethodIr.Parameter p : method.parameters()) {
      params.add(ParameterSpec.builder(CompanionWriter.typeName(p.type()), p.name()).build());
    }
    return MethodSpec.methodBuilder(method.name())
        .addJavadoc("Generated plumbing of the split-mode call boundary, not API: $L on its records' components"
            + " and its object's fields, as other companions hold them.\n", source())
        .addModifiers(visibility).addModifiers(Modifier.STATIC)
        .returns(resultType)
        .addParameters(params)
        .addStatement("return $L$$record($L$L).result$$()", method.name(), args, SharedTapes.none(args.isEmpty()))
        .build();
  }
}
