package dev.adjoint.processor.read;

import com.sun.source.tree.ArrayTypeTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.ImportTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.PrimitiveTypeTree;
import com.sun.source.tree.Tree;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.ElementFilter;

/**
 * Name and type lookup for {@link MethodReader} as javac resolves the supported cases: type trees, nested and
 * imported types, enclosing classes, static imports, and constant fields (inlined when compile-time constants,
 * NaN, infinities and -0 included).
 */
final class NameLookup {
  private final MethodReader reader;

  NameLookup(MethodReader reader) {
    this.reader = reader;
  }
  boolean fieldNamed(String name) {
    for (TypeElement type = reader.owner; type != null; type = enclosingType(type)) {
      for (VariableElement field : ElementFilter.fieldsIn(type.getEnclosedElements())) {
        if (field.getSimpleName().contentEquals(name)) {
          return true;
        }
      }
    }
    return staticallyImportedField(name) != null;
  }

  Expr fieldRead(Tree at, TypeElement type, VariableElement field) {
    String name = field.getSimpleName().toString();
    if (!field.getModifiers().contains(Modifier.STATIC) || !field.getModifiers().contains(Modifier.FINAL)) {
      throw new Unsupported(at, "'" + name + "' is not a static final constant: a @Differentiable method may only"
          + " read static final fields (it must be a pure function of its arguments)");
    }
    Optional<Type> type1 = ModelTypes.of(field.asType());
    type1 = type1.isPresent() ? type1 : Enums.type(field.asType(), at, reader.companionPackage());
    if (type1.isEmpty()) {
      throw new Unsupported(at, "the constant '" + name + "' has an unsupported type " + field.asType());
    }
    Object constant = field.getConstantValue();
    if (constant != null) {
      return constantLiteral(constant, type1.get(), at);
    }
    if (field.getModifiers().contains(Modifier.PRIVATE)) {
      throw new Unsupported(at, "the private constant '" + name + "' is not a compile-time constant, so the"
          + " companion cannot read it: make it package-private");
    }
    CompanionAccess.require(at, field, reader.companionPackage());
    return new Expr.StaticField(type.getQualifiedName().toString(), name, type1.get());
  }

  private Expr constantLiteral(Object constant, Type type, Tree at) {
    if (constant instanceof String s) {
      return Strings.literal(s, reader.elements);
    }
    if (constant instanceof Double d) {
      if (d.isNaN()) {
        return new Expr.StaticField("java.lang.Double", "NaN", Type.DOUBLE);
      }
      if (d.isInfinite()) {
        return new Expr.StaticField("java.lang.Double", d > 0 ? "POSITIVE_INFINITY" : "NEGATIVE_INFINITY",
            Type.DOUBLE);
      }
      String text = Double.toString(Math.abs(d));
      Expr literal = new Expr.Literal(text, Type.DOUBLE);
      return d < 0 || (d == 0 && 1 / d < 0) ? new Expr.Unary(Expr.UnaryOp.NEG, literal, Type.DOUBLE) : literal;
    }
    if (constant instanceof Integer i) {
      return i < 0 ? new Expr.Unary(Expr.UnaryOp.NEG, new Expr.Literal(Long.toString(-(long) i), Type.INT), Type.INT)
          : new Expr.Literal(Integer.toString(i), Type.INT);
    }
    if (constant instanceof Long l) {
      return l < 0 ? new Expr.Literal("(" + l + "L)", Type.LONG) : new Expr.Literal(l + "L", Type.LONG);
    }
    if (constant instanceof Boolean b) {
      return new Expr.Literal(b.toString(), Type.BOOLEAN);
    }
    throw new Unsupported(at, "constants of type " + constant.getClass().getSimpleName() + " are not supported");
  }

  Type typeOf(Tree typeTree) {
    if (typeTree instanceof PrimitiveTypeTree p) {
      return switch (p.getPrimitiveTypeKind()) {
        case DOUBLE -> Type.DOUBLE;
        case INT -> Type.INT;
        case LONG -> Type.LONG;
        case BOOLEAN -> Type.BOOLEAN;
        case FLOAT -> throw new Unsupported(typeTree, "float is not supported: use double");
        default -> throw new Unsupported(typeTree, "type " + p.getPrimitiveTypeKind().name().toLowerCase()
            + " is not supported: use double, int, long or boolean");
      };
    }
    if (typeTree instanceof ArrayTypeTree a) {
      Type element = typeOf(a.getType());
      if (element == Type.DOUBLE) {
        return Type.VECTOR;
      }
      if (element == Type.VECTOR) {
        return Type.MATRIX;
      }
      if (element == Type.INT) {
        return Type.INT_VECTOR;
      }
      if (element == Type.BOOLEAN) {
        return Type.BOOLEAN_VECTOR;
      }
      if (element instanceof Type.IntArray) {
        throw new Unsupported(typeTree, "type " + typeTree + " is not supported in a @Differentiable method: use "
            + (element == Type.INT_VECTOR ? "an " : "a ") + element.java() + " and index it i * n + j");
      }
    }
    Tree raw = typeTree instanceof com.sun.source.tree.ParameterizedTypeTree p ? p.getType() : typeTree;
    if (raw instanceof ExpressionTree named) {
      TypeElement type = resolveType(named);
      if (type != null && type.getQualifiedName().contentEquals(Type.TensorType.CLASS)) {
        return Type.TENSOR;
      }
      Records.refuseLocal(typeTree, type);
      if (type != null && Strings.is(type.asType())) {
        return Strings.TYPE;
      }
      if (type != null && Enums.element(type.asType()) != null) {
        return Enums.type(type.asType(), typeTree, reader.companionPackage()).orElseThrow();
      }
      String q = type == null ? "" : type.getQualifiedName().toString();
      if (q.startsWith("java.util.stream.") || q.startsWith("java.util.function.")) {
        throw new Unsupported(typeTree, "streams and lambdas are not supported in a @Differentiable method: write a"
            + " for loop");
      }
    }
    throw new Unsupported(typeTree, "type " + typeTree + " is not supported in a @Differentiable method: use"
        + " double, double[], double[][], Tensor, int, long or boolean");
  }

  static boolean isVar(Tree typeTree) {
    return typeTree instanceof IdentifierTree id && id.getName().contentEquals("var");
  }

  static TypeElement enclosingType(TypeElement type) {
    Element e = type.getEnclosingElement();
    return e instanceof TypeElement t ? t : null;
  }

  /** Resolves a type name as javac would for the supported cases: nested, same package, imports, java.lang. */
  TypeElement resolveType(ExpressionTree t) {
    if (t instanceof IdentifierTree id) {
      String name = id.getName().toString();
      for (TypeElement type = reader.owner; type != null; type = enclosingType(type)) {
        if (type.getSimpleName().contentEquals(name)) {
          return type;
        }
        for (TypeElement nested : ElementFilter.typesIn(type.getEnclosedElements())) {
          if (nested.getSimpleName().contentEquals(name)) {
            return nested;
          }
        }
      }
      for (ImportTree imp : reader.unit.getImports()) {
        if (imp.isStatic()) {
          continue;
        }
        String qualified = imp.getQualifiedIdentifier().toString();
        if (qualified.endsWith("." + name)) {
          TypeElement type = reader.elements.getTypeElement(qualified);
          if (type != null) {
            return type;
          }
        }
      }
      String pkg = ModelTypes.packageOf(reader.owner);
      TypeElement samePackage = reader.elements.getTypeElement(pkg.isEmpty() ? name : pkg + "." + name);
      if (samePackage != null) {
        return samePackage;
      }
      for (ImportTree imp : reader.unit.getImports()) {
        String qualified = imp.getQualifiedIdentifier().toString();
        if (!imp.isStatic() && qualified.endsWith(".*")) {
          TypeElement type = reader.elements.getTypeElement(qualified.substring(0, qualified.length() - 1) + name);
          if (type != null) {
            return type;
          }
        }
      }
      return reader.elements.getTypeElement("java.lang." + name);
    }
    if (t instanceof MemberSelectTree ms) {
      TypeElement outer = resolveType(ms.getExpression());
      if (outer != null) {
        for (TypeElement nested : ElementFilter.typesIn(outer.getEnclosedElements())) {
          if (nested.getSimpleName().contentEquals(ms.getIdentifier())) {
            return nested;
          }
        }
        return null;
      }
      return reader.elements.getTypeElement(ms.toString());
    }
    return null;
  }

  /**
   * The class an unqualified call {@code name(...)} searches (JLS 15.12.1): the innermost class around the
   * method read of which a method named {@code name} is a member (declared or inherited, whatever its arity:
   * javac stops there even when none of its methods applies), or null when no enclosing class has one.
   */
  TypeElement methodScope(String name) {
    for (TypeElement type = reader.owner; type != null; type = enclosingType(type)) {
      if (hasMethod(type, name)) {
        return type;
      }
    }
    return null;
  }

  /**
   * For an unqualified call of {@code name} that searched {@code scope} and found no method that applies:
   * a hint naming the class further out (or statically imported) that also has a method {@code name}, which
   * {@code scope}'s hides; empty when there is none.
   */
  String hiddenHint(TypeElement scope, String name) {
    TypeElement hidden = null;
    for (TypeElement type = enclosingType(scope); type != null && hidden == null; type = enclosingType(type)) {
      hidden = hasMethod(type, name) ? type : null;
    }
    for (TypeElement type : staticImportSources(name)) {
      hidden = hidden == null && hasMethod(type, name) ? type : hidden;
    }
    return hidden == null ? "" : "; javac looks for '" + name + "' only in " + scope.getSimpleName() + ", the"
        + " innermost class around this call with a method of that name (JLS 15.12.1), which hides "
        + hidden.getSimpleName() + "." + name + ": write " + hidden.getSimpleName() + "." + name + "(...) to call it";
  }

  private boolean hasMethod(TypeElement type, String name) {
    for (ExecutableElement m : ElementFilter.methodsIn(reader.elements.getAllMembers(type))) {
      if (m.getSimpleName().contentEquals(name)) {
        return true;
      }
    }
    return false;
  }

  VariableElement staticallyImportedField(String name) {
    for (TypeElement type : staticImportSources(name)) {
      for (VariableElement f : ElementFilter.fieldsIn(type.getEnclosedElements())) {
        if (f.getSimpleName().contentEquals(name)) {
          return f;
        }
      }
    }
    return null;
  }

  /** The classes whose static imports ({@code C.name} or {@code C.*}) may bring {@code name} into scope. */
  List<TypeElement> staticImportSources(String name) {
    List<TypeElement> sources = new ArrayList<>();
    for (ImportTree imp : reader.unit.getImports()) {
      if (!imp.isStatic()) {
        continue;
      }
      String qualified = imp.getQualifiedIdentifier().toString();
      int dot = qualified.lastIndexOf('.');
      String member = qualified.substring(dot + 1);
      TypeElement type = member.equals(name) || member.equals("*")
          ? reader.elements.getTypeElement(qualified.substring(0, dot)) : null;
      if (type != null) {
        sources.add(type);
      }
    }
    return sources;
  }

  /** The classes of the single ({@code single}) or on-demand static imports that may bring {@code name} in. */
  List<TypeElement> staticImportSources(String name, boolean single) {
    List<TypeElement> sources = new ArrayList<>();
    for (ImportTree imp : reader.unit.getImports()) {
      String qualified = imp.getQualifiedIdentifier().toString();
      int dot = qualified.lastIndexOf('.');
      if (imp.isStatic() && qualified.substring(dot + 1).equals(single ? name : "*")) {
        TypeElement type = reader.elements.getTypeElement(qualified.substring(0, dot));
        if (type != null && !sources.contains(type)) {
          sources.add(type);
        }
      }
    }
    return sources;
  }
}
