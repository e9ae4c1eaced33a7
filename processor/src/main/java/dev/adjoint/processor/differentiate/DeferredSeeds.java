package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A fused loop whose accumulator's adjoint is only known after the loop ({@code return Math.log(s) + a}, lse):
 * the reverse of an iteration is linear in that adjoint, the one adjoint of another variable it reads, so the
 * fused loop runs it for the adjoint 1 and the reverse sweep scales what it added once the adjoint is known, as a
 * person writes lse's gradient ({@code g[i] = exp(x[i] - a); ... g[i] *= 1 / s}).
 *
 * <p>On top of {@link FusedLoops}' conditions (which make the adjoints the loop adds to start from zero: nothing
 * else writes them before the reverse sweep), it requires: the reverse body reads exactly one adjoint of a
 * variable not local to the iteration, that of an accumulator {@code s}, and no adjoint in a condition; it adds to
 * scalar adjoints and to exactly one adjoint array, {@code _d_x[i] += ...} by top-level statements indexed by the
 * counter of a loop {@code for (int i = 0; i < x.length; i++)} over a parameter {@code x} never reassigned (so
 * every element gets its terms from this loop alone); and the reverse of what follows the loop does not touch
 * {@code _d_x}. Then the forward sweep runs the loop with {@code _d_s = 1}, moves the scalar sums aside and puts
 * {@code _d_s} back to zero; the reverse sweep, after the reverse of what follows the loop has computed
 * {@code _d_s}, adds {@code _d_s} times each scalar sum and multiplies every element of {@code _d_x} by {@code _d_s}.
 * Only the rounding of the products changes.
 */
final class DeferredSeeds {
  private DeferredSeeds() {}

  private static final String ADJOINT = "_d_";

  /**
   * The statements around the fused loop: {@code before} and {@code after} it in the forward sweep, and
   * {@code scale} in the reverse sweep right after the reverse of what follows the loop.
   */
  record Plan(List<Stmt> before, List<Stmt> after, List<Stmt> scale) {}

  /**
   * The plan for the loop {@code i = start; while (condition) ...} with reverse body {@code reverse}, or null.
   *
   * @param local the loop's iteration-local variables
   * @param accumulators the loop's accumulators
   * @param arrays parameters of type {@code double[]} that the body never reassigns
   * @param reverseAfter the reverse of what follows the loop
   */
  static Plan plan(List<Stmt> reverse, Set<String> local, Set<String> accumulators, ReverseLoops.Counted counted,
      Expr condition, Set<String> arrays, List<Stmt> reverseAfter, Origin origin) {
    Expr.Var counter = counted.counter();
    if (counted.step() != 1 || !(counted.start() instanceof Expr.Literal l) || !l.text().equals("0")
        || !(condition instanceof Expr.Binary b) || b.op() != Expr.BinaryOp.LT || !b.left().equals(counter)
        || !(b.right() instanceof Expr.Length len) || !(len.array() instanceof Expr.Var array)
        || !arrays.contains(array.name())) {
      return null;
    }
    if (FusedCalls.addsIntoArrays(reverse)) {
      // a callee's reverse adds into an adjoint array this plan would not scale
      return null;
    }
    String arrayAdjoint = ADJOINT + array.name();
    // the adjoints of non-local variables the body reads, and whether a condition reads an adjoint
    Set<String> seeds = new LinkedHashSet<>();
    boolean[] ok = {true};
    FusedLoops.walk(reverse, s -> {
      for (Expr e : FusedLoops.expressions(s)) {
        for (String v : dev.adjoint.processor.ir.ExprWalk.variables(e)) {
          if (v.startsWith(ADJOINT) && !local.contains(v.substring(ADJOINT.length()))) {
            seeds.add(v);
          }
          if (v.startsWith(ADJOINT) && (s instanceof Stmt.If || s instanceof Stmt.While
              || s instanceof Stmt.CountDown)) {
            ok[0] = false;
          }
        }
      }
    });
    if (!ok[0] || seeds.size() != 1) {
      return null;
    }
    String seed = seeds.iterator().next();
    if (!accumulators.contains(seed.substring(ADJOINT.length()))) {
      return null;
    }
    // what it adds to: scalar adjoints, and the array adjoint by top-level statements at the counter only
    Set<String> scalars = new LinkedHashSet<>();
    int[] elementWrites = {0};
    FusedLoops.walk(reverse, s -> {
      if (s instanceof Stmt.Accumulate a && a.target() instanceof Expr.Var v && !local.contains(
          v.name().substring(Math.min(ADJOINT.length(), v.name().length())))) {
        scalars.add(v.name());
      } else if (s instanceof Stmt.Accumulate a && a.target() instanceof Expr.Index) {
        elementWrites[0]++;
      }
    });
    int topLevel = 0;
    for (Stmt s : reverse) {
      if (s instanceof Stmt.Accumulate a && a.target() instanceof Expr.Index i) {
        if (!(i.array() instanceof Expr.Var v) || !v.name().equals(arrayAdjoint) || !i.index().equals(counter)) {
          return null;
        }
        topLevel++;
      }
    }
    if (topLevel == 0 || topLevel != elementWrites[0]
        || scalars.stream().anyMatch(v -> !v.startsWith(ADJOINT) || v.equals(seed))) {
      return null;
    }
    boolean[] touched = {false};
    FusedLoops.walk(reverseAfter, s -> {
      FusedLoops.expressions(s).forEach(e -> touched[0] |= dev.adjoint.processor.ir.ExprWalk.variables(e)
          .contains(arrayAdjoint));
      if (s instanceof Stmt.Accumulate a && dev.adjoint.processor.ir.ExprWalk.root(a.target()) != null) {
        touched[0] |= dev.adjoint.processor.ir.ExprWalk.root(a.target()).name().equals(arrayAdjoint);
      }
      if (s instanceof Stmt.Assign a && dev.adjoint.processor.ir.ExprWalk.root(a.target()) != null) {
        touched[0] |= dev.adjoint.processor.ir.ExprWalk.root(a.target()).name().equals(arrayAdjoint);
      }
    });
    if (touched[0]) {
      return null;
    }
    Expr.Var seedVar = new Expr.Var(seed, Type.DOUBLE);
    Expr zero = DerivativeRules.literal("0.0");
    List<Stmt> before = List.of(new Stmt.Comment("the loop's adjoints for " + seed + " = 1, scaled by " + seed
        + " once the reverse sweep knows it", origin), new Stmt.Assign(seedVar, DerivativeRules.literal("1.0"),
        origin));
    List<Stmt> after = new ArrayList<>();
    List<Stmt> scale = new ArrayList<>();
    scale.add(new Stmt.Comment(origin.label() + " (the fused loop's adjoints, times " + seed + ")", origin));
    for (String v : scalars) {
      Expr.Var adjoint = new Expr.Var(v, Type.DOUBLE);
      Expr.Var unit = new Expr.Var("_unit$" + v.substring(ADJOINT.length()), Type.DOUBLE);
      after.add(new Stmt.Declare(unit, adjoint, origin));
      after.add(new Stmt.Assign(adjoint, zero, origin));
      scale.add(new Stmt.Accumulate(adjoint, new Expr.Binary(Expr.BinaryOp.MUL, seedVar, unit, Type.DOUBLE), origin));
    }
    after.add(new Stmt.Assign(seedVar, zero, origin));
    String k = "_scale$" + array.name();
    Expr element = new Expr.Index(new Expr.Var(arrayAdjoint, array.type()),
        new Expr.Binary(Expr.BinaryOp.SUB, new Expr.Var(k, Type.INT), Expr.Literal.ofInt(1), Type.INT), Type.DOUBLE);
    scale.add(new Stmt.CountDown(k, len, Stmt.Block.of(List.of(new Stmt.Assign(element,
        new Expr.Binary(Expr.BinaryOp.MUL, element, seedVar, Type.DOUBLE), origin))), origin));
    return new Plan(before, after, scale);
  }
}
