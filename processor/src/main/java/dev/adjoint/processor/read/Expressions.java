package dev.adjoint.processor.read;

import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.UnaryTree;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Expr.BinaryOp;
import dev.adjoint.processor.ir.Type;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.ElementFilter;

/**
 * Reads and types expressions for {@link MethodReader}: literals, names, operators, conditionals, casts,
 * array access and {@code .length}; calls go to {@link CallResolver} and {@link Records}, names and constant
 * fields to {@link NameLookup}, typing rules to {@link JavaTyping}.
 */
final class Expressions {
  private final MethodReader reader;

  Expressions(MethodReader reader) {
    this.reader = reader;
  }
  Expr condition(ExpressionTree t) {
    Expr c = reader.expression(t);
    if (c.type() != Type.BOOLEAN) {
      throw new Unsupported(t, "a condition must be boolean");
    }
    return c;
  }

  String javaTypeOf(ExpressionTree t, Expr e) {
    switch (t.getKind()) {
      case CHAR_LITERAL:
        return "char";
      case PARENTHESIZED:
        return reader.javaType(((ParenthesizedTree) t).getExpression());
      case CONDITIONAL_EXPRESSION: {
        // JLS 15.25: char ?: char is char, and so is char ?: an int constant that fits a char.
        ConditionalExpressionTree c = (ConditionalExpressionTree) t;
        String a = reader.javaType(c.getTrueExpression());
        String b = reader.javaType(c.getFalseExpression());
        if (e instanceof Expr.Conditional ce && (a.equals("char") && (b.equals("char") || charConstant(ce.whenFalse()))
            || b.equals("char") && charConstant(ce.whenTrue()))) {
          return "char";
        }
        return e.type().java();
      }
      default:
        return e.type().java();
    }
  }

  /** An int constant (a literal or an inlined static final) that a char can hold. */
  private static boolean charConstant(Expr e) {
    if (e instanceof Expr.Literal l && l.type() == Type.INT) {
      long v = Long.parseLong(l.text());
      return v >= 0 && v <= Character.MAX_VALUE;
    }
    return false;
  }

  Expr untypedExpression(ExpressionTree t) {
    switch (t.getKind()) {
      case PARENTHESIZED:
        return reader.expression(((ParenthesizedTree) t).getExpression());
      case INT_LITERAL:
        return new Expr.Literal(String.valueOf(((LiteralTree) t).getValue()), Type.INT);
      case LONG_LITERAL:
        return new Expr.Literal(((LiteralTree) t).getValue() + "L", Type.LONG);
      case DOUBLE_LITERAL:
        return new Expr.Literal(String.valueOf(((LiteralTree) t).getValue()), Type.DOUBLE);
      case BOOLEAN_LITERAL:
        return new Expr.Literal(String.valueOf(((LiteralTree) t).getValue()), Type.BOOLEAN);
      case FLOAT_LITERAL:
        throw new Unsupported(t, "float is not supported: write a double literal (drop the 'f')");
      case CHAR_LITERAL:
        return new Expr.Literal(String.valueOf((int) (Character) ((LiteralTree) t).getValue()), Type.INT);
      case STRING_LITERAL:
        return Strings.literal((String) ((LiteralTree) t).getValue(), reader.elements);
      case NULL_LITERAL:
        throw new Unsupported(t, "null is not supported in a @Differentiable method: give the variable a value (an"
            + " array, a string) or use a boolean flag");
      case IDENTIFIER:
        return identifier((IdentifierTree) t);
      case MEMBER_SELECT:
        return memberSelect((MemberSelectTree) t);
      case ARRAY_ACCESS: {
        ArrayAccessTree a = (ArrayAccessTree) t;
        Expr array = reader.expression(a.getExpression());
        Expr index = reader.expression(a.getIndex());
        if (!(index.type() == Type.INT)) {
          throw new Unsupported(a.getIndex(), "an array index must be an int");
        }
        if (!(array instanceof Expr.Var || array instanceof Expr.StaticField || array instanceof Expr.Index)) {
          throw new Unsupported(a.getExpression(), "index a variable: assign the array to a local first");
        }
        if (array.type() instanceof Type.DoubleArray d) {
          return new Expr.Index(array, index, d.element());
        }
        if (array.type() instanceof Type.IntArray ints) {
          return new Expr.Index(array, index, ints.element());
        }
        throw new Unsupported(t, "indexing needs an array");
      }
      case UNARY_MINUS:
      case UNARY_PLUS: {
        Expr operand = reader.expression(((UnaryTree) t).getExpression());
        if (!(operand.type() instanceof Type.Scalar s) || !s.numeric()) {
          throw new Unsupported(t, "unary minus needs a number");
        }
        if (t.getKind() == Tree.Kind.UNARY_PLUS) {
          return operand;
        }
        return new Expr.Unary(Expr.UnaryOp.NEG, operand, operand.type());
      }
      case LOGICAL_COMPLEMENT: {
        Expr operand = reader.expression(((UnaryTree) t).getExpression());
        if (operand.type() != Type.BOOLEAN) {
          throw new Unsupported(t, "! needs a boolean");
        }
        return new Expr.Unary(Expr.UnaryOp.NOT, operand, Type.BOOLEAN);
      }
      case PREFIX_INCREMENT:
      case POSTFIX_INCREMENT:
      case PREFIX_DECREMENT:
      case POSTFIX_DECREMENT:
        throw new Unsupported(t, "++ and -- inside an expression are not supported: write them as their own statement");
      case ASSIGNMENT:
      case PLUS_ASSIGNMENT:
      case MINUS_ASSIGNMENT:
      case MULTIPLY_ASSIGNMENT:
      case DIVIDE_ASSIGNMENT:
        throw new Unsupported(t, "an assignment inside an expression is not supported: write it as its own statement");
      case CONDITIONAL_EXPRESSION: {
        ConditionalExpressionTree c = (ConditionalExpressionTree) t;
        Expr cond = condition(c.getCondition());
        Expr a = reader.expression(c.getTrueExpression());
        Expr b = reader.expression(c.getFalseExpression());
        if (a.type() instanceof Type.Scalar sa && b.type() instanceof Type.Scalar sb) {
          if (sa == Type.BOOLEAN || sb == Type.BOOLEAN) {
            if (sa != sb) {
              throw new Unsupported(t, "both branches of ?: must have the same type");
            }
            return new Expr.Conditional(cond, a, b, Type.BOOLEAN);
          }
          Type type = JavaTyping.promote(sa, sb);
          return new Expr.Conditional(cond, JavaTyping.convert(a, type, t), JavaTyping.convert(b, type, t), type);
        }
        if ((a.type() == Type.TENSOR || a.type() instanceof Type.EnumType) && a.type().equals(b.type())) {
          return new Expr.Conditional(cond, a, b, a.type());
        }
        if (ArrayValues.isNew(a) && ArrayValues.isNew(b)) {
          // Two copies share nothing, but the reverse sweep has no array-valued ?: either.
          throw new Unsupported(t, "?: between two new arrays is not supported: use if/else and assign the array"
              + " in each branch");
        }
        throw new Unsupported(t, "?: between arrays makes an alias: use if/else and write the elements");
      }
      case TYPE_CAST: {
        TypeCastTree c = (TypeCastTree) t;
        Type target = reader.names.typeOf(c.getType());
        Expr operand = reader.expression(c.getExpression());
        if (!(target instanceof Type.Scalar ts) || !ts.numeric()
            || !(operand.type() instanceof Type.Scalar os) || !os.numeric()) {
          throw new Unsupported(t, "only casts between int, long and double are supported");
        }
        return operand.type() == target ? operand : new Expr.Cast(target, operand);
      }
      case METHOD_INVOCATION: {
        Expr own = reader.records.call((MethodInvocationTree) t);
        return own != null ? own : reader.calls.call((MethodInvocationTree) t);
      }
      case NEW_ARRAY:
        return reader.arrays.newArray((NewArrayTree) t);
      case NEW_CLASS:
        Records.refuseConstruction((com.sun.source.tree.NewClassTree) t, reader.names.resolveType(
            (ExpressionTree) ((com.sun.source.tree.NewClassTree) t).getIdentifier()));
        throw new Unsupported(t, "creating objects is not supported in a @Differentiable method: only arrays"
            + " (new double[n]) can be created");
      case LAMBDA_EXPRESSION:
        throw new Unsupported(t, "lambdas are not supported in a @Differentiable method: write a for loop, or move the"
            + " function into another @Differentiable method and call it");
      case MEMBER_REFERENCE:
        throw new Unsupported(t, "method references are not supported in a @Differentiable method: call the method"
            + " directly, in a for loop");
      case INSTANCE_OF:
        throw new Unsupported(t, "instanceof is not supported in a @Differentiable method");
      case SWITCH_EXPRESSION:
        return reader.switches.expression((com.sun.source.tree.SwitchExpressionTree) t);
      default:
        if (t instanceof BinaryTree b) {
          BinaryOp op = JavaTyping.binaryOp(t.getKind(), t);
          return JavaTyping.binary(op, reader.expression(b.getLeftOperand()), reader.expression(b.getRightOperand()),
              t);
        }
        throw new Unsupported(t, "this expression (" + t.getKind().name().toLowerCase().replace('_', ' ')
            + ") is not supported in a @Differentiable method");
    }
  }

  private Expr identifier(IdentifierTree id) {
    String name = id.getName().toString();
    Expr alias = reader.elementAliases.get(name);
    if (alias != null) {
      return alias;
    }
    Expr.Var v = reader.lookup(name);
    if (v != null && !reader.records.isRecordLocal(v)) {
      return v;
    }
    Expr own = reader.records.read(id);
    if (own != null) {
      return own;
    }
    for (TypeElement type = reader.owner; type != null; type = NameLookup.enclosingType(type)) {
      for (VariableElement field : ElementFilter.fieldsIn(type.getEnclosedElements())) {
        if (field.getSimpleName().contentEquals(name)) {
          return reader.names.fieldRead(id, type, field);
        }
      }
    }
    VariableElement imported = reader.names.staticallyImportedField(name);
    if (imported != null) {
      return reader.names.fieldRead(id, (TypeElement) imported.getEnclosingElement(), imported);
    }
    if (reader.refusedNames.contains(name)) {
      throw Unsupported.alreadyReported(id);
    }
    throw new Unsupported(id, "cannot resolve '" + name + "': a @Differentiable method may read its parameters,"
        + " its locals and static final constants");
  }

  private Expr memberSelect(MemberSelectTree m) {
    Expr own = reader.records.read(m);
    if (own != null) {
      return own;
    }
    String member = m.getIdentifier().toString();
    ExpressionTree target = MethodReader.unparen(m.getExpression());
    if (member.equals("length")) {
      Expr array = tryExpression(target);
      if (array != null) {
        if (!(array.type() instanceof Type.DoubleArray || array.type() instanceof Type.IntArray)) {
          throw new Unsupported(m, ".length needs an array");
        }
        return new Expr.Length(array);
      }
    }
    TypeElement type = reader.names.resolveType(target);
    if (type == null) {
      throw new Unsupported(m, "cannot resolve '" + m + "': a @Differentiable method may read its parameters,"
          + " its locals and static final constants");
    }
    for (VariableElement field : ElementFilter.fieldsIn(reader.elements.getAllMembers(type))) {
      if (field.getSimpleName().contentEquals(member)) {
        return reader.names.fieldRead(m, (TypeElement) field.getEnclosingElement(), field);
      }
    }
    throw new Unsupported(m, "cannot resolve '" + m + "'");
  }

  /** The expression {@code t} denotes, or null when it names a type or a package instead. */
  Expr tryExpression(ExpressionTree t) {
    if (t instanceof IdentifierTree id && reader.lookup(id.getName().toString()) == null
        && reader.refusedNames.contains(id.getName().toString())) {
      throw Unsupported.alreadyReported(t);
    }
    if (t instanceof IdentifierTree id && reader.lookup(id.getName().toString()) == null
        && !reader.elementAliases.containsKey(id.getName().toString())) {
      // Not a local: a constant field if one is visible under this name, else a type or package name.
      return reader.names.fieldNamed(id.getName().toString()) ? reader.expression(t) : null;
    }
    if (t instanceof MemberSelectTree && reader.names.resolveType(t) != null) {
      return null;
    }
    return reader.expression(t);
  }
}
