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
    // pow(x, 2)' = 2x and pow(x, 3)' = 3 x x, as products: bit-identical to powBase (Math.pow(x, 1) is x,
    // Math.pow(x, 2) is x * x), at a fraction of its cost.
    math("pow", v -> isLiteral(v.arg(1), 2) ? mul(literal("2.0"), v.arg(0))
            : isLiteral(v.arg(1), 3) ? mul(literal("3.0"), mul(v.arg(0), v.arg(0)))
            : partial("powBase", v.arg(0), v.arg(1)),
        v -> partial("powExponent", v.arg(0), v.arg(1), v.result()));
    math("atan2", v -> partial("atan2First", v.arg(0), v.arg(1)),
        v -> partial("atan2Second", v.arg(0), v.arg(1)));
    math("hypot", v -> partial("hypotFirst", v.arg(0), v.result()),
        v -> partial("hypotFirst", v.arg(1), v.result()));
    // fma(a, b, c) = a * b + c, rounded once.
    math("fma", v -> v.arg(1), v -> v.arg(0), v -> one());
    // copySign(m, s) = |m| with the sign of s: d/dm = signum(m) * copySign(1, s), 0 at m = 0 as PyTorch's
    // copysign (result / m); the sign of s is piecewise constant: d/ds = 0.
    math("copySign", v -> mul(call("signum", v.arg(0)), call2("copySign", one(), v.arg(1))), v -> null);
  }

  /**
   * The adjoint contribution of a tensor operation to one argument, built from the primal values and the
   * adjoint {@code g} of the result (a vector-Jacobian product rather than a scalar partial). A
   * {@code null} result means the argument receives nothing.
   */
  @FunctionalInterface
  public interface Adjoint {
    Expr of(Values values, Expr g);
  }

  /** The reverse rule of a tensor operation: one adjoint per argument, the receiver first. */
  public record TensorRule(String operation, List<Adjoint> adjoints) {}

  private static final Map<String, TensorRule> TENSOR = new HashMap<>();
  static final String TENSOR_ADJOINTS = "dev.adjoint.runtime.TensorAdjoints";

  static {
    // Keys are name(argument kinds): T tensor, D double, I int, B boolean, V int[]; the receiver is not listed.
    tensor("add(T)", (v, g) -> kernel("unbroadcast", g, v.arg(0)), (v, g) -> kernel("unbroadcast", g, v.arg(1)));
    tensor("add(D)", (v, g) -> g, (v, g) -> item(t(g, "sum")));
    tensor("sub(T)", (v, g) -> kernel("unbroadcast", g, v.arg(0)),
        (v, g) -> kernel("unbroadcast", t(g, "neg"), v.arg(1)));
    tensor("sub(D)", (v, g) -> g, (v, g) -> neg(item(t(g, "sum"))));
    tensor("mul(T)", (v, g) -> kernel("unbroadcast", t(g, "mul", v.arg(1)), v.arg(0)),
        (v, g) -> kernel("unbroadcast", t(g, "mul", v.arg(0)), v.arg(1)));
    tensor("mul(D)", (v, g) -> t(g, "mul", v.arg(1)), (v, g) -> item(t(t(g, "mul", v.arg(0)), "sum")));
    tensor("div(T)", (v, g) -> kernel("unbroadcast", t(g, "div", v.arg(1)), v.arg(0)),
        (v, g) -> kernel("unbroadcast", t(t(t(g, "mul", v.result()), "div", v.arg(1)), "neg"), v.arg(1)));
    tensor("div(D)", (v, g) -> t(g, "div", v.arg(1)),
        (v, g) -> neg(div(item(t(t(g, "mul", v.result()), "sum")), v.arg(1))));
    tensor("neg()", (v, g) -> t(g, "neg"));
    tensor("exp()", (v, g) -> t(g, "mul", v.result()));
    tensor("log()", (v, g) -> t(g, "div", v.arg(0)));
    tensor("sqrt()", (v, g) -> t(g, "div", t(v.result(), "mul", literal("2.0"))));
    tensor("tanh()", (v, g) -> t(g, "mul", t(t(t(v.result(), "mul", v.result()), "neg"), "add", one())));
    tensor("sigmoid()", (v, g) -> t(g, "mul", t(v.result(), "mul", t(t(v.result(), "neg"), "add", one()))));
    tensor("relu()", (v, g) -> kernel("relu", g, v.arg(0)));
    tensor("abs()", (v, g) -> kernel("abs", g, v.arg(0)));
    tensor("square()", (v, g) -> t(t(g, "mul", v.arg(0)), "mul", literal("2.0")));
    tensor("sin()", (v, g) -> t(g, "mul", t(v.arg(0), "cos")));
    tensor("cos()", (v, g) -> t(t(g, "mul", t(v.arg(0), "sin")), "neg"));
    tensor("log1p()", (v, g) -> t(g, "div", t(v.arg(0), "add", one())));
    tensor("expm1()", (v, g) -> t(g, "mul", t(v.result(), "add", one())));
    tensor("pow(D)", (v, g) -> kernel("pow", g, v.arg(0), v.arg(1)),
        (v, g) -> new Expr.Call(new Callee.Static(TENSOR_ADJOINTS, "powExponent"),
            List.of(g, v.arg(0), v.arg(1), v.result()), Type.DOUBLE));
    tensor("t()", (v, g) -> t(g, "t"));
    tensor("transpose(I,I)", (v, g) -> t(g, "transpose", v.arg(1), v.arg(2)), null, null);
    Adjoint reshapeBack = (v, g) -> t(g, "reshape",
        new Expr.Call(new Callee.TensorMethod("shape"), List.of(v.arg(0)), Type.INT_VECTOR));
    TENSOR.put("reshape", new TensorRule("reshape", java.util.Collections.singletonList(reshapeBack)));
    TENSOR.put("view", new TensorRule("view", java.util.Collections.singletonList(reshapeBack)));
    tensor("sum()", (v, g) -> kernel("expandLike", g, v.arg(0)));
    // g / n divided once, then spread (the same bits as spreading g and dividing every element: one pass less)
    tensor("mean()", (v, g) -> kernel("expandLike", t(g, "div",
        new Expr.Cast(Type.DOUBLE, new Expr.Call(new Callee.TensorMethod("numel"), List.of(v.arg(0)), Type.INT))),
        v.arg(0)));
    tensor("sum(I,B)", (v, g) -> kernel("expandAlong", g, v.arg(0), v.arg(1), v.arg(2)), null, null);
    tensor("mean(I,B)", (v, g) -> t(kernel("expandAlong", g, v.arg(0), v.arg(1), v.arg(2)), "div",
        new Expr.Cast(Type.DOUBLE, new Expr.Call(new Callee.TensorMethod("size"), List.of(v.arg(0), v.arg(1)),
            Type.INT))), null, null);
    tensor("max()", (v, g) -> kernel("extremum", g, v.arg(0), v.result()));
    tensor("min()", (v, g) -> kernel("extremum", g, v.arg(0), v.result()));
    tensor("matmul(T)", (v, g) -> kernel("matmulFirst", g, v.arg(0), v.arg(1)),
        (v, g) -> kernel("matmulSecond", g, v.arg(0), v.arg(1)));
    tensor("dot(T)", (v, g) -> t(v.arg(1), "mul", g), (v, g) -> t(v.arg(0), "mul", g));
    tensor("softmax(I)", (v, g) -> kernel("softmax", g, v.result(), v.arg(1)), null);
    tensor("logSoftmax(I)", (v, g) -> kernel("logSoftmax", g, v.result(), v.arg(1)), null);
    tensor("item()", (v, g) -> new Expr.Call(new Callee.Static(TENSOR_ADJOINTS, "fill"), List.of(g, v.arg(0)),
        Type.TENSOR));
    tensor("crossEntropy(T,V)", (v, g) -> kernel("crossEntropy", g, v.arg(0), v.arg(1)), null);
    IndexingRules.register(TENSOR);
    MoreTensorRules.register(TENSOR);
  }

  private DerivativeRules() {}

  /** The reverse rule of tensor operation {@code name} applied to arguments of {@code types} (receiver first). */
  public static Optional<TensorRule> tensor(String name, List<Type> types, boolean isMethod) {
    if (name.equals("reshape") || name.equals("view") || name.equals("expand")) {
      return Optional.of(TENSOR.get(name));
    }
    // Losses.f(...) reads as a method on the class (read.LossCalls): its rules are keyed "Losses.f(...)".
    boolean loss = isMethod && types.get(0) instanceof Type.Named n && n.canonicalName().equals("dev.adjoint.Losses");
    StringBuilder key = new StringBuilder(loss ? "Losses." : "").append(name).append('(');
    for (int k = isMethod ? 1 : 0; k < types.size(); k++) {
      Type t = types.get(k);
      key.append(k > (isMethod ? 1 : 0) ? "," : "").append(t == Type.TENSOR ? "T" : t == Type.DOUBLE ? "D"
          : t == Type.BOOLEAN ? "B" : t instanceof Type.IntArray ? "V" : "I");
    }
    TensorRule rule = TENSOR.get(key.append(')').toString());
    return Optional.ofNullable(rule != null ? rule : MoreTensorRules.varargs(name, types.size()));
  }

  private static void tensor(String key, Adjoint... adjoints) {
    TENSOR.put(key, new TensorRule(key, java.util.Arrays.asList(adjoints)));
  }

  private static Expr t(Expr receiver, String method, Expr... args) {
    List<Expr> all = new java.util.ArrayList<>();
    all.add(receiver);
    all.addAll(List.of(args));
    return new Expr.Call(new Callee.TensorMethod(method), all, Type.TENSOR);
  }

  private static Expr item(Expr tensor) {
    return new Expr.Call(new Callee.TensorMethod("item"), List.of(tensor), Type.DOUBLE);
  }

  private static Expr kernel(String name, Expr... args) {
    return new Expr.Call(new Callee.Static(TENSOR_ADJOINTS, name), List.of(args), Type.TENSOR);
  }

  /** The rule for {@code Math.name}, if the table has one. */
  public static Optional<Rule> math(String name) {
    return Optional.ofNullable(MATH.get(name));
  }

  /**
   * {@code u} when {@code e} is the logistic function written out, {@code 1 / (1 + Math.exp(-u))} (or with
   * {@code Math.exp(-u) + 1}), else null. Its derivative is {@code y (1 - y)} in its value {@code y}, as a
   * hand-written sigmoid gradient (and PyTorch's) computes it: no {@code exp} again, and 0 rather than
   * {@code 0 · ∞ = NaN} where {@code exp(-u)} overflows.
   */
  static Expr logisticArgument(Expr e) {
    if (!(e instanceof Expr.Binary d && d.op() == BinaryOp.DIV && d.type() == Type.DOUBLE && isLiteral(d.left(), 1)
        && d.right() instanceof Expr.Binary s && s.op() == BinaryOp.ADD)) {
      return null;
    }
    Expr other = isLiteral(s.left(), 1) ? s.right() : isLiteral(s.right(), 1) ? s.left() : null;
    if (other instanceof Expr.Call c && c.callee() instanceof Callee.MathFunction f && f.name().equals("exp")
        && c.args().get(0) instanceof Expr.Unary u && u.op() == Expr.UnaryOp.NEG && u.type() == Type.DOUBLE) {
      return u.operand();
    }
    return null;
  }

  /** The derivative of the logistic function in its value {@code y}: {@code y (1 - y)}. */
  static Expr logisticDerivative(Expr y) {
    return mul(y, sub(one(), y));
  }

  /**
   * {@code de/dx} written in the value {@code y} of {@code e} alone, for {@code e = f(x)} with {@code f} a
   * {@code Math} function whose partial in this table reads only its result ({@code exp}, {@code tanh},
   * {@code sqrt}, {@code tan}, {@code expm1}, {@code cbrt}) or the logistic function ({@link #logisticArgument});
   * else null. A reverse sweep that holds {@code y} then needs no {@code f} again.
   */
  public static Expr derivativeFromResult(Expr e, Expr x, Expr y) {
    if (x.equals(logisticArgument(e))) {
      return logisticDerivative(y);
    }
    if (!(e instanceof Expr.Call c && c.callee() instanceof Callee.MathFunction f && c.args().size() == 1
        && c.args().get(0).equals(x))) {
      return null;
    }
    Rule rule = MATH.get(f.name());
    boolean[] readsArgument = {false};
    Expr partial = rule == null ? null : rule.partials().get(0).of(new Values() {
      @Override
      public Expr arg(int k) {
        readsArgument[0] = true;
        return x;
      }

      @Override
      public Expr result() {
        return y;
      }
    });
    return readsArgument[0] ? null : partial;
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

  static Expr call2(String mathFunction, Expr a, Expr b) {
    return new Expr.Call(new Callee.MathFunction(mathFunction), List.of(a, b), Type.DOUBLE);
  }

  static Expr partial(String name, Expr... args) {
    return new Expr.Call(new Callee.Static(PARTIALS, name), List.of(args), Type.DOUBLE);
  }
}
