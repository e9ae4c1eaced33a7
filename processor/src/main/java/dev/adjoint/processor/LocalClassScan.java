package dev.adjoint.processor;

import com.sun.source.tree.AnnotationTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ImportTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds {@code @Differentiable} methods in local and anonymous classes. javac does not report those
 * among the annotated elements of a round, so without this scan they would be ignored silently.
 */
final class LocalClassScan extends TreePathScanner<Void, Void> {
  private final List<MethodTree> found = new ArrayList<>();
  private final boolean imported;

  private LocalClassScan(CompilationUnitTree unit) {
    boolean any = false;
    for (ImportTree imp : unit.getImports()) {
      String name = imp.getQualifiedIdentifier().toString();
      any |= !imp.isStatic() && (name.equals("dev.adjoint.Differentiable") || name.equals("dev.adjoint.*"));
    }
    String pkg = unit.getPackageName() == null ? "" : unit.getPackageName().toString();
    this.imported = any || pkg.equals("dev.adjoint");
  }

  /** The annotated methods of local and anonymous classes in {@code unit}. */
  static List<MethodTree> in(CompilationUnitTree unit) {
    LocalClassScan scan = new LocalClassScan(unit);
    scan.scan(new TreePath(unit), null);
    return scan.found;
  }

  @Override
  public Void visitMethod(MethodTree method, Void unused) {
    if (isLocalOrAnonymous(getCurrentPath().getParentPath()) && annotated(method)) {
      found.add(method);
    }
    return super.visitMethod(method, unused);
  }

  private static boolean isLocalOrAnonymous(TreePath classPath) {
    if (classPath == null || !(classPath.getLeaf() instanceof ClassTree)) {
      return false;
    }
    for (TreePath p = classPath.getParentPath(); p != null; p = p.getParentPath()) {
      Tree.Kind kind = p.getLeaf().getKind();
      if (kind == Tree.Kind.METHOD || kind == Tree.Kind.BLOCK || kind == Tree.Kind.NEW_CLASS
          || kind == Tree.Kind.LAMBDA_EXPRESSION || kind == Tree.Kind.VARIABLE) {
        return true;
      }
      if (p.getLeaf() instanceof ClassTree) {
        return false;
      }
    }
    return false;
  }

  private boolean annotated(MethodTree method) {
    for (AnnotationTree a : method.getModifiers().getAnnotations()) {
      String name = a.getAnnotationType().toString();
      if (name.equals("dev.adjoint.Differentiable") || imported && name.equals("Differentiable")) {
        return true;
      }
    }
    return false;
  }
}
