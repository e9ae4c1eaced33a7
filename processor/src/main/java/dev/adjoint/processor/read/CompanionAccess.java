package dev.adjoint.processor.read;

import com.sun.source.tree.Tree;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;

/**
 * Whether the companion can name a member of the user's code. The companion is a separate top-level class
 * in the owner's package, a subclass of nothing the user wrote, so it reaches exactly (JLS 6.6.1) public
 * members of accessible types and package-private or protected members of types in its own package, where
 * a type is accessible when it is public or in the companion's package and every enclosing type is too.
 * Generated code spells a constant as {@code DeclaringType.NAME}, so the declaring type is what counts.
 */
final class CompanionAccess {
  private CompanionAccess() {}

  /**
   * Refuses, on {@code at}, a {@code member} (a constant or a static method) that the companion of a class
   * in {@code companionPackage} could not name.
   */
  static void require(Tree at, Element member, String companionPackage) {
    String reason = whyNot(member, companionPackage);
    if (reason != null) {
      String what = member instanceof VariableElement ? "read this constant" : "call this method";
      throw new Unsupported(at, reason + ", so the generated companion (a separate class in package "
          + (companionPackage.isEmpty() ? "<unnamed>" : companionPackage) + ") cannot " + what + ": make it"
          + " public, or package-private in that package, or pass its value as a @NoGrad parameter");
    }
  }

  /** Why the companion in {@code companionPackage} cannot name {@code member}, or null when it can. */
  static String whyNot(Element member, String companionPackage) {
    TypeElement declaring = (TypeElement) member.getEnclosingElement();
    String name = "'" + declaring.getSimpleName() + "." + member.getSimpleName() + "'";
    String reason = whyNotMember(member, declaring, companionPackage);
    if (reason != null) {
      return name + " is " + reason;
    }
    for (Element t = declaring; t instanceof TypeElement type; t = t.getEnclosingElement()) {
      String typeReason = whyNotMember(type, type, companionPackage);
      if (typeReason != null) {
        return name + " is declared in " + type.getQualifiedName() + ", which is " + typeReason;
      }
    }
    return null;
  }

  /** Why the companion in {@code companionPackage} cannot name {@code type}, or null when it can. */
  static String whyNotType(TypeElement type, String companionPackage) {
    for (Element t = type; t instanceof TypeElement enclosing; t = t.getEnclosingElement()) {
      String reason = whyNotMember(enclosing, enclosing, companionPackage);
      if (reason != null) {
        return "'" + enclosing.getQualifiedName() + "' is " + reason;
      }
    }
    return null;
  }

  private static String whyNotMember(Element e, TypeElement type, String companionPackage) {
    if (e.getModifiers().contains(Modifier.PRIVATE)) {
      return "private";
    }
    if (e.getModifiers().contains(Modifier.PUBLIC) || isInterfaceMember(e)) {
      return null;
    }
    if (ModelTypes.packageOf(type).equals(companionPackage)) {
      return null;
    }
    return (e.getModifiers().contains(Modifier.PROTECTED) ? "protected" : "package-private") + " in package "
        + ModelTypes.packageOf(type) + ", which the companion (package " + companionPackage + ", not a subclass)"
        + " cannot reach";
  }

  /** Members of interfaces are implicitly public unless declared private (checked first). */
  private static boolean isInterfaceMember(Element e) {
    Element enclosing = e.getEnclosingElement();
    return enclosing != null && (enclosing.getKind() == ElementKind.INTERFACE
        || enclosing.getKind() == ElementKind.ANNOTATION_TYPE);
  }
}
