package dev.adjoint.processor.read;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import dev.adjoint.processor.analyze.Activity;
import dev.adjoint.processor.analyze.StructuredBody;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;

/**
 * Plain static helpers (no {@code @Differentiable}) whose source is in this compilation, called with
 * differentiable arguments (design.md §7 "Calls"). Whether an argument is active is known only once the
 * whole caller is read, so a method that calls such helpers is read twice: the first reading treats every
 * helper call as differentiable and runs the activity analysis; the second reads each call as what that
 * analysis decided: a constant of the derivative (no argument active, as before: the helper just runs) or
 * a call of the helper differentiated for exactly the active arguments (its <em>activity pattern</em>).
 *
 * <p>A specialisation is named {@code helper$<pattern>} ({@code logGamma$1}, {@code mix$10}: one digit per
 * parameter, 1 for active), with a further {@code $2}, {@code $3} for a second helper of the same name
 * (an overload, or a helper of another class). Its members ({@code logGamma$1$record}, its tape, its
 * gradient record, {@code logGamma$1Jvp}) are written into the caller's companion, package-private: they
 * are the call boundary's plumbing, not API. Each specialisation is read like a {@code @Differentiable}
 * method whose inactive parameters are {@code @NoGrad}; the helpers it calls are specialised in turn, so
 * recursion (direct or mutual) ends at a specialisation already requested.
 *
 * <p>A helper that runs as a constant but takes arrays ({@code mean(data)} of a {@code @NoGrad} array, an
 * {@code int} {@code argmax(x)}) is read too, with no parameter active ({@code mean$0}), and nothing is
 * written for it: reading refuses a body that would change its array arguments.
 */
public final class HelperCalls {
  /** The member names of one round: a helper and pattern get the same name in every companion. */
  public static final class Names {
    private final Map<ExecutableElement, String> suffixes = new HashMap<>();
    private final Map<String, Integer> byName = new HashMap<>();

    /** The base name of the companion members of {@code helper} differentiated for {@code active}. */
    public String member(ExecutableElement helper, List<Boolean> active) {
      return member(helper, active, -1);
    }

    /**
     * As above; with {@code fixed} at least 0, for a call with variable arity whose arguments from index
     * {@code fixed} on are the elements of the varargs array ({@code sum$1_111}: see {@link Varargs}).
     */
    public String member(ExecutableElement helper, List<Boolean> active, int fixed) {
      String suffix = suffixes.computeIfAbsent(helper, h -> {
        int n = byName.merge(h.getSimpleName().toString(), 1, Integer::sum);
        return n == 1 ? "" : "$" + n;
      });
      String pattern = active.stream().map(b -> b ? "1" : "0").collect(Collectors.joining());
      if (fixed >= 0) {
        pattern = pattern.substring(0, fixed) + Varargs.MARK + pattern.substring(fixed);
      }
      return helper.getSimpleName() + "$" + pattern + suffix;
    }
  }

  /**
   * A specialisation the method read calls: {@code helper} differentiated for {@code active}, named
   * {@code member}, called at {@code call} (a tree of the method read).
   */
  public record Request(ExecutableElement helper, List<Boolean> active, String member, MethodInvocationTree call) {
    /** Whether the helper is differentiated; else it is only checked, and runs as a constant. */
    public boolean differentiated() {
      return active.contains(true);
    }
  }

  /** The method read and what its helper calls need. */
  public record Read(MethodReader.Result result, List<Request> requests) {}

  /**
   * Where the method being read stands: {@code companion} is the canonical name of the companion its
   * helpers' members go to; {@code active} and {@code member} are null for a {@code @Differentiable} method,
   * else the helper's pattern and member name.
   */
  public record Context(Names names, String companion, List<Boolean> active, String member) {}

  private final Context context;
  /** Null in the first reading; then, for each helper call, its pattern (null: a constant of the derivative). */
  private final Map<MethodInvocationTree, List<Boolean>> decisions;
  /** First reading: the helper calls read as differentiable, with their trees. */
  private final Map<Expr.Call, MethodInvocationTree> candidates = new IdentityHashMap<>();
  private final List<Request> requests = new ArrayList<>();
  private Map<MethodInvocationTree, List<Boolean>> decided;

  private HelperCalls(Context context, Map<MethodInvocationTree, List<Boolean>> decisions) {
    this.context = context;
    this.decisions = decisions;
  }

  /** The member name of the specialisation being read, or null for a {@code @Differentiable} method. */
  String member() {
    return context.member();
  }

  /** The number of parameters of the specialisation being read (varargs elements counted one by one). */
  int arity() {
    return context.active().size();
  }

  /** Whether this is the first reading, whose calls are decided from the arguments' activity afterwards. */
  boolean deciding() {
    return decisions == null;
  }

  /** In the second reading, the activity pattern decided for {@code call} (null: no argument active). */
  List<Boolean> decision(MethodInvocationTree call) {
    return decisions.get(call);
  }

  /** Whether the method being read is a helper's specialisation (not a {@code @Differentiable} method). */
  boolean specialising() {
    return context.active() != null;
  }

  /** Reads {@code method} (with its {@code @DerivativeOf} {@code derivative}, or null) in {@code context}. */
  public static Read read(Trees trees, Elements elements, ExecutableElement method, ExecutableElement derivative,
      Context context) {
    HelperCalls first = new HelperCalls(context, null);
    MethodReader.Result result = MethodReader.read(trees, elements, method, derivative, first);
    if (first.decided == null) {
      return new Read(result, List.copyOf(first.requests));
    }
    HelperCalls second = new HelperCalls(context, first.decided);
    MethodReader.Result again = MethodReader.read(trees, elements, method, derivative, second);
    return new Read(again, List.copyOf(second.requests));
  }

  /**
   * Called by the reader with {@code method} as read without problems (its tree {@code tree}): a helper
   * becomes its specialisation (its inactive parameters {@code @NoGrad}, its members named and
   * package-private in the caller's companion), and in the first reading each helper call is decided from
   * the activity of its arguments. Empty, with {@code problems} added, when an active parameter of a helper
   * cannot be a gradient record's component ({@code wait}, {@code hashCode}, ...).
   */
  java.util.Optional<MethodIr> read(MethodIr method, MethodTree tree, List<Problem> problems) {
    MethodIr m = method;
    if (context.active() != null) {
      List<MethodIr.Parameter> parameters = new ArrayList<>();
      for (int i = 0; i < m.parameters().size(); i++) {
        MethodIr.Parameter p = m.parameters().get(i);
        if (context.active().get(i) && dev.adjoint.processor.emit.GeneratedNames.ILLEGAL_COMPONENTS.contains(p.name())) {
          problems.add(new Problem(tree.getParameters().get(i), "a parameter that receives a differentiable value"
              + " cannot be named '" + p.name() + "': the helper's gradient record has a component named like it,"
              + " and a record component cannot be named '" + p.name() + "' (JLS 8.10.1); rename the parameter"));
        }
        parameters.add(new MethodIr.Parameter(p.name(), p.type(), !context.active().get(i)));
      }
      if (!problems.isEmpty()) {
        return java.util.Optional.empty();
      }
      int dot = context.companion().lastIndexOf('.');
      m = new MethodIr(dot < 0 ? "" : context.companion().substring(0, dot), m.ownerCanonicalName(),
          context.companion().substring(dot + 1), context.member(), parameters, m.returnType(), m.body(), false,
          m.origin());
    }
    decide(m);
    return java.util.Optional.of(m);
  }

  /**
   * Whether Adjoint differentiates {@code target} where its arguments are active: its source is in this
   * compilation, it returns and takes a differentiable value, and no {@code Tensor} (tensor helpers are
   * not differentiated yet: they are refused as before).
   */
  static boolean differentiable(Trees trees, Elements elements, ExecutableElement target, List<Type> parameterTypes) {
    MethodTree tree = trees.getTree(target);
    Type result = resultType(trees, elements, target);
    return tree != null && tree.getBody() != null && result != null && result.differentiable()
        && parameterTypes.stream().anyMatch(Type::differentiable);
  }

  /**
   * The result type of {@code target}'s specialisations: its own, or for a {@code void} helper that writes
   * into exactly one {@code double[]} parameter ({@link OutParameters}) that array, which the specialisation
   * returns and the caller copies back; null when Adjoint has no type for it.
   */
  static Type resultType(Trees trees, Elements elements, ExecutableElement target) {
    if (OutParameters.voidWithSource(trees, target)) {
      return OutParameters.of(trees, elements, target).size() == 1 ? Type.VECTOR : null;
    }
    return ModelTypes.of(target.getReturnType()).orElse(null);
  }

  /** The index of the parameter a {@code void} helper writes into, or -1 for any other method. */
  static int outParameter(Trees trees, Elements elements, ExecutableElement target) {
    if (!OutParameters.voidWithSource(trees, target)) {
      return -1;
    }
    List<Integer> written = OutParameters.of(trees, elements, target);
    return written.size() == 1 ? written.get(0) : -1;
  }

  /**
   * Whether a companion in {@code companionPackage} may call {@code target}: not private, nor in a private
   * class, and public (in public classes) when it is in another package.
   */
  private static boolean reachable(ExecutableElement target, String companionPackage) {
    for (javax.lang.model.element.Element e = target; e instanceof ExecutableElement || e instanceof TypeElement;
        e = e.getEnclosingElement()) {
      java.util.Set<javax.lang.model.element.Modifier> mods = e.getModifiers();
      if (mods.contains(javax.lang.model.element.Modifier.PRIVATE)
          || !mods.contains(javax.lang.model.element.Modifier.PUBLIC)
          && !ModelTypes.packageOf(e).equals(companionPackage)) {
        return false;
      }
    }
    return true;
  }

  /** The package of the companion the method read goes into. */
  String companionPackage() {
    String companion = context.companion();
    return companion.contains(".") ? companion.substring(0, companion.lastIndexOf('.')) : "";
  }

  /**
   * Whether a call of {@code target} on the constant path (no argument active, or a result that is not
   * differentiable) is accepted once its body is checked ({@link #check}): its source is in this
   * compilation and it takes arrays of doubles, which a helper run as is could change; no {@code Tensor}.
   */
  static boolean checkable(Trees trees, ExecutableElement target, List<Type> parameterTypes) {
    MethodTree tree = trees.getTree(target);
    Type result = ModelTypes.of(target.getReturnType()).orElse(null);
    return tree != null && tree.getBody() != null && result != null && result != Type.TENSOR
        && !parameterTypes.contains(Type.TENSOR) && parameterTypes.stream().anyMatch(t -> t instanceof Type.DoubleArray);
  }

  /**
   * Requests that {@code target}, called at {@code call} as a constant, be read with no parameter active:
   * reading refuses a helper that writes into its array parameters or does anything else outside what
   * Adjoint reads, so that running it as is cannot change the caller's arrays.
   */
  void check(MethodInvocationTree call, ExecutableElement target) {
    List<Boolean> none = new ArrayList<>();
    target.getParameters().forEach(p -> none.add(false));
    requests.add(new Request(target, none, context.names().member(target, none), call));
  }

  /**
   * The call of {@code target}, a static method without {@code @Differentiable} that javac chose, as this
   * reading decides it: a differentiable call, or null for the constant path (no argument active); only
   * for a target that is {@link #differentiable}.
   */
  Expr call(MethodInvocationTree call, ExecutableElement target, List<Type> parameterTypes, List<Expr> args,
      Trees trees, Elements elements) {
    return call(call, target, parameterTypes, args, trees, elements, -1);
  }

  /**
   * As above; with {@code fixed} at least 0 a call with variable arity, {@code parameterTypes} and {@code args}
   * flattened: the arguments from index {@code fixed} on are the elements of the varargs array.
   */
  Expr call(MethodInvocationTree call, ExecutableElement target, List<Type> parameterTypes, List<Expr> args,
      Trees trees, Elements elements, int fixed) {
    Type result = resultType(trees, elements, target);
    TypeElement owner = (TypeElement) target.getEnclosingElement();
    String name = target.getSimpleName().toString();
    if (decisions == null) {
      List<String> components = new ArrayList<>();
      for (int k = 0; k < parameterTypes.size(); k++) {
        components.add(parameterTypes.get(k).differentiable() ? "p" + k : null);
      }
      Expr.Call c = new Expr.Call(new Callee.DifferentiableMethod(owner.getQualifiedName().toString(),
          context.companion(), name, parameterTypes, components, result, name + "$"), args, result);
      candidates.put(c, call);
      return c;
    }
    List<Boolean> active = decisions.get(call);
    // A void helper runs through a specialisation even as a constant: it returns the array it writes.
    // (and one on tensors: a constant tensor is still a graph value, which the specialisation handles).
    boolean hidden = fixed >= 0 || !reachable(target, companionPackage())
        || OutParameters.voidWithSource(trees, target) || result == Type.TENSOR || parameterTypes.contains(Type.TENSOR);
    if (active == null && hidden) {
      // A constant, but the companion cannot call the helper itself: it runs through a specialisation.
      active = new ArrayList<>();
      for (Type t : parameterTypes) {
        active.add(t.differentiable());
      }
    }
    if (active == null) {
      return null;
    }
    List<String> components = new ArrayList<>();
    for (int k = 0; k < parameterTypes.size(); k++) {
      Expr a = args.get(k);
      javax.lang.model.element.VariableElement parameter =
          target.getParameters().get(fixed >= 0 ? Math.min(k, fixed) : k);
      if (active.get(k) && ModelTypes.isNoGrad(parameter) && decisions.get(call) != null) {
        throw new Unsupported(call.getArguments().get(k), "this passes a value that depends on the differentiable"
            + " inputs to a parameter of '" + name + "' that is not differentiated (@NoGrad), so its gradient would"
            + " be lost: remove @NoGrad from that parameter, or pass a value that does not depend on the inputs");
      }
      if (active.get(k) && !(parameterTypes.get(k) instanceof Type.Scalar)
          && !(a instanceof Expr.Var || a instanceof Expr.Index || a instanceof Expr.StaticField)) {
        throw new Unsupported(call.getArguments().get(k),
            parameterTypes.get(k) == Type.TENSOR
            ? "pass a Tensor argument through a local variable (Tensor t = ...;) so that its gradient has somewhere"
                + " to go"
            : "pass an array argument through a local variable so that its gradient has somewhere to go");
      }
      components.add(!active.get(k) ? null : fixed >= 0 && k >= fixed ? Varargs.element(parameter, k - fixed)
          : parameter.getSimpleName().toString());
    }
    String member = context.names().member(target, active, fixed);
    requests.add(new Request(target, active, member, call));
    return new Expr.Call(new Callee.DifferentiableMethod(owner.getQualifiedName().toString(),
        context.companion(), name, parameterTypes, components, result, member), args, result);
  }

  /** In the first reading: decides each helper call from the activity of its arguments. */
  private void decide(MethodIr method) {
    if (decisions != null || candidates.isEmpty()) {
      return;
    }
    Activity activity = Activity.of(method, StructuredBody.of(method));
    Map<MethodInvocationTree, List<Boolean>> out = new IdentityHashMap<>();
    Consumer<Expr> visit = e -> {
      if (e instanceof Expr.Call c && candidates.containsKey(c)) {
        Callee.DifferentiableMethod m = (Callee.DifferentiableMethod) c.callee();
        List<Boolean> active = new ArrayList<>();
        for (int k = 0; k < c.args().size(); k++) {
          active.add(m.parameterTypes().get(k).differentiable() && activity.isActive(c.args().get(k)));
        }
        out.put(candidates.get(c), active.contains(true) ? active : null);
      }
    };
    for (Stmt s : dev.adjoint.processor.analyze.Summaries.statements(method.body())) {
      expressions(s).forEach(e -> ExprWalk.visit(e, visit));
    }
    decided = out;
  }

  /** The expressions directly in {@code s} (not in nested statements). */
  static List<Expr> expressions(Stmt s) {
    List<Expr> out = new ArrayList<>();
    if (s instanceof Stmt.Declare d) {
      out.add(d.init());
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
    } else if (s instanceof Stmt.For f) {
      out.add(f.condition());
    } else if (s instanceof Stmt.Return r) {
      out.add(r.value());
    } else if (s instanceof Stmt.Forward f) {
      out.addAll(f.holes());
    }
    out.removeIf(java.util.Objects::isNull);
    return out;
  }

  /** {@code "'loss' at line 12"}: a method and the line of a tree in it, as call chains name them. */
  public static String line(Trees trees, ExecutableElement method, com.sun.source.tree.Tree tree) {
    TreePath path = trees.getPath(method);
    if (path == null) {
      return "";
    }
    CompilationUnitTree unit = path.getCompilationUnit();
    long start = trees.getSourcePositions().getStartPosition(unit, tree);
    return start < 0 ? "" : " at line " + unit.getLineMap().getLineNumber(start);
  }
}
