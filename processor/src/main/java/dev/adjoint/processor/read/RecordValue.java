package dev.adjoint.processor.read;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * A record or object value of the body, or one of its leaves: a node of a shape with, for a leaf, the
 * variable that holds it, for a record or object, its components' values; {@code display} is how the
 * source names it, for messages.
 */
record RecordValue(Shape.Node node, Expr.Var var, List<RecordValue> children, String display) {
  /** The value of a parameter or of {@code this}: its leaves are the flat parameters {@code flat$...}. */
  static RecordValue of(Shape.Node node, String flat, String display) {
    if (node instanceof Shape.Leaf l) {
      return new RecordValue(node, new Expr.Var(flat, l.type()), List.of(), display);
    }
    List<RecordValue> children = new ArrayList<>();
    for (Shape.Node c : ((Shape.Composite) node).components()) {
      children.add(of(c, Shape.flatName(flat, List.of(Shape.name(c.access()))), display + c.access()));
    }
    return new RecordValue(node, null, children, display);
  }

  RecordValue component(String name) {
    if (node instanceof Shape.Composite c) {
      for (int i = 0; i < c.components().size(); i++) {
        if (Shape.name(c.components().get(i).access()).equals(name)) {
          return children.get(i);
        }
      }
    }
    return null;
  }

  boolean isRecord() {
    return node instanceof Shape.Composite c && c.record();
  }

  void leaves(List<Expr> out) {
    if (var != null) {
      out.add(var);
      return;
    }
    for (RecordValue c : children) {
      c.leaves(out);
    }
  }
}
