package dev.adjoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link FusedElementwise}: the fused loop gives the bits of the eager operations it replaces (over several
 * blocks and a partial one, with one-element operands broadcast), closed forms written out on doubles, and
 * the eager path itself (graph, broadcasting, errors) wherever the fused loop does not apply.
 */
class FusedElementwiseTest {
  private static double[] values(long seed, int n, double lo, double hi) {
    Random r = new Random(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = lo + (hi - lo) * r.nextDouble();
    }
    return v;
  }

  private static void sameBits(Tensor expected, Tensor actual) {
    assertArrayEquals(expected.shape(), actual.shape(), "shape");
    double[] e = expected.toArray();
    double[] a = actual.toArray();
    for (int i = 0; i < e.length; i++) {
      assertEquals(Double.doubleToLongBits(e[i]), Double.doubleToLongBits(a[i]), "element " + i + ": " + e[i]
          + " vs " + a[i]);
    }
  }

  @Test
  void everyOperationOverSeveralBlocksIsTheEagerChainBitForBit() {
    for (int n : new int[] {1, 7, 512, 1300}) {
      Tensor a = Tensor.fromArray(values(1, n, -3, 3), n);
      Tensor b = Tensor.fromArray(values(2, n, 0.5, 4), n);
      Tensor c = Tensor.fromArray(values(3, n, -1, 1), n);
      Tensor[] abc = {a, b, c};
      try (var off = Tensor.noGrad()) {
        sameBits(a.exp().add(1.0).log(), FusedElementwise.eval("t0 exp s0 add log", abc, new double[] {1.0}));
        sameBits(a.mul(b).sub(c).div(b), FusedElementwise.eval("t0 t1 mul t2 sub t1 div", abc, new double[0]));
        sameBits(c.mul(c.mul(c).neg().add(1.0)), FusedElementwise.eval("t2 t2 t2 mul neg s0 add mul", abc,
            new double[] {1.0}));
        sameBits(a.tanh().sigmoid().sqrt().square(), FusedElementwise.eval("t0 tanh sigmoid sqrt square", abc,
            new double[0]));
        sameBits(a.relu().add(c.abs()).sin().mul(b.cos()), FusedElementwise.eval("t0 relu t2 abs add sin t1 cos mul",
            abc, new double[0]));
        sameBits(c.log1p().sub(c.expm1()).div(2.5).mul(-1.5), FusedElementwise.eval(
            "t2 log1p t2 expm1 sub s0 div s1 mul", abc, new double[] {2.5, -1.5}));
        sameBits(a.sub(b).mul(c).sum(), FusedElementwise.sum("t0 t1 sub t2 mul", abc, new double[0]));
        sameBits(a.exp().mul(b).mean(), FusedElementwise.mean("t0 exp t1 mul", abc, new double[0]));
      }
    }
  }

  @Test
  void vectorizedExpTanhSigmoidInBlocksAreTheScalarFormsBitForBitAtSpecialValues() {
    // every branch of the three functions: ±0, tiny, the two tanh forms around 0.625, beyond 22 and 354, exp's
    // range ends -708 and 709 and beyond (Math.exp), subnormal results, infinities and NaN; spread over 3 blocks
    double[] special = {0.0, -0.0, 1e-300, -1e-10, 0.6249, 0.625, -0.626, 21.9, 22.5, -400, 354.5, -707.9, -708.5,
        708.9, 709.5, -745, 800, Double.MIN_VALUE, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN};
    int n = 1300;
    double[] x = values(7, n, -30, 30);
    for (int i = 0; i < special.length; i++) {
      x[i * 61] = special[i];
    }
    Tensor t = Tensor.fromArray(x, n);
    Tensor[] in = {t};
    double[] e = FusedElementwise.eval("t0 exp", in, new double[0]).toArray();
    double[] th = FusedElementwise.eval("t0 tanh", in, new double[0]).toArray();
    double[] sg = FusedElementwise.eval("t0 sigmoid", in, new double[0]).toArray();
    for (int i = 0; i < n; i++) {
      assertEquals(Double.doubleToLongBits(VectorExp.exp(x[i])), Double.doubleToLongBits(e[i]), "exp " + x[i]);
      assertEquals(Double.doubleToLongBits(VectorExp.tanh(x[i])), Double.doubleToLongBits(th[i]), "tanh " + x[i]);
      assertEquals(Double.doubleToLongBits(VectorExp.sigmoid(x[i])), Double.doubleToLongBits(sg[i]),
          "sigmoid " + x[i]);
    }
    sameBits(t.exp(), Tensor.fromArray(e, n));
    sameBits(t.tanh(), Tensor.fromArray(th, n));
    sameBits(t.sigmoid(), Tensor.fromArray(sg, n));
  }

  @Test
  void closedFormOnDoubles() {
    double[] x = {-2.0, -0.5, 0.0, 0.25, 3.0};
    double[] y = {1.5, 2.0, 0.5, 4.0, 1.0};
    Tensor r = Tensor.noGrad(() -> FusedElementwise.eval("t0 t1 div s0 sub t1 mul", new Tensor[] {
        Tensor.of(x), Tensor.of(y)}, new double[] {0.75}));
    double[] expected = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      expected[i] = (x[i] / y[i] - 0.75) * y[i];
    }
    assertArrayEquals(expected, r.toArray(), 0.0);
    assertFalse(r.isRequiresGrad());
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += Math.log(1 + Math.exp(x[i])) - y[i] * x[i];
    }
    Tensor mean = Tensor.noGrad(() -> FusedElementwise.mean("t0 exp s0 add log t1 t0 mul sub", new Tensor[] {
        Tensor.of(x), Tensor.of(y)}, new double[] {1.0}));
    assertEquals(s / x.length, mean.item(), 1e-15);
  }

  @Test
  void oneElementOperandsBroadcastAsTheEagerOperationsDo() {
    Tensor m = Tensor.fromArray(values(4, 12, -2, 2), 3, 4);
    for (Tensor one : new Tensor[] {Tensor.of(0.7), Tensor.fromArray(new double[] {-1.3}, 1),
        Tensor.fromArray(new double[] {2.2}, 1, 1), Tensor.fromArray(new double[] {0.4}, 1, 1, 1)}) {
      Tensor[] ts = {one, m};
      try (var off = Tensor.noGrad()) {
        // the receiver the one-element tensor, then the argument
        sameBits(one.exp().sub(m).mul(m), FusedElementwise.eval("t0 exp t1 sub t1 mul", ts, new double[0]));
        sameBits(m.div(one).add(one.neg()), FusedElementwise.eval("t1 t0 div t0 neg add", ts, new double[0]));
      }
    }
  }

  @Test
  void broadcastingEmptyAndNullOperandsRunTheEagerOperations() {
    Tensor m = Tensor.fromArray(values(5, 12, -2, 2), 3, 4);
    Tensor row = Tensor.fromArray(values(6, 4, -2, 2), 4);
    try (var off = Tensor.noGrad()) {
      sameBits(m.add(row).tanh(), FusedElementwise.eval("t0 t1 add tanh", new Tensor[] {m, row}, new double[0]));
      Tensor empty = Tensor.zeros(0, 4);
      assertArrayEquals(new int[] {0, 4},
          FusedElementwise.eval("t0 exp t0 add", new Tensor[] {empty}, new double[0]).shape());
      Tensor bad = Tensor.fromArray(values(7, 5, -1, 1), 5);
      RuntimeException fused = assertThrows(RuntimeException.class,
          () -> FusedElementwise.eval("t0 t1 add exp", new Tensor[] {m, bad}, new double[0]));
      RuntimeException eager = assertThrows(RuntimeException.class, () -> m.add(bad).exp());
      assertEquals(eager.getClass(), fused.getClass());
      assertEquals(eager.getMessage(), fused.getMessage());
      assertThrows(NullPointerException.class,
          () -> FusedElementwise.eval("t0 t1 add exp", new Tensor[] {m, null}, new double[0]));
    }
  }

  @Test
  void anOperandThatRequiresGradRecordsTheEagerGraph() {
    double[] xs = {-1.0, 0.3, 2.0};
    double[] ys = {0.5, 1.5, -0.25};
    Tensor x = Tensor.of(xs).requiresGrad();
    Tensor y = Tensor.of(ys);
    Tensor loss = FusedElementwise.sum("t0 exp t1 mul s0 add", new Tensor[] {x, y}, new double[] {2.0});
    assertFalse(loss.isLeaf());
    loss.backward();
    for (int i = 0; i < xs.length; i++) {
      assertEquals(Math.exp(xs[i]) * ys[i], x.grad().toArray()[i], 1e-14);
    }
    // with grad mode off the fused loop runs: no graph
    Tensor off = Tensor.noGrad(() -> FusedElementwise.eval("t0 exp t1 mul", new Tensor[] {x, y}, new double[0]));
    assertTrue(off.isLeaf());
    assertTrue(!off.isRequiresGrad());
  }

  @Test
  void shapeOfIsTheShapeOfTheValueWithoutItsArray() {
    Tensor m = Tensor.fromArray(values(8, 12, -2, 2), 3, 4);
    Tensor row = Tensor.fromArray(values(9, 4, -2, 2), 4);
    Tensor col = Tensor.fromArray(values(10, 3, -2, 2), 3, 1);
    Tensor[] ts = {row, col, m, Tensor.of(2.0)};
    String[] programs = {"t0 t1 add", "t0 exp s0 mul", "t1 t3 mul t0 sub", "t0 t1 mul u2", "t2 neg u0"};
    int[][] shapes = {{3, 4}, {4}, {3, 4}, {3, 4}, {4}};
    for (int k = 0; k < programs.length; k++) {
      Tensor shape = FusedElementwise.shapeOf(programs[k], ts, new double[] {1.5});
      assertArrayEquals(shapes[k], shape.shape(), programs[k]);
      assertEquals(shapes[k].length == 1 ? 4 : 12, shape.numel(), programs[k]);
    }
    // the eager value where there is one: the same shape
    assertArrayEquals(row.add(col).shape(), FusedElementwise.shapeOf("t0 t1 add", ts, new double[0]).shape());
    assertThrows(IllegalArgumentException.class, () -> FusedElementwise.shapeOf("t0 t1 add",
        new Tensor[] {row, Tensor.zeros(3)}, new double[0]));
  }

  @Test
  void malformedProgramsAreRefused() {
    Tensor[] one = {Tensor.of(1.0, 2.0)};
    for (String p : new String[] {"t0 add", "t0 t0", "t0 frob", "mul"}) {
      assertThrows(IllegalArgumentException.class, () -> FusedElementwise.eval(p, one, new double[0]), p);
    }
  }
}
