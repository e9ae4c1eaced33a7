package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.differentiate.DerivativeRules.Adjoint;
import dev.adjoint.processor.differentiate.DerivativeRules.TensorRule;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse rules of the operations {@code read.MoreTensorCalls} adds: each tensor gradient calls a kernel of
 * {@code dev.adjoint.runtime.OpAdjoints}, which runs the eager runtime's own backward rule of the operation (one
 * derivative per operation for eager autograd and generated nodes); shape-only operations reshape the adjoint
 * back ({@code flatten}, {@code squeeze}) or pass it on ({@code contiguous}, {@code clone}). The comparisons,
 * {@code argmax}/{@code argmin}, {@code zerosLike}/{@code onesLike}, {@code sign} and {@code floor} are
 * piecewise constant: no argument receives anything, as in PyTorch. The {@code double} operands that can carry
 * a gradient ({@code clamp}'s bounds, {@code maskedFill}'s and {@code fullLike}'s value) have their own rules.
 */
final class MoreTensorRules {
  private MoreTensorRules() {}

  private static final String KERNELS = "dev.adjoint.runtime.OpAdjoints";
  private static final String FUNCTIONS = "dev.adjoint.runtime.FunctionAdjoints";

  /** Operations whose {@code int...} argument may be spelled out, so that their rule is built per call. */
  private static final Set<String> VARARGS = Set.of("permute", "repeat", "indexSelect");

  /** Adds the rules to {@code table}, keyed as {@link DerivativeRules}' own. */
  static void register(Map<String, TensorRule> table) {
    put(table, "clamp(D,D)", pass("clamp", 3), (v, g) -> scalar("clampLow", g, v.arg(0), v.arg(1), v.arg(2)),
        (v, g) -> scalar("clampHigh", g, v.arg(0), v.arg(1), v.arg(2)));
    put(table, "clampMin(D)", pass("clampMin", 2), (v, g) -> scalar("clampMinBound", g, v.arg(0), v.arg(1)));
    put(table, "clampMax(D)", pass("clampMax", 2), (v, g) -> scalar("clampMaxBound", g, v.arg(0), v.arg(1)));
    put(table, "maskedFill(T,D)", pass("maskedFill", 3), null,
        (v, g) -> scalar("maskedFillValue", g, v.arg(1)));
    // x.where(condition, other) is Tensor.where(condition, x, other).
    put(table, "where(T,T)", (v, g) -> kernel("where", g, integer(1), v.arg(1), v.arg(0), v.arg(2)), null,
        (v, g) -> kernel("where", g, integer(2), v.arg(1), v.arg(0), v.arg(2)));
    put(table, "where(T,T,T)", null, (v, g) -> kernel("where", g, integer(1), v.arg(0), v.arg(1), v.arg(2)),
        (v, g) -> kernel("where", g, integer(2), v.arg(0), v.arg(1), v.arg(2)));
    for (String compare : List.of("gt", "lt", "ge", "le", "eq")) {
      put(table, compare + "(T)", null, null);
      put(table, compare + "(D)", null, null);
    }
    for (String constant : List.of("sign()", "floor()", "argmax()", "argmin()", "zerosLike(T)", "onesLike(T)")) {
      put(table, constant, (Adjoint) null);
    }
    put(table, "argmax(I,B)", null, null, null);
    put(table, "argmin(I,B)", null, null, null);
    for (String op : List.of("amax", "amin", "prod", "var", "std", "norm")) {
      put(table, op + "()", pass(op, 1));
    }
    for (String op : List.of("amax", "amin", "prod", "var", "std", "logsumexp", "norm")) {
      put(table, op + "(I,B)", pass(op, 3), null, null);
    }
    put(table, "var(B)", pass("var", 2), null);
    put(table, "std(B)", pass("std", 2), null);
    put(table, "var(I,B,B)", pass("var", 4), null, null, null);
    put(table, "std(I,B,B)", pass("std", 4), null, null, null);
    put(table, "cumsum(I)", pass("cumsum", 2), null);
    put(table, "sum(V,B)", pass("sum", 3), null, null);
    put(table, "mean(V,B)", pass("mean", 3), null, null);
    put(table, "gather(I,T)", pass("gather", 3), null, null);
    put(table, "indexSelect(I,T)", pass("indexSelect", 3), null, null);
    for (String scatter : List.of("scatter", "scatterAdd")) {
      put(table, scatter + "(I,T,T)",
          (v, g) -> kernel(scatter, g, integer(0), v.arg(0), v.arg(1), v.arg(2), v.arg(3)), null, null,
          (v, g) -> kernel(scatter, g, integer(1), v.arg(0), v.arg(1), v.arg(2), v.arg(3)));
    }
    Adjoint reshapeBack = (v, g) -> method(g, "reshape", shape(v.arg(0)));
    put(table, "flatten()", reshapeBack);
    put(table, "flatten(I,I)", reshapeBack, null, null);
    put(table, "squeeze()", reshapeBack);
    put(table, "squeeze(I)", reshapeBack, null);
    put(table, "contiguous()", (v, g) -> g);
    put(table, "clone()", (v, g) -> g);
    put(table, "narrow(I,I,I)", pass("narrow", 4), null, null, null);
    // Losses.f(input, target): the receiver is the class; the eager loss's backward for each tensor.
    for (String loss : List.of("mseLoss", "l1Loss", "binaryCrossEntropy", "binaryCrossEntropyWithLogits")) {
      put(table, "Losses." + loss + "(T,T)", null, (v, g) -> kernel(loss, g, integer(0), v.arg(1), v.arg(2)),
          (v, g) -> kernel(loss, g, integer(1), v.arg(1), v.arg(2)));
    }
    put(table, "Losses.nllLoss(T,V)", null, (v, g) -> kernel("nllLoss", g, v.arg(1), v.arg(2)), null);
    put(table, "Losses.crossEntropy(T,V)", null, (v, g) -> kernel("crossEntropy", g, v.arg(1), v.arg(2)), null);
    Adjoint sumOfAdjoint = (v, g) -> new Expr.Call(new Callee.TensorMethod("item"),
        List.of(method(g, "sum")), Type.DOUBLE);
    put(table, "fullLike(T,D)", null, sumOfAdjoint);
    put(table, "full(V,D)", null, sumOfAdjoint);
  }

  /**
   * The rule of an operation whose trailing {@code int...} is spelled out ({@code x.permute(1, 0, 2)},
   * {@code x.indexSelect(0, 2, 0)}) or passed as an {@code int[]}, for {@code count} arguments with the
   * receiver; null for other operations.
   */
  static TensorRule varargs(String name, int count) {
    if (name.equals("apply")) {
      return applyRule(count);
    }
    if (!VARARGS.contains(name)) {
      return null;
    }
    Adjoint[] adjoints = new Adjoint[count];
    adjoints[0] = pass(name, count);
    return new TensorRule(name, Arrays.asList(adjoints));
  }

  /**
   * The rule of {@code f.apply(x1, ..., xn)} on an {@code AutogradFunction} (the receiver, {@code count - 1}
   * tensors): input {@code k}'s gradient is {@code FunctionAdjoints.gradient(g, k, f, x1, ..., xn)}, the
   * function's own {@code backward}; the function itself receives nothing.
   */
  private static TensorRule applyRule(int count) {
    Adjoint[] adjoints = new Adjoint[count];
    for (int k = 1; k < count; k++) {
      int input = k - 1;
      adjoints[k] = (v, g) -> {
        List<Expr> args = new ArrayList<>(List.of(g, integer(input)));
        for (int j = 0; j < count; j++) {
          args.add(v.arg(j));
        }
        return new Expr.Call(new Callee.Static(FUNCTIONS, "gradient"), args, Type.TENSOR);
      };
    }
    return new TensorRule("apply", Arrays.asList(adjoints));
  }

  /** The kernel {@code name(g, arg0, ..., arg(count - 1))}: the receiver's gradient. */
  private static Adjoint pass(String name, int count) {
    return (v, g) -> {
      List<Expr> args = new ArrayList<>(List.of(g));
      for (int k = 0; k < count; k++) {
        args.add(v.arg(k));
      }
      return new Expr.Call(new Callee.Static(KERNELS, name), args, Type.TENSOR);
    };
  }

  private static void put(Map<String, TensorRule> table, String key, Adjoint... adjoints) {
    table.put(key, new TensorRule(key, Arrays.asList(adjoints)));
  }

  private static Expr kernel(String name, Expr... args) {
    return new Expr.Call(new Callee.Static(KERNELS, name), List.of(args), Type.TENSOR);
  }

  private static Expr scalar(String name, Expr... args) {
    return new Expr.Call(new Callee.Static(KERNELS, name), List.of(args), Type.DOUBLE);
  }

  private static Expr method(Expr receiver, String name, Expr... args) {
    List<Expr> all = new ArrayList<>();
    all.add(receiver);
    all.addAll(List.of(args));
    return new Expr.Call(new Callee.TensorMethod(name), all, Type.TENSOR);
  }

  private static Expr shape(Expr tensor) {
    return new Expr.Call(new Callee.TensorMethod("shape"), List.of(tensor), Type.INT_VECTOR);
  }

  private static Expr integer(int value) {
    return new Expr.Literal(Integer.toString(value), Type.INT);
  }
}
