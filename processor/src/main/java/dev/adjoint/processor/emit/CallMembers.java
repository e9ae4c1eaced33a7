package dev.adjoint.processor.emit;

import static dev.adjoint.processor.emit.CompanionWriter.RUNTIME;
import static dev.adjoint.processor.emit.CompanionWriter.simple;
import static dev.adjoint.processor.emit.CompanionWriter.typeName;
import static dev.adjoint.processor.emit.CompanionWriter.zero;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.adjoint.processor.differentiate.AdjointProgram;
import dev.adjoint.processor.differentiate.CallBoundary;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.TapeKind;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import javax.lang.model.element.Modifier;

/**
 * The split-mode call boundary of one method as its callers call it (design.md §7): three static members, and no
 * object per call.
 *
 * <ul>
 *   <li>{@code m$augment(args, tapes...)} runs the forward sweep onto the caller's tapes, then pushes the end state
 *       the reverse sweep names, the lengths of its stretch of each tape (on the int tape) and the result, and
 *       returns the result.
 *   <li>{@code m$skip(tapes...)}: the caller's reverse calls it where its read cursors are at the end of the call's
 *       stretches (its statement's reverse starts; the caller saved the cursors first). It returns the result and
 *       moves the cursors below the stretches.
 *   <li>{@code m$reverse(upstream, scalars..., into..., tapes..., at..., registers)}: from the cursors the caller
 *       saved, pops the end state and runs the reverse sweep ({@code m$sweep}), then puts the caller's cursors
 *       back, so that a caller may run its callees' reverses in any order. The caller passes the scalar arguments
 *       again (their values on its restored state, {@link CallBoundary}): a scalar parameter the forward sweep
 *       never assigns is taken from there, not from the end state, so {@code m$augment} does not push it
 *       (recursion passes its indices down without storing them per call). Not for tensor results, whose
 *       stretch is a tape object.
 * </ul>
 *
 * <p>Where the tape cannot be shared or the sweep not be shared ({@link TapeMembers#sharesTapes()}, {@link
 * TapeMembers#sharesSweep()}: tensor methods, reverse sweeps that consume the recording, end states over the JVM's
 * parameter slots), the stretch holds the method's tape object instead, on the ref tape: same members, same
 * layout for the caller.
 */
final class CallMembers {
  private final MethodMembers members;
  private final TapeMembers tapes;
  private final AdjointProgram program;
  private final MethodIr method;

  /** The names of the method's parameters and locals: the members' own locals are named apart from them. */
  private final Set<String> taken = new java.util.HashSet<>();

  CallMembers(MethodMembers members) {
    this.members = members;
    this.tapes = members.tapes;
    this.program = members.program;
    this.method = members.method;
    tapes.stateVariables().forEach(v -> taken.add(v.name()));
    program.counters().forEach(v -> taken.add(v.name()));
    method.parameters().forEach(p -> taken.add(p.name()));
    method.parameters().forEach(p -> taken.add("into$" + p.name()));
  }

  /** {@code base}, with {@code $} appended until no parameter or local of the method has the name. */
  private String local(String base) {
    String name = base;
    while (taken.contains(name)) {
      name += "$";
    }
    return name;
  }

  void addTo(TypeSpec.Builder companion) {
    companion.addMethod(augment());
    companion.addMethod(skip());
    companion.addMethod(reverse(false));
    if (members.tensorResult && members.tensorMode) {
      companion.addMethod(reverse(true));
    }
  }

  /** Whether the end state itself goes on the caller's tapes (else the tape object does). */
  boolean flat() {
    return tapes.sharesTapes() && tapes.shared.sharesSweep();
  }

  private static ClassName runtime(TapeKind t) {
    return ClassName.get(RUNTIME, simple(t.runtimeClass));
  }

  private String tape(TapeKind t) {
    return local("tapes$" + t.variable.substring(1));
  }

  /** The tape the result goes on: doubles for a {@code double}, else refs. */
  private TapeKind resultTape() {
    return method.returnType() == Type.DOUBLE ? TapeKind.DOUBLES : TapeKind.REFS;
  }

  /**
   * The scalar parameters {@code m$reverse} takes after the upstream, as the caller passes them again: all of
   * them unless the result is a tensor (such a call's stretch is a tape object, which keeps its arguments).
   */
  List<MethodIr.Parameter> givenScalars() {
    if (method.returnType() == Type.TENSOR) {
      return List.of();
    }
    return method.parameters().stream().filter(p -> p.type() instanceof Type.Scalar).toList();
  }

  /**
   * The names of the scalar parameters whose end value {@code m$reverse} takes from the caller: those the
   * forward sweep never assigns, so that the value at the end is the argument. None when the sweep holds a
   * statement whose assignments are not known here.
   */
  private Set<String> fromCaller() {
    Set<String> out = new java.util.HashSet<>();
    givenScalars().forEach(p -> out.add(p.name()));
    boolean[] unknown = {false};
    for (dev.adjoint.processor.ir.Stmt s : program.forward().statements()) {
      dev.adjoint.processor.ir.StmtWalk.statements(s, x -> {
        if (x instanceof dev.adjoint.processor.ir.Stmt.Assign a) {
          out.remove(assignedName(a.target()));
        } else if (x instanceof dev.adjoint.processor.ir.Stmt.Accumulate a) {
          out.remove(assignedName(a.target()));
        } else if (x instanceof dev.adjoint.processor.ir.Stmt.Declare d) {
          out.remove(d.variable().name());
        } else if (x instanceof dev.adjoint.processor.ir.Stmt.Restore r) {
          out.remove(assignedName(r.target()));
        } else if (x instanceof dev.adjoint.processor.ir.Stmt.CountDown c) {
          out.remove(c.counter());
        } else if (x instanceof dev.adjoint.processor.ir.Stmt.Forward) {
          unknown[0] = true;
        }
      });
    }
    return unknown[0] ? Set.of() : out;
  }

  private static String assignedName(Expr target) {
    return target instanceof Expr.Var v ? v.name() : "";
  }

  /**
   * The end-state variables the reverse sweep names (all of them when that is unknown), but for the locals of
   * this method's own call sites, which its reverse sets before it reads them, and the scalar parameters the
   * caller passes again ({@link #fromCaller}).
   */
  private List<Expr.Var> kept() {
    if (kept == null) {
      kept = List.copyOf(computeKept());
    }
    return kept;
  }

  /** {@link #kept}, computed once. */
  private List<Expr.Var> kept;

  private List<Expr.Var> computeKept() {
    Set<String> named = ReverseReads.named(program);
    if (named != null) {
      // the sweep's adjoints start as zeros shaped like their primals (TapeMembers.reverseSweep)
      program.adjoints().forEach(a -> named.add(a.primal().name()));
      method.differentiableParameters().forEach(p -> named.add(p.name()));
    }
    List<Expr.Var> out = new ArrayList<>();
    Expr.Var result = null;
    Set<String> fromCaller = fromCaller();
    for (Expr.Var v : tapes.stateVariables()) {
      if ((named == null || named.contains(v.name())) && !CallBoundary.isSiteLocal(v.name())
          && !fromCaller.contains(v.name())) {
        if (v.name().equals(program.result().name())) {
          result = v;
        } else {
          out.add(v);
        }
      }
    }
    if (result != null) {
      // last: it is the value m$skip returns, and no copy of it is pushed
      out.add(result);
    }
    return out;
  }

  /** Whether the end state keeps the result variable (last): then the result is pushed once, as its part. */
  private boolean keepsResult() {
    return flat() && kept().stream().anyMatch(v -> v.name().equals(program.result().name()));
  }

  /** The tapes a call's stretch may use: the lengths of the others are no entries of it. */
  List<TapeKind> touched() {
    if (touched == null) {
      touched = computeTouched();
    }
    return touched;
  }

  /** {@link #touched}, computed once: every member of the call boundary and the tape asks, per tape kind. */
  private List<TapeKind> touched;

  private List<TapeKind> computeTouched() {
    Set<TapeKind> used = java.util.EnumSet.of(TapeKind.INTS, resultTape());
    if (!flat()) {
      used.add(TapeKind.REFS);
      used.add(TapeKind.DOUBLES);
      return SharedTapes.KINDS.stream().filter(used::contains).toList();
    }
    used.addAll(program.tapes());
    for (Expr.Var v : kept()) {
      used.add(v.type() == Type.DOUBLE ? TapeKind.DOUBLES : v.type() instanceof Type.Scalar ? TapeKind.INTS
          : TapeKind.REFS);
    }
    return SharedTapes.KINDS.stream().filter(used::contains).toList();
  }

  private CodeBlock push(Expr.Var v) {
    Type t = v.type();
    if (t == Type.DOUBLE) {
      return CodeBlock.of("$L.push($L)", tape(TapeKind.DOUBLES), v.name());
    }
    if (t == Type.LONG) {
      return CodeBlock.of("$L.pushLong($L)", tape(TapeKind.INTS), v.name());
    }
    if (t == Type.BOOLEAN) {
      return CodeBlock.of("$L.push($L ? 1 : 0)", tape(TapeKind.INTS), v.name());
    }
    if (t instanceof Type.Scalar) {
      return CodeBlock.of("$L.push($L)", tape(TapeKind.INTS), v.name());
    }
    return CodeBlock.of("$L.push($L)", tape(TapeKind.REFS), v.name());
  }

  private CodeBlock pop(Type t) {
    return pop(t, this::tape);
  }

  private static CodeBlock pop(Type t, Function<TapeKind, String> tapeOf) {
    if (t == Type.DOUBLE) {
      return CodeBlock.of("$L.pop()", tapeOf.apply(TapeKind.DOUBLES));
    }
    if (t == Type.LONG) {
      return CodeBlock.of("$L.popLong()", tapeOf.apply(TapeKind.INTS));
    }
    if (t == Type.BOOLEAN) {
      return CodeBlock.of("$L.pop() != 0", tapeOf.apply(TapeKind.INTS));
    }
    if (t instanceof Type.Scalar) {
      return CodeBlock.of("$L.pop()", tapeOf.apply(TapeKind.INTS));
    }
    return CodeBlock.of("$L.pop()", tapeOf.apply(TapeKind.REFS));
  }

  private MethodSpec.Builder withTapes(MethodSpec.Builder m) {
    for (TapeKind t : SharedTapes.KINDS) {
      m.addParameter(runtime(t), tape(t));
    }
    return m;
  }

  private MethodSpec augment() {
    MethodSpec.Builder m = MethodSpec.methodBuilder(method.name() + "$augment")
        .addJavadoc("Generated plumbing of the split-mode call boundary, not API: the augmented forward pass of $L"
            + " onto the caller's tapes (what its reverse needs, then the lengths of this call's stretches and the"
            + " result); returns the result. Allocates nothing but tape space.\n", members.source)
        .addModifiers(members.visibility()).addModifiers(Modifier.STATIC)
        .returns(members.resultType)
        .addParameters(members.parameters());
    withTapes(m);
    CodeBlock.Builder code = CodeBlock.builder();
    for (TapeKind t : touched()) {
      code.addStatement("long $L = $L.size()", local("start$" + t.variable), tape(t));
    }
    String result;
    if (flat()) {
      for (TapeKind t : program.tapes()) {
        code.addStatement("$T $L = $L", runtime(t), t.variable, tape(t));
      }
      for (Expr.Var v : program.locals()) {
        code.addStatement("$T $L = $L", typeName(v.type()), v.name(), zero(v.type()));
      }
      for (Expr.Var v : program.counters()) {
        code.addStatement("int $L = 0", v.name());
      }
      code.add("// forward sweep\n");
      JavaCode.statements(program.forward().statements(), code);
      code.add("// the end state the reverse sweep reads\n");
      for (Expr.Var v : kept()) {
        code.addStatement(push(v));
      }
      result = program.result().name();
    } else {
      String args = String.join(", ", method.parameters().stream().map(MethodIr.Parameter::name).toList());
      String given = String.join(", ", SharedTapes.KINDS.stream().map(this::tape).toList());
      code.addStatement("$T $L = new $T($L$L$L)", members.tapeClass, local("tape$"), members.tapeClass, args,
          args.isEmpty() ? "" : ", ", given);
      code.addStatement("$L.push($L)", tape(TapeKind.REFS), local("tape$"));
      result = local("tape$") + ".result$()";
    }
    code.add("// the lengths of this call's stretches, for m$$skip\n");
    for (TapeKind t : touched()) {
      code.addStatement("int $L = $T.toIntExact($L.size() - $L)", local("length$" + t.variable), Math.class, tape(t),
          local("start$" + t.variable));
    }
    for (TapeKind t : touched()) {
      code.addStatement("$L.push($L)", tape(TapeKind.INTS), local("length$" + t.variable));
    }
    if (keepsResult()) {
      code.addStatement("return $L", result);
    } else {
      code.addStatement("$T $L = $L", members.resultType, local("value$"), result);
      code.addStatement("$L.push($L)", tape(resultTape()), local("value$"));
      code.addStatement("return $L", local("value$"));
    }
    return m.addCode(code.build()).build();
  }

  private MethodSpec skip() {
    MethodSpec.Builder m = MethodSpec.methodBuilder(method.name() + "$skip")
        .addJavadoc("Generated plumbing of the split-mode call boundary, not API: where the caller's read cursors"
            + " are at the end of a call's stretches, returns its result and moves them below the stretches.\n")
        .addModifiers(members.visibility()).addModifiers(Modifier.STATIC)
        .returns(members.resultType);
    withTapes(m);
    CodeBlock.Builder code = CodeBlock.builder();
    code.addStatement("$T $L = $L", members.resultType, local("value$"), pop(method.returnType() == Type.DOUBLE
        ? Type.DOUBLE : Type.TENSOR));
    List<TapeKind> kinds = new ArrayList<>(touched());
    java.util.Collections.reverse(kinds);
    for (TapeKind t : kinds) {
      code.addStatement("int $L = $L.pop()", local("length$" + t.variable), tape(TapeKind.INTS));
    }
    for (TapeKind t : touched()) {
      if (t == resultTape() && keepsResult()) {
        // the result is the stretch's last entry (kept for the reverse sweep), popped above already
        code.addStatement("$L.seek($L.cursor() - $L + 1)", tape(t), tape(t), local("length$" + t.variable));
      } else {
        code.addStatement("$L.seek($L.cursor() - $L)", tape(t), tape(t), local("length$" + t.variable));
      }
    }
    code.addStatement("return $L", local("value$"));
    return m.addCode(code.build()).build();
  }

  /** {@code m$reverse}; {@code needs}: the overload taking which tensor gradients the caller reads. */
  private MethodSpec reverse(boolean needs) {
    String upstream = local("upstream$");
    String gradient = local("gradient$");
    MethodSpec.Builder m = MethodSpec.methodBuilder(method.name() + "$reverse")
        .addJavadoc("Generated plumbing of the split-mode call boundary, not API: the reverse pass of the call"
            + " whose stretches end at the {@code at$$} positions (the caller's read cursors where it called"
            + " {@code $L$$skip}), given the call's scalar arguments again, accumulating the array parameters'"
            + " adjoints into the given arrays (fresh zero arrays where null); the caller's cursors are left as they"
            + " were. Returns the gradient record, or null when every component is an array that went into a given"
            + " target.\n", method.name())
        .addModifiers(members.visibility()).addModifiers(Modifier.STATIC)
        .returns(members.gradientClass)
        .addParameter(members.resultType, upstream);
    for (MethodIr.Parameter p : givenScalars()) {
      m.addParameter(typeName(p.type()), local("arg$" + p.name()));
    }
    List<String> targets = new ArrayList<>();
    for (MethodIr.Parameter p : tapes.accumulated()) {
      m.addParameter(typeName(p.type()), "into$" + p.name());
      targets.add("into$" + p.name());
    }
    if (needs) {
      m.addParameter(ArrayTypeName.of(TypeName.BOOLEAN), local("needs$"));
    }
    withTapes(m);
    for (TapeKind t : SharedTapes.KINDS) {
      m.addParameter(TypeName.LONG, local("at" + t.variable));
    }
    String adjoints = local("adjoints$");
    m.addParameter(runtime(TapeKind.DOUBLES), adjoints);
    CodeBlock.Builder code = CodeBlock.builder();
    String into = targets.stream().map(x -> ", " + x).reduce("", String::concat);
    Function<TapeKind, String> at = t -> local("at" + t.variable);
    String donated = local(DonatedUpstream.DONATED);
    if (Type.VECTOR.equals(method.returnType())) {
      // whether the caller gave its adjoint array up (DoubleTape.donate); the mark is forgotten either way
      code.addStatement("boolean $L = $L != null && $L.takeDonated($L)", donated, adjoints, adjoints, upstream);
    }
    if (flat()) {
      unwind(code, at, upstream, into + tapes.shared.registers(adjoints) + tapes.shared.donation(donated),
          gradient);
    } else {
      seekBelow(code, this::tape, at);
      code.addStatement("$T $L = $L.pop()", members.tapeClass, local("tape$"), tape(TapeKind.REFS));
      code.addStatement("$T $L = $L.reverse$$($L$L$L)", members.gradientClass, gradient, local("tape$"), upstream,
          into, needs ? ", " + local("needs$") : "");
      if (!tapes.shared.registered().isEmpty()) {
        code.add("// the double parameters' adjoints in the caller's registers, as m$$sweep returns them\n");
        code.beginControlFlow("if ($L != null && $L != null)", adjoints, gradient);
        List<MethodIr.Parameter> registered = tapes.shared.registered();
        for (int k = 0; k < registered.size(); k++) {
          String name = registered.get(k).name();
          code.addStatement("$L.adjoint($L, $L)", adjoints, k, members.shape != null
              ? members.shape.gradientPath(name, gradient) : gradient + "." + registered.get(k).sourceName() + "()");
        }
        code.endControlFlow();
      }
      restoreCursors(code, this::tape);
    }
    code.addStatement("return $L", gradient);
    return m.addCode(code.build()).build();
  }

  /** Saves the read cursors of the touched tapes and puts them below the result and the lengths of a stretch. */
  private void seekBelow(CodeBlock.Builder code, Function<TapeKind, String> tapeOf, Function<TapeKind, String> at) {
    List<TapeKind> touched = touched();
    for (TapeKind t : touched) {
      code.addStatement("long $L = $L.cursor()", local("cursor$" + t.variable), tapeOf.apply(t));
    }
    code.add("// below the result and the lengths\n");
    for (TapeKind t : touched) {
      int above = (t == resultTape() && !keepsResult() ? 1 : 0) + (t == TapeKind.INTS ? touched.size() : 0);
      if (above == 0) {
        code.addStatement("$L.seek($L)", tapeOf.apply(t), at.apply(t));
      } else {
        code.addStatement("$L.seek($L - $L)", tapeOf.apply(t), at.apply(t), above);
      }
    }
  }

  private void restoreCursors(CodeBlock.Builder code, Function<TapeKind, String> tapeOf) {
    for (TapeKind t : touched()) {
      code.addStatement("$L.seek($L)", tapeOf.apply(t), local("cursor$" + t.variable));
    }
  }

  /**
   * The flat reverse of the call whose stretches end at {@code at}: pops the end state from below the result and
   * the lengths and runs {@code m$sweep} from it into {@code gradient} ({@code targets}: its accumulation targets
   * and adjoint registers), leaving the read cursors as they were.
   */
  private void unwind(CodeBlock.Builder code, Function<TapeKind, String> at, String upstream, String targets,
      String gradient) {
    Function<TapeKind, String> tapeOf = this::tape;
    seekBelow(code, tapeOf, at);
    List<Expr.Var> kept = kept();
    Set<String> keptNames = new java.util.HashSet<>();
    kept.forEach(v -> keptNames.add(v.name()));
    for (int k = kept.size() - 1; k >= 0; k--) {
      Expr.Var v = kept.get(k);
      code.addStatement("$T $L = $L", typeName(v.type()), v.name(), pop(v.type(), tapeOf));
    }
    Set<String> fromCaller = fromCaller();
    List<String> state = new ArrayList<>();
    for (Expr.Var v : tapes.sweptVariables()) {
      state.add(keptNames.contains(v.name()) ? v.name()
          : fromCaller.contains(v.name()) ? local("arg$" + v.name()) : zero(v.type()));
    }
    program.tapes().forEach(t -> state.add(tapeOf.apply(t)));
    state.add(upstream);
    code.addStatement("$T $L = $L", members.gradientClass, gradient, tapes.shared.sharedSweepArguments(state, targets));
    restoreCursors(code, tapeOf);
  }
}
