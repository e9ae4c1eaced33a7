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
 * (directly or through others of its class) has no {@code mHvp} through its own gradient (that would rerun the
 * gradient at every level), a method with a {@code double[]} or {@code double[][]} result has no gradient, and a
 * method that takes
 * records or is an instance method has no gradient on its flat parameters to go through, so its tangent
 * program is made a method of its own, {@code m$tan(args..., directions...)} returning value and tangent
 * stacked in one {@code double[]} ({@code {value, tangent}} for a {@code double} result, {@code 2 n} elements
 * for a {@code double[]} of {@code n}; a {@code double[][]} of {@code n} rows gives {@code 2 n} rows in one
 * {@code double[][]}, {@link StackedRows}), and differentiated by the reverse mode like any other method. A second-order
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
   * parameter ({@code v$x}, a gradient component of its own), a {@code double[]} result: the value followed by
   * its tangent ({@code {value, tangent}} for a {@code double} result, {@code 2 n} elements for a {@code double[]}
   * result of {@code n}); a {@code double[][]} result for a {@code double[][]} of {@code n} rows ({@code 2 n}
   * rows).
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
    return new Callee.DifferentiableMethod(m.owner(), m.companion(), m.name(), types, components,
        stackedType(m.returnType()), m.member() + SUFFIX);
  }

  /**
   * Whether {@code m$tan} is made for a method with result {@code type}: a {@code double} or a {@code double[]}
   * (both stacked into one {@code double[]}: value first, then tangent), or a {@code double[][]} (its rows
   * stacked into one {@code double[][]}, {@link StackedRows}).
   */
  public static boolean stackable(Type type) {
    return type == Type.DOUBLE || type == Type.VECTOR || type == Type.MATRIX;
  }

  /** The result of {@code m$tan} for a method with result {@code type}: {@code double[][]} for a matrix. */
  private static Type stackedType(Type type) {
    return type == Type.MATRIX ? Type.MATRIX : Type.VECTOR;
  }

  /**
   * Whether a second-order program goes through {@code m$tan} for a call of {@code m}: a method with a
   * {@code double}, {@code double[]} or {@code double[][]} result whose companion has it ({@code has} accepts {@link #member}); for a method that
   * takes records or is an instance method, {@code m$tan} is on the flat parameters, as {@code m$jvp}.
   */
  static boolean goesThrough(Callee.DifferentiableMethod m, Predicate<Callee.DifferentiableMethod> has) {
    return stackable(m.returnType()) && has.test(member(m));
  }

  /**
   * The call {@code m$tan(primals..., tangents...)} bound to a temporary declared into {@code out}: its value
   * {@code [0]} and tangent {@code [1]}.
   */
  static Expr[] call(Callee.DifferentiableMethod m, List<Expr> args, List<Stmt> out, Origin origin,
      BiFunction<String, Type, Expr.Var> temp) {
    Type stacked = stackedType(m.returnType());
    Expr.Var pair = temp.apply("_tan", stacked);
    out.add(new Stmt.Declare(pair, new Expr.Call(member(m), args, stacked), origin));
    if (m.returnType() == Type.DOUBLE) {
      return new Expr[] {element(pair, 0), element(pair, 1)};
    }
    if (m.returnType() == Type.MATRIX) {
      return StackedRows.unstack(pair, out, origin, temp);
    }
    // a double[] result: the halves of the stacked array, copied out (their adjoints go back into its ranges)
    Expr.Var half = temp.apply("_tanHalf", Type.INT);
    out.add(new Stmt.Declare(half, new Expr.Binary(Expr.BinaryOp.DIV, new Expr.Length(pair), Expr.Literal.ofInt(2),
        Type.INT), origin));
    Expr.Var value = temp.apply("_tanValue", Type.VECTOR);
    out.add(new Stmt.Declare(value, new Expr.Clone(pair, Expr.Literal.ofInt(0), half), origin));
    Expr.Var end = temp.apply("_tanEnd", Type.INT);
    out.add(new Stmt.Declare(end, new Expr.Binary(Expr.BinaryOp.ADD, half, half, Type.INT), origin));
    Expr.Var tangent = temp.apply("_tanTangent", Type.VECTOR);
    out.add(new Stmt.Declare(tangent, new Expr.Clone(pair, half, end), origin));
    return new Expr[] {value, tangent};
  }

  private static Expr element(Expr.Var pair, int k) {
    return new Expr.Index(pair, new Expr.Literal(Integer.toString(k), Type.INT), Type.DOUBLE);
  }

  /**
   * Whether {@code method} (a {@code @Differentiable} method or a plain helper's specialisation, whose name is its
   * member) calls itself directly (a cycle through other methods is found by the caller, which knows them).
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
   * The reverse program of {@code m$tan} for {@code method}, or null when there is none: its result is neither
   * a {@code double}, a {@code double[]} nor a {@code double[][]}, or its tangent program calls a method that neither has {@code m$tan} nor {@code mHvp}
   * ({@code has} says which do, as for {@link SecondOrder#hvpProgram}).
   */
  public static AdjointProgram program(MethodIr method, Predicate<Callee.DifferentiableMethod> has) {
    if (!stackable(method.returnType()) || method.differentiableParameters().isEmpty()) {
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
    boolean scalar = m.returnType() == Type.DOUBLE;
    Expr.Var value = new Expr.Var("value" + SUFFIX, m.returnType());
    for (Expr.Var v : program.locals()) {
      if (!v.equals(program.result())) {
        statements.add(new Stmt.Declare(v, null, Origin.SYNTHETIC));
      }
    }
    statements.add(new Stmt.Declare(value, scalar ? DerivativeRules.literal("0.0") : null, Origin.SYNTHETIC));
    for (Expr.Var v : program.tangentLocals()) {
      // as TangentSweep.asMethod: a scalar tangent starts at an explicit 0.0
      statements.add(new Stmt.Declare(v, v.type() == Type.DOUBLE ? DerivativeRules.literal("0.0") : null,
          Origin.SYNTHETIC));
    }
    for (Stmt s : program.body().statements()) {
      statements.add(renameResult(s, program.result(), value));
    }
    if (scalar) {
      Expr tangent = program.resultTangent() == null ? DerivativeRules.literal("0.0") : program.resultTangent();
      statements.add(new Stmt.Return(new Expr.ArrayInit(Type.VECTOR, List.of(value, tangent)), Origin.SYNTHETIC));
    } else if (m.returnType() == Type.MATRIX) {
      statements.addAll(StackedRows.stack(value, program.resultTangent()));
    } else {
      statements.addAll(stacked(value, program.resultTangent()));
    }
    return new MethodIr(m.packageName(), m.ownerCanonicalName(), m.companionSimpleName(), m.name() + SUFFIX,
        parameters, stackedType(m.returnType()), new Stmt.Block(statements, m.body().origin()), m.isPublic(), m.origin());
  }

  /**
   * {@code double[] stacked$tan = Arrays.copyOf(value, 2 n)}, then the tangent (when the result is varied, else
   * zeros) written into its second half, returned.
   */
  private static List<Stmt> stacked(Expr.Var value, Expr.Var tangent) {
    List<Stmt> out = new ArrayList<>();
    Expr.Var stacked = new Expr.Var("stacked" + SUFFIX, Type.VECTOR);
    Expr n = new Expr.Length(value);
    out.add(new Stmt.Declare(stacked, new Expr.Clone(value, null, new Expr.Binary(Expr.BinaryOp.MUL,
        Expr.Literal.ofInt(2), n, Type.INT)), Origin.SYNTHETIC));
    if (tangent != null) {
      Expr.Var k = new Expr.Var("k" + SUFFIX, Type.INT);
      Stmt write = new Stmt.Assign(new Expr.Index(stacked, new Expr.Binary(Expr.BinaryOp.ADD, n, k, Type.INT),
          Type.DOUBLE), new Expr.Index(tangent, k, Type.DOUBLE), Origin.SYNTHETIC);
      Stmt update = new Stmt.Assign(k, new Expr.Binary(Expr.BinaryOp.ADD, k, Expr.Literal.ofInt(1), Type.INT),
          Origin.SYNTHETIC);
      out.add(new Stmt.For(List.of(new Stmt.Declare(k, Expr.Literal.ofInt(0), Origin.SYNTHETIC)),
          new Expr.Binary(Expr.BinaryOp.LT, k, n, Type.BOOLEAN), List.of(update),
          new Stmt.Block(List.of(write), Origin.SYNTHETIC), Origin.SYNTHETIC));
    }
    out.add(new Stmt.Return(stacked, Origin.SYNTHETIC));
    return out;
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
