package dev.adjoint.processor.read;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Shape;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;

/**
 * Reads the calls {@link Records} takes: an accessor of a record value, an instance {@code @Differentiable}
 * method (of {@code this} or of a record), or a {@code @Differentiable} method given a record, with the
 * receiver's and every record argument's leaves passed in place of the values.
 */
final class RecordCalls {
  private final MethodReader reader;
  private final Records records;

  RecordCalls(MethodReader reader, Records records) {
    this.reader = reader;
    this.records = records;
  }

  /**
   * As {@link Records#call(MethodInvocationTree)}; a call of a method that returns a record is read (its packed
   * result, a {@code double[]}) only when {@code recordResult}, for {@link RecordResults}, else refused.
   */
  Expr call(MethodInvocationTree call, boolean recordResult) {
    Expr accessor = call.getArguments().isEmpty() ? leafOrNull(call) : null;
    if (accessor != null) {
      return accessor;
    }
    ExpressionTree select = call.getMethodSelect();
    String name;
    RecordValue receiver = null;
    TypeElement type;
    TypeElement scope = null;
    if (select instanceof MemberSelectTree ms) {
      name = ms.getIdentifier().toString();
      ExpressionTree target = MethodReader.unparen(ms.getExpression());
      receiver = records.valueOrNull(target);
      if (receiver != null) {
        if (receiver.node() instanceof Shape.Leaf) {
          return null; // an array's clone(): the reader's
        }
        type = reader.elements.getTypeElement(((Shape.Composite) receiver.node()).javaType());
      } else {
        type = anyRecordArgument(call) || returnsRecord(call) ? reader.resolveType(target) : null;
        if (type == null) {
          return null;
        }
      }
    } else if (select instanceof IdentifierTree id) {
      name = id.getName().toString();
      // JLS 15.12.1: the innermost class around the method with a method of that name, else a static import.
      scope = reader.names.methodScope(name);
      type = scope != null ? scope : staticallyImported(name, call.getArguments().size());
      if (type == null) {
        return null; // the call resolver refuses it
      }
      ExecutableElement only = single(type, name, call.getArguments().size());
      if (only != null && !only.getModifiers().contains(Modifier.STATIC)) {
        if (records.self == null || !type.equals(reader.owner)) {
          return null; // javac refuses an instance call from a static context (the call resolver says so)
        }
        receiver = records.self;
      } else if (!anyRecordArgument(call) && !RecordResults.returnsRecord(only)) {
        return null;
      }
    } else {
      return null;
    }
    List<ExecutableElement> candidates = candidates(type, name, call.getArguments().size());
    if (candidates.isEmpty()) {
      if (receiver != null && receiver.isRecord()) {
        throw new Unsupported(call, "'" + name + "' is not an accessor of the record " + type.getSimpleName()
            + ": a @Differentiable method reads a record through its components' accessors");
      }
      throw new Unsupported(call, "cannot resolve the method '" + name + "' for these arguments"
          + (scope != null ? reader.names.hiddenHint(scope, name) : ""));
    }
    if (candidates.size() > 1) {
      throw new Unsupported(call, "'" + type.getSimpleName() + "." + name + "' is overloaded, and Adjoint resolves"
          + " calls that pass records or call instance methods by name and arity: give the overloads distinct"
          + " names");
    }
    ExecutableElement target = candidates.get(0);
    boolean instanceTarget = !target.getModifiers().contains(Modifier.STATIC);
    if (instanceTarget && receiver == null) {
      throw new Unsupported(call, "'" + type.getSimpleName() + "." + name + "' is an instance method: a"
          + " @Differentiable method calls instance methods of 'this' or of a record parameter");
    }
    if (!ModelTypes.isDifferentiable(target)) {
      throw new Unsupported(call, "'" + type.getSimpleName() + "." + name + "' is not @Differentiable: a"
          + " @Differentiable method calls a record's accessors, and other methods"
          + (instanceTarget ? " of a record or object" : " given a record") + " only when they are @Differentiable;"
          + " mark it @Differentiable" + (instanceTarget ? " (the companion then takes the object as 'self')" : "")
          + ", or compute the value here from the components");
    }
    if (instanceTarget && receiver == records.self && !target.getEnclosingElement().equals(reader.owner)) {
      throw new Unsupported(call, "'" + name + "' is inherited: a @Differentiable method calls instance methods"
          + " declared in its own class");
    }
    if (RecordResults.returnsRecord(target) && !recordResult) {
      throw new Unsupported(call, RecordResults.declareLocal(call, target));
    }
    reader.recordCall(call, target);
    return differentiableCall(call, type, target, receiver);
  }

  private Expr leafOrNull(MethodInvocationTree call) {
    RecordValue v = records.value(call);
    if (v == null) {
      return null;
    }
    return records.read(call);
  }

  /** Whether {@code call}, of a static method through its class ({@code F.step(...)}), returns a record. */
  private boolean returnsRecord(MethodInvocationTree call) {
    if (!(call.getMethodSelect() instanceof MemberSelectTree ms)) {
      return false;
    }
    TypeElement type = reader.resolveType(MethodReader.unparen(ms.getExpression()));
    ExecutableElement only = type == null ? null : single(type, ms.getIdentifier().toString(),
        call.getArguments().size());
    return only != null && RecordResults.returnsRecord(only);
  }

  private boolean anyRecordArgument(MethodInvocationTree call) {
    for (ExpressionTree a : call.getArguments()) {
      RecordValue v = records.valueOrNull(MethodReader.unparen(a));
      if (v != null && v.node() instanceof Shape.Composite) {
        return true;
      }
    }
    return false;
  }

  /**
   * The class static imports bring a static method {@code name} from: of the single static imports that bring
   * one, else (JLS 6.4.1: they shadow the on-demand ones) of the on-demand imports; one with a method of
   * {@code arity} parameters if any, else the first; null when none brings one.
   */
  private TypeElement staticallyImported(String name, int arity) {
    for (boolean single : new boolean[] {true, false}) {
      TypeElement first = null;
      for (TypeElement type : reader.staticImportSources(name, single)) {
        List<ExecutableElement> named = ElementFilter.methodsIn(reader.elements.getAllMembers(type)).stream()
            .filter(m -> m.getSimpleName().contentEquals(name) && m.getModifiers().contains(Modifier.STATIC))
            .toList();
        if (named.stream().anyMatch(m -> m.getParameters().size() == arity)) {
          return type;
        }
        first = first == null && !named.isEmpty() ? type : first;
      }
      if (first != null) {
        return first;
      }
    }
    return null;
  }

  private ExecutableElement single(TypeElement type, String name, int arity) {
    List<ExecutableElement> c = candidates(type, name, arity);
    return c.size() == 1 ? c.get(0) : null;
  }

  private List<ExecutableElement> candidates(TypeElement type, String name, int arity) {
    List<ExecutableElement> out = new ArrayList<>();
    for (ExecutableElement m : ElementFilter.methodsIn(reader.elements.getAllMembers(type))) {
      if (m.getSimpleName().contentEquals(name) && m.getParameters().size() == arity) {
        out.add(m);
      }
    }
    return out;
  }

  /** The call with the receiver's and every record argument's leaves in place of the values. */
  private Expr differentiableCall(MethodInvocationTree call, TypeElement type, ExecutableElement target,
      RecordValue receiver) {
    Shape shape;
    try {
      shape = RecordShapes.shape(target).orElseThrow();
    } catch (RecordShapes.Refused r) {
      throw new Unsupported(call, "'" + type.getSimpleName() + "." + target.getSimpleName() + "' cannot be"
          + " called: " + r.getMessage());
    }
    List<Expr> args = new ArrayList<>();
    int part = 0;
    if (shape.instance()) {
      Shape.Composite expected = (Shape.Composite) shape.parts().get(0).node();
      if (!(receiver.node() instanceof Shape.Composite c) || !c.javaType().equals(expected.javaType())) {
        throw new Unsupported(call, "'" + target.getSimpleName() + "' is an instance method of another class: a"
            + " @Differentiable method calls instance methods of 'this' or of a record parameter");
      }
      receiver.leaves(args);
      part = 1;
    }
    for (int i = 0; i < target.getParameters().size(); i++, part++) {
      ExpressionTree argTree = call.getArguments().get(i);
      Shape.Node node = shape.parts().get(part).node();
      if (node instanceof Shape.Composite c) {
        RecordValue v = records.valueOrNull(MethodReader.unparen(argTree));
        if (v == null || !(v.node() instanceof Shape.Composite vc) || !vc.javaType().equals(c.javaType())) {
          throw new Unsupported(argTree, "pass a record of type " + Records.simple(c.javaType()) + " here: a record"
              + " parameter, a record local or a record component (declare a local for a new record:"
              + " P q = new P(...);)");
        }
        v.leaves(args);
        continue;
      }
      Type pt = ((Shape.Leaf) node).type();
      Expr a = reader.expression(argTree);
      if (pt instanceof Type.Scalar) {
        a = reader.convert(a, pt, argTree);
      } else if (!a.type().equals(pt)) {
        throw new Unsupported(argTree, "expected " + pt.java() + " but this is " + a.type().java());
      } else if (pt.differentiable() && !(a instanceof Expr.Var || a instanceof Expr.Index
          || a instanceof Expr.StaticField)) {
        throw new Unsupported(argTree, "pass an array argument through a local variable so that its gradient has"
            + " somewhere to go");
      }
      args.add(a);
    }
    Type result = RecordResults.returnsRecord(target) ? Type.VECTOR // the packed record
        : ModelTypes.of(target.getReturnType()).orElseThrow(() -> new Unsupported(call,
            "'" + target.getSimpleName() + "' returns an unsupported type"));
    if (reader.trees.getTree(target) == null
        && reader.elements.getTypeElement(ModelTypes.companionName(type)) == null) {
      throw new Unsupported(call, "'" + type.getSimpleName() + "." + target.getSimpleName() + "' is @Differentiable"
          + " but its companion " + ModelTypes.companionName(type) + " is not on the class path: compile "
          + type.getSimpleName() + " with the Adjoint processor");
    }
    if (reader.trees.getTree(target) == null) {
      shape = withCompiledNames(shape, type, target);
    }
    List<Type> types = new ArrayList<>();
    List<String> components = new ArrayList<>();
    for (Shape.Located l : shape.leaves()) {
      types.add(l.leaf().type());
      components.add(Shape.gradientComponent(l));
    }
    String companion = ModelTypes.companionName(type);
    // The companion's flat overload of the method (owner = companion) stands in for the source method.
    return new Expr.Call(new Callee.DifferentiableMethod(companion, companion, target.getSimpleName().toString(),
        types, components, result), args, result);
  }

  /**
   * A compiled callee's shape with the parts named like its gradient record's components (class files may
   * lack parameter names).
   */
  private Shape withCompiledNames(Shape shape, TypeElement type, ExecutableElement target) {
    String capitalized = Character.toUpperCase(target.getSimpleName().charAt(0))
        + target.getSimpleName().toString().substring(1);
    TypeElement record = reader.elements.getTypeElement(ModelTypes.companionName(type) + "." + capitalized
        + "Gradient");
    List<String> names = new ArrayList<>();
    if (record != null) {
      for (RecordComponentElement rc : record.getRecordComponents()) {
        names.add(rc.getSimpleName().toString());
      }
    }
    List<Shape.Part> parts = new ArrayList<>();
    int next = 0;
    for (Shape.Part p : shape.parts()) {
      if (p.gradient()) {
        if (next >= names.size()) {
          throw new Unsupported(reader.trees.getTree(reader.method), "'" + type.getSimpleName() + "."
              + target.getSimpleName() + "' has a companion " + ModelTypes.companionName(type) + " that does not"
              + " match it: recompile " + type.getSimpleName() + " with this version of Adjoint");
        }
        parts.add(new Shape.Part(names.get(next++), p.node(), true));
      } else {
        parts.add(p);
      }
    }
    return new Shape(shape.owner(), shape.instance(), parts);
  }
}
