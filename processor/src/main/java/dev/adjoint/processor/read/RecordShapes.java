package dev.adjoint.processor.read;

import dev.adjoint.processor.ir.Shape;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;

/**
 * The public signature of a {@code @Differentiable} method as a {@link Shape} (design.md §7 "Records and
 * objects"): {@code self} first for an instance method (a record's components, or a class's fields, which
 * are constants), a record parameter as the tree of its components. A function of the method's signature
 * alone, so that the reader, the companion writer and every caller agree on the flat parameters.
 */
public final class RecordShapes {
  private RecordShapes() {}

  /** Thrown while building a shape: a refusal on {@code at} (an element) with its message. */
  public static final class Refused extends RuntimeException {
    final transient Element at;

    Refused(Element at, String message) {
      super(message, null, false, false);
      this.at = at;
    }
  }


  /** Whether {@code method} needs a {@link Shape}: an instance method, a record parameter or a record result. */
  static boolean shaped(ExecutableElement method) {
    if (!method.getModifiers().contains(Modifier.STATIC) || recordType(method.getReturnType()) != null) {
      return true;
    }
    return method.getParameters().stream().anyMatch(p -> recordType(p.asType()) != null);
  }

  /** The public signature of {@code method} when it is {@link #shaped}; throws {@link Refused}. */
  public static Optional<Shape> shape(ExecutableElement method) {
    if (!shaped(method)) {
      return Optional.empty();
    }
    TypeElement owner = (TypeElement) method.getEnclosingElement();
    boolean instance = !method.getModifiers().contains(Modifier.STATIC);
    List<Shape.Part> parts = new ArrayList<>();
    if (instance) {
      parts.add(selfPart(method, owner));
    }
    for (VariableElement p : method.getParameters()) {
      String name = p.getSimpleName().toString();
      boolean noGrad = ModelTypes.isNoGrad(p);
      Optional<Type> type = ModelTypes.of(p.asType());
      TypeElement record = recordType(p.asType());
      if (type.isPresent()) {
        if (instance && type.get() == Type.TENSOR) {
          throw new Refused(p, "Tensor parameters are not supported in an instance @Differentiable method yet: make"
              + " the method static and pass what it reads from the object as parameters");
        }
        boolean differentiable = type.get().differentiable() && !noGrad;
        parts.add(new Shape.Part(name, new Shape.Leaf("", type.get(), differentiable), differentiable));
      } else if (record != null) {
        Shape.Node node = recordNode(record, "", !noGrad, p, new ArrayList<>());
        parts.add(new Shape.Part(name, node, anyDifferentiable(node)));
      } else {
        throw new Refused(p, "parameter '" + name + "' has type " + p.asType() + ", which Adjoint does not"
            + " support: use double, double[] or double[][] for differentiable values, int, long, boolean or"
            + " int[] for the rest, or a record of those");
      }
      if (instance && name.equals("self")) {
        throw new Refused(p, "a parameter of an instance @Differentiable method cannot be named 'self': the"
            + " companion's members take the object as 'self' first; rename the parameter");
      }
    }
    if (method.getParameters().stream().anyMatch(p -> ModelTypes.of(p.asType()).orElse(null) == Type.TENSOR)) {
      throw new Refused(method, "Tensor parameters are not supported beside record parameters yet: pass the"
          + " record's components as parameters");
    }
    if (ModelTypes.of(method.getReturnType()).orElse(null) == Type.TENSOR) {
      // (the companion's tensor node and its plumbing overload on the flat components would clash)
      throw new Refused(method, instance
          ? "a Tensor result is not supported in an instance @Differentiable method yet: make the method static and"
              + " pass what it reads from the object as parameters"
          : "a Tensor result is not supported beside record parameters yet: pass the record's components as"
              + " parameters");
    }
    return Optional.of(new Shape(owner.getQualifiedName().toString(), instance, parts, result(method)));
  }

  /**
   * The record {@code method} returns, or null: a tree of {@code double} and {@code double[]} components
   * (design.md §7: the VJP takes an upstream of the same record type).
   */
  private static Shape.Composite result(ExecutableElement method) {
    TypeElement record = recordType(method.getReturnType());
    if (record == null) {
      return null;
    }
    Shape.Composite node = (Shape.Composite) recordNode(record, "", true, method, new ArrayList<>());
    for (Shape.Located l : Shape.packedSlots(node)) {
      Type t = l.leaf().type();
      if (t != Type.DOUBLE && t != Type.VECTOR) {
        throw new Refused(method, "'" + method.getSimpleName() + "' returns the record " + record.getSimpleName()
            + ", whose component '" + String.join(".", l.components()) + "' is " + t.java() + ": a record result"
            + " may hold only double and double[] components (and records of those); return a record without it,"
            + " or return " + (t == Type.MATRIX ? "its rows as double[] components" : "it from another method"));
      }
    }
    return node;
  }

  /** The object of an instance method: a record's components, or a class's fields (constants). */
  private static Shape.Part selfPart(ExecutableElement method, TypeElement owner) {
    if (owner.getKind() == ElementKind.RECORD) {
      Shape.Node node = recordNode(owner, "", true, method, new ArrayList<>());
      return new Shape.Part("self", node, anyDifferentiable(node));
    }
    if (owner.getKind() != ElementKind.CLASS) {
      throw new Refused(method, "an instance @Differentiable method must be in a class or a record, not in "
          + (owner.getKind() == ElementKind.ENUM ? "an enum" : "an interface") + ": make it static");
    }
    if (!owner.getTypeParameters().isEmpty()) {
      throw new Refused(method, "an instance @Differentiable method of a generic class is not supported: make it"
          + " static");
    }
    List<Shape.Node> fields = new ArrayList<>();
    for (VariableElement f : ElementFilter.fieldsIn(owner.getEnclosedElements())) {
      if (!selfField(f)) {
        continue;
      }
      Optional<Type> type = ModelTypes.of(f.asType());
      if (type.isPresent()) {
        fields.add(new Shape.Leaf("." + f.getSimpleName(), type.get(), false));
        continue;
      }
      try {
        fields.add(recordNode(recordType(f.asType()), "." + f.getSimpleName(), false, f, new ArrayList<>()));
      } catch (Refused r) {
        // a record field the companion cannot pass on: not read, so that reading it is refused on the read
      }
    }
    return new Shape.Part("self", new Shape.Composite("", owner.getQualifiedName().toString(), false, fields), false);
  }

  /** Whether the companion reads field {@code f} of an object when it is called: instance, not private, a value. */
  private static boolean selfField(VariableElement f) {
    if (f.getModifiers().contains(Modifier.STATIC) || f.getModifiers().contains(Modifier.PRIVATE)) {
      return false;
    }
    Optional<Type> type = ModelTypes.of(f.asType());
    return type.isPresent() ? type.get() != Type.TENSOR : recordType(f.asType()) != null;
  }

  static Shape.Node recordNode(TypeElement record, String access, boolean differentiable, Element at,
      List<TypeElement> enclosing) {
    if (enclosing.contains(record)) {
      throw new Refused(at, "the record " + record.getSimpleName() + " contains itself: Adjoint flattens records"
          + " into their components, so a record may not be recursive");
    }
    if (!record.getTypeParameters().isEmpty()) {
      throw new Refused(at, "the record " + record.getSimpleName() + " is generic: Adjoint supports records whose"
          + " components are double, double[], double[][], int, long, boolean, int[] or such records");
    }
    for (Element e = record; e instanceof TypeElement; e = e.getEnclosingElement()) {
      if (e.getModifiers().contains(Modifier.PRIVATE) || !e.getModifiers().contains(Modifier.PUBLIC)
          && !ModelTypes.packageOf(e).equals(ModelTypes.packageOf(at))) {
        throw new Refused(at, "the record " + record.getSimpleName() + " is not accessible from the companion (a"
            + " class of package '" + ModelTypes.packageOf(at) + "'), which takes and builds it: make it"
            + (e.getModifiers().contains(Modifier.PRIVATE) ? " package-private" : " public")
            + (e == record ? "" : ", and its enclosing class " + e.getSimpleName() + " too"));
      }
    }
    enclosing.add(record);
    List<Shape.Node> components = new ArrayList<>();
    for (RecordComponentElement rc : record.getRecordComponents()) {
      String name = rc.getSimpleName().toString();
      Optional<Type> type = ModelTypes.of(rc.asType());
      TypeElement nested = recordType(rc.asType());
      if (type.isPresent() && type.get() != Type.TENSOR) {
        components.add(new Shape.Leaf("." + name + "()", type.get(), differentiable && type.get().differentiable()));
      } else if (nested != null) {
        components.add(recordNode(nested, "." + name + "()", differentiable, at, enclosing));
      } else {
        throw new Refused(at, "the record " + record.getSimpleName() + " has the component '" + name + "' of type "
            + rc.asType() + ", which a @Differentiable method cannot take yet: a record's components may be"
            + " double, double[], double[][] (differentiated), int, long, boolean, int[] (copied into the"
            + " gradient) or such records; pass '" + name + "' as a separate @NoGrad parameter instead");
      }
    }
    enclosing.remove(enclosing.size() - 1);
    return new Shape.Composite(access, record.getQualifiedName().toString(), true, components);
  }

  /**
   * Whether a record parameter (not {@code @NoGrad}) or the record of an instance method has a
   * differentiable component; false when the shape is refused (the reader reports why).
   */
  public static boolean anyDifferentiable(ExecutableElement method) {
    try {
      return shape(method).map(s -> s.parts().stream().anyMatch(Shape.Part::gradient)).orElse(false);
    } catch (Refused r) {
      return true;
    }
  }

  private static boolean anyDifferentiable(Shape.Node node) {
    if (node instanceof Shape.Leaf l) {
      return l.differentiable();
    }
    return ((Shape.Composite) node).components().stream().anyMatch(RecordShapes::anyDifferentiable);
  }

  /** The record class {@code type} names, or null. */
  public static TypeElement recordType(TypeMirror type) {
    if (type.getKind() == TypeKind.DECLARED && ((DeclaredType) type).asElement() instanceof TypeElement t
        && t.getKind() == ElementKind.RECORD) {
      return t;
    }
    return null;
  }
}
