package dev.adjoint.processor.read;

import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.Trees;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.ExecutableElement;

/**
 * {@code int[]} and {@code boolean[]} locals ({@link Type.IntArray}): index vectors and flags, written
 * freely, never differentiated. A variable of these types holds an array of its own, as a {@code double[]}
 * local does: a new array, an initializer, a copy ({@code clone()}, {@code Arrays.copyOf}) or the result of a
 * call that takes no array it could return. Parameters stay read-only (inputs are never mutated).
 */
final class IntArrays {
  private final MethodReader reader;

  IntArrays(MethodReader reader) {
    this.reader = reader;
  }

  /** {@code new int[n]}, {@code new boolean[n]}, or with an initializer {@code new int[] {1, 2}}. */
  Expr newArray(NewArrayTree na, Type.IntArray type, int rank) {
    if (rank != 1) {
      throw new Unsupported(na, "arrays of " + type.element().java() + " of rank above 1 are not supported: use "
          + (type == Type.INT_VECTOR ? "an " : "a ") + type.java() + " and index it i * n + j");
    }
    if (na.getInitializers() != null) {
      return initializer(na, type);
    }
    ExpressionTree d = na.getDimensions().get(0);
    Expr dim = reader.expression(d);
    if (dim.type() != Type.INT) {
      throw new Unsupported(d, "an array dimension must be an int");
    }
    return new Expr.NewArray(type, List.of(dim));
  }

  /** {@code {e0, e1, ...}}, each element converted to the element type. */
  Expr initializer(NewArrayTree na, Type.IntArray type) {
    List<Expr> elements = new ArrayList<>();
    for (ExpressionTree init : na.getInitializers()) {
      elements.add(reader.convert(reader.expression(init), type.element(), init));
    }
    return new Expr.ArrayInit(type, elements);
  }

  /** The value assigned to an {@code int[]} or {@code boolean[]} variable: an array of its own. */
  Expr value(ExpressionTree t, Type.IntArray type) {
    ExpressionTree e = MethodReader.unparen(t);
    Expr value = e instanceof NewArrayTree na && na.getType() == null ? initializer(na, type) : reader.expression(e);
    if (!value.type().equals(type)) {
      throw new Unsupported(t, "expected " + type.java() + " but this is " + value.type().java());
    }
    if (value instanceof Expr.NewArray || value instanceof Expr.ArrayInit || value instanceof Expr.Clone) {
      return value;
    }
    if (value instanceof Expr.Call c) {
      for (Expr arg : c.args()) {
        if (arg.type() instanceof Type.IntArray) {
          throw new Unsupported(t, "this call takes an " + arg.type().java() + " and may return it, so the variable"
              + " could share that array: copy the result, for example " + t + ".clone()");
        }
      }
      return value;
    }
    throw new Unsupported(t, "assigning an existing array to another variable makes an alias, which Adjoint"
        + " does not support: copy it with .clone() or Arrays.copyOf, or write its elements into a new array");
  }

  /**
   * Refuses a call of a helper that is not differentiated (its source in this compilation) when the helper
   * may write into an {@code int[]} it is passed: the reverse pass reads index arrays as they were, and a
   * write it cannot see would silently change them. A helper that only reads its {@code int[]} parameters is
   * fine; one that writes an element, or passes the array on or keeps it in another variable, is refused.
   */
  static void requireReadOnly(Trees trees, MethodInvocationTree call, ExecutableElement target,
      List<Type> parameterTypes) {
    MethodTree helper = trees.getTree(target);
    if (helper == null || helper.getBody() == null) {
      return;
    }
    for (int i = 0; i < parameterTypes.size() && i < helper.getParameters().size(); i++) {
      if (parameterTypes.get(i) instanceof Type.IntArray) {
        String name = helper.getParameters().get(i).getName().toString();
        if (mayWrite(helper, name)) {
          throw new Unsupported(call, "'" + target.getSimpleName() + "' may write into the " + parameterTypes.get(i)
              .java() + " passed to its parameter '" + name + "' (or pass it on), which the reverse pass would not"
              + " see: make it return a new array instead, or pass it a copy (" + call.getArguments().get(i)
              + ".clone())");
        }
      }
    }
  }

  /** Whether {@code method}'s body may write into the array its parameter {@code name} holds. */
  private static boolean mayWrite(MethodTree method, String name) {
    return new ElementWrites() {
      @Override
      boolean writes(Tree target) {
        return rootedAt(target, name);
      }

      @Override
      boolean assigns(AssignmentTree t) {
        return names(t.getExpression(), name);
      }

      @Override
      boolean call(MethodInvocationTree t) {
        boolean passed = false;
        for (ExpressionTree a : t.getArguments()) {
          passed |= names(a, name);
        }
        return passed;
      }

      @Override
      boolean declares(com.sun.source.tree.VariableTree t) {
        return t.getInitializer() != null && names(t.getInitializer(), name);
      }
    }.found(method.getBody());
  }

  /** Whether {@code t} is {@code name[...]} (an element of the array {@code name} holds). */
  private static boolean rootedAt(Tree t, String name) {
    Tree e = t;
    while (e instanceof ArrayAccessTree a) {
      e = MethodReader.unparen(a.getExpression());
    }
    return e != t && names(e, name);
  }

  /** Whether {@code t} is the variable {@code name} itself (in parentheses or a ?: branch too). */
  private static boolean names(Tree t, String name) {
    Tree e = t instanceof ExpressionTree x ? MethodReader.unparen(x) : t;
    if (e instanceof com.sun.source.tree.ConditionalExpressionTree c) {
      return names(c.getTrueExpression(), name) || names(c.getFalseExpression(), name);
    }
    return e instanceof IdentifierTree id && id.getName().contentEquals(name);
  }
}
