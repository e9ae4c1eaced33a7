package dev.adjoint.processor;

import dev.adjoint.processor.read.ModelTypes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.Types;

/**
 * Companion methods that two {@code @Differentiable} methods of one class would both generate. For a
 * method {@code m} the companion declares {@code m}, {@code mForward}, {@code mGradient} (scalar and
 * tensor results), {@code mVjp} (design.md §1) and the forward-mode members (§7), so a method named {@code lossGradient} next to
 * {@code loss} would make the companion declare {@code lossGradient(double)} twice. Java forbids two
 * methods with the same name and erased parameter types (JLS 8.4.2); such a pair is refused on the later
 * method, before anything is written.
 */
final class MemberClashes {
  private MemberClashes() {}

  /** One generated method: its name, erased parameter types, and what it is, for the message. */
  private record Member(ExecutableElement source, String name, List<String> parameters, String role) {
    String signature() {
      return name + "(" + String.join(", ", parameters) + ")";
    }
  }

  /** For every method whose generated members clash with an earlier method's, the error to report on it. */
  static Map<ExecutableElement, String> of(List<ExecutableElement> methods, Types types) {
    Map<String, Member> seen = new LinkedHashMap<>();
    Map<ExecutableElement, String> errors = new LinkedHashMap<>();
    for (ExecutableElement method : methods) {
      for (Member m : members(method, types)) {
        String key = m.signature();
        Member earlier = seen.get(key);
        if (earlier != null && earlier.source() != method) {
          errors.putIfAbsent(method, "the companion would declare " + key + " twice: as " + m.role() + " of '"
              + method.getSimpleName() + "' and as " + earlier.role() + " of '" + earlier.source().getSimpleName()
              + "' (companion methods are named m, mForward, mGradient, mVjp, mJvp, mJacobian, mHvp and mHessian); rename one of the two methods");
        } else {
          seen.putIfAbsent(key, m);
        }
      }
    }
    return errors;
  }

  private static List<Member> members(ExecutableElement method, Types types) {
    String name = method.getSimpleName().toString();
    List<String> parameters = method.getParameters().stream()
        .map(VariableElement::asType).map(t -> types.erasure(t).toString()).collect(Collectors.toList());
    Optional<dev.adjoint.processor.ir.Shape> shape;
    try {
      shape = dev.adjoint.processor.read.RecordShapes.shape(method);
    } catch (dev.adjoint.processor.read.RecordShapes.Refused e) {
      shape = Optional.empty(); // refused when the method is read
    }
    if (shape.isPresent() && shape.get().instance()) {
      // an instance method's members take the object first, as self
      parameters.add(0, types.erasure(method.getEnclosingElement().asType()).toString());
    }
    List<Member> out = new ArrayList<>();
    out.add(new Member(method, name, parameters, "the forward pass"));
    shape.ifPresent(s -> out.add(new Member(method, name, s.leaves().stream().map(l -> l.leaf().type().java())
        .collect(Collectors.toList()), "the forward pass on the records' components")));
    out.add(new Member(method, name + "Forward", parameters, "the recording forward pass"));
    Optional<dev.adjoint.processor.ir.Type> result = ModelTypes.of(method.getReturnType());
    if (result.isPresent() && (result.get() == dev.adjoint.processor.ir.Type.DOUBLE
        || result.get() == dev.adjoint.processor.ir.Type.TENSOR)) {
      out.add(new Member(method, name + "Gradient", parameters, "the gradient"));
    }
    List<String> vjp = new ArrayList<>(parameters);
    vjp.add(types.erasure(method.getReturnType()).toString());
    out.add(new Member(method, name + "Vjp", vjp, "the vector-Jacobian product"));
    // Forward-mode members (emit.ForwardModeWriter): for Tensor signatures those of emit.TensorModes (a Tensor
    // result) or Jvp and Jacobian (other results), Hvp and Hessian only for double and Tensor results. Counted whenever they may be generated:
    // a clash that javac would meet is refused.
    boolean tensor = result.isPresent() && result.get() == dev.adjoint.processor.ir.Type.TENSOR
        || method.getParameters().stream().anyMatch(p -> ModelTypes.of(p.asType())
            .filter(t -> t == dev.adjoint.processor.ir.Type.TENSOR).isPresent());
    if (tensor && shape.isEmpty() && result.isPresent() && result.get() == dev.adjoint.processor.ir.Type.TENSOR) {
      List<String> tangents = new ArrayList<>(parameters);
      for (VariableElement p : method.getParameters()) {
        if (ModelTypes.isDifferentiableParameter(p)) {
          tangents.add(types.erasure(p.asType()).toString());
        }
      }
      out.add(new Member(method, name + "Jvp", tangents, "the Jacobian-vector product"));
      out.add(new Member(method, name + "Jacobian", parameters, "the Jacobian"));
      out.add(new Member(method, name + "Hvp", tangents, "the Hessian-vector product"));
      out.add(new Member(method, name + "Hessian", parameters, "the Hessian"));
    }
    boolean tensorResult = result.isPresent() && result.get() == dev.adjoint.processor.ir.Type.TENSOR;
    if (shape.isEmpty() && !tensorResult) {
      // (with Tensor parameters: Jvp and Jacobian by reverse mode, Hvp and Hessian when the result is one tensor
      // read at the end, emit.ItemHvp)
      List<String> tangents = new ArrayList<>(parameters);
      for (VariableElement p : method.getParameters()) {
        if (ModelTypes.isDifferentiableParameter(p)) {
          tangents.add(types.erasure(p.asType()).toString());
        }
      }
      out.add(new Member(method, name + "Jvp", tangents, "the Jacobian-vector product"));
      out.add(new Member(method, name + "Jacobian", parameters, "the Jacobian"));
      if (result.isPresent() && result.get() == dev.adjoint.processor.ir.Type.DOUBLE) {
        out.add(new Member(method, name + "Hvp", tangents, "the Hessian-vector product"));
        out.add(new Member(method, name + "Hessian", parameters, "the Hessian"));
      }
    }
    if (!tensor && shape.isPresent()) {
      // emit.ShapedForwardModes: one tangent (or direction) per part with a gradient, of the part's type
      List<dev.adjoint.processor.ir.Shape.Part> parts = shape.get().parts();
      List<String> tangents = new ArrayList<>(parameters);
      for (int i = 0; i < parts.size() && i < parameters.size(); i++) {
        if (parts.get(i).gradient()) {
          tangents.add(parameters.get(i));
        }
      }
      out.add(new Member(method, name + "Jvp", tangents, "the Jacobian-vector product"));
      out.add(new Member(method, name + "Jacobian", parameters, "the Jacobian"));
      if (!tensor && result.isPresent() && result.get() == dev.adjoint.processor.ir.Type.DOUBLE) {
        out.add(new Member(method, name + "Hvp", tangents, "the Hessian-vector product"));
        // emit.ShapedHessian: one part with a gradient, a double[] or a record
        List<dev.adjoint.processor.ir.Shape.Part> withGradient = parts.stream()
            .filter(dev.adjoint.processor.ir.Shape.Part::gradient).toList();
        if (withGradient.size() == 1 && (withGradient.get(0).node() instanceof dev.adjoint.processor.ir.Shape.Leaf l
            ? l.type() == dev.adjoint.processor.ir.Type.VECTOR
            : ((dev.adjoint.processor.ir.Shape.Composite) withGradient.get(0).node()).record())) {
          out.add(new Member(method, name + "Hessian", parameters, "the Hessian"));
        }
      }
    }
    return out;
  }
}
