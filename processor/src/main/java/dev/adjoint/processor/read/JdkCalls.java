package dev.adjoint.processor.read;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.Tree;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Expr.BinaryOp;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;

/**
 * The JDK array methods with built-in meaning (design §7 "Calls"), on {@code double[]} (differentiated),
 * {@code int[]} and {@code boolean[]} (plain):
 * <ul>
 *   <li>{@code System.arraycopy} and {@code Arrays.fill}, statements, become loops of element writes, so the
 *       reverse sweep restores what they overwrite and routes adjoints exactly as for {@code a[i] = v} (and the
 *       alias policy sees every write). The JDK's bounds checks run first, with the JDK's exceptions.</li>
 *   <li>{@code Arrays.copyOf} and {@code Arrays.copyOfRange}, expressions, are fresh copies
 *       ({@link Expr.Clone} with a range): the copy's adjoint goes back to the copied range.</li>
 * </ul>
 * {@code double[][]} is refused for all four: the JDK copies row references, so rows would be shared.
 */
final class JdkCalls {
  static final String SYSTEM = "java.lang.System";
  static final String ARRAYS = "java.util.Arrays";
  private static final String CHECKS = "dev.adjoint.runtime.ArrayAdjoints";

  private final MethodReader reader;

  JdkCalls(MethodReader reader) {
    this.reader = reader;
  }

  /**
   * Reads {@code call}, a statement, into {@code out} when it is {@code System.arraycopy} or
   * {@code Arrays.fill}; returns false (and reads nothing) for any other call.
   */
  boolean statement(MethodInvocationTree call, Origin origin, List<Stmt> out) {
    String name = name(call);
    String owner = owner(call, name);
    if (SYSTEM.equals(owner) && name.equals("arraycopy") && call.getArguments().size() == 5) {
      arraycopy(call, origin, out);
      return true;
    }
    if (ARRAYS.equals(owner) && name.equals("fill")
        && (call.getArguments().size() == 2 || call.getArguments().size() == 4)) {
      fill(call, origin, out);
      return true;
    }
    return false;
  }

  /** The JDK class a call names, when it is one of {@link #SYSTEM} or {@link #ARRAYS}, else null. */
  String owner(MethodInvocationTree call, String name) {
    ExpressionTree select = call.getMethodSelect();
    if (select instanceof MemberSelectTree ms) {
      ExpressionTree target = MethodReader.unparen(ms.getExpression());
      if (target instanceof IdentifierTree id && reader.isVariable(id.getName().toString())) {
        return null;
      }
      if (!(target instanceof IdentifierTree || target instanceof MemberSelectTree)) {
        return null;
      }
      TypeElement type = reader.resolveType(target);
      return type == null ? null : known(type);
    }
    if (select instanceof IdentifierTree) {
      // A static import, unless a class around the method declares a method of that name (JLS 15.12.1).
      for (TypeElement t = reader.owner; t != null; t = MethodReader.enclosingType(t)) {
        for (ExecutableElement m : ElementFilter.methodsIn(reader.elements.getAllMembers(t))) {
          if (m.getSimpleName().contentEquals(name)) {
            return null;
          }
        }
      }
      for (boolean single : new boolean[] {true, false}) {
        for (TypeElement type : reader.staticImportSources(name, single)) {
          String known = known(type);
          if (known != null) {
            return known;
          }
        }
      }
    }
    return null;
  }

  private static String known(TypeElement type) {
    String q = type.getQualifiedName().toString();
    return q.equals(SYSTEM) || q.equals(ARRAYS) ? q : null;
  }

  static String name(MethodInvocationTree call) {
    ExpressionTree select = call.getMethodSelect();
    return select instanceof MemberSelectTree ms ? ms.getIdentifier().toString()
        : select instanceof IdentifierTree id ? id.getName().toString() : "";
  }

  // ---------------------------------------------------------------- copies (expressions)

  /** {@code Arrays.copyOf(a, n)} or {@code Arrays.copyOfRange(a, from, to)}, already resolved to {@link #ARRAYS}. */
  Expr copy(MethodInvocationTree call, String name, List<Expr> args) {
    int arity = name.equals("copyOf") ? 2 : 3;
    if (args.size() != arity) {
      throw new Unsupported(call, "Arrays." + name + " takes " + arity + " arguments here");
    }
    List<? extends ExpressionTree> trees = call.getArguments();
    Expr array = args.get(0);
    if (array.type() == Type.MATRIX) {
      throw new Unsupported(call, "Arrays." + name + " of a double[][] copies row references, so rows would be"
          + " shared: copy the rows into a new double[m][n]");
    }
    if (!(array.type() == Type.VECTOR || array.type() instanceof Type.IntArray)) {
      throw new Unsupported(trees.get(0), "Arrays." + name + " is supported on double[], int[] and boolean[]");
    }
    requireVariable(array, trees.get(0), "Arrays." + name);
    Expr from = arity == 3 ? reader.convert(args.get(1), Type.INT, trees.get(1)) : null;
    Expr to = reader.convert(args.get(arity - 1), Type.INT, trees.get(arity - 1));
    return new Expr.Clone(array, from, to);
  }

  // ---------------------------------------------------------------- arraycopy and fill (statements)

  private void arraycopy(MethodInvocationTree call, Origin origin, List<Stmt> out) {
    List<? extends ExpressionTree> a = call.getArguments();
    Expr src = reader.expression(a.get(0));
    Expr srcPos = reader.convert(reader.expression(a.get(1)), Type.INT, a.get(1));
    Expr dst = reader.writableArray(a.get(2), "System.arraycopy");
    Expr dstPos = reader.convert(reader.expression(a.get(3)), Type.INT, a.get(3));
    Expr length = reader.convert(reader.expression(a.get(4)), Type.INT, a.get(4));
    if (src.type() == Type.MATRIX || dst.type() == Type.MATRIX) {
      throw new Unsupported(call, "System.arraycopy of a double[][] copies row references, so rows would be"
          + " shared: copy each row (System.arraycopy(a[i], 0, b[i], 0, n) in a loop)");
    }
    if (!src.type().equals(dst.type())) {
      throw new Unsupported(call, "System.arraycopy from " + src.type().java() + " to " + dst.type().java()
          + " would throw an ArrayStoreException at run time: copy between arrays of the same type");
    }
    requireVariable(src, a.get(0), "System.arraycopy");
    src = bindIndices(src, origin, out);
    dst = bindIndices(dst, origin, out);
    srcPos = bind(srcPos, "srcPos", origin, out);
    dstPos = bind(dstPos, "destPos", origin, out);
    length = bind(length, "length", origin, out);
    out.add(check("checkArraycopy", List.of(new Expr.Length(src), srcPos, new Expr.Length(dst), dstPos, length),
        origin));
    Expr.Var up = temp("k");
    Stmt forward = loop(up, Expr.Literal.ofInt(0), length, true,
        copyElement(src, srcPos, dst, dstPos, up, origin), origin);
    Expr.Var srcRoot = ExprWalk.root(src);
    if (srcRoot != null && srcRoot.equals(ExprWalk.root(dst))) {
      // Possibly the same array: copy as if through a temporary, downwards when the copy moves up.
      Expr.Var down = temp("k");
      Stmt backward = loop(down, new Expr.Binary(BinaryOp.SUB, length, Expr.Literal.ofInt(1), Type.INT), null, false,
          copyElement(src, srcPos, dst, dstPos, down, origin), origin);
      out.add(new Stmt.If(new Expr.Binary(BinaryOp.LT, srcPos, dstPos, Type.BOOLEAN),
          new Stmt.Block(List.of(backward), origin), new Stmt.Block(List.of(forward), origin), origin));
    } else {
      out.add(forward);
    }
  }

  private void fill(MethodInvocationTree call, Origin origin, List<Stmt> out) {
    List<? extends ExpressionTree> a = call.getArguments();
    Expr array = reader.writableArray(a.get(0), "Arrays.fill");
    if (array.type() == Type.MATRIX) {
      throw new Unsupported(call, "Arrays.fill of a double[][] puts the same row in every slot, so rows would be"
          + " shared: fill each row (Arrays.fill(m[i], v) in a loop)");
    }
    Type element = array.type() instanceof Type.IntArray ints ? ints.element() : Type.DOUBLE;
    boolean range = a.size() == 4;
    Expr from = range ? reader.convert(reader.expression(a.get(1)), Type.INT, a.get(1)) : null;
    Expr to = range ? reader.convert(reader.expression(a.get(2)), Type.INT, a.get(2)) : null;
    ExpressionTree valueTree = a.get(a.size() - 1);
    Expr value = reader.convert(reader.expression(valueTree), element, valueTree);
    array = bindIndices(array, origin, out);
    value = bind(value, "value", origin, out);
    if (range) {
      from = bind(from, "fromIndex", origin, out);
      to = bind(to, "toIndex", origin, out);
      out.add(check("checkFill", List.of(new Expr.Length(array), from, to), origin));
    } else {
      from = Expr.Literal.ofInt(0);
      to = new Expr.Length(array);
    }
    Expr.Var k = temp("k");
    Stmt write = new Stmt.Assign(new Expr.Index(array, k, element), value, origin);
    out.add(loop(k, from, to, true, write, origin));
  }

  /** {@code dst[dstPos + k] = src[srcPos + k]}. */
  private static Stmt copyElement(Expr src, Expr srcPos, Expr dst, Expr dstPos, Expr.Var k, Origin origin) {
    Type element = src.type() instanceof Type.IntArray ints ? ints.element() : Type.DOUBLE;
    return new Stmt.Assign(new Expr.Index(dst, plus(dstPos, k), element),
        new Expr.Index(src, plus(srcPos, k), element), origin);
  }

  private static Expr plus(Expr position, Expr.Var k) {
    return position instanceof Expr.Literal l && l.is(0) ? k
        : new Expr.Binary(BinaryOp.ADD, position, k, Type.INT);
  }

  /**
   * {@code for (int k = start; k < end; k++) body} when {@code up}, else {@code for (int k = start; k >= 0; k--)}.
   */
  static Stmt loop(Expr.Var k, Expr start, Expr end, boolean up, Stmt body, Origin origin) {
    Expr condition = up ? new Expr.Binary(BinaryOp.LT, k, end, Type.BOOLEAN)
        : new Expr.Binary(BinaryOp.GE, k, Expr.Literal.ofInt(0), Type.BOOLEAN);
    Stmt update = new Stmt.Assign(k, new Expr.Binary(up ? BinaryOp.ADD : BinaryOp.SUB, k, Expr.Literal.ofInt(1),
        Type.INT), origin);
    return new Stmt.For(List.of(new Stmt.Declare(k, start, origin)), condition, List.of(update),
        new Stmt.Block(List.of(body), origin), origin);
  }

  /** The forward-only bounds check {@code ArrayAdjoints.name(args)}, throwing what the JDK method throws. */
  private static Stmt check(String name, List<Expr> args, Origin origin) {
    List<String> text = new ArrayList<>();
    text.add(CHECKS + "." + name + "(");
    for (int i = 1; i < args.size(); i++) {
      text.add(", ");
    }
    text.add(")");
    return new Stmt.Forward(text, args, origin);
  }

  /** The array a JDK method reads: a variable, a constant or a row, so that it is evaluated once. */
  private static void requireVariable(Expr array, Tree at, String method) {
    Expr e = array;
    while (e instanceof Expr.Index i) {
      e = i.array();
    }
    if (!(e instanceof Expr.Var || e instanceof Expr.StaticField)) {
      throw new Unsupported(at, "pass an array variable to " + method + ": assign the array to a local first");
    }
  }

  /** {@code a[i]} with its index bound to a local when it is not a literal: the loop then reads one row. */
  private Expr bindIndices(Expr array, Origin origin, List<Stmt> out) {
    if (array instanceof Expr.Index i) {
      Expr outer = bindIndices(i.array(), origin, out);
      return new Expr.Index(outer, bind(i.index(), "row", origin, out), i.type());
    }
    return array;
  }

  /**
   * {@code e} itself when it is a literal or a variable (the loop writes array elements only), else a new local
   * holding it, evaluated once as Java does.
   */
  private Expr bind(Expr e, String name, Origin origin, List<Stmt> out) {
    if (e instanceof Expr.Literal || e instanceof Expr.Var) {
      return e;
    }
    Expr.Var v = new Expr.Var(reader.fresh(name), e.type());
    out.add(new Stmt.Declare(v, e, origin));
    return v;
  }

  private Expr.Var temp(String name) {
    return new Expr.Var(reader.fresh(name), Type.INT);
  }
}
