package dev.adjoint.processor.read;

import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.Trees;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;

/**
 * The out-parameters of a {@code void} plain helper: the {@code double[]} parameters its body writes into
 * ({@code y[i] = ...}, {@code y[i] += ...}, {@code System.arraycopy(..., y, ...)}, {@code Arrays.fill(y, ...)},
 * or passing {@code y} to another {@code void} helper of the same kind that writes it). Such a helper is read
 * as one that returns the written array: its parameter is copied on entry, written, and returned, and the
 * caller copies the result back into its array (design.md §7 "Calls"). The scan errs on the side of a
 * parameter it cannot prove unwritten: marking one that is only read costs a copy, while a write it misses
 * is still refused when the helper's body is read (a parameter array is never written).
 */
final class OutParameters {
  private OutParameters() {}

  /** Whether {@code m} is a {@code void} method whose source is in this compilation. */
  static boolean voidWithSource(Trees trees, ExecutableElement m) {
    if (m.getReturnType().getKind() != TypeKind.VOID) {
      return false;
    }
    MethodTree tree = trees.getTree(m);
    return tree != null && tree.getBody() != null;
  }

  /** The indices of the {@code double[]} parameters {@code helper} may write into, in order. */
  static List<Integer> of(Trees trees, Elements elements, ExecutableElement helper) {
    return of(trees, elements, helper, new HashSet<>());
  }

  private static List<Integer> of(Trees trees, Elements elements, ExecutableElement helper, Set<String> visiting) {
    List<Integer> out = new ArrayList<>();
    MethodTree tree = trees.getTree(helper);
    if (tree == null || tree.getBody() == null) {
      return out;
    }
    for (int i = 0; i < helper.getParameters().size(); i++) {
      if (!helper.getParameters().get(i).asType().toString().equals("double[]")) {
        continue;
      }
      String key = helper + "#" + i;
      if (!visiting.add(key)) {
        continue; // recursion: the other calls decide
      }
      if (writes(trees, elements, helper, tree, helper.getParameters().get(i).getSimpleName().toString(), visiting)) {
        out.add(i);
      }
      visiting.remove(key);
    }
    return out;
  }

  private static boolean writes(Trees trees, Elements elements, ExecutableElement helper, MethodTree method,
      String name, Set<String> visiting) {
    return new ElementWrites() {
      @Override
      boolean writes(Tree target) {
        return element(target, name);
      }

      @Override
      boolean call(MethodInvocationTree t) {
        boolean found = false;
        List<? extends ExpressionTree> args = t.getArguments();
        String called = JdkCalls.name(t);
        for (int k = 0; k < args.size(); k++) {
          if (!names(args.get(k), name)) {
            continue;
          }
          if (called.equals("arraycopy") && k == 2 || called.equals("fill") && k == 0) {
            found = true;
          }
          for (ExecutableElement m : candidates(elements, helper, t, called, args.size())) {
            if (voidWithSource(trees, m) && of(trees, elements, m, visiting).contains(k)) {
              found = true;
            }
          }
        }
        return found;
      }
    }.found(method.getBody());
  }

  /**
   * The methods named {@code called} with {@code arity} parameters that {@code call} may name: of the classes
   * around {@code helper} (an unqualified call) or of the class the qualifier names in the helper's package
   * or among their members (a qualified one).
   */
  private static List<ExecutableElement> candidates(Elements elements, ExecutableElement helper,
      MethodInvocationTree call, String called, int arity) {
    List<TypeElement> types = new ArrayList<>();
    TypeElement owner = (TypeElement) helper.getEnclosingElement();
    if (call.getMethodSelect() instanceof IdentifierTree) {
      for (TypeElement t = owner; t != null; t = MethodReader.enclosingType(t)) {
        types.add(t);
      }
    } else if (call.getMethodSelect() instanceof MemberSelectTree ms
        && MethodReader.unparen(ms.getExpression()) instanceof IdentifierTree q) {
      String pkg = ModelTypes.packageOf(owner);
      TypeElement named = elements.getTypeElement(pkg.isEmpty() ? q.getName().toString() : pkg + "." + q.getName());
      if (named != null) {
        types.add(named);
      }
      for (TypeElement t = owner; t != null; t = MethodReader.enclosingType(t)) {
        for (TypeElement member : ElementFilter.typesIn(t.getEnclosedElements())) {
          if (member.getSimpleName().contentEquals(q.getName())) {
            types.add(member);
          }
        }
        if (t.getSimpleName().contentEquals(q.getName())) {
          types.add(t);
        }
      }
    }
    List<ExecutableElement> out = new ArrayList<>();
    for (TypeElement t : types) {
      for (Element e : elements.getAllMembers(t)) {
        if (e instanceof ExecutableElement m && m.getSimpleName().contentEquals(called)
            && m.getParameters().size() == arity) {
          out.add(m);
        }
      }
    }
    return out;
  }

  /** Whether {@code t} is {@code name[...]}, an element of the array {@code name} holds. */
  private static boolean element(Tree t, String name) {
    Tree e = t;
    while (e instanceof ArrayAccessTree a) {
      e = MethodReader.unparen(a.getExpression());
    }
    return e != t && names(e, name);
  }

  private static boolean names(Tree t, String name) {
    Tree e = t instanceof ExpressionTree x ? MethodReader.unparen(x) : t;
    return e instanceof IdentifierTree id && id.getName().contentEquals(name);
  }
}
