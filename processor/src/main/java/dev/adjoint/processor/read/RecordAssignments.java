package dev.adjoint.processor.read;

import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreeScanner;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Shape;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Record locals that are reassigned ({@code s = step(s, dt);}, the step of an integration loop). Records are
 * values, and a record local usually shares its components' variables with the value it was given; one
 * that the method reassigns anywhere gets variables of its own instead, declared with copies of the
 * components, and each assignment writes the new record's components into them. Only records of
 * {@code double} components (and records of those) may be reassigned: an array component would be an alias.
 */
final class RecordAssignments {
  private final MethodReader reader;
  /** The names the method assigns with {@code name = ...}, found once. */
  private Set<String> assigned;

  RecordAssignments(MethodReader reader) {
    this.reader = reader;
  }

  /** Whether the method assigns a variable named {@code name} anywhere ({@code name = ...}). */
  boolean reassigned(String name) {
    if (assigned == null) {
      assigned = new HashSet<>();
      MethodTree tree = reader.trees.getTree(reader.method);
      if (tree != null && tree.getBody() != null) {
        new TreeScanner<Void, Void>() {
          @Override
          public Void visitAssignment(AssignmentTree a, Void unused) {
            if (MethodReader.unparen(a.getVariable()) instanceof IdentifierTree id) {
              assigned.add(id.getName().toString());
            }
            return super.visitAssignment(a, unused);
          }
        }.scan(tree.getBody(), null);
      }
    }
    return assigned.contains(name);
  }

  /**
   * {@code value} with variables of its own for a record local {@code name} that is reassigned: each
   * component copied into a new variable; refuses a record with a component that is not a {@code double}.
   */
  RecordValue own(RecordValue value, String name, Tree at, List<Stmt> out, Origin origin) {
    List<Expr> leaves = new ArrayList<>();
    value.leaves(leaves);
    for (Expr l : leaves) {
      if (l.type() != Type.DOUBLE) {
        throw new Unsupported(at, "the record local '" + name + "' is reassigned, and its record "
            + simple(((Shape.Composite) value.node()).javaType()) + " has a component of type " + l.type().java()
            + ": only records of double components can be reassigned; declare another local for each new record");
      }
    }
    return copy(value, name, out, origin);
  }

  private RecordValue copy(RecordValue v, String flat, List<Stmt> out, Origin origin) {
    if (v.var() != null) {
      Expr.Var own = new Expr.Var(reader.fresh(flat), v.var().type());
      out.add(new Stmt.Declare(own, v.var(), origin));
      return new RecordValue(v.node(), own, List.of(), v.display());
    }
    List<RecordValue> children = new ArrayList<>();
    for (RecordValue c : v.children()) {
      children.add(copy(c, flat + "$" + Shape.name(c.node().access()), out, origin));
    }
    return new RecordValue(v.node(), null, children, v.display());
  }

  /** {@code target = value}: the new record's components written into the local's own variables. */
  static void assign(RecordValue target, RecordValue value, Origin origin, List<Stmt> out) {
    List<Expr> to = new ArrayList<>();
    List<Expr> from = new ArrayList<>();
    target.leaves(to);
    value.leaves(from);
    for (int k = 0; k < to.size(); k++) {
      out.add(new Stmt.Assign(to.get(k), from.get(k), origin));
    }
  }

  /** Whether {@code e} is a plain name ({@code s}, not {@code this.s}). */
  static String name(ExpressionTree e) {
    return MethodReader.unparen(e) instanceof IdentifierTree id ? id.getName().toString() : null;
  }

  private static String simple(String canonical) {
    return canonical.substring(canonical.lastIndexOf('.') + 1);
  }
}
