package dev.adjoint.processor.read;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.Tree;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;

/**
 * User enums as inactive opaque values ({@link Type.EnumType}): parameters, locals and constants of an enum
 * type, compared with {@code ==} and switched on. A switch over an enum is a switch over its
 * {@code ordinal()}, compared with each label's {@code Mode.LABEL.ordinal()} (never a number frozen at
 * compile time), so the reverse sweep replays the branch as it does for an {@code int} switch, and a
 * {@code null} selector throws the {@code NullPointerException} Java's switch throws.
 */
final class Enums {
  private Enums() {}

  /**
   * The IR type of {@code mirror} when it is an enum the companion of a class in {@code companionPackage} can
   * name; empty when it is no enum; refused on {@code at} when the companion cannot name it.
   */
  static Optional<Type> type(TypeMirror mirror, Tree at, String companionPackage) {
    if (Strings.is(mirror)) {
      return Optional.of(Strings.TYPE); // inactive data too (Strings)
    }
    TypeElement e = element(mirror);
    if (e == null) {
      return Optional.empty();
    }
    String reason = CompanionAccess.whyNotType(e, companionPackage);
    if (reason != null) {
      throw new Unsupported(at, "the enum " + reason + ", so the generated companion (a separate class in package "
          + (companionPackage.isEmpty() ? "<unnamed>" : companionPackage) + ") cannot name it: make it"
          + " package-private or public");
    }
    Deque<String> names = new ArrayDeque<>();
    for (Element t = e; t instanceof TypeElement type; t = t.getEnclosingElement()) {
      names.addFirst(type.getSimpleName().toString());
    }
    return Optional.of(new Type.EnumType(ModelTypes.packageOf(e), String.join(".", names)));
  }

  /** The enum type {@code mirror} names, or null when it is no enum. */
  static TypeElement element(TypeMirror mirror) {
    if (mirror.getKind() == TypeKind.DECLARED && ((DeclaredType) mirror).asElement() instanceof TypeElement t
        && t.getKind() == ElementKind.ENUM) {
      return t;
    }
    return null;
  }

  /** The enum's constants in declaration order. */
  static List<String> constants(Type.EnumType type, Elements elements) {
    TypeElement e = elements.getTypeElement(type.java());
    return e.getEnclosedElements().stream().filter(m -> m.getKind() == ElementKind.ENUM_CONSTANT)
        .map(m -> m.getSimpleName().toString()).toList();
  }

  /** {@code value.ordinal()}: the int a switch over an enum tests. */
  static Expr ordinal(Expr value) {
    return new Expr.Component(value, "ordinal", Type.INT);
  }

  /** The index among {@code constants} of the case label {@code label} (a bare constant name, as Java requires). */
  static int label(ExpressionTree label, Type.EnumType type, List<String> constants) {
    String name = label instanceof IdentifierTree id ? id.getName().toString()
        : label instanceof MemberSelectTree m ? m.getIdentifier().toString() : null;
    int k = name == null ? -1 : constants.indexOf(name);
    if (k < 0) {
      throw new Unsupported(label, "a case label of a switch over " + type.simpleNames() + " must name one of its"
          + " constants");
    }
    return k;
  }

  /** {@code Type.CONSTANT.ordinal()}. */
  static Expr labelOrdinal(Type.EnumType type, String constant) {
    return ordinal(new Expr.StaticField(type.java(), constant, type));
  }
}
