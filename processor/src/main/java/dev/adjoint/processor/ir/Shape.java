package dev.adjoint.processor.ir;

import java.util.ArrayList;
import java.util.List;

/**
 * The public signature of a method whose parameters are not all IR values (design.md §7 "Records and
 * objects"): an instance method takes its object as {@code self} first, and a record parameter is a tree of
 * components. The IR sees the flat form: one {@link MethodIr.Parameter} per leaf, in depth-first order,
 * named {@code part$component$...} ({@code p$w}, {@code self$scale}); companions take the public form and
 * unpack it. {@link #leaves()} lists the leaves in the IR's parameter order.
 *
 * @param owner the canonical name of the method's class
 * @param instance whether the method is an instance method (its first part is {@code self})
 * @param parts one per public parameter, {@code self} first for an instance method
 * @param result the record the method returns, or null for a {@code double} or array result: the IR's
 *     result is then its "packed" form, a {@code double[]} of the record's double slots, depth first,
 *     arrays element by element ({@link #packedSlots})
 */
public record Shape(String owner, boolean instance, List<Part> parts, Composite result) {
  public Shape {
    parts = List.copyOf(parts);
  }

  public Shape(String owner, boolean instance, List<Part> parts) {
    this(owner, instance, parts, null);
  }

  /** The leaves of a record result in packing order, with their accessor paths from the record ({@code .w()}). */
  public static List<Located> packedSlots(Composite result) {
    List<Located> out = new ArrayList<>();
    Part part = new Part("", result, true);
    collect(part, result, "", new ArrayList<>(), out);
    return out;
  }

  /**
   * One public parameter.
   *
   * @param name its name in the companion's members ({@code self} for the object)
   * @param node what it holds: a leaf (an IR value) or a record or object of leaves
   * @param gradient whether the gradient record has a component for it (differentiable leaves, and not
   *     the fields of an object that is not a record, which are constants)
   */
  public record Part(String name, Node node, boolean gradient) {}

  /** A value of the public signature: an IR value or a record (or object) of values. */
  public sealed interface Node permits Leaf, Composite {
    /** How the parent reaches it: {@code ""} for a part, {@code .a()} for a record component, {@code .w} for a field. */
    String access();
  }

  /** An IR value: one flat parameter of the method. */
  public record Leaf(String access, Type type, boolean differentiable) implements Node {}

  /**
   * A record (built again for the gradient through its canonical constructor, components in order) or an
   * object whose fields are read (never built: {@code record} false).
   */
  public record Composite(String access, String javaType, boolean record, List<Node> components) implements Node {
    public Composite {
      components = List.copyOf(components);
    }
  }

  /** A leaf with the path that reaches it from its part, in the IR's parameter order. */
  public record Located(Part part, Leaf leaf, String path, List<String> components) {}

  /** Every leaf, in the IR's parameter order, with its Java access path ({@code p.q().a()}, {@code self.w}). */
  public List<Located> leaves() {
    List<Located> out = new ArrayList<>();
    for (Part part : parts) {
      collect(part, part.node(), part.name(), new ArrayList<>(), out);
    }
    return out;
  }

  private static void collect(Part part, Node node, String path, List<String> components, List<Located> out) {
    if (node instanceof Leaf l) {
      out.add(new Located(part, l, path, List.copyOf(components)));
      return;
    }
    for (Node child : ((Composite) node).components()) {
      List<String> next = new ArrayList<>(components);
      next.add(name(child.access()));
      collect(part, child, path + child.access(), next, out);
    }
  }

  /** {@code a} for {@code .a()} or {@code .a}. */
  public static String name(String access) {
    String s = access.startsWith(".") ? access.substring(1) : access;
    return s.endsWith("()") ? s.substring(0, s.length() - 2) : s;
  }

  /** The flat (IR) name of a leaf: {@code part$c1$c2}. */
  public static String flatName(String part, List<String> components) {
    StringBuilder b = new StringBuilder(part);
    for (String c : components) {
      b.append('$').append(c);
    }
    return b.toString();
  }

  /**
   * The accessor chain of the gradient record that holds a leaf's derivative, as {@code Expr.Component}
   * prints it after the record ({@code p().q().a} for {@code gradient.p().q().a()}); null when the gradient
   * has none.
   */
  public static String gradientComponent(Located l) {
    if (!l.part().gradient() || !l.leaf().differentiable()) {
      return null;
    }
    StringBuilder b = new StringBuilder(l.part().name());
    for (String c : l.components()) {
      b.append("().").append(c);
    }
    return b.toString();
  }
}
