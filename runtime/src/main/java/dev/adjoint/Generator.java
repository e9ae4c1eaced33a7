package dev.adjoint;

import java.util.Random;

/**
 * A source of random numbers for {@link Tensor#randn(Generator, int...)} and {@link Tensor#rand(Generator,
 * int...)}, as {@code torch.Generator}: {@code Tensor.randn(new Generator().manualSeed(42), 3, 5)}
 * gives the same values on every run and every JDK (the draws are {@link Random}'s, whose algorithm
 * its specification fixes). The factories without a generator draw from one process-wide default generator, which {@link
 * Tensor#manualSeed(long)} reseeds, as {@code torch.manual_seed} does.
 *
 * <p>The values are not PyTorch's (PyTorch uses a Mersenne twister): the same seed gives reproducible,
 * not identical, numbers. Thread-safe; draws from one generator on several threads interleave.
 */
public final class Generator {
  /** PyTorch's default seed, {@code torch.initial_seed()} before any {@code manual_seed}. */
  public static final long DEFAULT_SEED = 67280421310721L;

  static final Generator DEFAULT = new Generator();

  private final Random random = new Random(DEFAULT_SEED);
  private long seed = DEFAULT_SEED;

  /** A generator seeded with {@link #DEFAULT_SEED}. */
  public Generator() {}

  /** Reseeds this generator (later draws restart from {@code seed}'s sequence); returns this. */
  public synchronized Generator manualSeed(long seed) {
    this.seed = seed;
    random.setSeed(seed);
    return this;
  }

  /** The seed last set ({@link #DEFAULT_SEED} if none was). */
  public synchronized long initialSeed() {
    return seed;
  }

  /** {@code n} standard normal samples. */
  synchronized double[] normal(int n) {
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = random.nextGaussian();
    }
    return d;
  }

  /** {@code n} uniform samples in {@code [0, 1)}. */
  synchronized double[] uniform(int n) {
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = random.nextDouble();
    }
    return d;
  }
}
