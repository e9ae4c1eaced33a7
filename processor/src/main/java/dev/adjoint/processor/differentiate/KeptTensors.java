package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Type;
import java.util.Set;

/**
 * Which tensor intermediates the reverse sweep reads from what the forward sweep kept instead of computing
 * them again. The reverse sweep evaluates partials on the restored state, binding the subexpressions a tensor
 * kernel reads to temporaries ({@code ExpressionAdjoints.value}); for a scalar that is as cheap as loading a
 * saved value, for a tensor it is the operation's forward again. So an operation whose forward costs more than
 * one pass over its result (a matrix product, a transcendental function per element, a reduction over a larger
 * input) has its result kept by the forward sweep, in a local of the tape outside loops and on the call tape
 * inside them ({@link CallBoundary}), whenever, and only when, the reverse sweep reads it. Cheap operations
 * (arithmetic, views, reshapes) are recomputed from their operands, as before.
 *
 * <p>A kept result is one reference to a tensor the forward computed anyway. It is private to the tape: the
 * method cannot change a tensor in place, and what leaves the tape ({@code value()}) is a copy, so it needs no
 * version check; the inputs it was computed from keep theirs (the node saves them as before).
 */
final class KeptTensors {
  private KeptTensors() {}

  /** Tensor operations whose result is kept when the reverse sweep reads it. */
  private static final Set<String> COSTLY = Set.of(
      // more than one pass per element of the result
      "matmul", "dot", "softmax", "logSoftmax", "crossEntropy",
      // a transcendental function per element
      "exp", "log", "sqrt", "tanh", "sigmoid", "sin", "cos", "log1p", "expm1", "pow",
      // reductions: the result is smaller than the input read again
      "sum", "mean", "max", "min", "var", "std", "logsumexp", "norm", "prod", "amax", "amin");

  /** Whether {@code call}'s tensor result is kept when the reverse sweep reads it. */
  static boolean kept(Expr.Call call) {
    if (call.type() != Type.TENSOR) {
      return false;
    }
    if (call.callee() instanceof Callee.TensorMethod m) {
      return COSTLY.contains(m.name());
    }
    return call.callee() instanceof Callee.TensorFunction f && COSTLY.contains(f.name());
  }
}
