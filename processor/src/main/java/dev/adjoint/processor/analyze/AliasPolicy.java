package dev.adjoint.processor.analyze;

import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The alias policy at call sites. A local array assigned the result of a call that may return (a row of)
 * one of its array arguments or a {@code static final} array is a read-only VIEW of those arrays: reading
 * through it is exact (the gradient flows through the callee's pullback), but in Java a write through one
 * name is seen through the other, which the adjoint model does not represent. So, from the statement that
 * creates the view on (and anywhere in a loop that creates it), every element write through the view and
 * every element write into an array it may share is refused, with the copy to write instead. A matrix row
 * may not be assigned such a result at all. Nothing is ever copied silently.
 */
public final class AliasPolicy {
  /** A refusal: where, and what to write instead. */
  public record Problem(Origin origin, String message) {}

  private final Summaries summaries;
  private final Map<String, Set<String>> views = new HashMap<>();
  private final Map<String, String> because = new HashMap<>();
  private final Map<String, String> advice = new HashMap<>();
  private final Map<Integer, Problem> problems = new LinkedHashMap<>();
  private boolean report;

  private AliasPolicy(Summaries summaries) {
    this.summaries = summaries;
  }

  /** The refusals for {@code method}, at most one per statement. */
  public static List<Problem> check(MethodIr method, Summaries summaries) {
    AliasPolicy policy = new AliasPolicy(summaries);
    policy.report = true;
    policy.block(method.body().statements());
    return new ArrayList<>(policy.problems.values());
  }

  private void block(List<Stmt> statements) {
    for (Stmt s : statements) {
      statement(s);
    }
  }

  private void statement(Stmt s) {
    if (s instanceof Stmt.Block b) {
      block(b.statements());
    } else if (s instanceof Stmt.Declare d) {
      if (d.init() != null) {
        assign(d.variable(), d.init(), d.origin());
      }
    } else if (s instanceof Stmt.Assign a) {
      assign(a.target(), a.value(), a.origin());
    } else if (s instanceof Stmt.If i) {
      statement(i.then());
      statement(i.otherwise());
    } else if (s instanceof Stmt.While w) {
      loop(List.of(w.body()));
    } else if (s instanceof Stmt.DoWhile d) {
      loop(List.of(d.body()));
    } else if (s instanceof Stmt.For f) {
      block(f.init());
      List<Stmt> body = new ArrayList<>(List.of(f.body()));
      body.addAll(f.update());
      loop(body);
    }
  }

  /** A loop body sees the views its later statements create in earlier iterations: settle them first. */
  private void loop(List<Stmt> body) {
    boolean outer = report;
    report = false;
    Map<String, Set<String>> before;
    do {
      before = copy(views);
      block(body);
    } while (!before.equals(views));
    report = outer;
    block(body);
  }

  private void assign(Expr target, Expr value, Origin origin) {
    Expr.Var root = root(target);
    if (target instanceof Expr.Index && root != null) {
      writes(root, origin);
    }
    if (!(value.type() instanceof Type.DoubleArray) || !(value instanceof Expr.Call c)
        || !(c.callee() instanceof Callee.DifferentiableMethod m)) {
      return;
    }
    Set<String> shared = summaries.roots(value, views);
    if (root != null) {
      shared.remove(root.name());
    }
    if (shared.isEmpty()) {
      return;
    }
    boolean onlyConstant = shared.stream().allMatch(x -> x.equals(Summaries.CONSTANT));
    String why = m.name() + " may return " + (onlyConstant ? "a static final array"
        : summaries.resultAlias(m).constant() ? "its argument, a row of it or a static final array"
        : "its argument or a row of it");
    if (target instanceof Expr.Index) {
      refuse(origin, "'" + print(target) + "' would be the same array as " + describe(shared) + " (" + why
          + "): assign a copy instead, " + print(target) + " = " + print(value) + ".clone();");
      return;
    }
    if (root != null) {
      views.computeIfAbsent(root.name(), x -> new HashSet<>()).addAll(shared);
      because.putIfAbsent(root.name(), why);
      advice.putIfAbsent(root.name(), copyAdvice(root, value));
    }
  }

  private void writes(Expr.Var root, Origin origin) {
    Set<String> shared = views.get(root.name());
    if (shared != null && !shared.isEmpty()) {
      refuse(origin, "'" + name(root.name()) + "' may be the same array as " + describe(shared) + " ("
          + because.get(root.name()) + "), and a write through one would change the other: "
          + advice.get(root.name()));
      return;
    }
    for (Map.Entry<String, Set<String>> v : views.entrySet()) {
      if (v.getValue().contains(root.name())) {
        refuse(origin, "writing into '" + name(root.name()) + "' would also change '" + name(v.getKey())
            + "', which may be the same array (" + because.get(v.getKey()) + "): " + advice.get(v.getKey()));
        return;
      }
    }
  }

  private static String copyAdvice(Expr.Var local, Expr value) {
    if (local.type() == Type.VECTOR) {
      return "copy the result, double[] " + name(local.name()) + " = " + print(value) + ".clone();";
    }
    return "copy the result's rows into a new double[m][n] (clone() of a double[][] would share the rows)";
  }

  private void refuse(Origin origin, String message) {
    if (report) {
      problems.putIfAbsent(origin.id(), new Problem(origin, message));
    }
  }

  private static String describe(Set<String> shared) {
    return shared.stream().sorted(java.util.Comparator.comparing((String x) -> x.equals(Summaries.CONSTANT))
        .thenComparing(x -> x)).map(x -> x.equals(Summaries.CONSTANT) ? "a static final array" : "'" + name(x) + "'")
        .collect(Collectors.joining(" or "));
  }

  private static Expr.Var root(Expr target) {
    Expr e = target;
    while (e instanceof Expr.Index i) {
      e = i.array();
    }
    return e instanceof Expr.Var v ? v : null;
  }

  private static Map<String, Set<String>> copy(Map<String, Set<String>> m) {
    Map<String, Set<String>> out = new HashMap<>();
    m.forEach((k, v) -> out.put(k, new HashSet<>(v)));
    return out;
  }

  /** The source name of a possibly renamed local ({@code y$2} → {@code y}). */
  private static String name(String irName) {
    int dollar = irName.indexOf('$');
    return dollar > 0 ? irName.substring(0, dollar) : irName;
  }

  /** Short source-like text of simple expressions, for messages. */
  private static String print(Expr e) {
    if (e instanceof Expr.Var v) {
      return name(v.name());
    }
    if (e instanceof Expr.Literal l) {
      return l.text();
    }
    if (e instanceof Expr.StaticField f) {
      return f.name();
    }
    if (e instanceof Expr.Index i) {
      return print(i.array()) + "[" + print(i.index()) + "]";
    }
    if (e instanceof Expr.Cast c) {
      return "(" + c.type().java() + ") " + print(c.operand());
    }
    if (e instanceof Expr.Call c && c.callee() instanceof Callee.DifferentiableMethod m) {
      return m.name() + "(" + c.args().stream().map(AliasPolicy::print).collect(Collectors.joining(", ")) + ")";
    }
    return "...";
  }
}
