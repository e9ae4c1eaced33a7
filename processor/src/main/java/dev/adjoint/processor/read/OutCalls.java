package dev.adjoint.processor.read;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.ExecutableElement;

/**
 * {@code void} plain helpers that write into a {@code double[]} parameter (an out-parameter,
 * {@code axpy(a, x, y)} writing {@code y}), on both sides of the call (design.md §7 "Calls"):
 * <ul>
 *   <li>in the caller, the statement {@code h(args);} becomes {@code double[] r = h$p(args);} followed by the
 *       element writes {@code y[k] = r[k]}, so the reverse sweep restores what the helper overwrote and routes
 *       the adjoints of {@code y} back through the helper exactly as for an array result;</li>
 *   <li>the helper's specialisation ({@code h$p}) copies the parameter on entry, writes the copy, and returns
 *       it at every {@code return;} and at its end.</li>
 * </ul>
 * In Java a write into {@code y} is seen through any other argument that is the same array; the copy is not,
 * so a call that passes the written array again (or another row of the same matrix) is refused.
 */
final class OutCalls {
  private final MethodReader reader;

  OutCalls(MethodReader reader) {
    this.reader = reader;
  }

  /**
   * Reads {@code call}, a statement, into {@code out} when it calls a {@code void} helper whose source is in
   * this compilation; returns false (reading nothing) for any other call.
   */
  boolean statement(MethodInvocationTree call, Origin origin, List<Stmt> out) {
    Expr e;
    Unsupported refused = null;
    try {
      e = reader.expression(call);
    } catch (Unsupported u) {
      e = null;
      refused = u;
    }
    ExecutableElement target = reader.resolved(call);
    if (!isVoidHelper(target)) {
      return false; // not a void helper: the caller's own message
    }
    String name = "'" + target.getSimpleName() + "'";
    List<Integer> written = OutParameters.of(reader.trees, reader.elements, target);
    if (written.isEmpty()) {
      throw new Unsupported(call, name + " returns nothing and writes into none of its double[] parameters (Adjoint"
          + " follows a void helper's writes into one double[] parameter, not into a double[][] or int[] one):"
          + " return what it computes instead, or write it into a double[] parameter");
    }
    if (written.size() > 1) {
      throw new Unsupported(call, name + " writes into " + written.size() + " of its array parameters; Adjoint"
          + " differentiates a void helper that writes into one double[] parameter: split it, or return the"
          + " results");
    }
    if (refused != null) {
      throw refused;
    }
    if (!(e instanceof Expr.Call c) || c.type() != Type.VECTOR) {
      throw new Unsupported(call, name + " cannot be differentiated here: return the array it computes instead");
    }
    reader.recordType(call, "void"); // as javac types it; the IR's call returns the written copy
    int k = written.get(0);
    ExpressionTree argument = call.getArguments().get(k);
    Expr destination = reader.writableArray(argument, name);
    Expr.Var root = ExprWalk.root(destination);
    for (int i = 0; i < c.args().size(); i++) {
      Expr other = c.args().get(i);
      if (i != k && !(other.type() instanceof Type.Scalar) && root != null && root.equals(ExprWalk.root(other))) {
        throw new Unsupported(call, name + " writes into its parameter '" + target.getParameters().get(k)
            .getSimpleName() + "' while it reads '" + target.getParameters().get(i).getSimpleName() + "', and here"
            + " both may be the same array '" + root.name() + "' (in Java the writes would be seen by the reads):"
            + " pass a copy as one of them, for example " + call.getArguments().get(i) + ".clone()");
      }
    }
    Expr.Var result = new Expr.Var(reader.fresh("written"), Type.VECTOR);
    out.add(new Stmt.Declare(result, c, origin));
    destination = bindIndices(destination, origin, out);
    Expr.Var index = new Expr.Var(reader.fresh("k"), Type.INT);
    Stmt copy = new Stmt.Assign(new Expr.Index(destination, index, Type.DOUBLE),
        new Expr.Index(result, index, Type.DOUBLE), origin);
    out.add(JdkCalls.loop(index, Expr.Literal.ofInt(0), new Expr.Length(result), true, copy, origin));
    return true;
  }

  private boolean isVoidHelper(ExecutableElement target) {
    return target != null && !ModelTypes.isDifferentiable(target)
        && OutParameters.voidWithSource(reader.trees, target);
  }

  /** A row's index bound to a local when it is not a literal or a variable, so the loop reads one row. */
  private Expr bindIndices(Expr array, Origin origin, List<Stmt> out) {
    if (array instanceof Expr.Index i) {
      Expr outer = bindIndices(i.array(), origin, out);
      Expr index = i.index();
      if (!(index instanceof Expr.Literal || index instanceof Expr.Var)) {
        Expr.Var v = new Expr.Var(reader.fresh("row"), Type.INT);
        out.add(new Stmt.Declare(v, index, origin));
        index = v;
      }
      return new Expr.Index(outer, index, i.type());
    }
    return array;
  }

  // ---------------------------------------------------------------- the helper's side

  /**
   * For the specialisation of a {@code void} helper being read ({@code method}, with parameters named as in
   * its source): the index of its out-parameter, or -1 when {@code method} is not such a helper.
   */
  static int outParameter(MethodReader reader, ExecutableElement method, MethodTree tree) {
    if (reader.helpers == null || !reader.helpers.specialising() || !OutParameters.voidWithSource(reader.trees, method)) {
      return -1;
    }
    List<Integer> written = OutParameters.of(reader.trees, reader.elements, method);
    return written.size() == 1 ? written.get(0) : -1;
  }

  /** The statements ending the body of an out-parameter helper: {@code return copy;} unless it cannot complete. */
  static List<Stmt> ending(Stmt.Block body, Expr.Var copy, Origin origin) {
    List<Stmt> out = new ArrayList<>();
    if (completes(body)) {
      out.add(new Stmt.Return(copy, origin));
    }
    return out;
  }

  /** Whether {@code s} may complete normally (JLS 14.22, for the statements the reader produces; loops may). */
  private static boolean completes(Stmt s) {
    if (s instanceof Stmt.Return) {
      return false;
    }
    if (s instanceof Stmt.Forward f) {
      return !f.text().get(0).startsWith("throw ");
    }
    if (s instanceof Stmt.If i) {
      return completes(i.then()) || completes(i.otherwise());
    }
    if (s instanceof Stmt.Block b) {
      return b.statements().isEmpty() || completes(b.statements().get(b.statements().size() - 1));
    }
    return true;
  }
}
