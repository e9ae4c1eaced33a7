package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.analyze.StructuredBody;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The to-be-recorded analysis of {@link ReverseSweep} (as Tapenade's): which overwritten values the reverse
 * sweep really reads. The assignments of the structured body are numbered in program order; the sweep's first
 * pass reports where its reverse statements read each variable ({@link #recordReads}), and
 * {@link #toBeRecorded} keeps the saving candidates whose reads see a value older than the end of the forward
 * pass.
 */
final class ToBeRecorded {
  /** Variables assigned more than once (statically) or inside a loop: saving candidates. */
  private final Set<String> reassigned;
  /** Arrays whose elements are written: each write overwrites a value the reverse sweep may read. */
  private final Set<String> elementWritten;
  /** Loop-body locals the sweep recomputes instead of saving (filled by the sweep as it plans them). */
  private final Set<String> recomputed;
  /** Reverse statements that undo {@code i = i ± c} exactly: not reads of the sweep (filled by the sweep). */
  private final Set<Stmt> inverses;
  /** Program-order position of every assignment of the structured body (pre-order). */
  private final Map<Stmt, Integer> positions = new IdentityHashMap<>();
  /** Program-order position of every branch: that of its first assignment (of the next one when it has none). */
  private final Map<Stmt, Integer> branchPositions = new IdentityHashMap<>();
  /** Position ranges {@code [first, last]} of every loop body. */
  private final List<int[]> loops = new ArrayList<>();
  /** For each loop of {@link #loops}: the positions of the assignments its body runs on every iteration. */
  private final Map<int[], List<Integer>> topLevel = new IdentityHashMap<>();
  /** The assignment at each position. */
  private final Map<Integer, Stmt.Assign> assignmentAt = new HashMap<>();
  /** Positions of the assignments of each variable (element writes count for their array). */
  private final Map<String, List<Integer>> assignedAt = new HashMap<>();
  /** In the first pass: where the reverse sweep reads each variable (the position of the statement it undoes). */
  private final Map<String, Set<Integer>> readAt = new HashMap<>();
  /** In the first pass: every restore with the position of the statement it undoes. */
  private final List<Map.Entry<Stmt.Restore, Integer>> restoresAt = new ArrayList<>();
  /** The positions of the assignments the method body runs unconditionally, outside every loop. */
  private final List<Integer> methodTopLevel = new ArrayList<>();
  /** Whether the body holds verbatim forward code, which the fresh-array rule cannot see into. */
  private boolean opaque;

  ToBeRecorded(MethodIr method, StructuredBody body, Set<String> reassigned, Set<String> elementWritten,
      Set<String> recomputed, Set<Stmt> inverses) {
    this.reassigned = reassigned;
    this.elementWritten = elementWritten;
    this.recomputed = recomputed;
    this.inverses = inverses;
    for (MethodIr.Parameter p : method.parameters()) {
      assignedAt.computeIfAbsent(p.name(), k -> new ArrayList<>()).add(-1);
    }
    number(body.body(), new int[] {0});
    unconditional(body.body(), methodTopLevel);
  }

  /** The program-order position of assignment {@code a}, or null for one the numbering did not see. */
  Integer position(Stmt a) {
    return positions.get(a);
  }

  /** The assignments of {@code v} (element writes included), in program order. */
  List<Stmt.Assign> assignmentsOf(String v) {
    List<Stmt.Assign> out = new ArrayList<>();
    for (int p : assignedAt.getOrDefault(v, List.of())) {
      if (p >= 0) {
        out.add(assignmentAt.get(p));
      }
    }
    return out;
  }

  /**
   * Whether assignment {@code q} runs before {@code p} every time {@code p} runs and never after it: earlier in
   * program order, with no loop around both.
   */
  boolean strictlyBefore(Stmt q, Stmt p) {
    Integer a = positions.get(q);
    Integer b = positions.get(p);
    if (a == null || b == null || a >= b) {
      return false;
    }
    for (int[] loop : loops) {
      if (loop[0] <= a && b <= loop[1]) {
        return false;
      }
    }
    return true;
  }

  /** Whether assignment {@code a} is inside a loop. */
  boolean inLoop(Stmt a) {
    Integer at = positions.get(a);
    return at == null || loops.stream().anyMatch(loop -> loop[0] <= at && at <= loop[1]);
  }

  /** The program-order position of branch {@code i} (see {@link #branchPositions}), or null for one not numbered. */
  Integer branchPosition(Stmt.If i) {
    return branchPositions.get(i);
  }

  /** Where {@code v} is assigned (program-order positions; -1 for a parameter's value). */
  List<Integer> assignedAt(String v) {
    return assignedAt.getOrDefault(v, List.of());
  }

  /** Reports a reverse read of {@code v} when undoing the statement at {@code position}. */
  void readAt(String v, Integer position) {
    readAt.computeIfAbsent(v, k -> new HashSet<>()).add(position);
  }

  /**
   * The candidates whose overwritten values the reverse sweep really reads. A reverse read of {@code v}
   * needs saved values only where it sees an older value than the one the forward pass ended with: when it
   * undoes a statement at or before an assignment of {@code v}, or one in a loop that also assigns
   * {@code v}. A read after every assignment sees the end value, which the reverse sweep starts from. To a
   * fixed point, the restores of what is needed add their own reads ({@code a[i] = pop()} needs {@code i}).
   */
  Set<String> toBeRecorded() {
    Set<String> needed = new HashSet<>();
    readAt.forEach((v, at) -> {
      if (at.stream().anyMatch(p -> seesOlderValue(v, p))) {
        needed.add(v);
      }
    });
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Map.Entry<Stmt.Restore, Integer> r : restoresAt) {
        Expr.Var root = ExprWalk.root(r.getKey().target());
        if (root != null && needed.contains(root.name()) && r.getKey().target() instanceof Expr.Index i) {
          for (String v : ExprWalk.variables(i)) {
            changed |= readAt.computeIfAbsent(v, k -> new HashSet<>()).add(r.getValue());
            if (!needed.contains(v) && seesOlderValue(v, r.getValue())) {
              needed.add(v);
              changed = true;
            }
          }
        }
      }
    }
    Set<String> result = new HashSet<>(reassigned);
    result.addAll(elementWritten);
    result.retainAll(needed);
    return result;
  }

  /** The assignment at program-order position {@code p}, or null. */
  Stmt.Assign assignmentAt(int p) {
    return assignmentAt.get(p);
  }

  /** Where the first pass saw the reverse sweep read {@code v}. */
  Set<Integer> readsOf(String v) {
    return readAt.getOrDefault(v, Set.of());
  }

  /** The loop ranges {@code [first, last]}, every loop of the body. */
  List<int[]> loops() {
    return loops;
  }

  /** The positions of the unconditional assignments of {@code loop}'s body, or of the method body for null. */
  List<Integer> unconditionalIn(int[] loop) {
    return loop == null ? methodTopLevel : topLevel.getOrDefault(loop, List.of());
  }

  /** Every numbered assignment, in program order. */
  List<Stmt.Assign> assignments() {
    return new ArrayList<>(new TreeMap<>(assignmentAt).values());
  }

  /** Whether the body holds verbatim forward code. */
  boolean opaque() {
    return opaque;
  }

  /** Whether {@code v} is a saving candidate as a variable and not a recomputed loop local. */
  boolean restorable(String v) {
    return reassigned.contains(v) && !recomputed.contains(v);
  }

  /**
   * Whether the value {@code v} had before the assignment at {@code position} is read by the reverse
   * sweep after undoing it: by a statement at or before it, or anywhere in a loop around it (the reverse
   * sweep undoes the earlier iterations next).
   */
  boolean readBeforeOrAround(String v, Integer position) {
    if (position == null) {
      return true;
    }
    Boolean fresh = FreshArrayWrites.readAfterUndo(this, v, position);
    if (fresh != null) {
      return fresh;
    }
    for (int p : readAt.getOrDefault(v, Set.of())) {
      if (p <= position) {
        return true;
      }
      int[] innermost = null;
      for (int[] loop : loops) {
        if (loop[0] <= position && position <= loop[1] && loop[0] <= p && p <= loop[1]
            && (innermost == null || loop[1] - loop[0] < innermost[1] - innermost[0])) {
          innermost = loop;
        }
      }
      if (innermost != null && !restoredBetween(v, position, innermost)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether, for a read of {@code v} after the assignment at {@code position} in {@code loop} (the innermost
   * loop around both), every way from the read back to the assignment passes an assignment of the whole of
   * {@code v} that the reverse sweep restores: an unconditional statement of {@code loop}'s body before the
   * assignment, saved and restored itself. Its restore then resets {@code v} for the read, whatever the
   * assignment left (kmeans' {@code dist = 0} before {@code dist += diff * diff} in the loop after it).
   */
  private boolean restoredBetween(String v, int position, int[] loop) {
    Stmt.Assign assignment = assignmentAt.get(position);
    if (assignment == null || !(assignment.target() instanceof Expr.Var) || recomputed.contains(v)) {
      return false;
    }
    for (int x : topLevel.getOrDefault(loop, List.of())) {
      Stmt.Assign killer = assignmentAt.get(x);
      if (x < position && killer.target() instanceof Expr.Var k && k.name().equals(v)
          && Inverses.of(k, killer.value()) == null && readBeforeOrAround(v, x)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the reverse of the statement at {@code position} must see an older value of {@code v}. */
  private boolean seesOlderValue(String v, int position) {
    List<Integer> assigned = assignedAt.getOrDefault(v, List.of());
    for (int a : assigned) {
      if (a >= position) {
        return true;
      }
    }
    for (int[] loop : loops) {
      if (loop[0] <= position && position <= loop[1]) {
        for (int a : assigned) {
          if (loop[0] <= a && a <= loop[1]) {
            return true;
          }
        }
      }
    }
    return false;
  }

  void recordReads(List<Stmt> reverse, Integer position) {
    Set<String> reads = new HashSet<>();
    List<Stmt.Restore> restores = new ArrayList<>();
    collectReads(reverse, reads, restores);
    int at = position == null ? Integer.MAX_VALUE : position;
    for (String v : reads) {
      readAt.computeIfAbsent(v, k -> new HashSet<>()).add(position == null ? 0 : at);
    }
    for (Stmt.Restore r : restores) {
      restoresAt.add(Map.entry(r, position == null ? 0 : at));
    }
  }

  /** Numbers the assignments in program order and records loop ranges and assignment positions. */
  private void number(Stmt s, int[] next) {
    if (s instanceof Stmt.Forward) {
      opaque = true;
    } else if (s instanceof Stmt.Assign a) {
      int p = next[0]++;
      positions.put(a, p);
      assignmentAt.put(p, a);
      Expr.Var root = ExprWalk.root(a.target());
      if (root != null) {
        assignedAt.computeIfAbsent(root.name(), k -> new ArrayList<>()).add(p);
      }
    } else if (s instanceof Stmt.Block b) {
      b.statements().forEach(x -> number(x, next));
    } else if (s instanceof Stmt.If i) {
      branchPositions.put(i, next[0]);
      number(i.then(), next);
      number(i.otherwise(), next);
    } else if (s instanceof Stmt.While w) {
      int first = next[0];
      number(w.body(), next);
      int[] loop = {first, next[0] - 1};
      loops.add(loop);
      List<Integer> unconditional = new ArrayList<>();
      unconditional(w.body(), unconditional);
      topLevel.put(loop, unconditional);
    }
  }

  /** The positions of the assignments that run on every pass through {@code b} (not in a branch or loop). */
  private void unconditional(Stmt.Block b, List<Integer> out) {
    for (Stmt x : b.statements()) {
      if (x instanceof Stmt.Assign a) {
        out.add(positions.get(a));
      } else if (x instanceof Stmt.Block inner) {
        unconditional(inner, out);
      }
    }
  }

  void collectReads(List<Stmt> statements, Set<String> reads, List<Stmt.Restore> restores) {
    for (Stmt s : statements) {
      if (inverses.contains(s)) {
        continue;
      }
      if (s instanceof Stmt.Restore r) {
        restores.add(r);
      } else if (s instanceof Stmt.Declare d) {
        if (d.init() != null) {
          reads.addAll(ExprWalk.variables(d.init()));
        }
      } else if (s instanceof Stmt.Assign a) {
        reads.addAll(ExprWalk.variables(a.value()));
        if (!(a.target() instanceof Expr.Var)) {
          reads.addAll(ExprWalk.variables(a.target()));
        }
      } else if (s instanceof Stmt.Accumulate a) {
        reads.addAll(ExprWalk.variables(a.value()));
        reads.addAll(ExprWalk.variables(a.target()));
      } else if (s instanceof Stmt.Effect e) {
        reads.addAll(ExprWalk.variables(e.call()));
      } else if (s instanceof Stmt.If i) {
        reads.addAll(ExprWalk.variables(i.condition()));
        collectReads(i.then().statements(), reads, restores);
        collectReads(i.otherwise().statements(), reads, restores);
      } else if (s instanceof Stmt.CountDown c) {
        collectReads(c.body().statements(), reads, restores);
      } else if (s instanceof Stmt.While w) {
        // A counted reverse loop ({@link ReverseLoops}): its condition is control, not a read the
        // to-be-recorded analysis answers for; its body's reads are.
        collectReads(w.body().statements(), reads, restores);
      } else if (s instanceof Stmt.Block b) {
        collectReads(b.statements(), reads, restores);
      }
    }
  }

  static void countAssignments(Stmt s, Map<String, Integer> counts, Set<String> inLoop,
      Set<String> elements, boolean loop) {
    if (s instanceof Stmt.Assign a) {
      Expr.Var root = ExprWalk.root(a.target());
      if (root != null && a.target() instanceof Expr.Index) {
        elements.add(root.name());
      } else if (root != null) {
        counts.merge(root.name(), 1, Integer::sum);
        if (loop) {
          inLoop.add(root.name());
        }
      }
    } else if (s instanceof Stmt.Block b) {
      b.statements().forEach(x -> countAssignments(x, counts, inLoop, elements, loop));
    } else if (s instanceof Stmt.If i) {
      countAssignments(i.then(), counts, inLoop, elements, loop);
      countAssignments(i.otherwise(), counts, inLoop, elements, loop);
    } else if (s instanceof Stmt.While w) {
      countAssignments(w.body(), counts, inLoop, elements, true);
    }
  }
}
