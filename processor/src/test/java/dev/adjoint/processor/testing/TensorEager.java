package dev.adjoint.processor.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.Gradcheck;
import dev.adjoint.Tensor;
import java.util.function.Function;

/** A generated tensor node checked by gradcheck and against eager autograd on the original method. */
public final class TensorEager {
  private TensorEager() {}

  /**
   * Gradcheck of {@code node} at {@code inputs} (each passed through {@code args}), then {@link #compare}.
   * {@code valueTolerance} 0 asks for the original's value exactly (the same kernels run).
   */
  public static void check(String name, Function<Object[], Tensor> node, Function<Object[], Tensor> original,
      Function<Tensor[], Object[]> args, double valueTolerance, Tensor... inputs) {
    assertTrue(Gradcheck.gradcheck(xs -> node.apply(args.apply(xs)), inputs), name);
    compare(name, node, original, args, valueTolerance, inputs);
  }

  /**
   * The node's value equals the original's (within {@code valueTolerance}, 0: exactly), not only its own
   * differences; the inputs' gradients of the value's {@code sum()} (the node composed with ordinary graph
   * operations, as a user's loss would) equal eager autograd's to 1e-9 relative.
   */
  public static void compare(String name, Function<Object[], Tensor> node, Function<Object[], Tensor> original,
      Function<Tensor[], Object[]> args, double valueTolerance, Tensor... inputs) {
    Tensor[] viaNode = TensorDifferences.leaves(inputs, i -> true);
    Tensor[] eager = TensorDifferences.leaves(inputs, i -> true);
    Tensor nodeValue = node.apply(args.apply(viaNode));
    Tensor eagerValue = original.apply(args.apply(eager));
    if (valueTolerance == 0) {
      assertEquals(eagerValue, nodeValue, name + " forward value");
    } else {
      assertTrue(nodeValue.allClose(eagerValue, valueTolerance, valueTolerance), name + " forward value");
    }
    nodeValue.sum().backward();
    eagerValue.sum().backward();
    for (int i = 0; i < inputs.length; i++) {
      assertTrue(viaNode[i].grad().allClose(eager[i].grad(), 1e-9, 1e-12),
          name + " input " + i + ": " + viaNode[i].grad() + " vs eager " + eager[i].grad());
    }
  }
}
