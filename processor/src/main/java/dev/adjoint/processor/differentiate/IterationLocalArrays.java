package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.StmtWalk;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Scratch arrays of a fused loop ({@link FusedLoops}): local arrays whose elements an iteration writes before it
 * reads them, so that no iteration reads a value another one wrote (gmm's {@code xc}, {@code qxc}: {@code for (j =
 * 0; j < d; j++) xc[j] = x[i][j] - mu[j];} then reads of {@code xc} in the same iteration). What {@link
 * IterationLocals} is for scalars, by the same definite-assignment scan, with coverage of index ranges instead of
 * a variable's one value.
 *
 * <p>A {@code double[]} local {@code a} whose elements the loop body writes qualifies when:
 *
 * <ul>
 *   <li>{@code a} is assigned exactly once in the whole method, by a top-level statement {@code a = new
 *       double[L]} before the loop, and is met nowhere but in {@code a[e]} and {@code a.length} (no alias, no
 *       copy, no call), except inside the loop as an argument of a {@code @Differentiable} method where it is
 *       covered whole (such a callee reads its array arguments and never writes them); it is not met after the
 *       loop at all (the fused loop's reverse puts its elements back before the statements after the loop run);
 *   <li>every read {@code a[e]} in the body reads an element written earlier in the same iteration, as a scan over
 *       the body's statements in order proves: a <em>covering loop</em> {@code j = 0; while (j < B) { ...; a[j] =
 *       v; ...; j = j + 1; }} (the write at the top level of its body, {@code j} assigned there only by the last
 *       statement, {@code B} of literals, {@code int} variables and lengths the body never assigns) writes
 *       {@code a[0..B)}; after it, {@code a} is covered whole when {@code B} is {@code a.length} or the allocation's
 *       {@code L} itself (whose variables are parameters never assigned or locals assigned once, before the
 *       allocation: the same value), and then any {@code a[e]} may be read; otherwise {@code a[j']} may be read in
 *       a loop {@code while (j' < B) { ...; j' = j' ± 1; }} with {@code j'} assigned only by its last statement.
 *       Right after a top-level {@code a[j] = v} of a block, {@code a[j]} may be read until {@code j} is assigned.
 *       As for definite assignment, a range is covered after an {@code if} when both branches cover it, and a
 *       range covered inside a nested loop's body only for the rest of that body (the loop may not run).
 * </ul>
 *
 * <p>Anything else keeps the separate sweeps. In a qualifying loop every element an iteration's reverse reads the
 * adjoint of was assigned in that iteration by a plain {@code a[j] = v}, whose reverse reads its adjoint and zeroes
 * it: each iteration's reverse starts and ends with {@code _d_a} zero, as the separate reverse loop's iterations
 * do, and its restores of {@code a}'s elements (popped in the same iteration) give back the state the separate
 * sweeps see there. So the reverses of the iterations commute as far as {@code a} is concerned.
 */
final class IterationLocalArrays {
  private IterationLocalArrays() {}

  private static final String ADJOINT = "_d_";

  /**
   * The arrays whose elements the body of the loop {@code statements.get(loop)} writes, when every one qualifies;
   * null when one does not (the loop is then not fused).
   */
  static Set<String> of(List<Stmt> statements, int loop, MethodIr method) {
    Stmt.While w = (Stmt.While) statements.get(loop);
    List<Stmt> body = w.body().statements();
    Set<String> written = new HashSet<>();
    boolean[] rooted = {true};
    FusedLoops.walk(body, s -> {
      if (s instanceof Stmt.Assign a && !(a.target() instanceof Expr.Var)) {
        Expr.Var root = ExprWalk.root(a.target());
        rooted[0] &= root != null;
        if (root != null) {
          written.add(root.name());
        }
      }
    });
    if (!rooted[0]) {
      return null;
    }
    Set<String> parameters = new HashSet<>();
    method.parameters().forEach(p -> parameters.add(p.name()));
    for (String a : written) {
      if (parameters.contains(a) || !qualifies(statements, loop, a, parameters)) {
        return null;
      }
    }
    return written;
  }

  /**
   * {@code reverse} (a fused iteration's reverse) without the statements that put back an element of an array of
   * {@code arrays} or zero its adjoint: with the arrays counted as iteration-local, what remains decides whether
   * the iterations' reverses commute (their reads of {@code _d_a} are of adjoints each iteration zeroes itself).
   */
  static List<Stmt> withoutElementResets(List<Stmt> reverse, Set<String> arrays) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt s : reverse) {
      if (s instanceof Stmt.Restore r && element(r.target(), arrays, "")
          || s instanceof Stmt.Assign a && element(a.target(), arrays, ADJOINT)) {
        continue;
      }
      if (s instanceof Stmt.Block b) {
        out.add(new Stmt.Block(withoutElementResets(b.statements(), arrays), b.origin()));
      } else if (s instanceof Stmt.If i) {
        out.add(new Stmt.If(i.condition(), Stmt.Block.of(withoutElementResets(i.then().statements(), arrays)),
            Stmt.Block.of(withoutElementResets(i.otherwise().statements(), arrays)), i.origin()));
      } else if (s instanceof Stmt.While l) {
        out.add(new Stmt.While(l.condition(), Stmt.Block.of(withoutElementResets(l.body().statements(), arrays)),
            l.origin()));
      } else if (s instanceof Stmt.CountDown l) {
        out.add(new Stmt.CountDown(l.counter(), l.start(),
            Stmt.Block.of(withoutElementResets(l.body().statements(), arrays)), l.origin()));
      } else {
        out.add(s);
      }
    }
    return out;
  }

  /** {@code local} and {@code arrays} (null: none). */
  static Set<String> with(Set<String> local, Set<String> arrays) {
    Set<String> out = new HashSet<>(local);
    if (arrays != null) {
      out.addAll(arrays);
    }
    return out;
  }

  /** Whether {@code target} is {@code prefix + a[e]} for an array {@code a} of {@code arrays}. */
  private static boolean element(Expr target, Set<String> arrays, String prefix) {
    return target instanceof Expr.Index i && i.array() instanceof Expr.Var v && v.name().startsWith(prefix)
        && arrays.contains(v.name().substring(prefix.length()));
  }

  /**
   * The origins of the covering loops of the qualifying scratch array {@code a} of the loop {@code
   * statements.get(loop)} that write {@code a} whole ({@code j = 0; while (j < B) { ...; a[j] = v; ...; j = j + 1;
   * }} with {@code B} the allocation's length or {@code a.length}): each such loop writes every element of {@code
   * a} once, whatever encloses it. Empty when {@code a} does not qualify.
   */
  static Set<Origin> wholeCovers(List<Stmt> statements, int loop, String a, MethodIr method) {
    Set<String> parameters = new HashSet<>();
    method.parameters().forEach(p -> parameters.add(p.name()));
    Scan scan = scan(statements, loop, a, parameters);
    return scan == null ? Set.of() : scan.whole;
  }

  private static boolean qualifies(List<Stmt> statements, int loop, String a, Set<String> parameters) {
    return scan(statements, loop, a, parameters) != null;
  }

  /** The completed coverage scan of {@code a} when it qualifies, else null. */
  private static Scan scan(List<Stmt> statements, int loop, String a, Set<String> parameters) {
    // the one assignment: a top-level a = new double[L] before the loop
    Expr length = null;
    int allocation = -1;
    for (int j = 0; j < loop; j++) {
      if (statements.get(j) instanceof Stmt.Assign s && s.target() instanceof Expr.Var v && v.name().equals(a)
          && v.type() instanceof Type.DoubleArray t && t.rank() == 1 && s.value() instanceof Expr.NewArray n
          && n.dimensions().size() == 1) {
        length = n.dimensions().get(0);
        allocation = j;
      }
    }
    if (length == null || assignments(statements, a) != 1) {
      return null;
    }
    // met only as a[e] and a.length before the loop; not at all after it
    for (int j = 0; j < statements.size(); j++) {
      if (j == allocation || j == loop) {
        continue;
      }
      for (Expr e : everyExpression(List.of(statements.get(j)))) {
        if (j > loop ? ExprWalk.variables(e).contains(a) : !elementsOnly(e, a)) {
          return null;
        }
      }
    }
    Stmt.While w = (Stmt.While) statements.get(loop);
    Scan scan = new Scan(a, w.body().statements(), stable(length, statements, allocation, parameters) ? length
        : null);
    return scan.block(w.body().statements(), new State(Set.of(), Set.of())) != null ? scan : null;
  }

  /**
   * Whether {@code e}'s variables are parameters never assigned or locals assigned once, by a top-level statement
   * before {@code before}, and {@code e} is made of literals, variables, lengths of variables and {@code + - *}:
   * it has the same value anywhere after {@code before}.
   */
  private static boolean stable(Expr e, List<Stmt> statements, int before, Set<String> parameters) {
    if (!bound(e)) {
      return false;
    }
    for (String v : ExprWalk.variables(e)) {
      int n = assignments(statements, v);
      boolean earlier = false;
      for (int j = 0; j < before; j++) {
        earlier |= statements.get(j) instanceof Stmt.Assign s && s.target() instanceof Expr.Var t
            && t.name().equals(v);
      }
      if (!(parameters.contains(v) && n == 0 || !parameters.contains(v) && n == 1 && earlier)) {
        return false;
      }
    }
    return true;
  }

  /** Literals, variables, lengths of variables, {@code + - *} of those. */
  private static boolean bound(Expr e) {
    return e instanceof Expr.Literal || e instanceof Expr.Var
        || e instanceof Expr.Length l && l.array() instanceof Expr.Var
        || e instanceof Expr.Binary b && (b.op() == Expr.BinaryOp.ADD || b.op() == Expr.BinaryOp.SUB
            || b.op() == Expr.BinaryOp.MUL) && bound(b.left()) && bound(b.right());
  }

  /** Whether {@code a} occurs in {@code e} only as {@code a[x]} or {@code a.length}. */
  private static boolean elementsOnly(Expr e, String a) {
    if (e instanceof Expr.Var v) {
      return !v.name().equals(a);
    }
    if (e instanceof Expr.Length l && l.array() instanceof Expr.Var) {
      return true;
    }
    if (e instanceof Expr.Index i && i.array() instanceof Expr.Var) {
      return elementsOnly(i.index(), a);
    }
    for (Expr c : ExprWalk.children(e)) {
      if (!elementsOnly(c, a)) {
        return false;
      }
    }
    return true;
  }

  private static int assignments(List<Stmt> statements, String v) {
    int[] n = {0};
    FusedLoops.walk(statements, s -> n[0] += s instanceof Stmt.Assign x && x.target() instanceof Expr.Var t
        && t.name().equals(v) ? 1 : 0);
    return n[0];
  }

  /** Every expression of {@code statements}, nested statements' included, assignment targets whole. */
  private static List<Expr> everyExpression(List<Stmt> statements) {
    List<Expr> out = new ArrayList<>();
    statements.forEach(s -> StmtWalk.statements(s, x -> StmtWalk.evaluated(x, out::add)));
    return out;
  }

  /**
   * Where the scan is on a path: {@code covered}, the bounds {@code B} with {@code a[0..B)} written in this
   * iteration; {@code readable}, the variables {@code j} with {@code a[j]} written in this iteration.
   */
  private record State(Set<Expr> covered, Set<String> readable) {
    State cover(Expr bound) {
      Set<Expr> c = new HashSet<>(covered);
      c.add(bound);
      return new State(c, readable);
    }

    State withReadable(String j) {
      Set<String> r = new HashSet<>(readable);
      r.add(j);
      return new State(covered, r);
    }

    State without(Set<String> assigned) {
      Set<String> r = new HashSet<>(readable);
      r.removeAll(assigned);
      return new State(covered, r);
    }

    State meet(State other) {
      Set<Expr> c = new HashSet<>(covered);
      c.retainAll(other.covered);
      Set<String> r = new HashSet<>(readable);
      r.retainAll(other.readable);
      return new State(c, r);
    }
  }

  /** The coverage scan of one array {@code a} over a loop body. */
  private static final class Scan {
    private final String a;
    private final List<Stmt> loopBody;
    /** the allocation's length, null when it is not stable */
    private final Expr length;
    /** the origins of the covering loops that write {@code a} whole */
    private final Set<Origin> whole = new HashSet<>();

    Scan(String a, List<Stmt> loopBody, Expr length) {
      this.a = a;
      this.loopBody = loopBody;
      this.length = length;
    }

    /** The state after {@code statements} from {@code in}; null when a read may see another iteration's value. */
    State block(List<Stmt> statements, State in) {
      State st = in;
      Stmt previous = null;
      for (Stmt s : statements) {
        st = statement(previous, s, st);
        if (st == null) {
          return null;
        }
        if (!(s instanceof Stmt.Comment)) {
          previous = s;
        }
      }
      return st;
    }

    private State statement(Stmt previous, Stmt s, State st) {
      if (s instanceof Stmt.Comment) {
        return st;
      }
      if (s instanceof Stmt.Block b) {
        return block(b.statements(), st);
      }
      if (s instanceof Stmt.Assign x) {
        if (x.target() instanceof Expr.Var t) {
          if (t.name().equals(a) || !reads(x.value(), st)) {
            return null;
          }
          return st.without(Set.of(t.name()));
        }
        if (x.target() instanceof Expr.Index i && i.array() instanceof Expr.Var v && v.name().equals(a)) {
          if (!reads(i.index(), st) || !reads(x.value(), st)) {
            return null;
          }
          // a[j] = v: a[j] is this iteration's until j changes
          return i.index() instanceof Expr.Var j ? st.withReadable(j.name()) : st;
        }
        return reads(x.target(), st) && reads(x.value(), st) ? st : null;
      }
      if (s instanceof Stmt.If i) {
        if (!reads(i.condition(), st)) {
          return null;
        }
        State then = block(i.then().statements(), st);
        State otherwise = then == null ? null : block(i.otherwise().statements(), st);
        return otherwise == null ? null : then.meet(otherwise).without(assigned(List.of(s)));
      }
      if (s instanceof Stmt.While w) {
        return loop(previous, w, st);
      }
      // anything else: only where it does not meet a
      for (Expr e : everyExpression(List.of(s))) {
        if (ExprWalk.variables(e).contains(a)) {
          return null;
        }
      }
      return st.without(assigned(List.of(s)));
    }

    private State loop(Stmt previous, Stmt.While w, State st) {
      if (!reads(w.condition(), st)) {
        return null;
      }
      List<Stmt> body = w.body().statements();
      Set<String> assigned = assigned(body);
      // every inner iteration on its own: what an earlier one wrote at a changed index is not known
      State inner = st.without(assigned);
      String counter = null;
      Expr bound = null;
      if (w.condition() instanceof Expr.Binary c && c.op() == Expr.BinaryOp.LT && c.left() instanceof Expr.Var j
          && j.type() == Type.INT && bound(c.right()) && ExprWalk.variables(c.right()).stream()
              .noneMatch(v -> assigned(loopBody).contains(v))
          && lastAssigns(body, j.name()) && assignments(body, j.name()) == 1) {
        counter = j.name();
        bound = c.right();
        if (st.covered().contains(bound) || full(st)) {
          // j < B with a[0..B) written: a[j] is this iteration's until the update, the body's last statement
          inner = inner.withReadable(counter);
        }
      }
      if (block(body, inner) == null) {
        return null;
      }
      State out = st.without(assigned);
      if (counter != null && previous instanceof Stmt.Assign init && init.target() instanceof Expr.Var v
          && v.name().equals(counter) && init.value() instanceof Expr.Literal zero && zero.text().equals("0")
          && increments(body, counter) && writesEveryIteration(body, counter)) {
        out = out.cover(bound);
        if (full(new State(Set.of(bound), Set.of()))) {
          whole.add(w.origin());
        }
      }
      return out;
    }

    /** Whether a top-level statement of {@code body} is {@code a[j] = v}. */
    private boolean writesEveryIteration(List<Stmt> body, String j) {
      for (Stmt s : body) {
        if (s instanceof Stmt.Assign x && x.target() instanceof Expr.Index i && i.array() instanceof Expr.Var v
            && v.name().equals(a) && i.index() instanceof Expr.Var k && k.name().equals(j)) {
          return true;
        }
        if (s instanceof Stmt.Block b && writesEveryIteration(b.statements(), j)) {
          return true;
        }
      }
      return false;
    }

    /** Whether {@code a[0..a.length)} is written: a covered bound is {@code a.length} or the allocation's. */
    private boolean full(State st) {
      for (Expr b : st.covered()) {
        if (b instanceof Expr.Length l && l.array() instanceof Expr.Var v && v.name().equals(a)
            || b.equals(length)) {
          return true;
        }
      }
      return false;
    }

    /** Whether {@code e} reads only elements of {@code a} written in this iteration. */
    private boolean reads(Expr e, State st) {
      if (e instanceof Expr.Var v) {
        return !v.name().equals(a);
      }
      if (e instanceof Expr.Length l && l.array() instanceof Expr.Var) {
        return true;
      }
      if (e instanceof Expr.Index i && i.array() instanceof Expr.Var v && v.name().equals(a)) {
        return (full(st) || i.index() instanceof Expr.Var j && st.readable().contains(j.name()))
            && reads(i.index(), st);
      }
      if (e instanceof Expr.Call c && c.callee() instanceof Callee.DifferentiableMethod) {
        for (Expr arg : c.args()) {
          if (!(arg instanceof Expr.Var v && v.name().equals(a) ? full(st) : reads(arg, st))) {
            return false;
          }
        }
        return true;
      }
      for (Expr c : ExprWalk.children(e)) {
        if (!reads(c, st)) {
          return false;
        }
      }
      return true;
    }
  }

  /** Whether the last statement of {@code body} (or of its one-statement block) assigns {@code j}. */
  private static boolean lastAssigns(List<Stmt> body, String j) {
    if (body.isEmpty()) {
      return false;
    }
    Stmt last = body.get(body.size() - 1);
    if (last instanceof Stmt.Block b && b.statements().size() == 1) {
      last = b.statements().get(0);
    }
    return last instanceof Stmt.Assign x && x.target() instanceof Expr.Var v && v.name().equals(j);
  }

  /** Whether the last statement of {@code body} (or of its one-statement block) is {@code j = j + 1}. */
  private static boolean increments(List<Stmt> body, String j) {
    Stmt last = body.get(body.size() - 1);
    if (last instanceof Stmt.Block b && b.statements().size() == 1) {
      last = b.statements().get(0);
    }
    return last instanceof Stmt.Assign x && x.value() instanceof Expr.Binary b && b.op() == Expr.BinaryOp.ADD
        && b.left() instanceof Expr.Var v && v.name().equals(j) && b.right() instanceof Expr.Literal one
        && one.text().equals("1");
  }

  /** The variables {@code statements} assign, nested statements included. */
  private static Set<String> assigned(List<Stmt> statements) {
    Set<String> out = new HashSet<>();
    FusedLoops.walk(statements, s -> {
      if (s instanceof Stmt.Assign x && x.target() instanceof Expr.Var v) {
        out.add(v.name());
      }
    });
    return out;
  }
}
