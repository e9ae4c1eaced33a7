package dev.adjoint.processor.read;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import java.util.List;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;

/**
 * Calls of a generated companion's members ({@code FGrad.fGradient(x, y)}, {@code mVjp}, {@code mHvp}, ...)
 * inside a {@code @Differentiable} method: a nested gradient, as GradBench's {@code saddle} and
 * {@code particle} take. Differentiating through one needs the callee's second derivatives, which the
 * reverse mode has no rule for yet: refused with the way out, instead of "cannot resolve" (the companion
 * of a class compiled now does not exist yet while the processor reads) or a complaint about the record
 * the member returns.
 */
final class NestedGradients {
  /** Suffixes of the companion members that compute derivatives. */
  private static final List<String> MEMBERS = List.of("Gradient", "Vjp", "Forward", "ValueAndGradient", "Jvp",
      "Jacobian", "Hvp", "Hessian");

  private NestedGradients() {}

  /**
   * Whether {@code type} looks like a companion compiled earlier: {@code pkg.XGrad} next to a class
   * {@code pkg.X} ({@code @Generated} has source retention, so a class file does not say).
   */
  static boolean isCompanion(TypeElement type, Elements elements) {
    String name = type.getQualifiedName().toString();
    return name.endsWith("Grad") && name.length() > "Grad".length()
        && elements.getTypeElement(name.substring(0, name.length() - "Grad".length())) != null;
  }

  /**
   * A refusal if {@code call} is {@code XGrad.member(...)} with {@code XGrad} named like a companion and
   * {@code member} like one of its derivative members, else null.
   */
  static Unsupported refusal(MethodInvocationTree call) {
    if (!(call.getMethodSelect() instanceof MemberSelectTree select)) {
      return null;
    }
    ExpressionTree target = MethodReader.unparen(select.getExpression());
    String owner = target instanceof IdentifierTree id ? id.getName().toString()
        : target instanceof MemberSelectTree ms ? ms.getIdentifier().toString() : null;
    String member = select.getIdentifier().toString();
    if (owner == null || !owner.endsWith("Grad") || owner.length() == "Grad".length()) {
      return null;
    }
    for (String suffix : MEMBERS) {
      if (member.endsWith(suffix) && member.length() > suffix.length()) {
        String method = member.substring(0, member.length() - suffix.length());
        return new Unsupported(call, "'" + owner + "." + member + "' is a generated derivative; differentiating"
            + " through it (a nested gradient) is not supported yet, as it needs second derivatives of '" + method
            + "': write the derivative you need as its own @Differentiable method (for example the partial"
            + " derivatives of '" + method + "' by hand) and call that, or compute it outside the"
            + " @Differentiable method");
      }
    }
    return null;
  }
}
