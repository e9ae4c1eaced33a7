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

/**
 * Reverse rules of the indexing, joining and selecting tensor operations ({@code read.IndexingCalls}): each
 * calls a kernel of {@code dev.adjoint.runtime.ViewAdjoints} that follows the eager runtime's backward rule
 * of the same operation, or an operation of the runtime itself ({@code unsqueeze}: a reshape back;
 * {@code expand}: a sum back; {@code stack}: a select).
 */
final class IndexingRules {
  private IndexingRules() {}

  private static final String KERNELS = "dev.adjoint.runtime.ViewAdjoints";
  /** The most tensors {@code cat} and {@code stack} take (as {@code read.IndexingCalls.MAX_JOINED}). */
  private static final int MAX_JOINED = 8;

  /** Adds the rules to {@code table}, keyed as {@link DerivativeRules}' own. */
  static void register(Map<String, TensorRule> table) {
    put(table, "select(I,I)", (v, g) -> kernel("unselect", g, v.arg(0), v.arg(1), v.arg(2)), null, null);
    put(table, "slice(I,I,I)", (v, g) -> kernel("unslice", g, v.arg(0), v.arg(1), v.arg(2), v.arg(3), integer(1)),
        null, null, null);
    put(table, "slice(I,I,I,I)",
        (v, g) -> kernel("unslice", g, v.arg(0), v.arg(1), v.arg(2), v.arg(3), v.arg(4)), null, null, null, null);
    put(table, "unsqueeze(I)", (v, g) -> method(g, "reshape", shape(v.arg(0))), null);
    // expand takes its sizes as int...: one rule for any count, looked up by name (as reshape and view).
    table.put("expand", new TensorRule("expand",
        List.of((v, g) -> kernel("dev.adjoint.runtime.TensorAdjoints", "unbroadcast", g, v.arg(0)))));
    put(table, "max(I,B)", (v, g) -> kernel("selected", g, v.arg(0), v.arg(1), v.arg(2), bool(true)), null, null);
    put(table, "min(I,B)", (v, g) -> kernel("selected", g, v.arg(0), v.arg(1), v.arg(2), bool(false)), null, null);
    put(table, "pow(T)", (v, g) -> kernel("powBase", g, v.arg(0), v.arg(1)),
        (v, g) -> kernel("powExponent", g, v.arg(0), v.arg(1), v.result()));
    for (int n = 2; n <= MAX_JOINED; n++) {
      Adjoint[] cat = new Adjoint[n + 1];
      Adjoint[] stack = new Adjoint[n + 1];
      for (int k = 0; k < n; k++) {
        int part = k;
        int parts = n;
        cat[k + 1] = (v, g) -> {
          List<Expr> args = new ArrayList<>(List.of(g, v.arg(0), integer(part)));
          for (int j = 1; j <= parts; j++) {
            args.add(v.arg(j));
          }
          return new Expr.Call(new Callee.Static(KERNELS, "catPiece"), args, Type.TENSOR);
        };
        stack[k + 1] = (v, g) -> method(g, "select", v.arg(0), integer(part));
      }
      String key = "(I" + ",T".repeat(n) + ")";
      put(table, "cat" + key, cat);
      put(table, "stack" + key, stack);
    }
  }

  private static void put(Map<String, TensorRule> table, String key, Adjoint... adjoints) {
    table.put(key, new TensorRule(key, Arrays.asList(adjoints)));
  }

  private static Expr kernel(String name, Expr... args) {
    return kernel(KERNELS, name, args);
  }

  private static Expr kernel(String owner, String name, Expr... args) {
    return new Expr.Call(new Callee.Static(owner, name), List.of(args), Type.TENSOR);
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

  private static Expr bool(boolean value) {
    return new Expr.Literal(Boolean.toString(value), Type.BOOLEAN);
  }
}
