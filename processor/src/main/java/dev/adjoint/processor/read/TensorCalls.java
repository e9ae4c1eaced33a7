package dev.adjoint.processor.read;

import com.sun.source.tree.Tree;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code Tensor} operations a {@code @Differentiable} method may call, with their signatures. Only
 * operations with a reverse rule are listed; in-place updates, {@code backward} and graph queries are not
 * (a differentiable method is a pure function of its arguments).
 */
final class TensorCalls {
  private TensorCalls() {}

  private static final Type T = Type.TENSOR;
  private static final Type D = Type.DOUBLE;
  private static final Type I = Type.INT;
  private static final Type B = Type.BOOLEAN;
  /** Marks a trailing {@code int...} parameter. */
  private static final Type INTS = Type.INT_VECTOR;

  private static final Map<String, List<List<Type>>> METHODS = new LinkedHashMap<>();
  private static final Map<String, List<List<Type>>> FUNCTIONS = new LinkedHashMap<>();

  static {
    for (String op : List.of("add", "sub", "mul", "div")) {
      METHODS.put(op, List.of(List.of(T), List.of(D)));
    }
    for (String op : List.of("neg", "exp", "log", "sqrt", "tanh", "sigmoid", "relu", "abs", "square", "sin",
        "cos", "log1p", "expm1", "t", "max", "min", "detach", "item", "numel", "dim", "shape")) {
      METHODS.put(op, List.of(List.of()));
    }
    METHODS.put("sum", List.of(List.of(), List.of(I, B)));
    METHODS.put("mean", List.of(List.of(), List.of(I, B)));
    METHODS.put("pow", List.of(List.of(D)));
    METHODS.put("matmul", List.of(List.of(T)));
    METHODS.put("dot", List.of(List.of(T)));
    METHODS.put("transpose", List.of(List.of(I, I)));
    METHODS.put("reshape", List.of(List.of(INTS)));
    METHODS.put("view", List.of(List.of(INTS)));
    METHODS.put("softmax", List.of(List.of(I)));
    METHODS.put("logSoftmax", List.of(List.of(I)));
    METHODS.put("size", List.of(List.of(I)));
    FUNCTIONS.put("crossEntropy", List.of(List.of(T, Type.INT_VECTOR)));
    FUNCTIONS.put("zeros", List.of(List.of(INTS)));
    FUNCTIONS.put("ones", List.of(List.of(INTS)));
    FUNCTIONS.put("eye", List.of(List.of(I)));
    IndexingCalls.register(METHODS, FUNCTIONS);
    MoreTensorCalls.register(METHODS, FUNCTIONS);
  }

  /** {@code receiver.name(args)}; {@code args} starts with the receiver. */
  static Expr method(Tree at, String name, List<Expr> args) {
    List<List<Type>> signatures = METHODS.get(name);
    if (signatures == null) {
      throw new Unsupported(at, "Tensor." + name + " is not supported in a @Differentiable method; the supported"
          + " operations are " + String.join(", ", METHODS.keySet()) + " (in-place updates and backward belong"
          + " outside the method)");
    }
    List<Expr> converted = match(at, "Tensor." + name, signatures, args.subList(1, args.size()));
    List<Expr> all = new ArrayList<>();
    all.add(args.get(0));
    all.addAll(converted);
    Type result = switch (name) {
      case "item" -> D;
      case "numel", "dim", "size" -> I;
      case "shape" -> Type.INT_VECTOR;
      default -> T;
    };
    return new Expr.Call(new Callee.TensorMethod(name), all, result);
  }

  /** {@code Tensor.name(args)}. */
  static Expr function(Tree at, String name, List<Expr> args) {
    List<List<Type>> signatures = FUNCTIONS.get(name);
    if (signatures == null) {
      throw new Unsupported(at, "Tensor." + name + " is not supported in a @Differentiable method; the supported"
          + " static functions are " + String.join(", ", FUNCTIONS.keySet())
          + " (create other constants outside and pass them in)");
    }
    return new Expr.Call(new Callee.TensorFunction(name), match(at, "Tensor." + name, signatures, args), T);
  }

  private static List<Expr> match(Tree at, String what, List<List<Type>> signatures, List<Expr> args) {
    for (List<Type> signature : signatures) {
      List<Expr> converted = convert(signature, args);
      if (converted != null) {
        return converted;
      }
    }
    throw new Unsupported(at, what + " does not take these arguments here");
  }

  /** The arguments converted to {@code signature}, or null when they do not fit. */
  private static List<Expr> convert(List<Type> signature, List<Expr> args) {
    boolean varargs = !signature.isEmpty() && signature.get(signature.size() - 1) == INTS;
    if (!varargs && signature.size() != args.size()) {
      return null;
    }
    List<Expr> out = new ArrayList<>();
    for (int k = 0; k < args.size(); k++) {
      Type wanted = varargs && k >= signature.size() - 1 ? I : signature.get(k);
      Expr a = args.get(k);
      if (varargs && k == signature.size() - 1 && args.size() == signature.size() && a.type() == Type.INT_VECTOR) {
        out.add(a);
      } else if (a.type().equals(wanted)) {
        out.add(a);
      } else if (wanted == D && (a.type() == I || a.type() == Type.LONG)) {
        out.add(new Expr.Cast(D, a));
      } else {
        return null;
      }
    }
    return out;
  }
}
