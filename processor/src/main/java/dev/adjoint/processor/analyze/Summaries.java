package dev.adjoint.processor.analyze;

import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.MethodIr;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import dev.adjoint.processor.ir.summary.ResultAlias;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Method summaries, computed over the methods of one compilation in call-graph order: a fixed point that
 * starts from "fresh" and only grows, so recursion converges; callees outside the compilation answer from
 * their companion (through {@code compiled}), which says "may alias anything" when it carries no summary.
 *
 * <p>Today one fact: {@link ResultAlias}, what an array result may share storage with. Flow-insensitive: a
 * local may hold what any of its assignments gives it.
 */
public final class Summaries {
  /** The name that stands for every {@code static final} array in alias sets. */
  public static final String CONSTANT = "static final";

  private final Map<String, ResultAlias> results;
  private final Function<Callee.DifferentiableMethod, ResultAlias> compiled;
  private final Map<String, ResultAlias> compiledCache = new HashMap<>();

  /**
   * The keys of methods whose callers call their companion's flat overload (records, instance methods),
   * by {@code companion#name}: the summary of the flat IR holds for the flat call's arguments.
   */
  private final Map<String, String> flatKeys = new HashMap<>();

  private Summaries(Map<String, ResultAlias> results, Function<Callee.DifferentiableMethod, ResultAlias> compiled) {
    this.results = results;
    this.compiled = compiled;
  }

  /** The summaries of {@code methods}; {@code compiled} answers for every other callee. */
  public static Summaries of(Collection<MethodIr> methods, Function<Callee.DifferentiableMethod, ResultAlias> compiled) {
    Map<String, ResultAlias> results = new LinkedHashMap<>();
    for (MethodIr m : methods) {
      results.put(key(m.ownerCanonicalName(), m.name()), ResultAlias.FRESH);
    }
    Summaries s = new Summaries(results, compiled);
    for (MethodIr m : methods) {
      String companion = m.packageName().isEmpty() ? m.companionSimpleName()
          : m.packageName() + "." + m.companionSimpleName();
      s.flatKeys.put(key(companion, m.name()), key(m.ownerCanonicalName(), m.name()));
    }
    boolean changed = true;
    while (changed) {
      changed = false;
      for (MethodIr m : methods) {
        String k = key(m.ownerCanonicalName(), m.name());
        ResultAlias next = results.get(k).union(s.summarize(m));
        if (!next.equals(results.get(k))) {
          results.put(k, next);
          changed = true;
        }
      }
    }
    return s;
  }

  /** The key of a method: its class's canonical name and its name (differentiable names are never overloaded). */
  public static String key(String owner, String name) {
    return owner + "#" + name;
  }

  /** What {@code method}'s result may alias (fresh for a result that is not an array). */
  public ResultAlias resultAlias(MethodIr method) {
    return results.getOrDefault(key(method.ownerCanonicalName(), method.name()),
        ResultAlias.unknown(method.parameters().size()));
  }

  /** What a call of {@code callee} may return. */
  public ResultAlias resultAlias(Callee.DifferentiableMethod callee) {
    if (!(callee.returnType() instanceof Type.DoubleArray)) {
      return ResultAlias.FRESH;
    }
    String k = key(callee.owner(), callee.member());
    ResultAlias known = results.get(callee.flattened() ? flatKeys.getOrDefault(k, k) : k);
    if (known != null) {
      return known;
    }
    return compiledCache.computeIfAbsent(k, x -> compiled.apply(callee));
  }

  private ResultAlias summarize(MethodIr m) {
    if (!(m.returnType() instanceof Type.DoubleArray)) {
      return ResultAlias.FRESH;
    }
    Map<String, Set<String>> locals = localRoots(m.body());
    Set<String> returned = new HashSet<>();
    for (Stmt s : statements(m.body())) {
      if (s instanceof Stmt.Return r) {
        returned.addAll(roots(r.value(), locals));
      }
    }
    List<Integer> parameters = new ArrayList<>();
    for (int k = 0; k < m.parameters().size(); k++) {
      if (returned.contains(m.parameters().get(k).name())) {
        parameters.add(k);
      }
    }
    return new ResultAlias(parameters, returned.contains(CONSTANT));
  }

  /** For every local array, what it may share storage with (flow-insensitive, to a fixed point). */
  public Map<String, Set<String>> localRoots(Stmt body) {
    Map<String, Set<String>> locals = new HashMap<>();
    List<Stmt> all = statements(body);
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Stmt s : all) {
        Expr target = s instanceof Stmt.Declare d ? d.variable() : s instanceof Stmt.Assign a ? a.target() : null;
        Expr value = s instanceof Stmt.Declare d ? d.init() : s instanceof Stmt.Assign a ? a.value() : null;
        if (value == null || !(value.type() instanceof Type.DoubleArray)) {
          continue;
        }
        Expr root = target;
        while (root instanceof Expr.Index i) {
          root = i.array();
        }
        if (root instanceof Expr.Var v) {
          Set<String> r = new HashSet<>(roots(value, locals));
          r.remove(v.name());
          changed |= locals.computeIfAbsent(v.name(), x -> new HashSet<>()).addAll(r);
        }
      }
    }
    return locals;
  }

  /**
   * The variables (and {@link #CONSTANT}) whose arrays {@code e} may share storage with: a variable itself
   * and what it may hold, the array of a row, what a call may return of its arguments.
   */
  public Set<String> roots(Expr e, Map<String, Set<String>> locals) {
    Set<String> out = new HashSet<>();
    if (e instanceof Expr.Var v) {
      out.add(v.name());
      out.addAll(locals.getOrDefault(v.name(), Set.of()));
    } else if (e instanceof Expr.Index i) {
      out.addAll(roots(i.array(), locals));
    } else if (e instanceof Expr.StaticField) {
      out.add(CONSTANT);
    } else if (e instanceof Expr.Conditional c) {
      out.addAll(roots(c.whenTrue(), locals));
      out.addAll(roots(c.whenFalse(), locals));
    } else if (e instanceof Expr.Call c && c.callee() instanceof Callee.DifferentiableMethod m
        && c.type() instanceof Type.DoubleArray) {
      ResultAlias alias = resultAlias(m);
      for (int k : alias.parameters()) {
        if (k < c.args().size()) {
          out.addAll(roots(c.args().get(k), locals));
        }
      }
      if (alias.constant()) {
        out.add(CONSTANT);
      }
    }
    return out;
  }

  /** Every statement of {@code s}, nested ones included, in source order. */
  public static List<Stmt> statements(Stmt s) {
    List<Stmt> out = new ArrayList<>();
    collect(s, out);
    return out;
  }

  private static void collect(Stmt s, List<Stmt> out) {
    out.add(s);
    if (s instanceof Stmt.Block b) {
      b.statements().forEach(x -> collect(x, out));
    } else if (s instanceof Stmt.If i) {
      collect(i.then(), out);
      collect(i.otherwise(), out);
    } else if (s instanceof Stmt.While w) {
      collect(w.body(), out);
    } else if (s instanceof Stmt.DoWhile d) {
      collect(d.body(), out);
    } else if (s instanceof Stmt.For f) {
      f.init().forEach(x -> collect(x, out));
      collect(f.body(), out);
      f.update().forEach(x -> collect(x, out));
    }
  }
}
