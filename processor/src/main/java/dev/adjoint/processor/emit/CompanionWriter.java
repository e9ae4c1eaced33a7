package dev.adjoint.processor.emit;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.adjoint.processor.differentiate.AdjointProgram;
import dev.adjoint.processor.differentiate.Recomputable;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Shape;
import dev.adjoint.processor.ir.TapeKind;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.summary.ResultAlias;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;

/**
 * Writes the companion class of one source class: for every differentiated method {@code m} the members
 * design.md names ({@code m}, {@code mForward}, {@code MTape}, {@code MGradient}, {@code mVjp},
 * {@code mGradient}), and the plumbing of the split-mode call boundary that other companions call
 * ({@code m$record}, {@code MTape.result$}, {@code MTape.reverse$}).
 */
public final class CompanionWriter {
  static final String PROCESSOR = "dev.adjoint.processor.AdjointProcessor";
  private static final String RUNTIME = "dev.adjoint.runtime";
  private static final ClassName BACKWARD = ClassName.get(RUNTIME, "Backward");
  private static final ClassName ARRAY_ADJOINTS = ClassName.get(RUNTIME, "ArrayAdjoints");
  private static final ClassName TENSOR_ADJOINTS = ClassName.get(RUNTIME, "TensorAdjoints");
  private static final ClassName TENSOR = JavaCode.TENSOR;
  private static final ClassName PULLBACK = ClassName.get("dev.adjoint", "Pullback");

  /** The runtime annotation that carries a method's {@link ResultAlias} summary on its forward member. */
  public static final String RESULT_ALIAS = RUNTIME + ".ResultAlias";

  private CompanionWriter() {}

  /** The companion source for {@code programs}, all from one class, with {@code origins} as originating elements. */
  public static JavaFile write(String packageName, String simpleName, String ownerCanonicalName,
      List<AdjointProgram> programs, List<? extends Element> origins) {
    return write(packageName, simpleName, ownerCanonicalName, programs, origins, Map.of(), java.util.Set.of());
  }

  static final String ARRAY_STRING = "arrayString$";
  static final String MATRIX_STRING = "matrixString$";

  /** The helpers gradient records' {@code toString} calls for array components, when some record has one. */
  private static void addArrayStrings(TypeSpec.Builder companion, List<AdjointProgram> programs) {
    boolean vector = false;
    boolean matrix = false;
    for (AdjointProgram program : programs) {
      boolean hasRecord = program.method().returnType() != null;
      for (MethodIr.Parameter p : program.method().differentiableParameters()) {
        if (hasRecord && p.type() instanceof Type.DoubleArray d) {
          vector |= d.rank() == 1;
          matrix |= d.rank() != 1;
        }
      }
    }
    ClassName arrays = ClassName.get("java.util", "Arrays");
    if (vector) {
      companion.addMethod(MethodSpec.methodBuilder(ARRAY_STRING)
          .addJavadoc("The values of {@code a}, for the gradient records' {@code toString}.\n")
          .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
          .returns(String.class)
          .addParameter(double[].class, "a")
          .addStatement("return $T.toString(a)", arrays)
          .build());
    }
    if (matrix) {
      companion.addMethod(MethodSpec.methodBuilder(MATRIX_STRING)
          .addJavadoc("The values of {@code a}, row by row, for the gradient records' {@code toString}.\n")
          .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
          .returns(String.class)
          .addParameter(double[][].class, "a")
          .addStatement("return $T.deepToString(a)", arrays)
          .build());
    }
  }

  /**
   * As above, with the alias summary of each method's array result by method name (a method missing
   * from {@code aliases} is marked as "may alias anything" by the absence of the annotation), spelling
   * out the {@code java.lang} classes in {@code qualify}: those a type of the companion's package shadows
   * ({@code demo.Math} against {@code Math}; see {@link GeneratedNames#shadowedJavaLang}).
   */
  public static JavaFile write(String packageName, String simpleName, String ownerCanonicalName,
      List<AdjointProgram> programs, List<? extends Element> origins, Map<String, ResultAlias> aliases,
      java.util.Set<String> qualify) {
    return write(packageName, simpleName, ownerCanonicalName, programs, origins, aliases, qualify, java.util.Set.of(),
        m -> false, Map.of());
  }

  /**
   * As above; the programs named in {@code helpers} are plain helpers differentiated for this companion's
   * methods ({@code read.HelperCalls}): they get only the call boundary's members, package-private (the
   * plain forward, {@code $record}, the tape and gradient record, {@code Vjp} and {@code Jvp});
   * {@code calleesWithHvp} says which called methods have {@code mHvp} (see ForwardModeWriter), and for a
   * called method with records or an object whether it has a flat tangent member; a method
   * named in {@code shapes} (an instance method, or one with record parameters) gets members that take its
   * public signature ({@link RecordGradients}), forward-mode members among them ({@link ShapedForwardModes}).
   */
  public static JavaFile write(String packageName, String simpleName, String ownerCanonicalName,
      List<AdjointProgram> programs, List<? extends Element> origins, Map<String, ResultAlias> aliases,
      java.util.Set<String> qualify, java.util.Set<String> helpers,
      java.util.function.Predicate<dev.adjoint.processor.ir.Callee.DifferentiableMethod> calleesWithHvp,
      Map<String, Shape> shapes) {
    TypeSpec.Builder companion = TypeSpec.classBuilder(simpleName)
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addAnnotation(AnnotationSpec.builder(ClassName.get("javax.annotation.processing", "Generated"))
            .addMember("value", "$S", PROCESSOR)
            .addMember("comments", "$S", "reverse-mode derivatives of " + ownerCanonicalName)
            .build())
        .addJavadoc("Reverse-mode derivatives of the {@code @Differentiable} methods of {@link $L}, generated by"
            + " Adjoint.\n\n<p>Every method has a forward pass, a forward pass that records what its reverse pass"
            + " needs (a tape), and vector-Jacobian products. Instances of the tapes belong to one thread;"
            + " the static methods are safe to call from many threads.\n", ownerCanonicalName)
        .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    for (Element origin : origins) {
      companion.addOriginatingElement(origin);
    }
    // A type of the companion's package shadows java.lang's of the same name (demo.Math against Math):
    // spell those java.lang classes with their package.
    companion.alwaysQualify(qualify.toArray(String[]::new));
    for (AdjointProgram program : programs) {
      boolean helper = helpers.contains(program.method().name());
      Shape shape = shapes.get(program.method().name());
      RecordGradients shaped = shape == null ? null : new RecordGradients(shape, program.method());
      new MethodMembers(program, packageName, simpleName, aliases.get(program.method().name()), helper,
          shaped).addTo(companion);
      if (shape == null) {
        ForwardModeWriter.addTo(companion, program, packageName, simpleName, helper, calleesWithHvp);
      } else if (!helper) {
        ShapedForwardModes.addTo(companion, program, shaped, packageName, simpleName, calleesWithHvp);
      }
    }
    addArrayStrings(companion, programs);
    return JavaFile.builder(packageName, companion.build())
        .skipJavaLangImports(true)
        .indent("  ")
        .build();
  }

  /** The members generated for one method. */
  private static final class MethodMembers {
    final AdjointProgram program;
    final MethodIr method;
    final ClassName tapeClass;
    final ClassName gradientClass;
    final TypeName resultType;
    final boolean scalarResult;
    final boolean tensorResult;
    /** Whether tensors are involved: the sweeps then run without recording a graph of their own. */
    final boolean tensorMode;
    final String upstream;
    final String source;
    final ResultAlias alias;
    /** A plain helper: only the members callers in this companion use. */
    final boolean helper;
    /** The method's name in its source: a helper's members carry its activity pattern as well. */
    final String sourceName;
    /** The public signature of an instance method or one with record parameters; null for the rest. */
    final RecordGradients shape;

    MethodMembers(AdjointProgram program, String packageName, String companion, ResultAlias alias, boolean helper,
        RecordGradients shape) {
      this.alias = alias;
      this.helper = helper;
      this.sourceName = helper ? sourceName(program.method()) : program.method().name();
      this.shape = shape;
      this.program = program;
      this.method = program.method();
      this.tapeClass = ClassName.get(packageName, companion, method.capitalized() + "Tape");
      this.gradientClass = ClassName.get(packageName, companion, method.capitalized() + "Gradient");
      this.resultType = typeName(method.returnType());
      this.scalarResult = method.returnType() == Type.DOUBLE;
      this.tensorResult = method.returnType() == Type.TENSOR;
      this.tensorMode = tensorResult || method.parameters().stream().anyMatch(p -> p.type() == Type.TENSOR);
      this.upstream = method.parameters().stream().anyMatch(p -> p.name().equals("upstream"))
          ? "upstream$" : "upstream";
      this.source = shape != null ? shape.source() : "{@link " + method.ownerCanonicalName() + "#" + sourceName
          + "(" + method.parameters().stream().map(p -> p.type().java()).collect(Collectors.joining(", ")) + ")}";
    }

    void addTo(TypeSpec.Builder companion) {
      String flatArgs = method.parameters().stream().map(MethodIr.Parameter::name).collect(Collectors.joining(", "));
      // the members' own arguments, and the tape's (the IR's parameters, unpacked from records and self)
      String args = shape != null ? shape.arguments() : flatArgs;
      String tapeArgs = shape != null ? shape.flatArguments() : flatArgs;
      if (shape != null) {
        companion.addMethod(shape.flatPrimal(visibility(), resultType));
      }
      if (tensorResult) {
        companion.addMethod(tensorPrimal(args));
      } else if (recordResult()) {
        // no public primal of a record result: the original is one, and the flat primal has its parameters
      } else {
        MethodSpec.Builder primal = MethodSpec.methodBuilder(method.name())
            .addJavadoc(helper ? "The forward pass of $L, through its tape (the helper may be private).\n"
                : "The forward pass of $L alone: the same result as the original.\n", source)
            .addModifiers(visibility()).addModifiers(Modifier.STATIC)
            .returns(resultType)
            .addParameters(api())
            .addStatement(helper ? CodeBlock.of("return $L$$record($L$L).result$$()", method.name(), args,
                SharedTapes.none(args.isEmpty()))
                : CodeBlock.of("return $L", shape != null ? shape.originalCall()
                    : CodeBlock.of("$L.$L($L)", method.ownerCanonicalName(), method.name(), args)));
        if (alias != null && shape == null && method.returnType() instanceof Type.DoubleArray) {
          // What the array result may share storage with, for callers compiled later.
          AnnotationSpec.Builder summary = AnnotationSpec.builder(ClassName.get(RUNTIME, "ResultAlias"));
          if (!alias.parameters().isEmpty()) {
            summary.addMember("parameters", "{$L}",
                alias.parameters().stream().map(String::valueOf).collect(Collectors.joining(", ")));
          }
          if (alias.constant()) {
            summary.addMember("constant", "true");
          }
          primal.addAnnotation(summary.build());
        }
        companion.addMethod(primal.build());
      }

      CodeBlock copies = shape != null ? shape.flatCopies() : method.parameters().stream()
          .map(p -> p.type() instanceof Type.Scalar || p.type() instanceof Type.EnumType ? CodeBlock.of("$L", p.name())
              : p.type() instanceof Type.IntArray ? CodeBlock.of("$L == null ? null : $L.clone()", p.name(), p.name())
              : p.type() == Type.TENSOR ? CodeBlock.of("$T.fresh($L, $L)", TENSOR_ADJOINTS, p.name(), p.name())
              : CodeBlock.of("$T.copyOf($L)", ARRAY_ADJOINTS, p.name()))
          .collect(CodeBlock.joining(", "));
      companion.addMethod(MethodSpec.methodBuilder(method.name() + "$record")
          .addJavadoc("Generated plumbing of the split-mode call boundary, not API: runs the forward pass of $L"
              + " once and returns its tape, without copying the arguments, recording onto the caller's tapes"
              + " (fresh ones where null) so that a call allocates no tapes of its own. A caller's forward sweep"
              + " keeps the tape and its reverse sweep calls {@code skip$$} and {@code reverse$$} on it, keeping the"
              + " array arguments and the tapes' stretches unchanged until then.\n", source)
          .addModifiers(visibility()).addModifiers(Modifier.STATIC)
          .returns(tapeClass)
          .addParameters(parameters())
          .addParameters(SharedTapes.parameters())
          .addStatement("return new $T($L$L)", tapeClass, flatArgs, SharedTapes.arguments(flatArgs.isEmpty()))
          .build());
      if (helper) {
        companion.addMethod(tensorMode ? tapeVjp(args) : fusedVjp());
        companion.addType(gradientRecord());
        companion.addType(tape());
        return;
      }
      if (!recordResult()) {
        addForward(companion, copies);
      }
      addGradientAndVjps(companion, args, tapeArgs);
    }

    /** Whether the method returns a record: its IR returns the record packed ({@link RecordResultMembers}). */
    private boolean recordResult() {
      return shape != null && shape.result() != null;
    }

    private void addForward(TypeSpec.Builder companion, CodeBlock copies) {
      companion.addMethod(MethodSpec.methodBuilder(method.name() + "Forward")
          .addJavadoc("Runs the forward pass of $L and keeps what its reverse pass needs (the retained graph).\n"
              + "Array arguments are copied, so changing them afterwards does not change the tape.\n", source)
          .addModifiers(visibility()).addModifiers(Modifier.STATIC)
          .returns(tapeClass)
          .addParameters(api())
          .addStatement("return new $T($L)", tapeClass, copies)
          .build());
    }

    private void addGradientAndVjps(TypeSpec.Builder companion, String args, String tapeArgs) {
      if (scalarResult || tensorResult) {
        CodeBlock body = tensorMode
            ? CodeBlock.of("return new $T($L).backward()", tapeClass, args)
            : CodeBlock.of("return $LVjp($L, 1.0)", method.name(), args);
        companion.addMethod(MethodSpec.methodBuilder(method.name() + "Gradient")
            .addJavadoc("The gradient of $L: forward and reverse pass with upstream 1.0"
                + (tensorResult ? " (the result must have one element).\n" : ".\n"), source)
            .addModifiers(visibility()).addModifiers(Modifier.STATIC)
            .returns(gradientClass)
            .addParameters(api())
            .addStatement(body)
            .build());
      }
      companion.addMethod(tensorMode ? tapeVjp(args) : fusedVjp());
      if (recordResult()) {
        companion.addMethod(RecordResultMembers.vjp(method, shape, gradientClass, visibility()));
      }
      if (!tensorMode && shape == null && Recomputable.of(program)) {
        // (Instance methods and methods of records are called through their flat members: never recomputed.)
        companion.addMethod(MethodSpec.methodBuilder(Recomputable.pullbackName(method.name()))
            .addJavadoc("Generated plumbing of the split-mode call boundary, not API: $L is O(1), pure and"
                + " tape-free, so a caller recomputes it in its reverse sweep from the arguments' values instead of"
                + " keeping a tape per call.\n", source)
            .addModifiers(visibility()).addModifiers(Modifier.STATIC)
            .returns(gradientClass)
            .addParameters(parameters())
            .addParameter(resultType, upstream)
            .addStatement("return $LVjp($L, $L)", method.name(), args, upstream)
            .build());
      }
      if (scalarResult || tensorResult) {
        addValueAndGradient(companion, tapeArgs);
      }

      companion.addType(gradientRecord());
      companion.addType(tape());
    }

    /** {@code mVjp} through a tape, for tensor methods (whose sweeps run under {@code noGrad}). */
    private MethodSpec tapeVjp(String args) {
      return MethodSpec.methodBuilder(method.name() + "Vjp")
          .addJavadoc("The vector-Jacobian product {@code upstream · J} of $L: forward and reverse pass in one"
              + " call.\n\n@throws IllegalArgumentException if {@code $L} does not have the result's shape\n",
              source, upstream)
          .addModifiers(visibility()).addModifiers(Modifier.STATIC)
          .returns(gradientClass)
          .addParameters(parameters())
          .addParameter(resultType, upstream)
          .addStatement("return new $T($L).backward($L, false)", tapeClass, args, upstream)
          .build();
    }

    /** Companion members are public exactly when the source method is reachable from everywhere. */
    private Modifier[] visibility() {
      return method.isPublic() ? new Modifier[] {Modifier.PUBLIC} : new Modifier[0];
    }

    /**
     * For a tensor result, the forward pass runs the plain kernels once and, when an input requires grad and
     * reaches the result, attaches one graph node whose pullback is the generated reverse pass. The node
     * saves every tensor the pullback reads by reference with its version, and a snapshot of every array
     * argument, so that an in-place change before the reverse pass throws PyTorch's error.
     */
    private MethodSpec tensorPrimal(String args) {
      List<MethodIr.Parameter> tensors = method.parameters().stream()
          .filter(p -> p.type() == Type.TENSOR && p.differentiable()).toList();
      String qualified = method.ownerCanonicalName() + "." + method.name();
      MethodSpec.Builder m = MethodSpec.methodBuilder(method.name())
          .addJavadoc("The forward pass of $L, as one node of the tensor graph: when an input requires grad,"
              + " {@code backward()} on the result runs the generated reverse pass.\n", source)
          .addModifiers(visibility()).addModifiers(Modifier.STATIC)
          .returns(resultType)
          .addParameters(parameters())
          .addStatement("$T node$$tape = new $T($L)", tapeClass, tapeClass, args);
      if (tensors.isEmpty() || !TensorNodes.resultVariesWithTensorInputs(program)) {
        m.addComment("no differentiable tensor input reaches the result: a constant, as in eager autograd");
        return m.addStatement("return node$$tape.value()").build();
      }
      CodeBlock requiresGrad = tensors.stream().map(p -> CodeBlock.of("$L.isRequiresGrad()", p.name()))
          .collect(CodeBlock.joining(" || "));
      m.beginControlFlow("if (!$T.isGradEnabled() || !($L))", TENSOR, requiresGrad)
          .addStatement("return node$$tape.value()")
          .endControlFlow();
      CodeBlock.Builder checks = CodeBlock.builder();
      for (MethodIr.Parameter p : method.parameters()) {
        if (p.type() instanceof Type.DoubleArray || p.type() instanceof Type.IntArray) {
          m.addStatement("$T snapshot$$$L = $T.snapshot($L)", typeName(p.type()), p.name(), TENSOR_ADJOINTS,
              p.name());
          checks.add("$T.requireUnchanged($L, snapshot$$$L, $S, $S);\n", TENSOR_ADJOINTS, p.name(), p.name(),
              p.sourceName(), qualified);
        }
      }
      List<CodeBlock> saved = new ArrayList<>();
      for (MethodIr.Parameter p : method.parameters()) {
        if (p.type() == Type.TENSOR) {
          saved.add(CodeBlock.of("$L", p.name()));
        }
      }
      for (Expr.StaticField f : TensorNodes.constants(program)) {
        saved.add(CodeBlock.of("$L.$L", JavaCode.typeName(f.owner()), f.name()));
      }
      CodeBlock inputs = tensors.stream().map(p -> CodeBlock.of("$L", p.name())).collect(CodeBlock.joining(", "));
      // Generated locals are node$...: user names have no '$', and a parameter GeneratedNames renames ends in it.
      m.addStatement("$T node$$pullback = node$$upstream -> {\n$>$L"
          + "return node$$tape.nodeGradients(node$$upstream);\n$<}", PULLBACK, checks.build());
      boolean twice = TensorRecompute.applies(helper, shape != null);
      if (twice) {
        m.addComment("a reverse pass that records a graph differentiates the original method again");
        m.addStatement(TensorRecompute.declaration(method, checks.build()));
      }
      return m.addStatement("return $T.fromGeneratedPullback($S, $S, node$$tape.value(), node$$pullback,"
              + " new $T[] {$L}, $L$L)", TENSOR, method.capitalized() + "Backward", qualified, TENSOR,
              CodeBlock.join(saved, ", "), twice ? "node$original, " : "", inputs)
          .build();
    }

    /**
     * The tape's reverse pass as the graph node runs it: retained (the engine frees the node), under
     * {@code noGrad}, one gradient per differentiable tensor parameter, {@code null} where none arrived.
     */
    private MethodSpec nodeGradients() {
      CodeBlock gradients = method.parameters().stream()
          .filter(p -> p.type() == Type.TENSOR && p.differentiable())
          .map(p -> CodeBlock.of("gradient.$L()", p.sourceName()))
          .collect(CodeBlock.joining(", "));
      return MethodSpec.methodBuilder("nodeGradients")
          .addJavadoc("The reverse pass as the graph node runs it: retained, one gradient per differentiable"
              + " tensor parameter, {@code null} where none arrived.\n")
          .addModifiers(Modifier.PRIVATE)
          .returns(com.palantir.javapoet.ArrayTypeName.of(TENSOR))
          .addParameter(TENSOR, "upstream")
          .addStatement("$T gradient = reverse$$(upstream$L)", gradientClass, noTargets())
          .addStatement("return new $T[] {$L}", TENSOR, gradients)
          .build();
    }

    /** The parameters of the public members: the IR's, or the shape's ({@code self}, records). */
    private List<ParameterSpec> api() {
      return shape != null ? shape.parameters() : parameters();
    }

    private List<ParameterSpec> parameters() {
      List<ParameterSpec> out = new ArrayList<>();
      for (MethodIr.Parameter p : method.parameters()) {
        out.add(ParameterSpec.builder(typeName(p.type()), p.name()).build());
      }
      return out;
    }

    /**
     * {@code mValueAndGradient(args)}: the result and its gradient from one forward and one reverse pass (JAX's
     * {@code value_and_grad}), as {@code record MValueAndGradient(R value, MGradient gradient)}.
     */
    private void addValueAndGradient(TypeSpec.Builder companion, String args) {
      ClassName pair = ClassName.get(gradientClass.packageName(), gradientClass.enclosingClassName().simpleName(),
          method.capitalized() + "ValueAndGradient");
      companion.addMethod(MethodSpec.methodBuilder(method.name() + "ValueAndGradient")
          .addJavadoc("The value of $L and its gradient, from one forward and one reverse pass with upstream 1.0"
              + (tensorResult ? " (the result must have one element).\n" : ".\n"), source)
          .addModifiers(visibility()).addModifiers(Modifier.STATIC)
          .returns(pair)
          .addParameters(api())
          .addStatement("return $T.of(new $T($L))", pair, tapeClass, args)
          .build());
      companion.addType(TypeSpec.recordBuilder(pair.simpleName())
          .addModifiers(visibility())
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

    private TypeSpec gradientRecord() {
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
          .addModifiers(visibility())
          .recordConstructor(constructor.build())
          .addJavadoc("$L\n", doc)
          .addMethod(gradientToString())
          .build();
    }

    private TypeSpec tape() {
      TypeSpec.Builder tape = TypeSpec.classBuilder(tapeClass.simpleName())
          .addModifiers(visibility()).addModifiers(Modifier.STATIC, Modifier.FINAL)
          .addJavadoc("The retained graph of one forward pass of $L: its value and its reverse pass.\n"
              + "\n<p>{@code backward} frees the tape unless asked to retain it, as PyTorch's {@code backward()}"
              + " does. Not for concurrent use.\n", source);
      for (MethodIr.Parameter p : method.parameters()) {
        tape.addField(FieldSpec.builder(typeName(p.type()), "input$" + p.name(), Modifier.PRIVATE, Modifier.FINAL)
            .build());
      }
      for (TapeKind t : program.tapes()) {
        tape.addField(ClassName.get(RUNTIME, simple(t.runtimeClass)), t.variable, Modifier.PRIVATE);
        tape.addField(TypeName.LONG, SharedTapes.start(t), Modifier.PRIVATE);
        tape.addField(TypeName.LONG, SharedTapes.end(t), Modifier.PRIVATE);
      }
      for (Expr.Var v : stateVariables()) {
        tape.addField(typeName(v.type()), "state$" + v.name(), Modifier.PRIVATE);
      }
      if (program.consumesRecording()) {
        tape.addField(TypeName.BOOLEAN, "recorded", Modifier.PRIVATE);
      }
      if (snapshotsValue()) {
        tape.addField(FieldSpec.builder(resultType, "value$", Modifier.PRIVATE)
            .addJavadoc("The result as recorded, kept before the first reverse pass writes saved values back.\n")
            .build());
      }
      tape.addField(TypeName.BOOLEAN, "freed", Modifier.PRIVATE);

      MethodSpec.Builder constructor = MethodSpec.constructorBuilder();
      for (MethodIr.Parameter p : method.parameters()) {
        constructor.addParameter(typeName(p.type()), p.name());
        constructor.addStatement("this.input$$$L = $L", p.name(), p.name());
      }
      if (tensorMode) {
        for (Expr.StaticField f : TensorNodes.constants(program)) {
          constructor.addStatement("$T.requireConstant($L.$L, $S, $S)", TENSOR_ADJOINTS,
              JavaCode.typeName(f.owner()), f.name(), f.owner() + "." + f.name(),
              method.ownerCanonicalName() + "." + method.name());
        }
        constructor.addStatement("$T.noGrad(this::record)", TENSOR);
      } else {
        constructor.addStatement("record()");
      }
      MethodSpec plain = constructor.build();
      tape.addMethod(plain);
      tape.addMethod(SharedTapes.constructor(plain, program, sharesTapes()));
      tape.addMethod(record());

      MethodSpec.Builder value = MethodSpec.methodBuilder("value")
          .addModifiers(Modifier.PUBLIC)
          .returns(resultType);
      if (scalarResult) {
        value.addJavadoc("The primal result.\n").addStatement("return state$$$L", program.result().name());
      } else if (tensorResult) {
        value.addJavadoc("The primal result (a copy: the tape keeps its own).\n")
            .addStatement("return $T.fresh(state$$$L, state$$$L)", TENSOR_ADJOINTS, program.result().name(),
                program.result().name());
      } else if (snapshotsValue()) {
        value.addJavadoc("The primal result (a copy: the tape keeps its own).\n")
            .addStatement("return $T.copyOf(value$$ != null ? value$$ : state$$$L)", ARRAY_ADJOINTS,
                program.result().name());
      } else {
        value.addJavadoc("The primal result (a copy: the tape keeps its own).\n")
            .addStatement("return $T.copyOf(state$$$L)", ARRAY_ADJOINTS, program.result().name());
      }
      tape.addMethod(value.build());
      tape.addMethod(MethodSpec.methodBuilder("result$")
          .addJavadoc("Generated plumbing of the split-mode call boundary, not API: the result itself, not a"
              + " copy.\n")
          .addModifiers(Modifier.PUBLIC)
          .returns(resultType)
          .addStatement("return state$$$L", program.result().name())
          .build());
      if (tensorResult) {
        tape.addMethod(nodeGradients());
      }
      tape.addMethod(backward());
      tape.addMethod(SharedTapes.skip(program, sharesTapes()));
      tape.addMethod(reverse());
      if (tensorMode) {
        tape.addMethod(sweep());
      }
      tape.addMethod(MethodSpec.methodBuilder("backward")
          .addJavadoc("The reverse pass; frees the tape. Same as {@code backward(upstream, false)}.\n")
          .addModifiers(Modifier.PUBLIC)
          .returns(gradientClass)
          .addParameter(resultType, "upstream")
          .addStatement("return backward(upstream, false)")
          .build());
      if (scalarResult) {
        tape.addMethod(MethodSpec.methodBuilder("backward")
            .addJavadoc("The reverse pass with upstream 1.0 (the output is a scalar); frees the tape.\n")
            .addModifiers(Modifier.PUBLIC)
            .returns(gradientClass)
            .addStatement("return backward(1.0, false)")
            .build());
      } else if (tensorResult) {
        tape.addMethod(MethodSpec.methodBuilder("backward")
            .addJavadoc("The reverse pass with upstream 1 for a one-element result; frees the tape.\n\n"
                + "@throws IllegalStateException if the result has more than one element (grad can be"
                + " implicitly created only for scalar outputs)\n")
            .addModifiers(Modifier.PUBLIC)
            .returns(gradientClass)
            .addStatement("return backward($T.implicitUpstream(state$$$L), false)", TENSOR_ADJOINTS,
                program.result().name())
            .build());
      }
      return tape.build();
    }

    /**
     * Whether the tape records onto its caller's tapes when given them: not when a reverse pass may record
     * again (the second recording would land in the middle of the caller's), nor for tensor methods.
     */
    private boolean sharesTapes() {
      return !program.consumesRecording() && !tensorMode;
    }

    /** Whether {@code value()} keeps its own copy: an array result a reverse pass may write back into. */
    private boolean snapshotsValue() {
      return program.consumesRecording() && method.returnType() instanceof Type.DoubleArray;
    }

    /** The differentiable array parameters: a caller's reverse passes its adjoints to accumulate into. */
    private List<MethodIr.Parameter> accumulated() {
      return method.differentiableParameters().stream().filter(p -> p.type() instanceof Type.DoubleArray).toList();
    }

    /** {@code null} for each accumulation target: the reverse pass then starts from zero arrays. */
    private String noTargets() {
      return accumulated().stream().map(p -> ", null").collect(Collectors.joining());
    }

    /** Every variable whose end-of-forward value the reverse pass starts from. */
    private List<Expr.Var> stateVariables() {
      List<Expr.Var> vars = new ArrayList<>();
      for (MethodIr.Parameter p : method.parameters()) {
        vars.add(p.variable());
      }
      vars.addAll(program.locals());
      return vars;
    }

    private MethodSpec record() {
      CodeBlock.Builder code = CodeBlock.builder();
      forwardSweep(code, true);
      for (TapeKind t : program.tapes()) {
        code.addStatement("this.$L = $L", t.variable, t.variable);
        code.addStatement("this.$L = $L.size()", SharedTapes.end(t), t.variable);
      }
      for (Expr.Var v : stateVariables()) {
        code.addStatement("this.state$$$L = $L", v.name(), v.name());
      }
      if (program.consumesRecording()) {
        code.addStatement("this.recorded = true");
      }
      return MethodSpec.methodBuilder("record")
          .addJavadoc(sharesTapes()
              ? "Runs the forward sweep from the inputs, recording onto the caller's tapes or fresh ones.\n"
              : "Runs the forward sweep from the inputs, recording onto fresh tapes.\n")
          .addModifiers(Modifier.PRIVATE)
          .addCode(code.build())
          .build();
    }

    /**
     * Declares the tapes and locals and runs the forward sweep; the parameters come from the tape's input
     * fields, or are the enclosing method's own parameters.
     */
    private void forwardSweep(CodeBlock.Builder code, boolean fromFields) {
      for (TapeKind t : program.tapes()) {
        ClassName runtime = ClassName.get(RUNTIME, simple(t.runtimeClass));
        if (fromFields && sharesTapes()) {
          // recorded once, from the constructor: onto the caller's tapes when it gave them
          code.addStatement("$T $L = this.$L != null ? this.$L : new $T()", runtime, t.variable, t.variable,
              t.variable, runtime);
          code.addStatement("this.$L = $L.size()", SharedTapes.start(t), t.variable);
        } else {
          code.addStatement("$T $L = new $T()", runtime, t.variable, runtime);
        }
      }
      if (fromFields) {
        for (MethodIr.Parameter p : method.parameters()) {
          code.addStatement("$T $L = input$$$L", typeName(p.type()), p.name(), p.name());
        }
      }
      for (Expr.Var v : program.locals()) {
        code.addStatement("$T $L = $L", typeName(v.type()), v.name(), zero(v.type()));
      }
      for (Expr.Var v : program.counters()) {
        code.addStatement("int $L = 0", v.name());
      }
      code.add("// forward sweep\n");
      JavaCode.statements(program.forward().statements(), code);
    }

    /**
     * Declares the adjoints, seeds the result's with {@code upstream} and runs the reverse sweep;
     * {@code accumulate}: the array parameters' adjoints are the {@code into$p} targets when not null.
     */
    private void reverseSweep(CodeBlock.Builder code, boolean accumulate) {
      for (MethodIr.Parameter p : method.differentiableParameters()) {
        if (accumulate && p.type() instanceof Type.DoubleArray) {
          code.addStatement("$T $L = into$$$L != null ? into$$$L : $L", typeName(p.type()),
              AdjointProgram.adjointName(p.name()), p.name(), p.name(), zeroAdjoint(p.variable()));
        } else {
          code.addStatement("$T $L = $L", typeName(p.type()), AdjointProgram.adjointName(p.name()),
              zeroAdjoint(p.variable()));
        }
      }
      for (AdjointProgram.Adjoint a : program.adjoints()) {
        code.addStatement("$T $L = $L", typeName(a.primal().type()), a.adjoint().name(), zeroAdjoint(a.primal()));
      }
      code.addStatement("$T $L = upstream", resultType, AdjointProgram.adjointName(program.result().name()));
      code.add("// reverse sweep\n");
      JavaCode.statements(program.reverse().statements(), code);
    }

    /** {@code new MGradient(_d_a, _d_b, ...)}, tensors copied so that no gradient aliases an upstream. */
    private CodeBlock newGradient() {
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

    /**
     * {@code mVjp} without a tape object: both sweeps in one method body, so nothing outlives the call
     * but the gradient.
     */
    private MethodSpec fusedVjp() {
      CodeBlock.Builder code = CodeBlock.builder();
      if (shape != null) {
        shape.unpack(code);
      }
      forwardSweep(code, false);
      if (!scalarResult) {
        code.addStatement("$T.requireSameShape(upstream, $L)", BACKWARD, program.result().name());
      }
      for (TapeKind t : program.tapes()) {
        code.addStatement("$L.rewind()", t.variable);
      }
      reverseSweep(code, false);
      code.addStatement("return $L", newGradient());
      return MethodSpec.methodBuilder(recordResult() ? RecordResultMembers.packedVjp(method) : method.name() + "Vjp")
          .addJavadoc(recordResult()
              ? "Generated plumbing, not API: the vector-Jacobian product of $L for an upstream packed like its"
                  + " record result (double slots depth first, arrays element by element).\n"
              : "The vector-Jacobian product {@code upstream · J} of $L: forward and reverse pass in one"
                  + " call.\n\n@throws IllegalArgumentException if {@code upstream} does not have the result's"
                  + " shape\n", source)
          .addModifiers(visibility()).addModifiers(Modifier.STATIC)
          .returns(gradientClass)
          .addParameters(api())
          .addParameter(resultType, "upstream")
          .addCode(code.build())
          .build();
    }

    /** The public reverse pass: checks, keeps the value, runs {@code reverse$} and frees unless retained. */
    private MethodSpec backward() {
      CodeBlock.Builder code = CodeBlock.builder();
      code.beginControlFlow("if (this.freed)")
          .addStatement("throw $T.freedGraph()", BACKWARD)
          .endControlFlow();
      if (tensorResult) {
        code.addStatement("$T.requireSameShape(upstream, state$$$L)", TENSOR_ADJOINTS, program.result().name());
      } else if (!scalarResult) {
        code.addStatement("$T.requireSameShape(upstream, state$$$L)", BACKWARD, program.result().name());
      }
      if (snapshotsValue()) {
        code.beginControlFlow("if (this.value$$ == null)")
            .add("// the reverse pass writes saved values back into arrays, the result among them\n")
            .addStatement("this.value$$ = $T.copyOf(state$$$L)", ARRAY_ADJOINTS, program.result().name())
            .endControlFlow();
      }
      code.addStatement("$T gradient = reverse$$(upstream$L)", gradientClass, noTargets());
      code.beginControlFlow("if (!retainGraph)");
      code.addStatement("this.freed = true");
      for (TapeKind t : program.tapes()) {
        code.addStatement("this.$L.release()", t.variable);
      }
      for (Expr.Var v : stateVariables()) {
        if (v.type() instanceof Type.Named) {
          // the tapes of calls made outside loops: let them go with the graph
          code.addStatement("this.state$$$L = null", v.name());
        }
      }
      code.endControlFlow();
      if (method.differentiableParameters().stream().anyMatch(p -> p.type() == Type.TENSOR)) {
        // no gradient arrived at a tensor parameter: zeros of its entry shape, as the public API promises
        code.addStatement("return new $T($L)", gradientClass, method.differentiableParameters().stream()
            .map(p -> p.type() == Type.TENSOR
                ? CodeBlock.of("$T.orZeros(gradient.$L(), input$$$L)", TENSOR_ADJOINTS, p.sourceName(), p.name())
                : CodeBlock.of("gradient.$L()", p.sourceName()))
            .collect(CodeBlock.joining(", ")));
      } else {
        code.addStatement("return gradient");
      }
      return MethodSpec.methodBuilder("backward")
          .addModifiers(Modifier.PUBLIC)
          .addJavadoc("The reverse pass: the vector-Jacobian product {@code upstream · J}"
              + (tensorMode ? ", computed without recording a graph" : "") + ".\n\n"
              + "@param upstream the gradient of the loss with respect to the result; same shape as the result\n"
              + "@param retainGraph keep the tape usable for another reverse pass\n"
              + "@throws IllegalStateException if an earlier reverse pass freed the tape\n"
              + (scalarResult ? "" : "@throws IllegalArgumentException if {@code upstream} does not have the"
                  + " result's shape\n"))
          .returns(gradientClass)
          .addParameter(resultType, "upstream")
          .addParameter(TypeName.BOOLEAN, "retainGraph")
          .addCode(code.build())
          .build();
    }

    /**
     * {@code reverse$}: the reverse sweep from the recorded end state; the tape stays usable (a retained
     * graph). For tensor methods it runs {@code sweep$} without recording a graph.
     */
    private MethodSpec reverse() {
      MethodSpec.Builder m = MethodSpec.methodBuilder("reverse$")
          .addJavadoc("Generated plumbing of the split-mode call boundary, not API: the reverse pass from"
              + " {@code upstream}, accumulating the array parameters' adjoints into the given arrays (fresh"
              + " zero arrays where null); the tape stays usable.\n")
          .addModifiers(Modifier.PUBLIC)
          .returns(gradientClass)
          .addParameter(resultType, "upstream");
      for (MethodIr.Parameter p : accumulated()) {
        m.addParameter(typeName(p.type()), "into$" + p.name());
      }
      if (tensorMode) {
        String targets = accumulated().stream().map(p -> ", into$" + p.name()).collect(Collectors.joining());
        return m.addStatement("return $T.noGrad(() -> sweep$$(upstream$L))", TENSOR, targets).build();
      }
      return m.addCode(sweepBody()).build();
    }

    /** For tensor methods, the reverse sweep itself (run under {@code noGrad} by {@code reverse$}). */
    private MethodSpec sweep() {
      MethodSpec.Builder m = MethodSpec.methodBuilder("sweep$")
          .addModifiers(Modifier.PRIVATE)
          .returns(gradientClass)
          .addParameter(resultType, "upstream");
      for (MethodIr.Parameter p : accumulated()) {
        m.addParameter(typeName(p.type()), "into$" + p.name());
      }
      return m.addCode(sweepBody()).build();
    }

    private CodeBlock sweepBody() {
      CodeBlock.Builder code = CodeBlock.builder();
      if (program.consumesRecording()) {
        code.beginControlFlow("if (!this.recorded)")
            .add("// a retained reverse pass wrote saved values back into arrays: record again from the inputs\n")
            .addStatement("record()")
            .endControlFlow();
      }
      for (TapeKind t : program.tapes()) {
        code.addStatement("$T $L = this.$L", ClassName.get(RUNTIME, simple(t.runtimeClass)), t.variable, t.variable);
        // the tape may be the caller's: read this call's stretch, then put the caller's cursor back
        code.addStatement("long $L = $L.cursor()", SharedTapes.cursor(t), t.variable);
        code.addStatement("$L.seek(this.$L)", t.variable, SharedTapes.end(t));
      }
      for (Expr.Var v : stateVariables()) {
        code.addStatement("$T $L = state$$$L", typeName(v.type()), v.name(), v.name());
      }
      reverseSweep(code, true);
      if (program.consumesRecording()) {
        code.addStatement("this.recorded = false");
      }
      code.addStatement("$T gradient$$ = $L", gradientClass, newGradient());
      for (TapeKind t : program.tapes()) {
        code.addStatement("$L.seek($L)", t.variable, SharedTapes.cursor(t));
      }
      code.addStatement("return gradient$$");
      return code.build();
    }

    private static CodeBlock zeroAdjoint(Expr.Var primal) {
      if (primal.type() == Type.DOUBLE) {
        return CodeBlock.of("0.0");
      }
      if (primal.type() == Type.TENSOR) {
        return CodeBlock.of("null");
      }
      return CodeBlock.of("$T.zerosLike($L)", ARRAY_ADJOINTS, primal.name());
    }
  }

  /** The Java default value of {@code type}, for hoisted locals declared before their first write. */
  /** A helper's name in its source: its member name up to the activity pattern ({@code logGamma$1}). */
  static String sourceName(MethodIr helper) {
    int dollar = helper.name().indexOf('$');
    return dollar < 0 ? helper.name() : helper.name().substring(0, dollar);
  }

  static String zero(Type type) {
    if (type == Type.DOUBLE) {
      return "0.0";
    }
    if (type == Type.BOOLEAN) {
      return "false";
    }
    if (type == Type.INT) {
      return "0";
    }
    if (type == Type.LONG) {
      return "0L";
    }
    return "null";
  }

  private static String simple(String canonical) {
    return canonical.substring(canonical.lastIndexOf('.') + 1);
  }

  static TypeName typeName(Type type) {
    if (type == Type.DOUBLE) {
      return TypeName.DOUBLE;
    }
    if (type == Type.INT) {
      return TypeName.INT;
    }
    if (type == Type.LONG) {
      return TypeName.LONG;
    }
    if (type == Type.BOOLEAN) {
      return TypeName.BOOLEAN;
    }
    if (type == Type.VECTOR) {
      return com.palantir.javapoet.ArrayTypeName.of(TypeName.DOUBLE);
    }
    if (type == Type.MATRIX) {
      return com.palantir.javapoet.ArrayTypeName.of(com.palantir.javapoet.ArrayTypeName.of(TypeName.DOUBLE));
    }
    if (type instanceof Type.IntArray a) {
      return com.palantir.javapoet.ArrayTypeName.of(a.element() == Type.BOOLEAN ? TypeName.BOOLEAN : TypeName.INT);
    }
    if (type == Type.TENSOR) {
      return TENSOR;
    }
    if (type instanceof Type.Named n && n.canonicalName().startsWith("dev.adjoint.runtime.")) {
      return ClassName.get("dev.adjoint.runtime", n.canonicalName().substring("dev.adjoint.runtime.".length()));
    }
    if (type instanceof Type.EnumType e) {
      String[] names = e.simpleNames().split("\\.");
      return ClassName.get(e.packageName(), names[0], java.util.Arrays.copyOfRange(names, 1, names.length));
    }
    if (type instanceof Type.Named n) {
      // A member of a companion, a top-level class: pkg.CompanionGrad.Member.
      String companion = n.canonicalName().substring(0, n.canonicalName().lastIndexOf('.'));
      int dot = companion.lastIndexOf('.');
      return ClassName.get(dot < 0 ? "" : companion.substring(0, dot), companion.substring(dot + 1),
          n.canonicalName().substring(companion.length() + 1));
    }
    throw new IllegalArgumentException("no Java type for " + type);
  }
}
