package dev.adjoint.processor.read;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Shape;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.ExecutableElement;

/**
 * Records as results (design.md §7 "Records and objects"). The IR's values are scalars and arrays, so a
 * method that returns a record returns its packed form instead: a {@code double[]} of the record's double
 * slots, depth first, arrays element by element ({@link Shape#packedSlots}). Its reverse sweep takes the
 * upstream record packed the same way; the companion packs and unpacks ({@code emit.RecordResultMembers}).
 *
 * <p>A caller reads such a call only as the value of a record local ({@code State s2 = step(s, dt);}, or
 * a reassignment of one): the packed result is unpacked into the local's components. The caller cannot
 * know the lengths of array components before the call returns, so a record with an array component is
 * returned to the companion but not (yet) to another {@code @Differentiable} method.
 */
final class RecordResults {
  private final MethodReader reader;
  private final Records records;
  /** The record this method returns, or null. */
  private Shape.Composite result;
  private boolean returning;

  RecordResults(MethodReader reader, Records records) {
    this.reader = reader;
    this.records = records;
  }

  /** Whether a {@code return} statement's record is being read. */
  boolean returning() {
    return returning;
  }

  /** Whether {@code method} returns a record. */
  static boolean returnsRecord(ExecutableElement method) {
    return method != null && RecordShapes.recordType(method.getReturnType()) != null;
  }

  /** The refusal of a call returning a record anywhere but as a record local's value. */
  static String declareLocal(MethodInvocationTree call, ExecutableElement target) {
    String type = RecordShapes.recordType(target.getReturnType()).getSimpleName().toString();
    return "'" + target.getSimpleName() + "' returns the record " + type + ": declare a record local for its"
        + " result (" + type + " r = " + call + ";) and read its components from the local";
  }

  void returns(Shape.Composite result) {
    this.result = result;
  }

  /** Whether this method returns a record. */
  boolean active() {
    return result != null;
  }

  /** {@code return e;} of a method that returns a record: its leaves packed into a fresh {@code double[]}. */
  void returnStatement(ExpressionTree e, Origin origin, List<Stmt> out) {
    RecordValue value;
    returning = true;
    try {
      value = records.valueOf(e, result, "result", out, origin);
    } finally {
      returning = false;
    }
    List<Expr> leaves = new ArrayList<>();
    value.leaves(leaves);
    if (leaves.stream().allMatch(l -> l.type() == Type.DOUBLE)) {
      out.add(new Stmt.Return(new Expr.ArrayInit(Type.VECTOR, leaves), origin));
      return;
    }
    // double[] packed = new double[scalars + a.length + ...]; then each leaf at its offset
    int scalars = 0;
    Expr size = null;
    for (Expr l : leaves) {
      if (l.type() == Type.DOUBLE) {
        scalars++;
      } else {
        size = size == null ? new Expr.Length(l) : plus(size, new Expr.Length(l));
      }
    }
    size = plus(Expr.Literal.ofInt(scalars), size);
    Expr.Var packed = new Expr.Var(reader.fresh("packed"), Type.VECTOR);
    out.add(new Stmt.Declare(packed, new Expr.NewArray(Type.VECTOR, List.of(size)), origin));
    Expr offset = Expr.Literal.ofInt(0);
    for (Expr l : leaves) {
      if (l.type() == Type.DOUBLE) {
        out.add(new Stmt.Assign(new Expr.Index(packed, offset, Type.DOUBLE), l, origin));
        offset = plus(offset, Expr.Literal.ofInt(1));
        continue;
      }
      Expr.Var k = new Expr.Var(reader.fresh("k"), Type.INT);
      Stmt copy = new Stmt.Assign(new Expr.Index(packed, plus(offset, k), Type.DOUBLE),
          new Expr.Index(l, k, Type.DOUBLE), origin);
      out.add(new Stmt.For(List.of(new Stmt.Declare(k, Expr.Literal.ofInt(0), origin)),
          new Expr.Binary(Expr.BinaryOp.LT, k, new Expr.Length(l), Type.BOOLEAN),
          List.of(new Stmt.Assign(k, plus(k, Expr.Literal.ofInt(1)), origin)), new Stmt.Block(List.of(copy), origin),
          origin));
      offset = plus(offset, new Expr.Length(l));
    }
    out.add(new Stmt.Return(packed, origin));
  }

  /**
   * The value of a record local initialised (or reassigned) with {@code call}, a {@code @Differentiable}
   * method returning a record of {@code node}'s type: the packed result into a local, each component into
   * a local of its own; null when {@code call} does not return a record.
   */
  RecordValue fromCall(MethodInvocationTree call, Shape.Composite node, String display, List<Stmt> out,
      Origin origin) {
    Expr packed = records.call(call, true);
    if (packed == null) {
      return null;
    }
    for (Shape.Located l : Shape.packedSlots(node)) {
      if (l.leaf().type() != Type.DOUBLE) {
        throw new Unsupported(call, "this call returns a " + simple(node.javaType()) + ", which has the array"
            + " component '" + String.join(".", l.components()) + "': a @Differentiable method can take a record"
            + " result of double components only, for now (the companion's members take any); pass the arrays"
            + " as parameters, or return them from a separate method");
      }
    }
    Expr.Var all = new Expr.Var(reader.fresh(display + "$packed"), Type.VECTOR);
    out.add(new Stmt.Declare(all, packed, origin));
    int[] next = {0};
    return unpack(node, all, display, display, next, out, origin);
  }

  private RecordValue unpack(Shape.Node node, Expr.Var all, String display, String flat, int[] next, List<Stmt> out,
      Origin origin) {
    if (node instanceof Shape.Leaf leaf) {
      Expr.Var v = new Expr.Var(reader.fresh(flat), leaf.type());
      out.add(new Stmt.Declare(v, new Expr.Index(all, Expr.Literal.ofInt(next[0]++), Type.DOUBLE), origin));
      return new RecordValue(node, v, List.of(), display);
    }
    List<RecordValue> children = new ArrayList<>();
    for (Shape.Node c : ((Shape.Composite) node).components()) {
      String name = Shape.name(c.access());
      children.add(unpack(c, all, display + "." + name + "()", flat + "$" + name, next, out, origin));
    }
    return new RecordValue(node, null, children, display);
  }

  private static Expr plus(Expr a, Expr b) {
    if (a instanceof Expr.Literal x && b instanceof Expr.Literal y && x.type() == Type.INT && y.type() == Type.INT) {
      return Expr.Literal.ofInt(Integer.parseInt(x.text()) + Integer.parseInt(y.text()));
    }
    if (b == null) {
      return a;
    }
    if (a instanceof Expr.Literal x && x.is(0)) {
      return b;
    }
    return new Expr.Binary(Expr.BinaryOp.ADD, a, b, Type.INT);
  }

  private static String simple(String canonical) {
    return canonical.substring(canonical.lastIndexOf('.') + 1);
  }
}
