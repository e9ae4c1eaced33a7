package dev.adjoint;

/**
 * The four arithmetic operations and negation of {@link Tensor} (broadcasting as NumPy does), each recorded
 * with its adjoint; the gradient of a broadcast operand is summed back to its shape. Tensor's public methods
 * delegate here.
 *
 * <p>An operand that is a single value broadcast by a view (all strides 0, as the gradient of {@code sum()}
 * reaches the next node) is read as that one value, not gathered into a full array first.
 */
final class ArithOps {
  private ArithOps() {}

  private static Tensor rec(Tensor out, String name, Tensor[] inputs, Node.Fn fn, Tensor... saved) {
    return GraphRecorder.record(out, name, inputs, fn, saved, null);
  }

  static Tensor add(Tensor a, Tensor b) {
    int[] as = a.shapeRef();
    int[] bs = b.shapeRef();
    return rec(arith(a, b, PointwiseKernels.ADD), "AddBackward", new Tensor[] {a, b}, (g, n) -> new Tensor[] {
        n.needs(0) ? g.sumTo(as) : null, n.needs(1) ? g.sumTo(bs) : null});
  }

  static Tensor add(Tensor a, double c) {
    return rec(scalar(a, c, PointwiseKernels.ADD), "AddBackward", new Tensor[] {a}, (g, n) -> new Tensor[] {g});
  }

  static Tensor sub(Tensor a, Tensor b) {
    int[] as = a.shapeRef();
    int[] bs = b.shapeRef();
    return rec(arith(a, b, PointwiseKernels.SUB), "SubBackward", new Tensor[] {a, b}, (g, n) -> new Tensor[] {
        n.needs(0) ? g.sumTo(as) : null, n.needs(1) ? g.neg().sumTo(bs) : null});
  }

  static Tensor sub(Tensor a, double c) {
    return rec(scalar(a, c, PointwiseKernels.SUB), "SubBackward", new Tensor[] {a}, (g, n) -> new Tensor[] {g});
  }

  static Tensor mul(Tensor a, Tensor b) {
    int[] as = a.shapeRef();
    int[] bs = b.shapeRef();
    return rec(arith(a, b, PointwiseKernels.MUL), "MulBackward", new Tensor[] {a, b}, (g, n) -> {
      Tensor x = n.saved(0);
      Tensor y = n.saved(1);
      if (fusable(g, x, y)) {
        // the adjoints wanted in one pass over g (bitwise g.mul(y) and g.mul(x)), each into its leaf's zeroed
        // gradient when one is offered (LeafGrads), else the first into g's array when only the reverse pass holds g
        // (ScratchGradients), the other fresh
        Tensor la = n.needs(0) ? LeafGrads.writable(n, 0, as, g, x, y) : null;
        Tensor lb = n.needs(1) ? LeafGrads.writable(n, 1, bs, g, x, y) : null;
        double[] gv = isBroadcastValue(g) ? new double[] {g.storage[g.offset]} : g.values();
        double[] ga = n.needs(0) ? LeafGrads.target(la, g, as) : null;
        double[] gb = n.needs(1) ? LeafGrads.target(lb, g, bs) : null;
        PointwiseKernels.mulBackward(gv, x.values(), y.values(), ga, gb, LeafGrads.plusZero(la), LeafGrads.plusZero(lb));
        return new Tensor[] {ga == null ? null : LeafGrads.result(la, ga, as),
            gb == null ? null : LeafGrads.result(lb, gb, bs)};
      }
      return new Tensor[] {
          n.needs(0) ? g.mul(y).sumTo(as) : null,
          n.needs(1) ? g.mul(x).sumTo(bs) : null};
    }, a, b);
  }

  /**
   * Whether a product's two adjoints can come from one loop: no graph recorded for them (no {@code createGraph},
   * or none of the three requires grad) and no broadcasting (both operands of the gradient's shape).
   */
  private static boolean fusable(Tensor g, Tensor x, Tensor y) {
    if (GradMode.isEnabled() && (g.isRequiresGrad() || x.isRequiresGrad() || y.isRequiresGrad())) {
      return false;
    }
    int[] s = g.shapeRef();
    return java.util.Arrays.equals(x.shapeRef(), s) && java.util.Arrays.equals(y.shapeRef(), s);
  }

  static Tensor mul(Tensor a, double c) {
    return rec(scalar(a, c, PointwiseKernels.MUL), "MulBackward", new Tensor[] {a},
        (g, n) -> new Tensor[] {g.mul(c)});
  }

  static Tensor div(Tensor a, Tensor b) {
    int[] as = a.shapeRef();
    int[] bs = b.shapeRef();
    return rec(arith(a, b, PointwiseKernels.DIV), "DivBackward", new Tensor[] {a, b}, (g, n) -> {
      Tensor d = n.saved(1);
      Tensor x = n.saved(0);
      if (fusable(g, x, d)) {
        // both adjoints (or the one wanted) in one pass over g, bitwise the chains below; each into its leaf's
        // zeroed gradient when one is offered (LeafGrads), else into g's array when only the reverse pass holds g
        // (ScratchGradients), or fresh
        Tensor la = n.needs(0) ? LeafGrads.writable(n, 0, as, g, x, d) : null;
        Tensor ld = n.needs(1) ? LeafGrads.writable(n, 1, bs, g, x, d) : null;
        double[] gv = isBroadcastValue(g) ? new double[] {g.storage[g.offset]} : g.values();
        double[] ga = n.needs(0) ? LeafGrads.target(la, g, as) : null;
        double[] gd = n.needs(1) ? LeafGrads.target(ld, g, bs) : null;
        PointwiseKernels.divBackward(gv, x.values(), d.values(), ga, gd, LeafGrads.plusZero(la), LeafGrads.plusZero(ld));
        return new Tensor[] {
            ga == null ? null : LeafGrads.result(la, ga, as), gd == null ? null : LeafGrads.result(ld, gd, bs)};
      }
      return new Tensor[] {
          n.needs(0) ? g.div(d).sumTo(as) : null,
          n.needs(1) ? g.neg().mul(n.saved(0)).div(d.mul(d)).sumTo(bs) : null};
    }, a, b);
  }

  static Tensor div(Tensor a, double c) {
    return rec(scalar(a, c, PointwiseKernels.DIV), "DivBackward", new Tensor[] {a},
        (g, n) -> new Tensor[] {g.div(c)});
  }

  static Tensor neg(Tensor a) {
    return rec(Tensor.wrap(PointwiseKernels.neg(a.values()), a.shapeRef()), "NegBackward", new Tensor[] {a},
        (g, n) -> new Tensor[] {g.neg()});
  }

  private static Tensor arith(Tensor a, Tensor b, int op) {
    int[] s = Shapes.broadcast(a.shapeRef(), b.shapeRef());
    boolean ca = isBroadcastValue(a);
    boolean cb = isBroadcastValue(b);
    double[] av = ca ? new double[] {a.storage[a.offset]} : a.values();
    double[] bv = cb ? new double[] {b.storage[b.offset]} : b.values();
    int[] ash = ca ? new int[a.dim()] : a.shapeRef();
    int[] bsh = cb ? new int[b.dim()] : b.shapeRef();
    if (ca) {
      java.util.Arrays.fill(ash, 1);
    }
    if (cb) {
      java.util.Arrays.fill(bsh, 1);
    }
    return Tensor.wrap(PointwiseKernels.arith(av, ash, bv, bsh, s, op), s);
  }

  private static Tensor scalar(Tensor a, double c, int op) {
    return Tensor.wrap(PointwiseKernels.arithScalar(a.values(), c, op), a.shapeRef());
  }

  /** Whether {@code t} has more than one element, all of them one storage element (every stride 0). */
  static boolean isBroadcastValue(Tensor t) {
    if (t.numel() < 2) {
      return false;
    }
    for (int st : t.strides) {
      if (st != 0) {
        return false;
      }
    }
    return true;
  }
}
