package dev.adjoint.processor.read;

import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.ThrowTree;
import com.sun.source.tree.Tree;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;

/**
 * Statements that the forward pass runs and the reverse sweep never runs again ({@link Stmt.Forward}):
 * {@code throw new E(message)} of an unchecked exception, and {@code System.out}/{@code System.err}
 * {@code println}, {@code print}, {@code printf}, {@code String.format} as statements. Their values are read
 * as IR expressions (holes); strings exist only as literals, concatenations, {@code String.format} and
 * {@code Arrays.toString}/{@code deepToString} inside them.
 */
final class ForwardStatements {
  private final MethodReader reader;

  ForwardStatements(MethodReader reader) {
    this.reader = reader;
  }

  /** Code under construction: text parts and holes. */
  private static final class Code {
    final List<String> text = new ArrayList<>(List.of(""));
    final List<Expr> holes = new ArrayList<>();

    void text(String s) {
      text.set(text.size() - 1, text.get(text.size() - 1) + s);
    }

    void hole(Expr e) {
      holes.add(e);
      text.add("");
    }

    Stmt.Forward done(Origin origin) {
      return new Stmt.Forward(text, holes, origin);
    }
  }

  Stmt throwStatement(ThrowTree t, Origin origin) {
    if (!(unparen(t.getExpression()) instanceof NewClassTree n) || n.getClassBody() != null
        || n.getEnclosingExpression() != null || !n.getTypeArguments().isEmpty()) {
      throw new Unsupported(t, "throw needs a new exception here: throw new IllegalArgumentException(\"...\")");
    }
    TypeElement type = reader.resolveType(n.getIdentifier());
    if (type == null || !unchecked(type)) {
      throw new Unsupported(n.getIdentifier(), "only unchecked exceptions (a RuntimeException or an Error) can be"
          + " thrown in a @Differentiable method: throw new IllegalArgumentException(\"...\") or"
          + " new IllegalStateException(\"...\")");
    }
    if (n.getArguments().size() > 1) {
      throw new Unsupported(n, "an exception here takes at most a message: new "
          + type.getSimpleName() + "(\"...\" + value)");
    }
    Code code = new Code();
    code.text("throw new " + type.getQualifiedName() + "(");
    if (n.getArguments().size() == 1) {
      string(n.getArguments().get(0), code);
    }
    code.text(")");
    return code.done(origin);
  }

  /** {@code assert condition : detail;}, enabled exactly as the original's assertions (-ea). */
  Stmt assertStatement(com.sun.source.tree.AssertTree t, Origin origin) {
    Code code = new Code();
    code.text("assert ");
    Expr condition = reader.expression(t.getCondition());
    if (condition.type() != Type.BOOLEAN) {
      throw new Unsupported(t.getCondition(), "a condition must be boolean");
    }
    code.hole(condition);
    if (t.getDetail() != null) {
      code.text(" : ");
      operand(t.getDetail(), code);
    }
    return code.done(origin);
  }

  /** Whether {@code call} is a print or {@code String.format} call, which {@link #print} reads. */
  static boolean isPrint(MethodInvocationTree call) {
    return printTarget(call) != null;
  }

  /** {@code System.out.println(...)} and its relatives, as a statement. */
  Stmt print(MethodInvocationTree call, Origin origin) {
    String target = printTarget(call);
    Code code = new Code();
    code.text(target + "(");
    List<? extends ExpressionTree> args = call.getArguments();
    boolean formats = target.endsWith("printf") || target.endsWith("format");
    if (!formats && args.size() > 1) {
      throw new Unsupported(call, target + " takes one value here");
    }
    for (int k = 0; k < args.size(); k++) {
      if (k > 0) {
        code.text(", ");
      }
      if (formats && k == 0 || isString(args.get(k))) {
        string(args.get(k), code);
      } else {
        value(args.get(k), code);
      }
    }
    code.text(")");
    return code.done(origin);
  }

  private static String printTarget(MethodInvocationTree call) {
    if (!(call.getMethodSelect() instanceof MemberSelectTree m)) {
      return null;
    }
    String name = m.getIdentifier().toString();
    String receiver = m.getExpression().toString();
    if ((receiver.equals("System.out") || receiver.equals("System.err") || receiver.equals("java.lang.System.out")
        || receiver.equals("java.lang.System.err"))
        && (name.equals("println") || name.equals("print") || name.equals("printf") || name.equals("format"))) {
      return "java.lang." + receiver.replace("java.lang.", "") + "." + name;
    }
    if ((receiver.equals("String") || receiver.equals("java.lang.String")) && name.equals("format")) {
      return "java.lang.String.format";
    }
    return null;
  }

  /** Whether Java types {@code t} as a String in the forms {@link #string} reads. */
  private static boolean isString(ExpressionTree t) {
    t = unparen(t);
    if (t.getKind() == Tree.Kind.STRING_LITERAL) {
      return true;
    }
    if (t.getKind() == Tree.Kind.PLUS) {
      BinaryTree b = (BinaryTree) t;
      return isString(b.getLeftOperand()) || isString(b.getRightOperand());
    }
    if (t instanceof MethodInvocationTree call) {
      String target = printTarget(call);
      return target != null && target.endsWith("String.format") || arrayToString(call) != null;
    }
    return false;
  }

  private static String arrayToString(MethodInvocationTree call) {
    if (call.getMethodSelect() instanceof MemberSelectTree m && call.getArguments().size() == 1) {
      String receiver = m.getExpression().toString();
      String name = m.getIdentifier().toString();
      if ((receiver.equals("Arrays") || receiver.equals("java.util.Arrays"))
          && (name.equals("toString") || name.equals("deepToString"))) {
        return "java.util.Arrays." + name;
      }
    }
    return null;
  }

  private void string(ExpressionTree t, Code code) {
    ExpressionTree u = unparen(t);
    if (u.getKind() == Tree.Kind.STRING_LITERAL) {
      code.text(reader.elements.getConstantExpression(((LiteralTree) u).getValue()));
    } else if (u.getKind() == Tree.Kind.PLUS && isString(u)) {
      BinaryTree b = (BinaryTree) u;
      code.text("(");
      operand(b.getLeftOperand(), code);
      code.text(" + ");
      operand(b.getRightOperand(), code);
      code.text(")");
    } else if (u instanceof MethodInvocationTree call && arrayToString(call) != null) {
      code.text(arrayToString(call) + "(");
      Expr array = reader.expression(call.getArguments().get(0));
      if (!(array.type() instanceof Type.DoubleArray || array.type() instanceof Type.IntArray)) {
        throw new Unsupported(call, "Arrays." + ((MemberSelectTree) call.getMethodSelect()).getIdentifier()
            + " needs an array here");
      }
      code.hole(array);
      code.text(")");
    } else if (u instanceof MethodInvocationTree call && isString(call)) {
      code.text("java.lang.String.format(");
      for (int k = 0; k < call.getArguments().size(); k++) {
        if (k > 0) {
          code.text(", ");
        }
        operand(call.getArguments().get(k), code);
      }
      code.text(")");
    } else {
      throw new Unsupported(t, "a message here is a string literal, + of strings and values, String.format or"
          + " Arrays.toString");
    }
  }

  private void operand(ExpressionTree t, Code code) {
    if (isString(t)) {
      string(t, code);
    } else {
      value(t, code);
    }
  }

  private void value(ExpressionTree t, Code code) {
    ExpressionTree u = unparen(t);
    if (u.getKind() == Tree.Kind.CHAR_LITERAL) {
      // The IR holds a char as its int code; printed, it is the character.
      code.text(reader.elements.getConstantExpression(((LiteralTree) u).getValue()));
      return;
    }
    Expr e = reader.expression(t);
    if (e.type() == Type.TENSOR) {
      throw new Unsupported(t, "printing a Tensor here is not supported: print its item() or an element");
    }
    code.hole(e);
  }

  private static boolean unchecked(TypeElement type) {
    for (TypeElement t = type; t != null; ) {
      String name = t.getQualifiedName().toString();
      if (name.equals("java.lang.RuntimeException") || name.equals("java.lang.Error")) {
        return true;
      }
      TypeMirror s = t.getSuperclass();
      t = s instanceof DeclaredType d ? (TypeElement) d.asElement() : null;
    }
    return false;
  }

  private static ExpressionTree unparen(ExpressionTree t) {
    while (t instanceof ParenthesizedTree p) {
      t = p.getExpression();
    }
    return t;
  }

}
