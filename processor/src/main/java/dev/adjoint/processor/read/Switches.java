package dev.adjoint.processor.read;

import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CaseTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.SwitchExpressionTree;
import com.sun.source.tree.SwitchTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.YieldTree;
import dev.adjoint.processor.ir.Expr;
import dev.adjoint.processor.ir.Expr.BinaryOp;
import dev.adjoint.processor.ir.ExprWalk;
import dev.adjoint.processor.ir.Origin;
import dev.adjoint.processor.ir.Stmt;
import dev.adjoint.processor.ir.Type;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code switch} over an {@code int}, a {@code char}, an enum (its {@link Enums#ordinal ordinal}) or a
 * {@code String} (each label tested with {@code equals}, {@link Strings}), lowered to {@code if}s with Java's exact semantics. A switch statement
 * whose groups never fall through becomes an {@code if}/{@code else} chain; otherwise every group runs when
 * a flag says that the previous group fell into it or its labels match: {@code if (fallthrough$N || s == 1)
 * { fallthrough$N = <the group can complete normally>; ... }}, and {@code default} matches when no other
 * group's label does. A {@code break} that leaves the switch from inside it makes the whole a
 * {@code do ... while (false)} loop (see {@link Jumps}). A switch expression whose cases are expressions
 * (or a single {@code yield}) becomes a {@code ?:} chain.
 */
final class Switches {
  private final MethodReader reader;

  Switches(MethodReader reader) {
    this.reader = reader;
  }

  /** A group of labels and the statements they start ({@code default} when {@code isDefault}). */
  private record Group(List<Integer> labels, boolean isDefault, List<Stmt> body, boolean completes, Tree at) {}

  /**
   * A switch's selector as the int it tests, and its labels: ints, or for an enum ({@code enumType} not null)
   * the indices of {@code constants}, tested as {@code Mode.LABEL.ordinal()}.
   */
  private record Selector(Expr value, Type.EnumType enumType, List<String> constants) {
    /** Whether this is a switch over a {@code String}: {@code constants} are its labels as Java literals. */
    boolean strings() {
      return enumType == Strings.TYPE;
    }

    Expr label(int k) {
      return enumType == null ? Expr.Literal.ofInt(k) : Enums.labelOrdinal(enumType, constants.get(k));
    }

    /** {@code selector} matches the label {@code k}. */
    Expr test(Expr selector, int k) {
      return strings() ? Strings.equalsCall(selector, new Expr.Literal(constants.get(k), Strings.TYPE))
          : new Expr.Binary(BinaryOp.EQ, selector, label(k), Type.BOOLEAN);
    }
  }

  void statement(SwitchTree s, String label, Origin origin, List<Stmt> out) {
    Selector sel = selector(s.getExpression());
    Expr selector = sel.value();
    int position = out.size();
    Jumps.Target target = reader.jumps.enter(label, false);
    List<Group> groups = new ArrayList<>();
    Set<Integer> seen = new HashSet<>();
    List<Integer> pendingLabels = new ArrayList<>();
    boolean pendingDefault = false;
    reader.pushScope();
    try {
      for (CaseTree c : s.getCases()) {
        pendingDefault |= labels(c, sel, pendingLabels, seen);
        List<Stmt> body = new ArrayList<>();
        boolean completes;
        if (c.getCaseKind() == CaseTree.CaseKind.RULE) {
          Tree b = c.getBody();
          if (b instanceof BlockTree block) {
            body.add(reader.blockOf(block));
          } else if (b instanceof ExpressionStatementTree es) {
            reader.statementInto(es, body);
          } else if (b instanceof StatementTree st) {
            reader.statementInto(st, body);
          } else if (b instanceof ExpressionTree e) {
            reader.expressionStatementInto(e, body);
          }
          completes = false;
        } else {
          List<? extends StatementTree> statements = c.getStatements();
          if (statements.isEmpty() && c != s.getCases().get(s.getCases().size() - 1)) {
            continue; // case 1: case 2: ... shares the next statements
          }
          List<? extends StatementTree> kept = statements;
          boolean endsWithBreak = !statements.isEmpty()
              && statements.get(statements.size() - 1) instanceof com.sun.source.tree.BreakTree bt
              && bt.getLabel() == null;
          if (endsWithBreak) {
            kept = statements.subList(0, statements.size() - 1);
          }
          for (StatementTree st : kept) {
            reader.statementInto(st, body);
          }
          completes = !endsWithBreak && (statements.isEmpty() || completesNormally(statements.get(statements.size() - 1)));
        }
        groups.add(new Group(List.copyOf(pendingLabels), pendingDefault, body, completes, c));
        pendingLabels.clear();
        pendingDefault = false;
      }
    } finally {
      reader.popScope();
      reader.jumps.leave(target);
    }
    boolean fallsThrough = false;
    for (int i = 0; i < groups.size() - 1; i++) {
      fallsThrough |= groups.get(i).completes();
    }
    Expr.Var value;
    if (selector instanceof Expr.Var v && !fallsThrough) {
      // An if/else chain tests every label before any group runs.
      value = v;
    } else {
      // Groups test the selector after earlier groups ran, which may assign its variable: test a copy.
      value = new Expr.Var(reader.fresh("selector"), selector.type());
      out.add(position, new Stmt.Declare(value, selector, origin));
    }
    List<Stmt> lowered = new ArrayList<>();
    if (!fallsThrough) {
      Stmt.Block chain = Stmt.Block.of(List.of());
      Group fallback = groups.stream().filter(Group::isDefault).findFirst().orElse(null);
      if (fallback != null) {
        chain = Stmt.Block.of(fallback.body());
      }
      for (int i = groups.size() - 1; i >= 0; i--) {
        Group g = groups.get(i);
        if (g != fallback) {
          chain = Stmt.Block.of(List.of(new Stmt.If(matches(sel, value, g.labels()), Stmt.Block.of(g.body()), chain,
              origin)));
        }
      }
      lowered.addAll(chain.statements());
    } else {
      Expr.Var fall = new Expr.Var(reader.fresh("fallthrough"), Type.BOOLEAN);
      lowered.add(new Stmt.Declare(fall, bool(false), origin));
      for (int i = 0; i < groups.size(); i++) {
        Group g = groups.get(i);
        List<Integer> others = new ArrayList<>();
        for (Group h : groups) {
          if (h != g) {
            others.addAll(h.labels());
          }
        }
        Expr match = g.isDefault()
            ? (others.isEmpty() ? bool(true) : new Expr.Unary(Expr.UnaryOp.NOT, matches(sel, value, others), Type.BOOLEAN))
            : matches(sel, value, g.labels());
        Expr condition = i == 0 ? match : new Expr.Binary(BinaryOp.OR, fall, match, Type.BOOLEAN);
        List<Stmt> then = new ArrayList<>();
        if (i < groups.size() - 1) {
          then.add(new Stmt.Assign(fall, bool(g.completes()), origin));
        }
        then.addAll(g.body());
        lowered.add(new Stmt.If(condition, Stmt.Block.of(then), Stmt.Block.of(List.of()), origin));
      }
    }
    if (target.broken) {
      out.add(new Stmt.DoWhile(Stmt.Block.of(lowered), bool(false), origin));
    } else {
      out.addAll(lowered);
    }
    reader.jumps.close(target, out, position, origin);
  }

  /** A switch expression whose cases are expressions, or a single {@code yield}: a {@code ?:} chain. */
  Expr expression(SwitchExpressionTree s) {
    Selector sel = selector(s.getExpression());
    Expr selector = sel.value();
    if (!(selector instanceof Expr.Var || selector instanceof Expr.Literal) && !pure(selector)) {
      throw new Unsupported(s.getExpression(), "the selector of this switch expression calls a method: assign it to"
          + " a local first (int k = ...;) and switch on the local");
    }
    List<List<Integer>> labels = new ArrayList<>();
    List<Expr> values = new ArrayList<>();
    Expr fallback = null;
    Set<Integer> seen = new HashSet<>();
    List<Integer> pending = new ArrayList<>();
    boolean pendingDefault = false;
    for (CaseTree c : s.getCases()) {
      pendingDefault |= labels(c, sel, pending, seen);
      ExpressionTree result;
      if (c.getCaseKind() == CaseTree.CaseKind.RULE) {
        result = resultOf(c.getBody(), c);
      } else {
        if (c.getStatements().isEmpty()) {
          continue;
        }
        result = c.getStatements().size() == 1 ? resultOf(c.getStatements().get(0), c) : null;
        if (result == null) {
          throw new Unsupported(c, "a switch expression whose cases run statements is not supported: use a switch"
              + " statement that assigns a local");
        }
      }
      Expr value = reader.expression(result);
      if (pendingDefault) {
        fallback = value;
      } else {
        labels.add(List.copyOf(pending));
        values.add(value);
      }
      pending.clear();
      pendingDefault = false;
    }
    if (fallback == null && sel.enumType() != null && !sel.strings() && seen.size() == sel.constants().size() && !values.isEmpty()) {
      // javac checked that the cases cover every constant: the last case is what remains.
      fallback = values.remove(values.size() - 1);
      labels.remove(labels.size() - 1);
    }
    if (fallback == null) {
      throw new Unsupported(s, "a switch expression over an int needs a default case");
    }
    List<Expr> all = new ArrayList<>(values);
    all.add(fallback);
    Type type = resultType(all, s);
    Expr chain = reader.convert(fallback, type, s);
    for (int i = values.size() - 1; i >= 0; i--) {
      chain = new Expr.Conditional(matches(sel, selector, labels.get(i)), reader.convert(values.get(i), type, s), chain,
          type);
    }
    return chain;
  }

  private static ExpressionTree resultOf(Tree body, CaseTree c) {
    if (body instanceof ExpressionTree e) {
      return e;
    }
    if (body instanceof YieldTree y) {
      return y.getValue();
    }
    if (body instanceof BlockTree b && b.getStatements().size() == 1 && b.getStatements().get(0) instanceof YieldTree y) {
      return y.getValue();
    }
    throw new Unsupported(c, "a switch expression whose cases run statements is not supported: use a switch"
        + " statement that assigns a local");
  }

  private static Type resultType(List<Expr> values, Tree at) {
    boolean booleans = values.stream().allMatch(v -> v.type() == Type.BOOLEAN);
    if (booleans) {
      return Type.BOOLEAN;
    }
    Type type = Type.INT;
    for (Expr v : values) {
      if (!(v.type() instanceof Type.Scalar sc) || !sc.numeric()) {
        throw new Unsupported(at, "the cases of a switch expression must all be numbers or all booleans");
      }
      if (sc == Type.DOUBLE || type == Type.DOUBLE) {
        type = Type.DOUBLE;
      } else if (sc == Type.LONG || type == Type.LONG) {
        type = Type.LONG;
      }
    }
    return type;
  }

  private Selector selector(ExpressionTree t) {
    Expr e = reader.expression(t);
    if (e.type() == Strings.TYPE) {
      // Labels are collected as they are read (a growing list): each is tested with equals, in order.
      return new Selector(e, Strings.TYPE, new ArrayList<>());
    }
    if (e.type() instanceof Type.EnumType enumType) {
      return new Selector(Enums.ordinal(e), enumType, Enums.constants(enumType, reader.elements));
    }
    // A char selector is the int the reader holds it as, compared with char or int labels as Java does.
    if (e.type() != Type.INT || !(reader.javaType(t).equals("int") || reader.javaType(t).equals("char"))) {
      throw new Unsupported(t, "switch is supported over int, char and enums only (this selector is "
          + reader.javaType(t) + "): use if/else");
    }
    return new Selector(e, null, List.of());
  }

  /** Adds {@code c}'s labels to {@code into}; true when it is {@code default}. */
  private boolean labels(CaseTree c, Selector sel, List<Integer> into, Set<Integer> seen) {
    if (c.getExpressions().isEmpty()) {
      return true;
    }
    for (ExpressionTree label : c.getExpressions()) {
      if (sel.strings()) {
        String text = Strings.label(reader.expression(label), label);
        int k = sel.constants().indexOf(text);
        if (k < 0) {
          k = sel.constants().size();
          sel.constants().add(text);
        }
        if (seen.add(k)) {
          into.add(k);
        }
        continue;
      }
      if (sel.enumType() != null) {
        int k = Enums.label(label, sel.enumType(), sel.constants());
        if (seen.add(k)) {
          into.add(k);
        }
        continue;
      }
      Expr e = reader.expression(label);
      if (!(e instanceof Expr.Literal l) || l.type() != Type.INT) {
        throw new Unsupported(label, "a case label must be an int constant");
      }
      int v = Integer.parseInt(l.text());
      if (seen.add(v)) {
        into.add(v);
      }
    }
    return false;
  }

  private static Expr matches(Selector sel, Expr value, List<Integer> labels) {
    Expr e = null;
    for (int v : labels) {
      Expr eq = sel.test(value, v);
      e = e == null ? eq : new Expr.Binary(BinaryOp.OR, e, eq, Type.BOOLEAN);
    }
    return e == null ? bool(false) : e;
  }

  private static boolean pure(Expr e) {
    if (e instanceof Expr.Call) {
      return false;
    }
    for (Expr c : ExprWalk.children(e)) {
      if (!pure(c)) {
        return false;
      }
    }
    return true;
  }

  /** Whether control can leave {@code s} at its end (a conservative reading of JLS 14.22 for a group's end). */
  private static boolean completesNormally(StatementTree s) {
    return switch (s.getKind()) {
      case BREAK, CONTINUE, RETURN, THROW, YIELD -> false;
      case BLOCK -> {
        List<? extends StatementTree> b = ((BlockTree) s).getStatements();
        yield b.isEmpty() || completesNormally(b.get(b.size() - 1));
      }
      default -> true;
    };
  }

  private static Expr bool(boolean b) {
    return new Expr.Literal(Boolean.toString(b), Type.BOOLEAN);
  }
}
