package dev.adjoint.processor.read;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewClassTree;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;

/**
 * A call on a {@code dev.adjoint.AutogradFunction} in a {@code @Differentiable} method: {@code f.apply(x, y)}
 * where {@code f} is {@code new C()} (a no-argument constructor) or a {@code static final} field (also
 * {@code Other.FIELD}), with tensor
 * arguments. It becomes the tensor operation {@code apply} with the function as its receiver: the forward
 * sweep calls {@code f.apply(...)} (without recording, as everything in a generated forward), and the
 * reverse rule ({@code differentiate.MoreTensorRules}) calls {@code dev.adjoint.runtime.FunctionAdjoints},
 * which applies the function again with recording on and runs its {@code backward}. Other calls on a
 * function, and other ways to name one, are refused saying what to write instead.
 */
final class AutogradFunctionCalls {
  private AutogradFunctionCalls() {}

  private static final String CLASS = "dev.adjoint.AutogradFunction";

  /**
   * The IR of {@code receiver.name(args)} when {@code receiver} is an AutogradFunction, or null when it is
   * not one.
   */
  static Expr call(MethodReader reader, MethodInvocationTree call, ExpressionTree receiver, String name) {
    ExpressionTree target = MethodReader.unparen(receiver);
    Expr function = functionValue(reader, call, target);
    if (function == null) {
      return null;
    }
    String simple = ((Type.Named) function.type()).canonicalName();
    simple = simple.substring(simple.lastIndexOf('.') + 1);
    if (!name.equals("apply")) {
      throw new Unsupported(call, "'" + simple + "' is an AutogradFunction: a @Differentiable method may call only"
          + " its apply(...), not " + name + "(...)");
    }
    List<Expr> args = new ArrayList<>();
    args.add(function);
    for (ExpressionTree a : call.getArguments()) {
      Expr arg = reader.expression(a);
      if (arg.type() != Type.TENSOR) {
        throw new Unsupported(a, "the arguments of " + simple + ".apply must be tensors here (this one is "
            + arg.type() + "): give the function other values through its constructor or fields");
      }
      args.add(arg);
    }
    if (args.size() == 1) {
      throw new Unsupported(call, simple + ".apply() needs at least one tensor argument");
    }
    return new Expr.Call(new Callee.TensorMethod("apply"), args, Type.TENSOR);
  }

  /** The function {@code receiver} names as IR, null when it is not an AutogradFunction; refuses other forms. */
  private static Expr functionValue(MethodReader reader, MethodInvocationTree call, ExpressionTree receiver) {
    if (receiver instanceof NewClassTree created) {
      TypeElement type = reader.resolveType(created.getIdentifier());
      if (type == null || !isFunction(type)) {
        return null;
      }
      if (!created.getArguments().isEmpty() || created.getClassBody() != null
          || created.getEnclosingExpression() != null
          || type.getModifiers().contains(Modifier.ABSTRACT)) {
        throw new Unsupported(call, "'" + type.getSimpleName() + "' is an AutogradFunction created here with"
            + " arguments or a class body: a @Differentiable method may apply new " + type.getSimpleName()
            + "() or a static final field holding the function; create it once in a static final field");
      }
      ExecutableElement constructor = null;
      for (ExecutableElement c : ElementFilter.constructorsIn(type.getEnclosedElements())) {
        if (c.getParameters().isEmpty()) {
          constructor = c;
        }
      }
      if (constructor == null || !type.getNestingKind().equals(javax.lang.model.element.NestingKind.TOP_LEVEL)
          && !type.getModifiers().contains(Modifier.STATIC)) {
        throw new Unsupported(call, "'" + type.getSimpleName() + "' has no no-argument constructor the generated"
            + " code can call (an inner class needs its outer instance): hold the function in a static final"
            + " field, or make the class static with a no-argument constructor");
      }
      CompanionAccess.require(call, constructor, reader.companionPackage());
      String qualified = type.getQualifiedName().toString();
      return new Expr.Literal("new " + qualified + "()", new Type.Named(qualified));
    }
    if (receiver instanceof IdentifierTree id) {
      for (Element e = reader.owner; e instanceof TypeElement owner; e = owner.getEnclosingElement()) {
        Expr field = fieldValue(reader, call, owner, id.getName().toString());
        if (field != null || hasField(owner, id.getName().toString())) {
          return field;
        }
      }
    }
    if (receiver instanceof MemberSelectTree ms && !(MethodReader.unparen(ms.getExpression())
        instanceof MethodInvocationTree)) {
      TypeElement owner = reader.resolveType(ms.getExpression());
      if (owner != null) {
        return fieldValue(reader, call, owner, ms.getIdentifier().toString());
      }
    }
    return null;
  }

  private static boolean hasField(TypeElement owner, String name) {
    return ElementFilter.fieldsIn(owner.getEnclosedElements()).stream()
        .anyMatch(f -> f.getSimpleName().contentEquals(name));
  }

  /** The field {@code owner.name} as IR when it holds an AutogradFunction, null when it does not. */
  private static Expr fieldValue(MethodReader reader, MethodInvocationTree call, TypeElement owner, String name) {
    for (VariableElement field : ElementFilter.fieldsIn(owner.getEnclosedElements())) {
      if (!field.getSimpleName().contentEquals(name)) {
        continue;
      }
      TypeElement type = classOf(field.asType());
      if (type == null || !isFunction(type)) {
        return null;
      }
      if (!field.getModifiers().contains(Modifier.STATIC) || !field.getModifiers().contains(Modifier.FINAL)) {
        throw new Unsupported(call, "'" + name + "' holds an AutogradFunction but is not static final:"
            + " a @Differentiable method may apply only a static final field or new " + type.getSimpleName()
            + "()");
      }
      CompanionAccess.require(call, field, reader.companionPackage());
      return new Expr.StaticField(owner.getQualifiedName().toString(), name,
          new Type.Named(type.getQualifiedName().toString()));
    }
    return null;
  }

  private static TypeElement classOf(TypeMirror type) {
    return type.getKind() == TypeKind.DECLARED && ((DeclaredType) type).asElement() instanceof TypeElement t ? t
        : null;
  }

  private static boolean isFunction(TypeElement type) {
    for (TypeElement t = type; t != null; t = classOf(t.getSuperclass())) {
      if (t.getQualifiedName().contentEquals(CLASS)) {
        return true;
      }
    }
    return false;
  }
}
