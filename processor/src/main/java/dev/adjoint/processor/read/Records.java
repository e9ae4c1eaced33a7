package dev.adjoint.processor.read;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.Tree;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Shape;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.ElementFilter;

/**
 * Records and instance methods in a {@code @Differentiable} body (design.md §7 "Records and objects").
 *
 * <p>The IR knows only scalars and arrays, so a record parameter and the object of an instance method are
 * flattened into one IR parameter per leaf ({@link Shape}): {@code p.w()} reads the parameter {@code p$w},
 * a field {@code scale} of {@code this} reads {@code self$scale}. The companion takes the record or object
 * and unpacks it ({@code emit.RecordGradients}). The fields of an object that is not a record are constants
 * of the derivative, read once when the companion is called (final or not); records are differentiable
 * values whose gradient is a record of the same type. A call that passes a record, or calls an instance
 * method, passes the leaves. Record locals are values too: one initialised with a record value holds the
 * same leaves, one built with the canonical constructor gets locals for its leaves; neither is written.
 * {@link RecordShapes} builds the shapes.
 */
final class Records {
  private final MethodReader reader;
  private final Map<String, RecordValue> parameters = new HashMap<>();
  /** Record locals, by the name of the marker variable the reader's scopes hold for them. */
  private final Map<String, RecordValue> locals = new HashMap<>();
  /** The arrays record locals hold that were created for them: read-only, as parameters are. */
  private final java.util.Set<String> readOnly = new java.util.HashSet<>();
  /** {@code this} of an instance method; null in a static method. */
  RecordValue self;

  /** Record results: returning one, and record locals given one by a call. */
  final RecordResults results;
  private final RecordAssignments assignments;
  /** Calls that pass records or call instance methods. */
  private final RecordCalls calls;

  Records(MethodReader reader) {
    this.reader = reader;
    this.results = new RecordResults(reader, this);
    this.assignments = new RecordAssignments(reader);
    this.calls = new RecordCalls(reader, this);
  }

  /**
   * Reads {@code name = value;} into {@code out} when {@code name} is a record local (which then has
   * variables of its own, {@link RecordAssignments}); false for any other assignment.
   */
  boolean assignment(com.sun.source.tree.AssignmentTree a, dev.adjoint.processor.ir.Origin origin,
      List<dev.adjoint.processor.ir.Stmt> out) {
    String name = RecordAssignments.name(a.getVariable());
    Expr.Var marker = name == null ? null : reader.local(name);
    RecordValue target = marker == null ? null : locals.get(marker.name());
    if (target == null) {
      return false;
    }
    RecordValue value = valueOf(a.getExpression(), (Shape.Composite) target.node(), name, out, origin);
    RecordAssignments.assign(target, value, origin, out);
    return true;
  }

  // ---------------------------------------------------------------- parameters

  /**
   * The flat IR parameters of {@code shape}, in order; remembers the record parameters and {@code this} so
   * that the body's accessors find their leaves.
   */
  List<MethodIr.Parameter> flatParameters(Shape shape) {
    List<MethodIr.Parameter> out = new ArrayList<>();
    for (Shape.Located l : shape.leaves()) {
      String name = Shape.flatName(l.part().name(), l.components());
      out.add(new MethodIr.Parameter(name, l.leaf().type(), !l.leaf().differentiable()));
    }
    results.returns(shape.result());
    for (int i = 0; i < shape.parts().size(); i++) {
      Shape.Part part = shape.parts().get(i);
      if (shape.instance() && i == 0) {
        self = RecordValue.of(part.node(), part.name(), "this");
      } else if (part.node() instanceof Shape.Composite) {
        parameters.put(part.name(), RecordValue.of(part.node(), part.name(), part.name()));
      }
    }
    return out;
  }

  /** The name a flat parameter has in the source ({@code p.w()}, {@code this.scale}), for messages. */
  static String sourceName(String flat) {
    int dollar = flat.indexOf('$');
    if (dollar < 0) {
      return flat;
    }
    String[] parts = flat.split("\\$");
    StringBuilder b = new StringBuilder(parts[0].equals("self") ? "this" : parts[0]);
    for (int i = 1; i < parts.length; i++) {
      b.append('.').append(parts[i]).append(parts[0].equals("self") && i == 1 ? "" : "()");
    }
    return b.toString();
  }

  // ---------------------------------------------------------------- reading

  /** Refuses a local variable of record type {@code type} (null: not a record). */
  static void refuseLocal(Tree at, TypeElement type) {
    if (type != null && type.getKind() == ElementKind.RECORD) {
      throw new Unsupported(at, "a record is supported here only as a local variable declared with its value (P q ="
          + " new P(...); var h = net.hidden();), a parameter or an argument: read the components you need into"
          + " locals");
    }
  }

  /** Refuses {@code new R(...)} of a record type {@code type} (null: not a record). */
  static void refuseConstruction(Tree at, TypeElement type) {
    if (type != null && type.getKind() == ElementKind.RECORD) {
      throw new Unsupported(at, "a new record can only initialise a record local here (P q = new P(a, b);): declare"
          + " one and use it");
    }
  }

  /**
   * The record or object value {@code t} denotes (a record parameter, {@code this}, an accessor or field of
   * one), or null when it denotes none; throws for a field of {@code this} the companion cannot read.
   */
  RecordValue value(ExpressionTree tree) {
    ExpressionTree t = MethodReader.unparen(tree);
    if (t instanceof IdentifierTree id) {
      String name = id.getName().toString();
      if (name.equals("this")) {
        return self;
      }
      Expr.Var local = reader.local(name);
      if (local != null) {
        return locals.get(local.name());
      }
      RecordValue v = parameters.get(name);
      return v != null ? v : field(t, name);
    }
    if (t instanceof MemberSelectTree ms) {
      ExpressionTree target = MethodReader.unparen(ms.getExpression());
      if (target instanceof IdentifierTree id && id.getName().contentEquals("this")) {
        return self == null ? null : field(t, ms.getIdentifier().toString());
      }
      RecordValue owner = valueOrNull(target);
      return owner == null ? null : owner.component(ms.getIdentifier().toString());
    }
    if (t instanceof MethodInvocationTree call && call.getArguments().isEmpty()) {
      if (call.getMethodSelect() instanceof MemberSelectTree ms) {
        RecordValue owner = valueOrNull(MethodReader.unparen(ms.getExpression()));
        return owner != null && owner.isRecord() ? owner.component(ms.getIdentifier().toString()) : null;
      }
      if (call.getMethodSelect() instanceof IdentifierTree id && self != null && self.isRecord()) {
        return self.component(id.getName().toString());
      }
    }
    return null;
  }

  RecordValue valueOrNull(ExpressionTree t) {
    if (t instanceof IdentifierTree || t instanceof MemberSelectTree || t instanceof MethodInvocationTree) {
      return value(t);
    }
    return null;
  }

  /** The field {@code name} of {@code this}, or null when the owner has no instance field of that name. */
  private RecordValue field(Tree at, String name) {
    if (self == null) {
      return null;
    }
    for (VariableElement f : ElementFilter.fieldsIn(reader.owner.getEnclosedElements())) {
      if (!f.getSimpleName().contentEquals(name) || f.getModifiers().contains(Modifier.STATIC)) {
        continue;
      }
      RecordValue v = self.component(name);
      if (v != null && self.isRecord()) {
        for (RecordComponentElement rc : reader.owner.getRecordComponents()) {
          if (rc.getSimpleName().contentEquals(name) && reader.trees.getTree(rc.getAccessor()) != null) {
            throw new Unsupported(at, "the record " + reader.owner.getSimpleName() + " declares its own accessor "
                + name + "(), which the companion reads for the component: read '" + name + "()' here instead of"
                + " the field");
          }
        }
      }
      if (v != null) {
        return v;
      }
      if (f.getModifiers().contains(Modifier.PRIVATE)) {
        throw new Unsupported(at, "the field '" + name + "' is private: the companion "
            + ModelTypes.companionSimpleName(reader.owner) + " reads the fields of 'this' when it is called, so"
            + " make '" + name + "' package-private (its value is a constant of the derivative), or pass it as a"
            + " parameter");
      }
      TypeElement record = RecordShapes.recordType(f.asType());
      if (record != null) {
        try {
          RecordShapes.recordNode(record, "", false, f, new ArrayList<>());
        } catch (RecordShapes.Refused r) {
          throw new Unsupported(at, "the field '" + name + "' cannot be read: " + r.getMessage());
        }
      }
      throw new Unsupported(at, "the field '" + name + "' has type " + f.asType() + ", which a @Differentiable"
          + " method cannot read: fields of 'this' may be double, double[], double[][], int, long, boolean,"
          + " int[] or records of those; pass what it needs as a parameter");
    }
    return null;
  }

  // ---------------------------------------------------------------- record locals

  /** Whether {@code v}, as the reader's scopes hold it, stands for a record local. */
  boolean isRecordLocal(Expr.Var v) {
    return locals.containsKey(v.name());
  }

  /**
   * Refuses a write to {@code root}, the variable an assignment writes or whose array it writes into, when
   * it is a record local or an array a record local holds (records are values, read-only here).
   */
  void checkWrite(Expr.Var root, Tree at) {
    if (root != null && locals.containsKey(root.name())) {
      throw new Unsupported(at, "reassigning the record local '" + at + "' is not supported yet: declare another"
          + " local for the new record");
    }
    if (root != null && readOnly.contains(root.name())) {
      throw new Unsupported(at, "writing into an array a record holds is not supported (records are read-only in a"
          + " @Differentiable method): copy it first, for example double[] c = q.w().clone();");
    }
  }

  /**
   * Reads a local declaration of record type into {@code out}: its components become locals (or stay the
   * variables they came from, for a record value or an array parameter), and the record local is a marker
   * in the reader's scope. False when {@code v} does not declare a record.
   */
  boolean declaration(com.sun.source.tree.VariableTree v, List<dev.adjoint.processor.ir.Stmt> out,
      dev.adjoint.processor.ir.Origin origin) {
    ExpressionTree init = v.getInitializer();
    TypeElement type = null;
    boolean inferred = v.getType() == null
        || v.getType() instanceof IdentifierTree id && id.getName().contentEquals("var");
    if (!inferred && v.getType() instanceof ExpressionTree named) {
      type = reader.resolveType(named);
    } else if (init != null && MethodReader.unparen(init) instanceof com.sun.source.tree.NewClassTree nc) {
      type = reader.resolveType((ExpressionTree) nc.getIdentifier());
    } else if (init != null) {
      RecordValue value = valueOrNull(MethodReader.unparen(init));
      if (value != null && value.isRecord()) {
        type = reader.elements.getTypeElement(((Shape.Composite) value.node()).javaType());
      }
    }
    if (type == null || type.getKind() != ElementKind.RECORD) {
      return false;
    }
    String name = v.getName().toString();
    if (init == null) {
      throw new Unsupported(v, "a record local needs an initializer: declare '" + name + "' where its value is known");
    }
    Shape.Node node;
    try {
      node = RecordShapes.recordNode(type, "", true, reader.method, new ArrayList<>());
    } catch (RecordShapes.Refused r) {
      throw new Unsupported(v, r.getMessage());
    }
    RecordValue value = valueOf(init, (Shape.Composite) node, name, out, origin);
    if (assignments.reassigned(name)) {
      value = assignments.own(value, name, v, out, origin);
    }
    Expr.Var marker = reader.declare(name, new Type.Named("record " + type.getQualifiedName()), v);
    locals.put(marker.name(), value);
    return true;
  }

  /** The value {@code init} gives a record of {@code node}'s type, its components' statements into {@code out}. */
  RecordValue valueOf(ExpressionTree tree, Shape.Composite node, String display,
      List<dev.adjoint.processor.ir.Stmt> out, dev.adjoint.processor.ir.Origin origin) {
    ExpressionTree init = MethodReader.unparen(tree);
    RecordValue existing = valueOrNull(init);
    if (existing != null) {
      if (!(existing.node() instanceof Shape.Composite c) || !c.javaType().equals(node.javaType())) {
        throw new Unsupported(tree, "expected a " + simple(node.javaType()) + " here");
      }
      return existing; // records are values: the same components, read-only on both sides
    }
    if (init instanceof MethodInvocationTree call) {
      RecordValue returned = results.fromCall(call, node, display, out, origin);
      if (returned != null) {
        if (!(returned.node() instanceof Shape.Composite c) || !c.javaType().equals(node.javaType())) {
          throw new Unsupported(tree, "expected a " + simple(node.javaType()) + " here");
        }
        return returned;
      }
    }
    if (!(init instanceof com.sun.source.tree.NewClassTree nc)) {
      throw new Unsupported(tree, "a record local must be initialised with new " + simple(node.javaType())
          + "(...) or with a record value (a record parameter, one of its record components, another record"
          + " local, a call of a @Differentiable method that returns one)");
    }
    TypeElement type = reader.resolveType((ExpressionTree) nc.getIdentifier());
    if (type == null || !type.getQualifiedName().contentEquals(node.javaType()) || nc.getClassBody() != null) {
      throw new Unsupported(tree, "expected new " + simple(node.javaType()) + "(...) here");
    }
    requireImplicitConstructor(type, nc);
    if (nc.getArguments().size() != node.components().size()) {
      throw new Unsupported(tree, "call the canonical constructor of " + type.getSimpleName() + ", with one argument"
          + " per component");
    }
    List<RecordValue> children = new ArrayList<>();
    for (int i = 0; i < node.components().size(); i++) {
      Shape.Node child = node.components().get(i);
      ExpressionTree arg = nc.getArguments().get(i);
      String name = Shape.name(child.access());
      if (child instanceof Shape.Composite c) {
        children.add(valueOf(arg, c, display + "." + name + "()", out, origin));
        continue;
      }
      Type t = ((Shape.Leaf) child).type();
      Expr.Var same = immutableArray(arg, t);
      if (same != null) {
        children.add(new RecordValue(child, same, List.of(), display + "." + name + "()"));
        continue;
      }
      if (t instanceof Type.IntArray) {
        throw new Unsupported(arg, "an int[] component of a record local must be an int[] parameter or a component"
            + " of a record parameter");
      }
      // (a returned record is packed into a new array at once: it may hold any array, as return may)
      Expr e = t instanceof Type.DoubleArray ? reader.arrays.value(arg, t, results.returning())
          : reader.convert(reader.expression(arg), t, arg);
      // (display is how the source names the record, p.q() for a nested one: variable names keep p$q)
      Expr.Var var = new Expr.Var(reader.fresh(display.replace("()", "").replace('.', '$') + "$" + name), t);
      out.add(new dev.adjoint.processor.ir.Stmt.Declare(var, e, origin));
      if (t instanceof Type.DoubleArray) {
        readOnly.add(var.name());
      }
      children.add(new RecordValue(child, var, List.of(), display + "." + name + "()"));
    }
    return new RecordValue(node, null, children, display);
  }

  /** The variable of an array argument that never changes (an array parameter, an array a record holds), or null. */
  private Expr.Var immutableArray(ExpressionTree arg, Type t) {
    if (t instanceof Type.Scalar) {
      return null;
    }
    RecordValue v = valueOrNull(MethodReader.unparen(arg));
    if (v != null && v.var() != null && v.var().type().equals(t)) {
      return v.var();
    }
    if (MethodReader.unparen(arg) instanceof IdentifierTree id) {
      Expr.Var local = reader.local(id.getName().toString());
      if (local != null && local.type().equals(t) && (reader.isParameter(local.name()) || readOnly.contains(local.name()))) {
        return local;
      }
    }
    return null;
  }

  /** Refuses constructing a record whose canonical constructor is the user's own (it would not run here). */
  private void requireImplicitConstructor(TypeElement record, Tree at) {
    for (ExecutableElement c : ElementFilter.constructorsIn(record.getEnclosedElements())) {
      boolean canonical = c.getParameters().size() == record.getRecordComponents().size();
      for (int i = 0; canonical && i < c.getParameters().size(); i++) {
        canonical = c.getParameters().get(i).asType().toString()
            .equals(record.getRecordComponents().get(i).asType().toString());
      }
      if (canonical && reader.elements.getOrigin(c) != javax.lang.model.util.Elements.Origin.MANDATED) {
        throw new Unsupported(at, "the record " + record.getSimpleName() + " has a canonical constructor of its own"
            + " (or one Adjoint cannot see), which a @Differentiable method would not run: build the record in the"
            + " caller, or drop the constructor");
      }
    }
  }

  /** A leaf read, or null when {@code t} is not about a record or object; refuses a whole record. */
  Expr read(ExpressionTree t) {
    RecordValue v = value(t);
    if (v == null) {
      return null;
    }
    if (v.node() instanceof Shape.Leaf l) {
      return v.var();
    }
    throw new Unsupported(t, "'" + t + "' is a " + (v.isRecord() ? "record" : "object") + ": a @Differentiable"
        + " method reads its components through their accessors (" + example(v) + "), passes it to a"
        + " @Differentiable method, declares a record local with it or returns it");
  }

  private static String example(RecordValue v) {
    Shape.Composite c = (Shape.Composite) v.node();
    String first = c.components().isEmpty() ? "x" : Shape.name(c.components().get(0).access());
    return v.display() + "." + first + (c.record() ? "()" : "");
  }

  /**
   * A call this class reads: an accessor of a record value, an instance {@code @Differentiable} method (of
   * {@code this} or of a record), or a {@code @Differentiable} method given a record; null for any other.
   */
  Expr call(MethodInvocationTree call) {
    return call(call, false);
  }

  /**
   * As {@link #call(MethodInvocationTree)}; a call of a method that returns a record is read (its packed
   * result, a {@code double[]}) only when {@code recordResult}, for {@link RecordResults}, else refused
   * ({@link RecordCalls}).
   */
  Expr call(MethodInvocationTree call, boolean recordResult) {
    return calls.call(call, recordResult);
  }

  static String simple(String canonical) {
    return canonical.substring(canonical.lastIndexOf('.') + 1);
  }
}
