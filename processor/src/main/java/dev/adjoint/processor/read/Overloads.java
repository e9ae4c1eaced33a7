package dev.adjoint.processor.read;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;

/**
 * Overload resolution as JLS 15.12.2 specifies it, for the argument types a {@code @Differentiable} body
 * has: {@code boolean}, {@code char} (literals), {@code int}, {@code long}, {@code double}, {@code double[]},
 * {@code double[][]}, {@code int[]} and {@code Tensor}, named by their Java spelling. Parameters may have
 * any type: phase 1 allows identity and widening (primitive and reference), phase 2 adds boxing (a
 * {@code Double} or {@code Object} parameter), phase 3 variable arity; the most specific method of the
 * first phase that has any applicable method wins (15.12.2.5), and two maximally specific methods are
 * ambiguous. Generic candidates are refused by the caller's message rather than inferred.
 */
final class Overloads {
  /** The outcome: the method (null when none), the phase that found it, the ambiguous methods if any. */
  record Choice(ExecutableElement method, int phase, List<ExecutableElement> ambiguous) {}

  private static final Map<String, String> BOXES = Map.of(
      "boolean", "java.lang.Boolean", "char", "java.lang.Character", "int", "java.lang.Integer",
      "long", "java.lang.Long", "double", "java.lang.Double");
  private static final Set<String> ARRAY_SUPERTYPES = Set.of(
      "java.lang.Object", "java.lang.Cloneable", "java.io.Serializable");

  private final Elements elements;
  private final TypeElement caller;

  Overloads(Elements elements, TypeElement caller) {
    this.elements = elements;
    this.caller = caller;
  }

  /**
   * The member methods named {@code name} of {@code type} that the caller may access: its own, and those
   * it inherits (not private, not static methods of interfaces, not hidden or overridden by a closer one).
   */
  List<ExecutableElement> members(TypeElement type, String name) {
    List<ExecutableElement> out = new ArrayList<>();
    collect(type, name, true, new HashSet<>(), new HashSet<>(), out);
    return out.stream().filter(this::accessible).toList();
  }

  private void collect(TypeElement type, String name, boolean own, Set<String> signatures, Set<TypeElement> seen,
      List<ExecutableElement> out) {
    if (!seen.add(type)) {
      return;
    }
    for (ExecutableElement m : ElementFilter.methodsIn(type.getEnclosedElements())) {
      if (!m.getSimpleName().contentEquals(name)) {
        continue;
      }
      if (!own && (m.getModifiers().contains(Modifier.PRIVATE)
          || type.getKind().isInterface() && m.getModifiers().contains(Modifier.STATIC))) {
        continue;
      }
      if (signatures.add(erasedSignature(m))) {
        out.add(m);
      }
    }
    if (type.getSuperclass() instanceof DeclaredType d) {
      collect((TypeElement) d.asElement(), name, false, signatures, seen, out);
    }
    for (TypeMirror i : type.getInterfaces()) {
      if (i instanceof DeclaredType d) {
        collect((TypeElement) d.asElement(), name, false, signatures, seen, out);
      }
    }
  }

  private static String erasedSignature(ExecutableElement m) {
    StringBuilder b = new StringBuilder();
    for (VariableElement p : m.getParameters()) {
      b.append(erasure(p.asType())).append(',');
    }
    return b.toString();
  }

  private static String erasure(TypeMirror t) {
    if (t instanceof DeclaredType d) {
      return ((TypeElement) d.asElement()).getQualifiedName().toString();
    }
    if (t instanceof ArrayType a) {
      return erasure(a.getComponentType()) + "[]";
    }
    return t.toString();
  }

  private boolean accessible(ExecutableElement m) {
    Set<Modifier> mods = m.getModifiers();
    TypeElement declaring = (TypeElement) m.getEnclosingElement();
    if (mods.contains(Modifier.PUBLIC)) {
      return true;
    }
    if (mods.contains(Modifier.PRIVATE)) {
      return outermost(declaring).equals(outermost(caller));
    }
    if (ModelTypes.packageOf(declaring).equals(ModelTypes.packageOf(caller))) {
      return true;
    }
    if (mods.contains(Modifier.PROTECTED)) {
      // Another package: a static protected member is accessible in the body of a subclass (JLS 6.6.2).
      for (Element c = caller; c instanceof TypeElement t; c = t.getEnclosingElement()) {
        if (supertypes(t).contains(declaring)) {
          return true;
        }
      }
    }
    return false;
  }

  private static Element outermost(TypeElement t) {
    Element e = t;
    while (e.getEnclosingElement() instanceof TypeElement outer) {
      e = outer;
    }
    return e;
  }

  /** Chooses among {@code candidates} for arguments of the Java types {@code args}. */
  Choice resolve(List<ExecutableElement> candidates, List<String> args) {
    for (int phase = 1; phase <= 3; phase++) {
      List<ExecutableElement> applicable = new ArrayList<>();
      for (ExecutableElement m : candidates) {
        if (applicable(m, args, phase)) {
          applicable.add(m);
        }
      }
      if (applicable.isEmpty()) {
        continue;
      }
      List<ExecutableElement> maximal = new ArrayList<>();
      for (ExecutableElement m : applicable) {
        boolean strictlyBeaten = false;
        for (ExecutableElement other : applicable) {
          if (other != m && moreSpecific(other, m, args.size(), phase) && !moreSpecific(m, other, args.size(), phase)) {
            strictlyBeaten = true;
            break;
          }
        }
        if (!strictlyBeaten) {
          maximal.add(m);
        }
      }
      if (maximal.size() == 1) {
        return new Choice(maximal.get(0), phase, List.of());
      }
      return new Choice(null, phase, maximal);
    }
    return new Choice(null, 0, List.of());
  }

  /** Whether {@code m} is applicable by strict (1), loose (2) or variable arity (3) invocation. */
  private boolean applicable(ExecutableElement m, List<String> args, int phase) {
    List<? extends VariableElement> ps = m.getParameters();
    if (phase < 3) {
      if (ps.size() != args.size()) {
        return false;
      }
      for (int i = 0; i < args.size(); i++) {
        if (!convertible(args.get(i), ps.get(i).asType(), phase == 2)) {
          return false;
        }
      }
      return true;
    }
    if (!m.isVarArgs() || args.size() < ps.size() - 1) {
      return false;
    }
    for (int i = 0; i < args.size(); i++) {
      if (!convertible(args.get(i), parameterType(m, i, args.size(), true), true)) {
        return false;
      }
    }
    return true;
  }

  /** The type of parameter {@code i}, the variable arity parameter counting as its component type. */
  private static TypeMirror parameterType(ExecutableElement m, int i, int arity, boolean variable) {
    List<? extends VariableElement> ps = m.getParameters();
    if (variable && i >= ps.size() - 1) {
      return ((ArrayType) ps.get(ps.size() - 1).asType()).getComponentType();
    }
    return ps.get(i).asType();
  }

  /** JLS 15.12.2.5 for methods that are not generic: each parameter type a subtype of the other's. */
  private boolean moreSpecific(ExecutableElement m1, ExecutableElement m2, int arity, int phase) {
    if (phase < 3) {
      for (int i = 0; i < arity; i++) {
        if (!subtype(m1.getParameters().get(i).asType(), m2.getParameters().get(i).asType())) {
          return false;
        }
      }
      return true;
    }
    int k = Math.max(arity, Math.max(m1.getParameters().size(), m2.getParameters().size()));
    for (int i = 0; i < k; i++) {
      if (!subtype(parameterType(m1, i, k, true), parameterType(m2, i, k, true))) {
        return false;
      }
    }
    return true;
  }

  /** Strict (identity, widening) or, when {@code loose}, also boxing conversion of an argument of type {@code arg}. */
  private boolean convertible(String arg, TypeMirror p, boolean loose) {
    TypeKind argKind = primitiveKind(arg);
    if (argKind != null) {
      if (p.getKind().isPrimitive()) {
        return widensTo(argKind, p.getKind());
      }
      return loose && p instanceof DeclaredType d && supertypes(elements.getTypeElement(BOXES.get(arg)))
          .contains((TypeElement) d.asElement());
    }
    if (arg.endsWith("[]")) {
      return arrayConvertible(arg, p);
    }
    TypeElement argType = elements.getTypeElement(arg);
    return argType != null && p instanceof DeclaredType d && supertypes(argType).contains((TypeElement) d.asElement());
  }

  private boolean arrayConvertible(String arg, TypeMirror p) {
    if (p instanceof DeclaredType d) {
      return ARRAY_SUPERTYPES.contains(((TypeElement) d.asElement()).getQualifiedName().toString());
    }
    if (!(p instanceof ArrayType a)) {
      return false;
    }
    String component = arg.substring(0, arg.length() - 2);
    TypeMirror pc = a.getComponentType();
    TypeKind ck = primitiveKind(component);
    if (ck != null) {
      return pc.getKind() == ck;
    }
    return !pc.getKind().isPrimitive() && arrayConvertible(component, pc);
  }

  private static TypeKind primitiveKind(String java) {
    return switch (java) {
      case "boolean" -> TypeKind.BOOLEAN;
      case "char" -> TypeKind.CHAR;
      case "int" -> TypeKind.INT;
      case "long" -> TypeKind.LONG;
      case "double" -> TypeKind.DOUBLE;
      default -> null;
    };
  }

  /** Identity or widening primitive conversion (JLS 5.1.2), which is also primitive subtyping (4.10.1). */
  static boolean widensTo(TypeKind from, TypeKind to) {
    if (from == to) {
      return true;
    }
    int a = numericRank(from);
    int b = numericRank(to);
    if (a < 0 || b < 0) {
      return false;
    }
    if (from == TypeKind.CHAR) {
      return b >= numericRank(TypeKind.INT);
    }
    if (to == TypeKind.CHAR) {
      return false;
    }
    return a < b;
  }

  private static int numericRank(TypeKind k) {
    return switch (k) {
      case BYTE -> 0;
      case SHORT, CHAR -> 1;
      case INT -> 2;
      case LONG -> 3;
      case FLOAT -> 4;
      case DOUBLE -> 5;
      default -> -1;
    };
  }

  /** Subtyping between parameter types (erasures for declared types). */
  private boolean subtype(TypeMirror s, TypeMirror t) {
    if (s.getKind().isPrimitive() || t.getKind().isPrimitive()) {
      return s.getKind().isPrimitive() && t.getKind().isPrimitive() && widensTo(s.getKind(), t.getKind());
    }
    if (s instanceof ArrayType sa) {
      if (t instanceof ArrayType ta) {
        TypeMirror sc = sa.getComponentType();
        TypeMirror tc = ta.getComponentType();
        return sc.getKind().isPrimitive() || tc.getKind().isPrimitive() ? sc.getKind() == tc.getKind()
            : subtype(sc, tc);
      }
      return t instanceof DeclaredType d
          && ARRAY_SUPERTYPES.contains(((TypeElement) d.asElement()).getQualifiedName().toString());
    }
    if (s instanceof DeclaredType sd && t instanceof DeclaredType td) {
      return supertypes((TypeElement) sd.asElement()).contains((TypeElement) td.asElement());
    }
    return false;
  }

  /** {@code type}, its superclasses and all its superinterfaces, and {@code Object}. */
  private Set<TypeElement> supertypes(TypeElement type) {
    Set<TypeElement> out = new HashSet<>();
    addSupertypes(type, out);
    TypeElement object = elements.getTypeElement("java.lang.Object");
    if (object != null) {
      out.add(object);
    }
    return out;
  }

  private static void addSupertypes(TypeElement type, Set<TypeElement> out) {
    if (type == null || !out.add(type)) {
      return;
    }
    if (type.getSuperclass() instanceof DeclaredType d) {
      addSupertypes((TypeElement) d.asElement(), out);
    }
    for (TypeMirror i : type.getInterfaces()) {
      if (i instanceof DeclaredType d) {
        addSupertypes((TypeElement) d.asElement(), out);
      }
    }
  }
}
