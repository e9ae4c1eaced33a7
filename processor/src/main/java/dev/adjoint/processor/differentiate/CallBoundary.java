package dev.adjoint.processor.differentiate;

import dev.adjoint.processor.ir.Callee;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.TapeKind;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The split-mode call boundary: how a call to another differentiated method is evaluated once.
 *
 * <p>The caller's forward sweep calls the callee's augmented forward {@code C.m$augment(args, tapes...)}, which
 * runs the callee's forward sweep once onto the caller's tapes, pushes the end state its reverse needs and returns
 * the result (emit.CallMembers). At the start of the statement's reverse the caller saves its read cursors in
 * {@code _at_doubles$k} ... and takes the call's value back with {@code _value$k = C.m$skip(tapes...)}, which moves
 * the cursors below the callee's stretch; the reverse sweep reads the value as {@code _value$k} and runs the
 * callee's reverse as {@code C.m$reverse(upstream, scalar arguments..., adjoints..., tapes..., cursors..., _doubles)},
 * the scalar arguments evaluated again on the restored state (so that the callee need not keep its scalar
 * parameters; not for tensor results): the callee accumulates
 * straight into the caller's adjoint arrays of its array arguments, returns its {@code double} parameters'
 * adjoints in the registers of the caller's double tape ({@link #usesRegisters}) and the gradient record only for
 * tensor components. So a call allocates nothing but tape space, and recursion is linear.
 *
 * <p>What the callee's reverse reads must still hold its call-time contents when it runs: its array
 * arguments and, for an array result, the array it returned (which the caller may write into). Both are
 * reported as reads of the call's statement to the to-be-recorded analysis, so that later writes into
 * them are saved and undone before the callee's reverse, as for any other statement.
 *
 * <p>A {@code ?:} whose branches hold calls records the side it took ({@code _taken$k}): the reverse sweep
 * follows that record instead of evaluating the condition again, and pops the taken side's tapes only.
 * Inside loops the record goes on the int tape after the side's own records, so that nested {@code ?:}
 * pop in order.
 *
 * <p>Calls of tiny pure scalar callees ({@link Recomputable}) are no sites: the forward sweep calls the
 * original, and the reverse sweep recomputes the callee from its arguments' restored values
 * ({@code C.m$pullback(args..., upstream, _doubles)}, adjoints in the registers as well), so such a call keeps
 * no tape.
 */
public final class CallBoundary {
  /**
   * One call of the statement being differentiated: of another differentiated method (its tape is kept), or
   * a costly tensor operation ({@link KeptTensors}: its value is kept).
   */
  private static final class Site {
    final Expr.Call call;
    final Expr.Var state;
    final boolean pushed;
    /** A tensor operation whose result itself is kept, not a callee's tape. */
    final boolean value;
    /** Whether the reverse sweep reads the call's value or runs its reverse: only then is its tape kept. */
    boolean used;
    /** A callee's call: the caller's read cursors where the call's stretches end, saved when it is skipped. */
    final List<Expr.Var> at = new ArrayList<>();

    Site(Expr.Call call, Expr.Var state, boolean pushed, boolean value) {
      this.call = call;
      this.state = state;
      this.pushed = pushed;
      this.value = value;
    }
  }

  /** A {@code ?:} of the current statement whose branches hold calls: the side taken is recorded. */
  private static final class Decision {
    final Expr.Var taken;
    final boolean pushed;
    boolean used;

    Decision(Expr.Var taken, boolean pushed) {
      this.taken = taken;
      this.pushed = pushed;
    }
  }

  /**
   * Whether {@code name} is a local of a call site ({@code _value$k}, {@code _at_doubles$k}, ...): the reverse
   * sets it where the call's statement's reverse starts, before any read, so a forward end state need not keep it.
   */
  public static boolean isSiteLocal(String name) {
    return SITE_LOCAL.matcher(name).matches();
  }

  /** {@link #isSiteLocal}'s names, compiled once: the check runs for every variable of every sweep. */
  private static final java.util.regex.Pattern SITE_LOCAL =
      java.util.regex.Pattern.compile("_value\\$\\d+|_at_(doubles|ints|refs|calls)\\$\\d+");

  /** Callees recomputed in the reverse sweep ({@link Recomputable}): their calls keep no tape. */
  private final Predicate<Callee.DifferentiableMethod> recomputed;

  /** Recomputed callees with a derivative in their result ({@link Recomputable#derivativeAtResult}). */
  private final Predicate<Callee.DifferentiableMethod> atResult;

  CallBoundary(Predicate<Callee.DifferentiableMethod> recomputed, Predicate<Callee.DifferentiableMethod> atResult) {
    this.recomputed = recomputed;
    this.atResult = atResult;
  }

  /** Whether {@code call}'s callee is recomputed and has {@code m$atResult} ({@link Recomputable}). */
  boolean atResult(Expr.Call call) {
    return recomputes(call) && atResult.test((Callee.DifferentiableMethod) call.callee());
  }

  /** Whether {@code call} calls a callee the reverse sweep recomputes instead of keeping its tape. */
  boolean recomputes(Expr.Call call) {
    return call.callee() instanceof Callee.DifferentiableMethod m && recomputed.test(m);
  }

  private final Map<Expr.Conditional, Decision> decisions = new IdentityHashMap<>();
  private final Set<TapeKind> tapes = EnumSet.noneOf(TapeKind.class);
  private int decided;

  /** The calls of the current statement, by identity, in evaluation order. */
  private final Map<Expr.Call, Site> sites = new IdentityHashMap<>();
  private final List<Site> order = new ArrayList<>();
  /** The locals that hold kept tapes: hoisted with the other locals of the sweep. */
  private final List<Expr.Var> states = new ArrayList<>();
  /** Variables the current statement's callee reverses read (arguments, returned arrays). */
  private final List<String> reads = new ArrayList<>();
  private Stmt.Assign statement;
  private int count;

  /** Forgets everything, for the second pass of the sweep. */
  void reset() {
    registers = false;
    sites.clear();
    order.clear();
    decisions.clear();
    states.clear();
    reads.clear();
    statement = null;
    count = 0;
    decided = 0;
  }

  /** The locals holding kept tapes. */
  List<Expr.Var> states() {
    return states;
  }

  /** Opens the calls of {@code a}'s value as sites; {@code inLoop}: their tapes go on the call tape. */
  void open(Stmt.Assign a, boolean inLoop) {
    statement = a;
    collect(a.value(), inLoop);
  }

  private void collect(Expr e, boolean inLoop) {
    for (Expr child : ExprWalk.children(e)) {
      collect(child, inLoop);
    }
    if (e instanceof Expr.Conditional c && (hasCall(c.whenTrue()) || hasCall(c.whenFalse()))) {
      decisions.put(c, new Decision(new Expr.Var("_taken$" + (++decided), Type.BOOLEAN), inLoop));
    }
    if (e instanceof Expr.Call c && c.callee() instanceof Callee.DifferentiableMethod m && !recomputed.test(m)) {
      Site site = new Site(c, new Expr.Var("_value$" + (++count), c.type()), inLoop, false);
      for (TapeKind t : TapeKind.values()) {
        site.at.add(new Expr.Var("_at" + t.variable + "$" + count, Type.LONG));
      }
      sites.put(c, site);
      order.add(site);
    } else if (e instanceof Expr.Call c && KeptTensors.kept(c)) {
      Site site = new Site(c, new Expr.Var("_kept$" + (++count), Type.TENSOR), inLoop, true);
      sites.put(c, site);
      order.add(site);
    }
  }

  private boolean hasCall(Expr e) {
    boolean[] found = {false};
    ExprWalk.visit(e, x -> found[0] |= x instanceof Expr.Call c && (c.callee() instanceof Callee.DifferentiableMethod m
        && !recomputed.test(m) || KeptTensors.kept(c)));
    return found[0];
  }

  /** Whether {@code e} contains a call of the current statement (whose value must come from its tape). */
  boolean containsSite(Expr e) {
    if (sites.isEmpty()) {
      return false;
    }
    boolean[] found = {false};
    ExprWalk.visit(e, x -> found[0] |= x instanceof Expr.Call c && sites.containsKey(c));
    return found[0];
  }

  /**
   * Whether {@code e} contains a call of another differentiated method of the current statement: an equal
   * expression elsewhere is another call, with a tape of its own. (A kept tensor operation is no such call: an
   * equal one has an equal value.)
   */
  boolean containsCallSite(Expr e) {
    if (sites.isEmpty()) {
      return false;
    }
    boolean[] found = {false};
    ExprWalk.visit(e, x -> found[0] |= x instanceof Expr.Call c && sites.containsKey(c) && !sites.get(c).value);
    return found[0];
  }

  /** The side {@code c} took: its recorded decision, or its condition evaluated on the restored state. */
  Expr condition(Expr.Conditional c) {
    Decision d = decisions.get(c);
    if (d == null) {
      return primal(c.condition());
    }
    d.used = true;
    return d.taken;
  }

  /**
   * {@code _callee$k.result$()} when {@code e} is a call of the current statement ({@code _kept$k} when it is
   * a kept tensor operation), else null.
   */
  Expr result(Expr e) {
    Site site = e instanceof Expr.Call c ? sites.get(c) : null;
    if (site == null) {
      return null;
    }
    site.used = true;
    return site.state;
  }

  /** {@code e} with every call of the current statement replaced by the value its tape kept. */
  Expr primal(Expr e) {
    if (!containsSite(e)) {
      return e;
    }
    Expr r = result(e);
    if (r != null) {
      return r;
    }
    if (e instanceof Expr.Conditional c) {
      return new Expr.Conditional(condition(c), primal(c.whenTrue()), primal(c.whenFalse()), c.type());
    }
    return rebuild(e, this::primal);
  }

  /**
   * The callee's reverse for a call of the current statement with upstream {@code g} (null for a call of
   * no statement being differentiated):
   * {@code _callee$k.reverse$(g, adjoints of the differentiable array arguments...)}, returning the gradient
   * record ({@code gradient}) whose scalar and tensor components the caller routes on.
   */
  Expr.Call reverse(Expr.Call call, Expr g, Type gradient, Predicate<Expr> active) {
    Site site = sites.get(call);
    if (site == null || site.value) {
      return null;
    }
    site.used = true;
    Callee.DifferentiableMethod m = (Callee.DifferentiableMethod) call.callee();
    List<Expr> args = new ArrayList<>(List.of(g));
    if (m.returnType() != Type.TENSOR) {
      // The scalar arguments again, on the restored state (the reverse statement reads them, so the
      // to-be-recorded analysis keeps what they read): the callee's end state need not keep its scalar
      // parameters (emit.CallMembers).
      for (int k = 0; k < call.args().size(); k++) {
        if (m.parameterTypes().get(k) instanceof Type.Scalar) {
          args.add(primal(call.args().get(k)));
        }
      }
    }
    for (int k = 0; k < call.args().size(); k++) {
      Expr arg = call.args().get(k);
      Type type = m.parameterTypes().get(k);
      if (type instanceof Type.DoubleArray && m.gradientComponents().get(k) != null) {
        // The callee accumulates into the caller's adjoint (a fresh zero array when nothing needs it).
        args.add(active.test(arg) ? ReverseSweep.adjointOf(primal(arg)) : new Expr.Literal("null", type));
      }
      if (type instanceof Type.DoubleArray || type instanceof Type.IntArray) {
        reads.addAll(ExprWalk.variables(arg));
      }
    }
    Expr needs = needs(call, m, active);
    if (needs != null) {
      args.add(needs);
    }
    args.addAll(tapeVariables());
    args.addAll(site.at);
    // the registers the callee returns its double parameters' adjoints in: this method's double tape's
    args.add(new Expr.Var(TapeKind.DOUBLES.variable, new Type.Named(TapeKind.DOUBLES.runtimeClass)));
    if (call.type() instanceof Type.DoubleArray && statement.value() == call) {
      Expr.Var holder = ExprWalk.root(statement.target());
      if (holder != null) {
        reads.add(holder.name());
      }
    }
    return new Expr.Call(new Callee.Static(m.companion(), m.member() + "$reverse"), args, gradient);
  }

  /** The caller's tapes, which a callee records onto and reads from (emit.CallMembers). */
  static List<Expr> tapeVariables() {
    List<Expr> out = new ArrayList<>();
    for (TapeKind t : TapeKind.values()) {
      out.add(new Expr.Var(t.variable, new Type.Named(t.runtimeClass)));
    }
    return out;
  }

  /**
   * For a call of a tensor method (by name: no helper specialisation, no record or object leaves) passing a
   * value that does not vary with the inputs to one of its differentiable tensor parameters: per such
   * parameter, whether this caller reads its gradient ({@code new boolean[] {true, false}}), so that the
   * callee's reverse pass skips what only the unread ones need (PyTorch's {@code needs_input_grad} across the
   * call, {@code emit.TapeMembers}). Null when every tensor gradient is read: the plain {@code reverse$}.
   */
  private static Expr needs(Expr.Call call, Callee.DifferentiableMethod m, Predicate<Expr> active) {
    if (m.returnType() != Type.TENSOR || m.flattened() || !m.member().equals(m.name())) {
      return null;
    }
    List<Expr> flags = new ArrayList<>();
    boolean skips = false;
    for (int k = 0; k < call.args().size(); k++) {
      if (m.parameterTypes().get(k) == Type.TENSOR && m.gradientComponents().get(k) != null) {
        boolean read = active.test(call.args().get(k));
        skips |= !read;
        flags.add(new Expr.Literal(Boolean.toString(read), Type.BOOLEAN));
      }
    }
    return skips ? new Expr.ArrayInit(new Type.IntArray(Type.BOOLEAN), flags) : null;
  }

  private boolean registers;

  /** Notes that a callee's reverse returns adjoints in the registers of this method's double tape. */
  void usesRegisters() {
    registers = true;
  }

  /** Whether a callee's reverse returns adjoints in the registers of this method's double tape. */
  boolean registers() {
    return registers;
  }

  /** The variables the current statement's callee reverses read, for the to-be-recorded analysis. */
  List<String> reads() {
    return reads;
  }

  /** Whether a kept site returns an array the callee's reverse may write back into. */
  boolean writesArrays() {
    return order.stream().anyMatch(s -> s.used && s.call.type() instanceof Type.DoubleArray);
  }

  /**
   * The reverse statements that pop what the current statement pushed, last pushed first: placed at the
   * start of the statement's reverse. A {@code ?:} pops its record, then the taken side's tapes.
   */
  List<Stmt> pops() {
    List<Stmt> out = new ArrayList<>();
    pops(statement.value(), out);
    return out;
  }

  /** The tapes the current statement's records use. */
  Set<TapeKind> tapes() {
    return tapes;
  }

  /** Pops in reverse evaluation order: a call after its arguments, a side after the condition. */
  private void pops(Expr e, List<Stmt> out) {
    Decision d = e instanceof Expr.Conditional c ? decisions.get(c) : null;
    if (d != null && d.used) {
      Expr.Conditional c = (Expr.Conditional) e;
      if (d.pushed) {
        tapes.add(TapeKind.INTS);
        out.add(new Stmt.Assign(d.taken, new Expr.Pop(TapeKind.INTS, Type.BOOLEAN), statement.origin()));
      }
      List<Stmt> whenTrue = new ArrayList<>();
      List<Stmt> whenFalse = new ArrayList<>();
      pops(c.whenTrue(), whenTrue);
      pops(c.whenFalse(), whenFalse);
      if (!whenTrue.isEmpty() || !whenFalse.isEmpty()) {
        out.add(new Stmt.If(d.taken, Stmt.Block.of(whenTrue), Stmt.Block.of(whenFalse), statement.origin()));
      }
      pops(c.condition(), out);
      return;
    }
    Site site = e instanceof Expr.Call call ? sites.get(call) : null;
    if (site != null && site.used && site.value && site.pushed) {
      tapes.add(TapeKind.REFS);
      out.add(new Stmt.Assign(site.state, new Expr.Pop(TapeKind.REFS, site.state.type()), statement.origin()));
    }
    if (site != null && site.used && !site.value) {
      // The callee recorded onto this method's tapes just before: the read cursors, saved for its reverse,
      // move below its stretches, and its result comes back (emit.CallMembers).
      List<Expr> tapeVariables = tapeVariables();
      for (int k = 0; k < site.at.size(); k++) {
        out.add(new Stmt.Assign(site.at.get(k), new Expr.Call(new Callee.TapeMember("cursor"),
            List.of(tapeVariables.get(k)), Type.LONG), statement.origin()));
      }
      Callee.DifferentiableMethod m = (Callee.DifferentiableMethod) site.call.callee();
      out.add(new Stmt.Assign(site.state, new Expr.Call(new Callee.Static(m.companion(), m.member() + "$skip"),
          tapeVariables, site.call.type()), statement.origin()));
    }
    List<Expr> children = ExprWalk.children(e);
    for (int k = children.size() - 1; k >= 0; k--) {
      pops(children.get(k), out);
    }
  }

  /** The forward value of the current statement: every kept call through its augmented forward. */
  Expr forward(Expr value) {
    if (!keepsTapes()) {
      return value;
    }
    return recorded(value);
  }

  private Expr recorded(Expr e) {
    Expr rebuilt = rebuild(e, this::recorded);
    Decision d = e instanceof Expr.Conditional c ? decisions.get(c) : null;
    if (d != null && d.used) {
      return new Expr.Decided((Expr.Conditional) rebuilt, d.taken, d.pushed);
    }
    Site site = e instanceof Expr.Call c ? sites.get(c) : null;
    if (site != null && site.used) {
      return new Expr.Recorded((Expr.Call) rebuilt, site.state, site.pushed);
    }
    return rebuilt;
  }

  /** Whether the current statement keeps a callee's tape or a {@code ?:} record. */
  boolean keepsTapes() {
    return order.stream().anyMatch(s -> s.used) || decisions.values().stream().anyMatch(d -> d.used);
  }

  /** Whether the current statement keeps a callee's tape: the callee records onto this method's tapes. */
  boolean recordsCalls() {
    return order.stream().anyMatch(s -> s.used && !s.value);
  }

  /** What the current statement's forward keeps, for its comment: callee tapes, tensor values, or both. */
  String keptLabel() {
    boolean values = order.stream().anyMatch(s -> s.used && s.value);
    boolean tapes = recordsCalls();
    String what = tapes && values ? "callee tapes and tensor values" : values ? "tensor values" : "callee tapes";
    return what + (pushes() ? " pushed" : " kept");
  }

  /** Whether the current statement pushes a callee's tape or a {@code ?:} record. */
  boolean pushes() {
    return order.stream().anyMatch(s -> s.used && s.pushed)
        || decisions.values().stream().anyMatch(d -> d.used && d.pushed);
  }

  /** Closes the current statement: the locals of its kept tapes are hoisted. */
  void close() {
    for (Site s : order) {
      if (s.used && !states.contains(s.state)) {
        states.add(s.state);
        states.addAll(s.at);
      }
    }
    for (Decision d : decisions.values()) {
      if (d.used && !states.contains(d.taken)) {
        states.add(d.taken);
      }
    }
    sites.clear();
    order.clear();
    decisions.clear();
    tapes.clear();
    reads.clear();
    statement = null;
  }

  /** {@code e} with its direct subexpressions mapped by {@code f} (the same node when none changes). */
  private static Expr rebuild(Expr e, UnaryOperator<Expr> f) {
    if (e instanceof Expr.Unary u) {
      return new Expr.Unary(u.op(), f.apply(u.operand()), u.type());
    }
    if (e instanceof Expr.Binary b) {
      return new Expr.Binary(b.op(), f.apply(b.left()), f.apply(b.right()), b.type());
    }
    if (e instanceof Expr.Call c) {
      return new Expr.Call(c.callee(), c.args().stream().map(f).toList(), c.type());
    }
    if (e instanceof Expr.Index i) {
      return new Expr.Index(f.apply(i.array()), f.apply(i.index()), i.type());
    }
    if (e instanceof Expr.Length l) {
      return new Expr.Length(f.apply(l.array()));
    }
    if (e instanceof Expr.Conditional c) {
      return new Expr.Conditional(f.apply(c.condition()), f.apply(c.whenTrue()), f.apply(c.whenFalse()), c.type());
    }
    if (e instanceof Expr.Cast c) {
      return new Expr.Cast(c.type(), f.apply(c.operand()));
    }
    if (e instanceof Expr.NewArray n) {
      return new Expr.NewArray(n.type(), n.dimensions().stream().map(f).toList());
    }
    if (e instanceof Expr.ArrayInit a) {
      return new Expr.ArrayInit(a.type(), a.elements().stream().map(f).toList());
    }
    if (e instanceof Expr.Clone c) {
      return c.map(f::apply);
    }
    if (e instanceof Expr.Component c) {
      return new Expr.Component(f.apply(c.target()), c.name(), c.type());
    }
    return e;
  }
}
