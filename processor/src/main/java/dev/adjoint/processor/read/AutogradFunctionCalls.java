package dev.adjoint.processor.read;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewClassTree;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;

/**
 * Refuses a call on a {@code dev.adjoint.AutogradFunction} ({@code new Cube().apply(x)}, or through a field)
 * in a {@code @Differentiable} method, saying what to write instead: a generated node has no place for the
 * function's {@code Context} between its forward and reverse passes.
 */
final class AutogradFunctionCalls {
  private AutogradFunctionCalls() {}

  private static final String CLASS = "dev.adjoint.AutogradFunction";

  /** Throws the refusal when {@code receiver} (the part before {@code .name(...)}) is an AutogradFunction. */
  static void refuse(MethodReader reader, MethodInvocationTree call, ExpressionTree receiver) {
    TypeElement type = receiverType(reader, MethodReader.unparen(receiver));
    if (type != null && isFunction(type)) {
      throw new Unsupported(call, "'" + type.getSimpleName() + "' is an AutogradFunction, which a @Differentiable"
          + " method cannot call (the generated reverse pass has no place for its Context): apply it outside,"
          + " between two @Differentiable methods (eager autograd joins their nodes and the function's), or"
          + " write its operations in this method");
    }
  }

  /** The class of {@code new C(...)}, or of a field named by an identifier, or null. */
  private static TypeElement receiverType(MethodReader reader, ExpressionTree receiver) {
    if (receiver instanceof NewClassTree created) {
      return reader.resolveType(created.getIdentifier());
    }
    if (receiver instanceof IdentifierTree id) {
      for (Element e = reader.owner; e instanceof TypeElement type; e = type.getEnclosingElement()) {
        for (VariableElement field : ElementFilter.fieldsIn(type.getEnclosedElements())) {
          if (field.getSimpleName().contentEquals(id.getName())) {
            return classOf(field.asType());
          }
        }
      }
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
