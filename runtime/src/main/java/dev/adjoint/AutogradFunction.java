package dev.adjoint;

/**
 * A differentiable operation with a hand-written reverse rule, as PyTorch's {@code torch.autograd.Function}:
 * subclass it, compute the result in {@link #forward} (run without recording, as PyTorch runs it), keep what
 * the reverse rule needs with {@link Context#saveForBackward}, and return one gradient per input from {@link
 * #backward}. {@link #apply} runs it and records one node in the graph.
 *
 * <pre>{@code
 * final class Cube extends AutogradFunction {
 *   protected Tensor forward(Context ctx, Tensor... in) {
 *     ctx.saveForBackward(in[0]);
 *     return in[0].pow(3);
 *   }
 *   protected Tensor[] backward(Context ctx, Tensor g) {
 *     Tensor x = ctx.savedTensors()[0];
 *     return new Tensor[] {ctx.needsInputGrad(0) ? g.mul(x.square().mul(3)) : null};
 *   }
 * }
 * Tensor y = new Cube().apply(x);   // grad_fn=<CubeBackward>
 * }</pre>
 *
 * <p>As in PyTorch: a saved tensor changed in place between {@code apply} and the reverse pass makes
 * {@link Context#savedTensors} throw the "modified by an inplace operation" error; after a reverse pass without
 * {@code retainGraph} the saved tensors are freed (a second pass throws); {@link Context#needsInputGrad} says
 * which inputs want a gradient (a {@code null} gradient means none, and gradients for inputs that want none
 * are ignored); under {@code createGraph} the backward rule runs with recording on, so a rule written with
 * tensor operations can be differentiated again. Not supported: several outputs, non-tensor inputs other
 * than through the subclass's fields, and changing an input in place inside {@code forward} (PyTorch's
 * {@code mark_dirty}).
 */
public abstract class AutogradFunction {
  /** What {@link #forward} leaves for {@link #backward} (PyTorch's {@code ctx}). */
  public static final class Context {
    private final boolean[] needsInputGrad;
    private Tensor[] toSave = new Tensor[0];
    private Node node;

    Context(boolean[] needsInputGrad) {
      this.needsInputGrad = needsInputGrad;
    }

    /**
     * Keeps {@code tensors} (inputs, the output or intermediates) for {@link #savedTensors()}, with their
     * versions: a later in-place change of any of them makes the reverse pass throw. Call it in {@code forward};
     * a second call replaces the first.
     */
    public void saveForBackward(Tensor... tensors) {
      if (node != null) {
        throw new IllegalStateException("saveForBackward must be called in forward");
      }
      for (int i = 0; i < tensors.length; i++) {
        if (tensors[i] == null) {
          throw new IllegalArgumentException("saveForBackward: tensor " + i + " is null");
        }
      }
      toSave = tensors.clone();
    }

    /**
     * The tensors given to {@link #saveForBackward}, in order; call it in {@code backward}.
     *
     * @throws IllegalStateException when one was changed in place since it was saved, when the graph was
     *     freed by an earlier reverse pass, or when called in {@code forward}
     */
    public Tensor[] savedTensors() {
      if (node == null) {
        throw new IllegalStateException("savedTensors() is available in backward only");
      }
      Tensor[] r = new Tensor[toSave.length];
      for (int i = 0; i < r.length; i++) {
        r[i] = node.saved(i);
      }
      return r;
    }

    /** Whether input {@code i} wants a gradient (grad mode on and the input requires grad). */
    public boolean needsInputGrad(int i) {
      return needsInputGrad[i];
    }
  }

  /** The node's name in {@code gradFnName()}: the class's simple name followed by {@code Backward}. */
  protected String name() {
    String simple = getClass().getSimpleName();
    return (simple.isEmpty() ? "AutogradFunction" : simple) + "Backward";
  }

  /**
   * Computes the result from {@code inputs}; runs with recording off. Must not change an input in place.
   *
   * @param ctx where to save what {@link #backward} needs
   * @param inputs the tensors given to {@link #apply}
   */
  protected abstract Tensor forward(Context ctx, Tensor... inputs);

  /**
   * The gradients of the inputs from the gradient {@code gradOutput} of the result: one entry per input, of
   * that input's shape, or {@code null} for none.
   */
  protected abstract Tensor[] backward(Context ctx, Tensor gradOutput);

  /**
   * Runs {@link #forward} and, when recording is on and an input requires grad, records one node whose
   * reverse rule is {@link #backward}.
   */
  public final Tensor apply(Tensor... inputs) {
    boolean[] needs = new boolean[inputs.length];
    boolean enabled = GradMode.isEnabled();
    for (int i = 0; i < inputs.length; i++) {
      if (inputs[i] == null) {
        throw new IllegalArgumentException("input " + i + " of " + name() + " is null");
      }
      needs[i] = enabled && inputs[i].isRequiresGrad();
    }
    Context ctx = new Context(needs);
    Tensor value;
    boolean previous = GradMode.set(false);
    try {
      value = forward(ctx, inputs);
    } finally {
      GradMode.set(previous);
    }
    if (value == null) {
      throw new IllegalStateException(name() + ": forward returned null");
    }
    String name = name();
    Pullback pullback = g -> backward(ctx, g);
    Node.Fn rule = GraphRecorder.pullbackRule(name, value, pullback, inputs);
    Node.Fn fn = (g, n) -> {
      ctx.node = n;
      return rule.apply(g, n);
    };
    return GraphRecorder.record(value.shareStorage(), name, inputs, fn, ctx.toSave, pullback);
  }
}
