package dev.adjoint.processor.read;

import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The masking, comparison, indexing, reduction and shape {@code Tensor} operations a {@code @Differentiable}
 * method may call beyond {@link TensorCalls}' and {@link IndexingCalls}' own, added to their tables:
 * {@code clamp}, {@code clampMin}, {@code clampMax}, {@code where}, {@code maskedFill}, the comparisons
 * {@code gt lt ge le eq}, {@code sign}, {@code floor}, {@code gather}, {@code indexSelect}, {@code scatter},
 * {@code scatterAdd}, {@code argmax}, {@code argmin}, {@code amax}, {@code amin}, {@code prod}, {@code cumsum},
 * {@code var}, {@code std}, {@code logsumexp}, {@code norm}, {@code sum}/{@code mean} over several dimensions,
 * {@code flatten}, {@code squeeze}, {@code permute}, {@code narrow}, {@code repeat}, {@code contiguous},
 * {@code clone}, and the static {@code where}, {@code zerosLike}, {@code onesLike}, {@code fullLike},
 * {@code full}. Their reverse rules are in {@code differentiate.MoreTensorRules}.
 */
final class MoreTensorCalls {
  private MoreTensorCalls() {}

  private static final Type T = Type.TENSOR;
  private static final Type D = Type.DOUBLE;
  private static final Type I = Type.INT;
  private static final Type B = Type.BOOLEAN;
  private static final Type V = Type.INT_VECTOR;

  /** Adds the signatures to the method and static-function tables. */
  static void register(Map<String, List<List<Type>>> methods, Map<String, List<List<Type>>> functions) {
    add(methods, "clamp", D, D);
    add(methods, "clampMin", D);
    add(methods, "clampMax", D);
    add(methods, "maskedFill", T, D);
    add(methods, "where", T, T);
    for (String compare : List.of("gt", "lt", "ge", "le", "eq")) {
      add(methods, compare, T);
      add(methods, compare, D);
    }
    for (String op : List.of("sign", "floor", "argmax", "argmin", "amax", "amin", "prod", "var", "std", "norm",
        "flatten", "squeeze", "contiguous", "clone")) {
      add(methods, op);
    }
    for (String op : List.of("argmax", "argmin", "amax", "amin", "prod", "var", "std", "logsumexp", "norm")) {
      add(methods, op, I, B);
    }
    add(methods, "var", B);
    add(methods, "std", B);
    add(methods, "var", I, B, B);
    add(methods, "std", I, B, B);
    add(methods, "cumsum", I);
    add(methods, "sum", V, B);
    add(methods, "mean", V, B);
    add(methods, "gather", I, T);
    add(methods, "indexSelect", I, T);
    add(methods, "indexSelect", I, V);
    add(methods, "scatter", I, T, T);
    add(methods, "scatterAdd", I, T, T);
    add(methods, "flatten", I, I);
    add(methods, "squeeze", I);
    add(methods, "narrow", I, I, I);
    add(methods, "permute", V);
    add(methods, "repeat", V);
    add(functions, "where", T, T, T);
    add(functions, "zerosLike", T);
    add(functions, "onesLike", T);
    add(functions, "fullLike", T, D);
    add(functions, "full", V, D);
  }

  private static void add(Map<String, List<List<Type>>> table, String name, Type... signature) {
    List<List<Type>> all = new ArrayList<>(table.getOrDefault(name, List.of()));
    all.add(List.of(signature));
    table.put(name, List.copyOf(all));
  }
}
