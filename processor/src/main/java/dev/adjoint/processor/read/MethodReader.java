package dev.adjoint.processor.read;

import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.ArrayTypeTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.DoWhileLoopTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.ImportTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.PrimitiveTypeTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.Trees;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Expr.BinaryOp;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;

/**
 * Reads the body of one {@code @Differentiable} method into the IR, typing the supported subset itself
 * (trees are not attributed while processors run). Anything outside the subset becomes a {@link Problem}
 * on the exact tree; reading goes on with the next statement so that one compilation reports them all.
 */
public final class MethodReader {
  final Trees trees;
  final Elements elements;
  final ExecutableElement method;
  final TypeElement owner;
  private final CompilationUnitTree unit;
  private final SourcePositions positions;
  private final CharSequence source;
  private final List<Problem> problems = new ArrayList<>();
  private final Map<Integer, Tree> originTrees = new HashMap<>();
  /** For tests that compare the reader with javac: the Java type of each expression read, the method of each call. */
  private final Map<Tree, String> expressionTypes = new HashMap<>();
  private final Map<MethodInvocationTree, ExecutableElement> resolvedCalls = new HashMap<>();
  private final CallResolver calls;
  private final Deque<Map<String, Expr.Var>> scopes = new ArrayDeque<>();
  private final Map<String, Type> declaredTypes = new HashMap<>();
  private final Set<String> parameterNames = new HashSet<>();
  private int nextOrigin;
  final Jumps jumps = new Jumps();
  private final Switches switches = new Switches(this);
  private final ForwardStatements forwardStatements = new ForwardStatements(this);
  final JdkCalls jdkCalls = new JdkCalls(this);
  private final IntArrays intArrays = new IntArrays(this);
  final ArrayValues arrays = new ArrayValues(this, intArrays);
  private final Records records = new Records(this);
  private ExecutableElement derivative;
  /** Plain helper calls with differentiable arguments, or null: then they are refused as before. */
  HelperCalls helpers;

  private MethodReader(Trees trees, Elements elements, ExecutableElement method) {
    this.trees = trees;
    this.elements = elements;
    this.method = method;
    this.owner = (TypeElement) method.getEnclosingElement();
    this.unit = trees.getPath(method).getCompilationUnit();
    this.positions = trees.getSourcePositions();
    CharSequence text;
    try {
      text = unit.getSourceFile().getCharContent(true);
    } catch (IOException | RuntimeException e) {
      text = "";
    }
    this.source = text;
    this.calls = new CallResolver(this);
  }

  /** The outcome: the IR when reading succeeded, the problems otherwise, and the tree of every origin. */
  public record Result(Optional<MethodIr> method, List<Problem> problems, Map<Integer, Tree> originTrees,
      Map<Tree, String> expressionTypes, Map<MethodInvocationTree, ExecutableElement> resolvedCalls) {}

  /** Reads {@code method}, whose tree must be available from {@code trees}. */
  public static Result read(Trees trees, Elements elements, ExecutableElement method) {
    return read(trees, elements, method, null);
  }

  /**
   * Reads {@code method}; with a {@code derivative} ({@code @DerivativeOf}, checked), its body is not read:
   * the companion runs it and calls the derivative in the reverse pass.
   */
  public static Result read(Trees trees, Elements elements, ExecutableElement method, ExecutableElement derivative) {
    return read(trees, elements, method, derivative, null);
  }

  /** As above, reading plain helper calls as {@code helpers} decides (see {@link HelperCalls}). */
  static Result read(Trees trees, Elements elements, ExecutableElement method, ExecutableElement derivative,
      HelperCalls helpers) {
    MethodReader reader = new MethodReader(trees, elements, method);
    reader.derivative = derivative;
    reader.helpers = helpers;
    Optional<MethodIr> ir = reader.readMethod();
    if (ir.isPresent() && reader.problems.isEmpty() && helpers != null) {
      ir = helpers.read(ir.get(), trees.getTree(method), reader.problems);
    }
    if (ir.isPresent() && reader.problems.isEmpty()) {
      // Helper calls run once: hoisted out of what the reverse sweep re-evaluates.
      MethodIr m = ir.get();
      Map.Entry<Stmt.Block, List<ImpureCalls.Problem>> hoisted = ImpureCalls.apply(m.body());
      for (ImpureCalls.Problem p : hoisted.getValue()) {
        reader.problems.add(new Problem(reader.originTrees.get(p.origin().id()), p.message()));
      }
      ir = Optional.of(new MethodIr(m.packageName(), m.ownerCanonicalName(), m.companionSimpleName(), m.name(),
          m.parameters(), m.returnType(), hoisted.getKey(), m.isPublic(), m.origin()));
    }
    return new Result(
        reader.problems.isEmpty() ? ir : Optional.empty(),
        List.copyOf(reader.problems),
        Map.copyOf(reader.originTrees),
        java.util.Collections.unmodifiableMap(reader.expressionTypes),
        java.util.Collections.unmodifiableMap(reader.resolvedCalls));
  }

  private Optional<MethodIr> readMethod() {
    MethodTree tree = trees.getTree(method);
    Origin origin = origin(tree);
    Type returnType = RecordResults.returnsRecord(method) ? Type.VECTOR // the packed record (RecordResults)
        : ModelTypes.of(method.getReturnType()).orElse(null);
    List<MethodIr.Parameter> parameters = new ArrayList<>();
    Map<String, Expr.Var> parameterScope = new LinkedHashMap<>();
    Optional<dev.adjoint.processor.ir.Shape> shape;
    try {
      shape = RecordShapes.shape(method);
    } catch (RecordShapes.Refused r) {
      problems.add(new Problem(trees.getTree(r.at) != null ? trees.getTree(r.at) : tree, r.getMessage()));
      return Optional.empty();
    }
    if (shape.isPresent() && derivative != null) {
      problems.add(new Problem(tree, "@DerivativeOf is not supported for an instance method or one with record"
          + " parameters yet: make '" + method.getSimpleName() + "' static, with double and array parameters"));
      return Optional.empty();
    }
    for (MethodIr.Parameter p : shape.map(records::flatParameters).orElse(List.of())) {
      // a record parameter's or the object's leaf: reached through accessors, never by its flat name
      parameters.add(p);
      declaredTypes.put(p.name(), p.type());
      parameterNames.add(p.name());
      if (!p.name().contains("$")) {
        parameterScope.put(p.name(), p.variable());
      }
    }
    for (int i = 0; shape.isEmpty() && i < method.getParameters().size(); i++) {
      VariableElement p = method.getParameters().get(i);
      Tree at = i < tree.getParameters().size() ? tree.getParameters().get(i) : tree;
      String name = p.getSimpleName().toString();
      Optional<Type> type = ModelTypes.of(p.asType());
      try {
        type = type.isPresent() ? type : Enums.type(p.asType(), at, ModelTypes.packageOf(owner));
      } catch (Unsupported u) {
        report(u);
        refusedNames.add(name);
        continue;
      }
      if (type.isEmpty()) {
        problems.add(new Problem(at, "parameter '" + name + "' has type " + p.asType()
            + ", which Adjoint does not support: use double, double[] or double[][] for differentiable values"
            + " and int, long, boolean or int[] for the rest"));
        refusedNames.add(name);
        continue;
      }
      try {
        checkName(at, name);
      } catch (Unsupported u) {
        report(u);
      }
      parameters.add(new MethodIr.Parameter(name, type.get(), ModelTypes.isNoGrad(p)));
      parameterScope.put(name, new Expr.Var(name, type.get()));
      declaredTypes.put(name, type.get());
      parameterNames.add(name);
    }
    scopes.push(parameterScope);
    if (tree.getBody() == null) {
      return Optional.empty();
    }
    Stmt.Block body = derivative != null
        ? CustomDerivatives.body(method, derivative, parameters, origin(tree.getBody()))
        : block(tree.getBody().getStatements(), origin(tree.getBody()));
    if (returnType == null || !problems.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new MethodIr(
        ModelTypes.packageOf(owner),
        owner.getQualifiedName().toString(),
        ModelTypes.companionSimpleName(owner),
        method.getSimpleName().toString(),
        parameters,
        returnType,
        body,
        method.getModifiers().contains(Modifier.PUBLIC) && owner.getModifiers().contains(Modifier.PUBLIC),
        origin));
  }

  // ---------------------------------------------------------------- statements

  private Stmt.Block block(List<? extends StatementTree> statements, Origin origin) {
    scopes.push(new LinkedHashMap<>());
    List<Stmt> out = new ArrayList<>();
    for (StatementTree s : statements) {
      statementInto(s, out);
    }
    scopes.pop();
    return new Stmt.Block(out, origin);
  }

  /** A refusal becomes a problem, unless its cause was reported already. */
  private void report(Unsupported u) {
    if (!u.reported) {
      problems.add(new Problem(u.tree, u.getMessage()));
    }
  }

  /** Reads {@code s} into {@code out} in the current scope; a refusal becomes a problem. */
  void statementInto(StatementTree s, List<Stmt> out) {
    try {
      statement(s, out);
    } catch (Unsupported u) {
      report(u);
    }
  }

  /** Reads the expression statement {@code e} (a switch rule's body) into {@code out}. */
  void expressionStatementInto(ExpressionTree e, List<Stmt> out) {
    try {
      expressionStatement(e, origin(e), out);
    } catch (Unsupported u) {
      report(u);
    }
  }

  Stmt.Block blockOf(BlockTree b) {
    return block(b.getStatements(), origin(b));
  }

  void pushScope() {
    scopes.push(new LinkedHashMap<>());
  }

  void popScope() {
    scopes.pop();
  }

  private Stmt.Block body(StatementTree s) {
    if (s instanceof BlockTree b) {
      return block(b.getStatements(), origin(b));
    }
    return block(List.of(s), origin(s));
  }

  private void statement(StatementTree s, List<Stmt> out) {
    statement(s, null, out);
  }

  /** Reads {@code s}, a loop or switch when {@code label} is not null. */
  private void statement(StatementTree s, String label, List<Stmt> out) {
    Origin origin = origin(s);
    switch (s.getKind()) {
      case BLOCK -> out.add(block(((BlockTree) s).getStatements(), origin));
      case EMPTY_STATEMENT -> { }
      case VARIABLE -> declaration((VariableTree) s, out);
      case EXPRESSION_STATEMENT -> expressionStatement(((ExpressionStatementTree) s).getExpression(), origin, out);
      case IF -> {
        IfTree t = (IfTree) s;
        Expr c = condition(t.getCondition());
        Stmt.Block then = body(t.getThenStatement());
        Stmt.Block otherwise = t.getElseStatement() == null
            ? Stmt.Block.of(List.of()) : body(t.getElseStatement());
        out.add(new Stmt.If(c, then, otherwise, origin));
      }
      case WHILE_LOOP -> {
        WhileLoopTree t = (WhileLoopTree) s;
        Expr c = condition(t.getCondition());
        int position = out.size();
        Jumps.Target target = jumps.enter(label, true);
        Stmt.Block b = loopBody(t.getStatement(), target);
        out.add(new Stmt.While(c, b, origin));
        jumps.close(target, out, position, origin);
      }
      case DO_WHILE_LOOP -> {
        DoWhileLoopTree t = (DoWhileLoopTree) s;
        int position = out.size();
        Jumps.Target target = jumps.enter(label, true);
        Stmt.Block b = loopBody(t.getStatement(), target);
        out.add(new Stmt.DoWhile(b, condition(t.getCondition()), origin));
        jumps.close(target, out, position, origin);
      }
      case FOR_LOOP -> forLoop((ForLoopTree) s, label, origin, out);
      case ENHANCED_FOR_LOOP -> enhancedFor((EnhancedForLoopTree) s, label, origin, out);
      case BREAK -> {
        javax.lang.model.element.Name l = ((com.sun.source.tree.BreakTree) s).getLabel();
        out.addAll(jumps.jump(s, l == null ? null : l.toString(), false, origin));
      }
      case CONTINUE -> {
        javax.lang.model.element.Name l = ((com.sun.source.tree.ContinueTree) s).getLabel();
        out.addAll(jumps.jump(s, l == null ? null : l.toString(), true, origin));
      }
      case SWITCH -> switches.statement((com.sun.source.tree.SwitchTree) s, label, origin, out);
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
        if (e == null) {
          throw new Unsupported(s, "a @Differentiable method must return a value");
        }
        if (records.results.active()) {
          records.results.returnStatement(e, origin, out); // the packed record
        } else {
          Type returnType = ModelTypes.of(method.getReturnType()).orElse(Type.DOUBLE);
          Expr value = returnType instanceof Type.DoubleArray
              ? arrays.value(e, returnType, true) : convert(expression(e), returnType, e);
          out.add(new Stmt.Return(value, origin));
        }
      }
      case TRY -> throw new Unsupported(s,
          "try statements are not supported in a @Differentiable method: move error handling to the caller");
      case SYNCHRONIZED -> throw new Unsupported(s,
          "synchronized is not supported in a @Differentiable method: it must be a pure function of its arguments");
      case THROW -> out.add(forwardStatements.throwStatement((com.sun.source.tree.ThrowTree) s, origin));
      case ASSERT -> out.add(forwardStatements.assertStatement((com.sun.source.tree.AssertTree) s, origin));
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
      jumps.leave(target);
    }
  }

  private void forLoop(ForLoopTree t, String label, Origin origin, List<Stmt> out) {
    scopes.push(new LinkedHashMap<>());
    try {
      List<Stmt> init = new ArrayList<>();
      for (StatementTree s : t.getInitializer()) {
        statement(s, init);
      }
      Expr c = t.getCondition() == null ? new Expr.Literal("true", Type.BOOLEAN) : condition(t.getCondition());
      List<Stmt> update = new ArrayList<>();
      for (ExpressionStatementTree u : t.getUpdate()) {
        expressionStatement(u.getExpression(), origin(u), update);
      }
      int position = out.size();
      Jumps.Target target = jumps.enter(label, true);
      Stmt.Block b = loopBody(t.getStatement(), target);
      out.add(new Stmt.For(init, c, update, b, origin));
      jumps.close(target, out, position, origin);
    } finally {
      scopes.pop();
    }
  }

  /**
   * {@code for (T v : a) body} becomes an indexed loop in which every read of {@code v} reads
   * {@code a[k]}: no alias variable exists, so an array element loop variable needs no copy.
   */
  private void enhancedFor(EnhancedForLoopTree t, String label, Origin origin, List<Stmt> out) {
    Expr array = expression(t.getExpression());
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
    Type declared = v.getType() == null || isVar(v.getType()) ? element : typeOf(v.getType());
    if (!declared.equals(element) && !(declared == Type.DOUBLE && element == Type.INT)
        && !(declared == Type.LONG && element == Type.INT)) {
      throw new Unsupported(v, "loop variable of type " + declared.java() + " cannot hold elements of "
          + array.type().java());
    }
    String index = fresh("k");
    Expr.Var k = new Expr.Var(index, Type.INT);
    Expr elementRead = new Expr.Index(array, k, element);
    if (!declared.equals(element)) {
      elementRead = new Expr.Cast(declared, elementRead);
    }
    Set<String> arrayVariables = variablesIn(array);
    scopes.push(new LinkedHashMap<>());
    try {
      // The loop variable is read-only: every use reads the element in place.
      elementAliases.put(v.getName().toString(), elementRead);
      Jumps.Target target = jumps.enter(label, true);
      Stmt.Block b;
      Set<String> before = new HashSet<>(assignedNames);
      assignedNames.clear();
      try {
        b = loopBody(t.getStatement(), target);
      } finally {
        elementAliases.remove(v.getName().toString());
      }
      for (String a : assignedNames) {
        if (arrayVariables.contains(a)) {
          throw new Unsupported(t.getExpression(), "the loop body assigns '" + a
              + "', which the enhanced for loop iterates over: use an indexed for loop");
        }
      }
      assignedNames.addAll(before);
      Stmt init = new Stmt.Declare(k, Expr.Literal.ofInt(0), origin);
      Expr c = new Expr.Binary(BinaryOp.LT, k, new Expr.Length(array), Type.BOOLEAN);
      Stmt update = new Stmt.Assign(k, new Expr.Binary(BinaryOp.ADD, k, Expr.Literal.ofInt(1), Type.INT), origin);
      int position = out.size();
      out.add(new Stmt.For(List.of(init), c, List.of(update), b, origin));
      jumps.close(target, out, position, origin);
    } finally {
      scopes.pop();
    }
  }

  private final Map<String, Expr> elementAliases = new HashMap<>();
  private final Set<String> assignedNames = new HashSet<>();
  private int freshCounter;

  String fresh(String base) {
    return base + "$" + (++freshCounter);
  }

  private void declaration(VariableTree v, List<Stmt> out) {
    String name = v.getName().toString();
    checkName(v, name);
    if (records.declaration(v, out, origin(v))) {
      return;
    }
    ExpressionTree init = v.getInitializer();
    Type type;
    try {
      type = declaredType(v, name, init);
    } catch (Unsupported u) {
      // Later uses of the variable are not reported again ("cannot resolve"): one error per problem.
      refusedNames.add(name);
      throw u;
    }
    // Declared before its initializer is read, so that a refused initializer is reported once and later
    // uses of the variable are still checked (Java itself forbids an initializer that reads the variable).
    Expr.Var variable = declare(name, type, v);
    assignedNames.add(variable.name());
    Expr value = null;
    if (init != null) {
      value = type instanceof Type.DoubleArray ? arrays.value(init, type, false)
          : type instanceof Type.IntArray ints ? intArrays.value(init, ints) : convert(expression(init), type, init);
    }
    out.add(new Stmt.Declare(variable, value, origin(v)));
  }

  /** The names of parameters and locals whose declaration was refused (and reported). */
  private final Set<String> refusedNames = new HashSet<>();

  private Type declaredType(VariableTree v, String name, ExpressionTree init) {
    Type type;
    ExpressionTree value = init == null ? null : unparen(init);
    if (value != null && (value.getKind() == Tree.Kind.LAMBDA_EXPRESSION
        || value.getKind() == Tree.Kind.MEMBER_REFERENCE)) {
      // A functional interface local: the lambda's own message, which says what to write instead.
      expression(value);
    }
    if (v.getType() == null || isVar(v.getType())) {
      if (init == null) {
        throw new Unsupported(v, "'var' needs an initializer");
      }
      if (init instanceof NewArrayTree na && na.getType() == null) {
        throw new Unsupported(v, "'var' cannot infer the type of an array initializer: declare the type");
      }
      type = expression(init).type();
      if (javaType(init).equals("char")) {
        // javac would make the local a char (a different overload target than an int): Adjoint has no char.
        throw new Unsupported(v, "'var' makes '" + name + "' a char, which Adjoint does not support: declare it int");
      }
    } else {
      type = typeOf(v.getType());
    }
    return type;
  }

  Expr.Var declare(String name, Type type, Tree at) {
    String irName = name;
    Type previous = declaredTypes.get(name);
    if (previous != null && !previous.equals(type)) {
      // Sibling scopes may reuse a name with another type; the IR hoists locals, so rename this one.
      irName = fresh(name);
    }
    declaredTypes.putIfAbsent(name, type);
    Expr.Var variable = new Expr.Var(irName, type);
    scopes.peek().put(name, variable);
    return variable;
  }

  private void checkName(Tree at, String name) {
    if (name.startsWith("_")) {
      throw new Unsupported(at, "names starting with '_' are reserved for generated code: rename '" + name + "'");
    }
    if (name.contains("$")) {
      throw new Unsupported(at, "names containing '$' are reserved for generated code: rename '" + name + "'");
    }
  }

  private void expressionStatement(ExpressionTree e, Origin origin, List<Stmt> out) {
    switch (e.getKind()) {
      case ASSIGNMENT -> {
        AssignmentTree a = (AssignmentTree) e;
        if (records.assignment(a, origin, out)) {
          return;
        }
        ExpressionTree rhs = unparen(a.getExpression());
        // A new array (checked by arrayValue: new, an initializer, clone() or a @Differentiable call).
        boolean fresh = rhs instanceof NewArrayTree || rhs instanceof MethodInvocationTree;
        Expr target = assignmentTarget(a.getVariable(), fresh);
        Expr value = target.type() instanceof Type.DoubleArray
            ? arrays.value(a.getExpression(), target.type(), false)
            : target.type() instanceof Type.IntArray ints ? intArrays.value(a.getExpression(), ints)
            : convert(expression(a.getExpression()), target.type(), a.getExpression());
        expressionTypes.put(e, target.type().java());
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
        BinaryOp op = binaryOp(e.getKind(), e);
        Expr value = binary(op, target, expression(a.getExpression()), e);
        // Java's compound assignment narrows implicitly: i += 0.5 is i = (int) (i + 0.5).
        expressionTypes.put(e, target.type().java());
        out.add(new Stmt.Assign(target, castIfNeeded(value, target.type()), origin));
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
          out.add(forwardStatements.print(call, origin));
        } else if (!jdkCalls.statement(call, origin, out)) {
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

  /** Whether {@code name} is a parameter or local in scope here (it hides a class of that name). */
  boolean isVariable(String name) {
    return lookup(name) != null || elementAliases.containsKey(name);
  }

  /**
   * The array {@code t} that the JDK method {@code method} writes into ({@code System.arraycopy}'s
   * destination, {@code Arrays.fill}'s array): a local array or a row of one, never a parameter or a constant.
   */
  Expr writableArray(ExpressionTree t, String method) {
    Expr target = expression(t);
    if (!(target.type() instanceof Type.DoubleArray || target.type() instanceof Type.IntArray)) {
      throw new Unsupported(t, method + " needs an array here");
    }
    Expr root = target;
    while (root instanceof Expr.Index i) {
      root = i.array();
    }
    records.checkWrite(root instanceof Expr.Var rv ? rv : null, t);
    if (root instanceof Expr.Var v && parameterNames.contains(v.name())) {
      String source = Records.sourceName(v.name());
      throw new Unsupported(t, method + " would write into the parameter array '" + source + "', which is not"
          + " supported (inputs are never mutated): copy it first, for example " + v.type().java() + " y = "
          + source + ".clone();");
    }
    if (!(root instanceof Expr.Var v)) {
      throw new Unsupported(t, method + " can only write into a local array: copy the array into a local first");
    }
    assignedNames.add(v.name());
    return target;
  }

  /** {@code freshRow}: the value is a new array, so a matrix row may be its target. */
  private Expr assignmentTarget(ExpressionTree t, boolean freshRow) {
    ExpressionTree e = unparen(t);
    if (e instanceof IdentifierTree id) {
      String name = id.getName().toString();
      if (elementAliases.containsKey(name)) {
        throw new Unsupported(t, "the enhanced for loop variable '" + name
            + "' is read-only here: use an indexed for loop to change it");
      }
      Expr.Var v = lookup(name);
      records.checkWrite(v, t);
      if (v == null) {
        throw new Unsupported(t, "assignment to '" + name + "', which is not a local variable: field writes are"
            + " not supported in a @Differentiable method; return the value instead");
      }
      if (parameterNames.contains(name) && (v.type() instanceof Type.DoubleArray || v.type() instanceof Type.IntArray)) {
        throw new Unsupported(t, "reassigning the array parameter '" + name
            + "' is not supported: assign to a new local array instead");
      }
      assignedNames.add(v.name());
      return v;
    }
    if (e instanceof ArrayAccessTree a) {
      Expr target = expression(a);
      Expr root = target;
      while (root instanceof Expr.Index i) {
        root = i.array();
      }
      if (target.type() instanceof Type.DoubleArray && !freshRow) {
        throw new Unsupported(t, "assigning an existing array as a row makes an alias, which Adjoint does not"
            + " support: assign a new row (new double[n] or {a, b}) or copy it with .clone()");
      }
      records.checkWrite(root instanceof Expr.Var rv ? rv : null, t);
      if (root instanceof Expr.Var v && parameterNames.contains(v.name())) {
        String source = Records.sourceName(v.name());
        throw new Unsupported(t, "writing into the parameter array '" + source + "' is not supported (inputs are"
            + " never mutated): copy it first, for example double[] y = " + source + ".clone();");
      }
      if (!(root instanceof Expr.Var)) {
        throw new Unsupported(t, "only elements of local arrays can be written");
      }
      assignedNames.add(((Expr.Var) root).name());
      return target;
    }
    if (e instanceof MemberSelectTree) {
      throw new Unsupported(t, "field writes are not supported in a @Differentiable method: return the value instead");
    }
    throw new Unsupported(t, "this assignment target is not supported");
  }

  // ---------------------------------------------------------------- expressions

  private Expr condition(ExpressionTree t) {
    Expr c = expression(t);
    if (c.type() != Type.BOOLEAN) {
      throw new Unsupported(t, "a condition must be boolean");
    }
    return c;
  }

  /**
   * The expression {@code t}, typed; its Java type is recorded for {@link Result#expressionTypes} (what
   * javac would say, so {@code char} for a char literal that the IR holds as an int).
   */
  Expr expression(ExpressionTree t) {
    Expr e = untypedExpression(t);
    expressionTypes.put(t, javaTypeOf(t, e));
    return e;
  }

  /** The Java type recorded for {@code t}, which {@link #expression} has read. */
  String javaType(ExpressionTree t) {
    String type = expressionTypes.get(t);
    return type != null ? type : "?";
  }

  void recordCall(MethodInvocationTree call, ExecutableElement target) {
    resolvedCalls.put(call, target);
  }

  private String javaTypeOf(ExpressionTree t, Expr e) {
    switch (t.getKind()) {
      case CHAR_LITERAL:
        return "char";
      case PARENTHESIZED:
        return javaType(((ParenthesizedTree) t).getExpression());
      case CONDITIONAL_EXPRESSION: {
        // JLS 15.25: char ?: char is char, and so is char ?: an int constant that fits a char.
        ConditionalExpressionTree c = (ConditionalExpressionTree) t;
        String a = javaType(c.getTrueExpression());
        String b = javaType(c.getFalseExpression());
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

  private Expr untypedExpression(ExpressionTree t) {
    switch (t.getKind()) {
      case PARENTHESIZED:
        return expression(((ParenthesizedTree) t).getExpression());
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
      case NULL_LITERAL:
        throw new Unsupported(t, "strings and null are not supported in a @Differentiable method");
      case IDENTIFIER:
        return identifier((IdentifierTree) t);
      case MEMBER_SELECT:
        return memberSelect((MemberSelectTree) t);
      case ARRAY_ACCESS: {
        ArrayAccessTree a = (ArrayAccessTree) t;
        Expr array = expression(a.getExpression());
        Expr index = expression(a.getIndex());
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
        Expr operand = expression(((UnaryTree) t).getExpression());
        if (!(operand.type() instanceof Type.Scalar s) || !s.numeric()) {
          throw new Unsupported(t, "unary minus needs a number");
        }
        if (t.getKind() == Tree.Kind.UNARY_PLUS) {
          return operand;
        }
        return new Expr.Unary(Expr.UnaryOp.NEG, operand, operand.type());
      }
      case LOGICAL_COMPLEMENT: {
        Expr operand = expression(((UnaryTree) t).getExpression());
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
        Expr a = expression(c.getTrueExpression());
        Expr b = expression(c.getFalseExpression());
        if (a.type() instanceof Type.Scalar sa && b.type() instanceof Type.Scalar sb) {
          if (sa == Type.BOOLEAN || sb == Type.BOOLEAN) {
            if (sa != sb) {
              throw new Unsupported(t, "both branches of ?: must have the same type");
            }
            return new Expr.Conditional(cond, a, b, Type.BOOLEAN);
          }
          Type type = promote(sa, sb);
          return new Expr.Conditional(cond, convert(a, type, t), convert(b, type, t), type);
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
        Type target = typeOf(c.getType());
        Expr operand = expression(c.getExpression());
        if (!(target instanceof Type.Scalar ts) || !ts.numeric()
            || !(operand.type() instanceof Type.Scalar os) || !os.numeric()) {
          throw new Unsupported(t, "only casts between int, long and double are supported");
        }
        return operand.type() == target ? operand : new Expr.Cast(target, operand);
      }
      case METHOD_INVOCATION: {
        Expr own = records.call((MethodInvocationTree) t);
        return own != null ? own : calls.call((MethodInvocationTree) t);
      }
      case NEW_ARRAY:
        return arrays.newArray((NewArrayTree) t);
      case NEW_CLASS:
        Records.refuseConstruction((com.sun.source.tree.NewClassTree) t, resolveType(
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
        return switches.expression((com.sun.source.tree.SwitchExpressionTree) t);
      default:
        if (t instanceof BinaryTree b) {
          BinaryOp op = binaryOp(t.getKind(), t);
          return binary(op, expression(b.getLeftOperand()), expression(b.getRightOperand()), t);
        }
        throw new Unsupported(t, "this expression (" + t.getKind().name().toLowerCase().replace('_', ' ')
            + ") is not supported in a @Differentiable method");
    }
  }

  private Expr identifier(IdentifierTree id) {
    String name = id.getName().toString();
    Expr alias = elementAliases.get(name);
    if (alias != null) {
      return alias;
    }
    Expr.Var v = lookup(name);
    if (v != null && !records.isRecordLocal(v)) {
      return v;
    }
    Expr own = records.read(id);
    if (own != null) {
      return own;
    }
    for (TypeElement type = owner; type != null; type = enclosingType(type)) {
      for (VariableElement field : ElementFilter.fieldsIn(type.getEnclosedElements())) {
        if (field.getSimpleName().contentEquals(name)) {
          return fieldRead(id, type, field);
        }
      }
    }
    VariableElement imported = staticallyImportedField(name);
    if (imported != null) {
      return fieldRead(id, (TypeElement) imported.getEnclosingElement(), imported);
    }
    if (refusedNames.contains(name)) {
      throw Unsupported.alreadyReported(id);
    }
    throw new Unsupported(id, "cannot resolve '" + name + "': a @Differentiable method may read its parameters,"
        + " its locals and static final constants");
  }

  private boolean fieldNamed(String name) {
    for (TypeElement type = owner; type != null; type = enclosingType(type)) {
      for (VariableElement field : ElementFilter.fieldsIn(type.getEnclosedElements())) {
        if (field.getSimpleName().contentEquals(name)) {
          return true;
        }
      }
    }
    return staticallyImportedField(name) != null;
  }

  private Expr fieldRead(Tree at, TypeElement type, VariableElement field) {
    String name = field.getSimpleName().toString();
    if (!field.getModifiers().contains(Modifier.STATIC) || !field.getModifiers().contains(Modifier.FINAL)) {
      throw new Unsupported(at, "'" + name + "' is not a static final constant: a @Differentiable method may only"
          + " read static final fields (it must be a pure function of its arguments)");
    }
    Optional<Type> type1 = ModelTypes.of(field.asType());
    type1 = type1.isPresent() ? type1 : Enums.type(field.asType(), at, ModelTypes.packageOf(owner));
    if (type1.isEmpty()) {
      throw new Unsupported(at, "the constant '" + name + "' has an unsupported type " + field.asType());
    }
    Object constant = field.getConstantValue();
    if (constant != null) {
      return constantLiteral(constant, type1.get(), at);
    }
    if (field.getModifiers().contains(Modifier.PRIVATE)) {
      throw new Unsupported(at, "the private constant '" + name + "' is not a compile-time constant, so the"
          + " companion cannot read it: make it package-private");
    }
    CompanionAccess.require(at, field, ModelTypes.packageOf(owner));
    return new Expr.StaticField(type.getQualifiedName().toString(), name, type1.get());
  }

  private static Expr constantLiteral(Object constant, Type type, Tree at) {
    if (constant instanceof Double d) {
      if (d.isNaN()) {
        return new Expr.StaticField("java.lang.Double", "NaN", Type.DOUBLE);
      }
      if (d.isInfinite()) {
        return new Expr.StaticField("java.lang.Double", d > 0 ? "POSITIVE_INFINITY" : "NEGATIVE_INFINITY",
            Type.DOUBLE);
      }
      String text = Double.toString(Math.abs(d));
      Expr literal = new Expr.Literal(text, Type.DOUBLE);
      return d < 0 || (d == 0 && 1 / d < 0) ? new Expr.Unary(Expr.UnaryOp.NEG, literal, Type.DOUBLE) : literal;
    }
    if (constant instanceof Integer i) {
      return i < 0 ? new Expr.Unary(Expr.UnaryOp.NEG, new Expr.Literal(Long.toString(-(long) i), Type.INT), Type.INT)
          : new Expr.Literal(Integer.toString(i), Type.INT);
    }
    if (constant instanceof Long l) {
      return l < 0 ? new Expr.Literal("(" + l + "L)", Type.LONG) : new Expr.Literal(l + "L", Type.LONG);
    }
    if (constant instanceof Boolean b) {
      return new Expr.Literal(b.toString(), Type.BOOLEAN);
    }
    throw new Unsupported(at, "constants of type " + constant.getClass().getSimpleName() + " are not supported");
  }

  private Expr memberSelect(MemberSelectTree m) {
    Expr own = records.read(m);
    if (own != null) {
      return own;
    }
    String member = m.getIdentifier().toString();
    ExpressionTree target = unparen(m.getExpression());
    if (member.equals("length")) {
      Expr array = tryExpression(target);
      if (array != null) {
        if (!(array.type() instanceof Type.DoubleArray || array.type() instanceof Type.IntArray)) {
          throw new Unsupported(m, ".length needs an array");
        }
        return new Expr.Length(array);
      }
    }
    TypeElement type = resolveType(target);
    if (type == null) {
      throw new Unsupported(m, "cannot resolve '" + m + "': a @Differentiable method may read its parameters,"
          + " its locals and static final constants");
    }
    for (VariableElement field : ElementFilter.fieldsIn(elements.getAllMembers(type))) {
      if (field.getSimpleName().contentEquals(member)) {
        return fieldRead(m, (TypeElement) field.getEnclosingElement(), field);
      }
    }
    throw new Unsupported(m, "cannot resolve '" + m + "'");
  }

  /** The expression {@code t} denotes, or null when it names a type or a package instead. */
  Expr tryExpression(ExpressionTree t) {
    if (t instanceof IdentifierTree id && lookup(id.getName().toString()) == null
        && refusedNames.contains(id.getName().toString())) {
      throw Unsupported.alreadyReported(t);
    }
    if (t instanceof IdentifierTree id && lookup(id.getName().toString()) == null
        && !elementAliases.containsKey(id.getName().toString())) {
      // Not a local: a constant field if one is visible under this name, else a type or package name.
      return fieldNamed(id.getName().toString()) ? expression(t) : null;
    }
    if (t instanceof MemberSelectTree && resolveType(t) != null) {
      return null;
    }
    return expression(t);
  }

  private Expr binary(BinaryOp op, Expr left, Expr right, Tree at) {
    if ((op == BinaryOp.EQ || op == BinaryOp.NE) && left.type() instanceof Type.EnumType
        && left.type().equals(right.type())) {
      return new Expr.Binary(op, left, right, Type.BOOLEAN); // enums compare by identity, as in Java
    }
    if (!(left.type() instanceof Type.Scalar l) || !(right.type() instanceof Type.Scalar r)) {
      throw new Unsupported(at, "operator " + op.java + " needs scalar operands; arrays have no arithmetic in plain"
          + " Java: write a loop over the elements");
    }
    switch (op) {
      case AND, OR -> {
        if (l != Type.BOOLEAN || r != Type.BOOLEAN) {
          throw new Unsupported(at, op.java + " needs boolean operands");
        }
        return new Expr.Binary(op, left, right, Type.BOOLEAN);
      }
      case EQ, NE -> {
        if ((l == Type.BOOLEAN) != (r == Type.BOOLEAN)) {
          throw new Unsupported(at, "cannot compare a boolean with a number");
        }
        return new Expr.Binary(op, left, right, Type.BOOLEAN);
      }
      case LT, LE, GT, GE -> {
        requireNumeric(l, r, op, at);
        return new Expr.Binary(op, left, right, Type.BOOLEAN);
      }
      case BIT_AND, BIT_OR, XOR -> {
        if (l == Type.BOOLEAN && r == Type.BOOLEAN) {
          return new Expr.Binary(op, left, right, Type.BOOLEAN);
        }
        if (l == Type.DOUBLE || r == Type.DOUBLE || l == Type.BOOLEAN || r == Type.BOOLEAN) {
          throw new Unsupported(at, op.java + " needs int or long operands");
        }
        return new Expr.Binary(op, left, right, promote(l, r));
      }
      case SHL, SHR, USHR -> {
        if (l == Type.DOUBLE || r == Type.DOUBLE || l == Type.BOOLEAN || r == Type.BOOLEAN) {
          throw new Unsupported(at, op.java + " needs int or long operands");
        }
        return new Expr.Binary(op, left, right, l);
      }
      default -> {
        requireNumeric(l, r, op, at);
        Type t = promote(l, r);
        return new Expr.Binary(op, convert(left, t, at), convert(right, t, at), t);
      }
    }
  }

  private static void requireNumeric(Type.Scalar l, Type.Scalar r, BinaryOp op, Tree at) {
    if (!l.numeric() || !r.numeric()) {
      throw new Unsupported(at, "operator " + op.java + " needs numbers");
    }
  }

  private static Type promote(Type.Scalar a, Type.Scalar b) {
    if (a == Type.DOUBLE || b == Type.DOUBLE) {
      return Type.DOUBLE;
    }
    if (a == Type.LONG || b == Type.LONG) {
      return Type.LONG;
    }
    return Type.INT;
  }

  /** Java's assignment conversion: widening only; narrowing needs an explicit cast in source. */
  Expr convert(Expr e, Type target, Tree at) {
    if (e.type().equals(target)) {
      return e;
    }
    if (target instanceof Type.Scalar t && e.type() instanceof Type.Scalar s && t.numeric() && s.numeric()
        && widens(s, t)) {
      return e instanceof Expr.Literal lit && t == Type.DOUBLE && s == Type.INT
          ? new Expr.Literal(lit.text() + ".0", Type.DOUBLE) : new Expr.Cast(target, e);
    }
    throw new Unsupported(at, "expected " + target.java() + " but this is " + e.type().java()
        + (target instanceof Type.Scalar && e.type() == Type.DOUBLE ? ": a double is never rounded silently; cast"
            + " it explicitly" : ""));
  }

  private static Expr castIfNeeded(Expr e, Type target) {
    return e.type().equals(target) ? e : new Expr.Cast(target, e);
  }

  private static boolean widens(Type.Scalar from, Type.Scalar to) {
    return from == Type.INT && (to == Type.LONG || to == Type.DOUBLE) || from == Type.LONG && to == Type.DOUBLE;
  }

  private BinaryOp binaryOp(Tree.Kind kind, Tree at) {
    return switch (kind) {
      case PLUS, PLUS_ASSIGNMENT -> BinaryOp.ADD;
      case MINUS, MINUS_ASSIGNMENT -> BinaryOp.SUB;
      case MULTIPLY, MULTIPLY_ASSIGNMENT -> BinaryOp.MUL;
      case DIVIDE, DIVIDE_ASSIGNMENT -> BinaryOp.DIV;
      case REMAINDER, REMAINDER_ASSIGNMENT -> BinaryOp.REM;
      case LESS_THAN -> BinaryOp.LT;
      case LESS_THAN_EQUAL -> BinaryOp.LE;
      case GREATER_THAN -> BinaryOp.GT;
      case GREATER_THAN_EQUAL -> BinaryOp.GE;
      case EQUAL_TO -> BinaryOp.EQ;
      case NOT_EQUAL_TO -> BinaryOp.NE;
      case CONDITIONAL_AND -> BinaryOp.AND;
      case CONDITIONAL_OR -> BinaryOp.OR;
      case AND, AND_ASSIGNMENT -> BinaryOp.BIT_AND;
      case OR, OR_ASSIGNMENT -> BinaryOp.BIT_OR;
      case XOR, XOR_ASSIGNMENT -> BinaryOp.XOR;
      case LEFT_SHIFT, LEFT_SHIFT_ASSIGNMENT -> BinaryOp.SHL;
      case RIGHT_SHIFT, RIGHT_SHIFT_ASSIGNMENT -> BinaryOp.SHR;
      case UNSIGNED_RIGHT_SHIFT, UNSIGNED_RIGHT_SHIFT_ASSIGNMENT -> BinaryOp.USHR;
      default -> throw new Unsupported(at, "operator " + kind + " is not supported");
    };
  }

  // ---------------------------------------------------------------- names and types

  /** The local variable or parameter {@code name} names here, or null. */
  Expr.Var local(String name) {
    return elementAliases.containsKey(name) ? null : lookup(name);
  }

  /** Whether {@code irName} is a parameter (the leaves of record parameters and of {@code this} included). */
  boolean isParameter(String irName) {
    return parameterNames.contains(irName);
  }

  private Expr.Var lookup(String name) {
    for (Map<String, Expr.Var> scope : scopes) {
      Expr.Var v = scope.get(name);
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  private Type typeOf(Tree typeTree) {
    if (typeTree instanceof PrimitiveTypeTree p) {
      return switch (p.getPrimitiveTypeKind()) {
        case DOUBLE -> Type.DOUBLE;
        case INT -> Type.INT;
        case LONG -> Type.LONG;
        case BOOLEAN -> Type.BOOLEAN;
        case FLOAT -> throw new Unsupported(typeTree, "float is not supported: use double");
        default -> throw new Unsupported(typeTree, "type " + p.getPrimitiveTypeKind().name().toLowerCase()
            + " is not supported: use double, int, long or boolean");
      };
    }
    if (typeTree instanceof ArrayTypeTree a) {
      Type element = typeOf(a.getType());
      if (element == Type.DOUBLE) {
        return Type.VECTOR;
      }
      if (element == Type.VECTOR) {
        return Type.MATRIX;
      }
      if (element == Type.INT) {
        return Type.INT_VECTOR;
      }
      if (element == Type.BOOLEAN) {
        return Type.BOOLEAN_VECTOR;
      }
      if (element instanceof Type.IntArray) {
        throw new Unsupported(typeTree, "type " + typeTree + " is not supported in a @Differentiable method: use "
            + (element == Type.INT_VECTOR ? "an " : "a ") + element.java() + " and index it i * n + j");
      }
    }
    Tree raw = typeTree instanceof com.sun.source.tree.ParameterizedTypeTree p ? p.getType() : typeTree;
    if (raw instanceof ExpressionTree named) {
      TypeElement type = resolveType(named);
      if (type != null && type.getQualifiedName().contentEquals(Type.TensorType.CLASS)) {
        return Type.TENSOR;
      }
      Records.refuseLocal(typeTree, type);
      if (type != null && Enums.element(type.asType()) != null) {
        return Enums.type(type.asType(), typeTree, ModelTypes.packageOf(owner)).orElseThrow();
      }
      String q = type == null ? "" : type.getQualifiedName().toString();
      if (q.startsWith("java.util.stream.") || q.startsWith("java.util.function.")) {
        throw new Unsupported(typeTree, "streams and lambdas are not supported in a @Differentiable method: write a"
            + " for loop");
      }
    }
    throw new Unsupported(typeTree, "type " + typeTree + " is not supported in a @Differentiable method: use"
        + " double, double[], double[][], Tensor, int, long or boolean");
  }

  private static boolean isVar(Tree typeTree) {
    return typeTree instanceof IdentifierTree id && id.getName().contentEquals("var");
  }

  static TypeElement enclosingType(TypeElement type) {
    Element e = type.getEnclosingElement();
    return e instanceof TypeElement t ? t : null;
  }

  /** Resolves a type name as javac would for the supported cases: nested, same package, imports, java.lang. */
  TypeElement resolveType(ExpressionTree t) {
    if (t instanceof IdentifierTree id) {
      String name = id.getName().toString();
      for (TypeElement type = owner; type != null; type = enclosingType(type)) {
        if (type.getSimpleName().contentEquals(name)) {
          return type;
        }
        for (TypeElement nested : ElementFilter.typesIn(type.getEnclosedElements())) {
          if (nested.getSimpleName().contentEquals(name)) {
            return nested;
          }
        }
      }
      for (ImportTree imp : unit.getImports()) {
        if (imp.isStatic()) {
          continue;
        }
        String qualified = imp.getQualifiedIdentifier().toString();
        if (qualified.endsWith("." + name)) {
          TypeElement type = elements.getTypeElement(qualified);
          if (type != null) {
            return type;
          }
        }
      }
      String pkg = ModelTypes.packageOf(owner);
      TypeElement samePackage = elements.getTypeElement(pkg.isEmpty() ? name : pkg + "." + name);
      if (samePackage != null) {
        return samePackage;
      }
      for (ImportTree imp : unit.getImports()) {
        String qualified = imp.getQualifiedIdentifier().toString();
        if (!imp.isStatic() && qualified.endsWith(".*")) {
          TypeElement type = elements.getTypeElement(qualified.substring(0, qualified.length() - 1) + name);
          if (type != null) {
            return type;
          }
        }
      }
      return elements.getTypeElement("java.lang." + name);
    }
    if (t instanceof MemberSelectTree ms) {
      TypeElement outer = resolveType(ms.getExpression());
      if (outer != null) {
        for (TypeElement nested : ElementFilter.typesIn(outer.getEnclosedElements())) {
          if (nested.getSimpleName().contentEquals(ms.getIdentifier())) {
            return nested;
          }
        }
        return null;
      }
      return elements.getTypeElement(ms.toString());
    }
    return null;
  }

  private VariableElement staticallyImportedField(String name) {
    for (TypeElement type : staticImportSources(name)) {
      for (VariableElement f : ElementFilter.fieldsIn(type.getEnclosedElements())) {
        if (f.getSimpleName().contentEquals(name)) {
          return f;
        }
      }
    }
    return null;
  }

  /** The classes whose static imports ({@code C.name} or {@code C.*}) may bring {@code name} into scope. */
  private List<TypeElement> staticImportSources(String name) {
    List<TypeElement> sources = new ArrayList<>();
    for (ImportTree imp : unit.getImports()) {
      if (!imp.isStatic()) {
        continue;
      }
      String qualified = imp.getQualifiedIdentifier().toString();
      int dot = qualified.lastIndexOf('.');
      String member = qualified.substring(dot + 1);
      TypeElement type = member.equals(name) || member.equals("*")
          ? elements.getTypeElement(qualified.substring(0, dot)) : null;
      if (type != null) {
        sources.add(type);
      }
    }
    return sources;
  }

  /** The classes of the single ({@code single}) or on-demand static imports that may bring {@code name} in. */
  List<TypeElement> staticImportSources(String name, boolean single) {
    List<TypeElement> sources = new ArrayList<>();
    for (ImportTree imp : unit.getImports()) {
      String qualified = imp.getQualifiedIdentifier().toString();
      int dot = qualified.lastIndexOf('.');
      if (imp.isStatic() && qualified.substring(dot + 1).equals(single ? name : "*")) {
        TypeElement type = elements.getTypeElement(qualified.substring(0, dot));
        if (type != null && !sources.contains(type)) {
          sources.add(type);
        }
      }
    }
    return sources;
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

  static ExpressionTree unparen(ExpressionTree t) {
    while (t instanceof ParenthesizedTree p) {
      t = p.getExpression();
    }
    return t;
  }

  // ---------------------------------------------------------------- origins

  private Origin origin(Tree tree) {
    int id = nextOrigin++;
    originTrees.put(id, tree);
    long start = positions.getStartPosition(unit, tree);
    long end = positions.getEndPosition(unit, tree);
    int line = start < 0 ? 0 : (int) unit.getLineMap().getLineNumber(start);
    String text = "";
    if (start >= 0 && end > start && end <= source.length()) {
      text = source.subSequence((int) start, (int) end).toString();
      int newline = text.indexOf('\n');
      if (newline >= 0) {
        text = text.substring(0, newline).strip();
        if (text.endsWith("{")) {
          text = text.substring(0, text.length() - 1).strip();
        }
      }
      text = text.replaceAll("\\s+", " ");
      if (text.length() > 100) {
        text = text.substring(0, 97) + "...";
      }
    }
    return new Origin(id, line, text);
  }

  /** The names of the supported {@code Math} functions, for documentation and tests. */
  public static Set<String> mathFunctions() {
    return CallResolver.mathFunctions();
  }
}
