package dev.adjoint.samples;

import dev.adjoint.Tensor;
import java.io.PrintStream;
import java.util.function.Supplier;

/**
 * The seed article in {@link Tensor} form, almost line for line: first with the runtime's eager autograd
 * (every operation records a node, as in PyTorch), then through the {@code @Differentiable} methods of
 * {@link TensorSeed} (one generated node per call). Each line is checked against the article's numbers.
 */
public final class TensorWalkthrough {
  private final PrintStream out;
  private int checks;
  private int failures;

  TensorWalkthrough(PrintStream out) {
    this.out = out;
  }

  /**
   * Prints the walkthrough and exits with status 1 if any value differs from the article's.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    TensorWalkthrough walkthrough = new TensorWalkthrough(System.out);
    boolean ok = walkthrough.run();
    System.out.flush();
    if (!ok) {
      System.exit(1);
    }
  }

  /** Runs every example; returns whether all checks passed. */
  boolean run() {
    out.println();
    out.println("The same article with Tensor (eager autograd, then generated graph nodes)");
    example1();
    example2();
    example3();
    example4And5();
    example6();
    example7();
    out.println();
    if (failures == 0) {
      out.printf("All %d tensor checks match the article ✓%n", checks);
    } else {
      out.printf("%d of %d tensor checks do NOT match the article ✗%n", failures, checks);
    }
    return failures == 0;
  }

  private void example1() {
    section("1", "out = mean(3 (a + 3)²), a = [2, 3]");
    Tensor a = Tensor.of(2, 3).requiresGrad();
    Tensor b = a.add(3);
    Tensor c = b.mul(b).mul(3);
    Tensor outValue = c.mean();
    outValue.backward();
    check("eager out", outValue, Tensor.of(91.5));
    check("eager a.grad", a.grad(), Tensor.of(15, 18));
    Tensor a2 = Tensor.of(2, 3).requiresGrad();
    Tensor viaNode = TensorSeedGrad.meanOfSquares(a2);
    viaNode.backward();
    check("node out", viaNode, Tensor.of(91.5));
    check("node a.grad", a2.grad(), Tensor.of(15, 18));
  }

  private void example2() {
    section("2", "y = x + 1 with x = ones(2, 2); y.backward() without an upstream");
    Tensor x = Tensor.ones(2, 2).requiresGrad();
    Tensor y = x.add(1);
    checkError("eager", () -> {
      y.backward();
      return null;
    }, IllegalStateException.class, "grad can be implicitly created only for scalar outputs");
  }

  private void example3() {
    section("3", "n = [m0², m1³], m = [2, 3]; n.backward(m), then n.backward([1, 1])");
    Tensor m = Tensor.of(2, 3).requiresGrad();
    Tensor n = m.pow(Tensor.of(2, 3));
    n.backward(Tensor.of(2, 3), true);
    check("eager m.grad (upstream m)", m.grad(), Tensor.of(8, 81));
    m.zeroGrad();
    n.backward(Tensor.of(1, 1));
    check("eager m.grad (upstream [1, 1])", m.grad(), Tensor.of(4, 27));
  }

  private void example4And5() {
    section("4, 5", "k = [m0² + 3 m1, m1² + 2 m0], m = [[2, 3]]: backward([1, 1]), shapes, Jacobian");
    Tensor mix = Tensor.of(new double[][] {{0, 2}, {3, 0}});
    Tensor m = Tensor.of(new double[][] {{2, 3}}).requiresGrad();
    Tensor k = TensorSeedGrad.mixed(m, mix);
    k.backward(Tensor.of(new double[][] {{1, 1}}), true);
    check("node m.grad (upstream [[1, 1]])", m.grad(), Tensor.of(new double[][] {{6, 9}}));
    checkError("node upstream of shape [3]", () -> {
      k.backward(Tensor.of(1, 1, 1), true);
      return null;
    }, IllegalArgumentException.class, "upstream has shape [3] but the output has shape [1, 2]");
    double[][] jacobian = new double[2][2];
    m.zeroGrad();
    k.backward(Tensor.of(new double[][] {{1, 0}}), true);
    double[] column0 = m.grad().toArray();
    m.zeroGrad();
    k.backward(Tensor.of(new double[][] {{0, 1}}));
    double[] column1 = m.grad().toArray();
    for (int r = 0; r < 2; r++) {
      jacobian[r][0] = column0[r];
      jacobian[r][1] = column1[r];
    }
    check("node Jacobian j[:, i]", Tensor.of(jacobian), Tensor.of(new double[][] {{4, 2}, {3, 6}}));
    checkError("node third backward", () -> {
      k.backward(Tensor.of(new double[][] {{1, 1}}));
      return null;
    }, IllegalStateException.class, "Trying to backward through the graph a second time");
  }

  private void example6() {
    section("6", "z = x @ y, x = [[2, 1]], y = [[1, 2], [3, 4]]; Jacobian of z with respect to x");
    Tensor x = Tensor.of(new double[][] {{2, 1}}).requiresGrad();
    Tensor y = Tensor.of(new double[][] {{1, 2}, {3, 4}});
    Tensor z = TensorSeedGrad.product(x, y);
    check("node z", z, Tensor.of(new double[][] {{5, 8}}));
    z.backward(Tensor.of(new double[][] {{1, 0}}), true);
    double[] column0 = x.grad().toArray();
    x.zeroGrad();
    z.backward(Tensor.of(new double[][] {{0, 1}}));
    double[] column1 = x.grad().toArray();
    Tensor jacobian = Tensor.of(new double[][] {{column0[0], column1[0]}, {column0[1], column1[1]}});
    check("node Jacobian j[:, i]", jacobian, Tensor.of(new double[][] {{1, 2}, {3, 4}}));
  }

  private void example7() {
    section("7", "(w * w).sum().backward() three times without zeroing, w = [2, 3]");
    Tensor w = Tensor.of(2, 3).requiresGrad();
    for (int i = 0; i < 3; i++) {
      w.mul(w).sum().backward();
    }
    check("eager w.grad", w.grad(), Tensor.of(12, 18));
    Tensor w2 = Tensor.of(2, 3).requiresGrad();
    for (int i = 0; i < 3; i++) {
      TensorSeedGrad.sumOfSquares(w2).backward();
    }
    check("node w.grad", w2.grad(), Tensor.of(12, 18));
  }

  private void section(String number, String what) {
    out.println();
    out.printf("── example %s: %s%n", number, what);
  }

  private void check(String label, Tensor actual, Tensor expected) {
    checks++;
    boolean ok = actual != null && java.util.Arrays.equals(actual.shape(), expected.shape())
        && actual.allClose(expected, 1e-9, 1e-9);
    if (!ok) {
      failures++;
    }
    out.printf("  %-34s %s   %s article: %s%n", label, plain(actual), ok ? "✓" : "✗", plain(expected));
  }

  private void checkError(String label, Supplier<Object> action, Class<? extends RuntimeException> type,
      String expected) {
    checks++;
    String message;
    boolean ok;
    try {
      action.get();
      message = "no exception";
      ok = false;
    } catch (RuntimeException e) {
      message = e.getClass().getSimpleName() + ": " + e.getMessage();
      ok = type.isInstance(e) && e.getMessage() != null && e.getMessage().contains(expected);
    }
    if (!ok) {
      failures++;
    }
    String shown = message.length() > 110 ? message.substring(0, 107) + "..." : message;
    out.printf("  %-34s %s   %s%n", label, shown, ok ? "✓" : "✗ expected: " + expected);
  }

  private static String plain(Tensor t) {
    if (t == null) {
      return "null";
    }
    String s = t.toString();
    return s.replaceAll(",\\s*(grad_fn|requires_grad)=.*\\)$", ")").replaceAll("\\s+", " ");
  }
}
