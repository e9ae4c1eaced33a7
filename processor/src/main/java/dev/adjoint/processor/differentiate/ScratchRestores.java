package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.StmtWalk;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * In a fused iteration ({@link FusedLoops}), the saves and restores of a scratch array's elements ({@link
 * IterationLocalArrays}) whose restored value nothing reads: gmm's {@code qxc[j] += l[p] * xc[i]} over the lower
 * triangle, whose old values the iteration's reverse puts back only for the covering loop {@code qxc[id] =
 * qdiags[ik][id] * xc[id]} to overwrite them all again before anything reads {@code qxc}. Dropping them leaves the
 * pushes of the statements that matter: what a hand-written gradient keeps.
 *
 * <p>A backward liveness scan of the iteration's reverse, per array {@code a}: {@code a} is dead at the end of the
 * iteration's reverse (the next iteration writes each element before it reads it, and {@code a} is met nowhere outside
 * the loop but in its allocation and {@code a.length}); any statement naming {@code a} but a restore's target (a
 * partial reading {@code a[e]}, a call, a recomputation) makes it live; a reverse loop {@code while (j > 0) { j = j -
 * 1; ...; a[j] = pop(); ...; }} that reverses a forward loop writing {@code a} whole ({@link
 * IterationLocalArrays#wholeCovers}: {@code j} runs over {@code a[0..a.length)}, each element restored once, the
 * restore at the top level of the body and {@code j} assigned only by the first statement) kills it for what precedes
 * the loop: after it no element holds what was there before (its own restores see what follows it). Loops are scanned
 * to a fixed point (the next trip and the exit both follow the body). A restore after which {@code a} is dead on every
 * path restores nothing anyone reads; when every restore of a statement is such, that statement's saves and restores
 * are dropped (one of each per run of the statement: a save and its restore come from the same assignment and share its
 * origin, so the remaining pushes and pops still pair up). Each restore kept gives the value the separate sweeps would
 * give where it is read: between a dropped restore and the next read, every element was put back by a kill, whose own
 * restore is live.
 *
 * <p>For an array the loop passes to a differentiated method (gmm's {@code mainTerm}, to {@code logsumexp}), every
 * reverse statement with a call but {@code Math}'s counts as a read: a callee's reverse may read its argument
 * without naming it.
 */
final class ScratchRestores {
  private ScratchRestores() {}

  /**
   * Removes from {@code forward} and {@code reverse} (a fused iteration's sweeps) the saves and restores of elements
   * of {@code scratch} arrays that nothing reads after their restore.
   *
   * @param statements the method's top-level statements
   * @param loop where the fused loop is among them
   */
  static void drop(List<Stmt> forward, List<Stmt> reverse, Set<String> scratch, List<Stmt> statements, int loop,
      MethodIr method) {
    if (scratch == null) {
      return;
    }
    for (String a : new java.util.TreeSet<>(scratch)) {
      if (!onlyAllocated(statements, loop, a)) {
        continue;
      }
      Liveness scan = new Liveness(a, IterationLocalArrays.wholeCovers(statements, loop, a, method),
          passed(statements.get(loop), a));
      if (scan.block(reverse, false) == null) {
        continue;
      }
      Set<Integer> dead = new HashSet<>();
      Map<Integer, Integer> restores = new HashMap<>();
      countRestores(reverse, a, restores);
      for (Map.Entry<Integer, Integer> e : restores.entrySet()) {
        // a save in the reverse (a replayed stretch) would pair with some of these restores: left alone
        if (!scan.liveAfter.contains(e.getKey()) && saves(forward, a, e.getKey()) == e.getValue()
            && saves(reverse, a, e.getKey()) == 0) {
          dead.add(e.getKey());
        }
      }
      List<Stmt> f = without(forward, a, dead);
      List<Stmt> r = without(reverse, a, dead);
      Map<Integer, Integer> left = new HashMap<>();
      countRestores(r, a, left);
      // every save and restore of those statements gone, or none (a statement kind without() does not open)
      if (!dead.isEmpty() && dead.stream().noneMatch(o -> left.containsKey(o) || saves(f, a, o) > 0)) {
        forward.clear();
        forward.addAll(f);
        reverse.clear();
        reverse.addAll(r);
      }
    }
  }

  /** Whether outside the loop {@code a} occurs only as its allocation's target and in {@code a.length}. */
  private static boolean onlyAllocated(List<Stmt> statements, int loop, String a) {
    boolean[] ok = {true};
    for (int j = 0; j < statements.size(); j++) {
      if (j == loop) {
        continue;
      }
      StmtWalk.statements(statements.get(j), s -> {
        if (s instanceof Stmt.Assign x && x.target() instanceof Expr.Var v && v.name().equals(a)) {
          ok[0] &= !ExprWalk.variables(x.value()).contains(a);
          return;
        }
        if (s instanceof Stmt.Declare d && d.variable().name().equals(a)) {
          ok[0] &= d.init() == null || !ExprWalk.variables(d.init()).contains(a);
          return;
        }
        StmtWalk.named(s, e -> ok[0] &= lengthsOnly(e, a));
        if (s instanceof Stmt.Forward f) {
          ok[0] &= f.text().stream().noneMatch(t -> t.contains(a));
        }
      });
    }
    return ok[0];
  }

  /** Whether {@code a} occurs in {@code e} only as {@code a.length}. */
  private static boolean lengthsOnly(Expr e, String a) {
    if (e instanceof Expr.Var v) {
      return !v.name().equals(a);
    }
    if (e instanceof Expr.Length l && l.array() instanceof Expr.Var) {
      return true;
    }
    for (Expr c : ExprWalk.children(e)) {
      if (!lengthsOnly(c, a)) {
        return false;
      }
    }
    return true;
  }

  /** Whether the loop passes {@code a} to a method (but {@code Math}'s). */
  private static boolean passed(Stmt loop, String a) {
    boolean[] found = {false};
    StmtWalk.statements(loop, s -> StmtWalk.evaluated(s, e -> ExprWalk.visit(e, x -> found[0] |= x
        instanceof Expr.Call c && !(c.callee() instanceof Callee.MathFunction) && ExprWalk.variables(c).contains(a))));
    return found[0];
  }

  /** Whether {@code target} is {@code a[e]}. */
  private static boolean element(Expr target, String a) {
    return target instanceof Expr.Index i && i.array() instanceof Expr.Var v && v.name().equals(a);
  }

  private static void countRestores(List<Stmt> statements, String a, Map<Integer, Integer> out) {
    for (Stmt s : statements) {
      StmtWalk.statements(s, x -> {
        if (x instanceof Stmt.Restore r && element(r.target(), a)) {
          out.merge(r.origin().id(), 1, Integer::sum);
        }
      });
    }
  }

  private static int saves(List<Stmt> statements, String a, int origin) {
    int[] n = {0};
    for (Stmt s : statements) {
      StmtWalk.statements(s, x -> n[0] += x instanceof Stmt.Save v && element(v.target(), a)
          && v.origin().id() == origin ? 1 : 0);
    }
    return n[0];
  }

  /** {@code statements} without the saves and restores of {@code a}'s elements by the statements {@code dead}. */
  private static List<Stmt> without(List<Stmt> statements, String a, Set<Integer> dead) {
    List<Stmt> out = new ArrayList<>();
    for (Stmt s : statements) {
      if (s instanceof Stmt.Save v && element(v.target(), a) && dead.contains(v.origin().id())
          || s instanceof Stmt.Restore r && element(r.target(), a) && dead.contains(r.origin().id())) {
        continue;
      }
      if (s instanceof Stmt.Block b) {
        out.add(new Stmt.Block(without(b.statements(), a, dead), b.origin()));
      } else if (s instanceof Stmt.If i) {
        out.add(new Stmt.If(i.condition(), new Stmt.Block(without(i.then().statements(), a, dead), i.then().origin()),
            new Stmt.Block(without(i.otherwise().statements(), a, dead), i.otherwise().origin()), i.origin()));
      } else if (s instanceof Stmt.While l) {
        out.add(new Stmt.While(l.condition(), new Stmt.Block(without(l.body().statements(), a, dead),
            l.body().origin()), l.origin()));
      } else if (s instanceof Stmt.CountDown l) {
        out.add(new Stmt.CountDown(l.counter(), l.start(), new Stmt.Block(without(l.body().statements(), a, dead),
            l.body().origin()), l.origin()));
      } else if (s instanceof Stmt.DoWhile l) {
        out.add(new Stmt.DoWhile(new Stmt.Block(without(l.body().statements(), a, dead), l.body().origin()),
            l.condition(), l.origin()));
      } else {
        out.add(s);
      }
    }
    return out;
  }

  /** The backward liveness scan of one array over a fused iteration's reverse. */
  private static final class Liveness {
    private final String a;
    private final Set<Origin> wholeCovers;
    /** whether the loop passes {@code a} to a differentiated method, whose reverse may read it unnamed */
    private final boolean passed;
    /** the origins of the restores of {@code a}'s elements after which {@code a} may be read */
    final Set<Integer> liveAfter = new HashSet<>();

    Liveness(String a, Set<Origin> wholeCovers, boolean passed) {
      this.a = a;
      this.wholeCovers = wholeCovers;
      this.passed = passed;
    }

    /** Whether {@code a} is live before {@code statements} given {@code live} after them; null: not understood. */
    Boolean block(List<Stmt> statements, boolean live) {
      boolean l = live;
      for (int j = statements.size() - 1; j >= 0; j--) {
        Boolean before = statement(statements.get(j), l);
        if (before == null) {
          return null;
        }
        l = before;
      }
      return l;
    }

    private Boolean statement(Stmt s, boolean live) {
      if (s instanceof Stmt.Comment) {
        return live;
      }
      if (s instanceof Stmt.Block b) {
        return block(b.statements(), live);
      }
      if (s instanceof Stmt.Restore r && element(r.target(), a)) {
        if (live) {
          liveAfter.add(r.origin().id());
        }
        return live || names(((Expr.Index) r.target()).index());
      }
      if (s instanceof Stmt.If i) {
        Boolean then = block(i.then().statements(), live);
        Boolean otherwise = block(i.otherwise().statements(), live);
        return then == null || otherwise == null ? null : then || otherwise || names(i.condition());
      }
      if (s instanceof Stmt.While w) {
        // the loop's own restores give what is read after it; before it, a killing loop hides what follows it
        Boolean in = loop(w.body().statements(), w.condition(), live);
        return in == null || !kills(w) ? in : loop(w.body().statements(), w.condition(), false);
      }
      if (s instanceof Stmt.CountDown c) {
        Boolean in = loop(c.body().statements(), null, live);
        return in == null ? null : in || names(c.start());
      }
      if (s instanceof Stmt.DoWhile d) {
        // the body runs once before the condition: the same fixed point, entered through the body
        Boolean in = loop(d.body().statements(), d.condition(), live);
        return in == null ? null : block(d.body().statements(), in);
      }
      if (s instanceof Stmt.Break || s instanceof Stmt.Continue || s instanceof Stmt.Return
          || s instanceof Stmt.For) {
        return null;
      }
      boolean[] reads = {false};
      StmtWalk.named(s, e -> reads[0] |= names(e));
      if (s instanceof Stmt.Forward f) {
        reads[0] |= passed || f.text().stream().anyMatch(t -> t.contains(a));
      }
      if (passed) {
        // a callee's reverse (or any call but Math's) may read what the call was passed
        StmtWalk.named(s, e -> ExprWalk.visit(e, x -> reads[0] |= x instanceof Expr.Call c
            && !(c.callee() instanceof Callee.MathFunction)));
      }
      return live || reads[0];
    }

    /** Live before a loop whose exit is followed by {@code after}: the body's entry, to a fixed point. */
    private Boolean loop(List<Stmt> body, Expr condition, boolean after) {
      boolean cond = condition != null && names(condition);
      boolean in = after || cond;
      for (int pass = 0; pass < 3; pass++) {
        Boolean start = block(body, in);
        if (start == null) {
          return null;
        }
        boolean next = after || cond || start;
        if (next == in && pass > 0) {
          break;
        }
        in = next;
      }
      return in;
    }

    /**
     * Whether {@code w} is the reverse of a loop writing {@code a} whole that restores every element: {@code while
     * (j > 0) { j = j - 1; ...; a[j] = pop(); ...; }}, with {@code j} assigned only by the first statement.
     */
    private boolean kills(Stmt.While w) {
      if (!wholeCovers.contains(w.origin()) || !(w.condition() instanceof Expr.Binary c)
          || c.op() != Expr.BinaryOp.GT || !(c.left() instanceof Expr.Var j) || !(c.right() instanceof Expr.Literal z)
          || !z.text().equals("0")) {
        return false;
      }
      List<Stmt> body = flat(w.body().statements());
      int first = 0;
      while (first < body.size() && body.get(first) instanceof Stmt.Comment) {
        first++;
      }
      if (first == body.size() || !(body.get(first) instanceof Stmt.Assign dec) || !dec.target().equals(j)
          || !(dec.value() instanceof Expr.Binary d) || d.op() != Expr.BinaryOp.SUB || !d.left().equals(j)
          || !(d.right() instanceof Expr.Literal one) || !one.text().equals("1")) {
        return false;
      }
      int[] assigned = {0};
      StmtWalk.statements(w.body(), x -> assigned[0] += x instanceof Stmt.Assign y && y.target().equals(j)
          || x instanceof Stmt.Restore r && r.target().equals(j)
          || x instanceof Stmt.Declare dd && dd.variable().name().equals(j.name()) ? 1 : 0);
      boolean restores = body.stream().anyMatch(x -> x instanceof Stmt.Restore r && r.target() instanceof Expr.Index i
          && i.array() instanceof Expr.Var v && v.name().equals(a) && i.index().equals(j));
      return assigned[0] == 1 && restores;
    }

    /** The top-level statements of {@code statements}, blocks opened. */
    private static List<Stmt> flat(List<Stmt> statements) {
      List<Stmt> out = new ArrayList<>();
      for (Stmt s : statements) {
        if (s instanceof Stmt.Block b) {
          out.addAll(flat(b.statements()));
        } else {
          out.add(s);
        }
      }
      return out;
    }

    private boolean names(Expr e) {
      return ExprWalk.variables(e).contains(a);
    }
  }
}
