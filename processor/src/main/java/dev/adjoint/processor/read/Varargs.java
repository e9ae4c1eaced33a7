package dev.adjoint.processor.read;

import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.VariableElement;

/**
 * Calls of plain helpers with variable arity ({@code sum(a, b, a * b)} of {@code static double sum(double...
 * v)}), as javac resolves them in its third phase (JLS 15.12.2.4). The helper is specialised for the call's
 * arity: the varargs array's elements become parameters of their own ({@code v$e0}, {@code v$e1}, ...), each
 * differentiated or not by its argument's activity, and the body starts by building the array
 * ({@code double[] v = {v$e0, v$e1, v$e2};}), a fresh array as Java's caller creates, so the gradient of each
 * element flows back to its argument. The member's name marks where the elements start ({@code sum$_111},
 * {@code scale$1_11}), so a call passing an array ({@code sum(xs)}) keeps its own specialisation.
 */
final class Varargs {
  /** Separates the fixed parameters' activity from the elements' in a member's name. */
  static final String MARK = "_";

  private Varargs() {}

  /**
   * {@code call} of {@code target} with variable arity, read as a call of its specialisation for this arity;
   * null when the helper is not one Adjoint specialises so (no source, elements other than {@code double},
   * {@code int} or {@code boolean}, or a result that is not differentiable): the call is then refused. A call
   * that passes no differentiable value at all ({@code sum()}) is refused too: pass an array.
   */
  static Expr call(MethodReader reader, MethodInvocationTree call, ExecutableElement target, List<Expr> args) {
    MethodTree tree = reader.trees.getTree(target);
    if (tree == null || tree.getBody() == null || !target.isVarArgs()) {
      return null;
    }
    int fixed = target.getParameters().size() - 1;
    Type element = elementType(target.getParameters().get(fixed));
    if (element == null) {
      return null;
    }
    List<Type> types = new ArrayList<>();
    for (int i = 0; i < fixed; i++) {
      VariableElement p = target.getParameters().get(i);
      Optional<Type> t = ModelTypes.of(p.asType());
      t = t.isPresent() ? t : Enums.type(p.asType(), call, reader.companionPackage());
      if (t.isEmpty()) {
        return null;
      }
      types.add(t.get());
    }
    for (int i = fixed; i < args.size(); i++) {
      types.add(element);
    }
    Type result = HelperCalls.resultType(reader.trees, reader.elements, target);
    if (result == null || !result.differentiable() || types.stream().noneMatch(Type::differentiable)) {
      return null;
    }
    List<Expr> converted = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      Expr a = args.get(i);
      if (types.get(i) instanceof Type.Scalar) {
        converted.add(reader.convert(a, types.get(i), call.getArguments().get(i)));
      } else if (!a.type().equals(types.get(i))) {
        throw new Unsupported(call.getArguments().get(i), "expected " + types.get(i).java() + " but this is "
            + a.type().java());
      } else {
        converted.add(a);
      }
    }
    return reader.helpers.call(call, target, types, converted, reader.trees, reader.elements, fixed);
  }

  /** The element type of a varargs parameter Adjoint expands, or null. */
  static Type elementType(VariableElement parameter) {
    Type array = ModelTypes.of(parameter.asType()).orElse(null);
    if (array == Type.VECTOR) {
      return Type.DOUBLE;
    }
    return array instanceof Type.IntArray ints ? ints.element() : null;
  }

  /** The name of the parameter holding element {@code k} of the varargs parameter {@code p}. */
  static String element(VariableElement p, int k) {
    return p.getSimpleName() + "$e" + k;
  }

  /**
   * For the specialisation being read of {@code method}, named {@code member}: the index where the
   * varargs elements start, or -1 when it takes the array itself.
   */
  static int fixed(ExecutableElement method, String member) {
    if (member == null || !method.isVarArgs()) {
      return -1;
    }
    String pattern = member.substring(method.getSimpleName().length() + 1);
    int end = pattern.indexOf('$');
    pattern = end < 0 ? pattern : pattern.substring(0, end);
    return pattern.indexOf(MARK);
  }
}
