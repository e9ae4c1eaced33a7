package dev.adjoint.processor.read;

import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreeScanner;

/**
 * Scans a method body for the places that may write into an array: the targets of assignments, compound
 * assignments and {@code ++}/{@code --}, calls, and (where a subclass says so) assigned values and
 * initializers. A subclass says which of them count; {@link #found} says whether any did. Every call is
 * asked, also after one counted, so that a subclass with side effects sees them all.
 */
abstract class ElementWrites extends TreeScanner<Void, Void> {
  private boolean found;

  /** Whether writing {@code target} (the target of an assignment, a compound assignment or ++/--) counts. */
  abstract boolean writes(Tree target);

  /** Whether the call {@code t} counts. */
  abstract boolean call(MethodInvocationTree t);

  /** Whether the assignment {@code t} counts beyond its target (by the value it assigns, say). */
  boolean assigns(AssignmentTree t) {
    return false;
  }

  /** Whether the declaration {@code t} counts (by its initializer, say). */
  boolean declares(VariableTree t) {
    return false;
  }

  /** Whether anything in {@code body} counted. */
  final boolean found(Tree body) {
    scan(body, null);
    return found;
  }

  @Override
  public final Void visitAssignment(AssignmentTree t, Void v) {
    found |= writes(t.getVariable()) || assigns(t);
    return super.visitAssignment(t, v);
  }

  @Override
  public final Void visitCompoundAssignment(CompoundAssignmentTree t, Void v) {
    found |= writes(t.getVariable());
    return super.visitCompoundAssignment(t, v);
  }

  @Override
  public final Void visitUnary(UnaryTree t, Void v) {
    found |= writes(t.getExpression());
    return super.visitUnary(t, v);
  }

  @Override
  public final Void visitMethodInvocation(MethodInvocationTree t, Void v) {
    found |= call(t);
    return super.visitMethodInvocation(t, v);
  }

  @Override
  public final Void visitVariable(VariableTree t, Void v) {
    found |= declares(t);
    return super.visitVariable(t, v);
  }
}
