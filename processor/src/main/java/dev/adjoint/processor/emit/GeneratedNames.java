package dev.adjoint.processor.emit;

import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.PackageElement;
import javax.lang.model.util.Elements;

/**
 * Keeps the user's variable names from shadowing what generated code reaches by a simple name.
 *
 * <p>Generated method bodies declare the user's parameters and locals under their own names, next to
 * expressions such as {@code Math.sin(x)}, {@code demo.F.g(v)}, {@code ArrayAdjoints.zerosLike(a)} or
 * {@code Tensor.noGrad(...)}. In Java a variable obscures a type or package of the same simple name
 * (JLS 6.4.2), so a local named {@code Math}, {@code demo} or {@code ArrayAdjoints} would turn such an
 * expression into a compile error inside the companion. Variable names are not part of the companion's
 * API (design.md §1 fixes only the gradient record's components, which keep the source names), so every
 * variable named like something the generated code reaches is renamed there to {@code name$}: user names
 * never contain {@code $}, so the new name is free.
 *
 * <p>The names reached: the first identifier of every qualified name the companion spells (packages of
 * the owner and of every callee or constant owner: {@code dev}, {@code java}, {@code javax}, the user's
 * package root), every class of {@code java.lang} (spelled by simple name: {@code Math}, {@code Double},
 * ...), every class of the runtime packages (imported: {@code Tensor}, {@code DoubleTape}, ...), and the
 * reverse pass's own parameters {@code upstream} and {@code retainGraph}.
 */
public final class GeneratedNames {
  /** Appended to a renamed variable; user names never contain it. */
  public static final String SUFFIX = "$";

  /** The runtime packages whose classes the companion imports by simple name. */
  private static final List<String> IMPORTED_PACKAGES = List.of("java.lang", "dev.adjoint", "dev.adjoint.runtime");

  /** Names the generated code always reaches: roots of its qualified names and its sweep parameters. */
  private static final Set<String> ALWAYS = Set.of("dev", "java", "javax", "jdk", "upstream", "retainGraph",
      // java.lang and runtime classes, in case the package cannot be listed
      "Math", "StrictMath", "Double", "Integer", "Long", "Boolean", "Object", "String", "System",
      "Tensor", "Pullback", "Backward", "ArrayAdjoints", "TensorAdjoints", "DoubleTape", "IntTape", "RefTape",
      "Partials", "ChunkPositions", "Generated");

  /**
   * JLS 8.10.1: a record may not have a component of these names, and the gradient record's components
   * are the differentiable parameters' names.
   */
  public static final Set<String> ILLEGAL_COMPONENTS = Set.of("clone", "finalize", "getClass", "hashCode",
      "notify", "notifyAll", "toString", "wait");

  private final Set<String> reached;

  private GeneratedNames(Set<String> reached) {
    this.reached = reached;
  }

  /**
   * The simple names generated code reaches for {@code method}, given the classes of the imported
   * packages as {@code elements} lists them (null: only the built-in list).
   */
  public static GeneratedNames of(MethodIr method, Elements elements) {
    return of(method, importedNames(elements));
  }

  /**
   * The simple names of the classes of the imported packages as {@code elements} lists them (empty for
   * null: only the built-in list); computed once per round for {@link #of(MethodIr, Set)}, as listing
   * {@code java.lang} is most of the cost of naming one method.
   */
  public static Set<String> importedNames(Elements elements) {
    Set<String> names = new HashSet<>();
    if (elements != null) {
      for (String p : IMPORTED_PACKAGES) {
        try {
          PackageElement pkg = elements.getPackageElement(p);
          if (pkg != null) {
            for (Element e : pkg.getEnclosedElements()) {
              names.add(e.getSimpleName().toString());
            }
          }
        } catch (RuntimeException ignored) {
          // the built-in list stands in
        }
      }
    }
    return names;
  }

  /** As {@link #of(MethodIr, Elements)}, with the imported packages' class names as listed already. */
  public static GeneratedNames of(MethodIr method, Set<String> importedNames) {
    Set<String> reached = new HashSet<>(ALWAYS);
    reached.addAll(importedNames);
    reached.add(root(method.ownerCanonicalName()));
    if (!method.packageName().isEmpty()) {
      reached.add(root(method.packageName()));
    }
    reached.add(method.companionSimpleName());
    visit(method.body(), e -> {
      if (e instanceof Expr.StaticField f) {
        reached.add(root(f.owner()));
      } else if (e instanceof Expr.Call c && c.callee() instanceof Callee.Static s) {
        reached.add(root(s.owner()));
      } else if (e instanceof Expr.Call c && c.callee() instanceof Callee.DifferentiableMethod m) {
        reached.add(root(m.owner()));
        reached.add(root(m.companion()));
      } else if (e instanceof Expr.Call c && c.callee() instanceof Callee.GradientOf g) {
        reached.add(root(g.method().companion()));
      }
    });
    return new GeneratedNames(reached);
  }

  /** The {@code java.lang} classes generated code may spell by simple name. */
  private static final List<String> JAVA_LANG = List.of("Math", "StrictMath", "Double", "Float", "Integer", "Long",
      "Short", "Byte", "Character", "Boolean", "Number", "Object", "String", "System");

  /**
   * The {@code java.lang} classes that a type of {@code packageName} shadows there ({@code demo.Math}):
   * generated code in that package must spell them {@code java.lang.Math}. Looked up one name at a time:
   * listing the package would complete the class files of companions about to be regenerated, which
   * javac 17 then fails to replace (an internal error in Lower on their records).
   */
  public static Set<String> shadowedJavaLang(Elements elements, String packageName) {
    Set<String> shadowed = new java.util.TreeSet<>();
    if (elements == null) {
      return shadowed;
    }
    for (String name : JAVA_LANG) {
      try {
        if (elements.getTypeElement(packageName.isEmpty() ? name : packageName + "." + name) != null) {
          shadowed.add(name);
        }
      } catch (RuntimeException e) {
        shadowed.add(name); // cannot tell: spelling it out is always correct
      }
    }
    return shadowed;
  }

  /** The first identifier of a canonical name as the companion spells it ({@code java.lang.Math} → {@code Math}). */
  static String root(String canonical) {
    String spelled = canonical;
    if (canonical.startsWith("java.lang.") && canonical.indexOf('.', "java.lang.".length()) < 0) {
      spelled = canonical.substring("java.lang.".length());
    }
    int dot = spelled.indexOf('.');
    return dot < 0 ? spelled : spelled.substring(0, dot);
  }

  /** Whether generated code always reaches {@code name} ({@code upstream}, {@code java}, {@code Math}, ...). */
  public static boolean alwaysReached(String name) {
    return ALWAYS.contains(name);
  }

  /** Whether a variable named {@code name} would shadow something generated code reaches. */
  public boolean clashes(String name) {
    return reached.contains(name);
  }

  /** {@code method} with every clashing parameter and local renamed to {@code name$}; itself when none clash. */
  public MethodIr rename(MethodIr method) {
    Set<String> renamed = new HashSet<>();
    for (MethodIr.Parameter p : method.parameters()) {
      if (clashes(p.name())) {
        renamed.add(p.name());
      }
    }
    visitStatements(method.body(), s -> {
      if (s instanceof Stmt.Declare d && clashes(d.variable().name())) {
        renamed.add(d.variable().name());
      }
    });
    visit(method.body(), e -> {
      if (e instanceof Expr.Var v && clashes(v.name())) {
        renamed.add(v.name());
      }
    });
    if (renamed.isEmpty()) {
      return method;
    }
    List<MethodIr.Parameter> parameters = new ArrayList<>();
    for (MethodIr.Parameter p : method.parameters()) {
      parameters.add(renamed.contains(p.name())
          ? new MethodIr.Parameter(p.name() + SUFFIX, p.type(), p.noGrad()) : p);
    }
    return new MethodIr(method.packageName(), method.ownerCanonicalName(), method.companionSimpleName(),
        method.name(), parameters, method.returnType(), new Renamer(renamed).block(method.body()),
        method.isPublic(), method.origin());
  }

  /** The name a parameter has in the source (and in the gradient record), given its name in the IR. */
  public static String sourceName(String irName) {
    return irName.endsWith(SUFFIX) ? irName.substring(0, irName.length() - SUFFIX.length()) : irName;
  }

  // ---------------------------------------------------------------- traversal

  private static void visit(Stmt s, java.util.function.Consumer<Expr> visitor) {
    visitStatements(s, x -> {
      for (Expr e : expressions(x)) {
        ExprWalk.visit(e, visitor);
      }
    });
  }

  private static List<Expr> expressions(Stmt s) {
    List<Expr> out = new ArrayList<>();
    if (s instanceof Stmt.Declare d) {
      out.add(d.variable());
      if (d.init() != null) {
        out.add(d.init());
      }
    } else if (s instanceof Stmt.Assign a) {
      out.add(a.target());
      out.add(a.value());
    } else if (s instanceof Stmt.Accumulate a) {
      out.add(a.target());
      out.add(a.value());
    } else if (s instanceof Stmt.Effect e) {
      out.add(e.call());
    } else if (s instanceof Stmt.If i) {
      out.add(i.condition());
    } else if (s instanceof Stmt.While w) {
      out.add(w.condition());
    } else if (s instanceof Stmt.DoWhile w) {
      out.add(w.condition());
    } else if (s instanceof Stmt.For f && f.condition() != null) {
      out.add(f.condition());
    } else if (s instanceof Stmt.Return r && r.value() != null) {
      out.add(r.value());
    } else if (s instanceof Stmt.Push p) {
      out.add(p.value());
    } else if (s instanceof Stmt.CountDown c) {
      out.add(c.start());
    } else if (s instanceof Stmt.Save v) {
      out.add(v.target());
    } else if (s instanceof Stmt.Restore r) {
      out.add(r.target());
    }
    return out;
  }

  private static void visitStatements(Stmt s, java.util.function.Consumer<Stmt> visitor) {
    visitor.accept(s);
    if (s instanceof Stmt.Block b) {
      b.statements().forEach(x -> visitStatements(x, visitor));
    } else if (s instanceof Stmt.If i) {
      visitStatements(i.then(), visitor);
      visitStatements(i.otherwise(), visitor);
    } else if (s instanceof Stmt.While w) {
      visitStatements(w.body(), visitor);
    } else if (s instanceof Stmt.DoWhile w) {
      visitStatements(w.body(), visitor);
    } else if (s instanceof Stmt.For f) {
      f.init().forEach(x -> visitStatements(x, visitor));
      f.update().forEach(x -> visitStatements(x, visitor));
      visitStatements(f.body(), visitor);
    } else if (s instanceof Stmt.CountDown c) {
      visitStatements(c.body(), visitor);
    }
  }

  /** {@code method} with the callee of every call mapped by {@code f}. */
  public static MethodIr mapCallees(MethodIr method, java.util.function.UnaryOperator<Callee> f) {
    return new MethodIr(method.packageName(), method.ownerCanonicalName(), method.companionSimpleName(),
        method.name(), method.parameters(), method.returnType(), new Renamer(Set.of(), f).block(method.body()),
        method.isPublic(), method.origin());
  }

  /** Rewrites statements and expressions with the renamed variables (and callees mapped by {@code callees}). */
  private record Renamer(Set<String> renamed, java.util.function.UnaryOperator<Callee> callees) {
    Renamer(Set<String> renamed) {
      this(renamed, c -> c);
    }

    Stmt.Block block(Stmt.Block b) {
      List<Stmt> out = new ArrayList<>();
      for (Stmt s : b.statements()) {
        out.add(statement(s));
      }
      return new Stmt.Block(out, b.origin());
    }

    List<Stmt> statements(List<Stmt> list) {
      List<Stmt> out = new ArrayList<>();
      for (Stmt s : list) {
        out.add(statement(s));
      }
      return out;
    }

    Stmt statement(Stmt s) {
      if (s instanceof Stmt.Declare d) {
        return new Stmt.Declare(var(d.variable()), d.init() == null ? null : expr(d.init()), d.origin());
      }
      if (s instanceof Stmt.Assign a) {
        return new Stmt.Assign(expr(a.target()), expr(a.value()), a.origin());
      }
      if (s instanceof Stmt.Accumulate a) {
        return new Stmt.Accumulate(expr(a.target()), expr(a.value()), a.origin());
      }
      if (s instanceof Stmt.Effect e) {
        return new Stmt.Effect((Expr.Call) expr(e.call()), e.origin());
      }
      if (s instanceof Stmt.Block b) {
        return block(b);
      }
      if (s instanceof Stmt.If i) {
        return new Stmt.If(expr(i.condition()), block(i.then()), block(i.otherwise()), i.origin());
      }
      if (s instanceof Stmt.While w) {
        return new Stmt.While(expr(w.condition()), block(w.body()), w.origin());
      }
      if (s instanceof Stmt.DoWhile w) {
        return new Stmt.DoWhile(block(w.body()), expr(w.condition()), w.origin());
      }
      if (s instanceof Stmt.For f) {
        return new Stmt.For(statements(f.init()), f.condition() == null ? null : expr(f.condition()),
            statements(f.update()), block(f.body()), f.origin());
      }
      if (s instanceof Stmt.Return r) {
        return new Stmt.Return(r.value() == null ? null : expr(r.value()), r.origin());
      }
      if (s instanceof Stmt.Push p) {
        return new Stmt.Push(p.tape(), expr(p.value()), p.origin());
      }
      if (s instanceof Stmt.CountDown c) {
        return new Stmt.CountDown(c.counter(), expr(c.start()), block(c.body()), c.origin());
      }
      if (s instanceof Stmt.Save v) {
        return new Stmt.Save(v.tape(), expr(v.target()), v.origin());
      }
      if (s instanceof Stmt.Restore r) {
        return new Stmt.Restore(r.tape(), expr(r.target()), r.origin());
      }
      if (s instanceof Stmt.Forward f) {
        // The text spells only qualified names whose roots (java, dev) are always reached: holes are renamed.
        return new Stmt.Forward(f.text(), f.holes().stream().map(this::expr).toList(), f.origin());
      }
      if (s instanceof Stmt.Break || s instanceof Stmt.Continue || s instanceof Stmt.Comment) {
        return s;
      }
      throw new IllegalStateException("GeneratedNames cannot rename inside " + s);
    }

    Expr.Var var(Expr.Var v) {
      return renamed.contains(v.name()) ? new Expr.Var(v.name() + SUFFIX, v.type()) : v;
    }

    Expr expr(Expr e) {
      if (e instanceof Expr.Var v) {
        return var(v);
      }
      if (e instanceof Expr.Unary u) {
        return new Expr.Unary(u.op(), expr(u.operand()), u.type());
      }
      if (e instanceof Expr.Binary b) {
        return new Expr.Binary(b.op(), expr(b.left()), expr(b.right()), b.type());
      }
      if (e instanceof Expr.Call c) {
        return new Expr.Call(callees.apply(c.callee()), c.args().stream().map(this::expr).toList(), c.type());
      }
      if (e instanceof Expr.Index i) {
        return new Expr.Index(expr(i.array()), expr(i.index()), i.type());
      }
      if (e instanceof Expr.Length l) {
        return new Expr.Length(expr(l.array()));
      }
      if (e instanceof Expr.Conditional c) {
        return new Expr.Conditional(expr(c.condition()), expr(c.whenTrue()), expr(c.whenFalse()), c.type());
      }
      if (e instanceof Expr.Cast c) {
        return new Expr.Cast(c.type(), expr(c.operand()));
      }
      if (e instanceof Expr.NewArray n) {
        return new Expr.NewArray(n.type(), n.dimensions().stream().map(this::expr).toList());
      }
      if (e instanceof Expr.ArrayInit a) {
        return new Expr.ArrayInit(a.type(), a.elements().stream().map(this::expr).toList());
      }
      if (e instanceof Expr.Clone c) {
        return c.map(this::expr);
      }
      if (e instanceof Expr.Component c) {
        return new Expr.Component(expr(c.target()), c.name(), c.type());
      }
      if (e instanceof Expr.Literal || e instanceof Expr.StaticField || e instanceof Expr.Pop) {
        return e;
      }
      throw new IllegalStateException("GeneratedNames cannot rename inside " + e);
    }
  }
}
