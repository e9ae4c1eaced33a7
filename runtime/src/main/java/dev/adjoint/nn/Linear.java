package dev.adjoint.nn;

import dev.adjoint.Generator;
import dev.adjoint.Tensor;
import java.util.List;

/**
 * {@code y = x·Wᵀ + b}, as {@code torch.nn.Linear}: {@code W} has shape {@code [out, in]} and {@code b}
 * shape {@code [out]}; {@code x} is {@code [..., in]}. Initialized as PyTorch does (Kaiming-uniform with
 * {@code a = √5}, which for the weight and the bias alike draws from {@code U(−1/√in, 1/√in)}), from the
 * default generator ({@link Tensor#manualSeed}) or a given {@link Generator}; the numbers are not
 * PyTorch's, the distribution is.
 */
public final class Linear extends Module {
  private final Tensor weight;
  private final Tensor bias;

  /** A layer with a bias, initialized from the default generator. */
  public Linear(int inFeatures, int outFeatures) {
    this(inFeatures, outFeatures, true, null);
  }

  /**
   * @param bias whether to add a bias
   * @param generator the random source of the initial values, or null for the default generator
   */
  public Linear(int inFeatures, int outFeatures, boolean bias, Generator generator) {
    if (inFeatures <= 0 || outFeatures <= 0) {
      throw new IllegalArgumentException("Linear needs positive sizes, got " + inFeatures + " -> " + outFeatures);
    }
    double bound = 1 / Math.sqrt(inFeatures);
    this.weight = uniform(generator, bound, outFeatures, inFeatures);
    this.bias = bias ? uniform(generator, bound, outFeatures) : null;
  }

  private static Tensor uniform(Generator generator, double bound, int... shape) {
    Tensor u = generator == null ? Tensor.rand(shape) : Tensor.rand(generator, shape);
    return u.mul(2 * bound).sub(bound).requiresGrad();
  }

  /** The weight, shape {@code [out, in]} (a leaf that requires grad). */
  public Tensor weight() {
    return weight;
  }

  /** The bias, shape {@code [out]}, or null if the layer has none. */
  public Tensor bias() {
    return bias;
  }

  @Override
  public Tensor forward(Tensor input) {
    Tensor y = input.matmul(weight.t());
    return bias == null ? y : y.add(bias);
  }

  @Override
  protected List<Tensor> ownParameters() {
    return bias == null ? List.of(weight) : List.of(weight, bias);
  }
}
