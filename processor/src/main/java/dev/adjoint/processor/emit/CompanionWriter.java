package dev.adjoint.processor.emit;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.adjoint.processor.differentiate.AdjointProgram;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Shape;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.summary.ResultAlias;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Map;
import javax.annotation.processing.Filer;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;
import javax.tools.JavaFileObject;

/**
 * Writes the companion class of one source class: for every differentiated method {@code m} the members
 * design.md names ({@code m}, {@code mForward}, {@code MTape}, {@code MGradient}, {@code mVjp},
 * {@code mGradient}), and the plumbing of the split-mode call boundary that other companions call
 * ({@code m$record}, {@code MTape.result$}, {@code MTape.reverse$}).
 */
public final class CompanionWriter {
  static final String PROCESSOR = "dev.adjoint.processor.AdjointProcessor";
  static final String RUNTIME = "dev.adjoint.runtime";
  static final ClassName BACKWARD = ClassName.get(RUNTIME, "Backward");
  static final ClassName ARRAY_ADJOINTS = ClassName.get(RUNTIME, "ArrayAdjoints");
  static final ClassName TENSOR_ADJOINTS = ClassName.get(RUNTIME, "TensorAdjoints");
  static final ClassName TENSOR = JavaCode.TENSOR;
  static final ClassName PULLBACK = ClassName.get("dev.adjoint", "Pullback");

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
          shaped, calleesWithHvp).addTo(companion);
      if (dev.adjoint.processor.differentiate.TangentCalls.isMember(program.method().name())) {
        continue; // a recursive method's tangent member: plumbing of second-order programs alone
      } else if (shape == null) {
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

  /** A helper's name in its source: its member name up to the activity pattern ({@code logGamma$1}). */
  static String sourceName(MethodIr helper) {
    int dollar = helper.name().indexOf('$');
    return dollar < 0 ? helper.name() : helper.name().substring(0, dollar);
  }

  /** The Java default value of {@code type}, for hoisted locals declared before their first write. */
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

  static String simple(String canonical) {
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

  /**
   * Writes {@code file} through {@code filer} in one piece: JavaPoet writes a file in many small pieces, and
   * javac's source writer encodes each piece unbuffered, which cost as much as printing the companion.
   */
  public static void writeTo(JavaFile file, Filer filer) throws IOException {
    StringBuilder text = new StringBuilder(1 << 16);
    file.writeTo(text);
    String name = file.packageName().isEmpty() ? file.typeSpec().name()
        : file.packageName() + "." + file.typeSpec().name();
    JavaFileObject source = filer.createSourceFile(name, file.typeSpec().originatingElements().toArray(new Element[0]));
    try (Writer writer = source.openWriter()) {
      writer.write(text.toString());
    }
  }
}
