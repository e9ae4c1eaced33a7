package dev.adjoint.processor.read;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.Tree;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;

/**
 * Calls in a {@code @Differentiable} body: which method a call names, resolved as javac resolves it (JLS
 * 15.12: the class to search, then overloads in three phases and the most specific method, see
 * {@link Overloads}), and what Adjoint does with that method. The chosen method alone decides: a
 * {@code @Differentiable} method is a differentiable call, a plain static helper with only
 * non-differentiable arguments is a constant of the derivative, a {@code Math} method is a function with a
 * derivative rule (double overloads) or a constant (int, long and float overloads). A method Adjoint
 * cannot call is refused on the call; a different overload is never called instead.
 */
final class CallResolver {
  /** The {@code Math} functions the derivative table knows, with their arity (their double overloads). */
  static final Map<String, Integer> MATH_ARITY = mathArity();
  /** {@code Double}'s static tests of a {@code double}, which the reader accepts as pure boolean functions. */
  static final Set<String> DOUBLE_TESTS = Set.of("isNaN", "isFinite", "isInfinite");

  private final MethodReader reader;
  private final Overloads overloads;

  CallResolver(MethodReader reader) {
    this.reader = reader;
    this.overloads = new Overloads(reader.elements, reader.owner);
  }

  Expr call(MethodInvocationTree call) {
    ExpressionTree select = call.getMethodSelect();
    if (!call.getTypeArguments().isEmpty()) {
      throw new Unsupported(call, "generic method calls are not supported");
    }
    String name;
    List<ExecutableElement> candidates;
    if (select instanceof IdentifierTree id) {
      name = id.getName().toString();
      candidates = unqualifiedCandidates(call, name);
    } else if (select instanceof MemberSelectTree ms) {
      name = ms.getIdentifier().toString();
      ExpressionTree target = MethodReader.unparen(ms.getExpression());
      if (target instanceof MethodInvocationTree inner && call.getArguments().isEmpty()) {
        Expr component = gradientComponent(inner, name);
        if (component != null) {
          return component;
        }
      }
      Expr applied = AutogradFunctionCalls.call(reader, call, target, name);
      if (applied != null) {
        return applied;
      }
      Expr receiver = reader.tryExpression(target);
      if (receiver != null) {
        return receiverCall(call, name, receiver);
      }
      TypeElement type = reader.resolveType(target);
      Unsupported nested = type == null || NestedGradients.isCompanion(type, reader.elements) ? NestedGradients.refusal(call) : null;
      if (nested != null) {
        throw nested;
      }
      if (type == null) {
        throw new Unsupported(ms.getExpression(), "cannot resolve '" + ms.getExpression() + "'");
      }
      if (type.getQualifiedName().contentEquals(Type.TensorType.CLASS)) {
        return TensorCalls.function(call, name, arguments(call));
      }
      candidates = overloads.members(type, name);
      if (candidates.isEmpty()) {
        throw new Unsupported(call, "cannot resolve the method '" + type.getSimpleName() + "." + name + "'");
      }
    } else {
      throw new Unsupported(call, "this call is not supported");
    }
    if (((TypeElement) candidates.get(0).getEnclosingElement()).getQualifiedName()
        .contentEquals(Type.TensorType.CLASS)) {
      return TensorCalls.function(call, name, arguments(call)); // statically imported Tensor functions
    }
    String candidateOwner = ((TypeElement) candidates.get(0).getEnclosingElement()).getQualifiedName().toString();
    if (candidateOwner.equals(LossCalls.CLASS)) {
      return LossCalls.function(call, name, arguments(call));
    }
    if (candidateOwner.startsWith("java.util.stream.") || candidateOwner.equals("java.util.Arrays")
        && name.equals("stream")) {
      throw new Unsupported(call, "streams are not supported in a @Differentiable method: write a for loop");
    }
    if (candidateOwner.equals(JdkCalls.ARRAYS) && (name.equals("copyOf") || name.equals("copyOfRange"))) {
      return reader.jdkCalls.copy(call, name, arguments(call));
    }
    List<Expr> args = arguments(call);
    List<String> argTypes = new ArrayList<>();
    for (ExpressionTree a : call.getArguments()) {
      argTypes.add(reader.javaType(a));
    }
    for (ExecutableElement m : candidates) {
      if (!m.getTypeParameters().isEmpty()
          && (m.getParameters().size() == argTypes.size() || m.isVarArgs())) {
        throw new Unsupported(call, "'" + name + "' has the generic overload " + describe(m) + ", which Adjoint"
            + " does not resolve: give the generic method another name");
      }
    }
    Overloads.Choice choice = overloads.resolve(candidates, argTypes);
    String signature = name + "(" + String.join(", ", argTypes) + ")";
    if (choice.method() == null) {
      throw new Unsupported(call, choice.ambiguous().isEmpty()
          ? "no method " + signature + " applies to these arguments: " + candidates.stream()
              .map(m -> describe(m) + (m.getParameters().size() == argTypes.size() || m.isVarArgs()
                  ? " does not accept them" : " takes " + m.getParameters().size() + " argument"
                  + (m.getParameters().size() == 1 ? "" : "s"))).collect(Collectors.joining("; "))
              + (select instanceof IdentifierTree && reader.names.methodScope(name) != null
                  ? reader.names.hiddenHint(reader.names.methodScope(name), name) : "")
          : "the call " + signature + " is ambiguous, as javac says: " + choice.ambiguous().stream()
              .map(CallResolver::describe).collect(Collectors.joining(" and ")) + " both match; cast an argument");
    }
    ExecutableElement target = choice.method();
    reader.recordCall(call, target);
    TypeElement type = (TypeElement) target.getEnclosingElement();
    if (choice.phase() == 3 && reader.helpers != null && !ModelTypes.isDifferentiable(target)
        && target.getModifiers().contains(Modifier.STATIC)) {
      Expr expanded = Varargs.call(reader, call, target, args);
      if (expanded != null) {
        return expanded;
      }
    }
    if (choice.phase() == 3) {
      throw new Unsupported(call, "javac calls " + describe(target) + " with variable arity here, which Adjoint"
          + " does not support: pass the arguments as one array");
    }
    String owner = type.getQualifiedName().toString();
    if (owner.equals("java.lang.Math") || owner.equals("java.lang.StrictMath")) {
      return mathCall(call, target, args);
    }
    if (!target.getModifiers().contains(Modifier.STATIC)) {
      throw new Unsupported(call, "javac calls " + describe(target) + " here, which is not static: a"
          + " @Differentiable method can only call static methods");
    }
    List<Type> parameterTypes = new ArrayList<>();
    for (int i = 0; i < target.getParameters().size(); i++) {
      VariableElement p = target.getParameters().get(i);
      Optional<Type> pt = ModelTypes.of(p.asType());
      pt = pt.isPresent() ? pt : Enums.type(p.asType(), call, reader.companionPackage());
      if (pt.isEmpty()) {
        throw new Unsupported(call, "javac calls " + describe(target) + " here, whose parameter '"
            + p.getSimpleName() + "' has type " + p.asType() + ", which Adjoint does not support: use double,"
            + " int, long, boolean, double[], double[][], int[] or Tensor parameters");
      }
      parameterTypes.add(pt.get());
    }
    // A plain helper differentiated here runs from its specialisation in the companion, which never calls it.
    boolean specialised = reader.helpers != null && !ModelTypes.isDifferentiable(target)
        && HelperCalls.differentiable(reader.trees, reader.elements, target, parameterTypes);
    if (!specialised && target.getModifiers().contains(Modifier.PRIVATE)) {
      throw new Unsupported(call, "javac calls " + describe(target) + " here, which is private, so the generated"
          + " companion cannot call it: make it package-private");
    }
    if (!specialised && !companionCanCall(target)) {
      throw new Unsupported(call, "javac calls " + describe(target) + " here, which the generated companion (in"
          + " package '" + reader.companionPackage() + "') cannot access: make the method and its class"
          + " public, or move it to this package");
    }
    if (ModelTypes.isDifferentiable(target)) {
      Expr pattern = ActivityPatterns.call(reader, call, type, target, parameterTypes,
          convertArguments(call, parameterTypes, args));
      return pattern != null ? pattern : differentiableCall(call, type, target, parameterTypes, args);
    }
    if (reader.helpers != null && HelperCalls.differentiable(reader.trees, reader.elements, target, parameterTypes)) {
      Expr helper = reader.helpers.call(call, target, parameterTypes, convertArguments(call, parameterTypes, args),
          reader.trees, reader.elements);
      if (helper != null) {
        return helper;
      }
    }
    if (reader.helpers != null && HelperCalls.checkable(reader.trees, target, parameterTypes)) {
      // A constant of the derivative that takes arrays: run as it is once its body is known not to change them.
      Expr constant = opaqueCall(call, type, target, parameterTypes, args);
      reader.helpers.check(call, target);
      return constant;
    }
    if (owner.equals("java.lang.Double") && DOUBLE_TESTS.contains(name) && parameterTypes.equals(List.of(Type.DOUBLE))) {
      // Tests of a value: booleans, constants of the derivative, pure.
      return new Expr.Call(new Callee.Static(owner, name), convertArguments(call, parameterTypes, args), Type.BOOLEAN);
    }
    // A double argument is checked once activity is known (OpaqueHelpers): it may not depend on the inputs.
    if (args.stream().anyMatch(a -> a.type().differentiable() && !(a.type() instanceof Type.Scalar))) {
      if (reader.trees.getTree(target) == null) {
        // A JDK or library method: its source is not here, so marking it is no way out.
        throw new Unsupported(call, "'" + type.getSimpleName() + "." + name + "' is a library method with no"
            + " derivative in Adjoint: compute the value with Math functions and loops in this method");
      }
      throw new Unsupported(call, "'" + type.getSimpleName() + "." + name + "' is not @Differentiable, so Adjoint"
          + " cannot differentiate through it: mark it @Differentiable, or use Math functions");
    }
    IntArrays.requireReadOnly(reader.trees, call, target, parameterTypes);
    return opaqueCall(call, type, target, parameterTypes, args);
  }

  private List<Expr> arguments(MethodInvocationTree call) {
    List<Expr> args = new ArrayList<>();
    for (ExpressionTree a : call.getArguments()) {
      args.add(reader.expression(a));
    }
    return args;
  }

  /**
   * The methods an unqualified {@code name(...)} may call (JLS 15.12.1): those of the innermost enclosing
   * class that has a method of that name (inherited ones included), else those statically imported.
   */
  private List<ExecutableElement> unqualifiedCandidates(Tree call, String name) {
    TypeElement scope = reader.names.methodScope(name);
    if (scope != null) {
      List<ExecutableElement> members = overloads.members(scope, name);
      if (members.isEmpty()) {
        throw new Unsupported(call, "cannot resolve the method '" + name + "'");
      }
      return members;
    }
    List<ExecutableElement> imported = new ArrayList<>();
    for (TypeElement type : reader.staticImportSources(name, true)) {
      imported.addAll(overloads.members(type, name).stream()
          .filter(m -> m.getModifiers().contains(Modifier.STATIC)).toList());
    }
    if (imported.isEmpty()) {
      for (TypeElement type : reader.staticImportSources(name, false)) {
        imported.addAll(overloads.members(type, name).stream()
            .filter(m -> m.getModifiers().contains(Modifier.STATIC)).toList());
      }
    }
    if (imported.isEmpty()) {
      throw new Unsupported(call, "cannot resolve the method '" + name + "'");
    }
    return imported;
  }

  private Expr receiverCall(MethodInvocationTree call, String name, Expr receiver) {
    if (receiver.type() == Strings.TYPE) {
      return Strings.method(call, name, receiver, arguments(call));
    }
    if (receiver.type() == Type.TENSOR) {
      List<Expr> args = new ArrayList<>();
      args.add(receiver);
      args.addAll(arguments(call));
      return TensorCalls.method(call, name, args);
    }
    if (name.equals("clone") && call.getArguments().isEmpty() && receiver.type() instanceof Type.IntArray) {
      return new Expr.Clone(receiver);
    }
    if (name.equals("clone") && call.getArguments().isEmpty() && receiver.type() instanceof Type.DoubleArray d) {
      if (d.rank() != 1) {
        throw new Unsupported(call, "clone() of a double[][] is shallow and would share rows: copy the rows"
            + " into new double[m][n]");
      }
      return new Expr.Clone(receiver);
    }
    throw new Unsupported(call, "calling '" + name + "' on a value is not supported: only static methods of"
        + " Math and @Differentiable methods can be called (and clone() of a double[])");
  }

  /**
   * Whether the companion, a top-level class of the caller's package, may call {@code target}: public or
   * package access, in classes it may name (a protected method of another package is not enough).
   */
  private boolean companionCanCall(ExecutableElement target) {
    String pkg = reader.companionPackage();
    for (Element e = target; e instanceof ExecutableElement || e instanceof TypeElement; e = e.getEnclosingElement()) {
      Set<Modifier> mods = e.getModifiers();
      if (mods.contains(Modifier.PRIVATE)
          || !mods.contains(Modifier.PUBLIC) && !ModelTypes.packageOf(e).equals(pkg)) {
        return false;
      }
    }
    return true;
  }

  /** {@code C.m(double, int)}, as messages name a method. */
  static String describe(ExecutableElement m) {
    List<String> types = new ArrayList<>();
    for (VariableElement p : m.getParameters()) {
      types.add(p.asType().toString());
    }
    if (m.isVarArgs() && !types.isEmpty()) {
      String last = types.get(types.size() - 1);
      types.set(types.size() - 1, last.substring(0, last.length() - 2) + "...");
    }
    return m.getEnclosingElement().getSimpleName() + "." + m.getSimpleName() + "(" + String.join(", ", types) + ")";
  }

  /**
   * {@code XGrad.mGradient(args).p()}, a component of the generated gradient of {@code X.m} (a nested
   * gradient), or null when {@code inner} is not a call of a companion's {@code mGradient}.
   */
  private Expr gradientComponent(MethodInvocationTree inner, String component) {
    NestedGradients.Target t = NestedGradients.target(inner, reader.owner, reader.elements);
    if (t == null) {
      return null;
    }
    List<ExecutableElement> candidates = overloads.members(t.type(), t.method()).stream()
        .filter(ModelTypes::isDifferentiable).toList();
    if (candidates.size() != 1) {
      return null;
    }
    ExecutableElement target = candidates.get(0);
    String described = t.companion() + "." + t.member() + "(...)." + component + "()";
    if (ModelTypes.of(target.getReturnType()).orElse(null) != Type.DOUBLE) {
      throw new Unsupported(inner, "the gradient " + described + " can be differentiated only for a method with a"
          + " double result, whose Hessian-vector product gives its derivative; '" + t.method() + "' returns "
          + target.getReturnType() + ": write the derivative you need as its own @Differentiable method");
    }
    List<Type> parameterTypes = new ArrayList<>();
    for (VariableElement p : target.getParameters()) {
      Type pt = ModelTypes.of(p.asType()).orElse(null);
      if (ModelTypes.isDifferentiableParameter(p) && pt != Type.DOUBLE && pt != Type.VECTOR
          && pt != Type.MATRIX) {
        throw new Unsupported(inner, "the gradient " + described + " can be differentiated only when the"
            + " differentiable parameters of '" + t.method() + "' are double, double[] or double[][]; '"
            + p.getSimpleName()
            + "' is " + p.asType() + ": write the derivative you need as its own @Differentiable method");
      }
      parameterTypes.add(pt);
    }
    if (inner.getArguments().size() != parameterTypes.size()) {
      throw new Unsupported(inner, "'" + t.companion() + "." + t.member() + "' takes " + parameterTypes.size()
          + " arguments, as '" + t.method() + "' does");
    }
    Expr.Call call = (Expr.Call) differentiableCall(inner, t.type(), target, parameterTypes, arguments(inner));
    Callee.DifferentiableMethod m = (Callee.DifferentiableMethod) call.callee();
    int k = m.gradientComponents().indexOf(component);
    if (k < 0) {
      throw new Unsupported(inner, "the gradient record of '" + t.method() + "' has the components "
          + m.gradientComponents().stream().filter(c -> c != null).collect(Collectors.joining(", "))
          + ", not '" + component + "'");
    }
    Type record = new Type.Named(m.companion() + "." + m.capitalized() + "Gradient");
    return new Expr.Component(new Expr.Call(new Callee.GradientOf(m), call.args(), record), component,
        parameterTypes.get(k));
  }

  /** A call with only non-differentiable arguments (an int helper): kept as a constant of the derivative. */
  private Expr opaqueCall(MethodInvocationTree call, TypeElement type, ExecutableElement target,
      List<Type> parameterTypes, List<Expr> args) {
    Optional<Type> result = ModelTypes.of(target.getReturnType());
    if (result.isEmpty() || !(result.get() instanceof Type.Scalar || result.get() instanceof Type.IntArray)) {
      throw new Unsupported(call, "javac calls " + describe(target) + " here, which returns "
          + target.getReturnType() + "; a helper that is not @Differentiable may return double, int, long,"
          + " boolean or int[]: compute the value in this method, or pass it in as a parameter");
    }
    return new Expr.Call(new Callee.Static(type.getQualifiedName().toString(), target.getSimpleName().toString(),
        reader.trees.getTree(target) == null), convertArguments(call, parameterTypes, args), result.get());
  }

  /**
   * Each argument converted to its parameter's type, so that the generated call names the chosen method
   * whatever other overloads exist (an argument of exactly the parameter types selects it in phase 1).
   */
  List<Expr> convertArguments(MethodInvocationTree call, List<Type> parameterTypes, List<Expr> args) {
    List<Expr> out = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      Type pt = parameterTypes.get(i);
      Expr a = args.get(i);
      if (pt instanceof Type.Scalar) {
        out.add(reader.convert(a, pt, call.getArguments().get(i)));
      } else if (!a.type().equals(pt)) {
        throw new Unsupported(call.getArguments().get(i), "expected " + pt.java() + " but this is " + a.type().java());
      } else {
        out.add(a);
      }
    }
    return out;
  }

  private Expr differentiableCall(MethodInvocationTree call, TypeElement type, ExecutableElement target,
      List<Type> parameterTypes, List<Expr> args) {
    List<Expr> converted = convertArguments(call, parameterTypes, args);
    for (int i = 0; i < converted.size(); i++) {
      Expr a = converted.get(i);
      Type pt = parameterTypes.get(i);
      if (!(pt instanceof Type.Scalar) && pt.differentiable() && !(a instanceof Expr.Var || a instanceof Expr.Index
          || a instanceof Expr.StaticField)) {
        throw new Unsupported(call.getArguments().get(i),
            parameterTypes.get(i) == Type.TENSOR
            ? "pass a Tensor argument through a local variable (Tensor t = ...;) so that its gradient has somewhere"
                + " to go"
            : "pass an array argument through a local variable so that its gradient has somewhere to go");
      }
    }
    Type result = ModelTypes.of(target.getReturnType()).orElseThrow(() -> new Unsupported(call,
        "'" + target.getSimpleName() + "' returns an unsupported type"));
    String companion = ModelTypes.companionName(type);
    List<String> components = gradientComponents(call, type, target, parameterTypes);
    Callee callee = new Callee.DifferentiableMethod(type.getQualifiedName().toString(), companion,
        target.getSimpleName().toString(), parameterTypes, components, result);
    return new Expr.Call(callee, new ArrayList<>(converted), result);
  }

  /**
   * The gradient record's accessor for each parameter: the parameter names when the callee is compiled
   * now (its companion is generated in this compilation), the record's components when the companion is a
   * compiled class (parameter names may be absent from class files).
   */
  private List<String> gradientComponents(MethodInvocationTree call, TypeElement type, ExecutableElement target,
      List<Type> parameterTypes) {
    List<String> components = new ArrayList<>();
    String capitalized = Character.toUpperCase(target.getSimpleName().charAt(0))
        + target.getSimpleName().toString().substring(1);
    boolean compiled = reader.trees.getTree(target) == null;
    TypeElement record = compiled
        ? reader.elements.getTypeElement(ModelTypes.companionName(type) + "." + capitalized + "Gradient") : null;
    List<String> recordNames = new ArrayList<>();
    if (record != null) {
      for (Element e : record.getEnclosedElements()) {
        if (e.getKind() == ElementKind.RECORD_COMPONENT) {
          recordNames.add(e.getSimpleName().toString());
        }
      }
    } else if (compiled) {
      throw new Unsupported(reader.trees.getTree(reader.method), "'" + type.getSimpleName() + "."
          + target.getSimpleName() + "' is @Differentiable but its companion " + ModelTypes.companionName(type)
          + " is not on the class path: compile " + type.getSimpleName() + " with the Adjoint processor");
    }
    if (compiled && !hasCallBoundary(reader.elements.getTypeElement(ModelTypes.companionName(type)), target)) {
      throw new Unsupported(call, "'" + type.getSimpleName() + "." + target.getSimpleName() + "' has a companion "
          + ModelTypes.companionName(type) + " generated by an older version of Adjoint, without the split-mode"
          + " call boundary (" + target.getSimpleName() + "$augment, " + target.getSimpleName() + "$reverse): recompile "
          + type.getSimpleName()
          + " with this version of Adjoint");
    }
    int next = 0;
    for (int i = 0; i < parameterTypes.size(); i++) {
      if (ModelTypes.isDifferentiableParameter(target.getParameters().get(i))) {
        components.add(record != null ? (next < recordNames.size() ? recordNames.get(next) : null)
            : target.getParameters().get(i).getSimpleName().toString());
        next++;
      } else {
        components.add(null);
      }
    }
    return components;
  }

  /**
   * Whether a compiled companion has the plumbing this version's callers call: static {@code m$augment} taking
   * the caller's tapes and {@code m$reverse} (for a tensor result, the overload taking {@code needs$}; else one
   * taking the scalar arguments again after the upstream); companions of older processors lack them.
   */
  private static boolean hasCallBoundary(TypeElement companion, ExecutableElement target) {
    if (companion == null) {
      return false;
    }
    String method = target.getSimpleName().toString();
    boolean tensorResult = target.getReturnType().toString().equals("dev.adjoint.Tensor");
    List<String> scalars = new ArrayList<>();
    for (javax.lang.model.element.VariableElement p : target.getParameters()) {
      if (p.asType().getKind().isPrimitive()) {
        scalars.add(p.asType().toString());
      }
    }
    boolean augment = false;
    boolean reverse = false;
    for (Element e : companion.getEnclosedElements()) {
      if (e.getKind() != ElementKind.METHOD) {
        continue;
      }
      ExecutableElement m = (ExecutableElement) e;
      augment |= m.getSimpleName().contentEquals(method + "$augment") && endsWithTapes(m, 0);
      // m$reverse(upstream, [scalars...,] into..., [needs$,] three tapes, three cursors, adjoint registers)
      reverse |= m.getSimpleName().contentEquals(method + "$reverse") && endsWithTapes(m, 4) && takesRegisters(m)
          && (tensorResult ? takesNeeds(m) : takesScalarsAgain(m, scalars));
    }
    return augment && reverse;
  }

  /** Whether {@code reverse} takes the scalar arguments {@code scalars} (their types) right after the upstream. */
  private static boolean takesScalarsAgain(ExecutableElement reverse, List<String> scalars) {
    List<? extends javax.lang.model.element.VariableElement> ps = reverse.getParameters();
    if (ps.size() < 8 + scalars.size()) {
      return false;
    }
    for (int k = 0; k < scalars.size(); k++) {
      if (!ps.get(1 + k).asType().toString().equals(scalars.get(k))) {
        return false;
      }
    }
    return true;
  }

  private static boolean takesNeeds(ExecutableElement reverse) {
    List<? extends javax.lang.model.element.VariableElement> ps = reverse.getParameters();
    return ps.size() >= 8 && ps.get(ps.size() - 8).asType().toString().equals("boolean[]");
  }

  private static boolean takesRegisters(ExecutableElement reverse) {
    List<? extends javax.lang.model.element.VariableElement> ps = reverse.getParameters();
    return !ps.isEmpty() && ps.get(ps.size() - 1).asType().toString().equals("dev.adjoint.runtime.DoubleTape");
  }

  /**
   * Whether the caller's three tapes ({@code DoubleTape, IntTape, RefTape}) are the parameters of {@code m} that
   * end {@code after} parameters before its last: older versions took a fourth ({@code RefTape} for calls).
   */
  private static boolean endsWithTapes(ExecutableElement m, int after) {
    List<? extends javax.lang.model.element.VariableElement> ps = m.getParameters();
    int end = ps.size() - after;
    return end >= 3 && ps.get(end - 3).asType().toString().equals("dev.adjoint.runtime.DoubleTape")
        && ps.get(end - 2).asType().toString().equals("dev.adjoint.runtime.IntTape")
        && ps.get(end - 1).asType().toString().equals("dev.adjoint.runtime.RefTape");
  }

  /**
   * A {@code Math} (or {@code StrictMath}) method javac chose: its double overload is a function of the
   * derivative table; an int, long or float overload with an int, long or boolean result is a constant of
   * the derivative, typed as javac types it ({@code Math.round(int)} calls {@code round(float)}: an int).
   */
  private Expr mathCall(MethodInvocationTree call, ExecutableElement target, List<Expr> args) {
    String name = target.getSimpleName().toString();
    String unsupported = "Math." + name + " is not supported: the supported functions are "
        + String.join(", ", MATH_ARITY.keySet());
    if (!target.getModifiers().contains(Modifier.STATIC) || !target.getModifiers().contains(Modifier.PUBLIC)) {
      throw new Unsupported(call, unsupported);
    }
    boolean allDouble = target.getParameters().stream().allMatch(p -> p.asType().getKind() == TypeKind.DOUBLE);
    Optional<Type> result = ModelTypes.of(target.getReturnType());
    if (allDouble && !target.getParameters().isEmpty() && MATH_ARITY.containsKey(name) && result.isPresent()) {
      List<Expr> converted = new ArrayList<>();
      for (int i = 0; i < args.size(); i++) {
        converted.add(reader.convert(args.get(i), Type.DOUBLE, call.getArguments().get(i)));
      }
      // Math.round(double) returns long: the derivative stops there, as PyTorch's round has zero gradient.
      return new Expr.Call(new Callee.MathFunction(name, mathClass(target)), converted, result.get());
    }
    boolean integral = !target.getParameters().isEmpty() && target.getParameters().stream().allMatch(p -> {
      TypeKind k = p.asType().getKind();
      return k == TypeKind.INT || k == TypeKind.LONG || k == TypeKind.FLOAT;
    });
    if (integral && result.isPresent() && result.get() instanceof Type.Scalar s && s != Type.DOUBLE) {
      List<Expr> converted = new ArrayList<>();
      for (int i = 0; i < args.size(); i++) {
        TypeKind k = target.getParameters().get(i).asType().getKind();
        // A float parameter keeps the int or long argument: the generated call widens it as the source does.
        converted.add(k == TypeKind.FLOAT ? args.get(i)
            : reader.convert(args.get(i), k == TypeKind.INT ? Type.INT : Type.LONG, call.getArguments().get(i)));
      }
      Callee callee = MATH_ARITY.containsKey(name) ? new Callee.MathFunction(name, mathClass(target))
          : new Callee.Static(mathClass(target), name);
      return new Expr.Call(callee, converted, s);
    }
    if (integral && target.getReturnType().getKind() == TypeKind.FLOAT) {
      throw new Unsupported(call, "javac calls " + describe(target) + " here, which returns float; Adjoint has no"
          + " float: convert the argument, for example Math." + name + "((double) n)");
    }
    throw new Unsupported(call, unsupported);
  }

  /** {@code java.lang.Math} or {@code java.lang.StrictMath}, the class javac calls. */
  private static String mathClass(ExecutableElement target) {
    return ((TypeElement) target.getEnclosingElement()).getQualifiedName().toString();
  }

  private static Map<String, Integer> mathArity() {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (String f : List.of("sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "exp", "expm1",
        "log", "log10", "log1p", "sqrt", "cbrt", "abs", "signum", "floor", "ceil", "rint", "round", "toRadians",
        "toDegrees")) {
      m.put(f, 1);
    }
    for (String f : List.of("atan2", "pow", "hypot", "max", "min", "copySign")) {
      m.put(f, 2);
    }
    m.put("fma", 3);
    return m;
  }

  /** The names of the supported {@code Math} functions. */
  static Set<String> mathFunctions() {
    return MATH_ARITY.keySet();
  }
}
