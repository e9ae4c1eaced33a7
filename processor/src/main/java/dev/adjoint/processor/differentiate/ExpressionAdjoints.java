package dev.adjoint.processor.differentiate;

import static dev.adjoint.processor.differentiate.DerivativeRules.isLiteral;
import static dev.adjoint.processor.differentiate.DerivativeRules.mul;
import static dev.adjoint.processor.differentiate.DerivativeRules.neg;

import dev.adjoint.processor.analyze.Activity;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The adjoint statements of one expression for {@link ReverseSweep}: {@code g}, the adjoint of {@code e}'s
 * value, flows to the adjoints of the active variables and elements {@code e} reads, through the partials of
 * {@link DerivativeRules}, the tensor kernels, and the reverses of called differentiated methods (on the tapes
 * their calls kept, {@link CallBoundary}). Partials are evaluated on the restored state.
 */
final class ExpressionAdjoints {
  private final Activity activity;
  private final CallBoundary calls;
  private final BiFunction<String, Type, Expr.Var> temps;

  ExpressionAdjoints(Activity activity, CallBoundary calls, BiFunction<String, Type, Expr.Var> temps) {
    this.activity = activity;
    this.calls = calls;
    this.temps = temps;
  }

  private Expr.Var temp(String prefix, Type type) {
    return temps.apply(prefix, type);
  }

  private static Expr adjointOf(Expr e) {
    return ReverseSweep.adjointOf(e);
  }

  /** The statements {@link #propagate(Expr, Expr, List, Map, Origin)} emits, as a list. */
  List<Stmt> propagate(Expr e, Expr g, Map<Expr, Expr> values, Origin origin) {
    List<Stmt> out = new ArrayList<>();
    propagate(e, g, out, values, origin);
    return out;
  }

  /**
   * Emits {@code out} statements that add {@code g · ∂e/∂v} to the adjoint of every varied {@code v} in
   * {@code e}. {@code values} memoizes the primal subexpression values bound to temporaries in this scope.
   */
  void propagate(Expr e, Expr g, List<Stmt> out, Map<Expr, Expr> values, Origin origin) {
    if (!activity.isActive(e) || isLiteral(g, 0)) {
      return;
    }
    if (e instanceof Expr.Var || e instanceof Expr.Index) {
      out.add(new Stmt.Accumulate(adjointOf(calls.primal(e)), g, origin));
      return;
    }
    if (e instanceof Expr.Unary u) {
      propagate(u.operand(), neg(g), out, values, origin);
      return;
    }
    if (e instanceof Expr.Cast c) {
      propagate(c.operand(), g, out, values, origin);
      return;
    }
    if (e instanceof Expr.Conditional c) {
      List<Stmt> whenTrue = new ArrayList<>();
      List<Stmt> whenFalse = new ArrayList<>();
      Expr shared = share(g, out);
      propagate(c.whenTrue(), shared, whenTrue, new HashMap<>(values), origin);
      propagate(c.whenFalse(), shared, whenFalse, new HashMap<>(values), origin);
      out.add(new Stmt.If(calls.condition(c), Stmt.Block.of(whenTrue), Stmt.Block.of(whenFalse), origin));
      return;
    }
    if (e instanceof Expr.Call c && c.callee() instanceof Callee.DifferentiableMethod) {
      pullback(c, g, out, values, origin);
      return;
    }
    if (e instanceof Expr.Call c && c.callee() instanceof Callee.Custom custom) {
      customDerivative(c, custom, g, out, values, origin);
      return;
    }
    if (e instanceof Expr.Component c && c.target() instanceof Expr.Call call
        && call.callee() instanceof Callee.GradientOf gradient) {
      nestedGradient(c, call, gradient.method(), g, out, values, origin);
      return;
    }
    if (e instanceof Expr.Call c
        && (c.callee() instanceof Callee.TensorMethod || c.callee() instanceof Callee.TensorFunction)) {
      tensorOperation(c, g, out, values, origin);
      return;
    }
    if (e instanceof Expr.Binary sq && sq.op() == Expr.BinaryOp.MUL && sq.left().equals(sq.right())
        && !calls.containsSite(sq)) {
      // x * x: one accumulation of 2 x g instead of two of x g (not for f(x) * f(x): two calls, two tapes).
      Expr twice = mul(DerivativeRules.literal("2.0"), value(sq.left(), out, values));
      propagate(sq.left(), mul(g, twice), out, values, origin);
      return;
    }
    Expr logistic = DerivativeRules.logisticArgument(e);
    if (logistic != null && !calls.containsSite(e)) {
      // 1 / (1 + exp(-u)): y (1 - y) in its value y, held or computed once
      propagate(logistic, mul(g, DerivativeRules.logisticDerivative(value(e, out, values))), out, values, origin);
      return;
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
    List<Integer> active = new ArrayList<>();
    for (int k = 0; k < operands.size(); k++) {
      if (activity.isActive(operands.get(k))) {
        active.add(k);
      }
    }
    if (active.isEmpty()) {
      return;
    }
    Expr adjoint = active.size() > 1 ? share(g, out) : g;
    DerivativeRules.Values primal = primalValues(operands, e, out, values);
    for (int k : active) {
      // a value a variable holds is read, not computed again (the partial cos(x) of sin(x) where c = cos(x))
      Expr partial = rule.partials().get(k).of(primal);
      if (partial != null) {
        partial = HeldValues.replace(partial, values);
        propagate(operands.get(k), mul(adjoint, partial), out, values, origin);
      }
    }
  }

  /** A tensor operation: its adjoint kernels from the table, one per active argument. */
  private void tensorOperation(Expr.Call c, Expr g, List<Stmt> out, Map<Expr, Expr> values, Origin origin) {
    boolean isMethod = c.callee() instanceof Callee.TensorMethod;
    String name = isMethod ? ((Callee.TensorMethod) c.callee()).name() : ((Callee.TensorFunction) c.callee()).name();
    DerivativeRules.TensorRule rule = DerivativeRules.tensor(name,
        c.args().stream().map(Expr::type).toList(), isMethod).orElseThrow(
            () -> new IllegalStateException("no reverse rule for Tensor." + name));
    List<Integer> active = new ArrayList<>();
    for (int k = 0; k < c.args().size(); k++) {
      if (k < rule.adjoints().size() && rule.adjoints().get(k) != null && activity.isActive(c.args().get(k))) {
        active.add(k);
      }
    }
    if (active.isEmpty()) {
      return;
    }
    Expr adjoint = active.size() > 1 ? share(g, out) : g;
    DerivativeRules.Values primal = primalValues(c.args(), c, out, values);
    for (int k : active) {
      Expr contribution = rule.adjoints().get(k).of(primal, adjoint);
      if (contribution != null) {
        propagate(c.args().get(k), contribution, out, values, origin);
      }
    }
  }

  /** The primal values of {@code operands} and of {@code result}, bound to temporaries only when asked for. */
  private DerivativeRules.Values primalValues(List<Expr> operands, Expr result, List<Stmt> out,
      Map<Expr, Expr> values) {
    return new DerivativeRules.Values() {
      @Override
      public Expr arg(int k) {
        return value(operands.get(k), out, values);
      }

      @Override
      public Expr result() {
        return value(result, out, values);
      }
    };
  }

  /**
   * A call to another {@code @Differentiable} method: the callee's reverse on the tape its augmented
   * forward kept ({@link CallBoundary}); array arguments' adjoints are accumulated by the callee itself.
   */
  void pullback(Expr.Call call, Expr g, List<Stmt> out, Map<Expr, Expr> values, Origin origin) {
    Callee.DifferentiableMethod m = (Callee.DifferentiableMethod) call.callee();
    Type gradientType = new Type.Named(m.companion() + "." + m.capitalized() + "Gradient");
    Expr.Var gradient = temp("_pullback", gradientType);
    Expr.Call reverse;
    Expr result = values.get(call);
    if (calls.recomputes(call) && result != null && calls.atResult(call)) {
      // the callee's derivative in its result, which a variable holds ({@link Recomputable#derivativeAtResult})
      Expr.Var adjoint = temp("_ga", Type.DOUBLE);
      out.add(new Stmt.Declare(adjoint, new Expr.Call(new Callee.Static(m.companion(),
          Recomputable.atResultName(m.member())), List.of(result, g), Type.DOUBLE), origin));
      propagate(call.args().get(0), adjoint, out, values, origin);
      return;
    }
    if (calls.recomputes(call)) {
      // A tiny pure scalar callee: its forward and reverse rerun on the arguments' values, no tape.
      List<Expr> args = new ArrayList<>();
      for (Expr arg : call.args()) {
        args.add(value(arg, out, values));
      }
      args.add(g);
      args.add(CallBoundary.tapeVariables().get(0));
      reverse = new Expr.Call(new Callee.Static(m.companion(), Recomputable.pullbackName(m.member())), args,
          gradientType);
    } else {
      reverse = calls.reverse(call, g, gradientType, activity::isActive);
    }
    if (reverse == null) {
      throw new IllegalStateException("a call outside the statement being differentiated: " + call);
    }
    boolean routed = call.args().stream().anyMatch(arg -> activity.isActive(arg) && arg.type() == Type.TENSOR);
    // Array arguments' adjoints are accumulated by the callee; double parameters' adjoints come back in the
    // registers of this method's double tape (read right away: the next call's reverse overwrites them), tensors'
    // in the gradient record.
    calls.usesRegisters();
    out.add(routed ? new Stmt.Declare(gradient, reverse, origin) : new Stmt.Effect(reverse, origin));
    Map<Integer, Expr.Var> registers = new java.util.HashMap<>();
    int register = 0;
    for (int k = 0; k < call.args().size(); k++) {
      if (m.parameterTypes().get(k) != Type.DOUBLE || m.gradientComponents().get(k) == null) {
        continue;
      }
      if (activity.isActive(call.args().get(k))) {
        Expr.Var adjoint = temp("_ga", Type.DOUBLE);
        out.add(new Stmt.Declare(adjoint, new Expr.Call(new Callee.TapeMember("adjoint"),
            List.of(CallBoundary.tapeVariables().get(0), Expr.Literal.ofInt(register)), Type.DOUBLE), origin));
        registers.put(k, adjoint);
      }
      register++;
    }
    for (int k = 0; k < call.args().size(); k++) {
      Expr arg = call.args().get(k);
      if (!activity.isActive(arg)) {
        continue;
      }
      String component = requireComponent(m, k, origin);
      Expr argAdjoint = new Expr.Component(gradient, component, m.parameterTypes().get(k));
      if (arg.type() == Type.DOUBLE) {
        propagate(arg, registers.get(k), out, values, origin);
      } else if (arg.type() == Type.TENSOR) {
        // A null tensor gradient is zero: nothing flows back.
        Expr.Var tensorAdjoint = temp("_g", Type.TENSOR);
        out.add(new Stmt.Declare(tensorAdjoint, argAdjoint, origin));
        List<Stmt> propagation = new ArrayList<>();
        propagate(arg, tensorAdjoint, propagation, values, origin);
        out.add(new Stmt.If(new Expr.Binary(Expr.BinaryOp.NE, tensorAdjoint, new Expr.Literal("null", Type.TENSOR),
            Type.BOOLEAN), Stmt.Block.of(propagation), Stmt.Block.of(List.of()), origin));
      }
    }
  }

  /**
   * A method with a {@code @DerivativeOf} method: that method, given the arguments' primal values and the
   * upstream adjoint, returns the adjoint of each differentiable parameter (one {@code double}, or an array
   * in parameter order).
   */
  private void customDerivative(Expr.Call call, Callee.Custom custom, Expr g, List<Stmt> out,
      Map<Expr, Expr> values, Origin origin) {
    boolean any = false;
    for (int k = 0; k < call.args().size(); k++) {
      any |= custom.differentiable().get(k) && activity.isActive(call.args().get(k));
    }
    if (!any) {
      return;
    }
    List<Expr> args = new ArrayList<>();
    for (Expr arg : call.args()) {
      args.add(value(arg, out, values));
    }
    args.add(g);
    Type type = custom.returnsArray() ? new Type.DoubleArray(1) : Type.DOUBLE;
    Expr.Var adjoints = temp("_custom", type);
    out.add(new Stmt.Declare(adjoints, new Expr.Call(new Callee.Static(custom.owner(), custom.derivative()), args,
        type), origin));
    int entry = 0;
    for (int k = 0; k < call.args().size(); k++) {
      if (!custom.differentiable().get(k)) {
        continue;
      }
      if (activity.isActive(call.args().get(k))) {
        propagate(call.args().get(k), custom.returnsArray()
            ? new Expr.Index(adjoints, new Expr.Literal(Integer.toString(entry), Type.INT), Type.DOUBLE)
            : adjoints, out, values, origin);
      }
      entry++;
    }
  }

  private static String requireComponent(Callee.DifferentiableMethod m, int k, Origin origin) {
    String component = m.gradientComponents().get(k);
    if (component == null) {
      throw new Refusal(origin, "this passes a value that depends on the differentiable inputs to a parameter of '"
          + m.name() + "' that is not differentiated (@NoGrad), so its gradient would be lost: remove @NoGrad"
          + " from that parameter, or pass a value that does not depend on the inputs");
    }
    return component;
  }

  /** {@code g} itself when it is cheap to repeat, else a temporary holding it. */
  private Expr share(Expr g, List<Stmt> out) {
    if (g instanceof Expr.Var || g instanceof Expr.Literal) {
      return g;
    }
    Expr.Var t = temp("_g", g.type());
    out.add(new Stmt.Declare(t, g, Origin.SYNTHETIC));
    return t;
  }

  /**
   * An expression for the primal value of {@code e} on the restored state: {@code e} itself when it is a
   * leaf, else a temporary bound once per scope (its operands bound first, so chains stay linear).
   */
  Expr value(Expr e, List<Stmt> out, Map<Expr, Expr> values) {
    Expr kept = calls.result(e);
    if (kept != null) {
      return kept;
    }
    if (e instanceof Expr.Var || e instanceof Expr.Literal || e instanceof Expr.StaticField
        || e instanceof Expr.Length || !(e.type() == Type.DOUBLE || e.type() == Type.TENSOR)
        || e instanceof Expr.Index i && isLeafIndex(i)) {
      return calls.primal(e);
    }
    // An expression holding calls is its own evaluation: an equal one elsewhere may have called them again.
    boolean memo = !calls.containsCallSite(e);
    Expr known = memo ? values.get(e) : null;
    if (known != null) {
      return known;
    }
    Expr rebuilt = calls.primal(e);
    if (e instanceof Expr.Binary b) {
      rebuilt = new Expr.Binary(b.op(), value(b.left(), out, values), value(b.right(), out, values), b.type());
    } else if (e instanceof Expr.Unary u) {
      rebuilt = new Expr.Unary(u.op(), value(u.operand(), out, values), u.type());
    } else if (e instanceof Expr.Call c) {
      List<Expr> args = new ArrayList<>();
      for (Expr a : c.args()) {
        args.add(value(a, out, values));
      }
      rebuilt = new Expr.Call(c.callee(), args, c.type());
    }
    // Conditionals are evaluated as written, so that only the branch taken runs.
    Expr.Var t = temp("_v", e.type());
    out.add(new Stmt.Declare(t, rebuilt, Origin.SYNTHETIC));
    if (memo) {
      values.put(e, t);
    }
    return t;
  }

  private static boolean isLeafIndex(Expr.Index i) {
    Expr e = i;
    while (e instanceof Expr.Index x) {
      if (!(x.index() instanceof Expr.Var || x.index() instanceof Expr.Literal)) {
        return false;
      }
      e = x.array();
    }
    return e instanceof Expr.Var || e instanceof Expr.StaticField;
  }

  /**
   * A component of a nested gradient, {@code FGrad.fGradient(args).p()}: the gradient's Jacobian is f's
   * Hessian, which is symmetric, so the upstream {@code g} of component p goes back to the arguments as the
   * Hessian-vector product {@code FGrad.fHvp(args, directions)}, the direction g for p and zero for the others.
   */
  void nestedGradient(Expr.Component component, Expr.Call call, Callee.DifferentiableMethod m, Expr g,
      List<Stmt> out, Map<Expr, Expr> values, Origin origin) {
    List<Expr> args = new ArrayList<>();
    for (Expr arg : call.args()) {
      args.add(value(arg, out, values));
    }
    for (int k = 0; k < call.args().size(); k++) {
      String name = m.gradientComponents().get(k);
      if (name == null) {
        continue;
      }
      Type type = m.parameterTypes().get(k);
      args.add(name.equals(component.name()) ? g : type == Type.DOUBLE ? DerivativeRules.literal("0.0")
          : new Expr.Call(new Callee.Static(ReverseSweep.ARRAY_ADJOINTS, "zerosLike"), List.of(args.get(k)), type));
    }
    Type record = new Type.Named(m.companion() + "." + m.capitalized() + "Gradient");
    Expr.Var hvp = temp("_hvp", record);
    out.add(new Stmt.Declare(hvp, new Expr.Call(new Callee.Static(m.companion(), m.member() + "Hvp"), args, record),
        origin));
    for (int k = 0; k < call.args().size(); k++) {
      Expr arg = call.args().get(k);
      String name = m.gradientComponents().get(k);
      if (name == null || !activity.isActive(arg)) {
        continue;
      }
      Expr adjoint = new Expr.Component(hvp, name, m.parameterTypes().get(k));
      if (arg.type() == Type.DOUBLE) {
        propagate(arg, adjoint, out, values, origin);
      } else {
        out.add(ReverseSweep.addInto(adjointOf(calls.primal(arg)), adjoint, origin));
      }
    }
  }
}
