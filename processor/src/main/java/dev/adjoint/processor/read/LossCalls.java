package dev.adjoint.processor.read;

import com.sun.source.tree.Tree;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code dev.adjoint.Losses} functions a {@code @Differentiable} tensor method may call, with the default
 * reduction (the mean): {@code mseLoss}, {@code l1Loss}, {@code binaryCrossEntropy},
 * {@code binaryCrossEntropyWithLogits} of two tensors, {@code nllLoss} and {@code crossEntropy} of a tensor
 * and {@code int[]} class indices. Each becomes a tensor operation whose receiver is the class
 * ({@code Losses.mseLoss(input, target)} in the generated code); its reverse rule
 * ({@code differentiate.MoreTensorRules}) runs the eager loss's backward. Other forms (a {@code Reduction}, class
 * weights, label smoothing, probability targets) are refused saying what to write instead.
 */
final class LossCalls {
  private LossCalls() {}

  /** The class whose static functions this reads. */
  static final String CLASS = "dev.adjoint.Losses";

  private static final Type T = Type.TENSOR;
  private static final Map<String, List<Type>> FUNCTIONS = Map.of(
      "mseLoss", List.of(T, T),
      "l1Loss", List.of(T, T),
      "binaryCrossEntropy", List.of(T, T),
      "binaryCrossEntropyWithLogits", List.of(T, T),
      "nllLoss", List.of(T, Type.INT_VECTOR),
      "crossEntropy", List.of(T, Type.INT_VECTOR));

  /** {@code Losses.name(args)}. */
  static Expr function(Tree at, String name, List<Expr> args) {
    List<Type> signature = FUNCTIONS.get(name);
    boolean fits = signature != null && signature.size() == args.size();
    for (int k = 0; fits && k < args.size(); k++) {
      fits = args.get(k).type().equals(signature.get(k));
    }
    if (!fits) {
      throw new Unsupported(at, "Losses." + name + " is not supported in a @Differentiable method with these"
          + " arguments: the supported forms are mseLoss, l1Loss, binaryCrossEntropy and"
          + " binaryCrossEntropyWithLogits of (input, target) tensors and nllLoss and crossEntropy of (input,"
          + " int[] classes), with the mean reduction; write other reductions with tensor operations"
          + " (input.sub(target).square().sum()), or call the loss outside the method");
    }
    List<Expr> all = new ArrayList<>();
    all.add(new Expr.Literal(CLASS, new Type.Named(CLASS)));
    all.addAll(args);
    return new Expr.Call(new Callee.TensorMethod(name), all, T);
  }
}
