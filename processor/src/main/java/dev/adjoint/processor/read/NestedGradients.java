package dev.adjoint.processor.read;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import java.util.List;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;

/**
 * Calls of a generated companion's members inside a {@code @Differentiable} method. A component of a
 * gradient, {@code FGrad.fGradient(x, y).y()} (a nested gradient, as GradBench's {@code saddle} and
 * {@code particle} take), is read by {@code CallResolver} into a {@code Callee.GradientOf} call and
 * differentiated through {@code fHvp}; every other member ({@code mVjp}, {@code mHvp}, a gradient record
 * kept whole) is refused here with the way out, instead of "cannot resolve" (the companion of a class
 * compiled now does not exist yet while the processor reads).
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

  /** What {@code XGrad.mGradient(...)} names: the class {@code X} and its method {@code m}. */
  record Target(TypeElement type, String method, String companion, String member) {}

  /**
   * The class and method whose generated gradient {@code call} is ({@code XGrad.mGradient(args)}, the
   * companion a top-level class of the caller's package, or named with its package), else null.
   */
  static Target target(MethodInvocationTree call, TypeElement owner, Elements elements) {
    if (!(call.getMethodSelect() instanceof MemberSelectTree select)) {
      return null;
    }
    String member = select.getIdentifier().toString();
    ExpressionTree receiver = MethodReader.unparen(select.getExpression());
    String companion = receiver instanceof IdentifierTree id ? id.getName().toString()
        : receiver instanceof MemberSelectTree ms ? ms.toString() : null;
    if (companion == null || !companion.endsWith("Grad") || !member.endsWith("Gradient")
        || member.length() == "Gradient".length() || companion.length() == "Grad".length()) {
      return null;
    }
    String className = companion.substring(0, companion.length() - "Grad".length());
    TypeElement type;
    if (className.contains(".")) {
      type = elements.getTypeElement(className);
    } else {
      String pkg = elements.getPackageOf(owner).getQualifiedName().toString();
      type = elements.getTypeElement(pkg.isEmpty() ? className : pkg + "." + className);
    }
    if (type == null || !ModelTypes.companionName(type).endsWith(companion)) {
      return null;
    }
    return new Target(type, member.substring(0, member.length() - "Gradient".length()), companion, member);
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
        return new Unsupported(call, "'" + owner + "." + member + "' is a generated derivative; of those, a"
            + " @Differentiable method can call only a gradient and read one of its components, as in "
            + owner + "." + method + "Gradient(...).x() (a nested gradient, differentiated through " + method
            + "Hvp): write that, or write the derivative you need as its own @Differentiable method");
      }
    }
    return null;
  }
}
