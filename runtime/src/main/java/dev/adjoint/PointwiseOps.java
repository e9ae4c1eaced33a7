package dev.adjoint;


/**
 * The element-wise functions of {@link Tensor} ({@code exp}, {@code pow}, {@code relu}, {@code clamp},
 * {@code where}, ...): the call into {@link PointwiseKernels} and the node with the adjoint. Tensor's public
 * methods delegate here.
 */
final class PointwiseOps {
  private PointwiseOps() {}

  private static Tensor rec(Tensor out, String name, Tensor[] inputs, Node.Fn fn, Tensor... saved) {
    return GraphRecorder.record(out, name, inputs, fn, saved, null);
  }

  /** {@code a op b} element-wise over the broadcast shape ({@link PointwiseKernels#binary}), not recorded. */
  static Tensor binary(Tensor a, Tensor b, int op) {
    int[] s = Shapes.broadcast(a.shapeRef(), b.shapeRef());
    return Tensor.wrap(PointwiseKernels.binary(a.values(), a.shapeRef(), b.values(), b.shapeRef(), s, op), s);
  }

  private static Tensor unary(Tensor self, int op) {
    return Tensor.wrap(PointwiseKernels.unary(self.values(), op), self.shapeRef());
  }

  /**
   * Whether a backward formula over {@code g} and {@code y} would record no graph (no {@code createGraph}, or
   * neither requires a gradient), so that one fused loop can replace the differentiable chain of operations.
   */
  private static boolean recordsNothing(Tensor g, Tensor y) {
    return !GradMode.isEnabled() || !(g.isRequiresGrad() || y.isRequiresGrad());
  }

  /** {@code g}'s values, or its one value when it is a single value broadcast by a view. */
  private static double[] compact(Tensor g) {
    return ArithOps.isBroadcastValue(g) ? new double[] {g.storage[g.offset]} : g.values();
  }

  static Tensor exp(Tensor self) {
    Tensor out = unary(self, PointwiseKernels.EXP);
    return rec(out, "ExpBackward", new Tensor[] {self}, (g, n) -> new Tensor[] {
        fusedUnaryBackward(g, n, n.saved(0), PointwiseKernels.MUL)}, out);
  }

  static Tensor log(Tensor self) {
    return rec(unary(self, PointwiseKernels.LOG), "LogBackward", new Tensor[] {self}, (g, n) -> new Tensor[] {
        fusedUnaryBackward(g, n, n.saved(0), PointwiseKernels.DIV)}, self);
  }

  /**
   * {@code g·s} ({@code op} MUL) or {@code g/s} (DIV) for a saved tensor {@code s} of the gradient's shape: one
   * loop into the input's zeroed leaf gradient when {@code n} is offered one ({@link LeafGrads}), else into {@code
   * g}'s own array when only the reverse pass holds it ({@link ScratchGradients}), bitwise {@code g.mul(s)} /
   * {@code g.div(s)} (once accumulated); those, recorded, when the pass records a graph.
   */
  private static Tensor fusedUnaryBackward(Tensor g, Node n, Tensor s, int op) {
    int[] shape = s.shapeRef();
    if (!recordsNothing(g, s) || !java.util.Arrays.equals(g.shapeRef(), shape)) {
      return op == PointwiseKernels.MUL ? g.mul(s) : g.div(s);
    }
    Tensor leaf = LeafGrads.writable(n, 0, shape, g, s);
    double[] r = LeafGrads.target(leaf, g, shape);
    PointwiseKernels.mulOrDivInto(compact(g), s.values(), r, op, LeafGrads.plusZero(leaf));
    return LeafGrads.result(leaf, r, shape);
  }

  static Tensor sqrt(Tensor self) {
    Tensor out = unary(self, PointwiseKernels.SQRT);
    return rec(out, "SqrtBackward", new Tensor[] {self},
        (g, n) -> new Tensor[] {g.div(n.saved(0).mul(2))}, out);
  }

  static Tensor pow(Tensor self, double p) {
    int[] s = self.shapeRef();
    // x * x is Math.pow(x, 2.0) to the bit (the JDK computes it so), at a quarter of the cost. For 3,
    // PyTorch's CPU kernel computes x * x * x (not a correctly rounded pow); we give its values, as fast.
    Tensor out = p == 2.0
        ? Tensor.wrap(PointwiseKernels.square(self.values()), s)
        : p == 3.0
            ? Tensor.wrap(PointwiseKernels.cube(self.values()), s)
            : Tensor.wrap(PointwiseKernels.pow(self.values(), p), s);
    return rec(out, "PowBackward", new Tensor[] {self}, (g, n) -> {
      if (p == 0) {
        return new Tensor[] {Tensor.zeros(s)};
      }
      return new Tensor[] {g.mul(n.saved(0).pow(p - 1).mul(p))};
    }, self);
  }

  static Tensor pow(Tensor self, Tensor exponent) {
    int[] as = self.shapeRef();
    int[] bs = exponent.shapeRef();
    Tensor out = binary(self, exponent, PointwiseKernels.POW);
    int[] os = out.shapeRef();
    return rec(out, "PowBackward", new Tensor[] {self, exponent}, (g, n) -> {
      Tensor x = n.saved(0);
      Tensor e = n.saved(1);
      Tensor gx = null;
      Tensor ge = null;
      if (n.needs(0)) {
        Tensor ex = e.expandTo(os);
        double[] ev = ex.values();
        boolean[] mask = new boolean[ev.length];
        for (int i = 0; i < mask.length; i++) {
          mask[i] = ev[i] == 0;
        }
        gx = g.mul(e).mul(x.pow(e.sub(1))).maskZero(mask).sumTo(as);
      }
      if (n.needs(1)) {
        Tensor xx = x.expandTo(os);
        Tensor ex = e.expandTo(os);
        double[] xv = xx.values();
        double[] ev = ex.values();
        boolean[] mask = new boolean[xv.length];
        for (int i = 0; i < mask.length; i++) {
          mask[i] = xv[i] == 0 && ev[i] >= 0;
        }
        ge = g.mul(n.saved(2)).mul(x.log()).maskZero(mask).sumTo(bs);
      }
      return new Tensor[] {gx, ge};
    }, self, exponent, out);
  }

  static Tensor square(Tensor self) {
    Tensor out = Tensor.wrap(PointwiseKernels.square(self.values()), self.shapeRef());
    return rec(out, "PowBackward", new Tensor[] {self},
        (g, n) -> new Tensor[] {g.mul(n.saved(0).mul(2))}, self);
  }

  static Tensor tanh(Tensor self) {
    Tensor out = unary(self, PointwiseKernels.TANH);
    return rec(out, "TanhBackward", new Tensor[] {self}, (g, n) -> {
      Tensor y = n.saved(0);
      if (recordsNothing(g, y)) {
        int[] s = y.shapeRef();
        Tensor leaf = LeafGrads.writable(n, 0, s, g, y);
        double[] r = LeafGrads.target(leaf, g, s);
        PointwiseKernels.tanhBackward(compact(g), y.values(), r, LeafGrads.plusZero(leaf));
        return new Tensor[] {LeafGrads.result(leaf, r, s)};
      }
      return new Tensor[] {g.mul(y.mul(y).neg().add(1))};
    }, out);
  }

  static Tensor sigmoid(Tensor self) {
    Tensor out = unary(self, PointwiseKernels.SIGMOID);
    return rec(out, "SigmoidBackward", new Tensor[] {self}, (g, n) -> {
      Tensor y = n.saved(0);
      if (recordsNothing(g, y)) {
        int[] s = y.shapeRef();
        Tensor leaf = LeafGrads.writable(n, 0, s, g, y);
        double[] r = LeafGrads.target(leaf, g, s);
        PointwiseKernels.sigmoidBackward(compact(g), y.values(), r, LeafGrads.plusZero(leaf));
        return new Tensor[] {LeafGrads.result(leaf, r, s)};
      }
      return new Tensor[] {g.mul(y.mul(y.neg().add(1)))};
    }, out);
  }

  static Tensor relu(Tensor self) {
    Tensor out = unary(self, PointwiseKernels.RELU);
    return rec(out, "ReluBackward", new Tensor[] {self}, (g, n) -> {
      double[] y = n.saved(0).values();
      boolean[] mask = new boolean[y.length];
      for (int i = 0; i < mask.length; i++) {
        mask[i] = !(y[i] > 0);
      }
      return new Tensor[] {g.maskZero(mask)};
    }, out);
  }

  static Tensor abs(Tensor self) {
    int[] s = self.shapeRef();
    return rec(unary(self, PointwiseKernels.ABS), "AbsBackward", new Tensor[] {self}, (g, n) -> {
      return new Tensor[] {g.mul(Tensor.wrap(PointwiseKernels.sign(n.saved(0).values()), s))};
    }, self);
  }

  static Tensor where(Tensor condition, Tensor x, Tensor y) {
    int[] s = Shapes.broadcast(Shapes.broadcast(condition.shapeRef(), x.shapeRef()), y.shapeRef());
    double[] c = ShapeKernels.expandForReading(condition.values(), condition.shapeRef(), s);
    double[] xv = ShapeKernels.expandForReading(x.values(), x.shapeRef(), s);
    double[] yv = ShapeKernels.expandForReading(y.values(), y.shapeRef(), s);
    double[] r = new double[c.length];
    boolean[] fromX = new boolean[c.length];
    boolean[] fromY = new boolean[c.length];
    for (int i = 0; i < r.length; i++) {
      fromX[i] = c[i] != 0;
      fromY[i] = !fromX[i];
      r[i] = fromX[i] ? xv[i] : yv[i];
    }
    int[] xs = x.shapeRef();
    int[] ys = y.shapeRef();
    return rec(Tensor.wrap(r, s), "WhereBackward", new Tensor[] {x, y}, (g, n) -> new Tensor[] {
        n.needs(0) ? g.maskZero(fromY).sumTo(xs) : null, n.needs(1) ? g.maskZero(fromX).sumTo(ys) : null});
  }

  static Tensor maskedFill(Tensor self, Tensor mask, double value) {
    if (!Shapes.broadcastsTo(mask.shapeRef(), self.shapeRef())) {
      throw new IllegalArgumentException("maskedFill: mask of shape " + Shapes.str(mask.shapeRef())
          + " does not broadcast to the tensor's shape " + Shapes.str(self.shapeRef()));
    }
    double[] m = ShapeKernels.expandForReading(mask.values(), mask.shapeRef(), self.shapeRef());
    boolean[] fill = new boolean[m.length];
    double[] r = self.toArray();
    for (int i = 0; i < r.length; i++) {
      fill[i] = m[i] != 0;
      if (fill[i]) {
        r[i] = value;
      }
    }
    return rec(Tensor.wrap(r, self.shapeRef()), "MaskedFillBackward", new Tensor[] {self},
        (g, n) -> new Tensor[] {g.maskZero(fill)});
  }

  static Tensor clamp(Tensor self, double min, double max) {
    double[] x = self.values();
    double[] r = PointwiseKernels.clamp(x, min, max);
    boolean[] blocked = new boolean[r.length];
    for (int i = 0; i < r.length; i++) {
      blocked[i] = !(x[i] >= min && x[i] <= max);
    }
    return rec(Tensor.wrap(r, self.shapeRef()), "ClampBackward", new Tensor[] {self},
        (g, n) -> new Tensor[] {g.maskZero(blocked)});
  }

  static Tensor sin(Tensor self) {
    return rec(unary(self, PointwiseKernels.SIN), "SinBackward", new Tensor[] {self},
        (g, n) -> new Tensor[] {g.mul(n.saved(0).cos())}, self);
  }

  static Tensor cos(Tensor self) {
    return rec(unary(self, PointwiseKernels.COS), "CosBackward", new Tensor[] {self},
        (g, n) -> new Tensor[] {g.mul(n.saved(0).sin().neg())}, self);
  }

  static Tensor log1p(Tensor self) {
    return rec(unary(self, PointwiseKernels.LOG1P), "Log1PBackward", new Tensor[] {self},
        (g, n) -> new Tensor[] {g.div(n.saved(0).add(1))}, self);
  }

  static Tensor expm1(Tensor self) {
    Tensor out = unary(self, PointwiseKernels.EXPM1);
    return rec(out, "Expm1Backward", new Tensor[] {self}, (g, n) -> new Tensor[] {g.mul(n.saved(0).add(1))},
        out);
  }

  static Tensor sign(Tensor self) {
    Tensor out = Tensor.wrap(PointwiseKernels.sign(self.values()), self.shapeRef());
    return rec(out, "SignBackward", new Tensor[] {self},
        (g, n) -> new Tensor[] {Tensor.zerosLike(g)});
  }

  static Tensor floor(Tensor self) {
    return rec(unary(self, PointwiseKernels.FLOOR), "FloorBackward", new Tensor[] {self},
        (g, n) -> new Tensor[] {Tensor.zerosLike(g)});
  }
}
