package dev.adjoint;

/**
 * The reductions of {@link Tensor} (sums, means, extrema with their indices, softmax and the fused
 * cross-entropy, products, prefix sums, variance, logsumexp, norms): shapes and checks, the call into
 * {@link ReductionKernels}, and the node with the adjoint. Tensor's public methods delegate here.
 */
final class ReductionOps {
  private ReductionOps() {}

  private static Tensor rec(Tensor out, String name, Tensor[] inputs, Node.Fn fn, Tensor... saved) {
    return GraphRecorder.record(out, name, inputs, fn, saved, null);
  }

  static Tensor sum(Tensor x) {
    double s = ReductionKernels.sum(x.values());
    int[] in = x.shapeRef();
    return rec(Tensor.of(s), "SumBackward", new Tensor[] {x}, (g, n) -> new Tensor[] {g.expandTo(in)});
  }

  static Tensor sum(Tensor x, int dim, boolean keepDim) {
    int d = Shapes.dim(dim, x.dim());
    double[] r = ReductionKernels.sum(x.values(), x.shapeRef(), d);
    int[] in = x.shapeRef();
    int[] outShape = keepDim ? Shapes.replaced(x.shapeRef(), d, 1) : Shapes.without(x.shapeRef(), d);
    return rec(Tensor.wrap(r, outShape), "SumBackward", new Tensor[] {x},
        (g, n) -> new Tensor[] {(keepDim ? g : g.unsqueeze(d)).expandTo(in)});
  }

  static Tensor mean(Tensor x) {
    double s = ReductionKernels.sum(x.values());
    int count = x.numel();
    int[] in = x.shapeRef();
    return rec(Tensor.of(s / count), "MeanBackward", new Tensor[] {x},
        (g, n) -> new Tensor[] {g.div(count).expandTo(in)});
  }

  static Tensor mean(Tensor x, int dim, boolean keepDim) {
    int d = Shapes.dim(dim, x.dim());
    int len = x.shapeRef()[d];
    int[] in = x.shapeRef();
    Tensor s;
    boolean previous = GradMode.set(false);
    try {
      s = x.sum(d, keepDim).div(len);
    } finally {
      GradMode.set(previous);
    }
    return rec(s, "MeanBackward", new Tensor[] {x},
        (g, n) -> new Tensor[] {(keepDim ? g : g.unsqueeze(d)).div(len).expandTo(in)});
  }

  static Tensor extremum(Tensor x, boolean isMax) {
    if (x.numel() == 0) {
      throw new IllegalStateException((isMax ? "max" : "min") + "() of an empty tensor");
    }
    double best = ReductionKernels.extremum(x.values(), isMax);
    int[] in = x.shapeRef();
    Tensor out = Tensor.of(best);
    return rec(out, isMax ? "MaxBackward" : "MinBackward", new Tensor[] {x}, (g, n) -> {
      double[] w = ReductionKernels.tieWeights(n.saved(0).values(), n.saved(1).values()[0]);
      return new Tensor[] {g.mul(Tensor.wrap(w, in))};
    }, x, out);
  }

  static Tensor.ValuesIndices selectExtremum(Tensor x, int dim, boolean keepDim, boolean isMax) {
    int d = Shapes.dim(dim, x.dim());
    Tensor indices = argExtremum(x, d, true, isMax);
    Tensor values = x.gather(d, indices);
    return keepDim ? new Tensor.ValuesIndices(values, indices)
        : new Tensor.ValuesIndices(values.squeeze(d), indices.squeeze(d));
  }

  static Tensor argExtremum(Tensor x, int dim, boolean keepDim, boolean isMax) {
    int d = Shapes.dim(dim, x.dim());
    if (x.shapeRef()[d] == 0) {
      throw new IllegalStateException((isMax ? "max" : "min") + " over an empty dimension");
    }
    int[] k = ReductionKernels.argExtremum(x.values(), x.shapeRef(), d, isMax);
    double[] r = new double[k.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = k[i];
    }
    return Tensor.wrap(r, keepDim ? Shapes.replaced(x.shapeRef(), d, 1) : Shapes.without(x.shapeRef(), d));
  }

  static Tensor extremum(Tensor x, int dim, boolean keepDim, boolean isMax) {
    int d = Shapes.dim(dim, x.dim());
    if (x.shapeRef()[d] == 0) {
      throw new IllegalStateException((isMax ? "max" : "min") + " over an empty dimension");
    }
    double[] r = ReductionKernels.extremum(x.values(), x.shapeRef(), d, isMax);
    int[] in = x.shapeRef();
    Tensor out = Tensor.wrap(r, keepDim ? Shapes.replaced(x.shapeRef(), d, 1) : Shapes.without(x.shapeRef(), d));
    return rec(out, isMax ? "MaxBackward" : "MinBackward", new Tensor[] {x}, (g, n) -> {
      double[] w = ReductionKernels.tieWeights(n.saved(0).values(), n.saved(1).values(), in, d);
      return new Tensor[] {(keepDim ? g : g.unsqueeze(d)).expandTo(in).mul(Tensor.wrap(w, in))};
    }, x, out);
  }

  static Tensor softmax(Tensor x, int dim) {
    int d = Shapes.dim(dim, x.dim());
    Tensor out = Tensor.wrap(softmaxData(x, d, false), x.shapeRef());
    return rec(out, "SoftmaxBackward", new Tensor[] {x}, (g, n) -> {
      Tensor y = n.saved(0);
      return new Tensor[] {y.mul(g.sub(g.mul(y).sum(d, true)))};
    }, out);
  }

  static Tensor logSoftmax(Tensor x, int dim) {
    int d = Shapes.dim(dim, x.dim());
    Tensor out = Tensor.wrap(softmaxData(x, d, true), x.shapeRef());
    return rec(out, "LogSoftmaxBackward", new Tensor[] {x}, (g, n) -> {
      Tensor y = n.saved(0);
      return new Tensor[] {g.sub(y.exp().mul(g.sum(d, true)))};
    }, out);
  }

  static double[] softmaxData(Tensor x, int d, boolean log) {
    return ReductionKernels.softmax(x.values(), x.shapeRef(), d, log);
  }

  static Tensor crossEntropy(Tensor logits, int[] targets) {
    if (logits.dim() > 2) {
      return Losses.crossEntropy(logits, targets);
    }
    if (logits.dim() != 2) {
      throw new IllegalArgumentException("crossEntropy expects logits of shape [N, C], got "
          + Shapes.str(logits.shapeRef()));
    }
    int batch = logits.size(0);
    int classes = logits.size(1);
    if (targets.length != batch) {
      throw new IllegalArgumentException("crossEntropy: " + targets.length + " targets for a batch of " + batch);
    }
    double[] onehot = new double[batch * classes];
    for (int i = 0; i < batch; i++) {
      if (targets[i] < 0 || targets[i] >= classes) {
        throw new IndexOutOfBoundsException("target " + targets[i] + " at position " + i
            + " is out of bounds for " + classes + " classes");
      }
      onehot[i * classes + targets[i]] = 1;
    }
    double[] logp = softmaxData(logits, 1, true);
    double loss = 0;
    for (int i = 0; i < batch; i++) {
      loss -= logp[i * classes + targets[i]];
    }
    Tensor target = Tensor.wrap(onehot, logits.shape());
    return rec(Tensor.of(loss / batch), "CrossEntropyBackward", new Tensor[] {logits}, (g, n) ->
        new Tensor[] {n.saved(0).softmax(1).sub(target).mul(g.div(batch))}, logits);
  }

  static Tensor prod(Tensor x, int dim, boolean keepDim) {
    int d = Shapes.dim(dim, x.dim());
    int[] in = x.shapeRef();
    int[] keptShape = Shapes.replaced(x.shapeRef(), d, 1);
    Tensor out = Tensor.wrap(ReductionKernels.prod(x.values(), x.shapeRef(), d),
        keepDim ? keptShape : Shapes.without(x.shapeRef(), d));
    return rec(out, "ProdBackward", new Tensor[] {x}, (g, n) -> {
      Tensor xs = n.saved(0);
      Tensor gk = keepDim ? g : g.unsqueeze(d);
      boolean zeros = false;
      for (double v : xs.values()) {
        zeros |= v == 0;
      }
      if (!zeros) {
        Tensor y = n.saved(1);
        return new Tensor[] {gk.mul(keepDim ? y : y.unsqueeze(d)).div(xs)};
      }
      if (GradMode.isEnabled() && (xs.isRequiresGrad() || gk.isRequiresGrad())) {
        throw new UnsupportedOperationException("a second derivative of prod() through a slice holding a zero"
            + " is not supported: the reverse pass computes the products of the other entries as numbers."
            + " Use createGraph only where no product factor is zero.");
      }
      return new Tensor[] {gk.expandTo(in).mul(Tensor.wrap(ReductionKernels.prodOfOthers(xs.values(), in, d), in))};
    }, x, out);
  }

  static Tensor cumsum(Tensor x, int d, boolean reverse) {
    Tensor out = Tensor.wrap(ReductionKernels.cumsum(x.values(), x.shapeRef(), d, reverse), x.shapeRef());
    return rec(out, "CumsumBackward", new Tensor[] {x}, (g, n) -> new Tensor[] {cumsum(g, d, !reverse)});
  }

  static Tensor var(Tensor x, int dim, boolean unbiased, boolean keepDim) {
    int d = Shapes.dim(dim, x.dim());
    int count = x.shapeRef()[d] - (unbiased ? 1 : 0);
    Tensor centered = x.sub(x.mean(d, true));
    return centered.mul(centered).sum(d, keepDim).div(Math.max(count, 0));
  }

  static Tensor logsumexp(Tensor x, int dim, boolean keepDim) {
    int d = Shapes.dim(dim, x.dim());
    if (x.shapeRef()[d] == 0) {
      throw new IllegalStateException("logsumexp over an empty dimension");
    }
    double[] m = ReductionKernels.extremum(x.values(), x.shapeRef(), d, true);
    for (int i = 0; i < m.length; i++) {
      if (Double.isInfinite(m[i]) || Double.isNaN(m[i])) {
        m[i] = 0;
      }
    }
    Tensor shift = Tensor.wrap(m, Shapes.replaced(x.shapeRef(), d, 1));
    Tensor out = x.sub(shift).exp().sum(d, true).log().add(shift);
    return keepDim ? out : out.squeeze(d);
  }

  static Tensor norm(Tensor x, int dim, boolean keepDim) {
    int d = Shapes.dim(dim, x.dim());
    double[] sq = PointwiseKernels.square(x.values());
    double[] r = PointwiseKernels.unary(ReductionKernels.sum(sq, x.shapeRef(), d), PointwiseKernels.SQRT);
    int[] in = x.shapeRef();
    Tensor out = Tensor.wrap(r, keepDim ? Shapes.replaced(x.shapeRef(), d, 1) : Shapes.without(x.shapeRef(), d));
    return rec(out, "NormBackward", new Tensor[] {x}, (g, n) -> {
      Tensor xs = n.saved(0);
      Tensor y = keepDim ? n.saved(1) : n.saved(1).unsqueeze(d);
      Tensor gk = keepDim ? g : g.unsqueeze(d);
      boolean[] zero = new boolean[xs.numel()];
      double[] ye = ShapeKernels.expandForReading(y.values(), y.shapeRef(), in);
      for (int i = 0; i < zero.length; i++) {
        zero[i] = ye[i] == 0;
      }
      return new Tensor[] {xs.mul(gk.div(y)).maskZero(zero)};
    }, x, out);
  }
}
