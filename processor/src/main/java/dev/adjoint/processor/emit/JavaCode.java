package dev.adjoint.processor.emit;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.TapeKind;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;

/** Prints IR as Java through JavaPoet code blocks (so runtime classes are imported, not spelled out). */
public final class JavaCode {
  private JavaCode() {}

  static final ClassName TENSOR = ClassName.get("dev.adjoint", "Tensor");
  private static final ClassName TENSOR_ADJOINTS = ClassName.get("dev.adjoint.runtime", "TensorAdjoints");

  private static final int ATOM = 20;
  private static final int POSTFIX = 15;
  private static final int UNARY = 13;
  private static final int CONDITIONAL = 2;

  /** The Java spelling of {@code e}. */
  public static CodeBlock expression(Expr e) {
    Object code = expression(e, 0);
    return block(code);
  }

  /** {@code e}, parenthesized when its precedence is below {@code context}. */
  private static Object expression(Expr e, int context) {
    e = cheap(e);
    int precedence = precedence(e);
    Object code = bare(e);
    return precedence < context ? of("($L)", code) : code;
  }

  /**
   * {@code Math.pow(x, 2)} as {@code x * x} when {@code x} is a variable or an element of one: the same
   * double for every {@code x} (the JDK computes {@code pow(x, 2.0)} as {@code x * x}; PowLiteralsTest
   * checks it over special and random values), and about a quarter of the cost. Other exponents are left
   * to {@code Math.pow}: {@code x * x * x} and {@code 1 / x} round differently from it.
   */
  static Expr cheap(Expr e) {
    if (e instanceof Expr.Call c && c.callee() instanceof Callee.MathFunction f && f.name().equals("pow")
        && f.owner().equals("java.lang.Math") && c.args().get(1) instanceof Expr.Literal l && l.is(2)
        && repeatable(c.args().get(0))) {
      return new Expr.Binary(Expr.BinaryOp.MUL, c.args().get(0), c.args().get(0), Type.DOUBLE);
    }
    return e;
  }

  /** A double-typed variable, or an element {@code a[i]} of one with a variable or literal index. */
  private static boolean repeatable(Expr x) {
    if (x.type() != Type.DOUBLE) {
      return false;
    }
    return x instanceof Expr.Var || x instanceof Expr.Index i && i.array() instanceof Expr.Var
        && (i.index() instanceof Expr.Var || i.index() instanceof Expr.Literal);
  }

  /**
   * {@code format} with its {@code $L} holes filled, as {@code CodeBlock.of} would print it, flattened: a
   * {@link String} when no part names a type, else a {@link Code} whose format spells out every part but the
   * type references. JavaPoet prints a code block piece by piece and splits every piece at line breaks (a
   * regular expression each), which made printing nested per-node code blocks most of a companion's writing.
   */
  static Object of(String format, Object... parts) {
    StringBuilder text = new StringBuilder(format.length() + 16 * parts.length);
    List<Object> types = new ArrayList<>();
    int next = 0;
    for (int i = 0; i < format.length(); i++) {
      char c = format.charAt(i);
      if (c != '$') {
        text.append(c);
        continue;
      }
      char kind = format.charAt(++i);
      if (kind == '$') {
        text.append("$$");
      } else if (kind != 'L') {
        throw new IllegalArgumentException("only $L and $$ in " + format);
      } else {
        Object part = parts[next++];
        if (part instanceof Code code) {
          text.append(code.format);
          types.addAll(code.types);
        } else if (part instanceof CodeBlock block) {
          text.append("$L");
          types.add(block);
        } else {
          text.append(String.valueOf(part).replace("$", "$$"));
        }
      }
    }
    return types.isEmpty() ? text.toString().replace("$$", "$") : new Code(text.toString(), types);
  }

  /** Printed code as a code block. */
  static CodeBlock block(Object code) {
    if (code instanceof CodeBlock block) {
      return block;
    }
    if (code instanceof Code c) {
      return CodeBlock.of(c.format, c.types.toArray());
    }
    return CodeBlock.of("$L", code);
  }

  /** Printed code that names types: a JavaPoet format whose only holes are the type references {@code types}. */
  record Code(String format, List<Object> types) {
    @Override
    public String toString() {
      return block(this).toString();
    }
  }

  private static int precedence(Expr e) {
    if (e instanceof Expr.Literal l) {
      return l.text().startsWith("-") ? UNARY : ATOM;
    }
    if (e instanceof Expr.Unary || e instanceof Expr.Cast) {
      return UNARY;
    }
    if (e instanceof Expr.Binary b) {
      return b.op().precedence;
    }
    if (e instanceof Expr.Conditional || e instanceof Expr.Decided) {
      return CONDITIONAL;
    }
    if (e instanceof Expr.Pop p && p.type() == Type.BOOLEAN) {
      return Expr.BinaryOp.NE.precedence;
    }
    return POSTFIX;
  }

  private static Object bare(Expr e) {
    if (e instanceof Expr.Literal l) {
      return of("$L", l.text());
    }
    if (e instanceof Expr.Var v) {
      return of("$L", v.name());
    }
    if (e instanceof Expr.StaticField f) {
      return of("$L.$L", typeName(f.owner()), f.name());
    }
    if (e instanceof Expr.Unary u) {
      Object operand = expression(u.operand(), UNARY);
      boolean doubleMinus = u.op() == Expr.UnaryOp.NEG && operand.toString().startsWith("-");
      return doubleMinus ? of("$L($L)", u.op().java, operand) : of("$L$L", u.op().java, operand);
    }
    if (e instanceof Expr.Binary b) {
      int p = b.op().precedence;
      // Left-associative: an equal-precedence right operand keeps its parentheses (a - (b - c)).
      return of("$L $L $L", expression(b.left(), p), b.op().java, expression(b.right(), p + 1));
    }
    if (e instanceof Expr.Call c) {
      CodeBlock fused = ElementwiseFusion.fused(c);
      return fused != null ? fused : call(c);
    }
    if (e instanceof Expr.Index i) {
      return of("$L[$L]", expression(i.array(), POSTFIX), expression(i.index()));
    }
    if (e instanceof Expr.Length l) {
      return of("$L.length", expression(l.array(), POSTFIX));
    }
    if (e instanceof Expr.Conditional c) {
      return of("$L ? $L : $L", expression(c.condition(), CONDITIONAL + 1),
          expression(c.whenTrue(), CONDITIONAL + 1), expression(c.whenFalse(), CONDITIONAL));
    }
    if (e instanceof Expr.Cast c) {
      return of("($L) $L", c.type().java(), expression(c.operand(), UNARY));
    }
    if (e instanceof Expr.NewArray n) {
      if (n.type() instanceof Type.IntArray ints) {
        return of("new $L[$L]", ints.element().java(), expression(n.dimensions().get(0)));
      }
      Object b = "new double";
      for (Expr d : n.dimensions()) {
        b = of("$L[$L]", b, expression(d));
      }
      for (int k = n.dimensions().size(); k < ((Type.DoubleArray) n.type()).rank(); k++) {
        b = of("$L[]", b);
      }
      return b;
    }
    if (e instanceof Expr.ArrayInit a) {
      return of("new $L $L", a.type().java(), initializer(a));
    }
    if (e instanceof Expr.Clone c) {
      if (c.from() != null) {
        return of("java.util.Arrays.copyOfRange($L, $L, $L)", expression(c.array()), expression(c.from()),
            expression(c.to()));
      }
      if (c.to() != null) {
        return of("java.util.Arrays.copyOf($L, $L)", expression(c.array()), expression(c.to()));
      }
      if (c.array().type() == Type.MATRIX) {
        // only generated code copies a matrix (the reader refuses the shallow clone()): a deep copy
        return of("$L.copyOf($L)", typeName("dev.adjoint.runtime.ArrayAdjoints"), expression(c.array()));
      }
      return of("$L.clone()", expression(c.array(), POSTFIX));
    }
    if (e instanceof Expr.Pop p) {
      return pop(p.tape(), p.type());
    }
    if (e instanceof Expr.Component c) {
      return of("$L.$L()", expression(c.target(), POSTFIX), c.name());
    }
    if (e instanceof Expr.Decided d) {
      Expr.Conditional c = d.conditional();
      if (d.pushed()) {
        return of("$L ? $L.pushed(1, $L) : $L.pushed(0, $L)", expression(c.condition(), CONDITIONAL + 1),
            TapeKind.INTS.variable, expression(c.whenTrue()), TapeKind.INTS.variable, expression(c.whenFalse()));
      }
      return of("($L = $L) ? $L : $L", d.taken().name(), expression(c.condition()),
          expression(c.whenTrue(), CONDITIONAL + 1), expression(c.whenFalse(), CONDITIONAL));
    }
    if (e instanceof Expr.Recorded r && !(r.call().callee() instanceof Callee.DifferentiableMethod)) {
      // a costly tensor operation whose result the reverse sweep reads (differentiate.KeptTensors)
      return r.pushed() ? of("$L.pushed($L)", TapeKind.REFS.variable, expression(r.call()))
          : of("($L = $L)", r.state().name(), expression(r.call()));
    }
    if (e instanceof Expr.Recorded r) {
      Callee.DifferentiableMethod m = (Callee.DifferentiableMethod) r.call().callee();
      // the augmented forward onto the caller's tapes (CallMembers): a call allocates no tape of its own
      Object args = arguments(r.call().args());
      return of("$L.$L$$augment($L$L$L)", typeName(m.companion()), m.member(), args,
          args.toString().isEmpty() ? "" : ", ", SharedTapes.callerTapes());
    }
    throw new IllegalStateException("cannot print " + e);
  }

  private static Object initializer(Expr.ArrayInit a) {
    Object b = "{";
    for (int k = 0; k < a.elements().size(); k++) {
      Expr element = a.elements().get(k);
      b = of(k == 0 ? "$L$L" : "$L, $L", b, element instanceof Expr.ArrayInit row ? initializer(row) : expression(element));
    }
    return of("$L}", b);
  }

  private static Object call(Expr.Call c) {
    Object args = arguments(c.args());
    Callee callee = c.callee();
    if (callee instanceof Callee.MathFunction f) {
      return of("$L.$L($L)", typeName(f.owner()), f.name(), args);
    }
    if (callee instanceof Callee.Static s) {
      return of("$L.$L($L)", typeName(s.owner()), s.name(), args);
    }
    if (callee instanceof Callee.DifferentiableMethod m) {
      // A plain helper runs through its specialisation in the companion (it may be private).
      return m.member().equals(m.name()) ? of("$L.$L($L)", typeName(m.owner()), m.name(), args)
          : of("$L.$L($L)", typeName(m.companion()), m.member(), args);
    }
    if (callee instanceof Callee.GradientOf g) {
      return of("$L.$LGradient($L)", typeName(g.method().companion()), g.method().member(), args);
    }
    if (callee instanceof Callee.Custom m) {
      return of("$L.$L($L)", typeName(m.owner()), m.name(), args);
    }
    if (callee instanceof Callee.TapeMember t) {
      return of("$L.$L($L)", expression(c.args().get(0), POSTFIX), t.name(),
          arguments(c.args().subList(1, c.args().size())));
    }
    if (callee instanceof Callee.TensorFunction f) {
      return of("$L.$L($L)", CodeBlock.of("$T", TENSOR), f.name(), args);
    }
    Callee.TensorMethod m = (Callee.TensorMethod) callee;
    return of("$L.$L($L)", expression(c.args().get(0), POSTFIX), m.name(),
        arguments(c.args().subList(1, c.args().size())));
  }

  private static Object arguments(List<Expr> args) {
    Object b = "";
    for (int k = 0; k < args.size(); k++) {
      b = of(k == 0 ? "$L$L" : "$L, $L", b, expression(args.get(k)));
    }
    return b;
  }

  /**
   * A class reference: runtime classes as imported types, {@code java.lang} by simple name (JavaPoet
   * qualifies it where a type of the companion's package has the same name).
   */
  static Object typeName(String canonical) {
    if (canonical.startsWith("java.lang.") && canonical.indexOf('.', "java.lang.".length()) < 0) {
      return CodeBlock.of("$T", ClassName.get("java.lang", canonical.substring("java.lang.".length())));
    }
    if (canonical.equals(Type.TensorType.CLASS)) {
      return CodeBlock.of("$T", TENSOR);
    }
    if (canonical.startsWith("dev.adjoint.runtime.")) {
      return CodeBlock.of("$T", ClassName.get("dev.adjoint.runtime", canonical.substring(20)));
    }
    return canonical;
  }

  private static Object pop(TapeKind tape, Type type) {
    if (type == Type.LONG) {
      return tape.variable + ".popLong()";
    }
    if (type == Type.BOOLEAN) {
      return tape.variable + ".pop() != 0";
    }
    return tape.variable + ".pop()";
  }

  /** Appends the Java for {@code statements} to {@code code}. */
  public static void statements(List<Stmt> statements, CodeBlock.Builder code) {
    statements(statements, code, false);
  }

  /**
   * As {@link #statements(List, CodeBlock.Builder)}, for a list whose variables nothing printed after it reads
   * (a tensor tape's reverse sweep): temporaries read only for their shape are not computed ({@link
   * ElementwiseFusion#shapeOnly}). Nested blocks always qualify: their declarations end with them.
   */
  static void lastStatements(List<Stmt> statements, CodeBlock.Builder code) {
    statements(statements, code, true);
  }

  private static void statements(List<Stmt> statements, CodeBlock.Builder code, boolean scoped) {
    java.util.Set<String> shapeOnly = scoped ? ElementwiseFusion.shapeOnly(statements) : java.util.Set.of();
    for (Stmt s : statements) {
      if (s instanceof Stmt.Declare d && shapeOnly.contains(d.variable().name())) {
        // read only for its shape: not computed
        code.addStatement("$T $L = $L", TENSOR, d.variable().name(), ElementwiseFusion.shapeOf(d.init()));
      } else {
        statement(s, code);
      }
    }
  }

  private static void statement(Stmt s, CodeBlock.Builder code) {
    if (s instanceof Stmt.Declare d) {
      Object type = d.variable().type() instanceof Type.Named ? "var"
          : d.variable().type() == Type.TENSOR ? TENSOR : d.variable().type().java();
      if (d.init() == null) {
        code.addStatement(d.variable().type() == Type.TENSOR ? "$T $L" : "$L $L", type, d.variable().name());
      } else {
        line(code, "$L $L = $L", type == TENSOR ? CodeBlock.of("$T", TENSOR) : type, d.variable().name(),
            expression(d.init(), 0));
      }
    } else if (s instanceof Stmt.Assign a) {
      line(code, "$L = $L", expression(a.target(), 0), expression(a.value(), 0));
    } else if (s instanceof Stmt.Accumulate a && a.target().type() == Type.TENSOR) {
      CodeBlock target = expression(a.target());
      CodeBlock fused = ElementwiseFusion.accumulate(a.target(), a.value());
      if (fused != null) {
        code.addStatement("$L = $L", target, fused);
      } else {
        code.addStatement("$L = $T.accumulate($L, $L)", target, TENSOR_ADJOINTS, target, expression(a.value()));
      }
    } else if (s instanceof Stmt.Accumulate a) {
      line(code, "$L += $L", expression(a.target(), 0), expression(a.value(), 0));
    } else if (s instanceof Stmt.Effect e) {
      line(code, "$L", expression(e.call(), 0));
    } else if (s instanceof Stmt.Block b) {
      if (!b.statements().isEmpty()) {
        code.add("{\n").indent();
        statements(b.statements(), code, true);
        code.unindent().add("}\n");
      }
    } else if (s instanceof Stmt.If i) {
      boolean thenEmpty = i.then().statements().isEmpty();
      boolean elseEmpty = i.otherwise().statements().isEmpty();
      if (thenEmpty && elseEmpty) {
        return;
      }
      if (thenEmpty) {
        code.beginControlFlow("if (!($L))", expression(i.condition()));
        statements(i.otherwise().statements(), code, true);
      } else {
        code.beginControlFlow("if ($L)", expression(i.condition()));
        statements(i.then().statements(), code, true);
        if (!elseEmpty) {
          code.nextControlFlow("else");
          statements(i.otherwise().statements(), code, true);
        }
      }
      code.endControlFlow();
    } else if (s instanceof Stmt.While w) {
      code.beginControlFlow("while ($L)", expression(w.condition()));
      statements(w.body().statements(), code, true);
      code.endControlFlow();
    } else if (s instanceof Stmt.CountDown c) {
      code.beginControlFlow("for (int $L = $L; $L > 0; $L--)", c.counter(), expression(c.start()), c.counter(),
          c.counter());
      statements(c.body().statements(), code, true);
      code.endControlFlow();
    } else if (s instanceof Stmt.Push p) {
      line(code, "$L.push($L)", p.tape().variable, expression(p.value(), 0));
    } else if (s instanceof Stmt.Save v) {
      Type t = v.target().type();
      if (t == Type.LONG) {
        line(code, "$L.pushLong($L)", v.tape().variable, expression(v.target(), 0));
      } else if (t == Type.BOOLEAN) {
        line(code, "$L.push($L ? 1 : 0)", v.tape().variable, expression(v.target(), CONDITIONAL + 1));
      } else {
        line(code, "$L.push($L)", v.tape().variable, expression(v.target(), 0));
      }
    } else if (s instanceof Stmt.Restore r) {
      line(code, "$L = $L", expression(r.target(), 0), pop(r.tape(), r.target().type()));
    } else if (s instanceof Stmt.Forward f) {
      Object line = f.text().get(0);
      for (int k = 0; k < f.holes().size(); k++) {
        line = of("$L($L)$L", line, expression(f.holes().get(k), 0), f.text().get(k + 1));
      }
      line(code, "$L", line);
    } else if (s instanceof Stmt.Comment c) {
      code.add("// $L\n", c.text());
    } else {
      throw new IllegalStateException("cannot print " + s);
    }
  }

  /** Adds one statement, printed in one piece where it names no type ({@link #of}). */
  private static void line(CodeBlock.Builder code, String format, Object... parts) {
    code.addStatement("$L", block(of(format, parts)));
  }
}
