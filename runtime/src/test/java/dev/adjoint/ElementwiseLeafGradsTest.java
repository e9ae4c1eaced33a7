package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Element-wise adjoints ({@code tanh}, {@code sigmoid}, {@code exp}, {@code log}, products, quotients) written
 * straight into zeroed leaf gradient buffers ({@link LeafGrads}): the buffer keeps its identity, the values are the
 * formulas written out here plus {@code +0.0} (what adding to the zeros gives, bitwise: {@code -0.0} becomes
 * {@code +0.0}), they match central differences, and a buffer an operand reads is not written early.
 */
class ElementwiseLeafGradsTest {

  private static double[] random(Random rnd, int length) {
    double[] x = new double[length];
    for (int i = 0; i < length; i++) {
      x[i] = rnd.nextGaussian();
    }
    return x;
  }

  private static double[] positive(Random rnd, int length) {
    double[] x = new double[length];
    for (int i = 0; i < length; i++) {
      x[i] = 0.5 + rnd.nextDouble();
    }
    return x;
  }

  /** Runs {@code f(leaves).backward(up)} twice after zeroGrad and checks the buffers stayed the same objects. */
  private static void twiceOnZeroedBuffers(Function<Tensor[], Tensor> f, Tensor up, Tensor... leaves) {
    pass(f, up, leaves); // first pass: the leaves take fresh gradients
    Tensor[] buffers = new Tensor[leaves.length];
    for (int i = 0; i < leaves.length; i++) {
      buffers[i] = leaves[i].grad();
    }
    for (int run = 0; run < 2; run++) {
      for (Tensor l : leaves) {
        l.zeroGrad();
      }
      pass(f, up, leaves);
      for (int i = 0; i < leaves.length; i++) {
        assertSame(buffers[i], leaves[i].grad(), "buffer of leaf " + i);
      }
    }
  }

  private static void pass(Function<Tensor[], Tensor> f, Tensor up, Tensor... leaves) {
    if (up == null) {
      f.apply(leaves).backward();
    } else {
      f.apply(leaves).backward(up);
    }
  }

  @Test
  void unaryAdjointsFillTheZeroedBufferBitwise() {
    Random rnd = new Random(61);
    int n = 37;
    double[] xv = positive(rnd, n);
    double[] gv = random(rnd, n);
    gv[3] = 0.0; // times a positive factor: +0.0; below, products that give -0.0
    gv[4] = -0.0;
    Tensor g = Tensor.fromArray(gv, n);
    Tensor x = Tensor.fromArray(xv, n).requiresGrad();
    double[] expected = new double[n];

    twiceOnZeroedBuffers(l -> l[0].tanh(), g, x);
    for (int i = 0; i < n; i++) {
      double y = Math.tanh(xv[i]);
      double t = VectorExp.tanh(xv[i]);
      expected[i] = 0.0 + gv[i] * (1 - t * t);
      assertEquals(y, t, 1e-15);
    }
    assertArrayEquals(expected, x.grad().toArray(), "tanh");

    twiceOnZeroedBuffers(l -> l[0].sigmoid(), g, x);
    for (int i = 0; i < n; i++) {
      double s = VectorExp.sigmoid(xv[i]);
      expected[i] = 0.0 + gv[i] * (s * (1 - s));
    }
    assertArrayEquals(expected, x.grad().toArray(), "sigmoid");

    twiceOnZeroedBuffers(l -> l[0].exp(), g, x);
    for (int i = 0; i < n; i++) {
      expected[i] = 0.0 + gv[i] * VectorExp.exp(xv[i]);
    }
    assertArrayEquals(expected, x.grad().toArray(), "exp");

    twiceOnZeroedBuffers(l -> l[0].log(), g, x);
    for (int i = 0; i < n; i++) {
      expected[i] = 0.0 + gv[i] / xv[i];
    }
    assertArrayEquals(expected, x.grad().toArray(), "log");
    assertEquals(0L, Double.doubleToRawLongBits(x.grad().toArray()[4]), "-0.0 / x accumulated onto zeros is +0.0");
  }

  @Test
  void productAndQuotientAdjointsFillTheZeroedBuffersBitwise() {
    Random rnd = new Random(62);
    int n = 41;
    double[] av = random(rnd, n);
    double[] bv = positive(rnd, n);
    double[] gv = random(rnd, n);
    av[5] = -1.0;
    gv[5] = 0.0; // gb = 0.0 · -1.0 = -0.0, +0.0 once on the zeros
    Tensor g = Tensor.fromArray(gv, n);
    Tensor a = Tensor.fromArray(av, n).requiresGrad();
    Tensor b = Tensor.fromArray(bv, n).requiresGrad();
    double[] ea = new double[n];
    double[] eb = new double[n];

    twiceOnZeroedBuffers(l -> l[0].mul(l[1]), g, a, b);
    for (int i = 0; i < n; i++) {
      ea[i] = 0.0 + gv[i] * bv[i];
      eb[i] = 0.0 + gv[i] * av[i];
    }
    assertArrayEquals(ea, a.grad().toArray(), "d(a·b)/da");
    assertArrayEquals(eb, b.grad().toArray(), "d(a·b)/db");
    assertEquals(0L, Double.doubleToRawLongBits(b.grad().toArray()[5]));

    twiceOnZeroedBuffers(l -> l[0].div(l[1]), g, a, b);
    for (int i = 0; i < n; i++) {
      ea[i] = 0.0 + gv[i] / bv[i];
      eb[i] = 0.0 + -gv[i] * av[i] / (bv[i] * bv[i]);
    }
    assertArrayEquals(ea, a.grad().toArray(), "d(a/b)/da");
    assertArrayEquals(eb, b.grad().toArray(), "d(a/b)/db");

    // one operand a constant: only the leaf's adjoint, into its buffer
    Tensor c = Tensor.fromArray(bv, n);
    twiceOnZeroedBuffers(l -> c.mul(l[0]), g, a);
    for (int i = 0; i < n; i++) {
      ea[i] = 0.0 + gv[i] * bv[i];
    }
    assertArrayEquals(ea, a.grad().toArray(), "d(c·a)/da");
    twiceOnZeroedBuffers(l -> c.div(l[0]), g, a);
    for (int i = 0; i < n; i++) {
      ea[i] = 0.0 + -gv[i] * bv[i] / (av[i] * av[i]);
    }
    assertArrayEquals(ea, a.grad().toArray(), "d(c/a)/da");
  }

  @Test
  void anOperandThatIsTheZeroedBufferIsReadNotOverwritten() {
    // a·w with w = a.grad() itself (zeros after zeroGrad): d/da = g·w = 0 must read w, not the gradient written
    Random rnd = new Random(63);
    int n = 9;
    Tensor a = Tensor.fromArray(random(rnd, n), n).requiresGrad();
    a.exp().sum().backward();
    a.zeroGrad();
    Tensor w = a.grad();
    a.mul(w).backward(Tensor.fromArray(random(rnd, n), n));
    assertArrayEquals(new double[n], a.grad().toArray());
    a.zeroGrad();
    a.div(w.add(2)).mul(w).backward(Tensor.ones(n));
    assertArrayEquals(new double[n], a.grad().toArray(), "(a / (w + 2)) · w with w = 0");
    // another node reads the buffer (saved b·w): it must see the zeros, whichever runs first
    Tensor b = Tensor.fromArray(random(rnd, n), n).requiresGrad();
    for (int order = 0; order < 2; order++) {
      a.zeroGrad();
      b.grad(); // none yet on the first pass
      Tensor first = order == 0 ? a.exp().sum() : b.mul(w).sum();
      Tensor second = order == 0 ? b.mul(w).sum() : a.exp().sum();
      first.add(second).backward();
      assertArrayEquals(new double[n], b.grad().toArray(), "d(b·w)/db = w = 0, order " + order);
      double[] expA = a.exp().toArray();
      assertArrayEquals(expA, a.grad().toArray(), "d exp(a)/da, order " + order);
      b.zeroGrad();
    }
    // the same with a matrix product writing the buffer (a as a 1 × n matrix)
    Tensor c = Tensor.fromArray(random(rnd, n * 2), n, 2);
    for (int order = 0; order < 2; order++) {
      a.zeroGrad();
      b.zeroGrad();
      Tensor product = a.unsqueeze(0).matmul(c).sum();
      Tensor reader = b.mul(w).sum();
      (order == 0 ? product.add(reader) : reader.add(product)).backward();
      assertArrayEquals(new double[n], b.grad().toArray(), "d(b·w)/db = w = 0 beside a product, order " + order);
    }
  }

  @Test
  void chainGradientsThroughZeroedBuffersMatchCentralDifferences() {
    Random rnd = new Random(64);
    int n = 23;
    double[] xv = random(rnd, n);
    double[] yv = random(rnd, n);
    double[] zv = random(rnd, n);
    double[] pv = positive(rnd, n);
    Tensor z = Tensor.fromArray(zv, n);
    Function<double[][], Double> loss = v -> Tensor.fromArray(v[0], n).tanh().mul(Tensor.fromArray(v[1], n)).add(z)
        .sigmoid().sum().add(Tensor.fromArray(v[2], n).log().div(Tensor.fromArray(v[1], n).exp().add(1)).sum()).item();
    Tensor x = Tensor.fromArray(xv.clone(), n).requiresGrad();
    Tensor y = Tensor.fromArray(yv.clone(), n).requiresGrad();
    Tensor p = Tensor.fromArray(pv.clone(), n).requiresGrad();
    Function<Tensor[], Tensor> f = l -> l[0].tanh().mul(l[1]).add(z).sigmoid().sum()
        .add(l[2].log().div(l[1].exp().add(1)).sum());
    twiceOnZeroedBuffers(f, null, x, y, p);
    double[][] v = {xv, yv, pv};
    Tensor[] leaves = {x, y, p};
    double h = 1e-6;
    for (int q = 0; q < 3; q++) {
      double[] grad = leaves[q].grad().toArray();
      for (int i = 0; i < n; i++) {
        double keep = v[q][i];
        v[q][i] = keep + h;
        double up = loss.apply(v);
        v[q][i] = keep - h;
        double down = loss.apply(v);
        v[q][i] = keep;
        assertEquals((up - down) / (2 * h), grad[i], 1e-7 * (1 + Math.abs(grad[i])), "leaf " + q + " [" + i + "]");
      }
    }
  }
}
