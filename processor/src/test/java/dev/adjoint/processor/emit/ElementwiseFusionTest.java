package dev.adjoint.processor.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.TapeKind;
import dev.adjoint.processor.ir.Type;
import com.palantir.javapoet.CodeBlock;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which tensor expressions the printer writes as one fused call: chains of two or more element-wise operations,
 * with their operands in evaluation order; not a single operation, and not a chain whose scalar operand has a
 * side effect or reads a variable one of its tensor operands assigns (the fused call evaluates scalar operands
 * after the tensor ones).
 */
class ElementwiseFusionTest {
  private static final Expr X = new Expr.Var("x", Type.TENSOR);
  private static final Expr Y = new Expr.Var("y", Type.TENSOR);
  private static final Expr C = new Expr.Var("c", Type.DOUBLE);

  private static Expr t(Expr receiver, String method, Expr... args) {
    List<Expr> all = new java.util.ArrayList<>(List.of(receiver));
    all.addAll(List.of(args));
    return new Expr.Call(new Callee.TensorMethod(method), all, Type.TENSOR);
  }

  private static String print(Expr e) {
    return JavaCode.expression(e).toString();
  }

  @Test
  void chainsOfTwoOrMoreOperationsAreOneCall() {
    assertEquals("dev.adjoint.FusedElementwise.eval(\"t0 t1 mul s0 add tanh\", new dev.adjoint.Tensor[] {x, y}, "
        + "new double[] {c})", print(t(t(t(X, "mul", Y), "add", C), "tanh")));
    assertEquals("dev.adjoint.FusedElementwise.mean(\"t0 exp\", new dev.adjoint.Tensor[] {x}, new double[] {})",
        print(t(t(X, "exp"), "mean")));
    Expr unbroadcast = new Expr.Call(new Callee.Static("dev.adjoint.runtime.TensorAdjoints", "unbroadcast", false),
        List.of(t(X, "neg"), Y), Type.TENSOR);
    assertEquals("dev.adjoint.FusedElementwise.eval(\"t0 neg u1 t2 mul\", new dev.adjoint.Tensor[] {x, y, x}, "
        + "new double[] {})", print(t(unbroadcast, "mul", X)));
    CodeBlock.Builder code = CodeBlock.builder();
    JavaCode.statements(List.of(new Stmt.Accumulate(new Expr.Var("d", Type.TENSOR), t(X, "mul", Y), null)), code);
    assertEquals("d = dev.adjoint.FusedElementwise.accumulate(d, \"t0 t1 mul\", new dev.adjoint.Tensor[] {x, y}, "
        + "new double[] {});\n", code.build().toString());
  }

  @Test
  void singleOperationsAndOrderSensitiveScalarsAreNotFused() {
    assertEquals("x.mul(y)", print(t(X, "mul", Y)));
    assertEquals("x.sum(0, false)", print(new Expr.Call(new Callee.TensorMethod("sum"), List.of(X,
        Expr.Literal.ofInt(0), new Expr.Literal("false", Type.BOOLEAN)), Type.TENSOR)));
    // a scalar popped from a tape: evaluated after the tensor operands by a fused call, so not fused
    Expr popped = new Expr.Pop(TapeKind.DOUBLES, Type.DOUBLE);
    assertEquals("x.mul(_doubles.pop()).exp()", print(t(t(X, "mul", popped), "exp")));
    // a scalar reading the variable a tensor operand assigns
    Expr.Var kept = new Expr.Var("k", Type.TENSOR);
    Expr recorded = new Expr.Recorded((Expr.Call) t(X, "matmul", Y), kept, false);
    Expr size = new Expr.Cast(Type.DOUBLE, new Expr.Call(new Callee.TensorMethod("numel"), List.of(kept), Type.INT));
    assertEquals("x.div((double) k.numel()).add((k = x.matmul(y)))",
        print(t(t(X, "div", size), "add", recorded)));
  }

  /** Printed as the last statements of their scope (a tensor tape's reverse sweep). */
  private static String printAll(Stmt... statements) {
    CodeBlock.Builder code = CodeBlock.builder();
    JavaCode.lastStatements(List.of(statements), code);
    return code.build().toString();
  }

  @Test
  void aTemporaryReadOnlyForItsShapeIsNotComputed() {
    Expr.Var v = new Expr.Var("v", Type.TENSOR);
    Expr.Var w = new Expr.Var("w", Type.TENSOR);
    Expr.Var d = new Expr.Var("d", Type.TENSOR);
    Expr numel = new Expr.Call(new Callee.TensorMethod("numel"), List.of(w), Type.INT);
    Expr unbroadcast = new Expr.Call(new Callee.Static("dev.adjoint.runtime.TensorAdjoints", "unbroadcast", false),
        List.of(X, v), Type.TENSOR);
    // v: read by w's chain and for a shape; w: read for its numel
    String shapes = printAll(new Stmt.Declare(v, t(X, "mul", Y), null),
        new Stmt.Declare(w, t(v, "sub", X), null),
        new Stmt.Accumulate(d, t(t(unbroadcast, "mul", Y), "div", new Expr.Cast(Type.DOUBLE, numel)), null));
    assertEquals("dev.adjoint.Tensor v = dev.adjoint.FusedElementwise.shapeOf(\"t0 t1 mul\", "
        + "new dev.adjoint.Tensor[] {x, y}, new double[] {});\n"
        + "dev.adjoint.Tensor w = dev.adjoint.FusedElementwise.shapeOf(\"t0 t1 sub\", "
        + "new dev.adjoint.Tensor[] {v, x}, new double[] {});\n", shapes.substring(0, shapes.indexOf("d = ")));
    // a list other code printed after it may read (a forward sweep): computed, except in its nested blocks
    CodeBlock.Builder forward = CodeBlock.builder();
    Stmt declare = new Stmt.Declare(v, t(X, "mul", Y), null);
    Stmt use = new Stmt.Effect((Expr.Call) new Expr.Call(new Callee.TensorMethod("numel"), List.of(v), Type.INT), null);
    JavaCode.statements(List.of(declare, use, Stmt.Block.of(List.of(declare, use))), forward);
    assertEquals("dev.adjoint.Tensor v = x.mul(y);\nv.numel();\n{\n  dev.adjoint.Tensor v = "
        + "dev.adjoint.FusedElementwise.shapeOf(\"t0 t1 mul\", new dev.adjoint.Tensor[] {x, y}, new double[] {});\n"
        + "  v.numel();\n}\n", forward.build().toString());
    // a value read: computed
    String value = printAll(new Stmt.Declare(v, t(X, "mul", Y), null),
        new Stmt.Accumulate(d, t(t(unbroadcast, "mul", v), "exp"), null));
    assertEquals("dev.adjoint.Tensor v = x.mul(y);\n", value.substring(0, value.indexOf("d = ")));
    // an operand of a non-element-wise leaf of a shape-only chain: its value could matter there
    String leaf = printAll(new Stmt.Declare(v, t(X, "mul", Y), null),
        new Stmt.Declare(w, t(t(X, "matmul", v), "sub", X), null),
        new Stmt.Effect((Expr.Call) numel, null));
    assertEquals("dev.adjoint.Tensor v = x.mul(y);\n", leaf.substring(0, leaf.indexOf("dev.adjoint.Tensor w")));
  }
}
