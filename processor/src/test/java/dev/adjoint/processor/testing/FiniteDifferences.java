package dev.adjoint.processor.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.DoubleFunction;
import java.util.function.Function;
import org.opentest4j.AssertionFailedError;

/**
 * Central differences that say when they cannot be trusted. A companion's derivative is compared with the
 * central difference at step {@link GradCheck#EPS} as before; only when they disagree are the steps
 * {@code 2·EPS} and {@code EPS/2} computed too. If, at every element that disagrees, those three estimates
 * also disagree with each other (beyond gradcheck's tolerance, or are not finite), the estimate is what is
 * wrong, not the derivative: the point is near a branch switch or a kink (a difference across a jump of size
 * J is J/(2h), so halving h doubles it), or the function curves too fast for the step (the error of a central
 * difference is h²·f'''/6, so halving h quarters it). That is reported as {@link Unreliable}, and
 * {@link #atReliablePoint} checks the same program at another point, drawn deterministically, at most
 * {@link #MAX_POINTS} points in all: a program whose every point is unreliable fails. If any disagreeing
 * element has three estimates that agree, the companion is wrong there and the check fails as before, so a
 * redraw never hides an error that the estimates can see.
 */
public final class FiniteDifferences {
  /** Points tried per check: the given one and up to three redrawn ones. */
  public static final int MAX_POINTS = 4;

  private static final AtomicLong REDRAWS = new AtomicLong();

  private FiniteDifferences() {}

  /** The central differences at this point disagree with each other where the companion disagrees with them. */
  public static final class Unreliable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Unreliable(String message) {
      super(message, null, false, false);
    }
  }

  /** Points redrawn so far in this JVM (every check, every generator). */
  public static long redraws() {
    return REDRAWS.get();
  }

  /**
   * Compares {@code actual} with {@code centralDifference.apply(GradCheck.EPS)}. On a mismatch, computes the
   * estimate at {@code 2·EPS} and {@code EPS/2} too: throws {@link Unreliable} if every mismatching element's
   * three estimates disagree (or one is not finite), otherwise fails with {@link GradCheck#compare}'s
   * message.
   */
  public static void check(DoubleFunction<Object> centralDifference, Object actual, String what) {
    Object expected = centralDifference.apply(GradCheck.EPS);
    try {
      GradCheck.compare(expected, actual, what);
      return;
    } catch (AssertionFailedError mismatch) {
      if (!sameShape(expected, actual)) {
        throw mismatch;
      }
      Object wide = centralDifference.apply(2 * GradCheck.EPS);
      Object narrow = centralDifference.apply(GradCheck.EPS / 2);
      double[] e = ModeCheck.flatten(expected);
      double[] a = ModeCheck.flatten(actual);
      double[] w = ModeCheck.flatten(wide);
      double[] n = ModeCheck.flatten(narrow);
      StringBuilder why = new StringBuilder();
      for (int i = 0; i < e.length; i++) {
        if (GradCheck.close(e[i], a[i])) {
          continue;
        }
        if (reliable(e[i], w[i], n[i])) {
          throw mismatch; // the estimates agree with each other: the companion is wrong here
        }
        why.append(String.format("%n  element %d: companion %s, central differences at steps %s, %s, %s: %s, %s, %s",
            i, a[i], 2 * GradCheck.EPS, GradCheck.EPS, GradCheck.EPS / 2, w[i], e[i], n[i]));
      }
      throw new Unreliable(what + ": the central differences disagree with each other" + why);
    }
  }

  /** Whether three estimates of one derivative, at steps EPS, 2·EPS and EPS/2, are finite and agree. */
  static boolean reliable(double atEps, double wide, double narrow) {
    return Double.isFinite(atEps) && Double.isFinite(wide) && Double.isFinite(narrow)
        && GradCheck.close(atEps, wide) && GradCheck.close(atEps, narrow);
  }

  private static boolean sameShape(Object x, Object y) {
    if (x instanceof Double) {
      return y instanceof Double;
    }
    if (x instanceof double[] u) {
      return y instanceof double[] v && u.length == v.length;
    }
    if (x instanceof double[][] u && y instanceof double[][] v && u.length == v.length) {
      for (int i = 0; i < u.length; i++) {
        if ((u[i] == null) != (v[i] == null) || u[i] != null && u[i].length != v[i].length) {
          return false;
        }
      }
      return true;
    }
    return false;
  }

  /**
   * Runs {@code check} at {@code first}; while it throws {@link Unreliable}, at a point drawn by
   * {@code redraw} from a generator seeded by {@code first}'s description, {@link #MAX_POINTS} points in all.
   * Fails, listing every point and why, when the central differences are unreliable at all of them.
   * Returns the number of points redrawn.
   */
  public static <T> int atReliablePoint(T first, Function<Random, T> redraw, Consumer<T> check,
      Function<T, String> describe) {
    Random again = new Random(0x5EEDF00DL ^ describe.apply(first).hashCode());
    List<String> reasons = new ArrayList<>();
    T point = first;
    for (int attempt = 0; ; attempt++) {
      try {
        check.accept(point);
        return attempt;
      } catch (Unreliable u) {
        reasons.add("at " + describe.apply(point) + ": " + u.getMessage());
        if (attempt + 1 == MAX_POINTS) {
          throw new AssertionFailedError("central differences are unreliable at all " + MAX_POINTS
              + " points tried, so the gradient could not be checked:\n" + String.join("\n", reasons));
        }
        REDRAWS.incrementAndGet();
        // printed so that a run's log says why each point was redrawn
        System.out.println("[redraw] at " + describe.apply(point) + ": " + u.getMessage());
        point = redraw.apply(again);
      }
    }
  }

  /** Runs {@code check} at one fixed point: unreliable central differences there fail the test. */
  public static void atFixedPoint(Runnable check) {
    try {
      check.run();
    } catch (Unreliable u) {
      throw new AssertionFailedError("central differences are unreliable at this point, so the gradient "
          + "could not be checked there (choose another point): " + u.getMessage());
    }
  }
}
