package dev.adjoint.nn;

import dev.adjoint.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * A building block of a network, as {@code torch.nn.Module}: {@link #forward} computes the output (with
 * {@code Tensor} operations, so the graph is recorded), {@link #parameters()} lists the leaves an optimizer
 * updates (its own, then its children's, in order), and {@link #zeroGrad()} clears their gradients.
 */
public abstract class Module {
  /** The output for {@code input} (PyTorch's {@code module(input)}). */
  public abstract Tensor forward(Tensor input);

  /** This module's own parameters (none by default). */
  protected List<Tensor> ownParameters() {
    return List.of();
  }

  /** The modules inside this one (none by default). */
  protected List<Module> children() {
    return List.of();
  }

  /**
   * Every parameter of this module and its children, depth first, each once (a module or tensor used twice
   * is listed at its first place), as {@code module.parameters()}.
   */
  public List<Tensor> parameters() {
    Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    List<Tensor> all = new ArrayList<>();
    collect(all, seen);
    return all;
  }

  private void collect(List<Tensor> all, Set<Tensor> seen) {
    for (Tensor p : ownParameters()) {
      if (seen.add(p)) {
        all.add(p);
      }
    }
    for (Module child : children()) {
      child.collect(all, seen);
    }
  }

  /** Zeroes the accumulated gradient of every parameter, as {@code module.zero_grad()}. */
  public void zeroGrad() {
    for (Tensor p : parameters()) {
      p.zeroGrad();
    }
  }
}
