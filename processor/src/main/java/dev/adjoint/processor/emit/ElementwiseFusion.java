package dev.adjoint.processor.emit;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.StmtWalk;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Nested element-wise tensor operations printed as one fused call ({@code dev.adjoint.FusedElementwise}): a tree
 * of {@code add sub mul div} (tensor or scalar right operand) and element-wise functions, optionally under a
 * final {@code sum()} or {@code mean()}, with at least two operations, becomes one postfix program over its
 * operands, so the generated forward and reverse sweeps make one pass and one array where the unfused code made
 * one per step. {@code TensorAdjoints.unbroadcast} is a step of a chain (the runtime checks that it has nothing
 * to do), and a tensor accumulation {@code d = accumulate(d, chain)} adds in the same pass (e.g. a tanh adjoint {@code g.mul(y.mul(y).neg().add(1.0))}: one instead of four). Operands (any
 * other expression) are printed as before and keep their evaluation order among the tensor operands; scalar
 * operands, which the fused call evaluates after the tensor ones, must be free of side effects (literals,
 * variables, sizes), else the tree is printed unfused. The runtime falls back to the eager operations whenever
 * the fused loop does not apply (broadcasting, recording a graph), so the value is the unfused one.
 */
final class ElementwiseFusion {
  private ElementwiseFusion() {}

  private static final ClassName FUSED = ClassName.get("dev.adjoint", "FusedElementwise");
  private static final String TENSOR_ADJOINTS = "dev.adjoint.runtime.TensorAdjoints";

  private static final Set<String> BINARY = Set.of("add", "sub", "mul", "div");
  private static final Set<String> UNARY = Set.of("neg", "exp", "log", "sqrt", "tanh", "sigmoid", "square", "relu",
      "abs", "sin", "cos", "log1p", "expm1");
  private static final Set<String> PURE_SIZES = Set.of("numel", "size", "dim");

  /** The fused call for {@code c}, or null when {@code c} is not the root of a chain worth fusing. */
  static CodeBlock fused(Expr.Call c) {
    String reduction = null;
    Expr root = c;
    if (isMethod(c, "sum", 1) || isMethod(c, "mean", 1)) {
      reduction = ((Callee.TensorMethod) c.callee()).name();
      root = c.args().get(0);
    }
    if (!elementwise(root) && !unbroadcast(root)) {
      return null;
    }
    Chain chain = chain(root, reduction != null ? 1 : 0, 2);
    return chain == null ? null : CodeBlock.of("$T.$L($S, $L)", FUSED, reduction == null ? "eval" : reduction,
        chain.program, chain.operands);
  }

  /**
   * {@code target = accumulate(target, value)} as one fused pass when {@code value} is an element-wise chain
   * (the sum is one more operation of it), else null.
   */
  static CodeBlock accumulate(Expr target, Expr value) {
    if (!elementwise(value) && !unbroadcast(value)) {
      return null;
    }
    Chain chain = chain(value, 1, 2);
    return chain == null ? null : CodeBlock.of("$T.accumulate($L, $S, $L)", FUSED, JavaCode.expression(target),
        chain.program, chain.operands);
  }

  /** A chain's program and its operand arrays, printed. */
  private record Chain(String program, CodeBlock operands) {}

  /** {@code root}'s chain when it holds at least {@code min} operations counting {@code extra}, else null. */
  private static Chain chain(Expr root, int extra, int min) {
    List<Expr> tensors = new ArrayList<>();
    List<Expr> scalars = new ArrayList<>();
    StringBuilder program = new StringBuilder();
    int ops = program(root, program, tensors, scalars) + extra;
    if (ops < min || tensors.isEmpty() || !scalars.stream().allMatch(ElementwiseFusion::pure)
        || assignsReadScalar(tensors, scalars)) {
      return null;
    }
    CodeBlock.Builder t = CodeBlock.builder();
    for (int k = 0; k < tensors.size(); k++) {
      t.add(k == 0 ? "$L" : ", $L", JavaCode.expression(tensors.get(k)));
    }
    CodeBlock.Builder s = CodeBlock.builder();
    for (int k = 0; k < scalars.size(); k++) {
      s.add(k == 0 ? "$L" : ", $L", JavaCode.expression(scalars.get(k)));
    }
    return new Chain(program.toString(), CodeBlock.of("new $T[] {$L}, new double[] {$L}", JavaCode.TENSOR, t.build(),
        s.build()));
  }

  /** {@code TensorAdjoints.unbroadcast(g, like)}: a step of a chain (nothing to do when the shapes agree). */
  private static boolean unbroadcast(Expr e) {
    return e instanceof Expr.Call c && c.callee() instanceof Callee.Static s && s.owner().equals(TENSOR_ADJOINTS)
        && s.name().equals("unbroadcast") && c.args().size() == 2 && c.args().get(0).type() == Type.TENSOR
        && c.args().get(1).type() == Type.TENSOR;
  }

  /**
   * The tensor temporaries declared in {@code list} whose value is read only for its shape: an element-wise
   * chain (the reverse sweep computing a value again) that is only a receiver of {@code numel shape size dim},
   * the second argument of {@code TensorAdjoints.unbroadcast expandLike expandAlong fill}, or a direct operand of
   * the chain of another such temporary. Their declarations compute {@code FusedElementwise.shapeOf} instead
   * of the values. Nothing is found in a list holding a statement printed from source text.
   */
  static Set<String> shapeOnly(List<Stmt> list) {
    Set<String> found = new java.util.HashSet<>();
    boolean[] verbatim = {false};
    list.forEach(s -> StmtWalk.statements(s, x -> verbatim[0] |= x instanceof Stmt.Forward));
    if (verbatim[0]) {
      return found;
    }
    for (int i = list.size() - 1; i >= 0; i--) {
      if (!(list.get(i) instanceof Stmt.Declare d) || d.variable().type() != Type.TENSOR || d.init() == null
          || !elementwise(d.init()) || chain(d.init(), 0, 0) == null) {
        continue;
      }
      String name = d.variable().name();
      boolean[] ok = {true};
      for (int j = i + 1; j < list.size(); j++) {
        StmtWalk.statements(list.get(j), st -> {
          if (st instanceof Stmt.Declare w && found.contains(w.variable().name())) {
            ok[0] &= operandsOnly(w.init(), name);
          } else {
            StmtWalk.named(st, e -> ok[0] &= shapeUsesOnly(e, name));
          }
        });
      }
      if (ok[0]) {
        found.add(name);
      }
    }
    return found;
  }

  /** {@code FusedElementwise.shapeOf} the element-wise chain {@code init}. */
  static CodeBlock shapeOf(Expr init) {
    Chain chain = chain(init, 0, 0);
    return CodeBlock.of("$T.shapeOf($S, $L)", FUSED, chain.program, chain.operands);
  }

  /** Whether {@code name} occurs in {@code e} only where its shape alone is read. */
  private static boolean shapeUsesOnly(Expr e, String name) {
    if (e instanceof Expr.Var v) {
      return !v.name().equals(name);
    }
    if (e instanceof Expr.Call c) {
      int shapeArg = -1;
      if (c.callee() instanceof Callee.Static s && s.owner().equals(TENSOR_ADJOINTS)
          && Set.of("unbroadcast", "expandLike", "expandAlong", "fill").contains(s.name()) && c.args().size() >= 2) {
        shapeArg = 1;
      } else if (c.callee() instanceof Callee.TensorMethod m && PURE_SIZES.contains(m.name())
          || c.callee() instanceof Callee.TensorMethod s && s.name().equals("shape")) {
        shapeArg = 0;
      }
      for (int k = 0; k < c.args().size(); k++) {
        Expr arg = c.args().get(k);
        boolean shapeOnly = k == shapeArg && arg instanceof Expr.Var v && v.name().equals(name);
        if (!shapeOnly && !shapeUsesOnly(arg, name)) {
          return false;
        }
      }
      return true;
    }
    for (Expr child : ExprWalk.children(e)) {
      if (!shapeUsesOnly(child, name)) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code name} occurs in the chain {@code e} only as a direct operand or where its shape is read. */
  private static boolean operandsOnly(Expr e, String name) {
    if (e instanceof Expr.Var v && v.name().equals(name)) {
      return true;
    }
    if (elementwise(e) || unbroadcast(e)) {
      for (Expr arg : ((Expr.Call) e).args()) {
        if (!operandsOnly(arg, name)) {
          return false;
        }
      }
      return true;
    }
    return shapeUsesOnly(e, name);
  }

  /** Whether {@code e} is an element-wise operation the fused call computes. */
  private static boolean elementwise(Expr e) {
    if (!(e instanceof Expr.Call c) || !(c.callee() instanceof Callee.TensorMethod m) || c.type() != Type.TENSOR
        || c.args().isEmpty() || c.args().get(0).type() != Type.TENSOR) {
      return false;
    }
    if (c.args().size() == 1) {
      return UNARY.contains(m.name());
    }
    if (c.args().size() == 2 && BINARY.contains(m.name())) {
      Type right = c.args().get(1).type();
      return right == Type.TENSOR || right == Type.DOUBLE || right == Type.INT || right == Type.LONG;
    }
    return false;
  }

  private static boolean isMethod(Expr.Call c, String name, int args) {
    return c.callee() instanceof Callee.TensorMethod m && m.name().equals(name) && c.args().size() == args
        && c.type() == Type.TENSOR && c.args().get(0).type() == Type.TENSOR;
  }

  /** Appends {@code e}'s postfix program; returns how many operations it holds. */
  private static int program(Expr e, StringBuilder program, List<Expr> tensors, List<Expr> scalars) {
    if (e.type() != Type.TENSOR) {
      token(program, "s" + scalars.size());
      scalars.add(e);
      return 0;
    }
    if (unbroadcast(e)) {
      Expr.Call u = (Expr.Call) e;
      int ops = program(u.args().get(0), program, tensors, scalars);
      token(program, "u" + tensors.size());
      tensors.add(u.args().get(1));
      return ops;
    }
    if (!elementwise(e)) {
      token(program, "t" + tensors.size());
      tensors.add(e);
      return 0;
    }
    Expr.Call c = (Expr.Call) e;
    int ops = 1;
    for (Expr arg : c.args()) {
      ops += program(arg, program, tensors, scalars);
    }
    token(program, ((Callee.TensorMethod) c.callee()).name());
    return ops;
  }

  private static void token(StringBuilder program, String token) {
    program.append(program.length() == 0 ? "" : " ").append(token);
  }

  /** Whether a tensor operand assigns a variable a scalar operand reads (which the fused call reads after it). */
  private static boolean assignsReadScalar(List<Expr> tensors, List<Expr> scalars) {
    Set<String> assigned = new java.util.HashSet<>();
    for (Expr t : tensors) {
      ExprWalk.visit(t, x -> {
        if (x instanceof Expr.Recorded r && r.state() != null) {
          assigned.add(r.state().name());
        } else if (x instanceof Expr.Decided d && d.taken() != null) {
          assigned.add(d.taken().name());
        }
      });
    }
    for (Expr s : scalars) {
      if (ExprWalk.variables(s).stream().anyMatch(assigned::contains)) {
        return true;
      }
    }
    return false;
  }

  /** A scalar operand without side effects, whose value does not depend on when it is evaluated. */
  private static boolean pure(Expr e) {
    if (e instanceof Expr.Literal || e instanceof Expr.Var) {
      return true;
    }
    if (e instanceof Expr.Cast c) {
      return pure(c.operand());
    }
    if (e instanceof Expr.Unary u) {
      return pure(u.operand());
    }
    if (e instanceof Expr.Binary b) {
      return pure(b.left()) && pure(b.right());
    }
    if (e instanceof Expr.Call c && c.callee() instanceof Callee.MathFunction f
        && (f.owner().equals("java.lang.Math") || f.owner().equals("java.lang.StrictMath"))) {
      return c.args().stream().allMatch(ElementwiseFusion::pure);
    }
    return e instanceof Expr.Call c && c.callee() instanceof Callee.TensorMethod m && PURE_SIZES.contains(m.name())
        && c.args().stream().allMatch(ElementwiseFusion::pure);
  }
}
