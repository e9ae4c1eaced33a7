package dev.adjoint.processor.ir;

import java.util.List;

/** What a call expression calls. */
public sealed interface Callee {
  /**
   * A {@code java.lang.Math} function such as {@code sin} or {@code pow}; {@code owner} is
   * {@code java.lang.StrictMath} when the source calls that class (its results may differ from Math's in
   * the last bit, so the companion calls the same class).
   */
  record MathFunction(String name, String owner) implements Callee {
    public MathFunction(String name) {
      this(name, "java.lang.Math");
    }
  }

  /**
   * A static {@code @Differentiable} method: {@code owner} is the class's canonical name, {@code companion}
   * the canonical name of its generated companion, {@code parameters} the callee's parameter names and
   * types, {@code gradientComponents} the accessor of the gradient record for each parameter (null for a
   * non-differentiable parameter), {@code member} the base name of its companion members ({@code name}
   * itself; for a plain helper differentiated for this caller, a name such as {@code logGamma$10} that
   * carries the activity pattern, see {@code read.HelperCalls}).
   */
  record DifferentiableMethod(
      String owner,
      String companion,
      String name,
      List<Type> parameterTypes,
      List<String> gradientComponents,
      Type returnType,
      String member)
      implements Callee {
    public DifferentiableMethod {
      parameterTypes = List.copyOf(parameterTypes);
      gradientComponents = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(gradientComponents));
    }

    /** A {@code @Differentiable} method: its companion members are named after it. */
    public DifferentiableMethod(String owner, String companion, String name, List<Type> parameterTypes,
        List<String> gradientComponents, Type returnType) {
      this(owner, companion, name, parameterTypes, gradientComponents, returnType, name);
    }

    /**
     * Whether the call passes the leaves of records or of an object (an instance method, or record
     * parameters, design.md §7): its companion's flat overload stands in for the method ({@code owner} is
     * the companion); its forward mode is the flat tangent member {@code m$jvp} (double results only).
     */
    public boolean flattened() {
      return owner.equals(companion);
    }

    /** {@code member} with a capital first letter, as companions name their member classes. */
    public String capitalized() {
      return Character.toUpperCase(member.charAt(0)) + member.substring(1);
    }
  }

  /**
   * A {@code @Differentiable} method with a {@code @DerivativeOf} method: called as {@code owner.name(args)},
   * its reverse is {@code owner.derivative(args, upstream)}, a {@code double} (one differentiable parameter)
   * or a {@code double[]} with one entry per parameter marked in {@code differentiable}, in order.
   */
  record Custom(String owner, String name, String derivative, List<Boolean> differentiable) implements Callee {
    public Custom {
      differentiable = List.copyOf(differentiable);
    }

    /** Whether the derivative returns one entry per differentiable parameter (several of them). */
    public boolean returnsArray() {
      return differentiable.stream().filter(b -> b).count() > 1;
    }
  }

  /**
   * The generated gradient of a {@code double}-valued {@code @Differentiable} method, {@code
   * companion.mGradient(args)}, whose value is the gradient record (a nested gradient; the reader accepts it
   * only under a component accessor, {@code FGrad.fGradient(x, y).y()}). Its reverse rule is the method's
   * Hessian-vector product {@code companion.mHvp(args, directions)}: the Hessian is symmetric.
   */
  record GradientOf(DifferentiableMethod method) implements Callee {}

  /**
   * A static helper, called as {@code owner.name(args)}: of the runtime or a generated class, or a method of the
   * user's that is not differentiated; {@code library} when its source is not in the compilation (a JDK or
   * library method, which the user cannot mark {@code @Differentiable}).
   */
  record Static(String owner, String name, boolean library) implements Callee {
    public Static(String owner, String name) {
      this(owner, name, false);
    }
  }

  /**
   * A generated member of a callee's tape ({@code result$}, {@code reverse$}), called on the first argument
   * as {@code args[0].name(rest)}: the split-mode call boundary's plumbing.
   */
  record TapeMember(String name) implements Callee {}

  /** A {@code Tensor} instance method called on the first argument, as {@code args[0].name(rest)}. */
  record TensorMethod(String name) implements Callee {}

  /** A static {@code Tensor} function such as {@code Tensor.crossEntropy(logits, targets)}. */
  record TensorFunction(String name) implements Callee {}
}
