package dev.adjoint.spi;

import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The active {@link MatmulBackend}: discovered once with {@link ServiceLoader} (only a native one), or set with
 * {@link #useMatmul}. See {@link MatmulBackend} for the rules.
 */
public final class Backends {
  /**
   * Products with fewer multiply-adds ({@code n·k·m}) than this stay with the runtime's kernels, where a
   * call through JNI would cost more than it saves (32³).
   */
  public static final long MIN_MULTIPLY_ADDS = 32L * 32 * 32;

  private static volatile MatmulBackend matmul = discoverMatmul();

  private Backends() {}

  /** The backend the runtime routes large matrix products to, or {@code null} for its own kernels. */
  public static MatmulBackend matmul() {
    return matmul;
  }

  /**
   * Routes the runtime's large matrix products to {@code backend} from now on, in every thread ({@code null}:
   * the runtime's own kernels). Unlike discovery, this accepts a backend that is not native.
   */
  public static void useMatmul(MatmulBackend backend) {
    matmul = backend;
  }

  /**
   * The first backend on the class path ({@link ServiceLoader}) that reports itself {@linkplain
   * MatmulBackend#isNative() native}, or {@code null} when there is none, when a provider fails to load, or
   * when the system property {@code adjoint.matmul} is {@code java}.
   */
  public static MatmulBackend discoverMatmul() {
    if ("java".equals(System.getProperty("adjoint.matmul"))) {
      return null;
    }
    try {
      for (MatmulBackend b : ServiceLoader.load(MatmulBackend.class, MatmulBackend.class.getClassLoader())) {
        if (b.isNative()) {
          return b;
        }
      }
    } catch (ServiceConfigurationError | LinkageError e) {
      // A provider that cannot load (missing native library, broken jar): the runtime's kernels serve.
    }
    return null;
  }
}
