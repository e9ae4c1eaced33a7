package dev.adjoint.nn;

import dev.adjoint.Tensor;
import java.util.List;

/** Modules applied in order, each to the previous one's output, as {@code torch.nn.Sequential}. */
public final class Sequential extends Module {
  private final List<Module> modules;

  public Sequential(Module... modules) {
    this.modules = List.of(modules);
  }

  @Override
  public Tensor forward(Tensor input) {
    Tensor x = input;
    for (Module m : modules) {
      x = m.forward(x);
    }
    return x;
  }

  @Override
  protected List<Module> children() {
    return modules;
  }
}
