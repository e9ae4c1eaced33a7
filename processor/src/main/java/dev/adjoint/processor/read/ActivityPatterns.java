package dev.adjoint.processor.read;

import com.sun.source.tree.MethodInvocationTree;
import dev.adjoint.processor.emit.GeneratedNames;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;

/**
 * Calls of a {@code @Differentiable} method specialised for the activity pattern of their arguments (design.md
 * §7 "One call boundary"): where a call passes an argument that is inactive at the call site (a constant, an
 * array the inputs never reach) to a differentiated parameter, the call goes to a specialisation of the callee
 * in which that parameter is {@code @NoGrad}, read and written exactly as a plain helper's
 * ({@link HelperCalls}: {@code m$10}, package-private in the caller's companion). Its forward sweep then stores
 * nothing for the inactive argument and its reverse sweep does no adjoint work for it, as Enzyme does.
 *
 * <p>Only for callees of the caller's own class whose source is in this compilation, with parameters and
 * result of the types plain helpers take ({@code double}, {@code int}, {@code long}, {@code boolean},
 * arrays), without a {@code @DerivativeOf} method and without variable arity. Every other call, and every
 * call that passes active arguments to all the callee's differentiated parameters, keeps the callee's general
 * entry ({@code C.m$record}), as does any call whose active argument meets a {@code @NoGrad} parameter (which
 * the general entry refuses).
 */
public final class ActivityPatterns {
  private ActivityPatterns() {}

  /**
   * The call of {@code target}, a {@code @Differentiable} method, through its specialisation for the
   * arguments' activity, or null for the general entry. In the first reading (activity still unknown) it is
   * the candidate call whose arguments the activity analysis decides.
   */
  static Expr call(MethodReader reader, MethodInvocationTree call, TypeElement type, ExecutableElement target,
      List<Type> parameterTypes, List<Expr> converted) {
    if (reader.helpers == null || !eligible(reader, type, target, parameterTypes)) {
      return null;
    }
    if (!reader.helpers.deciding()) {
      List<Boolean> active = reader.helpers.decision(call);
      if (active == null || !specialises(target, parameterTypes, active)) {
        return null;
      }
    }
    return reader.helpers.call(call, target, parameterTypes, converted, reader.trees, reader.elements);
  }

  /**
   * {@code method} with every call of a specialisation of a {@code @Differentiable} method ({@code methods}, by
   * {@code owner#name}) back on the method's general entry: the forward modes ({@code mJvp}, {@code mHvp}) go
   * through the callee's own members, which a specialisation does not all have. The reverse sweep keeps the
   * specialisations.
   */
  public static MethodIr generalCalls(MethodIr method, Map<String, MethodIr> methods) {
    boolean[] any = {false};
    for (dev.adjoint.processor.ir.Stmt s : dev.adjoint.processor.analyze.Summaries.statements(method.body())) {
      HelperCalls.expressions(s).forEach(e -> ExprWalk.visit(e, x -> any[0] |= x instanceof Expr.Call c
          && general(c.callee(), methods) != null));
    }
    return any[0] ? GeneratedNames.mapCallees(method, c -> {
      Callee g = general(c, methods);
      return g != null ? g : c;
    }) : method;
  }

  /** The general entry of {@code callee} when it is a specialisation of a {@code @Differentiable} method. */
  private static Callee.DifferentiableMethod general(Callee callee, Map<String, MethodIr> methods) {
    if (!(callee instanceof Callee.DifferentiableMethod d) || d.member().equals(d.name())) {
      return null;
    }
    MethodIr m = methods.get(d.owner() + "#" + d.name());
    if (m == null || !m.returnType().equals(d.returnType())
        || !m.parameters().stream().map(MethodIr.Parameter::type).toList().equals(d.parameterTypes())) {
      return null;
    }
    List<String> components = new ArrayList<>();
    for (MethodIr.Parameter p : m.parameters()) {
      components.add(p.differentiable() ? p.sourceName() : null);
    }
    return new Callee.DifferentiableMethod(d.owner(), d.companion(), d.name(), d.parameterTypes(), components,
        d.returnType());
  }

  private static boolean eligible(MethodReader reader, TypeElement type, ExecutableElement target,
      List<Type> parameterTypes) {
    if (!type.equals(reader.owner) || reader.trees.getTree(target) == null || target.isVarArgs()
        || !target.getModifiers().contains(Modifier.STATIC)
        || !CustomDerivatives.of(type, target.getSimpleName().toString()).isEmpty()) {
      return false;
    }
    Type result = ModelTypes.of(target.getReturnType()).orElse(null);
    return (result == Type.DOUBLE || result instanceof Type.DoubleArray)
        && parameterTypes.stream().allMatch(t -> t instanceof Type.Scalar || t instanceof Type.DoubleArray
            || t instanceof Type.IntArray)
        && HelperCalls.differentiable(reader.trees, reader.elements, target, parameterTypes);
  }

  /**
   * Whether {@code active} leaves out a differentiated array parameter of {@code target} and activates none
   * that is not differentiated.
   */
  private static boolean specialises(ExecutableElement target, List<Type> parameterTypes, List<Boolean> active) {
    boolean fewer = false;
    for (int k = 0; k < parameterTypes.size(); k++) {
      boolean differentiated = parameterTypes.get(k).differentiable()
          && ModelTypes.isDifferentiableParameter(target.getParameters().get(k));
      if (active.get(k) && !differentiated) {
        return false;
      }
      // an inactive array is where the adjoint work is (a zero array, a loop of accumulations); a call whose
      // inactive arguments are scalars keeps the general entry, which a tiny callee recomputes (Recomputable)
      fewer |= differentiated && !active.get(k) && parameterTypes.get(k) instanceof Type.DoubleArray;
    }
    return fewer;
  }
}
