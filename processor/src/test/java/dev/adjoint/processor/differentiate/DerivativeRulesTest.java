package dev.adjoint.processor.differentiate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.read.MethodReader;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Checks the derivative table on its own: every partial, evaluated numerically by a small IR interpreter,
 * against central differences of the {@code Math} function itself.
 */
class DerivativeRulesTest {
  /** Sample points inside every function's smooth domain (asin/acos need |x| < 1, log needs x > 0). */
  private static final double[][] POINTS = {{0.3, 0.7}, {0.55, 1.9}, {0.81, 0.45}, {0.12, 2.6}};

  @Test
  void everyMathFunctionTheReaderAcceptsHasARule() {
    for (String name : MethodReader.mathFunctions()) {
      assertTrue(DerivativeRules.math(name).isPresent(), "no derivative rule for Math." + name);
    }
  }

  @Test
  void mathPartialsMatchCentralDifferences() throws Exception {
    for (String name : MethodReader.mathFunctions()) {
      DerivativeRules.Rule rule = DerivativeRules.math(name).orElseThrow();
      Method f = mathMethod(name, rule.partials().size());
      for (double[] point : POINTS) {
        double[] args = Arrays.copyOf(point, rule.partials().size());
        for (int k = 0; k < args.length; k++) {
          double expected = centralDifference(f, args, k);
          Expr partial = rule.partials().get(k).of(values(args, invoke(f, args)));
          double actual = partial == null ? 0.0 : evaluate(partial);
          assertEquals(expected, actual, 1e-5 + 1e-4 * Math.abs(expected),
              "d Math." + name + " / d arg" + k + " at " + Arrays.toString(args));
        }
      }
    }
  }

  @Test
  void operatorPartialsMatchCentralDifferences() {
    Map<Expr.BinaryOp, java.util.function.DoubleBinaryOperator> ops = Map.of(
        Expr.BinaryOp.ADD, (a, b) -> a + b,
        Expr.BinaryOp.SUB, (a, b) -> a - b,
        Expr.BinaryOp.MUL, (a, b) -> a * b,
        Expr.BinaryOp.DIV, (a, b) -> a / b,
        Expr.BinaryOp.REM, (a, b) -> a % b);
    ops.forEach((op, f) -> {
      DerivativeRules.Rule rule = DerivativeRules.operator(op).orElseThrow();
      for (double[] point : new double[][] {{2.3, 0.7}, {-1.1, 0.45}, {5.2, -1.9}}) {
        double y = f.applyAsDouble(point[0], point[1]);
        for (int k = 0; k < 2; k++) {
          double[] plus = point.clone();
          double[] minus = point.clone();
          plus[k] += 1e-6;
          minus[k] -= 1e-6;
          double expected = (f.applyAsDouble(plus[0], plus[1]) - f.applyAsDouble(minus[0], minus[1])) / 2e-6;
          double actual = evaluate(rule.partials().get(k).of(values(point, y)));
          assertEquals(expected, actual, 1e-5 + 1e-4 * Math.abs(expected), op + " arg" + k);
        }
      }
    });
  }

  @Test
  void pytorchConventionsAtNonDifferentiablePoints() throws Exception {
    assertEquals(0.0, evaluate(DerivativeRules.math("abs").orElseThrow().partials().get(0).of(values(new double[] {0}, 0))));
    assertEquals(Double.POSITIVE_INFINITY,
        evaluate(DerivativeRules.math("sqrt").orElseThrow().partials().get(0).of(values(new double[] {0}, 0))));
    DerivativeRules.Rule max = DerivativeRules.math("max").orElseThrow();
    assertEquals(0.5, evaluate(max.partials().get(0).of(values(new double[] {2, 2}, 2))));
    assertEquals(0.5, evaluate(max.partials().get(1).of(values(new double[] {2, 2}, 2))));
    DerivativeRules.Rule pow = DerivativeRules.math("pow").orElseThrow();
    assertEquals(0.0, evaluate(pow.partials().get(0).of(values(new double[] {0, 0}, 1))));
    assertEquals(0.0, evaluate(pow.partials().get(0).of(values(new double[] {3, 0}, 1))));
    assertEquals(0.0, evaluate(pow.partials().get(1).of(values(new double[] {0, 2}, 0))));
  }

  private static DerivativeRules.Values values(double[] args, double result) {
    return new DerivativeRules.Values() {
      @Override
      public Expr arg(int k) {
        return new Expr.Literal(Double.toString(args[k]), Type.DOUBLE);
      }

      @Override
      public Expr result() {
        return new Expr.Literal(Double.toString(result), Type.DOUBLE);
      }
    };
  }

  private static Method mathMethod(String name, int arity) throws NoSuchMethodException {
    Class<?>[] types = new Class<?>[arity];
    Arrays.fill(types, double.class);
    return Math.class.getMethod(name, types);
  }

  private static double invoke(Method f, double[] args) throws Exception {
    Object[] boxed = new Object[args.length];
    for (int i = 0; i < args.length; i++) {
      boxed[i] = args[i];
    }
    return ((Number) f.invoke(null, boxed)).doubleValue();
  }

  private static double centralDifference(Method f, double[] args, int k) throws Exception {
    double[] plus = args.clone();
    double[] minus = args.clone();
    plus[k] += 1e-6;
    minus[k] -= 1e-6;
    return (invoke(f, plus) - invoke(f, minus)) / 2e-6;
  }

  /** A small interpreter for the IR the rules build: literals, arithmetic, Math and Partials calls. */
  static double evaluate(Expr e) {
    try {
      if (e instanceof Expr.Literal l) {
        return Double.parseDouble(l.text());
      }
      if (e instanceof Expr.Unary u && u.op() == Expr.UnaryOp.NEG) {
        return -evaluate(u.operand());
      }
      if (e instanceof Expr.Binary b) {
        double l = evaluate(b.left());
        double r = evaluate(b.right());
        switch (b.op()) {
          case ADD: return l + r;
          case SUB: return l - r;
          case MUL: return l * r;
          case DIV: return l / r;
          default: break;
        }
      }
      if (e instanceof Expr.Call c) {
        List<Double> args = new ArrayList<>();
        for (Expr a : c.args()) {
          args.add(evaluate(a));
        }
        Class<?> owner = c.callee() instanceof Callee.MathFunction ? Math.class
            : Class.forName(((Callee.Static) c.callee()).owner());
        String name = c.callee() instanceof Callee.MathFunction m ? m.name() : ((Callee.Static) c.callee()).name();
        Class<?>[] types = new Class<?>[args.size()];
        Arrays.fill(types, double.class);
        return ((Number) owner.getMethod(name, types).invoke(null, args.toArray())).doubleValue();
      }
    } catch (ReflectiveOperationException ex) {
      fail(ex);
    }
    throw new AssertionError("cannot evaluate " + e);
  }
}
