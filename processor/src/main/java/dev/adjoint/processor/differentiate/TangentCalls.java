package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.StmtWalk;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * Second order through calls of a recursive method (design.md §7 "More modes"): a method that calls itself
 * has no {@code mHvp} through its own gradient (that would rerun the gradient at every level), and a method
 * that takes records or is an instance method has no gradient on its flat parameters to go through, so its
 * tangent program is made a method of its own, {@code m$tan(args..., directions...)} returning
 * {@code {value, tangent}}, and differentiated by the reverse mode like any other method. A second-order
 * program (the tangent program that {@link SecondOrder} differentiates again) calls {@code m$tan} where the
 * tangent program calls {@code mJvp}; the reverse mode then keeps the callee's tape per call (split mode, {@link CallBoundary}), so
 * {@code mHvp} of a recursion {@code n} deep costs O(n), as its gradient does. The reverse of {@code m$tan}
 * with the upstream {@code (ū, ṫ)} is {@code ū ∇m + ṫ H ȧ} for the arguments and {@code ṫ ∇m} for the
 * directions.
 */
public final class TangentCalls {
  /** The suffix of the tangent member: {@code pw} → {@code pw$tan}. */
  public static final String SUFFIX = "$tan";

  private TangentCalls() {}

  /**
   * The record a flat tangent member ({@link TangentSweep#flatJvpName}) returns for a result other than
   * {@code double}: {@code value} and {@code tangent} of the flat IR's result type ({@code step} →
   * {@code StepJvp$flat}); a {@code double} result's is {@code mJvp}'s own record.
   */
  public static String flatJvpRecord(String capitalized) {
    return capitalized + "Jvp$flat";
  }

  /** The record type the tangent member of the flattened callee {@code m} returns. */
  static Type flatJvpType(Callee.DifferentiableMethod m) {
    return new Type.Named(m.companion() + "." + (m.returnType() == Type.DOUBLE
        ? TangentSweep.jvpRecord(m.capitalized()) : flatJvpRecord(m.capitalized())));
  }

  /** Whether {@code member} names a tangent member ({@link #SUFFIX}). */
  public static boolean isMember(String member) {
    return member.endsWith(SUFFIX);
  }

  /**
   * The callee {@code m$tan} of {@code m}: {@code m}'s parameters followed by one direction per differentiable
   * parameter ({@code v$x}, a gradient component of its own), a {@code double[]} result.
   */
  public static Callee.DifferentiableMethod member(Callee.DifferentiableMethod m) {
    List<Type> types = new ArrayList<>(m.parameterTypes());
    // m$tan's gradient record is a flat one: a record's component p.w() is p$w there, as m$tan's parameter
    List<String> components = m.gradientComponents().stream()
        .map(c -> c == null || !m.flattened() ? c : c.replace("().", "$")).collect(java.util.stream.Collectors
            .toCollection(ArrayList::new));
    for (int k = 0; k < m.parameterTypes().size(); k++) {
      if (components.get(k) != null) {
        types.add(m.parameterTypes().get(k));
        components.add(TangentSweep.directionName(components.get(k)));
      }
    }
    return new Callee.DifferentiableMethod(m.owner(), m.companion(), m.name(), types, components, Type.VECTOR,
        m.member() + SUFFIX);
  }

  /**
   * Whether a second-order program goes through {@code m$tan} for a call of {@code m}: a method with a
   * {@code double} result whose companion has it ({@code has} accepts {@link #member}); for a method that
   * takes records or is an instance method, {@code m$tan} is on the flat parameters, as {@code m$jvp}.
   */
  static boolean goesThrough(Callee.DifferentiableMethod m, Predicate<Callee.DifferentiableMethod> has) {
    return m.returnType() == Type.DOUBLE && has.test(member(m));
  }

  /**
   * The call {@code m$tan(primals..., tangents...)} bound to a temporary declared into {@code out}: its value
   * {@code [0]} and tangent {@code [1]}.
   */
  static Expr[] call(Callee.DifferentiableMethod m, List<Expr> args, List<Stmt> out, Origin origin,
      BiFunction<String, Type, Expr.Var> temp) {
    Expr.Var pair = temp.apply("_tan", Type.VECTOR);
    out.add(new Stmt.Declare(pair, new Expr.Call(member(m), args, Type.VECTOR), origin));
    return new Expr[] {element(pair, 0), element(pair, 1)};
  }

  private static Expr element(Expr.Var pair, int k) {
    return new Expr.Index(pair, new Expr.Literal(Integer.toString(k), Type.INT), Type.DOUBLE);
  }

  /**
   * Whether {@code method} (a {@code @Differentiable} method or a plain helper's specialisation, whose name is its
   * member) calls itself directly: only such methods get {@code m$tan}.
   */
  public static boolean selfRecursive(MethodIr method) {
    String companion = companion(method);
    boolean[] found = {false};
    StmtWalk.statements(method.body(), s -> StmtWalk.evaluated(s, e -> dev.adjoint.processor.ir.ExprWalk.visit(e,
        x -> found[0] |= x instanceof Expr.Call c && c.callee() instanceof Callee.DifferentiableMethod m
            && m.member().equals(method.name()) && m.companion().equals(companion))));
    return found[0];
  }

  /** The canonical name of {@code method}'s companion. */
  public static String companion(MethodIr method) {
    return method.packageName().isEmpty() ? method.companionSimpleName()
        : method.packageName() + "." + method.companionSimpleName();
  }

  /**
   * The reverse program of {@code m$tan} for {@code method}, or null when there is none: its result is not a
   * {@code double}, or its tangent program calls a method that neither has {@code m$tan} nor {@code mHvp}
   * ({@code has} says which do, as for {@link SecondOrder#hvpProgram}).
   */
  public static AdjointProgram program(MethodIr method, Predicate<Callee.DifferentiableMethod> has) {
    if (method.returnType() != Type.DOUBLE || method.differentiableParameters().isEmpty()) {
      return null;
    }
    try {
      TangentSweep.TangentProgram tangent = TangentSweep.differentiate(method, has);
      if (tangent.callsMethods()) {
        return null;
      }
      return ReverseSweep.differentiate(SecondOrder.expand(asMethod(tangent)));
    } catch (TangentSweep.NoForwardMode | Refusal | IllegalStateException e) {
      return null;
    }
  }

  /**
   * The tangent program as the method {@code m$tan}: the primal arguments and one differentiable direction
   * per differentiable parameter, returning {@code {value, tangent}}.
   */
  static MethodIr asMethod(TangentSweep.TangentProgram program) {
    MethodIr m = program.method();
    List<MethodIr.Parameter> parameters = new ArrayList<>(m.parameters());
    List<Stmt> statements = new ArrayList<>();
    for (MethodIr.Parameter p : m.differentiableParameters()) {
      MethodIr.Parameter direction = new MethodIr.Parameter(TangentSweep.directionName(p.name()), p.type(), false);
      parameters.add(direction);
      statements.add(new Stmt.Declare(TangentSweep.tangentOf(p.variable()), direction.variable(), Origin.SYNTHETIC));
    }
    // The primal result gets a name of its own: this method's lowering has its own result, the pair.
    Expr.Var value = new Expr.Var("value" + SUFFIX, Type.DOUBLE);
    for (Expr.Var v : program.locals()) {
      if (!v.equals(program.result())) {
        statements.add(new Stmt.Declare(v, null, Origin.SYNTHETIC));
      }
    }
    statements.add(new Stmt.Declare(value, DerivativeRules.literal("0.0"), Origin.SYNTHETIC));
    for (Expr.Var v : program.tangentLocals()) {
      // as TangentSweep.asMethod: a scalar tangent starts at an explicit 0.0
      statements.add(new Stmt.Declare(v, v.type() == Type.DOUBLE ? DerivativeRules.literal("0.0") : null,
          Origin.SYNTHETIC));
    }
    for (Stmt s : program.body().statements()) {
      statements.add(renameResult(s, program.result(), value));
    }
    Expr tangent = program.resultTangent() == null ? DerivativeRules.literal("0.0") : program.resultTangent();
    statements.add(new Stmt.Return(new Expr.ArrayInit(Type.VECTOR, List.of(value, tangent)), Origin.SYNTHETIC));
    return new MethodIr(m.packageName(), m.ownerCanonicalName(), m.companionSimpleName(), m.name() + SUFFIX,
        parameters, Type.VECTOR, new Stmt.Block(statements, m.body().origin()), m.isPublic(), m.origin());
  }

  /** {@code s} with its assignments to the primal result {@code result} made to {@code value}. */
  private static Stmt renameResult(Stmt s, Expr.Var result, Expr.Var value) {
    if (s instanceof Stmt.Block b) {
      return new Stmt.Block(b.statements().stream().map(x -> renameResult(x, result, value)).toList(), b.origin());
    }
    if (s instanceof Stmt.Assign a && a.target().equals(result)) {
      return new Stmt.Assign(value, a.value(), a.origin());
    }
    if (s instanceof Stmt.If i) {
      return new Stmt.If(i.condition(), (Stmt.Block) renameResult(i.then(), result, value),
          (Stmt.Block) renameResult(i.otherwise(), result, value), i.origin());
    }
    if (s instanceof Stmt.While w) {
      return new Stmt.While(w.condition(), (Stmt.Block) renameResult(w.body(), result, value), w.origin());
    }
    return s;
  }
}
