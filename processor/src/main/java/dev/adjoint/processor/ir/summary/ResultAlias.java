package dev.adjoint.processor.ir.summary;

import java.util.List;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * What the array result of a {@code @Differentiable} method may share storage with: its array parameters
 * (by position; the parameter itself or one of its rows) and {@code static final} arrays. A result that
 * shares nothing is fresh: the caller may write into it. Data only, computed by
 * {@code analyze.Summaries} and carried in companions by the runtime annotation
 * {@code dev.adjoint.runtime.ResultAlias}.
 *
 * @param parameters the positions of the parameters the result may alias, ascending
 * @param constant whether the result may be (a row of) a {@code static final} array
 */
public record ResultAlias(List<Integer> parameters, boolean constant) {
  /** A result that is always a new array. */
  public static final ResultAlias FRESH = new ResultAlias(List.of(), false);

  public ResultAlias {
    parameters = List.copyOf(new TreeSet<>(parameters));
  }

  /** Nothing known (a callee compiled without a summary): may alias every parameter and every constant. */
  public static ResultAlias unknown(int arity) {
    return new ResultAlias(IntStream.range(0, arity).boxed().toList(), true);
  }

  /** Whether the result is always a new array. */
  public boolean fresh() {
    return parameters.isEmpty() && !constant;
  }

  /** What either may alias. */
  public ResultAlias union(ResultAlias other) {
    TreeSet<Integer> all = new TreeSet<>(parameters);
    all.addAll(other.parameters);
    return new ResultAlias(List.copyOf(all), constant || other.constant);
  }
}
