package dev.adjoint.processor.read;

import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.Trees;
import dev.adjoint.processor.ir.Expr;
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
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
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
  final CompilationUnitTree unit;
  private final SourcePositions positions;
  private final CharSequence source;
  private final List<Problem> problems = new ArrayList<>();
  private final Map<Integer, Tree> originTrees = new HashMap<>();
  /** For tests that compare the reader with javac: the Java type of each expression read, the method of each call. */
  final Map<Tree, String> expressionTypes = new HashMap<>();
  private final Map<MethodInvocationTree, ExecutableElement> resolvedCalls = new HashMap<>();
  final CallResolver calls;
  final Deque<Map<String, Expr.Var>> scopes = new ArrayDeque<>();
  private final Map<String, Type> declaredTypes = new HashMap<>();
  final Set<String> parameterNames = new HashSet<>();
  private int nextOrigin;
  final Jumps jumps = new Jumps();
  final Switches switches = new Switches(this);
  final ForwardStatements forwardStatements = new ForwardStatements(this);
  final JdkCalls jdkCalls = new JdkCalls(this);
  final IntArrays intArrays = new IntArrays(this);
  final ArrayValues arrays = new ArrayValues(this, intArrays);
  final Records records = new Records(this);
  private ExecutableElement derivative;
  /** Plain helper calls with differentiable arguments, or null: then they are refused as before. */
  HelperCalls helpers;
  /** Reading a void helper's specialisation: the copy of its out-parameter that it writes and returns. */
  Expr.Var outCopy;
  final OutCalls outCalls = new OutCalls(this);
  /** Enhanced-for loop variables: each read reads the element in place (see {@link Statements}). */
  final Map<String, Expr> elementAliases = new HashMap<>();
  /** The IR names assigned so far (an enhanced for loop's body must not assign the array it iterates). */
  final Set<String> assignedNames = new HashSet<>();
  /** The names of parameters and locals whose declaration was refused (and reported). */
  final Set<String> refusedNames = new HashSet<>();
  private int freshCounter;
  final Statements statements = new Statements(this);
  final Expressions expressions = new Expressions(this);
  final NameLookup names = new NameLookup(this);

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

  /** Runs of white space in an origin's text, compiled once: every statement has an origin. */
  private static final java.util.regex.Pattern WHITESPACE = java.util.regex.Pattern.compile("\\s+");

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
    List<Stmt> prologue = new ArrayList<>();
    int fixed = helpers != null && helpers.specialising() ? Varargs.fixed(method, helpers.member()) : -1;
    for (int i = 0; shape.isEmpty() && i < method.getParameters().size(); i++) {
      VariableElement p = method.getParameters().get(i);
      Tree at = i < tree.getParameters().size() ? tree.getParameters().get(i) : tree;
      String name = p.getSimpleName().toString();
      if (i == fixed) {
        // A call with variable arity: one parameter per element, and the array built from them (Varargs).
        Type element = Varargs.elementType(p);
        Type array = ModelTypes.of(p.asType()).orElseThrow();
        List<Expr> elements = new ArrayList<>();
        for (int k = 0; k < helpers.arity() - fixed; k++) {
          Expr.Var e = new Expr.Var(Varargs.element(p, k), element);
          parameters.add(new MethodIr.Parameter(e.name(), element, ModelTypes.isNoGrad(p)));
          declaredTypes.put(e.name(), element);
          parameterNames.add(e.name());
          elements.add(e);
        }
        Expr.Var local = new Expr.Var(fresh(name), array);
        parameterScope.put(name, local);
        prologue.add(new Stmt.Declare(local, new Expr.ArrayInit(array, elements), origin));
        continue;
      }
      Optional<Type> type = ModelTypes.of(p.asType());
      try {
        type = type.isPresent() ? type : Enums.type(p.asType(), at, companionPackage());
      } catch (Unsupported u) {
        report(u);
        refusedNames.add(name);
        continue;
      }
      if (type.isEmpty()) {
        problems.add(new Problem(at, "parameter '" + name + "' has type " + p.asType()
            + ", which Adjoint does not support: use double, double[] or double[][] for differentiable values"
            + " and int, long, boolean, int[], boolean[], String or an enum for the rest"));
        refusedNames.add(name);
        continue;
      }
      try {
        statements.checkName(at, name);
      } catch (Unsupported u) {
        report(u);
      }
      parameters.add(new MethodIr.Parameter(name, type.get(), ModelTypes.isNoGrad(p)));
      parameterScope.put(name, new Expr.Var(name, type.get()));
      declaredTypes.put(name, type.get());
      parameterNames.add(name);
    }
    int out = OutCalls.outParameter(this, method, tree);
    if (out >= 0 && problems.isEmpty()) {
      // A void helper writing into this parameter: it writes a copy and returns it (OutCalls).
      String name = method.getParameters().get(out).getSimpleName().toString();
      outCopy = new Expr.Var(fresh(name), Type.VECTOR);
      parameterScope.put(name, outCopy);
      prologue.add(new Stmt.Declare(outCopy, new Expr.Clone(new Expr.Var(name, Type.VECTOR)), origin));
      returnType = Type.VECTOR;
    }
    scopes.push(parameterScope);
    if (tree.getBody() == null) {
      return Optional.empty();
    }
    Stmt.Block body = derivative != null
        ? CustomDerivatives.body(method, derivative, parameters, origin(tree.getBody()))
        : block(tree.getBody().getStatements(), origin(tree.getBody()));
    if (!prologue.isEmpty()) {
      prologue.addAll(body.statements());
      if (outCopy != null) {
        prologue.addAll(OutCalls.ending(body, outCopy, origin));
      }
      body = new Stmt.Block(prologue, body.origin());
    }
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

  Stmt.Block block(List<? extends StatementTree> statements, Origin origin) {
    scopes.push(new LinkedHashMap<>());
    List<Stmt> out = new ArrayList<>();
    for (StatementTree s : statements) {
      statementInto(s, out);
    }
    scopes.pop();
    return new Stmt.Block(out, origin);
  }

  /** A refusal becomes a problem, unless its cause was reported already. */
  void report(Unsupported u) {
    if (!u.reported) {
      problems.add(new Problem(u.tree, u.getMessage()));
    }
  }

  /** Reads {@code s} into {@code out} in the current scope; a refusal becomes a problem. */
  void statementInto(StatementTree s, List<Stmt> out) {
    try {
      statements.statement(s, out);
    } catch (Unsupported u) {
      report(u);
    }
  }

  /** Reads the expression statement {@code e} (a switch rule's body) into {@code out}. */
  void expressionStatementInto(ExpressionTree e, List<Stmt> out) {
    try {
      statements.expressionStatement(e, origin(e), out);
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

  String fresh(String base) {
    return base + "$" + (++freshCounter);
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

  /** Whether {@code name} is a parameter or local in scope here (it hides a class of that name). */
  boolean isVariable(String name) {
    return lookup(name) != null || elementAliases.containsKey(name);
  }

  // ---------------------------------------------------------------- expressions

  /**
   * The expression {@code t}, typed; its Java type is recorded for {@link Result#expressionTypes} (what
   * javac would say, so {@code char} for a char literal that the IR holds as an int).
   */
  Expr expression(ExpressionTree t) {
    Expr e = expressions.untypedExpression(t);
    expressionTypes.put(t, expressions.javaTypeOf(t, e));
    return e;
  }

  /** The Java type recorded for {@code t}, which {@link #expression} has read. */
  String javaType(ExpressionTree t) {
    String type = expressionTypes.get(t);
    return type != null ? type : "?";
  }

  /**
   * The package of the companion the code read here goes into: the method's own, or for a plain helper's
   * specialisation the caller's (a helper of another package is differentiated into the caller's companion,
   * so what its body names must be accessible from there).
   */
  String companionPackage() {
    return helpers != null ? helpers.companionPackage() : ModelTypes.packageOf(owner);
  }

  /** The method javac would call at {@code call}, once {@link #expression} resolved it, else null. */
  ExecutableElement resolved(MethodInvocationTree call) {
    return resolvedCalls.get(call);
  }

  /** Records {@code type} as the Java type of {@code t} (a call the reader rewrote: a void helper's). */
  void recordType(Tree t, String type) {
    expressionTypes.put(t, type);
  }

  void recordCall(MethodInvocationTree call, ExecutableElement target) {
    resolvedCalls.put(call, target);
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

  Expr.Var lookup(String name) {
    for (Map<String, Expr.Var> scope : scopes) {
      Expr.Var v = scope.get(name);
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  /** Java's assignment conversion (see {@link JavaTyping#convert}). */
  Expr convert(Expr e, Type target, Tree at) {
    return JavaTyping.convert(e, target, at);
  }

  /** The expression {@code t} denotes, or null when it names a type or a package instead. */
  Expr tryExpression(ExpressionTree t) {
    return expressions.tryExpression(t);
  }

  /** Resolves a type name as javac would for the supported cases (see {@link NameLookup#resolveType}). */
  TypeElement resolveType(ExpressionTree t) {
    return names.resolveType(t);
  }

  /** The classes of the single ({@code single}) or on-demand static imports that may bring {@code name} in. */
  List<TypeElement> staticImportSources(String name, boolean single) {
    return names.staticImportSources(name, single);
  }

  /**
   * The array {@code t} that the JDK method {@code method} writes into: a local array or a row of one
   * (see {@link Statements#writableArray}).
   */
  Expr writableArray(ExpressionTree t, String method) {
    return statements.writableArray(t, method);
  }

  static TypeElement enclosingType(TypeElement type) {
    return NameLookup.enclosingType(type);
  }

  static ExpressionTree unparen(ExpressionTree t) {
    while (t instanceof ParenthesizedTree p) {
      t = p.getExpression();
    }
    return t;
  }

  // ---------------------------------------------------------------- origins

  Origin origin(Tree tree) {
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
      text = WHITESPACE.matcher(text).replaceAll(" ");
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
