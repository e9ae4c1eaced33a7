package dev.adjoint.processor.emit;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import dev.adjoint.processor.differentiate.AdjointProgram;
import dev.adjoint.processor.ir.TapeKind;
import java.util.ArrayList;
import java.util.List;

/**
 * The tapes a callee records onto: its caller's (design.md §7). Callers call the static members of {@link
 * CallMembers}, which take the caller's three tapes; the tape object of a method ({@code m$record(args, _doubles,
 * _ints, _refs)}, its sharing constructor) records onto those tapes where they are given (fresh ones where a
 * caller passes null, or when the method may record again in a reverse pass) and remembers where its stretch of
 * each ends ({@code end$_doubles}). Its {@code reverse$} saves the tapes' read cursors, reads its stretch from there
 * down, and puts the cursors back. So a callee's reverse may run in any order, and a callee's stretches stay valid while the caller's tapes hold them (a checkpointed
 * segment's replay truncates only what it pushed itself).
 */
final class SharedTapes {
  private static final String RUNTIME = "dev.adjoint.runtime";

  /** Every kind, in the order of {@code m$record}'s trailing parameters. */
  static final List<TapeKind> KINDS = List.of(TapeKind.DOUBLES, TapeKind.INTS, TapeKind.REFS);

  private SharedTapes() {}

  /** The trailing parameters of {@code m$record} and of the tape's sharing constructor. */
  static List<ParameterSpec> parameters() {
    List<ParameterSpec> out = new ArrayList<>();
    for (TapeKind t : KINDS) {
      out.add(ParameterSpec.builder(runtimeClass(t), parameter(t)).build());
    }
    return out;
  }

  /** {@code , tapes$doubles, ...} after the arguments ({@code first}: there are none, no leading comma). */
  static String arguments(boolean first) {
    StringBuilder out = new StringBuilder();
    for (TapeKind t : KINDS) {
      out.append(first && out.isEmpty() ? "" : ", ").append(parameter(t));
    }
    return out.toString();
  }

  /** {@code , null, null, null}: no caller's tapes ({@code first}: no leading comma). */
  static String none(boolean first) {
    return (first ? "" : ", ") + String.join(", ", KINDS.stream().map(t -> "null").toList());
  }

  /** The field holding where this call's stretch of tape {@code t} ends. */
  static String end(TapeKind t) {
    return "end$" + t.variable;
  }

  /** The local holding the caller's read cursor of tape {@code t} while a reverse pass reads its stretch. */
  static String cursor(TapeKind t) {
    return "cursor$" + t.variable;
  }

  /**
   * The tape's constructor taking the caller's tapes: {@code plain}'s body after keeping the given tapes of
   * the kinds the program records onto ({@code shares}: else they are ignored and the tape records onto
   * fresh ones).
   */
  static MethodSpec constructor(MethodSpec plain, AdjointProgram program, boolean shares) {
    MethodSpec.Builder m = MethodSpec.constructorBuilder()
        .addParameters(plain.parameters())
        .addParameters(parameters());
    if (shares) {
      for (TapeKind t : program.tapes()) {
        m.addStatement("this.$L = $L", t.variable, parameter(t));
      }
    }
    return m.addCode(plain.code()).build();
  }

  /** The caller's tapes, as {@code JavaCode} prints a recorded call's trailing arguments. */
  static CodeBlock callerTapes() {
    return CodeBlock.of("$L", String.join(", ", KINDS.stream().map(t -> t.variable).toList()));
  }

  static String parameter(TapeKind t) {
    return "tapes$" + t.variable.substring(1);
  }

  private static ClassName runtimeClass(TapeKind t) {
    return ClassName.get(RUNTIME, t.runtimeClass.substring(t.runtimeClass.lastIndexOf('.') + 1));
  }
}
