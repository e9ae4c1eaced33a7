package dev.adjoint.processor.read;

import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The indexing, joining and selecting {@code Tensor} operations a {@code @Differentiable} method may call,
 * added to {@link TensorCalls}' tables: {@code select}, {@code slice}, {@code unsqueeze}, {@code expand},
 * {@code max(dim, keepDim)}, {@code min(dim, keepDim)}, {@code pow(Tensor)}, and the static {@code cat} and
 * {@code stack} with 2 to {@value #MAX_JOINED} tensors listed one by one. Their reverse rules are in
 * {@code differentiate.IndexingRules}.
 */
final class IndexingCalls {
  private IndexingCalls() {}

  /** The most tensors {@code cat} and {@code stack} take here. */
  static final int MAX_JOINED = 8;

  private static final Type T = Type.TENSOR;
  private static final Type I = Type.INT;
  private static final Type B = Type.BOOLEAN;

  /** Adds the signatures to the method and static-function tables. */
  static void register(Map<String, List<List<Type>>> methods, Map<String, List<List<Type>>> functions) {
    add(methods, "select", List.of(I, I));
    add(methods, "slice", List.of(I, I, I));
    add(methods, "slice", List.of(I, I, I, I));
    add(methods, "unsqueeze", List.of(I));
    add(methods, "expand", List.of(Type.INT_VECTOR));
    add(methods, "max", List.of(I, B));
    add(methods, "min", List.of(I, B));
    add(methods, "pow", List.of(T));
    for (String join : List.of("cat", "stack")) {
      for (int n = 2; n <= MAX_JOINED; n++) {
        List<Type> signature = new ArrayList<>();
        signature.add(I);
        signature.addAll(Collections.nCopies(n, T));
        add(functions, join, signature);
      }
    }
  }

  private static void add(Map<String, List<List<Type>>> table, String name, List<Type> signature) {
    List<List<Type>> all = new ArrayList<>(table.getOrDefault(name, List.of()));
    all.add(signature);
    table.put(name, List.copyOf(all));
  }
}
