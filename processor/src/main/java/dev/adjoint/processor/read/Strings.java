package dev.adjoint.processor.read;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Type;
import java.util.List;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;

/**
 * {@code String} values as inactive, opaque data (a mode, a name): parameters, locals, literals and
 * {@code static final} constants, compared with {@code equals} (and {@code ==}, by identity as in Java), asked
 * {@code length()} and {@code isEmpty()}, passed to calls, printed, and switched on ({@link Switches}: each
 * label is tested with {@code equals}, a {@code null} selector throws as Java's switch does). A string is never
 * differentiated; the branch a switch selects is. In the IR a string is an opaque value of the named type
 * {@code java.lang.String}, as enums are.
 */
final class Strings {
  /** The IR type of a {@code String}. */
  static final Type.EnumType TYPE = new Type.EnumType("java.lang", "String");
  /** The runtime class whose {@code equals} generated code calls. */
  static final String RUNTIME = "dev.adjoint.runtime.StringOps";

  private Strings() {}

  /** Whether {@code mirror} is {@code java.lang.String}. */
  static boolean is(TypeMirror mirror) {
    return mirror.getKind() == TypeKind.DECLARED && ((DeclaredType) mirror).asElement() instanceof TypeElement t
        && t.getQualifiedName().contentEquals("java.lang.String");
  }

  /** The literal {@code value}, escaped as Java source. */
  static Expr literal(String value, Elements elements) {
    return new Expr.Literal(elements.getConstantExpression(value), TYPE);
  }

  /** {@code a.equals(b)}, with Java's exception for a {@code null} {@code a}. */
  static Expr equalsCall(Expr a, Expr b) {
    return new Expr.Call(new Callee.Static(RUNTIME, "equals"), List.of(a, b), Type.BOOLEAN);
  }

  /** A call on a string {@code receiver}: {@code equals}, {@code length()} or {@code isEmpty()}; else refused. */
  static Expr method(MethodInvocationTree call, String name, Expr receiver, List<Expr> args) {
    if (name.equals("equals") && args.size() == 1) {
      return equalsCall(receiver, args.get(0));
    }
    if (name.equals("length") && args.isEmpty()) {
      return new Expr.Component(receiver, "length", Type.INT);
    }
    if (name.equals("isEmpty") && args.isEmpty()) {
      return new Expr.Component(receiver, "isEmpty", Type.BOOLEAN);
    }
    throw new Unsupported(call, "String." + name + " is not supported in a @Differentiable method (a string there"
        + " is data: equals, length, isEmpty, ==, switch and printing): compute it before the call and pass the"
        + " result in");
  }

  /** A case label of a switch over a string: a string constant. */
  static String label(Expr e, ExpressionTree at) {
    if (!(e instanceof Expr.Literal l) || l.type() != TYPE) {
      throw new Unsupported(at, "a case label of a switch over a String must be a string constant");
    }
    return l.text();
  }
}
