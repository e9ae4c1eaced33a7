package dev.adjoint.processor.differentiate;

import static dev.adjoint.processor.differentiate.DerivativeRules.isLiteral;
import static dev.adjoint.processor.differentiate.DerivativeRules.mul;
import static dev.adjoint.processor.differentiate.DerivativeRules.neg;

import dev.adjoint.processor.analyze.Activity;
import dev.adjoint.processor.analyze.StructuredBody;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Forward mode by source transformation: an IR-to-IR pass over the same structured body and activity
 * analysis the reverse mode uses, with the partials of {@link DerivativeRules}. Every assignment to a
 * varied variable {@code v = e} becomes {@code t$v = ė; v = e'}, where {@code ė = Σ ∂e/∂a · ȧ} over the
 * active operands {@code a} and {@code e'} is {@code e} with the operands the partials read bound to
 * temporaries (so nothing is computed twice). Branches and loops keep their shape; an array's tangent is
 * an array of its shape, written where it is written. A call to another {@code @Differentiable} method
 * calls that method's generated {@code mJvp}.
 *
 * <p>Tensor code has no forward rules in the table: {@link #differentiate} throws {@link NoForwardMode}.
 */
public final class TangentSweep {
  /**
   * The tangent program of one method.
   *
   * @param method the source method
   * @param locals the hoisted primal locals of the structured body (the result variable included)
   * @param tangentLocals the tangents of varied locals, declared zero (arrays null) before the body
   * @param body the primal computation interleaved with the tangent statements
   * @param result the variable holding the result
   * @param resultTangent the variable holding the result's tangent, or null when the result is not varied
   * @param callsMethods whether the body calls other {@code @Differentiable} methods' {@code mJvp}
   */
  public record TangentProgram(
      MethodIr method,
      List<Expr.Var> locals,
      List<Expr.Var> tangentLocals,
      Stmt.Block body,
      Expr.Var result,
      Expr.Var resultTangent,
      boolean callsMethods) {
    public TangentProgram {
      locals = List.copyOf(locals);
      tangentLocals = List.copyOf(tangentLocals);
    }
  }

  /** Thrown when a method has no tangent program (tensor code): the reason, for the generated docs. */
  public static final class NoForwardMode extends RuntimeException {
    public NoForwardMode(String reason) {
      super(reason, null, false, false);
    }
  }

  /** The tangent variable of a primal variable: {@code x} → {@code t$x} ({@code $} is not a user name). */
  public static String tangentName(String primal) {
    return "t$" + primal;
  }

  /** The name of the direction parameter of {@code mHvp} for parameter {@code primal}: {@code v$x}. */
  public static String directionName(String primal) {
    return "v$" + primal;
  }

  /**
   * The companion member that runs the tangent program of a method with records or an object on its flat
   * parameters (the records' components, the object's fields), as other companions' tangent sweeps call it:
   * {@code energy} → {@code energy$jvp}.
   */
  public static String flatJvpName(String name) {
    return name + "$jvp";
  }

  /** The name of the {@code mJvp} record of a method: {@code rosenbrock} → {@code RosenbrockJvp}. */
  public static String jvpRecord(String capitalized) {
    return capitalized + "Jvp";
  }

  private final Activity activity;
  private final java.util.Set<String> parameters;
  private final Map<String, Expr.Var> tangentLocals = new LinkedHashMap<>();
  private int temps;
  private boolean callsMethods;
  private java.util.function.Predicate<Callee.DifferentiableMethod> throughGradient = m -> false;
  private java.util.function.Predicate<Callee.DifferentiableMethod> flatJvp = m -> false;

  private TangentSweep(Activity activity, MethodIr method) {
    this.activity = activity;
    // Only differentiable parameters arrive with a tangent; a @NoGrad one reassigned from varied values
    // gets its tangent as a local, declared zero like any other.
    this.parameters = method.differentiableParameters().stream().map(MethodIr.Parameter::name)
        .collect(java.util.stream.Collectors.toUnmodifiableSet());
  }

  /** The tangent program of {@code method}. */
  public static TangentProgram differentiate(MethodIr method) {
    return differentiate(method, m -> false);
  }

  /**
   * The tangent program of {@code method}, in which a call of a method that {@code throughGradient} accepts
   * (a {@code double} result and {@code double} or {@code double[]} differentiable parameters) gets its
   * tangent from that method's gradient, {@code Σ ∂m/∂a_k · ȧ_k}, instead of its {@code mJvp}: the reverse mode can
   * differentiate that again (through the callee's {@code mHvp}), so the program serves for {@code mHvp}. A call
   * of a recursive method whose tangent member {@code throughGradient} accepts goes through that ({@link
   * TangentCalls}).
   */
  public static TangentProgram differentiate(MethodIr method,
      java.util.function.Predicate<Callee.DifferentiableMethod> throughGradient) {
    return differentiate(method, throughGradient, m -> false);
  }

  /**
   * As above; a call of a method that takes records or is an instance method ({@link
   * Callee.DifferentiableMethod#flattened}) with a {@code double} result goes through its companion's flat
   * tangent member {@link #flatJvpName} when {@code flatJvp} accepts it (the companion has it), and otherwise
   * leaves the method without a tangent program ({@link NoForwardMode}).
   */
  public static TangentProgram differentiate(MethodIr method,
      java.util.function.Predicate<Callee.DifferentiableMethod> throughGradient,
      java.util.function.Predicate<Callee.DifferentiableMethod> flatJvp) {
    StructuredBody body = StructuredBody.of(method);
    requireNoTensors(method, body);
    Activity activity = Activity.of(method, body);
    TangentSweep sweep = new TangentSweep(activity, method);
    sweep.throughGradient = throughGradient;
    sweep.flatJvp = flatJvp;
    List<Stmt> out = new ArrayList<>();
    sweep.statement(body.body(), out);
    List<Expr.Var> locals = new ArrayList<>(body.locals());
    locals.add(body.result());
    Expr.Var resultTangent = activity.isVaried(body.result().name()) ? tangentOf(body.result()) : null;
    return new TangentProgram(method, locals, new ArrayList<>(sweep.tangentLocals.values()), Stmt.Block.of(out),
        body.result(), resultTangent, sweep.callsMethods);
  }

  /**
   * The tangent program as a method of the primal arguments and their tangents (marked {@code @NoGrad})
   * that returns the result's tangent {@code ∇f · v}: the reverse mode differentiates it again for
   * Hessian-vector products. Only for {@code double} results.
   */
  public static MethodIr asMethod(TangentProgram program) {
    MethodIr m = program.method();
    List<MethodIr.Parameter> parameters = new ArrayList<>(m.parameters());
    List<Stmt> statements = new ArrayList<>();
    for (MethodIr.Parameter p : m.differentiableParameters()) {
      // The directions are constants of the differentiation; the tangents start from them as locals,
      // since the body may overwrite a scalar parameter and with it its tangent.
      MethodIr.Parameter direction = new MethodIr.Parameter(directionName(p.name()), p.type(), true);
      parameters.add(direction);
      statements.add(new Stmt.Declare(tangentOf(p.variable()), direction.variable(), Origin.SYNTHETIC));
    }
    for (Expr.Var v : program.locals()) {
      // The primal result variable is also the result variable of this method's own lowering: the return
      // below assigns it last, which is all the reverse mode needs.
      if (!v.equals(program.result())) {
        statements.add(new Stmt.Declare(v, null, Origin.SYNTHETIC));
      }
    }
    Set<Expr.Var> undefined = new HashSet<>();
    for (MethodIr.Parameter p : m.parameters()) {
      if (!m.differentiableParameters().contains(p)) {
        undefined.add(tangentOf(p.variable()));
      }
    }
    for (Expr.Var v : program.tangentLocals()) {
      // The scalar tangent of a non-differentiated parameter starts at an explicit 0.0: it has no other
      // definition, and the reverse sweep must see one to save its value before the body overwrites it
      // (h(@NoGrad a, p) { r = (a + p) * p; a -= tanh(p); } read the overwritten t$a in mHvp). Other
      // tangents are defined where their primal is: a second definition here would make the reverse sweep
      // store a loop body's tangents instead of recomputing them (kmeansHvp taped t$diff per element).
      boolean zero = v.type() == Type.DOUBLE && undefined.contains(v);
      statements.add(new Stmt.Declare(v, zero ? DerivativeRules.literal("0.0") : null, Origin.SYNTHETIC));
    }
    statements.addAll(program.body().statements());
    Expr returned = program.resultTangent() == null ? DerivativeRules.literal("0.0") : program.resultTangent();
    statements.add(new Stmt.Return(returned, Origin.SYNTHETIC));
    return new MethodIr(m.packageName(), m.ownerCanonicalName(), m.companionSimpleName(), m.name(), parameters,
        Type.DOUBLE, new Stmt.Block(statements, m.body().origin()), m.isPublic(), m.origin());
  }

  private static void requireNoTensors(MethodIr method, StructuredBody body) {
    boolean tensors = method.returnType() == Type.TENSOR
        || method.parameters().stream().anyMatch(p -> p.type() == Type.TENSOR)
        || body.locals().stream().anyMatch(v -> v.type() == Type.TENSOR);
    for (Stmt.Assign a : Activity.assignments(body.body())) {
      boolean[] found = {false};
      ExprWalk.visit(a.value(), e -> found[0] |= e.type() == Type.TENSOR);
      tensors |= found[0];
    }
    if (tensors) {
      throw new NoForwardMode("the method uses Tensor operations, which have reverse rules only");
    }
  }

  // ------------------------------------------------------------ statements

  private void statement(Stmt s, List<Stmt> out) {
    if (s instanceof Stmt.Block b) {
      List<Stmt> inner = new ArrayList<>();
      for (Stmt x : b.statements()) {
        statement(x, inner);
      }
      out.add(new Stmt.Block(inner, b.origin()));
    } else if (s instanceof Stmt.Assign a) {
      assignment(a, out);
    } else if (s instanceof Stmt.Forward f) {
      // A throw, a print or an assert: runs once, as in the original.
      out.add(f);
    } else if (s instanceof Stmt.If i) {
      List<Stmt> then = new ArrayList<>();
      statement(i.then(), then);
      List<Stmt> otherwise = new ArrayList<>();
      statement(i.otherwise(), otherwise);
      out.add(new Stmt.If(i.condition(), unwrap(then), unwrap(otherwise), i.origin()));
    } else if (s instanceof Stmt.While w) {
      List<Stmt> loopBody = new ArrayList<>();
      statement(w.body(), loopBody);
      out.add(new Stmt.While(w.condition(), unwrap(loopBody), w.origin()));
    } else {
      throw new IllegalStateException("unexpected statement after lowering: " + s);
    }
  }

  private static Stmt.Block unwrap(List<Stmt> statements) {
    return statements.size() == 1 && statements.get(0) instanceof Stmt.Block b ? b : Stmt.Block.of(statements);
  }

  private void assignment(Stmt.Assign a, List<Stmt> out) {
    Expr target = a.target();
    Expr.Var root = ExprWalk.root(target);
    boolean varied = root != null && activity.isVaried(root.name()) && target.type().differentiable();
    if (!varied) {
      out.add(a);
      return;
    }
    Origin origin = a.origin();
    if (origin.line() > 0) {
      out.add(new Stmt.Comment(origin.label(), origin));
    }
    // The element's indices once, before the value, as Java evaluates them: the primal write and the
    // tangent write then address the same slot even when an index reads the array being written
    // (a[(int) a[0]] = v, whose index reads another value once the write is done).
    target = boundIndices(target, out, origin);
    Expr tangentTarget = tangentOf(target);
    Expr value = a.value();
    if (!activity.isActive(value)) {
      out.add(target == a.target() ? a : new Stmt.Assign(target, value, origin));
      out.add(new Stmt.Assign(tangentTarget, zeroTangent(target, value), origin));
      return;
    }
    Dual d = dual(value, out, origin);
    // The tangent first: it reads the operands' values before the assignment may overwrite one of them.
    out.add(new Stmt.Assign(tangentTarget, d.tangent == null ? zeroTangent(target, value) : d.tangent, origin));
    out.add(new Stmt.Assign(target, d.primal, origin));
  }

  /**
   * {@code target} with every index that is not a literal or a variable bound to an {@code int} local
   * declared into {@code out}; a variable or an element whose indices are all leaves is returned as is.
   */
  private Expr boundIndices(Expr target, List<Stmt> out, Origin origin) {
    if (!(target instanceof Expr.Index i)) {
      return target;
    }
    Expr array = boundIndices(i.array(), out, origin);
    Expr index = i.index();
    if (!(index instanceof Expr.Literal || index instanceof Expr.Var)) {
      Expr.Var slot = temp("_fi", index.type());
      out.add(new Stmt.Declare(slot, index, origin));
      index = slot;
    }
    return array == i.array() && index == i.index() ? target : new Expr.Index(array, index, i.type());
  }

  /** The tangent of an inactive value assigned to a varied variable: zero, or zeros of its shape. */
  private static Expr zeroTangent(Expr target, Expr value) {
    if (target.type() == Type.DOUBLE) {
      return DerivativeRules.literal("0.0");
    }
    if (value instanceof Expr.NewArray n) {
      return n;
    }
    // Evaluated after the primal assignment: zeros shaped like the value just stored.
    return new Expr.Call(new Callee.Static(ReverseSweep.ARRAY_ADJOINTS, "zerosLike"), List.of(target),
        target.type());
  }

  // ------------------------------------------------------------ expressions

  /** A primal expression (its operands bound to temporaries where partials read them) and its tangent. */
  private record Dual(Expr primal, Expr tangent) {}

  private Dual dual(Expr e, List<Stmt> out, Origin origin) {
    if (!activity.isActive(e)) {
      return new Dual(e, null);
    }
    if (e instanceof Expr.Var || e instanceof Expr.Index) {
      return new Dual(e, tangentOf(e));
    }
    if (e instanceof Expr.Unary u) {
      Dual d = dual(u.operand(), out, origin);
      return new Dual(new Expr.Unary(u.op(), d.primal, u.type()), d.tangent == null ? null : neg(d.tangent));
    }
    if (e instanceof Expr.Cast c) {
      Dual d = dual(c.operand(), out, origin);
      return new Dual(new Expr.Cast(c.type(), d.primal), d.tangent);
    }
    if (e instanceof Expr.Conditional c) {
      return conditional(c, out, origin);
    }
    if (e instanceof Expr.Clone c) {
      Dual d = dual(c.array(), out, origin);
      if (c.whole()) {
        return new Dual(new Expr.Clone(d.primal), d.tangent == null ? null : new Expr.Clone(d.tangent));
      }
      // Arrays.copyOfRange: the tangent is the same range of the tangent (zero past the end).
      Expr from = c.from() == null ? null : dual(c.from(), out, origin).primal;
      Expr to = dual(c.to(), out, origin).primal;
      if (from != null && !(from instanceof Expr.Var || from instanceof Expr.Literal)) {
        Expr.Var t = temp("_from", Type.INT);
        out.add(new Stmt.Declare(t, from, origin));
        from = t;
      }
      if (!(to instanceof Expr.Var || to instanceof Expr.Literal)) {
        Expr.Var t = temp("_to", Type.INT);
        out.add(new Stmt.Declare(t, to, origin));
        to = t;
      }
      return new Dual(new Expr.Clone(d.primal, from, to), d.tangent == null ? null : new Expr.Clone(d.tangent, from, to));
    }
    if (e instanceof Expr.ArrayInit init) {
      List<Expr> primals = new ArrayList<>();
      List<Expr> tangents = new ArrayList<>();
      for (Expr element : init.elements()) {
        Dual d = dual(element, out, origin);
        primals.add(d.primal);
        tangents.add(d.tangent != null ? d.tangent
            : element instanceof Expr.ArrayInit row ? ArrayDirections.zeroRows(row) : DerivativeRules.literal("0.0"));
      }
      return new Dual(new Expr.ArrayInit(init.type(), primals), new Expr.ArrayInit(init.type(), tangents));
    }
    if (e instanceof Expr.Call c && c.callee() instanceof Callee.DifferentiableMethod m) {
      return call(c, m, out, origin);
    }
    if (e instanceof Expr.Call c && c.callee() instanceof Callee.Custom custom) {
      return custom(c, custom, out, origin);
    }
    if (e instanceof Expr.Component component && component.target() instanceof Expr.Call call
        && call.callee() instanceof Callee.GradientOf gradient) {
      return nestedGradient(component, call, gradient.method(), out, origin);
    }
    if (e instanceof Expr.Binary sq && sq.op() == Expr.BinaryOp.MUL && sq.left().equals(sq.right())) {
      // x * x: one term 2 x ẋ, as the reverse mode accumulates 2 x g once.
      Dual d = dual(sq.left(), out, origin);
      Expr x = bind(d.primal, out);
      // A null tangent is zero (a piecewise-constant operand such as Math.rint): so is the square's.
      return new Dual(new Expr.Binary(Expr.BinaryOp.MUL, x, x, Type.DOUBLE),
          d.tangent == null ? null : mul(d.tangent, mul(DerivativeRules.literal("2.0"), x)));
    }
    DerivativeRules.Rule rule;
    List<Expr> operands;
    if (e instanceof Expr.Binary b) {
      rule = DerivativeRules.operator(b.op()).orElseThrow(
          () -> new IllegalStateException("no derivative rule for operator " + b.op().java));
      operands = List.of(b.left(), b.right());
    } else if (e instanceof Expr.Call c && c.callee() instanceof Callee.MathFunction f) {
      rule = DerivativeRules.math(f.name()).orElseThrow(
          () -> new IllegalStateException("no derivative rule for Math." + f.name()));
      operands = c.args();
    } else {
      throw new IllegalStateException("cannot differentiate " + e);
    }
    List<Dual> args = new ArrayList<>();
    for (Expr operand : operands) {
      Dual d = dual(operand, out, origin);
      // Operand values are bound once: the primal and the partials both read them.
      args.add(new Dual(bind(d.primal, out), d.tangent));
    }
    List<Expr> primalArgs = args.stream().map(Dual::primal).toList();
    Expr rebuilt = e instanceof Expr.Binary b
        ? new Expr.Binary(b.op(), primalArgs.get(0), primalArgs.get(1), b.type())
        : new Expr.Call(((Expr.Call) e).callee(), primalArgs, e.type());
    Expr[] result = {null};
    DerivativeRules.Values values = new DerivativeRules.Values() {
      @Override
      public Expr arg(int k) {
        return primalArgs.get(k);
      }

      @Override
      public Expr result() {
        if (result[0] == null) {
          result[0] = bind(rebuilt, out);
        }
        return result[0];
      }
    };
    Expr tangent = null;
    for (int k = 0; k < args.size(); k++) {
      Expr argTangent = args.get(k).tangent;
      if (argTangent == null) {
        continue;
      }
      Expr partial = rule.partials().get(k).of(values);
      if (partial != null && !isLiteral(partial, 0)) {
        tangent = sum(tangent, mul(argTangent, partial));
      }
    }
    return new Dual(result[0] != null ? result[0] : rebuilt, tangent);
  }

  /** {@code a + b}, written {@code a - c} when {@code b} is {@code -c}; null stands for zero. */
  private static Expr sum(Expr a, Expr b) {
    if (a == null) {
      return b;
    }
    if (b instanceof Expr.Unary u && u.op() == Expr.UnaryOp.NEG) {
      return DerivativeRules.sub(a, u.operand());
    }
    return DerivativeRules.add(a, b);
  }

  /**
   * {@code c ? a : b} with an active branch: an {@code if} that computes the value and tangent of the
   * branch taken only (the other may not be evaluable there, as {@code i < n ? a[i] : 0}).
   */
  private Dual conditional(Expr.Conditional c, List<Stmt> out, Origin origin) {
    Expr.Var value = temp("_fc", c.type());
    Expr.Var tangent = temp("_ftc", c.type());
    out.add(new Stmt.Declare(value, null, origin));
    out.add(new Stmt.Declare(tangent, null, origin));
    List<Stmt> whenTrue = branch(c.whenTrue(), value, tangent, origin);
    List<Stmt> whenFalse = branch(c.whenFalse(), value, tangent, origin);
    out.add(new Stmt.If(c.condition(), Stmt.Block.of(whenTrue), Stmt.Block.of(whenFalse), origin));
    return new Dual(value, tangent);
  }

  private List<Stmt> branch(Expr e, Expr.Var value, Expr.Var tangent, Origin origin) {
    List<Stmt> out = new ArrayList<>();
    Dual d = dual(e, out, origin);
    out.add(new Stmt.Assign(tangent, d.tangent != null ? d.tangent : DerivativeRules.literal("0.0"), origin));
    out.add(new Stmt.Assign(value, d.primal, origin));
    return out;
  }

  /** A nested gradient {@code FGrad.mGradient(a).p()}: see {@link NestedTangents}; no mHvp of its own. */
  private Dual nestedGradient(Expr.Component component, Expr.Call call, Callee.DifferentiableMethod m,
      List<Stmt> out, Origin origin) {
    List<Expr> primals = new ArrayList<>();
    List<Expr> tangents = new ArrayList<>();
    for (Expr arg : call.args()) {
      Dual d = dual(arg, out, origin);
      primals.add(bind(d.primal, out));
      tangents.add(d.tangent);
    }
    callsMethods = true;
    Expr[] valueAndTangent = NestedTangents.of(component, m, primals, tangents, out, origin, this::temp);
    return new Dual(valueAndTangent[0], valueAndTangent[1]);
  }

  /**
   * A method with a {@code @DerivativeOf} derivative: its partials are the derivative's answer to an upstream
   * of 1 (it is linear in the upstream), each times its argument's tangent. No second-order rule: no mHvp.
   */
  private Dual custom(Expr.Call c, Callee.Custom custom, List<Stmt> out, Origin origin) {
    List<Expr> primals = new ArrayList<>();
    List<Expr> tangents = new ArrayList<>();
    for (Expr arg : c.args()) {
      Dual d = dual(arg, out, origin);
      primals.add(bind(d.primal, out));
      tangents.add(d.tangent);
    }
    Expr primal = new Expr.Call(custom, primals, Type.DOUBLE);
    boolean any = false;
    for (int k = 0; k < tangents.size(); k++) {
      any |= custom.differentiable().get(k) && tangents.get(k) != null;
    }
    if (!any) {
      return new Dual(primal, null);
    }
    callsMethods = true;
    List<Expr> args = new ArrayList<>(primals);
    args.add(DerivativeRules.one());
    Type type = custom.returnsArray() ? new Type.DoubleArray(1) : Type.DOUBLE;
    Expr.Var partials = temp("_partial", type);
    out.add(new Stmt.Declare(partials, new Expr.Call(new Callee.Static(custom.owner(), custom.derivative()), args,
        type), origin));
    Expr tangent = null;
    int entry = 0;
    for (int k = 0; k < tangents.size(); k++) {
      if (!custom.differentiable().get(k)) {
        continue;
      }
      if (tangents.get(k) != null) {
        Expr partial = custom.returnsArray()
            ? new Expr.Index(partials, new Expr.Literal(Integer.toString(entry), Type.INT), Type.DOUBLE) : partials;
        Expr term = mul(tangents.get(k), partial);
        tangent = tangent == null ? term : new Expr.Binary(Expr.BinaryOp.ADD, tangent, term, Type.DOUBLE);
      }
      entry++;
    }
    return new Dual(primal, tangent);
  }

  private Dual call(Expr.Call c, Callee.DifferentiableMethod m, List<Stmt> out, Origin origin) {
    boolean flat = m.flattened();
    boolean throughTangent = TangentCalls.goesThrough(m, throughGradient);
    if (flat && !throughTangent && !flatJvp.test(m)) {
      throw new NoForwardMode("'" + m.name() + "' takes a record or is an instance method and has no tangent"
          + " member for its callers (it has no tangent program itself)");
    }
    if (!flat && !throughTangent && m.returnType() == Type.DOUBLE && throughGradient.test(m)
        && java.util.stream.IntStream.range(0, c.args().size()).allMatch(k -> m.gradientComponents().get(k) == null
            || ArrayDirections.supported(m.parameterTypes().get(k)))) {
      return callThroughGradient(c, m, out, origin);
    }
    List<Expr> primals = new ArrayList<>();
    List<Expr> tangents = new ArrayList<>();
    for (int k = 0; k < c.args().size(); k++) {
      Expr arg = c.args().get(k);
      Dual d = dual(arg, out, origin);
      primals.add(d.primal);
      if (m.gradientComponents().get(k) == null) {
        if (d.tangent != null) {
          throw new Refusal(origin, "this passes a value that depends on the differentiable inputs to a parameter"
              + " of '" + m.name() + "' that is not differentiated (@NoGrad): remove @NoGrad from that parameter");
        }
        continue;
      }
      tangents.add(d.tangent != null ? d.tangent : arg.type() == Type.DOUBLE ? DerivativeRules.literal("0.0")
          : new Expr.Call(new Callee.Static(ReverseSweep.ARRAY_ADJOINTS, "zerosLike"), List.of(d.primal),
              arg.type()));
    }
    List<Expr> args = new ArrayList<>(primals);
    args.addAll(tangents);
    if (throughTangent) {
      Expr[] pair = TangentCalls.call(m, args, out, origin, this::temp);
      return new Dual(pair[0], pair[1]);
    }
    Type record = flat ? TangentCalls.flatJvpType(m)
        : new Type.Named(m.companion() + "." + jvpRecord(m.capitalized()));
    Expr.Var jvp = temp("_jvp", record);
    String member = flat ? flatJvpName(m.name()) : m.member() + "Jvp";
    out.add(new Stmt.Declare(jvp, new Expr.Call(new Callee.Static(m.companion(), member), args, record), origin));
    callsMethods = true;
    return new Dual(new Expr.Component(jvp, "value", m.returnType()),
        new Expr.Component(jvp, "tangent", m.returnType()));
  }

  /**
   * {@code m(a)} with the tangent {@code Σ FGrad.mGradient(a).a_k() · ȧ_k} over the varied arguments (a dot
   * product for a {@code double[]} or {@code double[][]} one, see {@link ArrayDirections}).
   */
  private Dual callThroughGradient(Expr.Call c, Callee.DifferentiableMethod m, List<Stmt> out, Origin origin) {
    List<Expr> primals = new ArrayList<>();
    List<Expr> tangents = new ArrayList<>();
    for (int k = 0; k < c.args().size(); k++) {
      Dual d = dual(c.args().get(k), out, origin);
      // an array argument as a copy: the reverse sweep reads it again for the callee's mHvp, after the caller
      // may have written into the array
      primals.add(d.primal.type() instanceof Type.DoubleArray ? ArrayDirections.copy(d.primal, out, origin, this::temp)
          : bind(d.primal, out));
      if (d.tangent != null && m.gradientComponents().get(k) == null) {
        throw new Refusal(origin, "this passes a value that depends on the differentiable inputs to a parameter"
            + " of '" + m.name() + "' that is not differentiated (@NoGrad): remove @NoGrad from that parameter");
      }
      tangents.add(d.tangent);
    }
    Type record = new Type.Named(m.companion() + "." + m.capitalized() + "Gradient");
    Expr gradient = new Expr.Call(new Callee.GradientOf(m), primals, record);
    Expr tangent = null;
    for (int k = 0; k < tangents.size(); k++) {
      if (tangents.get(k) != null) {
        Type type = m.parameterTypes().get(k);
        Expr term = type == Type.DOUBLE
            ? mul(tangents.get(k), new Expr.Component(gradient, m.gradientComponents().get(k), Type.DOUBLE))
            : ArrayDirections.dot(new Expr.Component(gradient, m.gradientComponents().get(k), type), tangents.get(k),
                out, origin, this::temp);
        tangent = tangent == null ? term : new Expr.Binary(Expr.BinaryOp.ADD, tangent, term, Type.DOUBLE);
      }
    }
    return new Dual(new Expr.Call(m, primals, Type.DOUBLE), tangent);
  }

  /** {@code e} itself when it is a leaf, else a temporary holding it. */
  private Expr bind(Expr e, List<Stmt> out) {
    if (e instanceof Expr.Var || e instanceof Expr.Literal || e instanceof Expr.StaticField
        || e instanceof Expr.Component || e instanceof Expr.Index || e.type() != Type.DOUBLE) {
      return e;
    }
    Expr.Var t = temp("_fv", e.type());
    out.add(new Stmt.Declare(t, e, Origin.SYNTHETIC));
    return t;
  }

  private Expr.Var temp(String prefix, Type type) {
    return new Expr.Var(prefix + "$" + (++temps), type);
  }

  /** The tangent of a variable or element: {@code x} → {@code t$x}, {@code a[i]} → {@code t$a[i]}. */
  private Expr tangentOf(Expr e) {
    if (e instanceof Expr.Var v) {
      Expr.Var t = tangentOf(v);
      if (!parameters.contains(v.name())) {
        tangentLocals.putIfAbsent(t.name(), t);
      }
      return t;
    }
    if (e instanceof Expr.Index i) {
      return new Expr.Index(tangentOf(i.array()), i.index(), i.type());
    }
    throw new IllegalStateException("no tangent for " + e);
  }

  static Expr.Var tangentOf(Expr.Var v) {
    return new Expr.Var(tangentName(v.name()), v.type());
  }
}
