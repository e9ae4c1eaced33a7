package dev.adjoint.processor.read;

import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.DoWhileLoopTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.tree.WhileLoopTree;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Expr.BinaryOp;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;

/**
 * Reads statements for {@link MethodReader}: blocks, loops, declarations, assignments and their targets (the
 * alias policy: which arrays may be written, enhanced-{@code for} element aliases). The state (scopes, aliases,
 * assigned names) lives in the reader.
 */
final class Statements {
  private final MethodReader reader;

  Statements(MethodReader reader) {
    this.reader = reader;
  }
  private Stmt.Block body(StatementTree s) {
    if (s instanceof BlockTree b) {
      return reader.block(b.getStatements(), reader.origin(b));
    }
    return reader.block(List.of(s), reader.origin(s));
  }

  void statement(StatementTree s, List<Stmt> out) {
    statement(s, null, out);
  }

  /** Reads {@code s}, a loop or switch when {@code label} is not null. */
  void statement(StatementTree s, String label, List<Stmt> out) {
    Origin origin = reader.origin(s);
    switch (s.getKind()) {
      case BLOCK -> out.add(reader.block(((BlockTree) s).getStatements(), origin));
      case EMPTY_STATEMENT -> { }
      case VARIABLE -> declaration((VariableTree) s, out);
      case EXPRESSION_STATEMENT -> expressionStatement(((ExpressionStatementTree) s).getExpression(), origin, out);
      case IF -> {
        IfTree t = (IfTree) s;
        Expr c = reader.expressions.condition(t.getCondition());
        Stmt.Block then = body(t.getThenStatement());
        Stmt.Block otherwise = t.getElseStatement() == null
            ? Stmt.Block.of(List.of()) : body(t.getElseStatement());
        out.add(new Stmt.If(c, then, otherwise, origin));
      }
      case WHILE_LOOP -> {
        WhileLoopTree t = (WhileLoopTree) s;
        Expr c = reader.expressions.condition(t.getCondition());
        int position = out.size();
        Jumps.Target target = reader.jumps.enter(label, true);
        Stmt.Block b = loopBody(t.getStatement(), target);
        out.add(new Stmt.While(c, b, origin));
        reader.jumps.close(target, out, position, origin);
      }
      case DO_WHILE_LOOP -> {
        DoWhileLoopTree t = (DoWhileLoopTree) s;
        int position = out.size();
        Jumps.Target target = reader.jumps.enter(label, true);
        Stmt.Block b = loopBody(t.getStatement(), target);
        out.add(new Stmt.DoWhile(b, reader.expressions.condition(t.getCondition()), origin));
        reader.jumps.close(target, out, position, origin);
      }
      case FOR_LOOP -> forLoop((ForLoopTree) s, label, origin, out);
      case ENHANCED_FOR_LOOP -> enhancedFor((EnhancedForLoopTree) s, label, origin, out);
      case BREAK -> {
        javax.lang.model.element.Name l = ((com.sun.source.tree.BreakTree) s).getLabel();
        out.addAll(reader.jumps.jump(s, l == null ? null : l.toString(), false, origin));
      }
      case CONTINUE -> {
        javax.lang.model.element.Name l = ((com.sun.source.tree.ContinueTree) s).getLabel();
        out.addAll(reader.jumps.jump(s, l == null ? null : l.toString(), true, origin));
      }
      case SWITCH -> reader.switches.statement((com.sun.source.tree.SwitchTree) s, label, origin, out);
      case LABELED_STATEMENT -> {
        com.sun.source.tree.LabeledStatementTree t = (com.sun.source.tree.LabeledStatementTree) s;
        switch (t.getStatement().getKind()) {
          case WHILE_LOOP, DO_WHILE_LOOP, FOR_LOOP, ENHANCED_FOR_LOOP, SWITCH ->
              statement(t.getStatement(), t.getLabel().toString(), out);
          default -> throw new Unsupported(s, "only loops and switch statements can be labeled here: put the"
              + " label on a loop, or use a boolean flag");
        }
      }
      case RETURN -> {
        ExpressionTree e = ((ReturnTree) s).getExpression();
        if (e == null && reader.outCopy != null) {
          out.add(new Stmt.Return(reader.outCopy, origin));
          return;
        }
        if (e == null) {
          throw new Unsupported(s, "a @Differentiable method must return a value");
        }
        if (reader.records.results.active()) {
          reader.records.results.returnStatement(e, origin, out); // the packed record
        } else {
          Type returnType = ModelTypes.of(reader.method.getReturnType()).orElse(Type.DOUBLE);
          Expr value = returnType instanceof Type.DoubleArray
              ? reader.arrays.value(e, returnType, true) : JavaTyping.convert(reader.expression(e), returnType, e);
          out.add(new Stmt.Return(value, origin));
        }
      }
      case TRY -> throw new Unsupported(s,
          "try statements are not supported in a @Differentiable method: move error handling to the caller");
      case SYNCHRONIZED -> throw new Unsupported(s,
          "synchronized is not supported in a @Differentiable method: it must be a pure function of its arguments");
      case THROW -> out.add(reader.forwardStatements.throwStatement((com.sun.source.tree.ThrowTree) s, origin));
      case ASSERT -> out.add(reader.forwardStatements.assertStatement((com.sun.source.tree.AssertTree) s, origin));
      case CLASS, INTERFACE, ENUM, RECORD -> throw new Unsupported(s,
          "local classes are not supported in a @Differentiable method");
      default -> throw new Unsupported(s, "this statement (" + s.getKind().name().toLowerCase().replace('_', ' ')
          + ") is not supported in a @Differentiable method");
    }
  }

  private Stmt.Block loopBody(StatementTree s, Jumps.Target target) {
    try {
      return body(s);
    } finally {
      reader.jumps.leave(target);
    }
  }

  private void forLoop(ForLoopTree t, String label, Origin origin, List<Stmt> out) {
    reader.scopes.push(new LinkedHashMap<>());
    try {
      List<Stmt> init = new ArrayList<>();
      for (StatementTree s : t.getInitializer()) {
        statement(s, init);
      }
      Expr c = t.getCondition() == null ? new Expr.Literal("true", Type.BOOLEAN)
          : reader.expressions.condition(t.getCondition());
      List<Stmt> update = new ArrayList<>();
      for (ExpressionStatementTree u : t.getUpdate()) {
        expressionStatement(u.getExpression(), reader.origin(u), update);
      }
      int position = out.size();
      Jumps.Target target = reader.jumps.enter(label, true);
      Stmt.Block b = loopBody(t.getStatement(), target);
      out.add(new Stmt.For(init, c, update, b, origin));
      reader.jumps.close(target, out, position, origin);
    } finally {
      reader.scopes.pop();
    }
  }

  /**
   * {@code for (T v : a) body} becomes an indexed loop in which every read of {@code v} reads
   * {@code a[k]}: no alias variable exists, so an array element loop variable needs no copy.
   */
  private void enhancedFor(EnhancedForLoopTree t, String label, Origin origin, List<Stmt> out) {
    Expr array = reader.expression(t.getExpression());
    if (!(array.type() instanceof Type.DoubleArray || array.type() instanceof Type.IntArray)) {
      throw new Unsupported(t.getExpression(),
          "enhanced for loops must iterate over a double[], double[][], int[] or boolean[]");
    }
    if (!(array instanceof Expr.Var || array instanceof Expr.StaticField
        || array instanceof Expr.Index i && i.array() instanceof Expr.Var)) {
      throw new Unsupported(t.getExpression(),
          "iterate over a variable: assign the array to a local first, or use an indexed for loop");
    }
    Type element = array.type() instanceof Type.DoubleArray d ? d.element() : ((Type.IntArray) array.type()).element();
    VariableTree v = t.getVariable();
    Type declared = v.getType() == null || NameLookup.isVar(v.getType()) ? element : reader.names.typeOf(v.getType());
    if (!declared.equals(element) && !(declared == Type.DOUBLE && element == Type.INT)
        && !(declared == Type.LONG && element == Type.INT)) {
      throw new Unsupported(v, "loop variable of type " + declared.java() + " cannot hold elements of "
          + array.type().java());
    }
    String index = reader.fresh("k");
    Expr.Var k = new Expr.Var(index, Type.INT);
    Expr elementRead = new Expr.Index(array, k, element);
    if (!declared.equals(element)) {
      elementRead = new Expr.Cast(declared, elementRead);
    }
    Set<String> arrayVariables = variablesIn(array);
    reader.scopes.push(new LinkedHashMap<>());
    try {
      // The loop variable is read-only: every use reads the element in place.
      reader.elementAliases.put(v.getName().toString(), elementRead);
      Jumps.Target target = reader.jumps.enter(label, true);
      Stmt.Block b;
      Set<String> before = new HashSet<>(reader.assignedNames);
      reader.assignedNames.clear();
      try {
        b = loopBody(t.getStatement(), target);
      } finally {
        reader.elementAliases.remove(v.getName().toString());
      }
      for (String a : reader.assignedNames) {
        if (arrayVariables.contains(a)) {
          throw new Unsupported(t.getExpression(), "the loop body assigns '" + a
              + "', which the enhanced for loop iterates over: use an indexed for loop");
        }
      }
      reader.assignedNames.addAll(before);
      Stmt init = new Stmt.Declare(k, Expr.Literal.ofInt(0), origin);
      Expr c = new Expr.Binary(BinaryOp.LT, k, new Expr.Length(array), Type.BOOLEAN);
      Stmt update = new Stmt.Assign(k, new Expr.Binary(BinaryOp.ADD, k, Expr.Literal.ofInt(1), Type.INT), origin);
      int position = out.size();
      out.add(new Stmt.For(List.of(init), c, List.of(update), b, origin));
      reader.jumps.close(target, out, position, origin);
    } finally {
      reader.scopes.pop();
    }
  }

  private void declaration(VariableTree v, List<Stmt> out) {
    String name = v.getName().toString();
    checkName(v, name);
    if (reader.records.declaration(v, out, reader.origin(v))) {
      return;
    }
    ExpressionTree init = v.getInitializer();
    Type type;
    try {
      type = declaredType(v, name, init);
    } catch (Unsupported u) {
      // Later uses of the variable are not reported again ("cannot resolve"): one error per problem.
      reader.refusedNames.add(name);
      throw u;
    }
    // Declared before its initializer is read, so that a refused initializer is reported once and later
    // uses of the variable are still checked (Java itself forbids an initializer that reads the variable).
    Expr.Var variable = reader.declare(name, type, v);
    reader.assignedNames.add(variable.name());
    Expr value = null;
    if (init != null) {
      value = type instanceof Type.DoubleArray ? reader.arrays.value(init, type, false)
          : type instanceof Type.IntArray ints ? reader.intArrays.value(init, ints)
          : JavaTyping.convert(reader.expression(init), type, init);
    }
    out.add(new Stmt.Declare(variable, value, reader.origin(v)));
  }

  private Type declaredType(VariableTree v, String name, ExpressionTree init) {
    Type type;
    ExpressionTree value = init == null ? null : MethodReader.unparen(init);
    if (value != null && (value.getKind() == Tree.Kind.LAMBDA_EXPRESSION
        || value.getKind() == Tree.Kind.MEMBER_REFERENCE)) {
      // A functional interface local: the lambda's own message, which says what to write instead.
      reader.expression(value);
    }
    if (v.getType() == null || NameLookup.isVar(v.getType())) {
      if (init == null) {
        throw new Unsupported(v, "'var' needs an initializer");
      }
      if (init instanceof NewArrayTree na && na.getType() == null) {
        throw new Unsupported(v, "'var' cannot infer the type of an array initializer: declare the type");
      }
      type = reader.expression(init).type();
      if (reader.javaType(init).equals("char")) {
        // javac would make the local a char (a different overload target than an int): Adjoint has no char.
        throw new Unsupported(v, "'var' makes '" + name + "' a char, which Adjoint does not support: declare it int");
      }
    } else {
      type = reader.names.typeOf(v.getType());
    }
    return type;
  }

  void checkName(Tree at, String name) {
    if (name.startsWith("_")) {
      throw new Unsupported(at, "names starting with '_' are reserved for generated code: rename '" + name + "'");
    }
    if (name.contains("$")) {
      throw new Unsupported(at, "names containing '$' are reserved for generated code: rename '" + name + "'");
    }
  }

  void expressionStatement(ExpressionTree e, Origin origin, List<Stmt> out) {
    switch (e.getKind()) {
      case ASSIGNMENT -> {
        AssignmentTree a = (AssignmentTree) e;
        if (reader.records.assignment(a, origin, out)) {
          return;
        }
        ExpressionTree rhs = MethodReader.unparen(a.getExpression());
        // A new array (checked by arrayValue: new, an initializer, clone() or a @Differentiable call).
        boolean fresh = rhs instanceof NewArrayTree || rhs instanceof MethodInvocationTree;
        Expr target = assignmentTarget(a.getVariable(), fresh);
        Expr value = target.type() instanceof Type.DoubleArray
            ? reader.arrays.value(a.getExpression(), target.type(), false)
            : target.type() instanceof Type.IntArray ints ? reader.intArrays.value(a.getExpression(), ints)
            : JavaTyping.convert(reader.expression(a.getExpression()), target.type(), a.getExpression());
        reader.expressionTypes.put(e, target.type().java());
        out.add(new Stmt.Assign(target, value, origin));
      }
      case PLUS_ASSIGNMENT, MINUS_ASSIGNMENT, MULTIPLY_ASSIGNMENT, DIVIDE_ASSIGNMENT, REMAINDER_ASSIGNMENT,
           AND_ASSIGNMENT, OR_ASSIGNMENT, XOR_ASSIGNMENT, LEFT_SHIFT_ASSIGNMENT, RIGHT_SHIFT_ASSIGNMENT,
           UNSIGNED_RIGHT_SHIFT_ASSIGNMENT -> {
        CompoundAssignmentTree a = (CompoundAssignmentTree) e;
        Expr target = assignmentTarget(a.getVariable());
        if (!(target.type() instanceof Type.Scalar)) {
          throw new Unsupported(e, "compound assignment needs a scalar target");
        }
        BinaryOp op = JavaTyping.binaryOp(e.getKind(), e);
        Expr value = JavaTyping.binary(op, target, reader.expression(a.getExpression()), e);
        // Java's compound assignment narrows implicitly: i += 0.5 is i = (int) (i + 0.5).
        reader.expressionTypes.put(e, target.type().java());
        out.add(new Stmt.Assign(target, JavaTyping.castIfNeeded(value, target.type()), origin));
      }
      case PREFIX_INCREMENT, POSTFIX_INCREMENT, PREFIX_DECREMENT, POSTFIX_DECREMENT -> {
        Expr target = assignmentTarget(((UnaryTree) e).getExpression());
        if (!(target.type() instanceof Type.Scalar s) || !s.numeric()) {
          throw new Unsupported(e, "++ and -- need a numeric variable");
        }
        BinaryOp op = e.getKind() == Tree.Kind.PREFIX_INCREMENT || e.getKind() == Tree.Kind.POSTFIX_INCREMENT
            ? BinaryOp.ADD : BinaryOp.SUB;
        Expr one = target.type() == Type.DOUBLE ? Expr.Literal.of(1) : Expr.Literal.ofInt(1);
        Expr value = new Expr.Binary(op, target, one, target.type());
        out.add(new Stmt.Assign(target, value, origin));
      }
      case METHOD_INVOCATION -> {
        MethodInvocationTree call = (MethodInvocationTree) e;
        if (ForwardStatements.isPrint(call)) {
          out.add(reader.forwardStatements.print(call, origin));
        } else if (!reader.jdkCalls.statement(call, origin, out) && !reader.outCalls.statement(call, origin, out)) {
          throw new Unsupported(e, "a call as a statement is not supported here (its result would be unused): only"
              + " System.arraycopy, Arrays.fill and printing are statements; use the call's result, or remove it");
        }
      }
      default -> throw new Unsupported(e, "this expression statement is not supported");
    }
  }

  private Expr assignmentTarget(ExpressionTree t) {
    return assignmentTarget(t, false);
  }



  /**
   * The array {@code t} that the JDK method {@code method} writes into ({@code System.arraycopy}'s
   * destination, {@code Arrays.fill}'s array): a local array or a row of one, never a parameter or a constant.
   */
  Expr writableArray(ExpressionTree t, String method) {
    Expr target = reader.expression(t);
    if (!(target.type() instanceof Type.DoubleArray || target.type() instanceof Type.IntArray)) {
      throw new Unsupported(t, method + " needs an array here");
    }
    Expr root = target;
    while (root instanceof Expr.Index i) {
      root = i.array();
    }
    reader.records.checkWrite(root instanceof Expr.Var rv ? rv : null, t);
    if (root instanceof Expr.Var v && reader.parameterNames.contains(v.name())) {
      String source = Records.sourceName(v.name());
      throw new Unsupported(t, method + " would write into the parameter array '" + source + "', which is not"
          + " supported (inputs are never mutated): copy it first, for example " + v.type().java() + " y = "
          + source + ".clone();");
    }
    if (!(root instanceof Expr.Var v)) {
      throw new Unsupported(t, method + " can only write into a local array: copy the array into a local first");
    }
    reader.assignedNames.add(v.name());
    return target;
  }

  /** {@code freshRow}: the value is a new array, so a matrix row may be its target. */
  private Expr assignmentTarget(ExpressionTree t, boolean freshRow) {
    ExpressionTree e = MethodReader.unparen(t);
    if (e instanceof IdentifierTree id) {
      String name = id.getName().toString();
      if (reader.elementAliases.containsKey(name)) {
        throw new Unsupported(t, "the enhanced for loop variable '" + name
            + "' is read-only here: use an indexed for loop to change it");
      }
      Expr.Var v = reader.lookup(name);
      reader.records.checkWrite(v, t);
      if (v == null) {
        throw new Unsupported(t, "assignment to '" + name + "', which is not a local variable: field writes are"
            + " not supported in a @Differentiable method; return the value instead");
      }
      if (reader.parameterNames.contains(name)
          && (v.type() instanceof Type.DoubleArray || v.type() instanceof Type.IntArray)) {
        throw new Unsupported(t, "reassigning the array parameter '" + name
            + "' is not supported: assign to a new local array instead");
      }
      reader.assignedNames.add(v.name());
      return v;
    }
    if (e instanceof ArrayAccessTree a) {
      Expr target = reader.expression(a);
      Expr root = target;
      while (root instanceof Expr.Index i) {
        root = i.array();
      }
      if (target.type() instanceof Type.DoubleArray && !freshRow) {
        throw new Unsupported(t, "assigning an existing array as a row makes an alias, which Adjoint does not"
            + " support: assign a new row (new double[n] or {a, b}) or copy it with .clone()");
      }
      reader.records.checkWrite(root instanceof Expr.Var rv ? rv : null, t);
      if (root instanceof Expr.Var v && reader.parameterNames.contains(v.name())) {
        String source = Records.sourceName(v.name());
        throw new Unsupported(t, "writing into the parameter array '" + source + "' is not supported (inputs are"
            + " never mutated): copy it first, for example double[] y = " + source + ".clone();");
      }
      if (!(root instanceof Expr.Var)) {
        throw new Unsupported(t, "only elements of local arrays can be written");
      }
      reader.assignedNames.add(((Expr.Var) root).name());
      return target;
    }
    if (e instanceof MemberSelectTree) {
      throw new Unsupported(t, "field writes are not supported in a @Differentiable method: return the value instead");
    }
    throw new Unsupported(t, "this assignment target is not supported");
  }

  private static Set<String> variablesIn(Expr e) {
    Set<String> names = new HashSet<>();
    collectVariables(e, names);
    return names;
  }

  private static void collectVariables(Expr e, Set<String> names) {
    if (e instanceof Expr.Var v) {
      names.add(v.name());
    } else if (e instanceof Expr.Index i) {
      collectVariables(i.array(), names);
      collectVariables(i.index(), names);
    }
  }
}
