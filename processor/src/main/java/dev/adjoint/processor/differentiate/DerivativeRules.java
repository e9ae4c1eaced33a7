package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Expr.BinaryOp;
import dev.adjoint.processor.ir.Type;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one table of derivative rules: for every arithmetic operator and {@code Math} function, its partial
 * derivative with respect to each argument, as IR built from the argument values and the result value.
 * Reverse mode multiplies each partial by the adjoint of the result; a forward mode would multiply by the
 * argument's tangent. A {@code null} partial means "zero everywhere" (the piecewise constant functions).
 */
public final class DerivativeRules {
  /**
   * The primal values a partial may read. Implementations bind a value only when a partial asks for it,
   * so that generated code computes nothing it does not use.
   */
  public interface Values {
    /** The value of argument {@code k}. */
    Expr arg(int k);

    /** The value of the operation's result. */
    Expr result();
  }

  /** Builds one partial derivative from the primal values. */
  @FunctionalInterface
  public interface Partial {
    Expr of(Values values);
  }

  /** The partials of one operation, one per argument. */
  public record Rule(String operation, List<Partial> partials) {}

  static final String PARTIALS = "dev.adjoint.runtime.Partials";

  private static final Map<String, Rule> MATH = new HashMap<>();
  private static final Map<BinaryOp, Rule> OPERATORS = new HashMap<>();

  static {
    // d/da and d/db of the arithmetic operators.
    operator(BinaryOp.ADD, v -> one(), v -> one());
    operator(BinaryOp.SUB, v -> one(), v -> minusOne());
    operator(BinaryOp.MUL, v -> v.arg(1), v -> v.arg(0));
    // a / b: 1/b and -a/b^2 = -y/b.
    operator(BinaryOp.DIV, v -> div(one(), v.arg(1)), v -> neg(div(v.result(), v.arg(1))));
    // fmod: a - trunc(a/b) * b, so 1 and -trunc(a/b) = -(a - y)/b, as PyTorch's fmod.
    operator(BinaryOp.REM, v -> one(), v -> neg(div(sub(v.arg(0), v.result()), v.arg(1))));

    math("sin", v -> call("cos", v.arg(0)));
    math("cos", v -> neg(call("sin", v.arg(0))));
    math("tan", v -> add(one(), mul(v.result(), v.result())));
    math("asin", v -> div(one(), call("sqrt", sub(one(), mul(v.arg(0), v.arg(0))))));
    math("acos", v -> neg(div(one(), call("sqrt", sub(one(), mul(v.arg(0), v.arg(0)))))));
    math("atan", v -> div(one(), add(one(), mul(v.arg(0), v.arg(0)))));
    math("sinh", v -> call("cosh", v.arg(0)));
    math("cosh", v -> call("sinh", v.arg(0)));
    math("tanh", v -> sub(one(), mul(v.result(), v.result())));
    math("exp", v -> v.result());
    math("expm1", v -> add(v.result(), one()));
    math("log", v -> div(one(), v.arg(0)));
    math("log10", v -> div(one(), mul(v.arg(0), literal("2.302585092994046"))));
    math("log1p", v -> div(one(), add(one(), v.arg(0))));
    // sqrt'(0) = +inf, as PyTorch: 1 / (2 y).
    math("sqrt", v -> div(one(), mul(literal("2.0"), v.result())));
    math("cbrt", v -> div(one(), mul(literal("3.0"), mul(v.result(), v.result()))));
    math("toRadians", v -> literal("0.017453292519943295"));
    math("toDegrees", v -> literal("57.29577951308232"));
    math("abs", v -> partial("abs", v.arg(0)));
    // Piecewise constant: zero derivative everywhere (PyTorch's floor, ceil, round, sign).
    math("signum", v -> null);
    math("floor", v -> null);
    math("ceil", v -> null);
    math("rint", v -> null);
    math("round", v -> null);
    math("max", v -> partial("maxFirst", v.arg(0), v.arg(1)),
        v -> partial("maxSecond", v.arg(0), v.arg(1)));
    math("min", v -> partial("minFirst", v.arg(0), v.arg(1)),
        v -> partial("minSecond", v.arg(0), v.arg(1)));
    math("pow", v -> partial("powBase", v.arg(0), v.arg(1)),
        v -> partial("powExponent", v.arg(0), v.arg(1), v.result()));
    math("atan2", v -> partial("atan2First", v.arg(0), v.arg(1)),
        v -> partial("atan2Second", v.arg(0), v.arg(1)));
    math("hypot", v -> partial("hypotFirst", v.arg(0), v.result()),
        v -> partial("hypotFirst", v.arg(1), v.result()));
  }

  private DerivativeRules() {}

  /** The rule for {@code Math.name}, if the table has one. */
  public static Optional<Rule> math(String name) {
    return Optional.ofNullable(MATH.get(name));
  }

  /** The rule for an arithmetic operator, if it is differentiable. */
  public static Optional<Rule> operator(BinaryOp op) {
    return Optional.ofNullable(OPERATORS.get(op));
  }

  /** The names of every {@code Math} function with a rule. */
  public static java.util.Set<String> mathFunctions() {
    return java.util.Collections.unmodifiableSet(MATH.keySet());
  }

  private static void math(String name, Partial... partials) {
    MATH.put(name, new Rule(name, List.of(partials)));
  }

  private static void operator(BinaryOp op, Partial... partials) {
    OPERATORS.put(op, new Rule(op.java, List.of(partials)));
  }

  // IR building, simplifying the trivial cases so generated code reads as a person would write it.

  static Expr literal(String text) {
    return new Expr.Literal(text, Type.DOUBLE);
  }

  static Expr one() {
    return literal("1.0");
  }

  static Expr minusOne() {
    return literal("-1.0");
  }

  static boolean isLiteral(Expr e, double value) {
    return e instanceof Expr.Literal l && l.is(value);
  }

  static Expr neg(Expr e) {
    if (isLiteral(e, 1)) {
      return minusOne();
    }
    if (isLiteral(e, -1)) {
      return one();
    }
    if (e instanceof Expr.Unary u && u.op() == Expr.UnaryOp.NEG) {
      return u.operand();
    }
    return new Expr.Unary(Expr.UnaryOp.NEG, e, Type.DOUBLE);
  }

  static Expr mul(Expr a, Expr b) {
    if (isLiteral(a, 1)) {
      return b;
    }
    if (isLiteral(b, 1)) {
      return a;
    }
    if (isLiteral(a, -1)) {
      return neg(b);
    }
    if (isLiteral(b, -1)) {
      return neg(a);
    }
    return new Expr.Binary(BinaryOp.MUL, a, b, Type.DOUBLE);
  }

  static Expr div(Expr a, Expr b) {
    return new Expr.Binary(BinaryOp.DIV, a, b, Type.DOUBLE);
  }

  static Expr add(Expr a, Expr b) {
    return new Expr.Binary(BinaryOp.ADD, a, b, Type.DOUBLE);
  }

  static Expr sub(Expr a, Expr b) {
    return new Expr.Binary(BinaryOp.SUB, a, b, Type.DOUBLE);
  }

  static Expr call(String mathFunction, Expr arg) {
    return new Expr.Call(new Callee.MathFunction(mathFunction), List.of(arg), Type.DOUBLE);
  }

  static Expr partial(String name, Expr... args) {
    return new Expr.Call(new Callee.Static(PARTIALS, name), List.of(args), Type.DOUBLE);
  }
}
